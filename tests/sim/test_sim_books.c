/* test_sim_books.c - the two books (what the ACD sees, and the truth), the
 * Ofcom estimate from the ACD's book, and AMD's decision time: the
 * two-second rule counts from its end, and a person's wait includes it. */
#include <math.h>
#include <string.h>

#include "sim_test_util.h"

#define TIMES                                                                                  \
    "\"ringTime\":{\"dist\":\"lognormal\",\"mean\":9,\"sd\":4},"                              \
    "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},"                               \
    "\"wrapTime\":{\"dist\":\"uniform\",\"min\":5,\"max\":25}"

/* 30% machines and no AMD: every machine that answers goes to the ACD, which
 * drops some of them with the people. Ofcom's estimate from the ACD's book
 * finds the true rate (the seed's formula applied the machine discount to
 * drops known to be people, 0.95% against a true 1.67%); the raw ACD rate
 * is higher (machines among the drops). */
static void test_ofcom_estimate_finds_the_truth(void)
{
    sim_report *r = run_text("{\"campaign\":{\"agents\":50,\"liveAnswerProbability\":0.2,"
                             "\"machineProbability\":0.3,\"busyProbability\":0.03," TIMES "},"
                             "\"dialer\":{\"answerRate\":0.2,\"abandonRate\":0.03,"
                             "\"maxConcurrentCalls\":300},"
                             "\"hours\":8,\"seed\":5,\"replications\":16,\"intervalMinutes\":480}");
    printf("\n    truth %.3f%% [%.3f, %.3f], Ofcom estimate %.3f%% [%.3f, %.3f], ACD %.3f%%\n",
           100 * r->abandon_rate.mean, 100 * r->abandon_rate.lo, 100 * r->abandon_rate.hi,
           100 * r->abandon_rate_ofcom.mean, 100 * r->abandon_rate_ofcom.lo,
           100 * r->abandon_rate_ofcom.hi, 100 * r->observed_abandon_rate.mean);
    CX_ASSERT_NEAR(r->amd_false_positives.mean, 0, 0);
    CU_ASSERT(r->machines_dropped.mean > 0);
    /* the truth has the fewer events, hence the wider interval */
    CX_ASSERT_IN_CI(r->abandon_rate, r->abandon_rate_ofcom.mean, 0);
    CX_ASSERT_GE(r->observed_abandon_rate.lo, r->abandon_rate.hi);
    sim_report_destroy(r);
}

/* The books differ by exactly what each cannot or does not count: the ACD
 * never sees AMD false positives, and counts the machines it dropped. */
static void test_books_reconcile(void)
{
    sim_config cfg;
    cfg_from("{\"campaign\":{\"agents\":25,\"liveAnswerProbability\":0.2,"
             "\"machineProbability\":0.3,\"busyProbability\":0.03,"
             "\"amd\":{\"detection\":0.8,\"falsePositive\":0.03}," TIMES "},"
             "\"dialer\":{\"answerRate\":0.2,\"abandonRate\":0.03}}",
             &cfg);
    sim_live *l = NULL;
    cx_error err = {0};
    CX_REQUIRE(sim_live_create(cfg.model, &cfg.dialer, 12, &l, &err) == SIM_OK);
    CX_REQUIRE(sim_live_advance(l, 4 * 3600, &err) == SIM_OK);
    sim_counters c;
    sim_live_counters(l, &c);
    CU_ASSERT(c.amd_false_positives > 0);
    CU_ASSERT(c.machines_dropped > 0);
    CU_ASSERT(c.machines_to_agents > 0);
    CX_ASSERT_INT_EQ(c.observed_abandoned,
                     c.abandoned - c.amd_false_positives + c.machines_dropped);
    CX_ASSERT_INT_EQ(c.observed_live_answers, c.connected + c.observed_abandoned);
    /* people answered = connected + abandoned, but for those still in AMD's
     * hands or waiting at the moment of the count */
    CX_ASSERT_LE(c.connected + c.abandoned, c.live_answers);
    CX_ASSERT_LE(c.live_answers - c.connected - c.abandoned, (uint64_t)c.peak_lines);
    /* a false positive rate of 3% of people is about 3% of live answers */
    CX_ASSERT_NEAR((double)c.amd_false_positives / (double)c.live_answers, 0.03, 0.01);
    sim_live_destroy(l);
    sim_config_free(&cfg);
}

/* AMD listening 4 s: under progressive dialing (an agent is always free)
 * every person waits exactly the decision for an agent, and none is
 * abandoned though 4 s > 2 s: the rule counts from the greeting's end. */
static void test_amd_decision_delays_the_connection(void)
{
#define AMD_FMT                                                                                \
    "{\"campaign\":{\"agents\":20,\"liveAnswerProbability\":0.2,\"machineProbability\":0.25,"  \
    "\"amd\":{\"detection\":0.85,\"falsePositive\":0,\"decisionTime\":%s}," TIMES "},"        \
    "\"dialer\":{\"strategy\":\"%s\",\"answerRate\":0.2,\"abandonRate\":0.03,"              \
    "\"maxConcurrentCalls\":200},\"hours\":4,\"seed\":3,\"replications\":4,"                 \
    "\"intervalMinutes\":240}"
    char text[1200];
    snprintf(text, sizeof text, AMD_FMT, "4", "progressive");
    sim_report *r = run_text(text);
    CX_ASSERT_NEAR(r->observed_abandoned.mean, 0, 0);
    CX_ASSERT_NEAR(r->abandoned.mean, 0, 0);
    CX_ASSERT_NEAR(r->mean_wait.mean, 4, 1e-9);
    sim_report_destroy(r);
    /* predictive: people who find no agent free wait up to 2 s more, after
     * the 4 s; none waits longer, and some are dropped */
    snprintf(text, sizeof text, AMD_FMT, "4", "predictive");
    r = run_text(text);
    CU_ASSERT(r->abandoned.mean > 0);
    CX_ASSERT_GE(r->wait_p50.mean, 3.99);
    CX_ASSERT_LE(r->wait_p99.mean, 6.1);
    CU_ASSERT(r->mean_wait.mean > 4.0);
    sim_report_destroy(r);
    /* a distribution: uniform 3-5 s gives a 4 s mean under progressive */
    snprintf(text, sizeof text, AMD_FMT, "{\"dist\":\"uniform\",\"min\":3,\"max\":5}",
             "progressive");
    r = run_text(text);
    CX_ASSERT_NEAR(r->mean_wait.mean, 4, 0.05);
    CX_ASSERT_GE(r->wait_p50.mean, 3.0);
    sim_report_destroy(r);
}

static const cx_test_case cases[] = {
    {"ofcom_estimate_finds_the_truth", test_ofcom_estimate_finds_the_truth},
    {"books_reconcile", test_books_reconcile},
    {"amd_decision_delays_the_connection", test_amd_decision_delays_the_connection},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"books", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
