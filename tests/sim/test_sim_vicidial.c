/* test_sim_vicidial.c - the "vicidial" strategy follows VICIdial's own
 * adaptive rules (bin/AST_VDadapt.pl, summarised in sim_vicidial.h and
 * dialsim.h): one case per rule on the controller, then the same rules seen
 * through a running simulation (its time steps, its launch round, its
 * hard limit). */
#include <math.h>
#include <string.h>

#include "sim_test_util.h"
#include "sim_vicidial.h"

static sim_vicidial params(sim_vici_mode mode)
{
    sim_dialer d = sim_dialer_default();
    d.vicidial.mode = mode;
    return d.vicidial;
}

/* n identical one-second samples */
static void samples(sim__vici *v, int n, int ready, int waiting, int total)
{
    for (int i = 0; i < n; i++)
        sim__vici_sample(v, ready, waiting, total);
}

static bool fired(const sim__vici *v, sim__vici_rule r) { return (v->fired >> r) & 1u; }

/* count_agents_lines: averages over the last 15 samples, or those held */
static void test_fifteen_sample_average(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    double r, w, t;
    samples(&v, 3, 6, 0, 20);
    sim__vici_averages(&v, &r, &w, &t);
    CX_ASSERT_NEAR(r, 6, 1e-12); /* three held: their mean */
    samples(&v, 15, 2, 1, 10);   /* the first three roll out */
    sim__vici_averages(&v, &r, &w, &t);
    CX_ASSERT_NEAR(r, 2, 1e-12);
    CX_ASSERT_NEAR(w, 1, 1e-12);
    CX_ASSERT_NEAR(t, 10, 1e-12);
    sim__vici_sample(&v, 17, 1, 10); /* one of 15 moves the mean by 1 */
    sim__vici_averages(&v, &r, &w, &t);
    CX_ASSERT_NEAR(r, 3, 1e-12);
}

/* calculate_dial_level: level x (1 + (ready - waiting) / agents) */
static void test_differential_moves_level(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.0;
    samples(&v, 15, 5, 1, 20); /* D = 4, m = 0.2 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.4, 1e-9);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_DIFFERENTIAL));
    samples(&v, 15, 0, 4, 20); /* D = -4, m = -0.2: the level falls */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.92, 1e-9);
    /* the waiting term counts: ready alone would have raised it */
    samples(&v, 15, 3, 3, 20);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.92, 1e-9);
}

/* the diff target shifts what "balanced" means */
static void test_diff_target(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    p.diff_target = -2; /* aim at two agents waiting */
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.0;
    samples(&v, 15, 2, 0, 20); /* D = 2 - 2 = 0: no change */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.0, 1e-9);
}

/* intensity: rises x (1 + I), falls x |I - 1| */
static void test_intensity(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    p.intensity = 20;
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.0;
    samples(&v, 15, 4, 0, 20); /* m = 0.2 -> 0.24 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.48, 1e-9);
    samples(&v, 15, 0, 4, 20); /* m = -0.2 -> -0.16 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), round(2.48 * 0.84 * 1000) / 1000, 1e-9);
    p.intensity = -40;
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.0;
    samples(&v, 15, 0, 4, 20); /* m = -0.2 -> -0.28 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.44, 1e-9);
}

/* capped at the maximum level, floored at 1.0 */
static void test_cap_and_floor(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    p.max_level = 2.5;
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.4;
    samples(&v, 15, 20, 0, 20); /* m = 1: 4.8 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.5, 1e-12);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_CAP));
    v.level = 1.1;
    samples(&v, 15, 0, 10, 20); /* m = -0.5: 0.55 */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.0, 1e-12);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_FLOOR));
}

static void drops(sim__vici *v, uint64_t calls_one, uint64_t drops_one, uint64_t calls_today,
                  uint64_t answers_today, uint64_t drops_today)
{
    sim__vici_drops d = {calls_one, drops_one, calls_today, answers_today, drops_today};
    sim__vici_drops_set(v, &d);
}

/* over 20 calls in the last minute and over half of them dropped: halved */
static void test_minute_rule(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 3.0;
    samples(&v, 15, 3, 3, 20); /* balanced: the differential keeps 3.0 */
    drops(&v, 21, 11, 40, 30, 0);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.5, 1e-12);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_MINUTE));
    /* 20 calls is not over 20; exactly half is not over half */
    v.level = 3.0;
    drops(&v, 20, 15, 40, 30, 0);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 3.0, 1e-12);
    drops(&v, 30, 15, 40, 30, 0);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 3.0, 1e-12);
    CU_ASSERT(!fired(&v, SIM_VICI_RULE_MINUTE));
}

/* today's drops over human answers past the limit, with over 50 calls */
static void test_today_rule_modes(void)
{
    sim__vici v;
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.6;
    samples(&v, 15, 3, 3, 20);
    drops(&v, 5, 0, 51, 100, 4); /* 4% > 3% */
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.0, 1e-12);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_HARD_LIMIT));
    /* not with 50 calls or fewer, nor at the limit exactly */
    v.level = 2.6;
    drops(&v, 5, 0, 50, 100, 4);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.6, 1e-12);
    drops(&v, 5, 0, 500, 100, 3);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 2.6, 1e-12);

    p = params(SIM_VICI_AVERAGE);
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.6;
    samples(&v, 15, 3, 3, 20);
    drops(&v, 5, 0, 51, 100, 4);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.3, 1e-12);
    CU_ASSERT(fired(&v, SIM_VICI_RULE_AVERAGE));

    p = params(SIM_VICI_TAPERED);
    sim__vici_init(&v, &p, 0.03);
    v.level = 2.6;
    samples(&v, 15, 3, 3, 20);
    drops(&v, 5, 0, 51, 100, 4);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 12), 2.6, 1e-12); /* > 10 h left: x1 */
    v.level = 2.6;
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 5), 1.3, 1e-12); /* 5 h: x0.5 */
    CU_ASSERT(fired(&v, SIM_VICI_RULE_TAPERED));
    v.level = 2.6;
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 1), 1.0, 1e-12); /* x0.1, then the floor */
    v.level = 2.6;
    CX_ASSERT_NEAR(sim__vici_adjust(&v, -0.5), 1.0, 1e-12); /* after the shift */
}

/* the minute rule and the today rule both apply, in that order */
static void test_rules_compose(void)
{
    sim_vicidial p = params(SIM_VICI_AVERAGE);
    p.max_level = 5;
    sim__vici v;
    sim__vici_init(&v, &p, 0.02);
    v.level = 4.0;
    samples(&v, 15, 3, 3, 20);
    drops(&v, 40, 30, 400, 100, 10);
    CX_ASSERT_NEAR(sim__vici_adjust(&v, 8), 1.0, 1e-12); /* 4 -> 2 -> 1 */
    CU_ASSERT(fired(&v, SIM_VICI_RULE_MINUTE) && fired(&v, SIM_VICI_RULE_AVERAGE));
}

/* the launch round: round(level x agents) - calls in progress, never < 0 */
static void test_launch_round(void)
{
    sim_vicidial p = params(SIM_VICI_HARD_LIMIT);
    sim__vici v;
    sim__vici_init(&v, &p, 0.03);
    v.level = 1.5;
    CX_ASSERT_INT_EQ(sim__vici_to_launch(&v, 20, 12), 18);
    CX_ASSERT_INT_EQ(sim__vici_to_launch(&v, 20, 40), 0);
    v.level = 1.25;
    CX_ASSERT_INT_EQ(sim__vici_to_launch(&v, 10, 0), 13); /* 12.5 rounds up */
}

/* ------------------------------------------------- in a running dialer */

#define VICI_CAMPAIGN                                                                          \
    "\"campaign\":{\"agents\":20,\"liveAnswerProbability\":0.2,\"machineProbability\":0.25,"  \
    "\"amd\":{\"detection\":0.85,\"falsePositive\":0.02},\"busyProbability\":0.03,"          \
    "\"noAnswerTimeout\":20,\"ringTime\":{\"dist\":\"lognormal\",\"mean\":9,\"sd\":4},"       \
    "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},"                               \
    "\"wrapTime\":{\"dist\":\"uniform\",\"min\":5,\"max\":25},\"machineHandleTime\":8}"

static sim_live *vici_live(const char *vicidial, int max_calls)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{" VICI_CAMPAIGN ",\"dialer\":{\"answerRate\":0.2,\"abandonRate\":0.03,"
             "\"maxConcurrentCalls\":%d,\"callInterval\":0,\"strategy\":\"vicidial\","
             "\"vicidial\":%s}}",
             max_calls, vicidial);
    sim_config cfg;
    cfg_from(text, &cfg);
    sim_live *l = NULL;
    cx_error err = {0};
    CU_ASSERT_FATAL(sim_live_create(cfg.model, &cfg.dialer, 7, &l, &err) == SIM_OK);
    sim_config_free(&cfg);
    return l;
}

static sim_counters at(sim_live *l, double t)
{
    cx_error err = {0};
    CU_ASSERT_FATAL(sim_live_advance(l, t, &err) == SIM_OK);
    sim_counters c;
    sim_live_counters(l, &c);
    return c;
}

/* launches are spaced by 1/callsPerSecond: 20 agents at level 1 want 20
 * lines at once, and get 2 a second */
static void test_calls_per_second(void)
{
    sim_live *l = vici_live("{\"callsPerSecond\":2}", 500);
    CX_ASSERT_INT_EQ(at(l, 0.0).attempts, 1);
    CX_ASSERT_INT_EQ(at(l, 4.9).attempts, 10); /* t = 0, 0.5, ..., 4.5 */
    sim_live_destroy(l);
}

/* at level 1.0 (maxLevel 1) it never holds more lines than agents */
static void test_level_one_is_one_line_per_agent(void)
{
    sim_live *l = vici_live("{\"maxLevel\":1}", 500);
    sim_counters c = at(l, 4 * 3600.0);
    CX_ASSERT_LE(c.peak_lines, 20);
    CX_ASSERT_NEAR(c.dial_level, 1.0, 1e-12);
    CU_ASSERT(c.attempts > 1000);
    sim_live_destroy(l);
}

/* an agent in wrap-up is paused at the disposition screen, so level 1.0
 * launches only for available agents: with no AMD (no machine or person
 * hung up on) the ACD never has to drop a call */
static void test_wrap_up_is_paused(void)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"campaign\":{\"agents\":20,\"liveAnswerProbability\":0.3,"
             "\"machineProbability\":0.2,\"noAnswerTimeout\":20,"
             "\"talkTime\":{\"dist\":\"exponential\",\"mean\":100},"
             "\"wrapTime\":{\"dist\":\"uniform\",\"min\":10,\"max\":30}},"
             "\"dialer\":{\"strategy\":\"vicidial\",\"maxConcurrentCalls\":500,"
             "\"callInterval\":0,\"vicidial\":{\"maxLevel\":1}}}");
    sim_config cfg;
    cfg_from(text, &cfg);
    sim_live *l = NULL;
    cx_error err = {0};
    CU_ASSERT_FATAL(sim_live_create(cfg.model, &cfg.dialer, 3, &l, &err) == SIM_OK);
    sim_config_free(&cfg);
    sim_counters c = at(l, 4 * 3600.0);
    CU_ASSERT(c.connected > 1000);
    CX_ASSERT_INT_EQ(c.observed_abandoned, 0);
    sim_live_destroy(l);
}

/* the level changes only on the 15-second steps: unchanged before 15 s,
 * raised at 15 s (all agents ready at the start) */
static void test_fifteen_second_steps(void)
{
    sim_live *l = vici_live("{\"maxLevel\":3}", 500);
    CX_ASSERT_NEAR(at(l, 14.9).dial_level, 1.0, 1e-12);
    CU_ASSERT(at(l, 15.0).dial_level > 1.0);
    sim_live_destroy(l);
}

/* hard-limit: once the day's drops pass the limit the level sits at 1.0
 * and the dialer holds one line per agent until the rate falls back */
static void test_hard_limit_in_the_run(void)
{
    /* maxLevel 4 over-dials at once: the day's rate passes 3% early */
    sim_live *l = vici_live("{\"maxLevel\":4}", 500);
    sim_counters c = at(l, 600.0);
    CU_ASSERT(c.abandoned * 100 > 3 * c.live_answers); /* over the limit */
    CX_ASSERT_NEAR(c.dial_level, 1.0, 1e-12);
    sim_live_destroy(l);
}

/* the maximum trunk count (maxConcurrentCalls) still holds */
static void test_trunk_cap(void)
{
    sim_live *l = vici_live("{\"maxLevel\":4}", 25);
    CX_ASSERT_LE(at(l, 3600.0).peak_lines, 25);
    sim_live_destroy(l);
}

static void expect_error(const char *text, const char *want)
{
    cJSON *j = cJSON_Parse(text);
    CU_ASSERT_FATAL(j != NULL);
    sim_config cfg;
    cx_error err = {0};
    CU_ASSERT(sim_config_parse(j, "v.json", &cfg, &err) == SIM_EINVAL);
    cx__assert_fmt(strstr(err.msg, want) != NULL, __LINE__, __FILE__, "error \"%s\" lacks \"%s\"",
                   err.msg, want);
    cJSON_Delete(j);
}

static void test_bad_settings_named(void)
{
    expect_error("{" VICI_CAMPAIGN ",\"dialer\":{\"vicidial\":{}}}",
                 "v.json: dialer.vicidial: applies only to the vicidial strategy");
    expect_error("{" VICI_CAMPAIGN
                 ",\"dialer\":{\"strategy\":\"vicidial\",\"vicidial\":{\"mode\":\"turbo\"}}}",
                 "v.json: dialer.vicidial.mode: unknown value \"turbo\"");
    expect_error("{" VICI_CAMPAIGN
                 ",\"dialer\":{\"strategy\":\"vicidial\",\"vicidial\":{\"intensity\":50}}}",
                 "v.json: dialer.vicidial.intensity: must be <= 40, got 50");
    expect_error("{" VICI_CAMPAIGN ",\"dialer\":{\"strategy\":\"vicidial\","
                 "\"vicidial\":{\"maxLevel\":2,\"initialLevel\":3}}}",
                 "v.json: dialer.vicidial.initialLevel: must be at most maxLevel (2), got 3");
}

static const cx_test_case rules[] = {
    {"fifteen_sample_average", test_fifteen_sample_average},
    {"differential_moves_level", test_differential_moves_level},
    {"diff_target", test_diff_target},
    {"intensity", test_intensity},
    {"cap_and_floor", test_cap_and_floor},
    {"minute_rule", test_minute_rule},
    {"today_rule_modes", test_today_rule_modes},
    {"rules_compose", test_rules_compose},
    {"launch_round", test_launch_round},
    {NULL, NULL},
};
static const cx_test_case running[] = {
    {"calls_per_second", test_calls_per_second},
    {"level_one_is_one_line_per_agent", test_level_one_is_one_line_per_agent},
    {"wrap_up_is_paused", test_wrap_up_is_paused},
    {"fifteen_second_steps", test_fifteen_second_steps},
    {"hard_limit_in_the_run", test_hard_limit_in_the_run},
    {"trunk_cap", test_trunk_cap},
    {"bad_settings_named", test_bad_settings_named},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"rules", NULL, NULL, rules},
    {"running", NULL, NULL, running},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
