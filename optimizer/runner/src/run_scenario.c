/* run_scenario.c - reading a scenario file; every error names the file and
 * the key path ("baseline.json: policy.target.answerRate: must be <= 1"). */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dialsim.h"
#include "mockcxone.h"
#include "run_internal.h"

const char *run_strerror(run_status st)
{
    switch (st) {
    case RUN_OK:
        return "ok";
    case RUN_EINVAL:
        return "invalid scenario";
    case RUN_ENOMEM:
        return "out of memory";
    case RUN_EIO:
        return "I/O error";
    case RUN_EFAIL:
        return "run failed";
    }
    return "unknown status";
}

static const char *const outcome_names[RUN_OUTCOMES + 1] = {
    "applied",          "unchanged",   "dry-run",    "rejected-validation",
    "rejected-compliance", "rejected-state", "failed-auth", "failed-api",
    "failed-network",   NULL};

static int read_window(cx_jobj *o, const char *key, double *out)
{
    const cJSON *v = cx_jobj_get(o, key);
    if (!v)
        return 0;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "fcc") == 0)
        *out = 30 * 86400.0;
    else if (cJSON_IsString(v) && strcmp(v->valuestring, "ofcom") == 0)
        *out = 86400.0;
    else if (cJSON_IsNumber(v) && v->valuedouble >= 60 && v->valuedouble <= 366 * 86400.0)
        *out = v->valuedouble;
    else
        return cx_jobj_fail(o, key, "expected \"fcc\" (30 days), \"ofcom\" (24 hours) or "
                                    "seconds in [60, 31622400]");
    return 0;
}

static int read_policy(run_scenario *s, cx_jobj *top)
{
    static const char *const names[] = {"static", "vicidial", "adaptive", "oracle",
                                        "do-nothing", NULL};
    const cJSON *v = cx_jobj_get(top, "policy");
    int k = 2;
    if (!v) {
        cx_copy(s->policy, sizeof s->policy, "adaptive");
        return 0;
    }
    if (cJSON_IsString(v)) {
        if (cx_jobj_enum(top, "policy", true, names, &k) != 0)
            return -1;
        cx_copy(s->policy, sizeof s->policy, names[k]);
    } else {
        cx_jobj p;
        static const char *const keys[] = {"name", "target", "vicidial", NULL};
        if (cx_jobj_child(top, "policy", true, &p) < 0 || cx_jobj_only(&p, keys) ||
            cx_jobj_enum(&p, "name", true, names, &k))
            return -1;
        cx_copy(s->policy, sizeof s->policy, names[k]);
        const cJSON *vd = cx_jobj_get(&p, "vicidial");
        if (vd) {
            char path[300];
            cx_jobj_subpath(&p, "vicidial", 0, path, sizeof path);
            if (sim_vicidial_parse(vd, s->file, path, &s->vicidial, p.err) != SIM_OK)
                return -1;
        }
        const cJSON *t = cx_jobj_get(&p, "target");
        if (t) {
            s->target = s->initial;
            char path[300];
            cx_jobj_subpath(&p, "target", 0, path, sizeof path);
            if (opt_params_from_json(t, s->file, path, true, &s->target, p.err) != OPT_OK)
                return -1;
            s->has_target = true;
        }
    }
    if (strcmp(s->policy, "static") == 0 && !s->has_target)
        return cx_jobj_fail(top, "policy", "the static policy needs a \"target\"");
    return 0;
}

static int read_outcomes(run_scenario *s, cx_jobj *e, run_expect *x)
{
    (void)s;
    cx_jobj o;
    int has = cx_jobj_child(e, "outcomes", false, &o);
    if (has <= 0)
        return has;
    if (cx_jobj_only(&o, outcome_names) != 0)
        return -1;
    for (int i = 0; i < RUN_OUTCOMES; i++) {
        cx_jobj b;
        int h = cx_jobj_child(&o, outcome_names[i], false, &b);
        if (h < 0)
            return -1;
        if (!h)
            continue;
        static const char *const keys[] = {"min", "max", NULL};
        x->outcome_min[i] = 0; /* an entry is whole: a profile's overrides both bounds */
        x->outcome_max[i] = -1;
        if (cx_jobj_only(&b, keys) ||
            cx_jobj_int(&b, "min", false, 0, 100000, &x->outcome_min[i]) ||
            cx_jobj_int(&b, "max", false, 0, 100000, &x->outcome_max[i]))
            return -1;
    }
    return 0;
}

static void expect_defaults(run_expect *x)
{
    memset(x, 0, sizeof *x);
    x->window_min_live = 1000;
    x->max_applied = -1;
    x->max_retries = -1;
    x->max_reauths = -1;
    x->max_webhooks_failed = -1;
    x->audit_per_cycle = true;
    x->no_lost_update = true;
    for (int i = 0; i < 3; i++)
        x->max_latency_ms[i] = -1;
    for (int i = 0; i < RUN_OUTCOMES; i++)
        x->outcome_max[i] = -1;
}

static int read_expect_into(run_scenario *s, cx_jobj *e, run_expect *x, bool top_level);

static int read_expect(run_scenario *s, cx_jobj *top)
{
    expect_defaults(&s->expect);
    cx_jobj e;
    int has = cx_jobj_child(top, "expect", false, &e);
    if (has < 0)
        return -1;
    if (has && read_expect_into(s, &e, &s->expect, true) != 0)
        return -1;
    s->expect_cxone = s->expect;
    if (!has)
        return 0;
    cx_jobj by, cx;
    int hb = cx_jobj_child(&e, "byProfile", false, &by);
    if (hb <= 0)
        return hb;
    static const char *const profiles[] = {"seed", "cxone", NULL};
    if (cx_jobj_only(&by, profiles))
        return -1;
    int hs = cx_jobj_child(&by, "seed", false, &cx);
    if (hs < 0 || (hs && read_expect_into(s, &cx, &s->expect, false) != 0))
        return -1;
    int hc = cx_jobj_child(&by, "cxone", false, &cx);
    if (hc < 0 || (hc && read_expect_into(s, &cx, &s->expect_cxone, false) != 0))
        return -1;
    return 0;
}

static int read_expect_into(run_scenario *s, cx_jobj *ep, run_expect *x, bool top_level)
{
    cx_jobj e = *ep;
#define RUN_EXPECT_KEYS                                                                        \
    "maxWindowAbandonRate", "windowMinLiveAnswers", "minOccupancy",                            \
        "minOccupancyGainOverDoNothing", "minApplied", "maxApplied", "minRetries", "maxRetries", \
        "minReauths", "maxReauths", "minWebhooksFailed", "maxWebhooksFailed", "auditPerCycle",   \
        "noLostUpdate", "maxLatencyMs", "outcomes"
    static const char *const keys[] = {RUN_EXPECT_KEYS, "byProfile", NULL};
    static const char *const inner[] = {RUN_EXPECT_KEYS, NULL};
#undef RUN_EXPECT_KEYS
    if (cx_jobj_only(&e, top_level ? keys : inner) ||
        cx_jobj_int(&e, "maxRetries", false, 0, 100000, &x->max_retries) ||
        cx_jobj_int(&e, "minReauths", false, 0, 100000, &x->min_reauths) ||
        cx_jobj_int(&e, "maxReauths", false, 0, 100000, &x->max_reauths) ||
        cx_jobj_int(&e, "minWebhooksFailed", false, 0, 100000, &x->min_webhooks_failed) ||
        cx_jobj_int(&e, "maxWebhooksFailed", false, 0, 100000, &x->max_webhooks_failed) ||
        cx_jobj_int(&e, "windowMinLiveAnswers", false, 0, 1L << 40, &x->window_min_live) ||
        cx_jobj_int(&e, "minApplied", false, 0, 100000, &x->min_applied) ||
        cx_jobj_int(&e, "maxApplied", false, 0, 100000, &x->max_applied) ||
        cx_jobj_int(&e, "minRetries", false, 0, 100000, &x->min_retries) ||
        cx_jobj_bool(&e, "auditPerCycle", false, &x->audit_per_cycle) ||
        cx_jobj_bool(&e, "noLostUpdate", false, &x->no_lost_update))
        return -1;
    if (cx_jobj_get(&e, "maxWindowAbandonRate")) {
        x->has_max_window_rate = true;
        if (cx_jobj_num(&e, "maxWindowAbandonRate", true, 0, 1, &x->max_window_rate))
            return -1;
    }
    if (cx_jobj_get(&e, "minOccupancy")) {
        x->has_min_occupancy = true;
        if (cx_jobj_num(&e, "minOccupancy", true, 0, 1, &x->min_occupancy))
            return -1;
    }
    if (cx_jobj_get(&e, "minOccupancyGainOverDoNothing")) {
        x->has_min_occupancy_gain = true;
        if (cx_jobj_num(&e, "minOccupancyGainOverDoNothing", true, 0, 1,
                        &x->min_occupancy_gain))
            return -1;
    }
    cx_jobj l;
    int hl = cx_jobj_child(&e, "maxLatencyMs", false, &l);
    if (hl < 0)
        return -1;
    if (hl) {
        static const char *const lk[] = {"p50", "p95", "p99", NULL};
        if (cx_jobj_only(&l, lk))
            return -1;
        for (int i = 0; i < 3; i++)
            if (cx_jobj_num(&l, lk[i], false, 0, 1e9, &x->max_latency_ms[i]))
                return -1;
    }
    return read_outcomes(s, &e, x);
}

/* What `on` names, per profile: the requests a rule hits. */
static const struct {
    const char *on;
    const char *method, *seed_path, *cxone_path;
} targets[] = {
    {"token", "POST", "/auth/token", "/auth/token"},
    {"read", "GET", "/api/v2/campaigns/*", "/inContactAPI/services/*/skills/*"},
    {"write", "PATCH", "/api/v2/campaigns/*",
     "/inContactAPI/services/*/skills/*/parameters/general-settings"},
    {"stats", "GET", "/api/v2/campaigns/*/stats", "/inContactAPI/services/*/skills/*/call-data"},
    {"api", "*", "/api/**", "/inContactAPI/**"},
    {"webhook", "POST", "/__webhook/**", "/__webhook/**"},
    {NULL, NULL, NULL, NULL},
};

/* A rule for one profile: `on` becomes method and path. */
static cJSON *translate(const cJSON *rule, bool cxone)
{
    cJSON *c = cJSON_Duplicate(rule, 1);
    const cJSON *on = c ? cJSON_GetObjectItemCaseSensitive(c, "on") : NULL;
    if (!on)
        return c;
    for (int i = 0; targets[i].on; i++) {
        if (!cJSON_IsString(on) || strcmp(on->valuestring, targets[i].on) != 0)
            continue;
        const char *method = targets[i].method;
        if (cxone && strcmp(method, "PATCH") == 0)
            method = "PUT";
        cJSON_AddStringToObject(c, "method", method);
        cJSON_AddStringToObject(c, "path", cxone ? targets[i].cxone_path : targets[i].seed_path);
        break;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(c, "on");
    return c;
}

/* Turns the fault script into mock rules with from/until in seconds, once
 * for each profile's paths. */
static int read_faults(run_scenario *s, cx_jobj *top)
{
    const cJSON *arr = cx_jobj_get(top, "faults");
    s->faults = cJSON_CreateObject();
    s->faults_cxone = cJSON_CreateObject();
    cJSON *rules = s->faults ? cJSON_AddArrayToObject(s->faults, "faults") : NULL;
    cJSON *rules_cx = s->faults_cxone ? cJSON_AddArrayToObject(s->faults_cxone, "faults") : NULL;
    if (!rules || !rules_cx) {
        s->oom = true;
        return cx_error_set(top->err, RUN_ENOMEM, "out of memory"), -1;
    }
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return cx_jobj_fail(top, "faults", "expected an array of {fromCycle|fromTime, "
                                           "untilCycle|untilTime, rules}");
    int g = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        char path[64];
        snprintf(path, sizeof path, "faults[%d]", g);
        cx_jobj f;
        static const char *const keys[] = {"fromCycle", "untilCycle", "fromTime", "untilTime",
                                           "rules",     "note",       NULL};
        long fc = -1, uc = -1;
        double ft = -1, ut = -1;
        if (cx_jobj_init(&f, it, s->file, path, RUN_EINVAL, top->err) || cx_jobj_only(&f, keys) ||
            cx_jobj_int(&f, "fromCycle", false, 1, 1000000, &fc) ||
            cx_jobj_int(&f, "untilCycle", false, 1, 1000000, &uc) ||
            cx_jobj_num(&f, "fromTime", false, 0, 1e9, &ft) ||
            cx_jobj_num(&f, "untilTime", false, 0, 1e9, &ut))
            return -1;
        if (fc >= 0 && ft >= 0)
            return cx_jobj_fail(&f, "fromTime", "give fromCycle or fromTime, not both");
        if (uc >= 0 && ut >= 0)
            return cx_jobj_fail(&f, "untilTime", "give untilCycle or untilTime, not both");
        /* cycle k runs at k periods: a cycle window spans half a period each side */
        double from = fc >= 0 ? (fc - 0.5) * s->period_s : (ft >= 0 ? ft : 0);
        double until = uc >= 0 ? (uc + 0.5) * s->period_s : ut;
        if (until >= 0 && until < from)
            return cx_jobj_fail(&f, NULL, "the fault window ends before it starts");
        const cJSON *r = cx_jobj_get(&f, "rules");
        char rpath[80];
        snprintf(rpath, sizeof rpath, "%s.rules", path);
        if (!r || !cJSON_IsArray(r))
            return cx_jobj_fail(&f, "rules", "required: an array of fault rules");
        int k = 0;
        const cJSON *rule;
        cJSON_ArrayForEach(rule, r)
        {
            char key[32];
            snprintf(key, sizeof key, "rules[%d]", k++);
            if (cJSON_GetObjectItem(rule, "from") || cJSON_GetObjectItem(rule, "until"))
                return cx_jobj_fail(&f, key, "set the window on the group (fromCycle, "
                                             "untilCycle...), not on the rule");
            const cJSON *on = cJSON_GetObjectItem(rule, "on");
            if (on) {
                bool known = false;
                for (int i = 0; cJSON_IsString(on) && targets[i].on; i++)
                    known |= strcmp(on->valuestring, targets[i].on) == 0;
                if (!known)
                    return cx_jobj_fail(&f, key, "on: expected token, read, write, stats, api "
                                                 "or webhook");
                if (cJSON_GetObjectItem(rule, "method") || cJSON_GetObjectItem(rule, "path"))
                    return cx_jobj_fail(&f, key, "give \"on\" or method and path, not both");
            }
            for (int profile = 0; profile < 2; profile++) {
                cJSON *c = translate(rule, profile == 1);
                if (!c) {
                    s->oom = true;
                    return cx_error_set(top->err, RUN_ENOMEM, "out of memory"), -1;
                }
                cJSON_AddNumberToObject(c, "from", from);
                if (until >= 0)
                    cJSON_AddNumberToObject(c, "until", until);
                cJSON_AddItemToArray(profile ? rules_cx : rules, c);
            }
        }
        /* check the rules as the mock will load them (paths named as written) */
        cJSON *check = cJSON_CreateArray();
        cJSON_ArrayForEach(rule, r) cJSON_AddItemToArray(check, translate(rule, false));
        mock_status ms = mock_faults_check(check, s->file, rpath, top->err);
        cJSON_Delete(check);
        if (ms != MOCK_OK) {
            top->err->code = RUN_EINVAL;
            return -1;
        }
        g++;
    }
    return 0;
}

static int parse(run_scenario *s, const cJSON *root, cx_error *err)
{
    static const char *const keys[] = {
        "$schema",    "name",   "description", "seed",       "campaign", "dialer",
        "constraints", "regulation", "policy",  "cycles",     "prediction", "client",
        "rateLimit",  "webhook", "faults",     "expect",     "profile",    NULL};
    static const char *const profiles[] = {"seed", "cxone", NULL};
    int profile = 0;
    cx_jobj top;
    const char *name = NULL, *desc = "";
    double seed = 1;
    if (cx_jobj_init(&top, root, s->file, "", RUN_EINVAL, err) || cx_jobj_only(&top, keys) ||
        cx_jobj_str(&top, "name", true, &name) || cx_jobj_str(&top, "description", false, &desc) ||
        cx_jobj_num(&top, "seed", false, 0, 9007199254740991.0, &seed) ||
        cx_jobj_enum(&top, "profile", false, profiles, &profile))
        return -1;
    cx_copy(s->profile, sizeof s->profile, profiles[profile]);
    if (!cx_copy(s->name, sizeof s->name, name) || !name[0])
        return cx_jobj_fail(&top, "name", "must be 1 to %zu characters", sizeof s->name - 1);
    cx_copy(s->description, sizeof s->description, desc);
    if (seed != floor(seed))
        return cx_jobj_fail(&top, "seed", "must be a whole number");
    s->seed = (uint64_t)seed;

    const cJSON *camp = cx_jobj_get(&top, "campaign");
    if (!camp)
        return cx_jobj_fail(&top, "campaign", "required key is missing");
    sim_model *m = NULL;
    if (sim_model_parse(camp, s->file, "campaign", &m, err) != SIM_OK) {
        err->code = RUN_EINVAL;
        return -1;
    }
    sim_model_destroy(m);
    s->campaign = cJSON_Duplicate(camp, 1);

    s->initial = opt_params_seed();
    const cJSON *dialer = cx_jobj_get(&top, "dialer");
    if (dialer) {
        if (opt_params_from_json(dialer, s->file, "dialer", true, &s->initial, err) != OPT_OK) {
            err->code = RUN_EINVAL;
            return -1;
        }
        s->dialer = cJSON_Duplicate(dialer, 1);
    }
    s->constraints = opt_constraints_seed();
    const cJSON *cons = cx_jobj_get(&top, "constraints");
    if (cons && opt_constraints_from_json(cons, s->file, "constraints", &s->constraints, err) !=
                    OPT_OK) {
        err->code = RUN_EINVAL;
        return -1;
    }
    s->limit = 0.03;
    s->window_s = 30 * 86400.0;
    cx_jobj reg;
    int has = cx_jobj_child(&top, "regulation", false, &reg);
    if (has < 0)
        return -1;
    if (has) {
        static const char *const rk[] = {"limit", "window", "amdFalsePositive", NULL};
        if (cx_jobj_only(&reg, rk) || cx_jobj_num(&reg, "limit", false, 0.001, 0.5, &s->limit) ||
            cx_jobj_num(&reg, "amdFalsePositive", false, 0, 0.5, &s->amd_false_positive) ||
            read_window(&reg, "window", &s->window_s))
            return -1;
    }
    cx_jobj cy;
    long count = 0;
    static const char *const ck[] = {"period", "count", NULL};
    if (cx_jobj_child(&top, "cycles", true, &cy) < 0 || cx_jobj_only(&cy, ck) ||
        cx_jobj_num(&cy, "period", true, 1, 86400, &s->period_s) ||
        cx_jobj_int(&cy, "count", true, 1, 10000, &count))
        return -1;
    s->cycles = (int)count;
    /* VICIdial's defaults, its shift ending with the run (or the day) */
    s->vicidial = sim_dialer_default().vicidial;
    s->vicidial.shift_end_h = fmin(24.0, s->cycles * s->period_s / 3600.0);
    if (read_policy(s, &top))
        return -1;
    s->predict_hours = 1;
    s->predict_replications = 6;
    cx_jobj pr;
    if ((has = cx_jobj_child(&top, "prediction", false, &pr)) < 0)
        return -1;
    long reps = s->predict_replications;
    static const char *const pk[] = {"hours", "replications", NULL};
    if (has && (cx_jobj_only(&pr, pk) || cx_jobj_num(&pr, "hours", false, 0.05, 48, &s->predict_hours) ||
                cx_jobj_int(&pr, "replications", false, 2, 1000, &reps)))
        return -1;
    s->predict_replications = (int)reps;
    cx_copy(s->scope, sizeof s->scope, "campaign:read campaign:write");
    s->token_ttl_s = 3600;
    cx_jobj cl;
    if ((has = cx_jobj_child(&top, "client", false, &cl)) < 0)
        return -1;
    const char *scope = NULL;
    static const char *const clk[] = {"scope", "tokenTtl", "timeoutMs", NULL};
    s->timeout_ms = 0;
    if (has && (cx_jobj_only(&cl, clk) || cx_jobj_str(&cl, "scope", false, &scope) ||
                cx_jobj_num(&cl, "tokenTtl", false, 1, 1e7, &s->token_ttl_s) ||
                cx_jobj_int(&cl, "timeoutMs", false, 100, 600000, &s->timeout_ms)))
        return -1;
    if (scope)
        cx_copy(s->scope, sizeof s->scope, scope);
    cx_jobj rl;
    if ((has = cx_jobj_child(&top, "rateLimit", false, &rl)) < 0)
        return -1;
    static const char *const rlk[] = {"rate", "burst", NULL};
    if (has && (cx_jobj_only(&rl, rlk) || cx_jobj_num(&rl, "rate", true, 0.001, 1e6, &s->rate) ||
                cx_jobj_num(&rl, "burst", true, 1, 1e6, &s->burst)))
        return -1;
    s->webhook = true;
    if (cx_jobj_bool(&top, "webhook", false, &s->webhook))
        return -1;
    if (read_faults(s, &top) || read_expect(s, &top))
        return -1;
    return 0;
}

/* Checks a parsed document into a new scenario named after `file`. */
static run_status from_root(cJSON *root, const char *file, run_scenario **out, cx_error *err)
{
    run_scenario *s = calloc(1, sizeof *s);
    if (!s || !(s->file = strdup(file))) {
        free(s);
        return cx_error_set(err, RUN_ENOMEM, "out of memory");
    }
    int rc = parse(s, root, err);
    if (rc != 0 || !s->campaign) {
        /* the message may come from another library: the status is ours */
        run_status st = s->oom || rc == 0 ? RUN_ENOMEM : RUN_EINVAL;
        if (err)
            err->code = st;
        run_scenario_destroy(s);
        return st;
    }
    *out = s;
    return RUN_OK;
}

run_status run_scenario_load(const char *path, run_scenario **out, cx_error *err)
{
    *out = NULL;
    cJSON *root = cx_json_load_file(path, err);
    if (!root) {
        if (err)
            err->code = RUN_EINVAL;
        return RUN_EINVAL;
    }
    run_status st = from_root(root, path, out, err);
    cJSON_Delete(root);
    return st;
}

run_status run_scenario_parse(const char *text, size_t len, const char *name,
                              run_scenario **out, cx_error *err)
{
    *out = NULL;
    cJSON *root = cx_json_parse(text, len, name, err);
    if (!root) {
        if (err)
            err->code = RUN_EINVAL;
        return RUN_EINVAL;
    }
    run_status st = from_root(root, name, out, err);
    cJSON_Delete(root);
    return st;
}

void run_scenario_destroy(run_scenario *s)
{
    if (!s)
        return;
    cJSON_Delete(s->campaign);
    cJSON_Delete(s->dialer);
    cJSON_Delete(s->faults);
    cJSON_Delete(s->faults_cxone);
    free(s->file);
    free(s);
}

const char *run_scenario_name(const run_scenario *s) { return s->name; }
const char *run_scenario_policy(const run_scenario *s) { return s->policy; }

/* ------------------------------------------------------------- listing */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void run_free_list(char **list)
{
    for (char **p = list; p && *p; p++)
        free(*p);
    free(list);
}

char **run_list_files(char *const *args, int n, cx_error *err)
{
    size_t cap = 16, len = 0;
    char **list = calloc(cap, sizeof *list);
    if (!list)
        return cx_error_set(err, RUN_ENOMEM, "out of memory"), NULL;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            cx_error_set(err, RUN_EIO, "%s: no such file or directory", args[i]);
            run_free_list(list);
            return NULL;
        }
        size_t first = len;
        DIR *d = S_ISDIR(st.st_mode) ? opendir(args[i]) : NULL;
        struct dirent *e;
        const char *one = S_ISDIR(st.st_mode) ? NULL : args[i];
        while (one || (d && (e = readdir(d)) != NULL)) {
            char path[4096];
            if (one) {
                snprintf(path, sizeof path, "%s", one);
                one = NULL;
            } else {
                size_t l = strlen(e->d_name);
                if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 ||
                    strcmp(e->d_name, "schema.json") == 0)
                    continue;
                snprintf(path, sizeof path, "%s/%s", args[i], e->d_name);
            }
            if (len + 2 > cap) {
                char **g = realloc(list, (cap *= 2) * sizeof *list);
                if (!g) {
                    if (d)
                        closedir(d);
                    run_free_list(list);
                    return cx_error_set(err, RUN_ENOMEM, "out of memory"), NULL;
                }
                list = g;
            }
            list[len++] = strdup(path);
            list[len] = NULL;
        }
        if (d)
            closedir(d);
        qsort(list + first, len - first, sizeof *list, by_name);
        if (S_ISDIR(st.st_mode) && len == first) {
            cx_error_set(err, RUN_EIO, "%s: no scenario (*.json) in this directory", args[i]);
            run_free_list(list);
            return NULL;
        }
    }
    return list;
}
