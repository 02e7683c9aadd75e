/* opt_report.c - a cycle's report as JSON: the audit record, the --json
 * output and the webhook's compliance and prediction members. */
#include <cjson/cJSON.h>
#include <math.h>

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

static double r6(double x) { return round(x * 1e6) / 1e6; }

cJSON *opt__compliance_to_json(const opt_compliance *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddBoolToObject(o, "is_compliant", c->compliant);
    cJSON_AddNumberToObject(o, "limit", r6(c->limit));
    cJSON_AddBoolToObject(o, "target_within_limit", c->target_ok);
    if (c->observed) {
        cJSON_AddNumberToObject(o, "live_answers", (double)c->live_answers);
        cJSON_AddNumberToObject(o, "abandoned", (double)c->abandoned);
        cJSON_AddNumberToObject(o, "observed_abandon_rate", r6(c->observed_rate));
        cJSON_AddNumberToObject(o, "observed_upper95", r6(c->observed_upper95));
        cJSON_AddBoolToObject(o, "breach", c->breach);
    } else {
        cJSON_AddNullToObject(o, "observed_abandon_rate");
    }
    cJSON_AddBoolToObject(o, "dials_harder", c->dials_harder);
    cJSON_AddBoolToObject(o, "prediction_ok", c->predicted_ok);
    if (c->compared)
        cJSON_AddNumberToObject(o, "current_predicted_abandon_rate", r6(c->current_abandon));
    if (c->reason[0])
        cJSON_AddStringToObject(o, "reason", c->reason);
    return o;
}

cJSON *opt__prediction_to_json(const opt_prediction *p)
{
    if (!p->done)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "abandon_rate", r6(p->abandon_mean));
    cJSON_AddNumberToObject(o, "abandon_upper95", r6(p->abandon_upper95));
    cJSON_AddNumberToObject(o, "occupancy", r6(p->occupancy_mean));
    cJSON *ci = cJSON_AddArrayToObject(o, "occupancy_ci95");
    if (ci) {
        cJSON_AddItemToArray(ci, cJSON_CreateNumber(r6(p->occupancy_lo95)));
        cJSON_AddItemToArray(ci, cJSON_CreateNumber(r6(p->occupancy_hi95)));
    }
    cJSON_AddNumberToObject(o, "live_probability", r6(p->live_probability));
    cJSON_AddNumberToObject(o, "replications", p->replications);
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
