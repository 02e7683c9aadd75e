/* opt_constraints.c - the bounds a target must respect, and their file. */
#include "cxopt.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* opt_constraints repeats sim_bounds' nine members (flat, as the seed's
 * OptimizationConstraints has them); these two functions are the only
 * places that pair them, and a member added to sim_bounds stops the build
 * here until it is paired too. */
_Static_assert(sizeof(sim_bounds) == 3 * sizeof(double) + 6 * sizeof(int),
               "sim_bounds changed: pair its new member in opt_constraints_seed and "
               "opt_constraints_bounds");

opt_constraints opt_constraints_seed(void)
{
    sim_bounds b = sim_seed_bounds();
    opt_constraints c = {
        .min_answer_rate = b.min_answer_rate,
        .max_answer_rate = b.max_answer_rate,
        .max_abandon_rate = b.max_abandon_rate,
        .min_concurrent_calls = b.min_concurrent_calls,
        .max_concurrent_calls = b.max_concurrent_calls,
        .min_call_interval = b.min_call_interval,
        .max_call_interval = b.max_call_interval,
        .min_warm_up = b.min_warm_up,
        .max_warm_up = b.max_warm_up,
        .strategies = (1u << OPT_STRATEGY_COUNT) - 1,
        .max_adjustment_delta = 0.10,
    };
    return c;
}

sim_bounds opt_constraints_bounds(const opt_constraints *c)
{
    sim_bounds b = {
        .min_answer_rate = c->min_answer_rate,
        .max_answer_rate = c->max_answer_rate,
        .max_abandon_rate = c->max_abandon_rate,
        .min_concurrent_calls = c->min_concurrent_calls,
        .max_concurrent_calls = c->max_concurrent_calls,
        .min_call_interval = c->min_call_interval,
        .max_call_interval = c->max_call_interval,
        .min_warm_up = c->min_warm_up,
        .max_warm_up = c->max_warm_up,
    };
    return b;
}

static opt_status read_strategies(cx_jobj *o, unsigned *mask)
{
    const cJSON *arr = cx_jobj_get(o, "strategies");
    if (!arr)
        return OPT_OK;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return cx_jobj_fail(o, "strategies", "expected a non-empty array of strategy names"),
               OPT_EINVAL;
    unsigned m = 0;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        opt_strategy s;
        if (!cJSON_IsString(it) || opt_strategy_parse(it->valuestring, &s) != 0) {
            char key[48];
            snprintf(key, sizeof key, "strategies[%d]", i);
            cx_jobj_fail(o, key,
                         "expected one of: predictive, progressive, power, preview");
            return OPT_EINVAL;
        }
        m |= 1u << s;
        i++;
    }
    *mask = m;
    return OPT_OK;
}

opt_status opt_constraints_from_json(const cJSON *obj, const char *file, const char *path,
                                     opt_constraints *c, cx_error *err)
{
    static const char *const keys[] = {
        "minAnswerRate",      "maxAnswerRate",   "maxAbandonRate",  "minConcurrentCalls",
        "maxConcurrentCalls", "minCallInterval", "maxCallInterval", "minWarmUpPeriod",
        "maxWarmUpPeriod",    "strategies",      "maxAdjustmentDelta", NULL};
    cx_jobj o;
    opt_constraints v = *c;
    long min_calls = v.min_concurrent_calls, max_calls = v.max_concurrent_calls;
    long min_iv = v.min_call_interval, max_iv = v.max_call_interval;
    long min_wu = v.min_warm_up, max_wu = v.max_warm_up;
    if (cx_jobj_init(&o, obj, file, path, OPT_EINVAL, err) != 0 || cx_jobj_only(&o, keys) != 0 ||
        cx_jobj_num(&o, "minAnswerRate", false, 0, 1, &v.min_answer_rate) != 0 ||
        cx_jobj_num(&o, "maxAnswerRate", false, 0, 1, &v.max_answer_rate) != 0 ||
        cx_jobj_num(&o, "maxAbandonRate", false, 0, 1, &v.max_abandon_rate) != 0 ||
        cx_jobj_int(&o, "minConcurrentCalls", false, 1, 1000000, &min_calls) != 0 ||
        cx_jobj_int(&o, "maxConcurrentCalls", false, 1, 1000000, &max_calls) != 0 ||
        cx_jobj_int(&o, "minCallInterval", false, 0, 86400000, &min_iv) != 0 ||
        cx_jobj_int(&o, "maxCallInterval", false, 0, 86400000, &max_iv) != 0 ||
        cx_jobj_int(&o, "minWarmUpPeriod", false, 0, 86400, &min_wu) != 0 ||
        cx_jobj_int(&o, "maxWarmUpPeriod", false, 0, 86400, &max_wu) != 0 ||
        cx_jobj_num(&o, "maxAdjustmentDelta", false, 0, 1e6, &v.max_adjustment_delta) != 0 ||
        read_strategies(&o, &v.strategies) != OPT_OK)
        return OPT_EINVAL;
    if (v.min_answer_rate > v.max_answer_rate)
        return cx_jobj_fail(&o, "minAnswerRate", "%g is above maxAnswerRate %g",
                            v.min_answer_rate, v.max_answer_rate),
               OPT_EINVAL;
    if (min_calls > max_calls)
        return cx_jobj_fail(&o, "minConcurrentCalls", "%ld is above maxConcurrentCalls %ld",
                            min_calls, max_calls),
               OPT_EINVAL;
    if (min_iv > max_iv)
        return cx_jobj_fail(&o, "minCallInterval", "%ld is above maxCallInterval %ld", min_iv,
                            max_iv),
               OPT_EINVAL;
    if (min_wu > max_wu)
        return cx_jobj_fail(&o, "minWarmUpPeriod", "%ld is above maxWarmUpPeriod %ld", min_wu,
                            max_wu),
               OPT_EINVAL;
    v.min_concurrent_calls = (int)min_calls;
    v.max_concurrent_calls = (int)max_calls;
    v.min_call_interval = (int)min_iv;
    v.max_call_interval = (int)max_iv;
    v.min_warm_up = (int)min_wu;
    v.max_warm_up = (int)max_wu;
    *c = v;
    return OPT_OK;
}

opt_status opt_constraints_load(const char *path, opt_constraints *c, cx_error *err)
{
    cJSON *root = cx_json_load_file(path, err);
    if (!root) {
        if (err)
            err->code = OPT_EINVAL;
        return OPT_EINVAL;
    }
    opt_status st = opt_constraints_from_json(root, path, "", c, err);
    cJSON_Delete(root);
    return st;
}

cJSON *opt_constraints_to_json(const opt_constraints *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_CreateArray();
    if (!o || !arr) {
        cJSON_Delete(o);
        cJSON_Delete(arr);
        return NULL;
    }
    for (int s = 0; s < OPT_STRATEGY_COUNT; s++)
        if (c->strategies & (1u << s))
            cJSON_AddItemToArray(arr, cJSON_CreateString(opt_strategy_name((opt_strategy)s)));
    cJSON_AddNumberToObject(o, "minAnswerRate", c->min_answer_rate);
    cJSON_AddNumberToObject(o, "maxAnswerRate", c->max_answer_rate);
    cJSON_AddNumberToObject(o, "maxAbandonRate", c->max_abandon_rate);
    cJSON_AddNumberToObject(o, "minConcurrentCalls", c->min_concurrent_calls);
    cJSON_AddNumberToObject(o, "maxConcurrentCalls", c->max_concurrent_calls);
    cJSON_AddNumberToObject(o, "minCallInterval", c->min_call_interval);
    cJSON_AddNumberToObject(o, "maxCallInterval", c->max_call_interval);
    cJSON_AddNumberToObject(o, "minWarmUpPeriod", c->min_warm_up);
    cJSON_AddNumberToObject(o, "maxWarmUpPeriod", c->max_warm_up);
    cJSON_AddItemToObject(o, "strategies", arr);
    cJSON_AddNumberToObject(o, "maxAdjustmentDelta", c->max_adjustment_delta);
    return o;
}
