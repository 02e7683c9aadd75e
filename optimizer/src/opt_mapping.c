/* opt_mapping.c - the seed concept -> CXone field mapping, from data. */
#include "opt_mapping.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

const char *const opt__concept_names[OPT__CONCEPTS + 1] = {
    "answerRate", "abandonRate", "maxConcurrentCalls", "callInterval", "strategy",
    "warmUpPeriod", NULL};

static const char *const transforms[] = {"identity", "percent", "reciprocal", "per-agent", NULL};
static const char *const blocks[] = {"generalSettings", "cpaSettings", NULL};

void opt__mapping_default(opt__mapping *m)
{
    memset(m, 0, sizeof *m);
    m->f[OPT__ANSWER_RATE] = (opt__field_map){true, "generalSettings", "maximumRatio",
                                              OPT__RECIPROCAL};
    m->f[OPT__ABANDON_RATE] = (opt__field_map){true, "generalSettings", "abandonRateThreshold",
                                               OPT__PERCENT};
    m->f[OPT__MAX_CALLS] = (opt__field_map){true, "generalSettings", "maxConcurrentCallsPerAgent",
                                            OPT__PER_AGENT};
    opt__records_map_default(&m->records);
    m->has_records = m->records.col[OPT__REC_OUTCOME].mapped;
}

opt_status opt__mapping_parse(const cJSON *root, const char *file, opt__mapping *m,
                              cx_error *err)
{
    cx_jobj top;
    opt__mapping out;
    memset(&out, 0, sizeof out);
    static const char *const top_keys[] = {"answerRate", "abandonRate", "maxConcurrentCalls",
                                       "callInterval", "strategy", "warmUpPeriod", "records",
                                       NULL};
    if (cx_jobj_init(&top, root, file, "", OPT_EINVAL, err) != 0 || cx_jobj_only(&top, top_keys) != 0)
        return OPT_EINVAL;
    const cJSON *rec = cx_jobj_get(&top, "records");
    if (rec) {
        if (opt__records_map_parse(rec, file, &out.records, err) != OPT_OK)
            return OPT_EINVAL;
        out.has_records = true;
    }
    for (int c = 0; c < OPT__CONCEPTS; c++) {
        const cJSON *v = cx_jobj_get(&top, opt__concept_names[c]);
        if (!v)
            return cx_jobj_fail(&top, opt__concept_names[c],
                                "required: a field, or null when CXone has none"),
                   OPT_EINVAL;
        if (cJSON_IsNull(v))
            continue;
        cx_jobj f;
        static const char *const keys[] = {"block", "field", "transform", "note", NULL};
        const char *field = NULL;
        int block = 0, tr = 0;
        if (cx_jobj_child(&top, opt__concept_names[c], true, &f) < 0 || cx_jobj_only(&f, keys) ||
            cx_jobj_enum(&f, "block", true, blocks, &block) ||
            cx_jobj_str(&f, "field", true, &field) ||
            cx_jobj_enum(&f, "transform", false, transforms, &tr))
            return OPT_EINVAL;
        if (!field[0] || !cx_copy(out.f[c].field, sizeof out.f[c].field, field))
            return cx_jobj_fail(&f, "field", "must be 1 to 63 characters"), OPT_EINVAL;
        if (c == OPT__STRATEGY && tr != OPT__IDENTITY)
            return cx_jobj_fail(&f, "transform", "a strategy maps only as identity"), OPT_EINVAL;
        out.f[c].mapped = true;
        cx_copy(out.f[c].block, sizeof out.f[c].block, blocks[block]);
        out.f[c].transform = (opt__transform)tr;
    }
    *m = out;
    return OPT_OK;
}

opt_status opt__mapping_load(const char *path, opt__mapping *m, cx_error *err)
{
    cJSON *root = cx_json_load_file(path, err);
    if (!root) {
        if (err)
            err->code = OPT_EINVAL;
        return OPT_EINVAL;
    }
    opt_status st = opt__mapping_parse(root, path, m, err);
    cJSON_Delete(root);
    return st;
}

double opt__concept_value(const opt_params *p, opt__concept c)
{
    switch (c) {
    case OPT__ANSWER_RATE: return p->answer_rate;
    case OPT__ABANDON_RATE: return p->abandon_rate;
    case OPT__MAX_CALLS: return p->max_concurrent_calls;
    case OPT__CALL_INTERVAL: return p->call_interval_ms;
    case OPT__STRATEGY: return (double)p->strategy;
    case OPT__WARM_UP: return p->warm_up_s;
    case OPT__CONCEPTS: break;
    }
    return 0;
}

void opt__concept_set(opt_params *p, opt__concept c, double v)
{
    switch (c) {
    case OPT__ANSWER_RATE: p->answer_rate = v; break;
    case OPT__ABANDON_RATE: p->abandon_rate = v; break;
    case OPT__MAX_CALLS: p->max_concurrent_calls = (int)lround(v); break;
    case OPT__CALL_INTERVAL: p->call_interval_ms = (int)lround(v); break;
    case OPT__STRATEGY: p->strategy = (opt_strategy)lround(v); break;
    case OPT__WARM_UP: p->warm_up_s = (int)lround(v); break;
    case OPT__CONCEPTS: break;
    }
}

double opt__to_field(const opt__field_map *f, double v, int agents)
{
    switch (f->transform) {
    case OPT__PERCENT: return v * 100.0;
    case OPT__RECIPROCAL: return v > 0 ? 1.0 / v : 0;
    case OPT__PER_AGENT: return v / (agents > 0 ? agents : 1);
    case OPT__IDENTITY: break;
    }
    return v;
}

double opt__from_field(const opt__field_map *f, double v, int agents)
{
    switch (f->transform) {
    case OPT__PERCENT: return v / 100.0;
    case OPT__RECIPROCAL: return v > 0 ? 1.0 / v : 0;
    case OPT__PER_AGENT: return v * (agents > 0 ? agents : 1);
    case OPT__IDENTITY: break;
    }
    return v;
}

bool opt__mapping_needs_agents(const opt__mapping *m)
{
    for (int c = 0; c < OPT__CONCEPTS; c++)
        if (m->f[c].mapped && m->f[c].transform == OPT__PER_AGENT)
            return true;
    return false;
}
