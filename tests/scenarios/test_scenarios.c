/* test_scenarios.c - the scenario runner: bad files are refused with file and
 * key path (and nothing runs), expectations can fail, runs are reproducible,
 * results go to a table, JSON and JUnit XML, and compare plots. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cxproc.h"
#include "cxrun.h"
#include "cxtest.h"
#include "mockcxone.h"

/* a file of tests/scenarios/data/, as an argument */
#define DATA(name) ((char *)cx_src("tests/scenarios/data/" name))

static char out[1 << 17], err[1 << 14];

static void expect_refused(const char *text, const char *want)
{
    const char *path = cx_write_tmp("bad.json", text);
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_ASSERT_INT_EQ(run_scenario_load(path, &s, &e), RUN_EINVAL);
    CU_ASSERT(s == NULL);
    CX_ASSERT_CONTAINS(e.msg, "bad.json: ");
    CX_ASSERT_CONTAINS(e.msg, want);
}

#define BASE "\"name\":\"b\",\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5}," \
             "\"cycles\":{\"period\":600,\"count\":2}"

static void test_bad_files_name_the_key(void)
{
    expect_refused("{" BASE ",\"polcy\":\"adaptive\"}", "polcy: unknown key");
    expect_refused("{" BASE ",\"policy\":{\"name\":\"static\",\"target\":{\"answerRate\":\"hi\"}}}",
                   "policy.target.answerRate: expected a number, got a string");
    /* static without a target is the seed's settings, not an error */
    {
        run_scenario *st = NULL;
        cx_error se = {0};
        CX_ASSERT_INT_EQ(run_scenario_load(cx_write_tmp("static.json",
                                                        "{" BASE ",\"policy\":\"static\"}"),
                                           &st, &se),
                         RUN_OK);
        run_scenario_destroy(st);
    }
    expect_refused("{" BASE ",\"faults\":[{\"fromCycle\":1,\"rules\":[{\"status\":503},"
                   "{\"status\":999}]}]}",
                   "faults[0].rules[1].status: must be <= 599, got 999");
    expect_refused("{" BASE ",\"faults\":[{\"rules\":[{\"status\":503,\"from\":3}]}]}",
                   "faults[0].rules[0]: set the window on the group");
    expect_refused("{\"name\":\"b\",\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5}}",
                   "cycles: required key is missing");
    expect_refused("{\"name\":\"b\",\"cycles\":{\"period\":600,\"count\":2},"
                   "\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5,"
                   "\"talkTime\":{\"dist\":\"gamma\",\"mean\":100}}}",
                   "campaign.talkTime.sd: required key is missing");
    expect_refused("{" BASE ",\"dialer\":{\"answerRate\":2}}",
                   "dialer.answerRate: must be <= 1, got 2");
    expect_refused("{" BASE ",\"expect\":{\"outcomes\":{\"exploded\":{\"min\":1}}}}",
                   "expect.outcomes.exploded: unknown key");
    expect_refused("{" BASE ",\"policy\":{\"name\":\"vicidial\",\"vicidial\":{\"mode\":\"x\"}}}",
                   "policy.vicidial.mode: unknown value \"x\"");
    expect_refused("{" BASE ",\"regulation\":{\"window\":\"eu\"}}",
                   "regulation.window: expected \"fcc\"");
    /* the program: exit 2, nothing run, no table */
    const char *path = cx_write_tmp("bad2.json", "{" BASE ",\"seed\":-1}");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", (char *)path, NULL}, NULL,
                            out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "bad2.json: seed: must be >= 0, got -1");
    CX_ASSERT_STR_EQ(out, "");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", (char *)cx_scratch(),
                                            "/no/such/dir", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
}

static void test_run_reproducible(void)
{
    run_scenario *s = NULL;
    cx_error e = {0};
    if (run_scenario_load(DATA("tiny.json"), &s, &e) != RUN_OK)
        fprintf(stderr, "%s\n", e.msg);
    CX_REQUIRE(s != NULL);
    CX_ASSERT_STR_EQ(run_scenario_name(s), "tiny");
    run_result a, b;
    CX_ASSERT_INT_EQ(run_scenario_run(s, NULL, &a, &e), RUN_OK);
    CX_ASSERT_INT_EQ(run_scenario_run(s, NULL, &b, &e), RUN_OK);
    CU_ASSERT(a.passed);
    CX_ASSERT_INT_EQ(a.cycles, 6);
    CX_ASSERT_INT_EQ(a.audit_records, 6);
    CX_ASSERT_INT_EQ(a.n_samples, 6);
    CX_ASSERT_GE(a.retries, 1); /* the injected 503 */
    /* virtual time: the same seed, the same campaign, the same decisions */
    CX_ASSERT_NEAR(a.occupancy, b.occupancy, 0);
    CX_ASSERT_NEAR(a.final_window_rate, b.final_window_rate, 0);
    CX_ASSERT_INT_EQ(a.applied, b.applied);
    CX_ASSERT_INT_EQ(a.retries, b.retries);
    CX_ASSERT_NEAR(a.samples[5].hours, 1.5, 1e-3);
    CU_ASSERT(a.occupancy > 0.3 && a.occupancy < 1);
    /* another seed, another campaign */
    run_options o = {.seed_offset = 1};
    run_result c;
    CX_ASSERT_INT_EQ(run_scenario_run(s, &o, &c, &e), RUN_OK);
    CU_ASSERT(c.occupancy != a.occupancy);
    CX_ASSERT_INT_EQ(c.seed, 4);
    run_result_free(&a);
    run_result_free(&b);
    run_result_free(&c);
    run_scenario_destroy(s);
}

/* "vicidial" is the campaign run by VICIdial's own dialer: the optimizer
 * reads, judges and audits every cycle but never writes, and the campaign
 * paces itself differently from the same campaign left to dialsim's
 * predictive pacer (do-nothing) on the same seed. */
static void test_vicidial_is_the_campaigns_own_dialer(void)
{
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_REQUIRE(run_scenario_load(DATA("tiny.json"), &s, &e) == RUN_OK);
    run_options ov = {.policy = "vicidial"}, on = {.policy = "do-nothing"};
    run_result v, n;
    CX_ASSERT_INT_EQ(run_scenario_run(s, &ov, &v, &e), RUN_OK);
    CX_ASSERT_INT_EQ(run_scenario_run(s, &on, &n, &e), RUN_OK);
    CX_ASSERT_STR_EQ(v.policy, "vicidial");
    CX_ASSERT_INT_EQ(v.applied, 0);
    CX_ASSERT_INT_EQ(v.audit_records, 6);
    CU_ASSERT(v.occupancy > 0.3 && v.occupancy < 1);
    CU_ASSERT(v.occupancy != n.occupancy);
    run_result_free(&v);
    run_result_free(&n);
    /* the command line knows it, and says which names exist */
    cx_error pe = {0};
    CX_ASSERT_INT_EQ(run_policy_name_check("vicidial", &pe), RUN_OK);
    CX_ASSERT_INT_EQ(run_policy_name_check("vici", &pe), RUN_EINVAL);
    CX_ASSERT_CONTAINS(pe.msg, "known: do-nothing, static, vicidial, adaptive, oracle");
    run_scenario_destroy(s);
}

static void test_failing_expectations_and_junit(void)
{
    char junit[1024];
    snprintf(junit, sizeof junit, "%s/results.xml", cx_scratch());
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", DATA("tiny.json"),
                                            DATA("unreachable.json"), "--junit", junit,
                                            NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     1);
    CX_ASSERT_CONTAINS(out, "tiny ");
    CX_ASSERT_CONTAINS(out, "PASS");
    CX_ASSERT_CONTAINS(out, "FAIL");
    CX_ASSERT_CONTAINS(out, "expected minOccupancy: occupancy");
    CX_ASSERT_CONTAINS(out, "1 of 2 scenarios passed");
    char *xml = cx_slurp(junit);
    CX_REQUIRE(xml != NULL);
    CX_ASSERT_CONTAINS(xml, "<testsuites tests=\"2\" failures=\"1\"");
    CX_ASSERT_CONTAINS(xml, "<testcase classname=\"scenarios.seed.adaptive\" name=\"unreachable\"");
    CX_ASSERT_CONTAINS(xml, "<failure message=\"minApplied: ");
    free(xml);
    /* --json: one object per scenario, with its series */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", DATA("tiny.json"),
                                            "--json", "--policy", "do-nothing", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    cJSON *j = cJSON_Parse(out);
    CX_REQUIRE(j != NULL && cJSON_GetArraySize(j) == 1);
    const cJSON *r = cJSON_GetArrayItem(j, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(r, "policy")->valuestring, "do-nothing");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(r, "series")), 6);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(r, "passed")));
    cJSON_Delete(j);
}

static void test_compare_and_plot(void)
{
    char plot[1024];
    snprintf(plot, sizeof plot, "%s/compare.svg", cx_scratch());
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "compare", DATA("tiny.json"),
                                            "--policies", "adaptive,vicidial,oracle", "--seeds",
                                            "2", "--plot", plot, NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    CX_ASSERT_CONTAINS(out, "tiny: 2 seeds per policy");
    CX_ASSERT_CONTAINS(out, "adaptive");
    CX_ASSERT_CONTAINS(out, "oracle");
    char *svg = cx_slurp(plot);
    CX_REQUIRE(svg != NULL);
    CX_ASSERT_CONTAINS(svg, "<svg");
    CX_ASSERT_CONTAINS(svg, "vicidial");
    free(svg);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "compare", DATA("tiny.json"),
                                            "--policies", "adaptive,greedy", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2); /* a usage error, found before any run */
    CX_ASSERT_CONTAINS(err, "unknown policy \"greedy\"");
}

static void test_adaptive_asks_the_gate_first(void)
{
    /* adaptive proposes only what the compliance gate will pass (the same
     * prediction on the same seed): on the seed's example, whose first
     * steps the gate cuts short, it moves and is never refused */
    char path[1024];
    cx_test_src(path, sizeof path, "scenarios/seed-example.json");
    /* (its expectations, written for the static policy's three changes,
     * may or may not hold: the exit status is 0 or 1, and not the point) */
    int rc = cx_run((char *const[]){"optimizer/cxopt", "run", path, "--policy", "adaptive",
                                    "--json", NULL},
                    NULL, out, sizeof out, err, sizeof err);
    CU_ASSERT(rc == 0 || rc == 1);
    cJSON *j = cJSON_Parse(out);
    CX_REQUIRE(j != NULL && cJSON_GetArraySize(j) == 1);
    const cJSON *r = cJSON_GetArrayItem(j, 0);
    const cJSON *outcomes = cJSON_GetObjectItem(r, "outcomes");
    CU_ASSERT(cJSON_GetObjectItem(outcomes, "rejected-compliance") == NULL);
    /* it moves: at least once (1 to 5 changes over seeds 13-22), since its dialer
     * holds its 2.5% setting, a higher setting is predicted past the limit
     * and a higher answerRate alone no better than the current one */
    CX_ASSERT_GE(cJSON_GetObjectItem(r, "applied")->valueint, 1);
    CX_ASSERT_GE(0.03, cJSON_GetObjectItem(r, "maxWindowAbandonRate")->valuedouble);
    cJSON_Delete(j);
}

/* Whether `text` holds something shaped like a token the mock issues: the
 * seed profile's "mock_" and 43 base64url characters, or a CXone JWT. */
static bool holds_token(const char *text)
{
    if (strstr(text, "eyJhbGciOi") || strstr(text, "eyJ0eXAiOi"))
        return true;
    for (const char *p = text; (p = strstr(p, "mock_")) != NULL; p++) {
        size_t n = strspn(p + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789-_");
        if (n >= 40)
            return true;
    }
    return false;
}

static void test_no_secret_in_any_output(void)
{
    /* a scenario whose tokens expire every few minutes, under both
     * profiles: stdout, stderr, the audit log, the mock's journal and the
     * webhooks it received hold no secret and no token */
    static const char *const profiles[] = {"seed", "cxone"};
    static const char *const secrets[] = {RUN_CLIENT_SECRET, RUN_WEBHOOK_SECRET,
                                          MOCK_DEFAULT_ACCESS_KEY_SECRET,
                                          "mock%2Baccess%2Fkey", "c2NlbmFyaW8tcnVubmVy"};
    char path[1024];
    cx_test_src(path, sizeof path, "scenarios/token-expiry.json");
    for (int i = 0; i < 2; i++) {
        char keep[1024];
        snprintf(keep, sizeof keep, "%s/keep-%s", cx_scratch(), profiles[i]);
        CX_REQUIRE(mkdir(keep, 0700) == 0);
        CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", path, "--profile",
                                                (char *)profiles[i], "--audit-dir", keep,
                                                "--json", NULL},
                                NULL, out, sizeof out, err, sizeof err),
                         0);
        int files = 0, tokens = 0, hooks = 0;
        const char *texts[2] = {out, err};
        for (int k = 0; k < 5; k++)
            for (int t = 0; t < 2; t++)
                CX_ASSERT_NOT_CONTAINS(texts[t], secrets[k]);
        CU_ASSERT(!holds_token(out) && !holds_token(err));
        DIR *d = opendir(keep);
        CX_REQUIRE(d != NULL);
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (e->d_name[0] == '.')
                continue;
            char file[1400];
            snprintf(file, sizeof file, "%s/%s", keep, e->d_name);
            char *text = cx_slurp(file);
            CX_REQUIRE(text != NULL);
            files++;
            for (int k = 0; k < 5; k++)
                CX_ASSERT_NOT_CONTAINS(text, secrets[k]);
            if (holds_token(text)) {
                CU_FAIL("a token in a file the run wrote");
                fprintf(stderr, "a token in %s\n", file);
            }
            /* the check is not vacuous: the tokens and the webhooks went by */
            if (strstr(e->d_name, ".journal.json"))
                tokens += cx_count(text, "\"/auth/token\"");
            if (strstr(e->d_name, ".webhooks.json"))
                hooks += cx_count(text, "\"webhook-signature\"");
            free(text);
        }
        closedir(d);
        /* .jsonl, .journal.json, .webhooks.json, for the policy (the
         * scenario claims no gain, so no do-nothing run beside it) */
        CX_ASSERT_INT_EQ(files, 3);
        CX_ASSERT_GE(tokens, 3);
        CX_ASSERT_GE(hooks, 1);
    }
}

static void test_real_time_mode(void)
{
    /* the same loop on the wall clock: two one-second cycles */
    const char *path = cx_write_tmp("rt.json",
                                 "{\"name\":\"rt\",\"campaign\":{\"agents\":5,"
                                 "\"liveAnswerProbability\":0.5},\"cycles\":{\"period\":1,"
                                 "\"count\":2},\"expect\":{\"auditPerCycle\":true}}");
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_REQUIRE(run_scenario_load(path, &s, &e) == RUN_OK);
    char keep[1024];
    snprintf(keep, sizeof keep, "%s/keep-rt", cx_scratch());
    CX_REQUIRE(mkdir(keep, 0700) == 0);
    run_options o = {.real_time = true, .audit_dir = keep};
    cx_clock *wall = cx_clock_real_create();
    CX_REQUIRE(wall != NULL);
    char before[40], after[40];
    cx_format_rfc3339(floor(cx_clock_now(wall)), before, sizeof before);
    run_result r;
    CX_ASSERT_INT_EQ(run_scenario_run(s, &o, &r, &e), RUN_OK);
    cx_format_rfc3339(ceil(cx_clock_now(wall)), after, sizeof after);
    cx_clock_destroy(wall);
    CU_ASSERT(r.passed);
    CX_ASSERT_INT_EQ(r.audit_records, 2);
    /* which clock, not how long: every request the mock saw is stamped
     * with today's time (under the virtual clock, 2026-01-05T08:00Z on),
     * between the readings of the wall clock taken before and after */
    char journal[1200];
    snprintf(journal, sizeof journal, "%s/rt-adaptive-%llu.journal.json", keep,
             (unsigned long long)r.seed);
    char *text = cx_slurp(journal);
    CX_REQUIRE(text != NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    CX_REQUIRE(cJSON_GetArraySize(j) > 0);
    const cJSON *x;
    cJSON_ArrayForEach(x, j)
    {
        const char *t = cJSON_GetObjectItem(x, "time")->valuestring;
        if (strcmp(t, before) < 0 || strcmp(t, after) > 0) {
            CU_FAIL("a request stamped outside the run's wall-clock time");
            fprintf(stderr, "%s not in [%s, %s]\n", t, before, after);
        }
    }
    cJSON_Delete(j);
    run_result_free(&r);
    run_scenario_destroy(s);
}

static const cx_test_case cases[] = {
    {"bad_files_name_the_key", test_bad_files_name_the_key},
    {"run_reproducible", test_run_reproducible},
    {"vicidial_is_the_campaigns_own_dialer", test_vicidial_is_the_campaigns_own_dialer},
    {"failing_expectations_and_junit", test_failing_expectations_and_junit},
    {"compare_and_plot", test_compare_and_plot},
    {"adaptive_asks_the_gate_first", test_adaptive_asks_the_gate_first},
    {"no_secret_in_any_output", test_no_secret_in_any_output},
    {"real_time_mode", test_real_time_mode},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("scen"); }

static const cx_test_suite suites[] = {
    {"runner", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
