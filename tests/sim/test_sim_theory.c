/* test_sim_theory.c - the simulator against queueing theory.
 *
 * Each case runs a long fixed-seed simulation (deterministic: it passes or
 * fails the same way every time) and checks that the formula lies within
 * the simulation's 95% interval (batch means or replications). The formulas
 * themselves are checked against published table values first. */
#include <math.h>

#include "sim_test_util.h"

static void test_formulas_against_tables(void)
{
    /* Erlang B table values, checked to the digits the recurrence gives in
     * exact arithmetic: 15 servers at 8.108 E -> 1% (0.99996%), 30 at
     * 25 E -> 5.26%. */
    CX_ASSERT_NEAR(sim_erlang_b(15, 8.108), 0.0099996319, 1e-9);
    /* B(30, 25) = 0.0526031722... (the recurrence in exact rationals) */
    CX_ASSERT_NEAR(sim_erlang_b(30, 25.0), 0.0526031722, 1e-9);
    CX_ASSERT_NEAR(sim_erlang_b(1, 1.0), 0.5, 1e-12);
    /* Erlang C for 2 servers at 1 E: B = 0.2, C = B/(1 - rho(1-B)) = 1/3 */
    CX_ASSERT_NEAR(sim_erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
    CX_ASSERT_NEAR(sim_erlang_c(5, 6.0), 1.0, 0);
    /* Fixed patience: tau = 0 is Erlang B; infinite patience loses nothing
     * below saturation; loss falls with patience. */
    CX_ASSERT_NEAR(sim_fixed_patience_loss(10, 8.0, 80, 0), sim_erlang_b(10, 8.0), 1e-12);
    CX_ASSERT_LE(sim_fixed_patience_loss(10, 8.0, 80, 1e6), 1e-9);
    CU_ASSERT(sim_fixed_patience_loss(10, 8.0, 80, 2) < sim_fixed_patience_loss(10, 8.0, 80, 1));
    CX_ASSERT_NEAR(sim_fixed_patience_loss(10, 10.0, 80, 2),
                   sim_fixed_patience_loss(10, 10.0 - 1e-7, 80, 2), 1e-6); /* rho = 1 limit */
    /* Power: p = 0.2, n = 2 -> 10% (DOMAIN.md) */
    CX_ASSERT_NEAR(sim_power_abandon(2, 0.2), 0.10, 1e-12);
    CX_ASSERT_NEAR(sim_power_abandon(1, 0.3), 0.0, 1e-12);
    CX_ASSERT_NEAR(sim_progressive_occupancy(90, 10, 8, 25, 0.3, 0), 100.0 / 166.33333, 1e-4);
}

/* Open-loop Poisson dialing: live answers are Poisson at dialRate * p. */
#define OPEN_LOOP \
    "{\"campaign\":{\"agents\":%d,\"liveAnswerProbability\":0.8333," \
    "\"ringTime\":{\"dist\":\"exponential\",\"mean\":10}," \
    "\"talkTime\":{\"dist\":\"exponential\",\"mean\":%g},\"wrapTime\":0," \
    "\"abandonThreshold\":%g}," \
    "\"dialer\":{\"strategy\":\"fixed-rate\",\"dialRate\":%g,\"maxConcurrentCalls\":100000," \
    "\"callInterval\":0},\"hours\":%g,\"discardHours\":2,\"seed\":%d}"

static sim_report *open_run(int c, double A, double h, double tau, double hours, int seed)
{
    double rate = A / (0.8333 * h);
    char text[1024];
    snprintf(text, sizeof text, OPEN_LOOP, c, h, tau, rate, hours, seed);
    return run_text(text);
}

static void test_zero_patience_is_erlang_b(void)
{
    /* (agents, erlangs): light, moderate, heavy, overloaded */
    const struct { int c; double A; } cases[] = {{5, 2.0}, {10, 6.6664}, {20, 17.0}, {10, 14.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_report *r = open_run(cases[i].c, cases[i].A, 80, 0, 1500, 11 + (int)i);
        CX_ASSERT_IN_CI(r->abandon_rate, sim_erlang_b(cases[i].c, cases[i].A), 0.001);
        /* occupancy = A (1 - B) / c */
        CX_ASSERT_IN_CI(r->occupancy,
                        cases[i].A * (1 - sim_erlang_b(cases[i].c, cases[i].A)) / cases[i].c,
                        0.002);
        sim_report_destroy(r);
    }
}

static void test_two_second_patience(void)
{
    const struct { int c; double A; } cases[] = {{10, 8.0}, {10, 10.0}, {20, 22.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_report *r = open_run(cases[i].c, cases[i].A, 80, 2, 1500, 21 + (int)i);
        CX_ASSERT_IN_CI(r->abandon_rate,
                        sim_fixed_patience_loss(cases[i].c, cases[i].A, 80, 2), 0.001);
        sim_report_destroy(r);
    }
}

static void test_nobody_abandons_is_erlang_c(void)
{
    const struct { int c; double A; } cases[] = {{10, 8.0}, {5, 3.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_report *r = open_run(cases[i].c, cases[i].A, 80, 1e9, 2000, 31 + (int)i);
        CX_ASSERT_IN_CI(r->waited_fraction, sim_erlang_c(cases[i].c, cases[i].A), 0.002);
        CX_ASSERT_NEAR(r->abandoned.mean, 0, 0);
        sim_report_destroy(r);
    }
}

static void test_line_cap_is_erlang_b(void)
{
    /* Every attempt rings out after 25 s: each holds a line 25 s. With a
     * cap of 12 lines and 0.4 launches/s (10 E), blocked = B(12, 10). */
    sim_report *r = run_text(
        "{\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0,\"noAnswerTimeout\":25},"
        "\"dialer\":{\"strategy\":\"fixed-rate\",\"dialRate\":0.4,\"maxConcurrentCalls\":12,"
        "\"callInterval\":0},\"hours\":400,\"discardHours\":1,\"seed\":41}");
    double offered = r->attempts.mean + r->blocked.mean;
    sim_estimate share = {r->blocked.mean / offered, r->blocked.lo / offered,
                          r->blocked.hi / offered};
    CX_ASSERT_IN_CI(share, sim_erlang_b(12, 10.0), 0.002);
    sim_report_destroy(r);
}

static void test_progressive_renewal_reward(void)
{
    /* Lognormal talk and uniform ring: the renewal-reward result holds for
     * any distributions. */
    sim_report *r = run_text(
        "{\"campaign\":{\"agents\":10,\"liveAnswerProbability\":0.3,\"machineProbability\":0.1,"
        "\"amd\":{\"detection\":1},\"busyProbability\":0.05,\"busyTime\":4,"
        "\"ringTime\":{\"dist\":\"uniform\",\"min\":4,\"max\":12},"
        "\"talkTime\":{\"dist\":\"lognormal\",\"mean\":90,\"sd\":40},"
        "\"wrapTime\":{\"dist\":\"gamma\",\"mean\":10,\"sd\":5},\"noAnswerTimeout\":25},"
        "\"dialer\":{\"strategy\":\"progressive\",\"maxConcurrentCalls\":1000,"
        "\"callInterval\":0},\"hours\":300,\"discardHours\":1,\"seed\":51}");
    /* AMD listens 3-5 s (its default) after every answer: a live answer
     * reaches its agent after ring 8 s + 4 s; a failed attempt is a machine
     * (8 + 4 s), busy (4 s) or no answer (25 s) */
    double p = 0.3, pm = 0.1, pb = 0.05, pn = 1 - p - pm - pb;
    double t_f = (pm * 12 + pb * 4 + pn * 25) / (pm + pb + pn);
    CX_ASSERT_IN_CI(r->occupancy, sim_progressive_occupancy(90, 10, 12, t_f, p, 0), 0.002);
    CX_ASSERT_NEAR(r->abandoned.mean, 0, 0);
    sim_report_destroy(r);
}

static void test_preview_adds_preview_time(void)
{
    sim_report *r = run_text(
        "{\"campaign\":{\"agents\":8,\"liveAnswerProbability\":0.4,\"previewTime\":15,"
        "\"ringTime\":{\"dist\":\"exponential\",\"mean\":6},"
        "\"talkTime\":{\"dist\":\"exponential\",\"mean\":100},\"wrapTime\":20,"
        "\"noAnswerTimeout\":20},"
        "\"dialer\":{\"strategy\":\"preview\",\"maxConcurrentCalls\":1000,\"callInterval\":0},"
        "\"hours\":300,\"discardHours\":1,\"seed\":61}");
    CX_ASSERT_IN_CI(r->occupancy, sim_progressive_occupancy(100, 20, 6, 20, 0.4, 15), 0.002);
    CX_ASSERT_NEAR(r->abandoned.mean, 0, 0);
    sim_report_destroy(r);
}

static void test_power_no_pooling(void)
{
    /* answerRate 0.5 -> 2 lines per idle agent; p = 0.2 -> 10% abandoned */
    sim_report *r = run_text(
        "{\"campaign\":{\"agents\":10,\"liveAnswerProbability\":0.2,"
        "\"ringTime\":{\"dist\":\"exponential\",\"mean\":8},"
        "\"talkTime\":{\"dist\":\"exponential\",\"mean\":60},\"wrapTime\":5},"
        "\"dialer\":{\"strategy\":\"power\",\"answerRate\":0.5,\"maxConcurrentCalls\":1000,"
        "\"callInterval\":0,\"warmUpPeriod\":0},\"hours\":300,\"discardHours\":1,\"seed\":71}");
    CX_ASSERT_IN_CI(r->abandon_rate, sim_power_abandon(2, 0.2), 0.002);
    sim_report_destroy(r);
}

static void test_littles_law(void)
{
    /* busy agents = connect rate x mean handle time, for a predictive run */
    sim_report *r = run_text(
        "{\"campaign\":{\"agents\":25,\"liveAnswerProbability\":0.6,"
        "\"talkTime\":{\"dist\":\"gamma\",\"mean\":110,\"sd\":60},\"wrapTime\":12},"
        "\"dialer\":{\"answerRate\":0.6,\"abandonRate\":0.03},\"hours\":100,\"discardHours\":1,"
        "\"seed\":81}");
    double predicted = r->connect_rate.mean * r->mean_handle_s;
    CX_ASSERT_NEAR(r->busy_agents.mean, predicted, 0.01 * predicted);
    sim_report_destroy(r);
}

static const cx_test_case cases[] = {
    {"formulas_against_tables", test_formulas_against_tables},
    {"zero_patience_is_erlang_b", test_zero_patience_is_erlang_b},
    {"two_second_patience", test_two_second_patience},
    {"nobody_abandons_is_erlang_c", test_nobody_abandons_is_erlang_c},
    {"line_cap_is_erlang_b", test_line_cap_is_erlang_b},
    {"progressive_renewal_reward", test_progressive_renewal_reward},
    {"preview_adds_preview_time", test_preview_adds_preview_time},
    {"power_no_pooling", test_power_no_pooling},
    {"littles_law", test_littles_law},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"theory", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
