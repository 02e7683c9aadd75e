/* opt_params.c - the dialer settings the API carries, and their JSON. */
#include "cxopt.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

static const char *const strategy_names[] = {"predictive", "progressive", "power", "preview",
                                             NULL};

const char *opt_strategy_name(opt_strategy s)
{
    switch (s) {
    case OPT_STRATEGY_PREDICTIVE:
        return "predictive";
    case OPT_STRATEGY_PROGRESSIVE:
        return "progressive";
    case OPT_STRATEGY_POWER:
        return "power";
    case OPT_STRATEGY_PREVIEW:
        return "preview";
    case OPT_STRATEGY_COUNT:
        break;
    }
    return "?";
}

int opt_strategy_parse(const char *name, opt_strategy *out)
{
    for (int i = 0; strategy_names[i]; i++)
        if (strcmp(strategy_names[i], name) == 0) {
            *out = (opt_strategy)i;
            return 0;
        }
    return -1;
}

opt_params opt_params_seed(void)
{
    sim_dialer d = sim_dialer_default();
    return opt_params_from_sim(&d);
}

opt_params opt_params_seed_target(void)
{
    /* the seed document, "Complete Working Example", main(): targetConfig */
    opt_params p = {
        .answer_rate = 0.85,
        .abandon_rate = 0.020,
        .max_concurrent_calls = 100,
        .call_interval_ms = 100,
        .strategy = OPT_STRATEGY_PREDICTIVE,
        .warm_up_s = 30,
    };
    return p;
}

opt_params opt_params_from_sim(const sim_dialer *d)
{
    opt_params p = {
        .answer_rate = d->answer_rate,
        .abandon_rate = d->abandon_rate,
        .max_concurrent_calls = d->max_concurrent_calls,
        .call_interval_ms = (int)lround(d->call_interval_ms),
        .strategy = OPT_STRATEGY_PREDICTIVE,
        .warm_up_s = (int)lround(d->warm_up_s),
    };
    switch (d->strategy) {
    case SIM_PROGRESSIVE:
        p.strategy = OPT_STRATEGY_PROGRESSIVE;
        break;
    case SIM_POWER:
        p.strategy = OPT_STRATEGY_POWER;
        break;
    case SIM_PREVIEW:
        p.strategy = OPT_STRATEGY_PREVIEW;
        break;
    case SIM_PREDICTIVE:
    case SIM_FIXED_RATE:
    case SIM_VICIDIAL: /* the seed's API names no such strategy */
        break;
    }
    return p;
}

sim_dialer opt_params_to_sim(const opt_params *p)
{
    sim_dialer d = sim_dialer_default();
    d.answer_rate = p->answer_rate;
    d.abandon_rate = p->abandon_rate;
    d.max_concurrent_calls = p->max_concurrent_calls;
    d.call_interval_ms = p->call_interval_ms;
    d.warm_up_s = p->warm_up_s;
    switch (p->strategy) {
    case OPT_STRATEGY_PROGRESSIVE:
        d.strategy = SIM_PROGRESSIVE;
        break;
    case OPT_STRATEGY_POWER:
        d.strategy = SIM_POWER;
        break;
    case OPT_STRATEGY_PREVIEW:
        d.strategy = SIM_PREVIEW;
        break;
    case OPT_STRATEGY_PREDICTIVE:
    case OPT_STRATEGY_COUNT:
        d.strategy = SIM_PREDICTIVE;
        break;
    }
    return d;
}

opt_status opt_params_from_json(const cJSON *obj, const char *file, const char *path,
                                bool partial, opt_params *p, cx_error *err)
{
    static const char *const keys[] = {"answerRate",   "abandonRate", "maxConcurrentCalls",
                                       "callInterval", "strategy",    "warmUpPeriod",
                                       NULL};
    cx_jobj o;
    bool req = !partial;
    opt_params v = *p;
    long calls = v.max_concurrent_calls, interval = v.call_interval_ms, warm = v.warm_up_s;
    int strategy = (int)v.strategy;
    if (cx_jobj_init(&o, obj, file, path, OPT_EINVAL, err) != 0 || cx_jobj_only(&o, keys) != 0 ||
        cx_jobj_num(&o, "answerRate", req, 0, 1, &v.answer_rate) != 0 ||
        cx_jobj_num(&o, "abandonRate", req, 0, 1, &v.abandon_rate) != 0 ||
        cx_jobj_int(&o, "maxConcurrentCalls", req, 1, 1000000, &calls) != 0 ||
        cx_jobj_int(&o, "callInterval", req, 0, 86400000, &interval) != 0 ||
        cx_jobj_enum(&o, "strategy", req, strategy_names, &strategy) != 0 ||
        cx_jobj_int(&o, "warmUpPeriod", req, 0, 86400, &warm) != 0)
        return OPT_EINVAL;
    v.max_concurrent_calls = (int)calls;
    v.call_interval_ms = (int)interval;
    v.warm_up_s = (int)warm;
    v.strategy = (opt_strategy)strategy;
    *p = v;
    return OPT_OK;
}

cJSON *opt_params_to_json(const opt_params *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    /* Rates are rounded to 6 decimals so 0.1 + 0.62 prints as 0.72. */
    if (!cJSON_AddNumberToObject(o, "answerRate", round(p->answer_rate * 1e6) / 1e6) ||
        !cJSON_AddNumberToObject(o, "abandonRate", round(p->abandon_rate * 1e6) / 1e6) ||
        !cJSON_AddNumberToObject(o, "maxConcurrentCalls", p->max_concurrent_calls) ||
        !cJSON_AddNumberToObject(o, "callInterval", p->call_interval_ms) ||
        !cJSON_AddStringToObject(o, "strategy", opt_strategy_name(p->strategy)) ||
        !cJSON_AddNumberToObject(o, "warmUpPeriod", p->warm_up_s)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

bool opt_params_equal(const opt_params *a, const opt_params *b)
{
    return fabs(a->answer_rate - b->answer_rate) < 1e-9 &&
           fabs(a->abandon_rate - b->abandon_rate) < 1e-9 &&
           a->max_concurrent_calls == b->max_concurrent_calls &&
           a->call_interval_ms == b->call_interval_ms && a->strategy == b->strategy &&
           a->warm_up_s == b->warm_up_s;
}
