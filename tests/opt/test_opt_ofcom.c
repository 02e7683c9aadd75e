/* test_opt_ofcom.c - Ofcom's estimate of abandoned calls from an ACD's book:
 * the formula on figures worked by hand, and on a simulated campaign, where
 * it must find the truth the simulation knows and no ACD sees; the
 * compliance gate checks the estimate; and the adaptive policy's budget,
 * built on it, keeps its noises in hand. */
#include <math.h>

#include <stdlib.h>

#include "cxopt.h"
#include "cxtest.h"
#include "dialsim.h"
#include "opt_internal.h"
#include "opt_ofcom.h"
#include "opt_policy.h"
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

/* The adaptive policy's budget for the next period (opt__period_budget):
 * the margined limit c = 0.95 x 3%, less what pays the window back, less
 * two standard errors of the false positives no ACD sees and two of the
 * next period's own abandon count, 2 sqrt(c dL). That last one is large
 * while the window is short and fades as it grows: on the window it is
 * 2 sqrt(c dL) / (L + dL). */
static opt_stats window(long live, long abandoned, long period_live)
{
    return (opt_stats){.available = true, .live_answers = live, .abandoned = abandoned,
                       .period_live_answers = period_live};
}

static void test_the_budget_holds_the_next_period_noise(void)
{
    const double c = 0.95 * 0.03;
    /* the first cycle of a 20-agent team: 100 live answers, none abandoned,
     * about 100 more next period. Without the hold it would be the whole
     * cap (5.7% before the clamp); with it, 0.53 point less */
    opt_stats st = window(100, 0, 100);
    double r = opt__period_budget(0.03, 0, &st);
    double want = (c * 200 - 2 * sqrt(c * 100)) / 100;
    CX_ASSERT_NEAR(r, want, 1e-12);
    CX_ASSERT_LE(r, c - 0.005);
    /* a window a little over the cap, 1000 and 1000 more to come: the
     * budget plans the window's end exactly the hold under the cap */
    st = window(1000, 29, 1000);
    r = opt__period_budget(0.03, 0, &st);
    CX_ASSERT_NEAR(r, (c * 2000 - 29 - 2 * sqrt(c * 1000)) / 1000, 1e-12);
    CX_ASSERT_NEAR((29 + r * 1000) / 2000, c - 2 * sqrt(c * 1000) / 2000, 1e-12);
    /* the same window rate, 2.8%, a period of 100 to come: a short window
     * (1000) has no room for the noise of a period a tenth of it: nothing
     * to spend; a long one (100 000) has, the whole cap */
    st = window(1000, 28, 100);
    CX_ASSERT_NEAR(opt__period_budget(0.03, 0, &st), 0, 0);
    st = window(100000, 2800, 100);
    CX_ASSERT_NEAR(opt__period_budget(0.03, 0, &st), c, 1e-12);
    /* the hold on the window fades as the window grows: a window at the
     * cap's rate (2000 or 20 000 live answers, 1000 more to come) ends the
     * next period under the cap by 2 sqrt(c dL) / (L + dL), 7x less for
     * the longer */
    double gap[2];
    for (int i = 0; i < 2; i++) {
        long live = i ? 20000 : 2000, abandoned = i ? 570 : 57; /* 2.85% */
        st = window(live, abandoned, 1000);
        r = opt__period_budget(0.03, 0, &st);
        CX_ASSERT_NEAR(r, c - 2 * sqrt(c / 1000), 1e-12);
        gap[i] = c - (abandoned + r * 1000) / (live + 1000);
        CX_ASSERT_NEAR(gap[i], 2 * sqrt(c * 1000) / (live + 1000), 1e-12);
    }
    CX_ASSERT_NEAR(gap[0] / gap[1], 21000.0 / 3000.0, 1e-9);
    /* with AMD false positives (0.5%), both holds, on Ofcom's estimate */
    st = window(2000, 45, 100);
    st.machines_to_agents = 300;
    opt__ofcom e = opt__ofcom_estimate(1955, 45, 300, 0.005);
    double fp_sd = sqrt((e.live_answers + 100) * 0.005 * 0.995);
    want = (c * (e.live_answers + 100) - e.abandoned - 2 * fp_sd - 2 * sqrt(c * 100)) / 100;
    CX_REQUIRE(want > 0 && want < c);
    CX_ASSERT_NEAR(opt__period_budget(0.03, 0.005, &st), want, 1e-12);
    /* nothing to budget on: no stats, or no live answer last period */
    st = (opt_stats){0};
    CX_ASSERT_NEAR(opt__period_budget(0.03, 0, &st), c, 1e-12);
    st = window(1000, 20, 0);
    CX_ASSERT_NEAR(opt__period_budget(0.03, 0, &st), c, 1e-12);
}

static const cx_test_case cases[] = {
    {"the_budget_holds_the_next_period_noise", test_the_budget_holds_the_next_period_noise},
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
