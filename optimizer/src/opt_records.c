/* opt_records.c - CXone's completed contacts as the fit's call records: the
 * mapping's "records" object, and one page of contacts as CSV rows. */
#include "opt_records.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

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
    return cx_error_set(err, OPT_EAPI, "%s: completedContacts[%ld].%s: expected %s (mapped to "
                                       "the fit's %s)",
                        what, index, field, expected, opt__rec_names[column]);
}

/* A value the CSV reader takes as it is: no comma, quote or line break. */
static bool plain(const char *s)
{
    return strcspn(s, ",\"\r\n") == strlen(s) && strlen(s) < 64;
}

static int put_number(cx_buf *b, double v)
{
    return cx_buf_printf(b, "%.15g", v); /* the shortest that keeps a decimal value */
}

/* One record's value of column k, appended to b. */
static opt_status put_value(const opt__records_map *m, int k, const cJSON *v, cx_buf *b,
                            const char *what, long index, cx_error *err)
{
    const char *f = m->col[k].field;
    int rc = 0;
    /* an empty start time is no time: the fit reads it as absent */
    bool empty_start = k == OPT__REC_START && cJSON_IsString(v) && v->valuestring[0] == '\0';
    if (!v || cJSON_IsNull(v) || empty_start) {
        if (k == OPT__REC_OUTCOME)
            return bad(err, what, index, f, k, "a disposition, found none");
        if (k == OPT__REC_START && !m->col[OPT__REC_HOUR].mapped) /* the fit needs one */
            return bad(err, what, index, f, k, "an RFC 3339 time or epoch seconds, found none");
        return OPT_OK; /* absent: an empty field */
    }
    switch (k) {
    case OPT__REC_START:
        if (cJSON_IsString(v) && plain(v->valuestring))
            rc = cx_buf_printf(b, "%s", v->valuestring);
        else if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
            rc = put_number(b, v->valuedouble);
        else
            return bad(err, what, index, f, k, "an RFC 3339 time or epoch seconds");
        break;
    case OPT__REC_OUTCOME: {
        char key[32];
        if (cJSON_IsNumber(v) && fabs(v->valuedouble) < 9e15 &&
            v->valuedouble == (double)(long long)v->valuedouble)
            snprintf(key, sizeof key, "%lld", (long long)v->valuedouble);
        else if (cJSON_IsString(v) && strlen(v->valuestring) < sizeof key)
            cx_copy(key, sizeof key, v->valuestring);
        else
            return bad(err, what, index, f, k, "a disposition id (a whole number or a string)");
        const char *o = NULL;
        for (int i = 0; i < m->n_values && !o; i++)
            if (strcmp(m->value_from[i], key) == 0)
                o = m->value_to[i];
        if (!o && m->other[0])
            o = m->other;
        if (!o) {
            char msg[96];
            snprintf(msg, sizeof msg, "a disposition listed in outcomeValues, got %.31s", key);
            return bad(err, what, index, f, k, msg);
        }
        rc = cx_buf_printf(b, "%s", o);
        break;
    }
    case OPT__REC_ABANDONED:
        if (cJSON_IsBool(v))
            rc = cx_buf_printf(b, "%d", cJSON_IsTrue(v) ? 1 : 0);
        else if (cJSON_IsNumber(v) && (v->valuedouble == 0 || v->valuedouble == 1))
            rc = cx_buf_printf(b, "%d", (int)v->valuedouble);
        else
            return bad(err, what, index, f, k, "true, false, 0 or 1");
        break;
    case OPT__REC_AMD:
        if (!cJSON_IsString(v) || !plain(v->valuestring))
            return bad(err, what, index, f, k, "none, human or machine");
        rc = cx_buf_printf(b, "%s", v->valuestring);
        break;
    case OPT__REC_AGENT:
        if (cJSON_IsNumber(v))
            rc = put_number(b, v->valuedouble);
        else if (cJSON_IsString(v) && plain(v->valuestring))
            rc = cx_buf_printf(b, "%s", v->valuestring);
        else
            return bad(err, what, index, f, k, "an agent id (a number, or a string of up to "
                                               "63 characters without commas or quotes)");
        break;
    default: /* hour and the durations */
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble))
            return bad(err, what, index, f, k,
                       k == OPT__REC_HOUR ? "an hour 0-23" : "a number of seconds >= 0 or null");
        rc = put_number(b, v->valuedouble);
    }
    return rc < 0 ? cx_error_set(err, OPT_ENOMEM, "out of memory") : OPT_OK;
}

opt_status opt__records_csv(const opt__records_map *m, const cJSON *contacts, long first,
                            const char *what, cx_buf *csv, long *row_index, long *rows,
                            long *inbound, cx_error *err)
{
    int rc = 0;
    bool any = false;
    *rows = 0;
    for (int k = 0; k < OPT__REC_COLUMNS; k++)
        if (m->col[k].mapped) {
            rc |= cx_buf_printf(csv, "%s%s", any ? "," : "", opt__rec_names[k]);
            any = true;
        }
    rc |= cx_buf_printf(csv, "\n");
    if (rc < 0)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
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
        row_index[(*rows)++] = index;
        /* the fit places each record by its start or its hour: one of the
         * two mapped fields must be there */
        bool placed = false;
        for (int k = OPT__REC_START; k <= OPT__REC_HOUR; k++) {
            const cJSON *t = m->col[k].mapped
                                 ? cJSON_GetObjectItemCaseSensitive(rec, m->col[k].field)
                                 : NULL;
            placed = placed || (t && !cJSON_IsNull(t) &&
                                !(cJSON_IsString(t) && t->valuestring[0] == '\0'));
        }
        if (!placed && m->col[OPT__REC_HOUR].mapped) /* else put_value names the start */
            return bad(err, what, index, m->col[OPT__REC_START].mapped
                                             ? m->col[OPT__REC_START].field
                                             : m->col[OPT__REC_HOUR].field,
                       OPT__REC_START, "a start time or an hour, found neither");
        any = false;
        for (int k = 0; k < OPT__REC_COLUMNS; k++) {
            if (!m->col[k].mapped)
                continue;
            if (any && cx_buf_append(csv, ",", 1) != 0)
                return cx_error_set(err, OPT_ENOMEM, "out of memory");
            any = true;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, m->col[k].field);
            opt_status st = put_value(m, k, v, csv, what, index, err);
            if (st != OPT_OK)
                return st;
        }
        if (cx_buf_append(csv, "\n", 1) != 0)
            return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    return OPT_OK;
}
