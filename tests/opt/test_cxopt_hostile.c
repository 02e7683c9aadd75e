/* test_cxopt_hostile.c - `cxopt apply` through every wire fault the mock
 * throws (issue 18): each attempt ends within its bound, a GET is retried,
 * a write is repeated only when that is safe (If-Match) and otherwise read
 * again and reported, the message says what happened, and the audit log is
 * whole. The real cxopt program against a real mock on loopback; the only
 * times asserted are generous bounds that tell "bounded" from "waited the
 * fault out". */
#include "cxproc.h"
#include "opt_fixture.h"

#include <time.h>

static char out[1 << 16], err[1 << 16];

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Each attempt's bound: 1 s, or 4 s under valgrind, where a good answer
 * is slower to read but must still come well within it. */
static const char *timeout_ms(void) { return getenv("CX_VALGRIND") ? "4000" : "1000"; }

/* "within 1000 ms", "(200) did not end within 1000 ms: " with the bound. */
static const char *within(const char *before, const char *after)
{
    static char buf[4][128];
    static int k;
    snprintf(buf[k % 4], sizeof buf[0], "%swithin %s ms%s", before, timeout_ms(), after);
    return buf[k++ % 4];
}

typedef struct run_result {
    int rc;
    double seconds;
    char audit[1024];
} run_result;

/* Runs `cxopt apply` (answerRate 0.72 -> 0.8) against a fresh mock of
 * `profile` with the one fault `rule`; the mock stays up in *mock for the
 * journal. `extra` are more arguments (NULL-terminated). */
static void apply_through(const char *profile, const char *rule, char *const extra[],
                          mock_server **mock, run_result *res)
{
    static int n;
    mock_options mo;
    mock_options_default(&mo);
    mo.profile = strcmp(profile, "cxone") == 0 ? MOCK_PROFILE_CXONE : MOCK_PROFILE_SEED;
    char doc[1024];
    snprintf(doc, sizeof doc, "{\"faults\":[%s]}", rule);
    cJSON *faults = cJSON_Parse(doc);
    CX_REQUIRE(faults != NULL);
    mo.faults = faults;
    cx_error e = {0};
    if (mock_server_create(&mo, mock, &e) != MOCK_OK || mock_server_start(*mock, &e) != MOCK_OK)
        fprintf(stderr, "mock: %s\n", e.msg);
    cJSON_Delete(faults);
    CX_REQUIRE(*mock != NULL);
    unsigned port = mock_server_port(*mock);
    char env[12][256], target[1024];
    int k = 0;
    snprintf(env[k++], 256, "CXONE_PROFILE=%s", profile);
    snprintf(env[k++], 256, "CXONE_CLIENT_ID=%s", MOCK_DEFAULT_CLIENT_ID);
    snprintf(env[k++], 256, "CXONE_CLIENT_SECRET=%s", MOCK_DEFAULT_CLIENT_SECRET);
    snprintf(env[k++], 256, "CXONE_AUTH_URL=http://127.0.0.1:%u/auth/token", port);
    snprintf(env[k++], 256, "CXONE_API_URL=http://127.0.0.1:%u", port);
    snprintf(env[k++], 256, "CXONE_CAMPAIGN_ID=%s", MOCK_DEFAULT_CAMPAIGN);
    snprintf(env[k++], 256, "CXONE_ACCESS_KEY_ID=%s", MOCK_DEFAULT_ACCESS_KEY_ID);
    snprintf(env[k++], 256, "CXONE_ACCESS_KEY_SECRET=%s", MOCK_DEFAULT_ACCESS_KEY_SECRET);
    snprintf(env[k++], 256, "HOME=%s", cx_scratch());
    char *envp[12];
    for (int i = 0; i < k; i++)
        envp[i] = env[i];
    envp[k] = NULL;
    snprintf(target, sizeof target, "%s/step.json", cx_scratch());
    FILE *f = fopen(target, "w");
    CX_REQUIRE(f != NULL);
    fputs("{\"answerRate\":0.8}", f);
    fclose(f);
    snprintf(res->audit, sizeof res->audit, "%s/audit-%d.jsonl", cx_scratch(), n++);
    char *argv[32] = {"optimizer/cxopt", "apply", "--target", target, "--audit", res->audit,
                      "--timeout", (char *)timeout_ms(), "--retry-base", "0.05", "--retry-attempts", "3"};
    int a = 12;
    for (int i = 0; extra && extra[i] && a < 31; i++)
        argv[a++] = extra[i];
    argv[a] = NULL;
    out[0] = err[0] = '\0';
    double t0 = wall();
    res->rc = cx_run(argv, envp, out, sizeof out, err, sizeof err);
    res->seconds = wall() - t0;
}

/* Requests the mock journaled for exactly `method path`. */
static int count(mock_server *m, const char *method, const char *path)
{
    cJSON *j = mock_server_journal(m);
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        n += strcmp(cJSON_GetObjectItem(e, "method")->valuestring, method) == 0 &&
             strcmp(cJSON_GetObjectItem(e, "path")->valuestring, path) == 0;
    }
    cJSON_Delete(j);
    return n;
}

/* The audit log is whole: every line a JSON record ending in a newline,
 * every intent followed by its cycle's outcome, one cycle with `outcome`. */
static void assert_audit_whole(const char *path, const char *outcome)
{
    char *text = cx_slurp(path);
    CX_REQUIRE(text != NULL);
    CU_ASSERT(text[0] && text[strlen(text) - 1] == '\n');
    char intent[64] = "";
    int cycles = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *r = cJSON_Parse(line);
        CU_ASSERT(r != NULL);
        const cJSON *t = cJSON_GetObjectItem(r, "type"), *id = cJSON_GetObjectItem(r, "cycle_id");
        if (cJSON_IsString(t) && strcmp(t->valuestring, "intent") == 0)
            snprintf(intent, sizeof intent, "%s", id->valuestring);
        if (cJSON_IsString(t) && strcmp(t->valuestring, "cycle") == 0) {
            cycles++;
            CX_ASSERT_STR_EQ(cJSON_GetObjectItem(r, "outcome")->valuestring, outcome);
            if (intent[0])
                CX_ASSERT_STR_EQ(id->valuestring, intent);
        }
        cJSON_Delete(r);
    }
    CX_ASSERT_INT_EQ(cycles, 1);
    free(text);
}

/* "ended after N of M bytes" is in `text`, N half of M (what truncated-body
 * sends), numbers grouped by thousands or not. */
static void assert_ended_after_half(const char *text)
{
    const char *p = strstr(text, "ended after ");
    CX_REQUIRE(p != NULL);
    long n = 0, m = 0;
    for (p += 12; *p && *p != ' '; p++)
        if (*p >= '0' && *p <= '9')
            n = n * 10 + (*p - '0');
    CX_REQUIRE(strncmp(p, " of ", 4) == 0);
    for (p += 4; *p && *p != ' '; p++)
        if (*p >= '0' && *p <= '9')
            m = m * 10 + (*p - '0');
    CX_ASSERT_CONTAINS(p, " bytes");
    CU_ASSERT(m > 100);
    CX_ASSERT_INT_EQ(n, m / 2);
}

#define SEED_GET "/api/v2/campaigns/c-1001"
#define CX_PUT "/inContactAPI/services/v30.0/skills/c-1001/parameters/general-settings"

/* ------------------------------------------------------- reads: retried */

static void read_survives(const char *action, const char *said)
{
    mock_server *m;
    run_result r;
    char rule[256];
    snprintf(rule, sizeof rule, "{\"method\":\"GET\",\"path\":\"" SEED_GET "\",%s,\"times\":1}",
             action);
    apply_through("seed", rule, NULL, &m, &r);
    CX_ASSERT_INT_EQ(r.rc, 0);
    CX_ASSERT_CONTAINS(out, "applied (accepted, verified)");
    /* the broken GET was retried, and the notice says what broke */
    CX_ASSERT_INT_EQ(count(m, "GET", SEED_GET), 2);
    CX_ASSERT_CONTAINS(err, "GET http://127.0.0.1:");
    CX_ASSERT_CONTAINS(err, said);
    CU_ASSERT(r.seconds < 60); /* generous: each attempt is bounded by --timeout */
    assert_audit_whole(r.audit, "applied");
    mock_server_destroy(m);
}

/* What the cycle must say of a fault: `said` as it is, or (with `until`)
 * "{said}within N ms{until}", N the --timeout. */
typedef struct said_case {
    const char *action, *said, *until;
    bool lands; /* a write: it landed before its answer broke */
    bool half;  /* "ended after N of M bytes", N half of M */
} said_case;

static const char *said_of(const said_case *c)
{
    return c->until ? within(c->said, c->until) : c->said;
}

static void test_get_faults(void)
{
    static const said_case cases[] = {
        {"\"action\":\"empty-response\"", "closed the connection without answering", NULL,
         false, false},
        {"\"action\":\"random-data\"", "is not HTTP", NULL, false, false},
        {"\"action\":\"truncated-body\"", "ended after ", NULL, false, true},
        {"\"action\":\"malformed-chunk\"", "(200) broke off after", NULL, false, false},
        {"\"action\":\"hang\"", "", "", false, false},
        {"\"action\":\"dribble\",\"chunks\":4,\"durationMs\":6000", "(200) did not end ", "",
         false, false},
        {"\"action\":\"bandwidth\",\"bytesPerSecond\":20", "", "", false, false},
        {"\"action\":\"slow-close\",\"durationMs\":600000", "(200) did not end ", ": ", false,
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        printf("\n    GET %s", cases[i].action);
        read_survives(cases[i].action, said_of(&cases[i]));
        if (cases[i].half)
            assert_ended_after_half(err);
    }
}

/* ------------------------------------- writes without If-Match: re-read */

/* CXone's PUT carries no If-Match: a write that may have landed is not
 * repeated; the campaign is read again and the cycle says what it shows. */
static void write_settled(const char *action, bool lands, const char *said)
{
    mock_server *m;
    run_result r;
    char rule[256];
    snprintf(rule, sizeof rule, "{\"method\":\"PUT\",\"path\":\"" CX_PUT "\",%s,\"times\":1}",
             action);
    apply_through("cxone", rule, NULL, &m, &r);
    CX_ASSERT_INT_EQ(count(m, "PUT", CX_PUT), 1); /* never repeated, not even by libcurl */
    CX_ASSERT_CONTAINS(out, said);
    CX_ASSERT_CONTAINS(out, "whether the write landed is unknown");
    mock_campaign_state st;
    CX_REQUIRE(mock_server_campaign(m, MOCK_DEFAULT_CAMPAIGN, &st) == MOCK_OK);
    if (lands) {
        CX_ASSERT_INT_EQ(r.rc, 0);
        CX_ASSERT_CONTAINS(out, "applied (accepted, verified)");
        CX_ASSERT_CONTAINS(out, "read again, the campaign shows the target: the write landed");
        CX_ASSERT_NEAR(st.answer_rate, 0.8, 1e-6);
        assert_audit_whole(r.audit, "applied");
    } else {
        CX_ASSERT_INT_EQ(r.rc, 1);
        CX_ASSERT_CONTAINS(out, "failed-network");
        CX_ASSERT_CONTAINS(out, "read again, the campaign does not show the target");
        CX_ASSERT_NEAR(st.answer_rate, 0.72, 1e-6);
        assert_audit_whole(r.audit, "failed-network");
    }
    CU_ASSERT(r.seconds < 30);
    mock_server_destroy(m);
}

/* Each fault on the PUT. A gateway's 502 or 504 may come after the service
 * behind it applied the write: settled by reading, like a lost answer,
 * never repeated. The mock's status fault answers before the route runs,
 * so nothing landed. */
static void test_put_faults(void)
{
    static const said_case cases[] = {
        {"\"action\":\"empty-response\"", "closed the connection without answering", NULL,
         false, false},
        {"\"action\":\"random-data\"", "is not HTTP", NULL, false, false},
        {"\"action\":\"hang\"", "no answer from http://127.0.0.1:", NULL, false, false},
        {"\"action\":\"truncated-body\"", "ended after ", NULL, true, true},
        {"\"action\":\"malformed-chunk\"", "(200) broke off after", NULL, true, false},
        {"\"action\":\"dribble\",\"chunks\":3,\"durationMs\":6000", "(200) did not end ", "",
         true, false},
        {"\"action\":\"bandwidth\",\"bytesPerSecond\":20", "", "", true, false},
        {"\"action\":\"slow-close\",\"durationMs\":600000", "(200) did not end ", ": ", true,
         false},
        {"\"status\":502", "answered 502", NULL, false, false},
        {"\"status\":504", "answered 504", NULL, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        printf("\n    PUT %s", cases[i].action);
        write_settled(cases[i].action, cases[i].lands, said_of(&cases[i]));
        if (cases[i].half)
            assert_ended_after_half(out);
    }
}

/* ------------------------------------------- writes with If-Match: safe */

/* The seed's PATCH carries If-Match: repeating it is safe. Its first answer
 * lost, the repeat meets the write that landed (412), and the campaign
 * read again shows it. */
static void test_patch_truncated_then_412(void)
{
    mock_server *m;
    run_result r;
    apply_through("seed",
                  "{\"method\":\"PATCH\",\"path\":\"" SEED_GET "\",\"action\":\"truncated-body\","
                  "\"times\":1}",
                  NULL, &m, &r);
    CX_ASSERT_INT_EQ(r.rc, 0);
    CX_ASSERT_INT_EQ(count(m, "PATCH", SEED_GET), 2);
    CX_ASSERT_CONTAINS(out, "applied (accepted, verified)");
    CX_ASSERT_CONTAINS(out, " bytes; repeated with If-Match, refused 412; read again, the "
                            "campaign shows the target: the write landed");
    assert_ended_after_half(out);
    assert_audit_whole(r.audit, "applied");
    mock_server_destroy(m);
}

/* Its first attempt dropped before it landed: the repeat lands. */
static void test_patch_empty_then_retried(void)
{
    mock_server *m;
    run_result r;
    apply_through("seed",
                  "{\"method\":\"PATCH\",\"path\":\"" SEED_GET "\",\"action\":\"empty-response\","
                  "\"times\":1}",
                  NULL, &m, &r);
    CX_ASSERT_INT_EQ(r.rc, 0);
    CX_ASSERT_INT_EQ(count(m, "PATCH", SEED_GET), 2);
    CX_ASSERT_CONTAINS(out, "applied (accepted, verified)");
    CX_ASSERT_CONTAINS(err, "closed the connection without answering");
    mock_campaign_state st;
    CX_REQUIRE(mock_server_campaign(m, MOCK_DEFAULT_CAMPAIGN, &st) == MOCK_OK);
    CX_ASSERT_INT_EQ(st.version, 2); /* once */
    assert_audit_whole(r.audit, "applied");
    mock_server_destroy(m);
}

/* A PATCH that always hangs: every attempt ends at --timeout, the cycle
 * gives up after its attempts and says so. */
static void test_patch_hangs_always(void)
{
    mock_server *m;
    run_result r;
    apply_through("seed", "{\"method\":\"PATCH\",\"path\":\"" SEED_GET "\",\"action\":\"hang\"}",
                  NULL, &m, &r);
    CX_ASSERT_INT_EQ(r.rc, 1);
    CX_ASSERT_INT_EQ(count(m, "PATCH", SEED_GET), 3);
    CX_ASSERT_CONTAINS(out, "failed-network");
    CX_ASSERT_CONTAINS(out, "gave up after 3 attempts: PATCH /api/v2/campaigns/c-1001: timed out: no answer "
                            "from http://127.0.0.1:");
    CX_ASSERT_CONTAINS(out, within("", ""));
    CU_ASSERT(r.seconds < 30);
    assert_audit_whole(r.audit, "failed-network");
    mock_server_destroy(m);
}

/* No attempt outlives the retry deadline: with a 60 s --timeout and a 2 s
 * deadline, a hang ends the attempt at what is left of the 2 s (the bound
 * below tells 2 s from 60 s; it measures nothing). */
static void test_attempt_bounded_by_deadline(void)
{
    mock_server *m;
    run_result r;
    apply_through("seed", "{\"method\":\"GET\",\"path\":\"" SEED_GET "\",\"action\":\"hang\"}",
                  (char *const[]){"--timeout", "60000", "--retry-deadline", "2", NULL}, &m, &r);
    CX_ASSERT_INT_EQ(r.rc, 1);
    CX_ASSERT_CONTAINS(out, "failed-network");
    CX_ASSERT_CONTAINS(out, "no answer from http://127.0.0.1:");
    CX_ASSERT_NOT_CONTAINS(out, "within 60000 ms");
    CU_ASSERT(r.seconds < 30);
    assert_audit_whole(r.audit, "failed-network");
    mock_server_destroy(m);
}

static const cx_test_case read_cases[] = {
    {"get_faults", test_get_faults},
    {"attempt_bounded_by_deadline", test_attempt_bounded_by_deadline},
    {NULL, NULL}};

static const cx_test_case write_cases[] = {
    {"put_faults", test_put_faults},
    {"patch_truncated_then_412", test_patch_truncated_then_412},
    {"patch_empty_then_retried", test_patch_empty_then_retried},
    {"patch_hangs_always", test_patch_hangs_always},
    {NULL, NULL}};

static int setup(void) { return cx_scratch_open("hostile"); }

static const cx_test_suite suites[] = {
    {"reads", setup, cx_scratch_close, read_cases},
    {"writes", setup, cx_scratch_close, write_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
