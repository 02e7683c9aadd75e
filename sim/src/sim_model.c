/* sim_model.c - parsing and evaluating the campaign model.
 *
 * Every value is checked where it is read, so an invalid model never reaches
 * the engine: probabilities in [0,1] whose sum cannot pass 1 at any hour,
 * non-negative times, distributions whose parameters exist. */
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"

/* ------------------------------------------------------- distributions */

sim__dist sim__dist_fixed(double v)
{
    sim__dist d = {.kind = SIM__FIXED, .mean = v, .sd = 0, .a = v, .b = v};
    return d;
}

sim__dist sim__dist_exponential(double mean)
{
    sim__dist d = {.kind = SIM__EXPONENTIAL, .mean = mean, .sd = mean};
    return d;
}

int sim__dist_read(cx_jobj *o, const char *key, bool required, sim__dist *d)
{
    const cJSON *v = cx_jobj_get(o, key);
    if (!v) {
        if (required)
            return cx_jobj_fail(o, key, "required key is missing");
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        if (!(v->valuedouble >= 0) || !isfinite(v->valuedouble))
            return cx_jobj_fail(o, key, "a duration must be >= 0, got %g", v->valuedouble);
        *d = sim__dist_fixed(v->valuedouble);
        return 0;
    }
    cx_jobj c;
    if (cx_jobj_child(o, key, true, &c) < 0)
        return -1;
    static const char *const kinds[] = {"fixed", "exponential", "lognormal", "gamma", "uniform",
                                        "weibull", NULL};
    int kind = -1;
    if (cx_jobj_enum(&c, "dist", true, kinds, &kind) != 0)
        return -1;
    sim__dist out = {.kind = (sim__dist_kind)kind};
    switch (out.kind) {
    case SIM__FIXED: {
        static const char *const k[] = {"dist", "mean", NULL};
        if (cx_jobj_only(&c, k) || cx_jobj_num(&c, "mean", true, 0, 1e9, &out.mean))
            return -1;
        out = sim__dist_fixed(out.mean);
        break;
    }
    case SIM__EXPONENTIAL: {
        static const char *const k[] = {"dist", "mean", NULL};
        if (cx_jobj_only(&c, k) || cx_jobj_num(&c, "mean", true, 0, 1e9, &out.mean))
            return -1;
        if (!(out.mean > 0))
            return cx_jobj_fail(&c, "mean", "an exponential needs a mean > 0");
        out.sd = out.mean;
        break;
    }
    case SIM__LOGNORMAL:
    case SIM__GAMMA: {
        static const char *const k[] = {"dist", "mean", "sd", NULL};
        if (cx_jobj_only(&c, k) || cx_jobj_num(&c, "mean", true, 0, 1e9, &out.mean) ||
            cx_jobj_num(&c, "sd", true, 0, 1e9, &out.sd))
            return -1;
        if (!(out.mean > 0))
            return cx_jobj_fail(&c, "mean", "a %s needs a mean > 0", kinds[kind]);
        if (!(out.sd > 0))
            return cx_jobj_fail(&c, "sd", "a %s needs an sd > 0", kinds[kind]);
        if (out.kind == SIM__LOGNORMAL) {
            double s2 = log1p((out.sd * out.sd) / (out.mean * out.mean));
            out.b = sqrt(s2);
            out.a = log(out.mean) - s2 / 2;
        } else {
            out.a = (out.mean * out.mean) / (out.sd * out.sd); /* shape */
            out.b = (out.sd * out.sd) / out.mean;              /* scale */
        }
        /* a mean near 0 with a wide sd passes each bound but gives a
         * shape or scale of 0 or infinity, and draws of NaN */
        if (!(isfinite(out.a) && isfinite(out.b) && out.b > 0 &&
              (out.kind == SIM__LOGNORMAL || out.a > 0)))
            return cx_jobj_fail(&c, "mean", "a %s with mean %g and sd %g cannot be drawn from",
                                kinds[kind], out.mean, out.sd);
        break;
    }
    case SIM__UNIFORM: {
        static const char *const k[] = {"dist", "min", "max", NULL};
        if (cx_jobj_only(&c, k) || cx_jobj_num(&c, "min", true, 0, 1e9, &out.a) ||
            cx_jobj_num(&c, "max", true, 0, 1e9, &out.b))
            return -1;
        if (out.b < out.a)
            return cx_jobj_fail(&c, "max", "must be >= min (%g), got %g", out.a, out.b);
        out.mean = (out.a + out.b) / 2;
        out.sd = (out.b - out.a) / sqrt(12.0);
        break;
    }
    case SIM__WEIBULL: {
        static const char *const k[] = {"dist", "shape", "scale", NULL};
        if (cx_jobj_only(&c, k) || cx_jobj_num(&c, "shape", true, 0.01, 1e3, &out.a) ||
            cx_jobj_num(&c, "scale", true, 0, 1e9, &out.b))
            return -1;
        if (!(out.b > 0))
            return cx_jobj_fail(&c, "scale", "a weibull needs a scale > 0");
        double g1 = tgamma(1 + 1 / out.a), g2 = tgamma(1 + 2 / out.a);
        out.mean = out.b * g1;
        out.sd = out.b * sqrt(fmax(0, g2 - g1 * g1));
        break;
    }
    }
    *d = out;
    return 0;
}

/* ------------------------------------------------------------ profiles */

double sim__profile_vary(const sim__profile *p, double t)
{
    if (p->n == 0)
        return p->value;
    double h = fmod(t / 3600.0, 24.0);
    if (h < 0)
        h += 24.0;
    /* the last point at or before h (wrapping to yesterday's last point) */
    int i = p->n - 1;
    for (int k = 0; k < p->n; k++)
        if (p->hour[k] <= h)
            i = k;
    if (!p->linear)
        return p->v[i];
    int j = (i + 1) % p->n;
    double h0 = p->hour[i], h1 = p->hour[j];
    if (h1 <= h0)
        h1 += 24.0;
    double x = h < h0 ? h + 24.0 : h;
    if (h1 == h0)
        return p->v[i];
    double w = (x - h0) / (h1 - h0);
    return p->v[i] + w * (p->v[j] - p->v[i]);
}

double sim__profile_max(const sim__profile *p)
{
    if (p->n == 0)
        return p->value;
    double m = p->v[0];
    for (int i = 1; i < p->n; i++)
        m = fmax(m, p->v[i]);
    return m;
}

/* Reads a number, or {"profile":[{"hour":h,"<vkey>":v}...],"interpolate":..}. */
static int read_profile(cx_jobj *o, const char *key, const char *vkey, const char *pkey,
                        double lo, double hi, bool whole, bool required, sim__profile *p)
{
    const cJSON *v = cx_jobj_get(o, key);
    if (!v) {
        if (required)
            return cx_jobj_fail(o, key, "required key is missing");
        return 0;
    }
    sim__profile out;
    memset(&out, 0, sizeof out);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!(d >= lo && d <= hi) || (whole && d != floor(d)))
            return cx_jobj_fail(o, key, "must be %s in [%g, %g], got %g",
                                whole ? "a whole number" : "a number", lo, hi, d);
        out.value = d;
        *p = out;
        return 0;
    }
    cx_jobj c;
    if (!cJSON_IsObject(v))
        return cx_jobj_fail(o, key, "expected a number or {\"%s\": [...]}", pkey);
    if (cx_jobj_child(o, key, true, &c) < 0)
        return -1;
    const char *const keys[] = {pkey, "interpolate", NULL};
    if (cx_jobj_only(&c, keys) != 0)
        return -1;
    static const char *const modes[] = {"step", "linear", NULL};
    int mode = whole ? 0 : 1;
    if (cx_jobj_enum(&c, "interpolate", false, modes, &mode) != 0)
        return -1;
    if (whole && mode == 1)
        return cx_jobj_fail(&c, "interpolate", "a schedule of agents steps");
    out.linear = mode == 1;
    const cJSON *arr = cx_jobj_get(&c, pkey);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : -1;
    if (n < 1 || n > SIM_PROFILE_MAX)
        return cx_jobj_fail(&c, pkey, "expected an array of 1 to %d points", SIM_PROFILE_MAX);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        char sub[64];
        snprintf(sub, sizeof sub, "%s[%d]", pkey, i);
        char path[300];
        snprintf(path, sizeof path, "%s%s%s", c.path, c.path[0] ? "." : "", sub);
        cx_jobj pt;
        const char *const pkeys[] = {"hour", vkey, NULL};
        if (cx_jobj_init(&pt, it, c.file, path, c.code, c.err) != 0 ||
            cx_jobj_only(&pt, pkeys) != 0 ||
            cx_jobj_num(&pt, "hour", true, 0, 23.999999, &out.hour[i]) != 0 ||
            cx_jobj_num(&pt, vkey, true, lo, hi, &out.v[i]) != 0)
            return -1;
        if (whole && out.v[i] != floor(out.v[i]))
            return cx_jobj_fail(&pt, vkey, "must be a whole number, got %g", out.v[i]);
        if (i > 0 && out.hour[i] <= out.hour[i - 1])
            return cx_jobj_fail(&pt, "hour", "hours must increase (%g after %g)", out.hour[i],
                                out.hour[i - 1]);
        i++;
    }
    out.n = n;
    *p = out;
    return 0;
}

static const char *const campaign_keys[] = {
    "agents",      "liveAnswerProbability", "machineProbability", "busyProbability",
    "busyTime",    "invalidProbability",    "invalidTime",        "noAnswerTimeout",
    "amd",         "machineHandleTime",     "ringTime",           "talkTime",
    "wrapTime",    "abandonThreshold",      "previewTime",        NULL};

#define FCC_MIN_RING_S SIM_MIN_NO_ANSWER_RING

sim_status sim_model_parse(const cJSON *campaign, const char *file, const char *path,
                           sim_model **out, cx_error *err)
{
    *out = NULL;
    sim_model m;
    memset(&m, 0, sizeof m);
    m.no_answer_timeout = 25;
    m.abandon_threshold = 2;
    m.ring = sim__dist_exponential(10);
    m.talk = sim__dist_exponential(120);
    m.wrap = sim__dist_fixed(15);
    m.busy_time = sim__dist_fixed(5);
    m.invalid_time = sim__dist_fixed(4);
    m.machine_handle = sim__dist_fixed(8);
    m.preview = sim__dist_fixed(10);
    cx_jobj o;
    if (cx_jobj_init(&o, campaign, file, path, SIM_EINVAL, err) != 0 ||
        cx_jobj_only(&o, campaign_keys) != 0 ||
        read_profile(&o, "agents", "agents", "schedule", 0, 100000, true, true, &m.agents) != 0 ||
        read_profile(&o, "liveAnswerProbability", "value", "profile", 0, 1, false, true,
                     &m.live) != 0 ||
        cx_jobj_num(&o, "machineProbability", false, 0, 1, &m.machine_p) != 0 ||
        cx_jobj_num(&o, "busyProbability", false, 0, 1, &m.busy_p) != 0 ||
        sim__dist_read(&o, "busyTime", false, &m.busy_time) != 0 ||
        cx_jobj_num(&o, "invalidProbability", false, 0, 1, &m.invalid_p) != 0 ||
        sim__dist_read(&o, "invalidTime", false, &m.invalid_time) != 0 ||
        cx_jobj_num(&o, "noAnswerTimeout", false, 0, 86400, &m.no_answer_timeout) != 0 ||
        sim__dist_read(&o, "machineHandleTime", false, &m.machine_handle) != 0 ||
        sim__dist_read(&o, "ringTime", false, &m.ring) != 0 ||
        sim__dist_read(&o, "talkTime", false, &m.talk) != 0 ||
        sim__dist_read(&o, "wrapTime", false, &m.wrap) != 0 ||
        cx_jobj_num(&o, "abandonThreshold", false, 0, 1e12, &m.abandon_threshold) != 0 ||
        sim__dist_read(&o, "previewTime", false, &m.preview) != 0)
        return SIM_EINVAL;
    cx_jobj amd;
    int has = cx_jobj_child(&o, "amd", false, &amd);
    if (has < 0)
        return SIM_EINVAL;
    if (has) {
        static const char *const k[] = {"detection", "falsePositive", "decisionTime", NULL};
        m.amd = true;
        m.amd_detection = 0.8;
        m.amd_decision.kind = SIM__UNIFORM; /* 3-5 s (DOMAIN.md, typical values) */
        m.amd_decision.a = 3;
        m.amd_decision.b = 5;
        m.amd_decision.mean = 4;
        m.amd_decision.sd = 2 / sqrt(12.0);
        if (cx_jobj_only(&amd, k) != 0 ||
            cx_jobj_num(&amd, "detection", false, 0, 1, &m.amd_detection) != 0 ||
            cx_jobj_num(&amd, "falsePositive", false, 0, 1, &m.amd_false_positive) != 0 ||
            sim__dist_read(&amd, "decisionTime", false, &m.amd_decision) != 0)
            return SIM_EINVAL;
    }
    if (m.no_answer_timeout < FCC_MIN_RING_S)
        return cx_jobj_fail(&o, "noAnswerTimeout",
                            "must be >= %g s: the FCC's minimum ring for an unanswered call "
                            "(47 CFR 64.1200(a)(6)), got %g",
                            FCC_MIN_RING_S, m.no_answer_timeout),
               SIM_EINVAL;
    double pmax = sim__profile_max(&m.live);
    if (pmax + m.machine_p + m.busy_p + m.invalid_p > 1 + 1e-12)
        return cx_jobj_fail(&o, "machineProbability",
                            "live (up to %g) + machine (%g) + busy (%g) + invalid (%g) "
                            "probabilities exceed 1",
                            pmax, m.machine_p, m.busy_p, m.invalid_p),
               SIM_EINVAL;
    if (sim__profile_max(&m.agents) < 1)
        return cx_jobj_fail(&o, "agents", "at least one agent must be staffed at some hour"),
               SIM_EINVAL;
    sim_model *p = malloc(sizeof *p);
    if (!p)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    *p = m;
    *out = p;
    return SIM_OK;
}

const char *sim_typical_campaign_json(void)
{
    return "{\"agents\":20,\"liveAnswerProbability\":0.2,\"machineProbability\":0.25,"
           "\"busyProbability\":0.03,\"busyTime\":5,"
           "\"invalidProbability\":0.04,\"invalidTime\":4,"
           "\"amd\":{\"detection\":0.85,\"falsePositive\":0.01},"
           "\"ringTime\":{\"dist\":\"lognormal\",\"mean\":9,\"sd\":4},"
           "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},"
           "\"wrapTime\":{\"dist\":\"uniform\",\"min\":5,\"max\":25},"
           "\"noAnswerTimeout\":25,\"abandonThreshold\":2}";
}

sim_status sim_model_clone(const sim_model *m, sim_model **out, cx_error *err)
{
    *out = malloc(sizeof **out);
    if (!*out)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    **out = *m;
    return SIM_OK;
}

void sim_model_destroy(sim_model *m) { free(m); }

sim_status sim_model_set_live_probability(sim_model *m, double p, cx_error *err)
{
    if (!(p >= 0 && p <= 1) || p + m->machine_p + m->busy_p + m->invalid_p > 1 + 1e-12)
        return cx_error_set(err, SIM_EINVAL,
                            "live probability %g with machine %g, busy %g and invalid %g "
                            "exceeds 1 or [0,1]",
                            p, m->machine_p, m->busy_p, m->invalid_p);
    m->live.n = 0;
    m->live.value = p;
    return SIM_OK;
}

sim_status sim_model_set_agents(sim_model *m, int agents, cx_error *err)
{
    if (agents < 1)
        return cx_error_set(err, SIM_EINVAL, "agents must be >= 1, got %d", agents);
    m->agents.n = 0;
    m->agents.value = agents;
    return SIM_OK;
}

double sim_model_live_probability(const sim_model *m, double t)
{
    return sim__profile_at(&m->live, t);
}

int sim_model_agents(const sim_model *m, double t)
{
    return (int)sim__profile_at(&m->agents, t);
}

double sim_model_mean_handle(const sim_model *m) { return m->talk.mean + m->wrap.mean; }
