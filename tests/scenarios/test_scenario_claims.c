/* test_scenario_claims.c - what the scenario library claims can fail: a
 * window verdict needs every reading and a last window with live answers;
 * do-nothing writes nothing and is the baseline a claimed gain is measured
 * against; every claimed gain fails under do-nothing; every fault scenario
 * fails with its fault script deleted. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cxproc.h"
#include "cxrun.h"
#include "cxtest.h"
#include "run_internal.h"

/* a file of tests/scenarios/data/, as an argument */
#define DATA(name) ((char *)cx_src("tests/scenarios/data/" name))

static char err[1 << 14];


/* An expectation set holding only maxWindowAbandonRate 3%. */
static void window_only(run_expect *x)
{
    memset(x, 0, sizeof *x);
    x->has_max_window_rate = true;
    x->max_window_rate = 0.03;
    x->window_min_live = 1000;
    x->max_applied = x->max_retries = x->max_reauths = x->max_webhooks_failed = -1;
    for (int i = 0; i < 3; i++)
        x->max_latency_ms[i] = -1;
    for (int i = 0; i < RUN_OUTCOMES; i++)
        x->outcome_max[i] = -1;
}

/* The verdict on three readings: the middle one's `live` and `rate`, the
 * last one's `last_live`. */
static bool window_verdict(long live, double rate, long last_live, char *detail, size_t n)
{
    run_expect x;
    window_only(&x);
    run_sample samples[3] = {{.window_rate = 0.01, .window_live = 2000},
                             {.window_rate = rate, .window_live = live},
                             {.window_rate = 0.02, .window_live = last_live}};
    run_result r;
    memset(&r, 0, sizeof r);
    r.samples = samples;
    r.n_samples = 3;
    run__worst_window(&r, x.window_min_live);
    run_facts f = {0};
    run__check(NULL, &x, &f, &r);
    CX_REQUIRE(r.n_checks == 1);
    CX_ASSERT_STR_EQ(r.checks[0].name, "maxWindowAbandonRate");
    snprintf(detail, n, "%s", r.checks[0].detail);
    CU_ASSERT(r.checks[0].ok == r.passed);
    return r.passed;
}

static void test_window_verdict_needs_readings(void)
{
    char d[256];
    /* every reading there, the last with live answers: a verdict */
    CU_ASSERT(window_verdict(2500, 0.025, 3000, d, sizeof d));
    CX_ASSERT_CONTAINS(d, "worst window 2.50%");
    CU_ASSERT(!window_verdict(2500, 0.031, 3000, d, sizeof d));
    /* a reading that failed (what the runner records when the stats cannot
     * be read, or a key is missing) is no 0%: the check fails */
    CU_ASSERT(!window_verdict(-1, NAN, 3000, d, sizeof d));
    CX_ASSERT_CONTAINS(d, "could not be read at 1 of 3 cycles");
    CU_ASSERT(!window_verdict(2500, NAN, 3000, d, sizeof d));
    /* 0 of 0 abandoned in the window a regulator reads proves nothing */
    CU_ASSERT(!window_verdict(2500, 0.01, 0, d, sizeof d));
    CX_ASSERT_CONTAINS(d, "no live answers in the last window");
    /* end to end: a one-second run has no live answer yet */
    const char *path = cx_write_tmp("blind.json",
                                 "{\"name\":\"blind\",\"campaign\":{\"agents\":5,"
                                 "\"liveAnswerProbability\":0.5},\"cycles\":{\"period\":1,"
                                 "\"count\":1},\"expect\":{\"maxWindowAbandonRate\":0.03}}");
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_REQUIRE(run_scenario_load(path, &s, &e) == RUN_OK);
    run_result r;
    CX_ASSERT_INT_EQ(run_scenario_run(s, NULL, &r, &e), RUN_OK);
    CU_ASSERT(!r.passed);
    CX_ASSERT_INT_EQ(r.samples[0].window_live, 0);
    CX_REQUIRE(r.n_checks >= 1);
    CX_ASSERT_STR_EQ(r.checks[0].name, "maxWindowAbandonRate");
    CX_ASSERT_CONTAINS(r.checks[0].detail, "no live answers in the last window");
    run_result_free(&r);
    run_scenario_destroy(s);
}

static void test_do_nothing_never_writes_and_is_the_baseline(void)
{
    /* do-nothing reads and audits every cycle and never writes */
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_REQUIRE(run_scenario_load(DATA("tiny.json"), &s, &e) == RUN_OK);
    run_options o = {.policy = "do-nothing"};
    run_result dn;
    CX_ASSERT_INT_EQ(run_scenario_run(s, &o, &dn, &e), RUN_OK);
    CX_ASSERT_INT_EQ(dn.applied, 0);
    CX_ASSERT_INT_EQ(dn.outcomes[OPT_OUTCOME_UNCHANGED], dn.cycles);
    CX_ASSERT_INT_EQ(dn.audit_records, 6);
    CU_ASSERT(dn.passed); /* noLostUpdate: the campaign has its first settings */
    run_scenario_destroy(s);
    /* with nothing applied, noLostUpdate still sees a change of the
     * dialer's settings behind the records, and takes a lock for none */
    static const char *const behind[] = {
        "{\"name\":\"behind\",\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5},"
        "\"cycles\":{\"period\":600,\"count\":3},\"faults\":[{\"fromCycle\":2,\"rules\":"
        "[{\"on\":\"read\",\"action\":\"patch-campaign\",\"times\":1,"
        "\"patch\":{\"predictiveDialer\":{\"answerRate\":0.9}}}]}],"
        "\"expect\":{\"noLostUpdate\":true}}",
        "{\"name\":\"locked\",\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5},"
        "\"cycles\":{\"period\":600,\"count\":3},\"faults\":[{\"fromCycle\":2,\"rules\":"
        "[{\"on\":\"read\",\"action\":\"lock-campaign\",\"times\":1}]}],"
        "\"expect\":{\"noLostUpdate\":true}}"};
    for (int i = 0; i < 2; i++) {
        CX_REQUIRE(run_scenario_load(cx_write_tmp("behind.json", behind[i]), &s, &e) == RUN_OK);
        run_result b;
        CX_ASSERT_INT_EQ(run_scenario_run(s, &o, &b, &e), RUN_OK);
        CX_ASSERT_INT_EQ(b.applied, 0);
        CU_ASSERT(b.passed == (i == 1));
        if (i == 0)
            CX_ASSERT_CONTAINS(b.checks[b.n_checks - 1].detail, "with no applied record");
        run_result_free(&b);
        run_scenario_destroy(s);
    }
    /* a claimed gain runs do-nothing beside, on the same seed */
    char *text = cx_slurp(DATA("tiny.json"));
    CX_REQUIRE(text != NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    CX_REQUIRE(j != NULL);
    cJSON_AddNumberToObject(cJSON_GetObjectItem(j, "expect"), "minOccupancyGainOverDoNothing",
                            0.5);
    char *claim = cJSON_Print(j);
    cJSON_Delete(j);
    CX_REQUIRE(run_scenario_load(cx_write_tmp("claim.json", claim), &s, &e) == RUN_OK);
    free(claim);
    run_result r;
    CX_ASSERT_INT_EQ(run_scenario_run(s, NULL, &r, &e), RUN_OK);
    CU_ASSERT(r.has_baseline);
    CX_ASSERT_NEAR(r.baseline_occupancy, dn.occupancy, 0);
    CU_ASSERT(!r.passed); /* 50 points over doing nothing: no policy can */
    bool named = false;
    for (int i = 0; i < r.n_checks; i++)
        if (strcmp(r.checks[i].name, "minOccupancyGainOverDoNothing") == 0) {
            named = true;
            CU_ASSERT(!r.checks[i].ok);
            CX_ASSERT_CONTAINS(r.checks[i].detail, "do-nothing");
        }
    CU_ASSERT(named);
    run_result_free(&r);
    run_result_free(&dn);
    run_scenario_destroy(s);
}

/* Whether a scenario file claims a gain over doing nothing (at the top or
 * under a profile). */
static bool claims_gain(const char *file)
{
    char *text = cx_slurp(file);
    bool yes = text && strstr(text, "\"minOccupancyGainOverDoNothing\"");
    free(text);
    return yes;
}

static void test_library_under_do_nothing_fails_each_claim(void)
{
    /* every scenario that says the optimizer helps fails when nothing is
     * done, on the claim itself */
    char lib[1024];
    cx_test_src(lib, sizeof lib, "scenarios");
    static char big[1 << 20];
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", lib, "--policy",
                                            "do-nothing", "--json", NULL},
                            NULL, big, sizeof big, err, sizeof err),
                     1);
    cJSON *j = cJSON_Parse(big);
    CX_REQUIRE(j != NULL);
    int claims = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, j)
    {
        const char *name = cJSON_GetObjectItem(r, "scenario")->valuestring;
        char file[1400];
        snprintf(file, sizeof file, "%s/%s.json", lib, name);
        CX_ASSERT_INT_EQ(cJSON_GetObjectItem(r, "applied")->valueint, 0);
        if (!claims_gain(file))
            continue;
        claims++;
        bool failed_claim = false;
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(r, "expectations"))
            failed_claim |= strcmp(cJSON_GetObjectItem(c, "name")->valuestring,
                                   "minOccupancyGainOverDoNothing") == 0 &&
                            cJSON_IsFalse(cJSON_GetObjectItem(c, "ok"));
        if (!failed_claim || cJSON_IsTrue(cJSON_GetObjectItem(r, "passed"))) {
            CU_FAIL("a scenario claiming a gain does not fail under do-nothing on it");
            fprintf(stderr, "%s passes its gain claim under do-nothing\n", name);
        }
    }
    CX_ASSERT_GE(claims, 3); /* the library's claims, so the check is not vacuous */
    cJSON_Delete(j);
}

static void test_fault_scenarios_fail_without_their_faults(void)
{
    /* each scenario with a fault script, the script deleted: an expectation
     * that sees the faults (retries, re-authentications, webhooks failed,
     * outcomes) must fail */
    static const char *const fault_checks[] = {"minRetries", "maxRetries", "minReauths",
                                               "maxReauths", "minWebhooksFailed",
                                               "maxWebhooksFailed", "outcomes.", NULL};
    char lib[1024];
    cx_test_src(lib, sizeof lib, "scenarios");
    DIR *d = opendir(lib);
    CX_REQUIRE(d != NULL);
    int scripts = 0;
    /* under valgrind (CX_VALGRIND set by the build) each adaptive run is
     * some fifty times slower: one scenario shows the memory side, the
     * normal pass checks them all */
    bool one = getenv("CX_VALGRIND") != NULL;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
            strcmp(de->d_name, "schema.json") == 0)
            continue;
        char file[1400];
        snprintf(file, sizeof file, "%s/%s", lib, de->d_name);
        char *text = cx_slurp(file);
        CX_REQUIRE(text != NULL);
        cJSON *j = cJSON_Parse(text);
        free(text);
        CX_REQUIRE(j != NULL);
        if (!cJSON_GetObjectItem(j, "faults") || (one && scripts == 1)) {
            cJSON_Delete(j);
            continue;
        }
        scripts++;
        cJSON_DeleteItemFromObject(j, "faults");
        char *bare = cJSON_Print(j);
        cJSON_Delete(j);
        run_scenario *s = NULL;
        cx_error e = {0};
        CX_REQUIRE(run_scenario_load(cx_write_tmp(de->d_name, bare), &s, &e) == RUN_OK);
        free(bare);
        run_result r;
        CX_ASSERT_INT_EQ(run_scenario_run(s, NULL, &r, &e), RUN_OK);
        bool seen = false;
        for (int i = 0; i < r.n_checks; i++)
            for (int k = 0; fault_checks[k]; k++)
                seen |= !r.checks[i].ok &&
                        strncmp(r.checks[i].name, fault_checks[k], strlen(fault_checks[k])) == 0;
        if (r.passed || !seen) {
            CU_FAIL("a fault scenario passes, or fails on no fault expectation, without its faults");
            fprintf(stderr, "%s: no fault expectation failed with its faults deleted\n",
                    de->d_name);
        }
        run_result_free(&r);
        run_scenario_destroy(s);
    }
    closedir(d);
    CX_ASSERT_GE(scripts, one ? 1 : 6); /* the library's fault scenarios: not vacuous */
}

static const cx_test_case cases[] = {
    {"window_verdict_needs_readings", test_window_verdict_needs_readings},
    {"do_nothing_never_writes_and_is_the_baseline", test_do_nothing_never_writes_and_is_the_baseline},
    {"library_under_do_nothing_fails_each_claim", test_library_under_do_nothing_fails_each_claim},
    {"fault_scenarios_fail_without_their_faults", test_fault_scenarios_fail_without_their_faults},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("claims"); }

static const cx_test_suite suites[] = {
    {"claims", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
