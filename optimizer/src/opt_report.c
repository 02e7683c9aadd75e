/* opt_report.c - a cycle's report as JSON: the audit record, the --json
 * output and the webhook's compliance and prediction members. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "opt_internal.h"

const char *opt_outcome_name(opt_outcome o)
{
    switch (o) {
    case OPT_OUTCOME_APPLIED:
        return "applied";
    case OPT_OUTCOME_UNCHANGED:
        return "unchanged";
    case OPT_OUTCOME_DRY_RUN:
        return "dry-run";
    case OPT_OUTCOME_REJECTED_VALIDATION:
        return "rejected-validation";
    case OPT_OUTCOME_REJECTED_COMPLIANCE:
        return "rejected-compliance";
    case OPT_OUTCOME_REJECTED_STATE:
        return "rejected-state";
    case OPT_OUTCOME_FAILED_AUTH:
        return "failed-auth";
    case OPT_OUTCOME_FAILED_API:
        return "failed-api";
    case OPT_OUTCOME_FAILED_NETWORK:
        return "failed-network";
    }
    return "unknown";
}

const char *opt_write_check_name(opt_write_check w)
{
    switch (w) {
    case OPT_WRITE_VERIFIED:
        return "accepted, verified";
    case OPT_WRITE_UNVERIFIED:
        return "accepted, not verified";
    case OPT_WRITE_NONE:
        break;
    }
    return NULL;
}

const char *opt_not_checked_text(unsigned bit)
{
    switch (bit) {
    case OPT_NOT_CHECKED_STATS:
        return OPT__NO_STATS;
    case OPT_NOT_CHECKED_ETAG:
        return OPT__NO_ETAG;
    default:
        return NULL;
    }
}

static double r6(double x) { return round(x * 1e6) / 1e6; }

cJSON *opt__compliance_to_json(const opt_compliance *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (c->verdict != OPT_VERDICT_NONE)
        cJSON_AddStringToObject(o, "verdict", opt_verdict_name(c->verdict));
    else
        cJSON_AddNullToObject(o, "verdict");
    if (c->reason[0])
        cJSON_AddStringToObject(o, "reason", c->reason);
    cJSON_AddNumberToObject(o, "limit", r6(c->limit));
    cJSON_AddBoolToObject(o, "target_within_limit", c->target_ok);
    cJSON_AddBoolToObject(o, "dials_harder", c->dials_harder);
    if (c->dials_harder)
        cJSON_AddStringToObject(o, "harder_fields", c->harder);
    cJSON *w = cJSON_AddObjectToObject(o, "window");
    if (w)
        cJSON_AddBoolToObject(w, "measured", c->measured);
    if (w && c->measured) {
        cJSON_AddNumberToObject(w, "live_answers", (double)c->live_answers);
        cJSON_AddNumberToObject(w, "abandoned", (double)c->abandoned);
        cJSON_AddBoolToObject(w, "measurable", c->measurable);
        if (c->measurable)
            cJSON_AddNumberToObject(w, "abandon_rate", r6(c->measured_rate));
        else
            cJSON_AddNullToObject(w, "abandon_rate");
        cJSON_AddBoolToObject(w, "over_limit", c->over_limit);
    }
    if (c->projected) {
        cJSON *p = cJSON_AddObjectToObject(o, "projection");
        if (p) {
            cJSON_AddNumberToObject(p, "horizon_s", c->horizon_s);
            cJSON_AddNumberToObject(p, "known_live_answers", round(c->known_live * 1000) / 1000);
            cJSON_AddNumberToObject(p, "known_abandoned", round(c->known_abandoned * 1000) / 1000);
            cJSON_AddNumberToObject(p, "predicted_live_answers", round(c->pred_live * 1000) / 1000);
            cJSON_AddNumberToObject(p, "predicted_abandoned",
                                    round(c->pred_abandoned * 1000) / 1000);
            cJSON_AddNumberToObject(p, "abandon_rate", r6(c->projected_rate));
        }
    }
    return o;
}

cJSON *opt__prediction_to_json(const opt_prediction *p)
{
    if (!p->done)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", p->seed);
    cJSON_AddStringToObject(o, "seed", seed); /* a string: 64 bits do not fit a double */
    cJSON_AddStringToObject(o, "seed_from", p->seed_derived ? "inputs" : "--seed");
    cJSON_AddNumberToObject(o, "abandon_rate", r6(p->abandon_mean));
    cJSON_AddNumberToObject(o, "abandon_upper95", r6(p->abandon_upper95));
    cJSON_AddNumberToObject(o, "abandon_half_width95", r6(p->half_width));
    cJSON_AddNumberToObject(o, "half_width_goal", r6(p->half_width_goal));
    cJSON_AddNumberToObject(o, "replications", p->replications);
    cJSON_AddNumberToObject(o, "max_replications", p->max_replications);
    cJSON_AddNumberToObject(o, "live_answers_per_hour", round(p->live_answers_per_hour * 1000) / 1000);
    cJSON_AddNumberToObject(o, "occupancy", r6(p->occupancy_mean));
    cJSON *ci = cJSON_AddArrayToObject(o, "occupancy_ci95");
    if (ci) {
        cJSON_AddItemToArray(ci, cJSON_CreateNumber(r6(p->occupancy_lo95)));
        cJSON_AddItemToArray(ci, cJSON_CreateNumber(r6(p->occupancy_hi95)));
    }
    cJSON_AddNumberToObject(o, "live_probability", r6(p->live_probability));
    cJSON_AddNumberToObject(o, "hours", p->hours);
    cJSON_AddStringToObject(o, "model", p->model);
    return o;
}

static cJSON *stats_to_json(const opt_stats *s)
{
    if (!s->available)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "window_s", s->window_s);
    cJSON_AddNumberToObject(o, "covered_s", s->covered_s);
    cJSON_AddNumberToObject(o, "attempts", (double)s->attempts);
    cJSON_AddNumberToObject(o, "live_answers", (double)s->live_answers);
    cJSON_AddNumberToObject(o, "abandoned", (double)s->abandoned);
    cJSON_AddNumberToObject(o, "occupancy", r6(s->occupancy));
    cJSON_AddNumberToObject(o, "agents", s->agents);
    return o;
}

cJSON *opt_report_to_json(const opt_cycle_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "outcome", opt_outcome_name(r->outcome));
    cJSON_AddStringToObject(o, "cycle_id", r->cycle_id);
    cJSON_AddStringToObject(o, "event_id", r->event_id);
    if (r->have_before)
        cJSON_AddItemToObject(o, "old_parameters", opt_params_to_json(&r->before));
    else
        cJSON_AddNullToObject(o, "old_parameters");
    cJSON_AddItemToObject(o, "new_parameters", opt_params_to_json(&r->target));
    if (r->have_after)
        cJSON_AddItemToObject(o, "applied_parameters", opt_params_to_json(&r->after));
    else
        cJSON_AddNullToObject(o, "applied_parameters");
    cJSON_AddBoolToObject(o, "written", r->written);
    if (r->validation.count) {
        cJSON *v = cJSON_AddArrayToObject(o, "validation");
        for (int i = 0; v && i < r->validation.count; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "field", r->validation.v[i].field);
            cJSON_AddStringToObject(e, "problem", r->validation.v[i].msg);
            cJSON_AddItemToArray(v, e);
        }
    }
    if (r->write_check != OPT_WRITE_NONE)
        cJSON_AddStringToObject(o, "write", opt_write_check_name(r->write_check));
    else
        cJSON_AddNullToObject(o, "write");
    cJSON *nc = cJSON_AddArrayToObject(o, "not_checked");
    for (int i = 0; nc && i < OPT_NOT_CHECKED_COUNT; i++)
        if (r->not_checked & (1u << i))
            cJSON_AddItemToArray(nc, cJSON_CreateString(opt_not_checked_text(1u << i)));
    cJSON_AddItemToObject(o, "compliance", opt__compliance_to_json(&r->compliance));
    cJSON_AddItemToObject(o, "prediction", opt__prediction_to_json(&r->prediction));
    cJSON_AddItemToObject(o, "stats", stats_to_json(&r->stats));
    cJSON_AddNumberToObject(o, "attempts", r->attempts);
    cJSON_AddNumberToObject(o, "retries", r->retries);
    cJSON_AddNumberToObject(o, "reauths", r->reauths);
    cJSON_AddNumberToObject(o, "conflicts", r->conflicts);
    if (r->http_status)
        cJSON_AddNumberToObject(o, "http_status", (double)r->http_status);
    else
        cJSON_AddNullToObject(o, "http_status");
    if (r->message[0])
        cJSON_AddStringToObject(o, "message", r->message);
    cJSON_AddNumberToObject(o, "latency_ms", round(r->latency_ms * 1000) / 1000);
    cJSON *w = cJSON_AddObjectToObject(o, "webhook");
    if (w) {
        cJSON_AddBoolToObject(w, "attempted", r->webhook_attempted);
        cJSON_AddBoolToObject(w, "delivered", r->webhook_delivered);
        cJSON_AddNumberToObject(w, "attempts", r->webhook_attempts);
        if (r->webhook_error[0])
            cJSON_AddStringToObject(w, "error", r->webhook_error);
    }
    return o;
}
