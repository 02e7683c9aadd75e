/* opt_predict.c - the gate's and the policies' predictions, through
 * libdialsim.
 *
 * The campaign model is the settings' (--model, or a scenario's campaign) or
 * the built-in typical campaign below. Before each prediction the model's
 * live-answer probability is replaced by the estimate from the observed
 * stats (the upper 95% bound: the cautious side, since a higher truth means
 * more abandons) and its agents by the staffed count the stats report. Each
 * replication first runs half an hour unobserved so the dialer's own control
 * settles, then `predict_hours` are counted. */
#include <cjson/cJSON.h>
#include <math.h>
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

opt_status opt__predict_with(opt_optimizer *o, const opt_params *params, double p_live,
                             int agents, double hours, uint64_t seed, opt_prediction *out,
                             cx_error *err)
{
    opt_status st = load_model(o, err);
    if (st != OPT_OK)
        return st;
    sim_model *m = NULL;
    cx_error e = {0};
    if (sim_model_clone(o->sim_model, &m, &e) != SIM_OK ||
        (p_live >= 0 && sim_model_set_live_probability(m, p_live, &e) != SIM_OK) ||
        (agents > 0 && sim_model_set_agents(m, agents, &e) != SIM_OK)) {
        sim_model_destroy(m);
        return cx_error_set(err, OPT_EPREDICT, "prediction: %s", e.msg);
    }
    sim_dialer d = to_sim(params);
    sim_prediction pr;
    sim_status ss = sim_predict(m, &d, hours, SETTLE_HOURS, o->s.predict_replications, seed, &pr,
                                &e);
    if (ss != SIM_OK) {
        sim_model_destroy(m);
        return cx_error_set(err, OPT_EPREDICT, "prediction: %s", e.msg);
    }
    memset(out, 0, sizeof *out);
    out->done = true;
    out->replications = o->s.predict_replications;
    out->hours = hours;
    out->live_probability = sim_model_live_probability(m, 0);
    out->abandon_mean = pr.abandon_mean;
    out->abandon_upper95 = pr.abandon_upper95;
    out->occupancy_mean = pr.occupancy_mean;
    out->occupancy_lo95 = pr.occupancy_lo95;
    out->occupancy_hi95 = pr.occupancy_hi95;
    snprintf(out->model, sizeof out->model, "%s, %d agents",
             o->model ? "campaign model" : "built-in model", sim_model_agents(m, 0));
    sim_model_destroy(m);
    return OPT_OK;
}

opt_status opt__predict(opt_optimizer *o, const opt_params *target, const opt_stats *stats,
                        opt_prediction *p, cx_error *err)
{
    double p_live = -1;
    int agents = 0;
    if (stats && stats->available) {
        if (stats->attempts >= MIN_ATTEMPTS)
            p_live = opt__wilson_upper(stats->live_answers, stats->attempts);
        agents = stats->agents;
    }
    uint64_t seed = o->seed ^ (0x2545f4914f6cdd1dULL * (uint64_t)o->cycles);
    return opt__predict_with(o, target, p_live, agents, o->s.predict_hours, seed, p, err);
}
