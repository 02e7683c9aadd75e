/* test_gate_cli.c - the compliance gate as a user meets it: real cxopt
 * processes against a real mock on loopback.
 *
 * One state gives one answer (many dry runs, then the apply); a dry run
 * sends nothing (a live webhook receiver counts); what was not checked is
 * said (no stats, no ETag, another campaign's id); an accepted write whose
 * answer lacks the settings is verified by a re-read, and a ramp goes on
 * after it. The simulator's numbers are not pinned: the tests check
 * properties (equal answers, verdicts that agree with the numbers). */
#include "opt_cli.h"

#include <stdio.h>
#include <stdlib.h>

static char out[1 << 17];

/* Under valgrind (CX_VALGRIND, set by the build) a prediction of hundreds of
 * replications takes minutes: every run then stops at 12, which widens the
 * interval and changes none of the properties tested. Fewer dry runs too. */
static bool under_valgrind(void) { return getenv("CX_VALGRIND") != NULL; }

/* Runs cxopt with argv (NULL-ended, argv[0] ignored) against mock_env. */
static int cxopt(char *const argv[])
{
    char *args[48];
    int n = 0;
    for (; argv[n] && n < 40; n++)
        args[n] = argv[n];
    if (under_valgrind()) {
        args[n++] = "--predict-max-replications";
        args[n++] = "12";
    }
    args[n] = NULL;
    return run(args, mock_env, out, sizeof out);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* The decision of one --json run as a line: verdict, seed, numbers. */
static void decision_line(const cJSON *rep, char *buf, size_t n)
{
    const cJSON *c = cJSON_GetObjectItem(rep, "compliance");
    const cJSON *p = cJSON_GetObjectItem(rep, "prediction");
    snprintf(buf, n, "%s|%s|%.6f|%.6f|%.6f|%g", str(c, "verdict"), str(p, "seed"),
             num(p, "abandon_rate"), num(p, "abandon_upper95"), num(p, "abandon_half_width95"),
             num(p, "replications"));
}

/* Whether a text lists `s` among its not_checked sentences. */
static bool not_checked(const cJSON *rep, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(rep, "not_checked")) if (
        cJSON_IsString(e) && strcmp(e->valuestring, s) == 0) return true;
    return false;
}

static int webhooks_received(ofx *f)
{
    cx_http_resp r;
    cx_http("GET", ofx_url(f, "/__admin/webhooks"), NULL, NULL, &r);
    cJSON *j = cx_http_json(&r);
    cx_http_resp_free(&r);
    int n = cJSON_GetArraySize(j);
    cJSON_Delete(j);
    return n;
}

/* Twelve dry runs of the target against a campaign that never
 * moves give one answer, and the apply that follows gives it again. */
static void test_one_state_one_answer(void)
{
    ofx f;
    cli_start(&f, NULL);
    char target[1024], first[256] = "", line[256];
    const char *targets[2] = {"{\"answerRate\":0.70}", "{\"strategy\":\"progressive\",\"maxConcurrentCalls\":84}"};
    const int runs[2] = {under_valgrind() ? 3 : 12, under_valgrind() ? 2 : 4};
    for (int t = 0; t < 2; t++) {
        write_file("same.json", targets[t], target, sizeof target);
        int distinct = 0;
        first[0] = '\0';
        for (int i = 0; i < runs[t]; i++) {
            int rc = cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run",
                                         "--json", "--audit", f.audit, NULL});
            cJSON *rep = cJSON_Parse(out);
            CX_REQUIRE(rep != NULL);
            decision_line(rep, line, sizeof line);
            const char *verdict = str(cJSON_GetObjectItem(rep, "compliance"), "verdict");
            CX_REQUIRE(verdict != NULL);
            CX_ASSERT_INT_EQ(rc, strcmp(verdict, "refused") == 0 ? 1 : 0);
            CX_ASSERT_STR_EQ(str(cJSON_GetObjectItem(rep, "prediction"), "seed_from"), "inputs");
            if (strcmp(line, first) != 0) {
                distinct++;
                snprintf(first, sizeof first, "%s", line);
            }
            cJSON_Delete(rep);
        }
        CX_ASSERT_INT_EQ(distinct, 1);
        printf("\n    %d dry runs of %s: %d answer: %s ", runs[t], targets[t], distinct, first);
        /* the apply that follows: the same numbers, the same verdict */
        int rc = cxopt((char *const[]){"cxopt", "apply", "--target", target, "--json", "--audit",
                                     f.audit, NULL});
        cJSON *rep = cJSON_Parse(out);
        CX_REQUIRE(rep != NULL);
        decision_line(rep, line, sizeof line);
        CX_ASSERT_STR_EQ(line, first);
        const char *verdict = str(cJSON_GetObjectItem(rep, "compliance"), "verdict");
        CX_ASSERT_STR_EQ(str(rep, "outcome"),
                         strcmp(verdict, "refused") == 0 ? "rejected-compliance" : "applied");
        CX_ASSERT_INT_EQ(rc, strcmp(verdict, "refused") == 0 ? 1 : 0);
        cJSON_Delete(rep);
    }
    /* every decision's seed is in the audit record, and replays it */
    cJSON *cycles = ofx_audit(&f, "cycle");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cycles), runs[0] + 1 + runs[1] + 1);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cycles)
    {
        const cJSON *p = cJSON_GetObjectItem(rec, "prediction");
        CU_ASSERT(str(p, "seed") != NULL);
        double cap = num(p, "max_replications");
        CU_ASSERT(cap == (under_valgrind() ? 12 : 256));
        CU_ASSERT(num(p, "replications") >= 8 && num(p, "replications") <= cap);
        CU_ASSERT(num(p, "abandon_half_width95") <= 0.001 || num(p, "replications") == cap);
    }
    cJSON_Delete(cycles);
    /* an explicit --seed overrides the derived one and is recorded */
    write_file("seeded.json", "{\"maxConcurrentCalls\":90}", target, sizeof target);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run",
                                         "--json", "--seed", "12345", "--audit", f.audit, NULL}) == 2,
                     0);
    cJSON *rep = cJSON_Parse(out);
    CX_REQUIRE(rep != NULL);
    CX_ASSERT_STR_EQ(str(cJSON_GetObjectItem(rep, "prediction"), "seed"), "12345");
    CX_ASSERT_STR_EQ(str(cJSON_GetObjectItem(rep, "prediction"), "seed_from"), "--seed");
    cJSON_Delete(rep);
    ofx_stop(&f);
}

/* The verdict's words are the same in the text, the JSON and the audit
 * record, and "compliant" never stands next to a rate over the limit. */
static void test_words_agree(void)
{
    ofx f;
    cli_start(&f, NULL);
    char target[1024];
    const char *targets[3] = {"{\"answerRate\":0.70}", "{\"strategy\":\"progressive\",\"maxConcurrentCalls\":84}",
                              "{\"answerRate\":0.75}"};
    for (int t = 0; t < 3; t++) {
        write_file("w.json", targets[t], target, sizeof target);
        cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run", "--audit", f.audit,
                            NULL});
        char text[8192];
        snprintf(text, sizeof text, "%s", out);
        cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run", "--json",
                            "--audit", f.audit, NULL});
        cJSON *rep = cJSON_Parse(out);
        CX_REQUIRE(rep != NULL);
        const cJSON *c = cJSON_GetObjectItem(rep, "compliance");
        const char *verdict = str(c, "verdict"), *reason = str(c, "reason");
        CX_REQUIRE(verdict && reason);
        char gate[1200];
        snprintf(gate, sizeof gate, "  gate     %s: %s\n", verdict, reason);
        CX_ASSERT_CONTAINS(text, gate);
        cJSON *cycles = ofx_audit(&f, "cycle");
        const cJSON *last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
        const cJSON *ac = cJSON_GetObjectItem(last, "compliance");
        CX_ASSERT_STR_EQ(str(ac, "verdict"), verdict);
        CX_ASSERT_STR_EQ(str(ac, "reason"), reason);
        cJSON_Delete(cycles);
        const cJSON *p = cJSON_GetObjectItem(rep, "prediction");
        if (strcmp(verdict, "compliant") == 0 && cJSON_IsObject(p)) {
            CX_ASSERT_LE(num(p, "abandon_upper95"), 0.03);
            CX_ASSERT_LE(num(cJSON_GetObjectItem(c, "projection"), "abandon_rate"), 0.03);
        }
        if (t == 2) { /* a retreat: allowed without simulation */
            CX_ASSERT_STR_EQ(verdict, "compliant");
            CU_ASSERT(cJSON_IsNull(p));
            CX_ASSERT_CONTAINS(reason, "dials no harder on any field");
        }
        cJSON_Delete(rep);
    }
    ofx_stop(&f);
}

/* --dry-run sends nothing: no write, no webhook, refused or not. */
static void test_dry_run_sends_nothing(void)
{
    ofx f;
    cli_start(&f, NULL);
    char refused[1024], allowed[1024];
    /* refused whatever the simulator predicts: harder, and no window stats
     * while --require-stats asks for them */
    write_file("refused.json", "{\"answerRate\":0.65}", refused, sizeof refused);
    write_file("allowed.json", "{\"answerRate\":0.75}", allowed, sizeof allowed);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", refused, "--dry-run",
                                         "--require-stats", "--audit", f.audit, NULL}),
                     1);
    CX_ASSERT_CONTAINS(out, "gate     refused: ");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", allowed, "--dry-run",
                                         "--audit", f.audit, NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "dry-run");
    CX_ASSERT_INT_EQ(webhooks_received(&f), 0);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), 0);
    CX_ASSERT_INT_EQ(ofx_count(&f, "POST", "/__webhook/"), 0);
    cJSON *cycles = ofx_audit(&f, "cycle");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cycles), 2);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cycles)
    {
        CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(rec, "dry_run")));
        CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "webhook"),
                                                    "attempted")));
    }
    cJSON_Delete(cycles);
    /* the receiver is live: the same refusal, not dry, is posted */
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", refused,
                                           "--require-stats", "--audit", f.audit, NULL}),
                     1);
    CX_ASSERT_INT_EQ(webhooks_received(&f), 1);
    ofx_stop(&f);
}

/* No stats, no ETag, another campaign's id: said, in all three places. */
static void test_says_what_was_not_checked(void)
{
    ofx f;
    cli_start(&f, NULL);
    char target[1024];
    write_file("soft.json", "{\"answerRate\":0.75}", target, sizeof target);
    /* the mock's campaign has no simulation: its stats are a 404 */
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run",
                                         "--audit", f.audit, NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "  warning  compliance not measured: the API reports no window stats");
    CX_ASSERT_NOT_CONTAINS(out, "no lost-update protection");
    char hard[1024];
    write_file("hard.json", "{\"maxConcurrentCalls\":84}", hard, sizeof hard);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", hard, "--dry-run",
                                         "--json", "--require-stats", "--audit", f.audit, NULL}),
                     1);
    cJSON *rep = cJSON_Parse(out);
    CX_REQUIRE(rep != NULL);
    CU_ASSERT(not_checked(rep, "compliance not measured: the API reports no window stats"));
    CX_ASSERT_STR_EQ(str(cJSON_GetObjectItem(rep, "compliance"), "verdict"), "refused");
    CX_ASSERT_CONTAINS(str(cJSON_GetObjectItem(rep, "compliance"), "reason"),
                       "compliance not measured: the API reports no window stats, and "
                       "--require-stats asks for them");
    CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(rep, "prediction"))); /* refused before it */
    cJSON_Delete(rep);
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CU_ASSERT(not_checked(last, "compliance not measured: the API reports no window stats"));
    CX_ASSERT_STR_EQ(str(last, "outcome"), "rejected-compliance");
    cJSON_Delete(cycles);
    /* a retreat needs no measurement: allowed even so */
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run",
                                           "--require-stats", "--audit", f.audit, NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "gate     compliant: dials no harder on any field; the window is not "
                            "measured");

    /* a server that sends no ETag: the campaign answered by a fault rule */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/c-1001\","
                   "\"status\":200,\"body\":{\"id\":\"c-1001\",\"name\":\"n\",\"status\":"
                   "\"active\",\"version\":1,\"predictiveDialer\":{\"answerRate\":0.72,"
                   "\"abandonRate\":0.025,\"maxConcurrentCalls\":80,\"callInterval\":120,"
                   "\"strategy\":\"predictive\",\"warmUpPeriod\":30}}}]}");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--json",
                                         "--audit", f.audit, NULL}),
                     0); /* sent without If-Match, and accepted */
    rep = cJSON_Parse(out);
    CX_REQUIRE(rep != NULL);
    CU_ASSERT(not_checked(rep, "no lost-update protection: the server sends no ETag"));
    CX_ASSERT_STR_EQ(str(rep, "outcome"), "applied");
    cJSON_Delete(rep);
    cJSON *j = ofx_journal(&f);
    const cJSON *e, *patch = NULL;
    cJSON_ArrayForEach(e, j) if (strcmp(str(e, "method"), "PATCH") == 0) patch = e;
    CX_REQUIRE(patch != NULL);
    CU_ASSERT(cJSON_GetObjectItem(cJSON_GetObjectItem(patch, "headers"), "If-Match") == NULL);
    cJSON_Delete(j);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--dry-run",
                                         "--audit", f.audit, NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "  warning  no lost-update protection: the server sends no ETag");
    cycles = ofx_audit(&f, "cycle");
    last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CU_ASSERT(not_checked(last, "no lost-update protection: the server sends no ETag"));
    cJSON_Delete(cycles);

    /* another campaign's id in the answer: an error naming both, nothing sent */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/c-1001\","
                   "\"status\":200,\"headers\":{\"ETag\":\"\\\"v9\\\"\"},\"body\":{\"id\":"
                   "\"c-9999\",\"name\":\"n\",\"status\":\"active\",\"version\":9,"
                   "\"predictiveDialer\":{\"answerRate\":0.72,\"abandonRate\":0.025,"
                   "\"maxConcurrentCalls\":80,\"callInterval\":120,\"strategy\":\"predictive\","
                   "\"warmUpPeriod\":30}}}]}");
    int patches = ofx_count(&f, "PATCH", "/api/v2/campaigns/");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--audit", f.audit,
                                         NULL}),
                     1);
    CX_ASSERT_CONTAINS(out, "asked for campaign c-1001, the API answered with campaign c-9999");
    CX_ASSERT_NOT_CONTAINS(out, "no lost-update protection");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), patches);
    ofx_stop(&f);
}

/* A 200 whose body lacks the settings: read again; verified or not, never
 * "failed-api"; a ramp goes on after a verified step. */
static void test_accepted_write_verified(void)
{
    ofx f;
    cli_start(&f, NULL);
    char target[1024];
    write_file("soft.json", "{\"answerRate\":0.75}", target, sizeof target);
    /* the write lands (the rule's patch) and the answer is a bare 200 */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"action\":\"patch-campaign\",\"patch\":{\"predictiveDialer\":"
                   "{\"answerRate\":0.75}},\"status\":200,\"body\":{\"id\":\"c-1001\","
                   "\"status\":\"active\"},\"times\":1}]}");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--audit", f.audit,
                                         NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, ": applied (accepted, verified)");
    CX_ASSERT_CONTAINS(out, "the answer to the PATCH lacks the dialer settings: read again, they "
                            "are the target");
    CX_ASSERT_NOT_CONTAINS(out, "failed-api");
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CX_ASSERT_STR_EQ(str(last, "write"), "accepted, verified");
    CX_ASSERT_STR_EQ(str(last, "outcome"), "applied");
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(last, "written")));
    cJSON_Delete(cycles);
    /* GET, stats, PATCH, then the re-read of the campaign */
    cJSON *j = ofx_journal(&f);
    int n = cJSON_GetArraySize(j), k = 0;
    while (k < n && strcmp(str(cJSON_GetArrayItem(j, k), "method"), "PATCH") != 0)
        k++;
    CX_REQUIRE(k + 1 < n);
    CX_ASSERT_STR_EQ(str(cJSON_GetArrayItem(j, k + 1), "method"), "GET");
    CX_ASSERT_STR_EQ(str(cJSON_GetArrayItem(j, k + 1), "path"), "/api/v2/campaigns/c-1001");
    cJSON_Delete(j);

    /* accepted, but nothing changed (the rule answers without writing) */
    write_file("soft2.json", "{\"answerRate\":0.78}", target, sizeof target);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":200,\"body\":{},\"times\":1}]}");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--audit", f.audit,
                                         NULL}),
                     1);
    CX_ASSERT_CONTAINS(out, ": applied (accepted, not verified)");
    CX_ASSERT_NOT_CONTAINS(out, "failed-api");
    CX_ASSERT_CONTAINS(out, "applied  answerRate 0.75,"); /* what the re-read shows */
    CX_ASSERT_CONTAINS(out, "read again, they are not the target");
    cycles = ofx_audit(&f, "cycle");
    last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CX_ASSERT_STR_EQ(str(last, "write"), "accepted, not verified");
    cJSON_Delete(cycles);

    /* an answer about another campaign: accepted, not verified, both named */
    write_file("soft3.json", "{\"answerRate\":0.76}", target, sizeof target);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":200,\"body\":{\"id\":\"c-9999\",\"name\":\"n\",\"status\":"
                   "\"active\",\"version\":3,\"predictiveDialer\":{\"answerRate\":0.76,"
                   "\"abandonRate\":0.025,\"maxConcurrentCalls\":80,\"callInterval\":120,"
                   "\"strategy\":\"predictive\",\"warmUpPeriod\":30}},\"times\":1}]}");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--audit",
                                           f.audit, NULL}),
                     1);
    CX_ASSERT_CONTAINS(out, ": applied (accepted, not verified)");
    CX_ASSERT_CONTAINS(out, "asked to write campaign c-1001, the API answered with campaign "
                            "c-9999");

    /* a ramp: its first step answered bare, verified, and the ramp goes on
     * (at a 1.5% abandon setting, so that the setting plus the typical
     * model's 1% AMD false positives stays under the 3% limit) */
    opt_params cur = opt_params_seed(), full = cur, steps[8];
    cur.answer_rate = 0.75;
    full.answer_rate = 0.85;
    full.abandon_rate = 0.015;
    full.max_concurrent_calls = 100;
    int nsteps = 0;
    opt_constraints cons = opt_constraints_seed();
    cx_error err = {0};
    CX_REQUIRE(opt_plan_ramp(&cur, &full, &cons, 0.03, steps, 8, &nsteps, &err) == OPT_OK);
    CX_REQUIRE(nsteps >= 2);
    char faults[1024];
    snprintf(faults, sizeof faults,
             "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
             "\"action\":\"patch-campaign\",\"patch\":{\"predictiveDialer\":{\"answerRate\":%.17g,"
             "\"abandonRate\":%.17g,\"maxConcurrentCalls\":%d}},\"status\":200,\"body\":\"\","
             "\"times\":1}]}",
             steps[0].answer_rate, steps[0].abandon_rate, steps[0].max_concurrent_calls);
    ofx_faults(&f, faults);
    write_file("ramp.json",
               "{\"answerRate\":0.85,\"abandonRate\":0.015,\"maxConcurrentCalls\":100}",
               target, sizeof target);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--ramp",
                                         "--ramp-interval", "0", "--audit", f.audit, NULL}),
                     0);
    char last_step[64];
    snprintf(last_step, sizeof last_step, "ramp step %d of %d", nsteps, nsteps);
    CX_ASSERT_CONTAINS(out, last_step);
    CX_ASSERT_INT_EQ(cx_count(out, "(accepted, verified)"), nsteps);
    mock_campaign_state st;
    mock_server_campaign(f.mock, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.85, 1e-9);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, 100);
    ofx_stop(&f);
}

/* A window over the limit: a retreat is a remediation, a harder change is
 * refused with the window's numbers (the stats answered by a fault rule). */
static void test_remediation(void)
{
    ofx f;
    cli_start(&f, NULL);
    char soft[1024], hard[1024];
    write_file("soft.json", "{\"answerRate\":0.75}", soft, sizeof soft);
    write_file("hard.json", "{\"maxConcurrentCalls\":84}", hard, sizeof hard);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/c-1001/stats\","
                   "\"status\":200,\"body\":{\"window\":{\"seconds\":2592000,\"coveredSeconds\":"
                   "86400,\"attempts\":40000,\"liveAnswers\":20000,\"abandoned\":700,"
                   "\"machineAnswers\":6000,\"occupancy\":0.9},\"period\":{\"coveredSeconds\":900,"
                   "\"attempts\":400,\"liveAnswers\":200,\"abandoned\":7,\"occupancy\":0.9},"
                   "\"agentsStaffed\":20,\"averageHandleTime\":130}}]}");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", hard, "--json", "--audit",
                                         f.audit, NULL}),
                     1);
    cJSON *rep = cJSON_Parse(out);
    CX_REQUIRE(rep != NULL);
    const cJSON *c = cJSON_GetObjectItem(rep, "compliance");
    CX_ASSERT_STR_EQ(str(c, "verdict"), "refused");
    CX_ASSERT_CONTAINS(str(c, "reason"), "dials harder (maxConcurrentCalls) while the window's "
                                         "abandon rate is 3.50% (700 of 20000 live answers), "
                                         "over the 3.00% limit");
    CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(rep, "prediction")));
    cJSON_Delete(rep);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", soft, "--audit", f.audit,
                                         NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "gate     remediation: dials no harder on any field while the "
                            "window's abandon rate is 3.50% (700 of 20000 live answers), over "
                            "the 3.00% limit");
    CX_ASSERT_NOT_CONTAINS(out, "compliant");
    CX_ASSERT_CONTAINS(out, ": applied (accepted, verified)");
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *last = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CX_ASSERT_STR_EQ(str(cJSON_GetObjectItem(last, "compliance"), "verdict"), "remediation");
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

/* The README's example against a fresh simulated campaign: a handful of
 * live answers is "not yet measurable", the projection decides, and the
 * ramp goes through (the Wilson bound used to refuse it for a quarter hour). */
static void test_fresh_campaign_ramp(void)
{
    ofx f;
    mock_options mo;
    mock_options_default(&mo);
    cJSON *model = cJSON_Parse(OFX_MODEL);
    mock_campaign_def camp = {.id = MOCK_DEFAULT_CAMPAIGN, .model = model};
    mo.campaigns = &camp;
    mo.n_campaigns = 1;
    cli_start(&f, &mo);
    cx_clock_advance(f.clk, 120); /* two minutes of dialing */
    char target[1024];
    /* a 1.5% setting: with the typical model's 1% AMD false positives the
     * prediction stays under the limit */
    write_file("target.json",
               "{\"answerRate\": 0.85, \"abandonRate\": 0.015, \"maxConcurrentCalls\": 100}",
               target, sizeof target);
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--ramp",
                                         "--dry-run", "--ramp-interval", "0", "--audit", f.audit,
                                         NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "gate     compliant: dials harder (maxConcurrentCalls)");
    CX_ASSERT_CONTAINS(out, "the window is not yet measurable: ");
    CX_ASSERT_NOT_CONTAINS(out, "not yet measurable: 0 live answers"); /* it has dialed */
    CX_ASSERT_CONTAINS(out, "dry run: the remaining steps would be");
    CX_ASSERT_NOT_CONTAINS(out, "compliance not measured");
    CX_ASSERT_INT_EQ(cxopt((char *const[]){"cxopt", "apply", "--target", target, "--ramp",
                                         "--ramp-interval", "0", "--audit", f.audit, NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "ramp step 3 of 3");
    mock_campaign_state st;
    mock_server_campaign(f.mock, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.85, 1e-9);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, 100);
    ofx_stop(&f);
    cJSON_Delete(model);
}

/* --help states the replication cap and the switches the gate adds. */
static void test_help_states_the_cap(void)
{
    static char *const env[] = {"HOME=/nonexistent", NULL};
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "--help", NULL}, env, out, sizeof out), 0);
    CX_ASSERT_CONTAINS(out, "until the 95% half-width of the predicted abandon");
    CX_ASSERT_CONTAINS(out, "--predict-max-replications N  the cap (default 256)");
    CX_ASSERT_CONTAINS(out, "--require-stats");
    CX_ASSERT_CONTAINS(out, "compliant, remediation or refused");
}

static const cx_test_case cases[] = {
    {"one_state_one_answer", test_one_state_one_answer},
    {"words_agree", test_words_agree},
    {"dry_run_sends_nothing", test_dry_run_sends_nothing},
    {"says_what_was_not_checked", test_says_what_was_not_checked},
    {"accepted_write_verified", test_accepted_write_verified},
    {"remediation", test_remediation},
    {"fresh_campaign_ramp", test_fresh_campaign_ramp},
    {"help_states_the_cap", test_help_states_the_cap},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("gate-cli"); }

static const cx_test_suite suites[] = {
    {"gate_cli", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
