/* opt_predict.c - the gate's and the policies' predictions, through
 * libdialsim.
 *
 * A prediction is deterministic in its inputs: its seed is the FNV-1a hash of
 * a canonical text of the state it is made in (the campaign id, the current
 * settings and the stats the simulation uses), unless a seed is given, so
 * one state and one target give one answer, in a dry run and in the apply
 * that follows it. The target is left out of the hash on purpose: every
 * target judged in one state runs on the same random numbers (common random
 * numbers), so two candidates differ by what they change, not by their luck;
 * the adaptive policy's search for the largest step the gate allows depends
 * on it (hashing the target too cost two scenarios their claimed occupancy
 * gain).
 *
 * It runs `predict_replications` replications (on `predict_threads`
 * threads; replication i's stream depends on the seed and i alone), then,
 * while the 95% half-width of the mean abandon rate is wider than
 * `predict_half_width`, as many as that width asks for (n grows with the
 * square of the ratio), up to `predict_max_replications`. A rerun repeats
 * the first replications exactly, so the answer is the same as if that many
 * had been run at once.
 *
 * The campaign model is the settings' (--model, or a scenario's campaign) or
 * the built-in typical campaign below. Before each prediction the model's
 * live-answer probability is replaced by the estimate from the observed
 * stats (the upper 95% bound: the cautious side, since a higher truth means
 * more abandons; the higher of the window's and the last period's, so that a
 * drift is seen before the window averages it) and its agents by the staffed count the stats report. Each
 * replication first runs half an hour unobserved so the dialer's own control
 * settles, then `predict_hours` are counted. */
#include <cjson/cJSON.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dialsim.h"
#include "opt_internal.h"

#define SETTLE_HOURS 0.5
#define MIN_ATTEMPTS 200

static opt_status load_model(opt_optimizer *o, cx_error *err)
{
    if (o->sim_model)
        return OPT_OK;
    cJSON *builtin = NULL;
    const cJSON *src = o->model;
    if (!src) {
        builtin = cJSON_Parse(sim_typical_campaign_json());
        if (!builtin)
            return cx_error_set(err, OPT_ENOMEM, "out of memory");
        src = builtin;
    }
    sim_status st = sim_model_parse(src, o->model ? "the campaign model" : "the built-in model",
                                    "", &o->sim_model, err);
    cJSON_Delete(builtin);
    if (st != SIM_OK) {
        if (err)
            err->code = OPT_EPREDICT;
        return OPT_EPREDICT;
    }
    return OPT_OK;
}

/* The settings as the simulation takes them, kept within what it accepts. */
static sim_dialer to_sim(const opt_params *p)
{
    sim_dialer d = opt_params_to_sim(p);
    if (!(d.answer_rate > 0))
        d.answer_rate = 1e-6;
    if (d.max_concurrent_calls < 1)
        d.max_concurrent_calls = 1;
    return d;
}

/* FNV-1a, 64 bits. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int params_text(char *buf, size_t n, const opt_params *p)
{
    return snprintf(buf, n, "%.17g,%.17g,%d,%d,%s,%d", p->answer_rate, p->abandon_rate,
                    p->max_concurrent_calls, p->call_interval_ms, opt_strategy_name(p->strategy),
                    p->warm_up_s);
}

uint64_t opt__decision_seed(const char *campaign_id, const opt_params *current,
                            const opt_stats *stats)
{
    char cur[160], st[200] = "none";
    params_text(cur, sizeof cur, current);
    if (stats && stats->available)
        snprintf(st, sizeof st, "%.17g,%ld,%ld,%ld,%ld,%d", stats->window_s, stats->attempts,
                 stats->live_answers, stats->abandoned, stats->machine_answers, stats->agents);
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, "cxopt-gate-v1|campaign=");
    h = fnv1a(h, campaign_id ? campaign_id : "");
    h = fnv1a(h, "|current=");
    h = fnv1a(h, cur);
    h = fnv1a(h, "|stats=");
    h = fnv1a(h, st);
    return h ? h : 1;
}

/* Sets the live-answer probability, or, where the model's other outcomes
 * (machines, busy, invalid) leave less room than that, the most they leave
 * (found by bisection from the model's own, which fits). */
static sim_status set_live(sim_model *m, double p, cx_error *err)
{
    if (sim_model_set_live_probability(m, p, NULL) == SIM_OK)
        return SIM_OK;
    double lo = sim_model_live_probability(m, 0), hi = p;
    if (!(lo < hi))
        return sim_model_set_live_probability(m, p, err);
    for (int i = 0; i < 30; i++) {
        double mid = (lo + hi) / 2;
        if (sim_model_set_live_probability(m, mid, NULL) == SIM_OK)
            lo = mid;
        else
            hi = mid;
    }
    return sim_model_set_live_probability(m, lo, err);
}

static opt_status run_reps(const sim_model *m, const sim_dialer *d, double hours, int n,
                           int threads, uint64_t seed, sim_report **out, cx_error *err)
{
    sim_config cfg;
    cx_error e = {0};
    sim_status ss = sim_config_init(&cfg, m, d, hours, seed, n, &e);
    if (ss == SIM_OK) {
        cfg.interval_minutes = 0; /* no series */
        cfg.discard_hours = SETTLE_HOURS;
        ss = sim_run(&cfg, threads, out, &e);
        sim_config_free(&cfg);
    }
    if (ss != SIM_OK)
        return cx_error_set(err, OPT_EPREDICT, "prediction: %s", e.msg);
    return OPT_OK;
}

opt_status opt__predict_with(opt_optimizer *o, const opt_params *params, double p_live,
                             int agents, double hours, uint64_t seed, int max_replications,
                             opt_prediction *out, cx_error *err)
{
    /* the same inputs give the same answer: the policy's look at the gate
     * and the cycle's gate after it cost one simulation, not two */
    if (o->last_prediction.valid && opt_params_equal(&o->last_prediction.params, params) &&
        o->last_prediction.p_live == p_live && o->last_prediction.agents == agents &&
        o->last_prediction.hours == hours && o->last_prediction.seed == seed &&
        o->last_prediction.max_replications == max_replications) {
        *out = o->last_prediction.out;
        return OPT_OK;
    }
    opt_status st = load_model(o, err);
    if (st != OPT_OK)
        return st;
    sim_model *m = NULL;
    cx_error e = {0};
    if (sim_model_clone(o->sim_model, &m, &e) != SIM_OK ||
        (p_live >= 0 && set_live(m, p_live, &e) != SIM_OK) ||
        (agents > 0 && sim_model_set_agents(m, agents, &e) != SIM_OK)) {
        sim_model_destroy(m);
        return cx_error_set(err, OPT_EPREDICT, "prediction: %s", e.msg);
    }
    sim_dialer d = to_sim(params);
    int cap = max_replications > o->s.predict_replications ? max_replications
                                                            : o->s.predict_replications;
    double goal = o->s.predict_half_width;
    int n = o->s.predict_replications, threads = o->s.predict_threads;
    sim_report *r = NULL;
    for (;;) {
        if ((st = run_reps(m, &d, hours, n, threads, seed, &r, err)) != OPT_OK) {
            sim_model_destroy(m);
            return st;
        }
        double half = r->abandon_rate.hi - r->abandon_rate.mean;
        if (!(goal > 0) || half <= goal || n >= cap)
            break;
        /* the half-width shrinks as 1/sqrt(n): ask for what it needs, and a
         * tenth more for the noise in that estimate */
        double want = ceil(1.1 * n * (half / goal) * (half / goal));
        int next = want > cap ? cap : (int)want;
        if (next <= n)
            next = n + 1;
        n = next;
        sim_report_destroy(r);
        r = NULL;
    }
    memset(out, 0, sizeof *out);
    out->done = true;
    out->seed = seed;
    out->replications = n;
    out->max_replications = cap;
    out->half_width = r->abandon_rate.hi - r->abandon_rate.mean;
    out->half_width_goal = goal;
    out->hours = hours;
    out->live_probability = sim_model_live_probability(m, 0);
    out->abandon_mean = r->abandon_rate.mean;
    out->abandon_upper95 = r->abandon_rate.hi;
    out->live_answers_per_hour = r->live_answers.mean / hours;
    out->occupancy_mean = r->occupancy.mean;
    out->occupancy_lo95 = r->occupancy.lo;
    out->occupancy_hi95 = r->occupancy.hi;
    snprintf(out->model, sizeof out->model, "%s, %d agents",
             o->model ? "campaign model" : "built-in model", sim_model_agents(m, 0));
    sim_report_destroy(r);
    sim_model_destroy(m);
    o->last_prediction.valid = true;
    o->last_prediction.params = *params;
    o->last_prediction.p_live = p_live;
    o->last_prediction.agents = agents;
    o->last_prediction.hours = hours;
    o->last_prediction.seed = seed;
    o->last_prediction.max_replications = max_replications;
    o->last_prediction.out = *out;
    return OPT_OK;
}

opt_status opt__predict(opt_optimizer *o, const opt_params *current, const opt_params *target,
                        const opt_stats *stats, opt_prediction *p, cx_error *err)
{
    double p_live = -1;
    int agents = 0;
    if (stats && stats->available) {
        if (stats->attempts >= MIN_ATTEMPTS)
            p_live = opt__wilson_upper(stats->live_answers, stats->attempts);
        /* the last period sees a drift the whole window still averages away:
         * the higher of the two bounds (more answers, more abandons) */
        if (stats->period_attempts >= MIN_ATTEMPTS)
            p_live = fmax(p_live, opt__wilson_upper(stats->period_live_answers,
                                                    stats->period_attempts));
        agents = stats->agents;
    }
    bool derived = o->s.prediction_seed == 0;
    uint64_t seed = derived ? opt__decision_seed(o->campaign_id, current, stats)
                            : (uint64_t)o->s.prediction_seed;
    opt_status st = opt__predict_with(o, target, p_live, agents, o->s.predict_hours, seed,
                                      o->s.predict_max_replications, p, err);
    p->seed_derived = derived;
    return st;
}
