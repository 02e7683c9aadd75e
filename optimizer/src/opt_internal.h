/* opt_internal.h - the optimizer handle, shared by the cycle's modules
 * (internal). */
#ifndef OPT_INTERNAL_H
#define OPT_INTERNAL_H

#include <stdint.h>

#include "cxopt.h"
#include "opt_audit.h"
#include "opt_auth.h"
#include "opt_client.h"
#include "opt_mapping.h"
#include "opt_profile.h"
#include "opt_webhook.h"

struct opt_optimizer {
    opt_settings s;           /* strings point into the copies below */
    char *client_id, *client_secret, *auth_url, *api_url, *campaign_id;
    char *webhook_url, *audit_path;
    char *access_key_id, *access_key_secret, *tenant_id, *api_version;
    opt__mapping mapping;
    struct cJSON *model;      /* owned copy, or NULL */
    struct sim_model *sim_model; /* parsed on first use; owned */
    const char *secrets[4];   /* client secret, webhook secret: redacted everywhere */
    const opt__profile *profile;
    opt__endpoint ep;
    cx_clock *clk;            /* s.clock, or own_clock */
    cx_clock *own_clock;
    opt__auth *auth;
    opt__client *client;
    opt__webhook *webhook;    /* NULL: no webhook configured */
    opt__audit *audit;
    uint64_t seed;
    unsigned long cycles;     /* cycles run, for prediction seeds */
    /* The last prediction and what it was made of: a prediction is a
     * function of its inputs (one state, one answer), and the policy asks
     * the gate the question the cycle's gate asks next (opt_predict.c) */
    struct {
        bool valid;
        opt_params params;
        double p_live, hours;
        int agents, max_replications;
        uint64_t seed;
        opt_prediction out;
    } last_prediction;
};

/* What the cycle says it did not check (opt_not_checked_text). */
#define OPT__NO_STATS "compliance not measured: the API reports no window stats"
#define OPT__NO_ETAG "no lost-update protection: the server sends no ETag"

/* The compliance gate (see opt_gate.c): fills *c and *p. Returns OPT_OK (see
 * c->verdict), or OPT_EPREDICT when the simulation could not run. */
opt_status opt__gate(opt_optimizer *o, const opt_params *current, const opt_params *target,
                     const opt_stats *stats, opt_compliance *c, opt_prediction *p,
                     cx_error *err);

/* The prediction seed of one state: FNV-1a over a canonical text of the
 * campaign id, the current settings and the stats' counts. Every target
 * judged in that state shares it (common random numbers). */
uint64_t opt__decision_seed(const char *campaign_id, const opt_params *current,
                            const opt_stats *stats);

/* The gate's prediction of `target` with the campaign model (the settings'
 * model or the built-in one), the live-answer probability estimated from
 * `stats` when they are available, on the state's seed (the settings'
 * prediction_seed when given), replicated until the half-width goal or the
 * cap. Fills *p. OPT_EPREDICT when the model is invalid. */
opt_status opt__predict(opt_optimizer *o, const opt_params *current, const opt_params *target,
                        const opt_stats *stats, opt_prediction *p, cx_error *err);

/* Predicts `params` over `hours` with the model's live-answer probability
 * replaced by `p_live` (when >= 0) and its agents by `agents` (when > 0),
 * using `seed` (the same seed for candidates compared in one decision:
 * common random numbers): the settings' replication count, then more while
 * the abandon rate's half-width is over the goal, up to `max_replications`
 * (<= the count: no more). */
opt_status opt__predict_with(opt_optimizer *o, const opt_params *params, double p_live,
                             int agents, double hours, uint64_t seed, int max_replications,
                             opt_prediction *out, cx_error *err);

/* Wilson score interval upper bound for x successes in n trials at 95%. */
double opt__wilson_upper(long x, long n);

struct cJSON *opt__compliance_to_json(const opt_compliance *c);
struct cJSON *opt__prediction_to_json(const opt_prediction *p);

#endif
