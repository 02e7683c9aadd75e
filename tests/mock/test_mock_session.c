/* test_mock_session.c - record and replay (issue 18). The round trip is
 * the test: cxopt (the real program) against one mockcxone through a
 * second one recording, then against a third replaying the file: the same
 * outcomes, and nothing secret in the file. Then replay's rules: order,
 * what the session lacks, faults over a replay, and bad session files. */
#include <sys/stat.h>

#include "../../mockcxone/src/mock_session.h"
#include "cxproc.h"
#include "mock_fixture.h"

static mock_server *start(mock_options *o)
{
    mock_server *s = NULL;
    cx_error err = {0};
    if (mock_server_create(o, &s, &err) != MOCK_OK || mock_server_start(s, &err) != MOCK_OK) {
        fprintf(stderr, "mock: %s\n", err.msg);
        mock_server_destroy(s);
        return NULL;
    }
    return s;
}

static char out[1 << 16], err[1 << 16];

/* cxopt's cxone profile against the server on `port`, by discovery. */
static int cxopt(unsigned port, char *const args[])
{
    static char env[10][256];
    int k = 0;
    snprintf(env[k++], 256, "CXONE_PROFILE=cxone");
    snprintf(env[k++], 256, "CXONE_CLIENT_ID=%s", MOCK_DEFAULT_CLIENT_ID);
    snprintf(env[k++], 256, "CXONE_CLIENT_SECRET=%s", MOCK_DEFAULT_CLIENT_SECRET);
    snprintf(env[k++], 256, "CXONE_ACCESS_KEY_ID=%s", MOCK_DEFAULT_ACCESS_KEY_ID);
    snprintf(env[k++], 256, "CXONE_ACCESS_KEY_SECRET=%s", MOCK_DEFAULT_ACCESS_KEY_SECRET);
    snprintf(env[k++], 256, "CXONE_AUTH_URL=http://127.0.0.1:%u/auth/token", port);
    snprintf(env[k++], 256, "CXONE_TENANT_ID=%s", MOCK_DEFAULT_TENANT);
    snprintf(env[k++], 256, "CXONE_CAMPAIGN_ID=%s", MOCK_DEFAULT_CAMPAIGN);
    snprintf(env[k++], 256, "HOME=%s", cx_scratch());
    char *envp[11];
    for (int i = 0; i < k; i++)
        envp[i] = env[i];
    envp[k] = NULL;
    char *argv[16] = {"optimizer/cxopt"};
    int a = 1;
    for (int i = 0; args[i] && a < 15; i++)
        argv[a++] = args[i];
    argv[a] = NULL;
    out[0] = err[0] = '\0';
    return cx_run(argv, envp, out, sizeof out, err, sizeof err);
}

/* What a cycle says, less what differs run to run (its ids, its times). */
static void outcome_of(const char *text, char *dst, size_t n)
{
    dst[0] = '\0';
    size_t used = 0;
    char copy[1 << 16];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "cycle ") == line) {
            const char *colon = strchr(line, ':');
            line = colon ? (char *)colon : line;
        }
        if (strstr(line, "  http ") == line || strstr(line, "  audit ") == line)
            continue;
        used += (size_t)snprintf(dst + used, n > used ? n - used : 0, "%s\n", line);
    }
}

/* The journal's `fault` labels of a server, as one string. */
static void labels(mock_server *s, char *dst, size_t n)
{
    cJSON *j = mock_server_journal(s);
    size_t used = 0;
    dst[0] = '\0';
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        const cJSON *f = cJSON_GetObjectItem(e, "fault");
        used += (size_t)snprintf(dst + used, n > used ? n - used : 0, "%s;",
                                 cJSON_IsString(f) ? f->valuestring : "-");
    }
    cJSON_Delete(j);
}

static void test_round_trip(void)
{
    /* the tenant */
    mock_options uo;
    mock_options_default(&uo);
    uo.profile = MOCK_PROFILE_CXONE;
    uo.require_accept = true;
    mock_server *up = start(&uo);
    CX_REQUIRE(up != NULL);
    char upstream[64];
    snprintf(upstream, sizeof upstream, "http://127.0.0.1:%u", mock_server_port(up));
    /* the recorder */
    const char *session = cx_tmp("session.json");
    mock_options ro;
    mock_options_default(&ro);
    ro.record_upstream = upstream;
    ro.record_out = session;
    mock_server *rec = start(&ro);
    CX_REQUIRE(rec != NULL);
    const char *step = cx_write_tmp("step.json", "{\"answerRate\":0.8}");
    char shown[1 << 16], applied[1 << 16];
    char *show[] = {"show", NULL};
    char *apply[] = {"apply", "--target", (char *)step, "--audit", (char *)cx_tmp("a1.jsonl"),
                     NULL};
    CX_ASSERT_INT_EQ(cxopt(mock_server_port(rec), show), 0);
    outcome_of(out, shown, sizeof shown);
    CX_ASSERT_CONTAINS(shown, "\"answerRate\"");
    CX_ASSERT_INT_EQ(cxopt(mock_server_port(rec), apply), 0);
    outcome_of(out, applied, sizeof applied);
    CX_ASSERT_CONTAINS(applied, ": applied (accepted, verified)");
    mock_server_destroy(rec);
    mock_campaign_state st;
    CX_REQUIRE(mock_server_campaign(up, MOCK_DEFAULT_CAMPAIGN, &st) == MOCK_OK);
    CX_ASSERT_NEAR(st.answer_rate, 0.8, 1e-6); /* the write went through the recorder */
    mock_server_destroy(up);

    /* the recording: every part of the profile, nothing secret */
    char *text = cx_slurp(session);
    CX_REQUIRE(text != NULL);
    static const char *const parts[] = {
        "/.well-known/cxone-configuration", "\"/auth/token\"", "\"grant_type=password",
        "/skills/c-1001\"", "/skills/c-1001/parameters\"", "/skills/c-1001/activity\"",
        "/skills/c-1001/call-data\"", "/parameters/general-settings\"", "{{origin}}", NULL};
    for (int i = 0; parts[i]; i++)
        CX_ASSERT_CONTAINS(text, parts[i]);
    const char *const secrets[] = {MOCK_DEFAULT_CLIENT_SECRET, MOCK_DEFAULT_ACCESS_KEY_ID,
                                          MOCK_DEFAULT_ACCESS_KEY_SECRET,
                                          "mock%2Baccess%2Fkey%2Bsecret", "MOCKACCESSKEY0001%3D",
                                          "eyJ", "Authorization", NULL};
    for (int i = 0; secrets[i]; i++)
        CX_ASSERT_NOT_CONTAINS(text, secrets[i]);
    /* the tenant's address is named once, as where it was recorded; the
     * answers that name it (discovery) keep {{origin}} */
    CX_ASSERT_INT_EQ(cx_count(text, upstream), 1);
    CX_ASSERT_CONTAINS(text, "\"access_token\":\t\"***\"");
    free(text);

    /* the replay: the same outcomes, every request answered from the file */
    mock_options po;
    mock_options_default(&po);
    po.replay_path = session;
    po.replay_ignore = "startDate,endDate"; /* cxopt asks for the last hours: times differ */
    mock_server *rep = start(&po);
    CX_REQUIRE(rep != NULL);
    char again[1 << 16];
    CX_ASSERT_INT_EQ(cxopt(mock_server_port(rep), show), 0);
    outcome_of(out, again, sizeof again);
    CX_ASSERT_STR_EQ(again, shown);
    apply[4] = (char *)cx_tmp("a2.jsonl");
    CX_ASSERT_INT_EQ(cxopt(mock_server_port(rep), apply), 0);
    outcome_of(out, again, sizeof again);
    CX_ASSERT_STR_EQ(again, applied);
    char seen[8192];
    labels(rep, seen, sizeof seen);
    CX_ASSERT_NOT_CONTAINS(seen, "not recorded");
    CX_ASSERT_CONTAINS(seen, "replay: exchange 0;");
    mock_server_destroy(rep);
}

#define X(m, p, q, body, status, rbody)                                                         \
    "{\"request\":{\"method\":\"" m "\",\"path\":\"" p "\",\"query\":\"" q "\",\"body\":" body \
    "},\"response\":{\"status\":" #status ",\"headers\":{\"Content-Type\":\"application/json\"},"  \
    "\"body\":" rbody "}}"

static void test_replay_rules(void)
{
    const char *s = cx_write_tmp(
        "rules.json",
        "{\"mockcxoneSession\":1,\"exchanges\":["
        X("GET", "/a", "", "\"\"", 200, "{\"n\":1}") ","
        X("GET", "/a", "", "\"\"", 200, "{\"n\":2}") ","
        X("GET", "/a", "x=1", "\"\"", 200, "{\"n\":\"x\"}") ","
        X("PUT", "/a", "", "{\"v\":1}", 200, "{\"put\":1}") ","
        X("PUT", "/a", "", "{\"v\":2}", 409, "{\"put\":2}") ","
        X("GET", "/where", "", "\"\"", 200, "{\"url\":\"{{origin}}/api\"}") "]}");
    mock_options o;
    mock_options_default(&o);
    o.replay_path = s;
    o.faults = cJSON_Parse("{\"faults\":[{\"method\":\"GET\",\"path\":\"/a\",\"status\":503,"
                           "\"after\":5,\"times\":1}]}");
    fixture f;
    fx_start(&f, &o);
    cJSON_Delete((cJSON *)o.faults);
    cx_http_resp r;
    /* in order for a request made again, then the last again */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a"), NULL, NULL, &r), 200);
    CX_ASSERT_STR_EQ(r.body, "{\"n\":1}");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a"), NULL, NULL, &r), 200);
    CX_ASSERT_STR_EQ(r.body, "{\"n\":2}");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a"), NULL, NULL, &r), 200);
    CX_ASSERT_STR_EQ(r.body, "{\"n\":2}");
    cx_http_resp_free(&r);
    /* the query is matched */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a?x=1"), NULL, NULL, &r), 200);
    CX_ASSERT_STR_EQ(r.body, "{\"n\":\"x\"}");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a?x=2"), NULL, NULL, &r), 501);
    CX_ASSERT_CONTAINS(r.body, "rules.json has no answer for GET /a?x=2");
    cx_http_resp_free(&r);
    /* a fault rule over the replay: the sixth GET /a (queries too) is a 503 */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a"), NULL, NULL, &r), 503);
    cx_http_resp_free(&r);
    /* the body is matched, as JSON */
    const char *h[] = {"Content-Type: application/json", NULL};
    CX_ASSERT_INT_EQ(cx_http("PUT", fx_url(&f, "/a"), h, "{ \"v\" : 2 }", &r), 409);
    CX_ASSERT_STR_EQ(r.body, "{\"put\":2}");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("PUT", fx_url(&f, "/a"), h, "{\"v\":3}", &r), 501);
    cx_http_resp_free(&r);
    /* the address recorded as {{origin}} is the replay's own */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/where"), NULL, NULL, &r), 200);
    char want[128];
    snprintf(want, sizeof want, "{\"url\":\"%s/api\"}", f.base);
    CX_ASSERT_STR_EQ(r.body, want);
    cx_http_resp_free(&r);
    /* the admin API stays the mock's; its reset starts the replay again */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/health"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__admin/reset"), NULL, "", &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/a"), NULL, NULL, &r), 200);
    CX_ASSERT_STR_EQ(r.body, "{\"n\":1}");
    cx_http_resp_free(&r);
    fx_stop(&f);
    /* --replay-missing */
    o.faults = NULL;
    o.clock = NULL; /* the last fixture's, gone */
    o.replay_missing_status = 404;
    fx_start(&f, &o);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/nothing"), NULL, NULL, &r), 404);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* What a recording keeps of secrets the client and the upstream exchange. */
static void test_redaction(void)
{
    /* what the recorder keeps of a body (the replay matches on the same) */
    cJSON *j = cJSON_Parse("{\"access_token\":\"abc\",\"token_type\":\"bearer\",\"nested\":"
                           "{\"clientSecret\":\"s3cr3t\",\"k\":\"AKIAIOSFODNN7EXAMPLE1234\","
                           "\"id\":\"11111111-2222-3333-4444-555555555555\",\"jwt\":"
                           "\"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\",\"host\":"
                           "\"api-c32.nice-incontact.com\"}}");
    char *text = cJSON_PrintUnformatted(j);
    cJSON *kept = mock__session_body(text, strlen(text), false);
    char *got = cJSON_PrintUnformatted(kept);
    CX_ASSERT_STR_EQ(got, "{\"access_token\":\"***\",\"token_type\":\"bearer\",\"nested\":"
                          "{\"clientSecret\":\"***\",\"k\":\"***\",\"id\":"
                          "\"11111111-2222-3333-4444-555555555555\",\"jwt\":\"***\",\"host\":"
                          "\"api-c32.nice-incontact.com\"}}");
    free(got);
    free(text);
    cJSON_Delete(kept);
    cJSON_Delete(j);
    /* a form: the password grant's secrets and the access key id */
    const char *form = "grant_type=password&username=MOCKACCESSKEY0001%3D%3D%3D%3D&password=x%2By";
    cJSON *fb = mock__session_body(form, strlen(form), true);
    CX_ASSERT_STR_EQ(fb->valuestring, "grant_type=password&username=***&password=***");
    cJSON_Delete(fb);
}

static void test_bad_session_files(void)
{
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"{\"mockcxoneSession\":1,\"exchanges\":[}", "bad.json: invalid JSON at line 1, column 36"},
        {"{\"mockcxoneSession\":2,\"exchanges\":[]}", "bad.json: mockcxoneSession"},
        {"{\"mockcxoneSession\":1}", "bad.json: exchanges"},
        {"{\"mockcxoneSession\":1,\"exchanges\":[{\"request\":{\"method\":\"GET\",\"path\":\"/a\"},"
         "\"response\":{\"status\":99}}]}",
         "bad.json: exchanges[0].response.status"},
        {"{\"mockcxoneSession\":1,\"exchanges\":[{\"request\":{\"method\":\"GET\",\"path\":\"a\"},"
         "\"response\":{\"status\":200}}]}",
         "bad.json: exchanges[0].request.path: must start with /"},
        {"{\"mockcxoneSession\":1,\"exchanges\":[{\"request\":{\"path\":\"/a\"},"
         "\"response\":{\"status\":200}}]}",
         "bad.json: exchanges[0].request.method"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *p = cx_write_tmp("bad.json", bad[i].text);
        char *argv[] = {"mockcxone/mockcxone", "--port", "0", "--replay", (char *)p, NULL};
        char *envp[] = {NULL};
        CX_ASSERT_INT_EQ(cx_run(argv, envp, out, sizeof out, err, sizeof err), 2);
        CX_ASSERT_CONTAINS(err, bad[i].says);
    }
    /* record: a URL it can proxy to, a file it can write, one mode at a time */
    char *norec[] = {"mockcxone/mockcxone", "--port", "0", "--record", "ftp://x", "--out",
                     (char *)cx_tmp("o.json"), NULL};
    char *envp[] = {NULL};
    CX_ASSERT_INT_EQ(cx_run(norec, envp, out, sizeof out, err, sizeof err), 2);
    CX_ASSERT_CONTAINS(err, "--record ftp://x: expected an http:// or https:// URL");
    char *nodir[] = {"mockcxone/mockcxone", "--port", "0", "--record", "http://127.0.0.1:9",
                     "--out", "/nonexistent/dir/o.json", NULL};
    CX_ASSERT_INT_EQ(cx_run(nodir, envp, out, sizeof out, err, sizeof err), 2);
    CX_ASSERT_CONTAINS(err, "/nonexistent/dir/o.json: cannot write");
    char *noout[] = {"mockcxone/mockcxone", "--port", "0", "--record", "http://127.0.0.1:9",
                     NULL};
    CX_ASSERT_INT_EQ(cx_run(noout, envp, out, sizeof out, err, sizeof err), 2);
    CX_ASSERT_CONTAINS(err, "--record needs --out FILE.json");
}

static const cx_test_case cases[] = {
    {"round_trip", test_round_trip},
    {"replay_rules", test_replay_rules},
    {"redaction", test_redaction},
    {"bad_session_files", test_bad_session_files},
    {NULL, NULL}};

static int setup(void) { return cx_scratch_open("session"); }

static const cx_test_suite suites[] = {{"session", setup, cx_scratch_close, cases}, {NULL}};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
