/* mock_fault.c - the fault rule table. */
#include "mock_fault.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RULES 256

typedef struct rule {
    char method[16];
    char path[256];
    long times;         /* -1: unlimited */
    long after;
    double probability; /* 1: always */
    double from, until; /* seconds since start; until < 0: open */
    char *note;         /* owned; NULL when none */
    mock__effect fx;    /* template (body owned here) */
    mock__delay_kind delay_kind; /* fixed: fx.delay_ms */
    double delay_a, delay_b; /* uniform: lower, upper; lognormal: median, sigma (ms) */
    long matched, fired;
    bool disabled;      /* switched off by PUT /__admin/faults/{i}/enabled */
} rule;

struct mock__faults {
    pthread_mutex_t lock;
    rule *rules;
    int n;
    uint64_t rng;
};

mock_status mock__faults_create(uint64_t seed, mock__faults **out, cx_error *err)
{
    *out = NULL;
    mock__faults *f = calloc(1, sizeof *f);
    if (!f || pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    f->rng = seed ^ 0x2545f4914f6cdd1dULL;
    *out = f;
    return MOCK_OK;
}

static void free_rules(rule *r, int n)
{
    for (int i = 0; i < n; i++) {
        free(r[i].fx.body);
        free(r[i].fx.patch);
        free(r[i].note);
    }
    free(r);
}

void mock__faults_destroy(mock__faults *f)
{
    if (!f)
        return;
    free_rules(f->rules, f->n);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

void mock__faults_clear(mock__faults *f)
{
    pthread_mutex_lock(&f->lock);
    free_rules(f->rules, f->n);
    f->rules = NULL;
    f->n = 0;
    pthread_mutex_unlock(&f->lock);
}

static const char *const actions[] = {
#define ACTION_NAME(id, name) name,
    MOCK_ACTIONS(ACTION_NAME)
#undef ACTION_NAME
    NULL};
_Static_assert(sizeof actions / sizeof *actions == MOCK_ACT_COUNT + 1,
               "one name per fault action");

const char *mock__action_name(mock__action a)
{
    return a >= 0 && a < MOCK_ACT_COUNT ? actions[a] : "?";
}

/* The wire faults' parameters: each action takes its own and only those. */
static int parse_wire(cx_jobj *o, int action, mock__wire *w)
{
    long chunks = 0, duration = -1, bps = 0;
    if (cx_jobj_int(o, "chunks", false, 1, 10000, &chunks) ||
        cx_jobj_int(o, "durationMs", false, 0, 600000, &duration) ||
        cx_jobj_int(o, "bytesPerSecond", false, 1, 1L << 30, &bps))
        return -1;
    bool dribble = action == MOCK_ACT_DRIBBLE, slow = action == MOCK_ACT_SLOW_CLOSE;
    if (chunks && !dribble)
        return cx_jobj_fail(o, "chunks", "only dribble takes chunks");
    if (duration >= 0 && !dribble && !slow)
        return cx_jobj_fail(o, "durationMs", "only dribble and slow-close take durationMs");
    if (bps && action != MOCK_ACT_BANDWIDTH)
        return cx_jobj_fail(o, "bytesPerSecond", "only bandwidth takes bytesPerSecond");
    if ((dribble || slow) && duration < 0)
        return cx_jobj_fail(o, "durationMs", "%s needs durationMs",
                            dribble ? "dribble" : "slow-close");
    if (action == MOCK_ACT_BANDWIDTH && !bps)
        return cx_jobj_fail(o, "bytesPerSecond", "bandwidth needs bytesPerSecond");
    if (action >= MOCK_ACT_EMPTY_RESPONSE)
        w->action = action;
    w->chunks = dribble ? (chunks ? (int)chunks : 5) : 0;
    w->duration_ms = duration < 0 ? 0 : duration;
    w->bytes_per_s = bps;
    return 0;
}

/* delayDistribution, as WireMock's: {"type": "fixed", "milliseconds": N},
 * {"type": "uniform", "lower": A, "upper": B}, {"type": "lognormal",
 * "median": M, "sigma": S}; milliseconds all. */
static int parse_distribution(cx_jobj *parent, const cJSON *node, rule *r, long *fixed)
{
    static const char *const keys[] = {"type", "milliseconds", "lower", "upper",
                                       "median", "sigma", NULL};
    static const char *const types[] = {"fixed", "uniform", "lognormal", NULL};
    char path[340];
    snprintf(path, sizeof path, "%s.delayDistribution", parent->path);
    cx_jobj o;
    int type = 0;
    double a = 0, b = 0;
    if (cx_jobj_init(&o, node, parent->file, path, MOCK_EINVAL, parent->err) != 0 ||
        cx_jobj_only(&o, keys) || cx_jobj_enum(&o, "type", true, types, &type))
        return -1;
    r->delay_kind = (mock__delay_kind)type;
    switch (r->delay_kind) {
    case MOCK_DELAY_FIXED:
        if (cx_jobj_num(&o, "milliseconds", true, 0, 600000, &a))
            return -1;
        *fixed = lround(a);
        break;
    case MOCK_DELAY_UNIFORM:
        if (cx_jobj_num(&o, "lower", true, 0, 600000, &a) ||
            cx_jobj_num(&o, "upper", true, 0, 600000, &b))
            return -1;
        if (b < a)
            return cx_jobj_fail(&o, "upper", "must not be below lower (%g)", a);
        break;
    case MOCK_DELAY_LOGNORMAL:
        if (cx_jobj_num(&o, "median", true, 0, 600000, &a) ||
            cx_jobj_num(&o, "sigma", true, 0, 10, &b))
            return -1;
        break;
    }
    r->delay_a = a;
    r->delay_b = b;
    return 0;
}

static int parse_rule(const cJSON *node, const char *file, const char *array, int index,
                      cx_error *err, rule *r)
{
    static const char *const keys[] = {"method", "path",  "times",   "after",
                                       "probability", "from", "until", "status",
                                       "headers", "body", "delayMs", "action",
                                       "note",   "patch", "enabled", "delayDistribution",
                                       "chunks", "durationMs", "bytesPerSecond", NULL};
    char path[300];
    snprintf(path, sizeof path, "%s[%d]", array, index);
    cx_jobj o;
    const char *method = "*", *glob = "**", *note = NULL;
    long times = -1, after = 0, status = 0, delay = 0;
    int action = 0;
    bool enabled = true;
    memset(r, 0, sizeof *r);
    r->probability = 1;
    r->until = -1;
    if (cx_jobj_init(&o, node, file, path, MOCK_EINVAL, err) != 0 || cx_jobj_only(&o, keys) ||
        cx_jobj_str(&o, "method", false, &method) || cx_jobj_str(&o, "path", false, &glob) ||
        cx_jobj_int(&o, "times", false, 0, 1L << 40, &times) ||
        cx_jobj_int(&o, "after", false, 0, 1L << 40, &after) ||
        cx_jobj_num(&o, "probability", false, 0, 1, &r->probability) ||
        cx_jobj_num(&o, "from", false, 0, 1e12, &r->from) ||
        cx_jobj_num(&o, "until", false, 0, 1e12, &r->until) ||
        cx_jobj_int(&o, "status", false, 100, 599, &status) ||
        cx_jobj_int(&o, "delayMs", false, 0, 600000, &delay) ||
        cx_jobj_enum(&o, "action", false, actions, &action) ||
        cx_jobj_str(&o, "note", false, &note) || cx_jobj_bool(&o, "enabled", false, &enabled))
        return -1;
    r->disabled = !enabled; /* as listed: a rule switched off loads back off */
    if (note && !(r->note = strdup(note)))
        return cx_error_set(err, MOCK_ENOMEM, "out of memory"), -1;
    if (!cx_copy(r->method, sizeof r->method, method) || !cx_copy(r->path, sizeof r->path, glob))
        return cx_jobj_fail(&o, "path", "too long");
    if (glob[0] != '/' && strcmp(glob, "**") != 0)
        return cx_jobj_fail(&o, "path", "must start with / (or be **)");
    if (r->until >= 0 && r->until < r->from)
        return cx_jobj_fail(&o, "until", "must not be before from (%g)", r->from);
    if (parse_wire(&o, action, &r->fx.wire) != 0)
        return -1;
    const cJSON *dist = cx_jobj_get(&o, "delayDistribution");
    if (dist && delay)
        return cx_jobj_fail(&o, "delayDistribution", "a rule takes a delayMs or a "
                                                     "delayDistribution, not both");
    if (dist && parse_distribution(&o, dist, r, &delay) != 0)
        return -1;
    if (!status && !delay && !dist && !action)
        return cx_jobj_fail(&o, NULL, "a rule needs a status, a delayMs or an action");
    if ((action == MOCK_ACT_RESET || action == MOCK_ACT_EMPTY_RESPONSE ||
         action == MOCK_ACT_RANDOM_DATA || action == MOCK_ACT_HANG) &&
        status)
        return cx_jobj_fail(&o, "status", "%s sends no response", actions[action]);
    r->times = times;
    r->after = after;
    r->fx.status = (int)status;
    r->fx.delay_ms = delay;
    r->fx.action = (mock__action)action;
    const cJSON *h = cx_jobj_get(&o, "headers");
    if (h) {
        if (!cJSON_IsObject(h))
            return cx_jobj_fail(&o, "headers", "expected an object of strings or numbers");
        const cJSON *m;
        cJSON_ArrayForEach(m, h)
        {
            if (r->fx.n_headers == MOCK_MAX_HEADERS)
                return cx_jobj_fail(&o, "headers", "at most %d headers", MOCK_MAX_HEADERS);
            if (strpbrk(m->string, "\r\n:") || !m->string[0])
                return cx_jobj_fail(&o, "headers", "bad header name \"%.40s\"", m->string);
            char value[256];
            if (cJSON_IsString(m) && !strpbrk(m->valuestring, "\r\n"))
                cx_copy(value, sizeof value, m->valuestring);
            else if (cJSON_IsNumber(m))
                snprintf(value, sizeof value, "%.15g", m->valuedouble);
            else
                return cx_jobj_fail(&o, "headers", "%.40s: expected a string or a number",
                                    m->string);
            int k = r->fx.n_headers++;
            cx_copy(r->fx.hname[k], sizeof r->fx.hname[k], m->string);
            cx_copy(r->fx.hvalue[k], sizeof r->fx.hvalue[k], value);
        }
    }
    const cJSON *patch = cx_jobj_get(&o, "patch");
    if ((action == MOCK_ACT_PATCH_CAMPAIGN) != (patch != NULL))
        return cx_jobj_fail(&o, "patch", "patch-campaign takes a \"patch\" (a merge patch of "
                                         "the campaign), and only it does");
    if (patch) {
        if (!cJSON_IsObject(patch))
            return cx_jobj_fail(&o, "patch", "expected an object");
        if (!(r->fx.patch = cJSON_PrintUnformatted(patch)))
            return cx_error_set(err, MOCK_ENOMEM, "out of memory"), -1;
    }
    const cJSON *b = cx_jobj_get(&o, "body");
    if (b) {
        if (!status)
            return cx_jobj_fail(&o, "body", "a body needs a status");
        r->fx.body_json = !cJSON_IsString(b);
        r->fx.body = cJSON_IsString(b) ? strdup(b->valuestring) : cJSON_PrintUnformatted(b);
        if (!r->fx.body)
            return cx_error_set(err, MOCK_ENOMEM, "out of memory"), -1;
    }
    return 0;
}

mock_status mock__faults_load(mock__faults *f, const cJSON *doc, const char *file, bool append,
                              cx_error *err)
{
    cx_jobj top;
    static const char *const keys[] = {"faults", NULL};
    if (cx_jobj_init(&top, doc, file, "", MOCK_EINVAL, err) != 0 || cx_jobj_only(&top, keys))
        return MOCK_EINVAL;
    const cJSON *arr = cx_jobj_get(&top, "faults");
    if (!cJSON_IsArray(arr))
        return cx_jobj_fail(&top, "faults", "expected an array of rules"), MOCK_EINVAL;
    int n = cJSON_GetArraySize(arr);
    pthread_mutex_lock(&f->lock);
    int base = append ? f->n : 0;
    pthread_mutex_unlock(&f->lock);
    if (base + n > MAX_RULES)
        return cx_jobj_fail(&top, "faults", "at most %d rules", MAX_RULES), MOCK_EINVAL;
    rule *rules = calloc((size_t)(n ? n : 1), sizeof *rules);
    if (!rules)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (parse_rule(it, file, "faults", base + i, err, &rules[i]) != 0) {
            free_rules(rules, i + 1);
            return MOCK_EINVAL;
        }
        i++;
    }
    pthread_mutex_lock(&f->lock);
    if (append) {
        rule *all = realloc(f->rules, (size_t)(f->n + n + 1) * sizeof *all);
        if (!all) {
            pthread_mutex_unlock(&f->lock);
            free_rules(rules, n);
            return cx_error_set(err, MOCK_ENOMEM, "out of memory");
        }
        memcpy(all + f->n, rules, (size_t)n * sizeof *rules);
        free(rules);
        f->rules = all;
        f->n += n;
    } else {
        free_rules(f->rules, f->n);
        f->rules = rules;
        f->n = n;
    }
    pthread_mutex_unlock(&f->lock);
    return MOCK_OK;
}

mock_status mock_faults_check(const cJSON *rules, const char *file, const char *path,
                              cx_error *err)
{
    if (!cJSON_IsArray(rules))
        return cx_error_set(err, MOCK_EINVAL, "%s%s%s: expected an array of fault rules",
                            file && file[0] ? file : "", file && file[0] ? ": " : "", path);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, rules)
    {
        rule r;
        int rc = parse_rule(it, file, path, i++, err, &r);
        free(r.fx.body);
        free(r.fx.patch);
        free(r.note);
        if (rc != 0)
            return MOCK_EINVAL;
    }
    return MOCK_OK;
}

bool mock__glob(const char *pat, const char *path)
{
    for (;;) {
        if (pat[0] == '*' && pat[1] == '*')
            return true;
        if (*pat == '*') {
            while (*path && *path != '/')
                path++;
            pat++;
            continue;
        }
        if (*pat != *path)
            return false;
        if (!*pat)
            return true;
        pat++;
        path++;
    }
}

static double rand01(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* A standard normal draw (Box-Muller). */
static double normal01(uint64_t *s)
{
    double u = rand01(s), v = rand01(s);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static long draw_delay(const rule *r, uint64_t *rng)
{
    double ms;
    switch (r->delay_kind) {
    case MOCK_DELAY_UNIFORM:
        ms = r->delay_a + (r->delay_b - r->delay_a) * rand01(rng);
        break;
    case MOCK_DELAY_LOGNORMAL:
        ms = r->delay_a * exp(r->delay_b * normal01(rng));
        break;
    default:
        return r->fx.delay_ms;
    }
    return ms > 600000 ? 600000 : lround(ms);
}

void mock__faults_match(mock__faults *f, const char *method, const char *path, double t,
                        mock__effect *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->n; i++) {
        rule *r = &f->rules[i];
        if (r->disabled)
            continue;
        if ((strcmp(r->method, "*") != 0 && strcasecmp(r->method, method) != 0) ||
            !mock__glob(r->path, path) || t < r->from || (r->until >= 0 && t >= r->until))
            continue;
        if (r->times >= 0 && r->fired >= r->times)
            continue;
        r->matched++;
        if (r->matched <= r->after)
            continue;
        if (r->probability < 1 && rand01(&f->rng) >= r->probability)
            continue;
        r->fired++;
        *out = r->fx;
        out->delay_ms = draw_delay(r, &f->rng);
        if (r->fx.action == MOCK_ACT_RANDOM_DATA) /* draws only what it uses */
            out->wire.seed = (unsigned long long)(rand01(&f->rng) * 9007199254740992.0);
        out->body = r->fx.body ? strdup(r->fx.body) : NULL;
        out->patch = r->fx.patch ? strdup(r->fx.patch) : NULL;
        out->fired = true;
        out->rule = i;
        break;
    }
    pthread_mutex_unlock(&f->lock);
}

void mock__effect_free(mock__effect *e)
{
    free(e->body);
    free(e->patch);
    e->body = e->patch = NULL;
}

cJSON *mock__faults_json(mock__faults *f)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->n; i++) {
        const rule *r = &f->rules[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        /* every field as read, defaults included; what is absent stays
         * absent, so the list (less matched and fired) loads back as is */
        cJSON_AddStringToObject(o, "method", r->method);
        cJSON_AddStringToObject(o, "path", r->path);
        if (r->times >= 0)
            cJSON_AddNumberToObject(o, "times", (double)r->times);
        cJSON_AddNumberToObject(o, "after", (double)r->after);
        cJSON_AddNumberToObject(o, "probability", r->probability);
        cJSON_AddNumberToObject(o, "from", r->from);
        if (r->until >= 0)
            cJSON_AddNumberToObject(o, "until", r->until);
        if (r->fx.status)
            cJSON_AddNumberToObject(o, "status", r->fx.status);
        if (r->fx.n_headers) {
            cJSON *h = cJSON_AddObjectToObject(o, "headers");
            for (int k = 0; h && k < r->fx.n_headers; k++)
                cJSON_AddStringToObject(h, r->fx.hname[k], r->fx.hvalue[k]);
        }
        if (r->fx.body)
            cJSON_AddItemToObject(o, "body", r->fx.body_json ? cJSON_Parse(r->fx.body)
                                                             : cJSON_CreateString(r->fx.body));
        if (r->delay_kind != MOCK_DELAY_FIXED) {
            cJSON *d = cJSON_AddObjectToObject(o, "delayDistribution");
            bool uni = r->delay_kind == MOCK_DELAY_UNIFORM;
            cJSON_AddStringToObject(d, "type", uni ? "uniform" : "lognormal");
            cJSON_AddNumberToObject(d, uni ? "lower" : "median", r->delay_a);
            cJSON_AddNumberToObject(d, uni ? "upper" : "sigma", r->delay_b);
        } else if (r->fx.delay_ms) {
            cJSON_AddNumberToObject(o, "delayMs", (double)r->fx.delay_ms);
        }
        if (r->fx.wire.chunks)
            cJSON_AddNumberToObject(o, "chunks", r->fx.wire.chunks);
        if (r->fx.action == MOCK_ACT_DRIBBLE || r->fx.action == MOCK_ACT_SLOW_CLOSE)
            cJSON_AddNumberToObject(o, "durationMs", (double)r->fx.wire.duration_ms);
        if (r->fx.wire.bytes_per_s)
            cJSON_AddNumberToObject(o, "bytesPerSecond", (double)r->fx.wire.bytes_per_s);
        if (r->fx.action)
            cJSON_AddStringToObject(o, "action", mock__action_name(r->fx.action));
        if (r->fx.patch)
            cJSON_AddItemToObject(o, "patch", cJSON_Parse(r->fx.patch));
        if (r->note)
            cJSON_AddStringToObject(o, "note", r->note);
        cJSON_AddNumberToObject(o, "matched", (double)r->matched);
        cJSON_AddNumberToObject(o, "fired", (double)r->fired);
        cJSON_AddBoolToObject(o, "enabled", !r->disabled);
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&f->lock);
    return arr;
}

mock_status mock__faults_enable(mock__faults *f, int index, bool on)
{
    pthread_mutex_lock(&f->lock);
    bool ok = index >= 0 && index < f->n;
    if (ok)
        f->rules[index].disabled = !on;
    pthread_mutex_unlock(&f->lock);
    return ok ? MOCK_OK : MOCK_ENOENT;
}
