/* opt_records.c - CXone's completed contacts as the fit's call records: the
 * mapping's "records" object, and each contact of a page handed to the fit
 * as its field texts (the fit judges it). */
#include "opt_records.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "dialsim_fit.h"

const char *const opt__rec_names[OPT__REC_COLUMNS + 1] = {
    "start", "hour", "outcome", "ring", "amd", "amd_seconds", "wait", "abandoned", "talk",
    "wrap", "agent", NULL};

static const char *const confidences[] = {"doc", "doc*", "sdk", "3p", "guess", NULL};
static const char *const outcomes[] = {"live", "machine", "busy", "no-answer", "invalid", NULL};

/* optimizer/cxone-mapping.json's "records", which a unit test holds equal */
static const char default_records[] =
    "{\"columns\":{"
    "\"start\":{\"field\":\"contactStartDate\",\"confidence\":\"doc*\"},"
    "\"hour\":null,"
    "\"outcome\":{\"field\":\"primaryDispositionId\",\"confidence\":\"doc*\"},"
    "\"ring\":{\"field\":\"preQueueSeconds\",\"confidence\":\"guess\"},"
    "\"amd\":null,\"amd_seconds\":null,"
    "\"wait\":{\"field\":\"inQueueSeconds\",\"confidence\":\"doc*\"},"
    "\"abandoned\":{\"field\":\"abandoned\",\"confidence\":\"doc*\"},"
    "\"talk\":{\"field\":\"agentSeconds\",\"confidence\":\"doc*\"},"
    "\"wrap\":{\"field\":\"acwSeconds\",\"confidence\":\"doc*\"},"
    "\"agent\":{\"field\":\"agentId\",\"confidence\":\"doc*\"}},"
    "\"outcomeValues\":{\"14\":\"machine\",\"15\":\"busy\",\"16\":\"invalid\",\"17\":\"machine\","
    "\"18\":\"invalid\",\"19\":\"machine\",\"20\":\"no-answer\",\"21\":\"invalid\","
    "\"22\":\"invalid\",\"23\":\"busy\",\"24\":\"live\",\"25\":\"live\"},"
    "\"otherOutcome\":\"live\",\"outcomeConfidence\":\"guess\"}";

void opt__records_map_default(opt__records_map *m)
{
    cJSON *j = cJSON_Parse(default_records);
    if (!j || opt__records_map_parse(j, "(built in)", m, NULL) != OPT_OK)
        memset(m, 0, sizeof *m); /* out of memory: no records mapping */
    cJSON_Delete(j);
}

opt_status opt__records_map_parse(const cJSON *records, const char *file, opt__records_map *m,
                                  cx_error *err)
{
    opt__records_map out;
    memset(&out, 0, sizeof out);
    cx_jobj top, cols, vals;
    static const char *const keys[] = {"columns", "outcomeValues", "otherOutcome",
                                       "outcomeConfidence", "note", NULL};
    const char *other = NULL;
    int ci;
    if (cx_jobj_init(&top, records, file, "records", OPT_EINVAL, err) != 0 ||
        cx_jobj_only(&top, keys) != 0 || cx_jobj_child(&top, "columns", true, &cols) < 0 ||
        cx_jobj_only(&cols, opt__rec_names) != 0 ||
        cx_jobj_child(&top, "outcomeValues", true, &vals) < 0 ||
        cx_jobj_str(&top, "otherOutcome", false, &other) != 0 ||
        cx_jobj_enum(&top, "outcomeConfidence", true, confidences, &ci) != 0)
        return OPT_EINVAL;
    cx_copy(out.outcome_confidence, sizeof out.outcome_confidence, confidences[ci]);
    for (int k = 0; k < OPT__REC_COLUMNS; k++) {
        const cJSON *v = cx_jobj_get(&cols, opt__rec_names[k]);
        if (!v)
            return cx_jobj_fail(&cols, opt__rec_names[k],
                                "required: {\"field\", \"confidence\"}, or null when CXone's "
                                "records have none"),
                   OPT_EINVAL;
        if (cJSON_IsNull(v))
            continue;
        cx_jobj c;
        static const char *const ck[] = {"field", "confidence", "note", NULL};
        const char *field = NULL;
        int conf = 0;
        if (cx_jobj_child(&cols, opt__rec_names[k], true, &c) < 0 || cx_jobj_only(&c, ck) ||
            cx_jobj_str(&c, "field", true, &field) ||
            cx_jobj_enum(&c, "confidence", true, confidences, &conf))
            return OPT_EINVAL;
        if (!field[0] || !cx_copy(out.col[k].field, sizeof out.col[k].field, field))
            return cx_jobj_fail(&c, "field", "must be 1 to 63 characters"), OPT_EINVAL;
        out.col[k].mapped = true;
        cx_copy(out.col[k].confidence, sizeof out.col[k].confidence, confidences[conf]);
    }
    if (!out.col[OPT__REC_OUTCOME].mapped ||
        (!out.col[OPT__REC_START].mapped && !out.col[OPT__REC_HOUR].mapped))
        return cx_jobj_fail(&cols, NULL, "the fit needs an outcome, and a start or an hour"),
               OPT_EINVAL;
    const cJSON *it;
    cJSON_ArrayForEach(it, vals.node)
    {
        int o = -1;
        for (int i = 0; outcomes[i] && cJSON_IsString(it); i++)
            if (strcmp(it->valuestring, outcomes[i]) == 0)
                o = i;
        if (o < 0 || out.n_values == OPT__REC_VALUES ||
            !cx_copy(out.value_from[out.n_values], sizeof out.value_from[0], it->string))
            return cx_jobj_fail(&vals, it->string,
                                "expected one of live, machine, busy, no-answer, invalid (at "
                                "most %d values of up to 23 characters)",
                                OPT__REC_VALUES),
                   OPT_EINVAL;
        cx_copy(out.value_to[out.n_values++], sizeof out.value_to[0], outcomes[o]);
    }
    if (other) {
        int o = -1;
        for (int i = 0; outcomes[i]; i++)
            if (strcmp(other, outcomes[i]) == 0)
                o = i;
        if (o < 0)
            return cx_jobj_fail(&top, "otherOutcome",
                                "expected one of live, machine, busy, no-answer, invalid"),
                   OPT_EINVAL;
        cx_copy(out.other, sizeof out.other, outcomes[o]);
    }
    *m = out;
    return OPT_OK;
}

cJSON *opt__records_fit_map(const opt__records_map *m)
{
    cJSON *map = cJSON_CreateObject();
    cJSON *cols = cJSON_AddObjectToObject(map, "columns");
    for (int k = 0; k < OPT__REC_COLUMNS; k++)
        if (!m->col[k].mapped)
            cJSON_AddNullToObject(cols, opt__rec_names[k]);
    /* a disposition is the ACD's word: every AMD hang-up is a machine */
    cJSON_AddBoolToObject(map, "truth", false);
    if (!cols || !cJSON_GetObjectItem(map, "truth")) {
        cJSON_Delete(map);
        return NULL;
    }
    return map;
}

/* ------------------------------------------------------------ the rows */

static opt_status bad(cx_error *err, const char *what, long index, const char *field,
                      int column, const char *expected)
{
    return cx_error_set(err, OPT_EAPI, "%s: completedContacts[%ld].%s: %s (mapped to the "
                                       "fit's %s)",
                        what, index, field, expected, opt__rec_names[column]);
}

/* The disposition v as the fit's outcome: through outcomeValues, else
 * otherOutcome; NULL after naming what is wrong. */
static const char *outcome_of(const opt__records_map *m, const cJSON *v, const char *what,
                              long index, cx_error *err)
{
    const char *f = m->col[OPT__REC_OUTCOME].field;
    char key[32];
    if (cJSON_IsNumber(v) && fabs(v->valuedouble) < 9e15 &&
        v->valuedouble == (double)(long long)v->valuedouble)
        snprintf(key, sizeof key, "%lld", (long long)v->valuedouble);
    else if (cJSON_IsString(v) && strlen(v->valuestring) < sizeof key)
        cx_copy(key, sizeof key, v->valuestring);
    else
        return bad(err, what, index, f, OPT__REC_OUTCOME,
                   "expected a disposition id (a whole number or a string)"),
               NULL;
    for (int i = 0; i < m->n_values; i++)
        if (strcmp(m->value_from[i], key) == 0)
            return m->value_to[i];
    if (m->other[0])
        return m->other;
    char msg[96];
    snprintf(msg, sizeof msg, "expected a disposition listed in outcomeValues, got %.31s", key);
    return bad(err, what, index, f, OPT__REC_OUTCOME, msg), NULL;
}

opt_status opt__record_text(const opt__records_map *m, const cJSON *rec, const char *what,
                            long index, opt__record *out, cx_error *err)
{
    for (int k = 0; k < OPT__REC_COLUMNS; k++) {
        const cJSON *v =
            m->col[k].mapped ? cJSON_GetObjectItemCaseSensitive(rec, m->col[k].field) : NULL;
        out->value[k] = NULL;
        if (!v || cJSON_IsNull(v))
            continue; /* absent: the fit decides whether it may be */
        if (k == OPT__REC_OUTCOME) {
            if (!(out->value[k] = outcome_of(m, v, what, index, err)))
                return OPT_EAPI;
        } else if (cJSON_IsString(v)) {
            out->value[k] = v->valuestring;
        } else if (cJSON_IsNumber(v)) {
            /* the shortest that keeps a decimal value; inf as such */
            snprintf(out->number[k], sizeof out->number[k], "%.15g", v->valuedouble);
            out->value[k] = out->number[k];
        } else if (cJSON_IsBool(v)) {
            out->value[k] = cJSON_IsTrue(v) ? "true" : "false";
        } else {
            return bad(err, what, index, m->col[k].field, k,
                       "expected a number, a string, true, false or null");
        }
    }
    return OPT_OK;
}

opt_status opt__records_add(const opt__records_map *m, const cJSON *contacts, long first,
                            const char *what, struct sim_fit *fit, long *rows, long *inbound,
                            cx_error *err)
{
    _Static_assert((int)OPT__REC_COLUMNS == (int)SIM_REC_FIELDS,
                   "the mapping's columns are the fit's");
    *rows = 0;
    long i = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, contacts)
    {
        long index = first + i++;
        if (!cJSON_IsObject(rec))
            return cx_error_set(err, OPT_EAPI, "%s: completedContacts[%ld]: expected an object",
                                what, index);
        const cJSON *out = cJSON_GetObjectItemCaseSensitive(rec, "isOutbound");
        if (cJSON_IsFalse(out)) { /* the skill's inbound contacts are no dial attempts */
            (*inbound)++;
            continue;
        }
        opt__record r;
        opt_status st = opt__record_text(m, rec, what, index, &r, err);
        if (st != OPT_OK)
            return st;
        /* the fit is the one judge of a valid record; this names it as CXone has it */
        cx_error e = {0};
        int k = -1;
        sim_status ss = sim_fit_add_record(fit, r.value, &k, &e);
        if (ss == SIM_ENOMEM)
            return cx_error_set(err, OPT_ENOMEM, "out of memory");
        if (ss != SIM_OK) {
            if (k == SIM_REC_FIELDS) /* no start and no hour: name the one mapped */
                k = m->col[OPT__REC_START].mapped ? OPT__REC_START : OPT__REC_HOUR;
            return bad(err, what, index, m->col[k].field, k, e.msg);
        }
        (*rows)++;
    }
    return OPT_OK;
}
