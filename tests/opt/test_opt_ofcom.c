/* test_opt_ofcom.c - Ofcom's estimate of abandoned calls from an ACD's book:
 * the formula on figures worked by hand, and on a simulated campaign, where
 * it must find the truth the simulation knows and no ACD sees; and the
 * compliance gate checks the estimate. */
#include <math.h>

#include <stdlib.h>

#include "cxopt.h"
#include "cxtest.h"
#include "dialsim.h"
#include "opt_internal.h"
#include "opt_ofcom.h"
#include "sim_test_util.h"

static void test_worked_figures(void)
{
    /* no machines, no AMD: the ACD's own rate */
    opt__ofcom e = opt__ofcom_estimate(970, 30, 0, 0);
    CX_ASSERT_NEAR(e.rate, 0.03, 1e-12);
    CX_ASSERT_NEAR(e.false_positives, 0, 0);
    /* agents took as many machines as people: half the drops were machines */
    e = opt__ofcom_estimate(1000, 40, 1000, 0);
    CX_ASSERT_NEAR(e.live_drops, 20, 1e-12);
    CX_ASSERT_NEAR(e.rate, 20.0 / 1020.0, 1e-12);
    /* AMD hangs up on 20% of people: the 800 it passed are 80% of them */
    e = opt__ofcom_estimate(800, 0, 0, 0.2);
    CX_ASSERT_NEAR(e.false_positives, 200, 1e-9);
    CX_ASSERT_NEAR(e.rate, 0.2, 1e-12);
    /* both */
    e = opt__ofcom_estimate(900, 60, 300, 0.05);
    double dl = 60 * (1 - 300.0 / 1200.0), fp = (900 + dl) * 0.05 / 0.95;
    CX_ASSERT_NEAR(e.rate, (dl + fp) / (900 + dl + fp), 1e-12);
    /* nothing yet, and nonsense: no division by zero, no negative count */
    e = opt__ofcom_estimate(0, 0, 0, 0.03);
    CX_ASSERT_NEAR(e.rate, 0, 0);
    e = opt__ofcom_estimate(-5, 10, -1, 1.5);
    CX_ASSERT_NEAR(e.rate, 1, 1e-12);
    CX_ASSERT_NEAR(e.false_positives, 0, 0);
}

/* A campaign with 25% machines, AMD missing 15% of them and hanging up on
 * 3% of people: the ACD's rate misses the false positives and counts the
 * dropped machines; the estimate from its book finds the true rate. */
static void test_finds_the_simulated_truth(void)
{
    sim_report *r = run_text("{\"campaign\":{\"agents\":50,\"liveAnswerProbability\":0.2,"
                             "\"machineProbability\":0.25,\"busyProbability\":0.03,"
                             "\"amd\":{\"detection\":0.85,\"falsePositive\":0.03},"
                             "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60}},"
                             "\"dialer\":{\"answerRate\":0.2,\"abandonRate\":0.02,"
                             "\"maxConcurrentCalls\":400},"
                             "\"hours\":8,\"seed\":3,\"replications\":8,\"intervalMinutes\":480}");
    opt__ofcom e = opt__ofcom_estimate(lround(r->connected.mean),
                                       lround(r->observed_abandoned.mean),
                                       lround(r->machines_to_agents.mean), 0.03);
    printf("\n    truth %.3f%% [%.3f, %.3f], ACD %.3f%%, Ofcom estimate %.3f%%\n",
           100 * r->abandon_rate.mean, 100 * r->abandon_rate.lo, 100 * r->abandon_rate.hi,
           100 * r->observed_abandon_rate.mean, 100 * e.rate);
    CX_ASSERT_IN_CI(r->abandon_rate, e.rate, 0);
    CX_ASSERT_LE(r->observed_abandon_rate.hi, r->abandon_rate.lo);
    sim_report_destroy(r);
}

/* The compliance gate checks the estimate, not the ACD's raw rate: 2.4%
 * over 5000 live answers passes with no AMD, and is over the limit (a
 * harder step refused) once AMD is said to hang up on 2% of people (about
 * 4.3%). */
static void test_the_gate_counts_false_positives(void)
{
    char *dir = cx_test_tmpdir("ofcom-gate");
    char audit[512];
    snprintf(audit, sizeof audit, "%s/a.jsonl", dir);
    opt_settings s;
    opt_settings_defaults(&s);
    s.client_id = "id";
    s.client_secret = "secret";
    s.auth_url = "http://127.0.0.1:9/auth";
    s.api_url = "http://127.0.0.1:9";
    s.campaign_id = "c";
    s.audit_path = audit;
    s.predict = false;
    opt_params cur = opt_params_seed(), harder = cur;
    harder.answer_rate = 0.70;
    opt_stats st = {.available = true, .attempts = 20000, .live_answers = 5000,
                    .abandoned = 120};
    opt_compliance c;
    opt_prediction p;
    cx_error err = {0};
    for (int i = 0; i < 2; i++) {
        s.amd_false_positive = i ? 0.02 : 0;
        opt_optimizer *o = NULL;
        CX_REQUIRE(opt_optimizer_create(&s, &o, &err) == OPT_OK);
        CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
        opt__ofcom e = opt__ofcom_estimate(4880, 120, 0, s.amd_false_positive);
        CX_ASSERT_NEAR(c.measured_rate, (double)lround(e.abandoned) / lround(e.live_answers),
                       1e-12);
        CU_ASSERT(c.over_limit == (i == 1));
        CU_ASSERT(c.allowed == (i == 0));
        opt_optimizer_destroy(o);
    }
    s.amd_false_positive = 1.2; /* refused, named */
    opt_optimizer *o = NULL;
    CX_ASSERT_INT_EQ(opt_optimizer_create(&s, &o, &err), OPT_EUSAGE);
    CX_ASSERT_CONTAINS(err.msg, "AMD false-positive rate");
    cx_test_rmtree(dir);
    free(dir);
}

static const cx_test_case cases[] = {
    {"the_gate_counts_false_positives", test_the_gate_counts_false_positives},
    {"worked_figures", test_worked_figures},
    {"finds_the_simulated_truth", test_finds_the_simulated_truth},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"ofcom", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
