/* test_sim_pacing.c - the predictive dialer holds its abandon-rate setting
 * (issue 11): at realistic contact rates (10-30% live, 15-35% machines),
 * for 20, 50 and 150 agents over an 8-hour shift, the rate the dialer and
 * its ACD see lands within 0.3 point of the setting, rises with it, holds
 * when answerRate starts 75% off, and beats progressive dialing on
 * occupancy; its floor is progressive dialing and its ceiling the line cap;
 * it learns its hit rate; its discount, cut short once it settles, keeps
 * every bit of the plain product's result.
 *
 * Each figure is the mean of REPS replications with its Student-t 95%
 * interval, and each check is made on the whole interval (not the mean
 * alone), so a check passes only when the replications show it. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "sim_pacer.h"
#include "sim_test_util.h"

#define REPS 6
/* CX_PACING_SEED=N runs the checks on other seeds (to see they are not
 * flaky); the default is 0 */
static uint64_t seed_base;
#define TOLERANCE 0.003 /* 0.3 point */

typedef struct team {
    int agents;
    double live, machines;
} team;

/* the three team sizes, each on a list of its own */
static const team teams[] = {{20, 0.10, 0.35}, {50, 0.20, 0.25}, {150, 0.30, 0.15}};
static const double settings[] = {0.01, 0.02, 0.03};

/* Under valgrind (CX_VALGRIND, set by the build) one team: its memory paths
 * are every team's, and the figures are checked by the normal run. */
static size_t n_teams(void)
{
    return getenv("CX_VALGRIND") ? 1 : sizeof teams / sizeof *teams;
}

/* A shift: AMD on (85% of machines detected, 1% of people mistaken), a few
 * % busy, the rest no answer; strategy NULL is predictive. */
static sim_report *shift(const team *t, const char *strategy, double answer_rate,
                         double abandon_rate, uint64_t seed)
{
    char text[1400];
    snprintf(text, sizeof text,
             "{\"campaign\":{\"agents\":%d,\"liveAnswerProbability\":%g,"
             "\"machineProbability\":%g,\"busyProbability\":0.04,"
             "\"amd\":{\"detection\":0.85,\"falsePositive\":0.01},"
             "\"ringTime\":{\"dist\":\"lognormal\",\"mean\":9,\"sd\":4},"
             "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},"
             "\"wrapTime\":{\"dist\":\"uniform\",\"min\":5,\"max\":25},\"noAnswerTimeout\":25},"
             "\"dialer\":{\"strategy\":\"%s\",\"answerRate\":%g,\"abandonRate\":%g,"
             "\"maxConcurrentCalls\":%d,\"callInterval\":20},"
             "\"hours\":8,\"seed\":%llu,\"replications\":%d,\"intervalMinutes\":480}",
             t->agents, t->live, t->machines, strategy ? strategy : "predictive", answer_rate,
             abandon_rate, t->agents * 10, (unsigned long long)(seed + seed_base), REPS);
    return run_text(text);
}

#define CX_ASSERT_HOLDS(r, setting, what)                                                      \
    do {                                                                                       \
        sim_estimate e_ = (r)->observed_abandon_rate;                                          \
        cx__assert_fmt(e_.lo >= (setting) - TOLERANCE && e_.hi <= (setting) + TOLERANCE,       \
                       __LINE__, __FILE__,                                                     \
                       "%s: realised %.3f%% [%.3f%%, %.3f%%] not within 0.3 point of %.1f%%",  \
                       what, 100 * e_.mean, 100 * e_.lo, 100 * e_.hi, 100 * (setting));        \
    } while (0)

/* Holds 1%, 2% and 3% with answerRate at the truth; rises with the setting;
 * at 3% agents are busier than under progressive dialing. */
static void test_holds_the_setting(void)
{
    for (size_t i = 0; i < n_teams(); i++) {
        const team *t = &teams[i];
        sim_report *r[3];
        for (int s = 0; s < 3; s++) {
            char what[96];
            snprintf(what, sizeof what, "%d agents, live %.2f, machines %.2f", t->agents,
                     t->live, t->machines);
            r[s] = shift(t, NULL, t->live, settings[s], 11 + i);
            CX_ASSERT_HOLDS(r[s], settings[s], what);
            printf("\n    %s: setting %.0f%%: realised %.3f%% [%.3f, %.3f], truth %.3f%%, "
                   "occupancy %.3f",
                   what, 100 * settings[s], 100 * r[s]->observed_abandon_rate.mean,
                   100 * r[s]->observed_abandon_rate.lo, 100 * r[s]->observed_abandon_rate.hi,
                   100 * r[s]->abandon_rate.mean, r[s]->occupancy.mean);
        }
        CX_ASSERT_LE(r[0]->observed_abandon_rate.hi, r[1]->observed_abandon_rate.lo);
        CX_ASSERT_LE(r[1]->observed_abandon_rate.hi, r[2]->observed_abandon_rate.lo);
        CX_ASSERT_LE(r[0]->occupancy.mean, r[2]->occupancy.mean);
        sim_report *prog = shift(t, "progressive", t->live, 0.03, 11 + i);
        CX_ASSERT_NEAR(prog->observed_abandoned.mean, 0, 0);
        CX_ASSERT_GE(r[2]->occupancy.lo, prog->occupancy.hi);
        printf("\n    %d agents: occupancy at 3%% %.3f [%.3f, %.3f], progressive %.3f "
               "[%.3f, %.3f]",
               t->agents, r[2]->occupancy.mean, r[2]->occupancy.lo, r[2]->occupancy.hi,
               prog->occupancy.mean, prog->occupancy.lo, prog->occupancy.hi);
        sim_report_destroy(prog);
        for (int s = 0; s < 3; s++)
            sim_report_destroy(r[s]);
    }
    printf("\n");
}

/* answerRate 75% too high (0.35) or too low (0.05) against a truth of 0.20:
 * the dialer learns its hit rate and still holds the setting. */
static void test_holds_with_a_wrong_estimate(void)
{
    static const double estimates[] = {0.35, 0.05};
    for (size_t i = 0; i < n_teams(); i++) {
        team t = {teams[i].agents, 0.20, 0.25};
        for (int k = 0; k < 2; k++)
            for (int s = 0; s < 3; s++) {
                char what[96];
                snprintf(what, sizeof what, "%d agents, truth 0.20, answerRate %.2f", t.agents,
                         estimates[k]);
                sim_report *r = shift(&t, NULL, estimates[k], settings[s], 21 + i);
                CX_ASSERT_HOLDS(r, settings[s], what);
                printf("\n    %s: setting %.0f%%: realised %.3f%% [%.3f, %.3f], occupancy "
                       "%.3f",
                       what, 100 * settings[s], 100 * r->observed_abandon_rate.mean,
                       100 * r->observed_abandon_rate.lo, 100 * r->observed_abandon_rate.hi,
                       r->occupancy.mean);
                sim_report_destroy(r);
            }
    }
    printf("\n");
}

static sim_live *live_shift(const char *dialer, uint64_t seed, sim_model **model)
{
    char text[1200];
    snprintf(text, sizeof text,
             "{\"campaign\":{\"agents\":30,\"liveAnswerProbability\":0.2,"
             "\"machineProbability\":0.25,\"busyProbability\":0.03,"
             "\"amd\":{\"detection\":0.8,\"falsePositive\":0.02},"
             "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60}},\"dialer\":%s}",
             dialer);
    sim_config cfg;
    cfg_from(text, &cfg);
    sim_live *l = NULL;
    cx_error err = {0};
    CX_REQUIRE(sim_live_create(cfg.model, &cfg.dialer, seed, &l, &err) == SIM_OK);
    if (model)
        CX_REQUIRE(sim_model_clone(cfg.model, model, &err) == SIM_OK);
    sim_config_free(&cfg);
    return l;
}

/* The hit rate the dialer can see: answers AMD lets through (people it did
 * not mistake, machines it missed) among attempts. From 0.05 or 0.60 it
 * learns the truth within an hour; a new answerRate restarts from it. */
static void test_learns_its_hit_rate(void)
{
    double truth = 0.2 * (1 - 0.02) + 0.25 * (1 - 0.8);
    static const char *const dialers[] = {"{\"answerRate\":0.05,\"abandonRate\":0.03}",
                                          "{\"answerRate\":0.6,\"abandonRate\":0.03}"};
    for (int i = 0; i < 2; i++) {
        sim_live *l = live_shift(dialers[i], 3, NULL);
        cx_error err = {0};
        sim_counters c;
        CX_REQUIRE(sim_live_advance(l, 60, &err) == SIM_OK);
        sim_live_counters(l, &c);
        double start = c.hit_rate_estimate;
        CX_REQUIRE(sim_live_advance(l, 3600, &err) == SIM_OK);
        sim_live_counters(l, &c);
        CX_ASSERT_NEAR(c.hit_rate_estimate, truth, 0.1 * truth);
        CU_ASSERT(fabs(start - truth) > 3 * fabs(c.hit_rate_estimate - truth));
        /* a new estimate is a new prior beside what was seen: it moves the
         * estimate toward it, by the prior's weight against the data's */
        double learnt = c.hit_rate_estimate;
        sim_dialer d = sim_dialer_default();
        d.answer_rate = 0.9;
        d.abandon_rate = 0.03;
        CX_REQUIRE(sim_live_set_dialer(l, &d, &err) == SIM_OK);
        sim_live_counters(l, &c);
        CU_ASSERT(c.hit_rate_estimate > learnt + 0.01);
        CU_ASSERT(c.hit_rate_estimate < learnt + 0.5 * (0.9 - learnt));
        sim_live_destroy(l);
    }
}

/* The floor is progressive: with a setting of 0 the predictive dialer never
 * leaves it, launch for launch; the ceiling is maxConcurrentCalls. */
static void test_spans_progressive_to_the_line_cap(void)
{
    sim_live *pred = live_shift("{\"answerRate\":0.2,\"abandonRate\":0,\"callInterval\":0}", 8,
                                NULL);
    sim_live *prog = live_shift("{\"answerRate\":0.2,\"strategy\":\"progressive\","
                                "\"callInterval\":0}",
                                8, NULL);
    cx_error err = {0};
    CX_REQUIRE(sim_live_advance(pred, 4 * 3600, &err) == SIM_OK);
    CX_REQUIRE(sim_live_advance(prog, 4 * 3600, &err) == SIM_OK);
    sim_counters a, b;
    sim_live_counters(pred, &a);
    sim_live_counters(prog, &b);
    CX_ASSERT_INT_EQ(a.attempts, b.attempts);
    CX_ASSERT_INT_EQ(a.observed_abandoned, 0);
    CX_ASSERT_NEAR(a.busy_agent_s, b.busy_agent_s, 1e-6);
    CX_ASSERT_NEAR(a.pacing_level, 0, 0);
    sim_live_destroy(pred);
    sim_live_destroy(prog);
    /* a setting no dialer can reach: it rises until every line is in use */
    sim_live *top = live_shift("{\"answerRate\":0.2,\"abandonRate\":0.5,\"callInterval\":0,"
                               "\"maxConcurrentCalls\":60}",
                               8, NULL);
    CX_REQUIRE(sim_live_advance(top, 2 * 3600, &err) == SIM_OK);
    sim_live_counters(top, &a);
    CX_ASSERT_INT_EQ(a.peak_lines, 60);
    CX_ASSERT_GE(a.pacing_level, 1.0);
    sim_live_destroy(top);
}

/* The hit-rate discount skips its product once the prior's weight stops
 * moving (a subnormal the product rounds back to), and the estimate its
 * products with a subnormal weight: after every tick of 300 hours (past
 * the weight's descent into subnormals at 177 hours and its halt at 186),
 * the weight and the estimate are bit for bit those of the plain formulas,
 * for hits and tries kept small, large, and zero. */
static void test_discount_settles_exactly(void)
{
    sim_dialer d = sim_dialer_default();
    d.answer_rate = 0.7;
    const double decay = exp(-SIM_PACER_TICK / SIM__HIT_WINDOW);
    const double hits_per_tick[] = {0, 1e-300, 0.3, 40};
    for (size_t k = 0; k < sizeof hits_per_tick / sizeof *hits_per_tick; k++) {
        sim__pacer p;
        sim__pacer_init(&p, &d, 10, 100);
        volatile double w = 100, tries = 0, hits = 0; /* the plain formulas */
        int bad = 0;
        for (long i = 0; i < 300 * 3600 / (long)SIM_PACER_TICK; i++) {
            p.tries += 2 * hits_per_tick[k];
            p.hits += hits_per_tick[k];
            tries = tries + 2 * hits_per_tick[k];
            hits = hits + hits_per_tick[k];
            sim__pacer_tick(&p, false);
            w = w * decay;
            tries = tries * decay;
            hits = hits * decay;
            double a = (w * d.answer_rate + hits) / (w + tries);
            a = a > 1e-3 ? a : 1e-3;
            double ours = sim__pacer_hit_rate(&p);
            if (memcmp(&p.prior_w, (const double *)&w, sizeof w) != 0 ||
                memcmp(&ours, &a, sizeof a) != 0) {
                if (bad++ == 0)
                    printf("  tick %ld, %g hits a tick: weight %a (plain %a), rate %a (%a)\n",
                           i, hits_per_tick[k], p.prior_w, (double)w, ours, a);
            }
        }
        CU_ASSERT(bad == 0);
        CU_ASSERT(p.prior_w > 0 && p.prior_w < DBL_MIN); /* it went the whole way */
    }
}

static const cx_test_case cases[] = {
    {"discount_settles_exactly", test_discount_settles_exactly},
    {"holds_the_setting", test_holds_the_setting},
    {"holds_with_a_wrong_estimate", test_holds_with_a_wrong_estimate},
    {"learns_its_hit_rate", test_learns_its_hit_rate},
    {"spans_progressive_to_the_line_cap", test_spans_progressive_to_the_line_cap},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"pacing", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    const char *s = getenv("CX_PACING_SEED");
    seed_base = s ? strtoull(s, NULL, 10) * 1000 : 0;
    return cx_test_main(argc, argv, suites);
}
