/* sim_config.c - the dialer settings and the whole config file. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "sim_model.h"

const char *sim_strerror(sim_status st)
{
    switch (st) {
    case SIM_OK:
        return "ok";
    case SIM_EINVAL:
        return "invalid input";
    case SIM_ENOMEM:
        return "out of memory";
    case SIM_EIO:
        return "I/O error";
    case SIM_ENUM:
        return "numerical failure";
    }
    return "unknown status";
}

static const char *const strategy_names[] = {"predictive", "progressive", "power", "preview",
                                             "fixed-rate", "vicidial",    NULL};
static const char *const vici_modes[] = {"hard-limit", "tapered", "average", NULL};

const char *sim_strategy_name(sim_strategy s)
{
    return (unsigned)s <= SIM_VICIDIAL ? strategy_names[s] : "?";
}

sim_dialer sim_dialer_default(void)
{
    sim_dialer d = {
        .answer_rate = 0.72,
        .abandon_rate = 0.025,
        .max_concurrent_calls = 80,
        .call_interval_ms = 120,
        .strategy = SIM_PREDICTIVE,
        .warm_up_s = 30,
        .dial_rate = 0,
        .vicidial = {.mode = SIM_VICI_HARD_LIMIT,
                     .max_level = 3.0,
                     .intensity = 0,
                     .diff_target = 0,
                     .calls_per_second = 5,
                     .shift_end_h = 8,
                     .initial_level = 1.0},
    };
    return d;
}

sim_bounds sim_seed_bounds(void)
{
    sim_bounds b = {
        .min_answer_rate = 0.05,
        .max_answer_rate = 0.95,
        .max_abandon_rate = 0.03,
        .min_concurrent_calls = 5,
        .max_concurrent_calls = 150,
        .min_call_interval = 50,
        .max_call_interval = 500,
        .min_warm_up = 0,
        .max_warm_up = 3600,
    };
    return b;
}

sim_status sim_dialer_check(const sim_dialer *d, cx_error *err)
{
    if (!(d->answer_rate > 0 && d->answer_rate <= 1))
        return cx_error_set(err, SIM_EINVAL, "dialer.answerRate must be in (0, 1], got %g",
                            d->answer_rate);
    if (!(d->abandon_rate >= 0 && d->abandon_rate < 1))
        return cx_error_set(err, SIM_EINVAL, "dialer.abandonRate must be in [0, 1), got %g",
                            d->abandon_rate);
    if (d->max_concurrent_calls < 1)
        return cx_error_set(err, SIM_EINVAL, "dialer.maxConcurrentCalls must be >= 1, got %d",
                            d->max_concurrent_calls);
    if (!(d->call_interval_ms >= 0) || !(d->warm_up_s >= 0))
        return cx_error_set(err, SIM_EINVAL,
                            "dialer.callInterval and dialer.warmUpPeriod must be >= 0");
    if (d->strategy == SIM_FIXED_RATE && !(d->dial_rate > 0))
        return cx_error_set(err, SIM_EINVAL, "dialer.dialRate must be > 0 for fixed-rate");
    const sim_vicidial *v = &d->vicidial;
    if (!(v->max_level >= 1 && v->initial_level >= 1 && v->initial_level <= v->max_level))
        return cx_error_set(err, SIM_EINVAL,
                            "dialer.vicidial: need 1 <= initialLevel <= maxLevel, got %g and %g",
                            v->initial_level, v->max_level);
    if (!(v->intensity >= -40 && v->intensity <= 40) || !(v->calls_per_second > 0))
        return cx_error_set(err, SIM_EINVAL,
                            "dialer.vicidial: intensity must be in [-40, 40] and "
                            "callsPerSecond > 0");
    return SIM_OK;
}

/* The members of a "vicidial" object (see sim_vicidial in dialsim.h). */
static int vicidial_read(cx_jobj *o, sim_vicidial *v)
{
    static const char *const keys[] = {"mode",           "maxLevel", "intensity",
                                       "dialLevelDiffTarget", "callsPerSecond", "shiftEnd",
                                       "initialLevel",   NULL};
    sim_vicidial x = *v;
    int mode = (int)x.mode;
    if (cx_jobj_only(o, keys) != 0 || cx_jobj_enum(o, "mode", false, vici_modes, &mode) != 0 ||
        cx_jobj_num(o, "maxLevel", false, 1, 100, &x.max_level) != 0 ||
        cx_jobj_num(o, "intensity", false, -40, 40, &x.intensity) != 0 ||
        cx_jobj_num(o, "dialLevelDiffTarget", false, -1e6, 1e6, &x.diff_target) != 0 ||
        cx_jobj_num(o, "callsPerSecond", false, 1e-3, 1e6, &x.calls_per_second) != 0 ||
        cx_jobj_num(o, "shiftEnd", false, -24, 48, &x.shift_end_h) != 0 ||
        cx_jobj_num(o, "initialLevel", false, 1, 100, &x.initial_level) != 0)
        return -1;
    x.mode = (sim_vici_mode)mode;
    if (x.initial_level > x.max_level)
        return cx_jobj_fail(o, "initialLevel", "must be at most maxLevel (%g), got %g",
                            x.max_level, x.initial_level);
    *v = x;
    return 0;
}

/* dialer.vicidial, when present */
static int vicidial_parse(cx_jobj *parent, sim_vicidial *v)
{
    cx_jobj o;
    int rc = cx_jobj_child(parent, "vicidial", false, &o);
    if (rc <= 0)
        return rc; /* absent (0) or not an object (-1) */
    return vicidial_read(&o, v);
}

sim_status sim_vicidial_parse(const cJSON *obj, const char *file, const char *path,
                              sim_vicidial *v, cx_error *err)
{
    cx_jobj o;
    if (cx_jobj_init(&o, obj, file, path, SIM_EINVAL, err) != 0 || vicidial_read(&o, v) != 0)
        return SIM_EINVAL;
    return SIM_OK;
}

sim_status sim_dialer_parse(const cJSON *obj, const char *file, const char *path,
                            sim_dialer *d, cx_error *err)
{
    static const char *const keys[] = {"answerRate",   "abandonRate", "maxConcurrentCalls",
                                       "callInterval", "strategy",    "warmUpPeriod",
                                       "dialRate",     "vicidial",    NULL};
    cx_jobj o;
    sim_dialer v = *d;
    long calls = v.max_concurrent_calls;
    int strategy = (int)v.strategy;
    if (cx_jobj_init(&o, obj, file, path, SIM_EINVAL, err) != 0 || cx_jobj_only(&o, keys) != 0 ||
        cx_jobj_num(&o, "answerRate", false, 1e-6, 1, &v.answer_rate) != 0 ||
        cx_jobj_num(&o, "abandonRate", false, 0, 0.999999, &v.abandon_rate) != 0 ||
        cx_jobj_int(&o, "maxConcurrentCalls", false, 1, 10000000, &calls) != 0 ||
        cx_jobj_num(&o, "callInterval", false, 0, 3.6e6, &v.call_interval_ms) != 0 ||
        cx_jobj_enum(&o, "strategy", false, strategy_names, &strategy) != 0 ||
        cx_jobj_num(&o, "warmUpPeriod", false, 0, 1e7, &v.warm_up_s) != 0 ||
        cx_jobj_num(&o, "dialRate", false, 0, 1e6, &v.dial_rate) != 0 ||
        vicidial_parse(&o, &v.vicidial) != 0)
        return SIM_EINVAL;
    v.max_concurrent_calls = (int)calls;
    v.strategy = (sim_strategy)strategy;
    if (v.strategy == SIM_FIXED_RATE && !(v.dial_rate > 0))
        return cx_jobj_fail(&o, "dialRate", "fixed-rate needs a dialRate > 0 (attempts/s)"),
               SIM_EINVAL;
    if (v.strategy != SIM_FIXED_RATE && cx_jobj_get(&o, "dialRate"))
        return cx_jobj_fail(&o, "dialRate", "applies only to the fixed-rate strategy"),
               SIM_EINVAL;
    if (v.strategy != SIM_VICIDIAL && cx_jobj_get(&o, "vicidial"))
        return cx_jobj_fail(&o, "vicidial", "applies only to the vicidial strategy"),
               SIM_EINVAL;
    *d = v;
    return SIM_OK;
}

static void config_defaults(sim_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dialer = sim_dialer_default();
    cfg->hours = 8;
    cfg->seed = 1;
    cfg->replications = 1;
    cfg->interval_minutes = 15;
}

sim_status sim_config_parse(const cJSON *root, const char *file, sim_config *cfg,
                            cx_error *err)
{
    static const char *const keys[] = {"campaign", "dialer",       "hours",           "seed",
                                       "replications", "intervalMinutes", "discardHours", NULL};
    config_defaults(cfg);
    cx_jobj o;
    long reps = 1;
    double seed = 1;
    if (cx_jobj_init(&o, root, file, "", SIM_EINVAL, err) != 0 || cx_jobj_only(&o, keys) != 0 ||
        cx_jobj_num(&o, "hours", false, 1e-6, 24.0 * 3660, &cfg->hours) != 0 ||
        cx_jobj_num(&o, "discardHours", false, 0, 24.0 * 3660, &cfg->discard_hours) != 0 ||
        cx_jobj_num(&o, "seed", false, 0, 9007199254740991.0, &seed) != 0 ||
        cx_jobj_int(&o, "replications", false, 1, 100000, &reps) != 0 ||
        cx_jobj_num(&o, "intervalMinutes", false, 0, 1e6, &cfg->interval_minutes) != 0)
        return SIM_EINVAL;
    if (cfg->interval_minutes > 0 && cfg->interval_minutes < 0.01) /* 0: no series */
        return cx_jobj_fail(&o, "intervalMinutes", "must be 0 (no series) or >= 0.01, got %g",
                            cfg->interval_minutes),
               SIM_EINVAL;
    if (seed != floor(seed))
        return cx_jobj_fail(&o, "seed", "must be a whole number, got %g", seed), SIM_EINVAL;
    cfg->seed = (uint64_t)seed;
    cfg->replications = (int)reps;
    const cJSON *dialer = cx_jobj_get(&o, "dialer");
    if (dialer && sim_dialer_parse(dialer, file, "dialer", &cfg->dialer, err) != SIM_OK)
        return SIM_EINVAL;
    const cJSON *campaign = cx_jobj_get(&o, "campaign");
    if (!campaign)
        return cx_jobj_fail(&o, "campaign", "required key is missing"), SIM_EINVAL;
    return sim_model_parse(campaign, file, "campaign", &cfg->model, err);
}

sim_status sim_config_load(const char *path, sim_config *cfg, cx_error *err)
{
    config_defaults(cfg);
    cJSON *root = cx_json_load_file(path, err);
    if (!root) {
        if (err)
            err->code = SIM_EINVAL;
        return SIM_EINVAL;
    }
    sim_status st = sim_config_parse(root, path, cfg, err);
    cJSON_Delete(root);
    return st;
}

sim_status sim_config_init(sim_config *cfg, const sim_model *model, const sim_dialer *d,
                           double hours, uint64_t seed, int replications, cx_error *err)
{
    config_defaults(cfg);
    sim_status st = sim_dialer_check(d, err);
    if (st != SIM_OK)
        return st;
    if (!(hours > 0) || replications < 1)
        return cx_error_set(err, SIM_EINVAL, "hours must be > 0 and replications >= 1");
    cfg->dialer = *d;
    cfg->hours = hours;
    cfg->seed = seed;
    cfg->replications = replications;
    return sim_model_clone(model, &cfg->model, err);
}

void sim_config_free(sim_config *cfg)
{
    if (!cfg)
        return;
    sim_model_destroy(cfg->model);
    cfg->model = NULL;
}
