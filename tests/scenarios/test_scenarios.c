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
#include "run_internal.h"

static char *dir;
static char out[1 << 17], err[1 << 14];

static int setup(void)
{
    dir = cx_test_tmpdir("scen");
    return dir ? 0 : 1;
}

static int teardown(void)
{
    cx_test_rmtree(dir);
    free(dir);
    return 0;
}

static const char *data(const char *name)
{
    static char buf[4][1024];
    static int k;
    char rel[256];
    snprintf(rel, sizeof rel, "tests/scenarios/data/%s", name);
    return cx_test_src(buf[k++ % 4], sizeof buf[0], rel);
}

static const char *write_tmp(const char *name, const char *text)
{
    static char buf[4][1024];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 1024, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CX_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
    return p;
}

static void expect_refused(const char *text, const char *want)
{
    const char *path = write_tmp("bad.json", text);
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
    expect_refused("{" BASE ",\"policy\":\"static\"}", "policy: the static policy needs a");
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
    expect_refused("{" BASE ",\"regulation\":{\"window\":\"eu\"}}",
                   "regulation.window: expected \"fcc\"");
    /* the program: exit 2, nothing run, no table */
    const char *path = write_tmp("bad2.json", "{" BASE ",\"seed\":-1}");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", (char *)path, NULL}, NULL,
                            out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "bad2.json: seed: must be >= 0, got -1");
    CX_ASSERT_STR_EQ(out, "");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", dir, "/no/such/dir", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
}

static void test_run_reproducible(void)
{
    run_scenario *s = NULL;
    cx_error e = {0};
    if (run_scenario_load(data("tiny.json"), &s, &e) != RUN_OK)
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

static void test_failing_expectations_and_junit(void)
{
    char junit[1024];
    snprintf(junit, sizeof junit, "%s/results.xml", dir);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", (char *)data("tiny.json"),
                                            (char *)data("unreachable.json"), "--junit", junit,
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
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "run", (char *)data("tiny.json"),
                                            "--json", "--policy", "vicidial", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    cJSON *j = cJSON_Parse(out);
    CX_REQUIRE(j != NULL && cJSON_GetArraySize(j) == 1);
    const cJSON *r = cJSON_GetArrayItem(j, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(r, "policy")->valuestring, "vicidial");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(r, "series")), 6);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(r, "passed")));
    cJSON_Delete(j);
}

static void test_compare_and_plot(void)
{
    char plot[1024];
    snprintf(plot, sizeof plot, "%s/compare.svg", dir);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "compare", (char *)data("tiny.json"),
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
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"optimizer/cxopt", "compare", (char *)data("tiny.json"),
                                            "--policies", "adaptive,greedy", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     1);
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
    CX_ASSERT_GE(cJSON_GetObjectItem(r, "applied")->valueint, 2);
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
        snprintf(keep, sizeof keep, "%s/keep-%s", dir, profiles[i]);
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
        /* .jsonl, .journal.json, .webhooks.json, for the policy and for
         * do-nothing beside it (the scenario claims a gain) */
        CX_ASSERT_INT_EQ(files, 6);
        CX_ASSERT_GE(tokens, 3);
        CX_ASSERT_GE(hooks, 1);
    }
}

static void test_real_time_mode(void)
{
    /* the same loop on the wall clock: two one-second cycles */
    const char *path = write_tmp("rt.json",
                                 "{\"name\":\"rt\",\"campaign\":{\"agents\":5,"
                                 "\"liveAnswerProbability\":0.5},\"cycles\":{\"period\":1,"
                                 "\"count\":2},\"expect\":{\"auditPerCycle\":true}}");
    run_scenario *s = NULL;
    cx_error e = {0};
    CX_REQUIRE(run_scenario_load(path, &s, &e) == RUN_OK);
    char keep[1024];
    snprintf(keep, sizeof keep, "%s/keep-rt", dir);
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
    const char *path = write_tmp("blind.json",
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
    CX_REQUIRE(run_scenario_load(data("tiny.json"), &s, &e) == RUN_OK);
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
        CX_REQUIRE(run_scenario_load(write_tmp("behind.json", behind[i]), &s, &e) == RUN_OK);
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
    char *text = cx_slurp(data("tiny.json"));
    CX_REQUIRE(text != NULL);
    cJSON *j = cJSON_Parse(text);
    free(text);
    CX_REQUIRE(j != NULL);
    cJSON_AddNumberToObject(cJSON_GetObjectItem(j, "expect"), "minOccupancyGainOverDoNothing",
                            0.5);
    char *claim = cJSON_Print(j);
    cJSON_Delete(j);
    CX_REQUIRE(run_scenario_load(write_tmp("claim.json", claim), &s, &e) == RUN_OK);
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
    CX_ASSERT_GE(claims, 8); /* the library's claims, so the check is not vacuous */
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
        if (!cJSON_GetObjectItem(j, "faults")) {
            cJSON_Delete(j);
            continue;
        }
        scripts++;
        cJSON_DeleteItemFromObject(j, "faults");
        char *bare = cJSON_Print(j);
        cJSON_Delete(j);
        run_scenario *s = NULL;
        cx_error e = {0};
        CX_REQUIRE(run_scenario_load(write_tmp(de->d_name, bare), &s, &e) == RUN_OK);
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
    CX_ASSERT_GE(scripts, 6); /* the library's fault scenarios: not vacuous */
}

static const cx_test_case cases[] = {
    {"bad_files_name_the_key", test_bad_files_name_the_key},
    {"run_reproducible", test_run_reproducible},
    {"failing_expectations_and_junit", test_failing_expectations_and_junit},
    {"compare_and_plot", test_compare_and_plot},
    {"adaptive_asks_the_gate_first", test_adaptive_asks_the_gate_first},
    {"no_secret_in_any_output", test_no_secret_in_any_output},
    {"real_time_mode", test_real_time_mode},
    {"window_verdict_needs_readings", test_window_verdict_needs_readings},
    {"do_nothing_never_writes_and_is_the_baseline", test_do_nothing_never_writes_and_is_the_baseline},
    {"library_under_do_nothing_fails_each_claim", test_library_under_do_nothing_fails_each_claim},
    {"fault_scenarios_fail_without_their_faults", test_fault_scenarios_fail_without_their_faults},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"runner", setup, teardown, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
