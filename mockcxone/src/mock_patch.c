/* mock_patch.c - checking a campaign merge patch against the dialer
 * engine's bounds, field by field, as the 422 body lists the problems; and
 * matching If-Match against a version. */
#include "mock_patch.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const mock__strategies[] = {"predictive", "progressive", "power", "preview", NULL};

static void problem(mock__problems *pr, const char *field, const char *fmt, ...) CX_PRINTF(3, 4);

static void problem(mock__problems *pr, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *e = cJSON_CreateObject();
    if (e) {
        cJSON_AddStringToObject(e, "field", field);
        cJSON_AddStringToObject(e, "problem", msg);
        cJSON_AddItemToArray(pr->list, e);
    }
    pr->n++;
}

static const char *kind(const cJSON *v)
{
    return cJSON_IsNumber(v)   ? "a number"
           : cJSON_IsString(v) ? "a string"
           : cJSON_IsBool(v)   ? "a boolean"
           : cJSON_IsNull(v)   ? "null"
           : cJSON_IsArray(v)  ? "an array"
                               : "an object";
}

static void rate_field(mock__problems *pr, const cJSON *v, const char *name, double lo, double hi,
                       double *out)
{
    char field[64];
    snprintf(field, sizeof field, "predictiveDialer.%s", name);
    if (!cJSON_IsNumber(v))
        problem(pr, field, "must be a number, got %s", kind(v));
    else if (!(v->valuedouble >= lo && v->valuedouble <= hi))
        problem(pr, field, "%g is outside the engine's bounds [%g, %g]", v->valuedouble, lo, hi);
    else
        *out = v->valuedouble;
}

static void int_field(mock__problems *pr, const cJSON *v, const char *name, long lo, long hi,
                      long *out)
{
    char field[64];
    snprintf(field, sizeof field, "predictiveDialer.%s", name);
    if (!cJSON_IsNumber(v))
        problem(pr, field, "must be an integer, got %s", kind(v));
    else if (v->valuedouble != floor(v->valuedouble))
        problem(pr, field, "must be an integer, got %g", v->valuedouble);
    else if (!(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi))
        problem(pr, field, "%g is outside the engine's bounds [%ld, %ld]", v->valuedouble, lo,
                hi);
    else
        *out = (long)v->valuedouble;
}

/* Validates a merge patch into *p and *status; every problem is listed.
 * *changes counts the members the patch sets. */
void mock__check_patch(const mock_bounds *b, const cJSON *body, mock__params *p, char *status,
                       mock__problems *pr, int *changes)
{
    *changes = 0;
    if (!cJSON_IsObject(body)) {
        problem(pr, "(body)", "must be a JSON object, got %s", kind(body));
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, body)
    {
        if (strcmp(m->string, "predictiveDialer") == 0) {
            if (cJSON_IsNull(m)) {
                problem(pr, "predictiveDialer", "cannot be removed");
                continue;
            }
            if (!cJSON_IsObject(m)) {
                problem(pr, "predictiveDialer", "must be an object, got %s", kind(m));
                continue;
            }
            const cJSON *f;
            cJSON_ArrayForEach(f, m)
            {
                char field[96];
                snprintf(field, sizeof field, "predictiveDialer.%.60s", f->string);
                (*changes)++;
                if (cJSON_IsNull(f)) {
                    problem(pr, field, "cannot be removed: every setting is required");
                } else if (strcmp(f->string, "answerRate") == 0) {
                    rate_field(pr, f, "answerRate", b->min_answer_rate, b->max_answer_rate,
                               &p->answer_rate);
                } else if (strcmp(f->string, "abandonRate") == 0) {
                    rate_field(pr, f, "abandonRate", 0, b->max_abandon_rate, &p->abandon_rate);
                } else if (strcmp(f->string, "maxConcurrentCalls") == 0) {
                    int_field(pr, f, "maxConcurrentCalls", b->min_concurrent_calls,
                              b->max_concurrent_calls, &p->max_concurrent_calls);
                } else if (strcmp(f->string, "callInterval") == 0) {
                    int_field(pr, f, "callInterval", b->min_call_interval, b->max_call_interval,
                              &p->call_interval);
                } else if (strcmp(f->string, "warmUpPeriod") == 0) {
                    int_field(pr, f, "warmUpPeriod", b->min_warm_up, b->max_warm_up,
                              &p->warm_up);
                } else if (strcmp(f->string, "strategy") == 0) {
                    int k = -1;
                    for (int i = 0; cJSON_IsString(f) && mock__strategies[i]; i++)
                        if (strcmp(mock__strategies[i], f->valuestring) == 0)
                            k = i;
                    if (!cJSON_IsString(f))
                        problem(pr, field, "must be a string, got %s", kind(f));
                    else if (k < 0)
                        problem(pr, field,
                                "unknown strategy \"%.40s\" (predictive, progressive, power, "
                                "preview)",
                                f->valuestring);
                    else
                        p->strategy = k;
                } else {
                    problem(pr, field, "unknown field");
                }
            }
        } else if (strcmp(m->string, "status") == 0) {
            (*changes)++;
            if (!cJSON_IsString(m))
                problem(pr, "status", "must be a string, got %s", kind(m));
            else if (strcmp(m->valuestring, "active") && strcmp(m->valuestring, "paused") &&
                     strcmp(m->valuestring, "archived"))
                problem(pr, "status", "\"%.40s\" cannot be set (active, paused, archived)",
                        m->valuestring);
            else
                cx_copy(status, 16, m->valuestring);
        } else {
            char field[96];
            snprintf(field, sizeof field, "%.80s", m->string);
            problem(pr, field, "unknown field (predictiveDialer, status)");
        }
    }
    if (*changes == 0 && pr->n == 0)
        problem(pr, "(body)", "the patch is empty: nothing to change");
}

bool mock__etag_matches(const char *if_match, long version)
{
    char want[48];
    snprintf(want, sizeof want, "\"v%ld\"", version);
    for (const char *p = if_match; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if ((len == 1 && *p == '*') || (len == strlen(want) && strncmp(p, want, len) == 0))
            return true;
        if (len > 2 && strncmp(p, "W/", 2) == 0 && len - 2 == strlen(want) &&
            strncmp(p + 2, want, len - 2) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}
