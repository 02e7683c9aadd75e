/* opt_validate.c - bounds, the allowed step (MaxAdjustmentDelta), ramps.
 *
 * The seed declared MaxAdjustmentDelta and never checked it; its own example
 * (answer rate 0.72 -> 0.85, calls 80 -> 100) breaks it. Here a step is
 * absolute for the two rates and relative to the current value for concurrent
 * calls and call interval; a larger change is refused with the numbers, or
 * planned as a ramp of allowed steps. */
#include "cxopt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS 1e-9

static void add(opt_validation *out, const char *field, bool delta, const char *fmt, ...)
    CX_PRINTF(4, 5);

static void add(opt_validation *out, const char *field, bool delta, const char *fmt, ...)
{
    if (!delta)
        out->delta_only = false;
    if (out->count >= OPT_MAX_VIOLATIONS)
        return;
    opt_violation *v = &out->v[out->count++];
    cx_copy(v->field, sizeof v->field, field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
}

static void check_bounds(const opt_params *t, const opt_constraints *c, double limit,
                         opt_validation *out)
{
    if (t->answer_rate < c->min_answer_rate - EPS || t->answer_rate > c->max_answer_rate + EPS)
        add(out, "answerRate", false, "%.4g is outside [%.4g, %.4g]", t->answer_rate,
            c->min_answer_rate, c->max_answer_rate);
    double ab_max = fmin(limit, c->max_abandon_rate);
    if (t->abandon_rate < 0 || t->abandon_rate > ab_max + EPS)
        add(out, "abandonRate", false, "%.4g is outside [0, %.4g] (the regulatory limit)",
            t->abandon_rate, ab_max);
    if (t->max_concurrent_calls < c->min_concurrent_calls ||
        t->max_concurrent_calls > c->max_concurrent_calls)
        add(out, "maxConcurrentCalls", false, "%d is outside [%d, %d]", t->max_concurrent_calls,
            c->min_concurrent_calls, c->max_concurrent_calls);
    if (t->call_interval_ms < c->min_call_interval || t->call_interval_ms > c->max_call_interval)
        add(out, "callInterval", false, "%d ms is outside [%d, %d] ms", t->call_interval_ms,
            c->min_call_interval, c->max_call_interval);
    if ((unsigned)t->strategy >= OPT_STRATEGY_COUNT || !(c->strategies & (1u << t->strategy))) {
        char allowed[96] = "";
        for (int s = 0; s < OPT_STRATEGY_COUNT; s++)
            if (c->strategies & (1u << s)) {
                size_t used = strlen(allowed);
                snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "",
                         opt_strategy_name((opt_strategy)s));
            }
        add(out, "strategy", false, "%s is not allowed (allowed: %s)",
            opt_strategy_name(t->strategy), allowed);
    }
    if (t->warm_up_s < c->min_warm_up || t->warm_up_s > c->max_warm_up)
        add(out, "warmUpPeriod", false, "%d s is outside [%d, %d] s", t->warm_up_s,
            c->min_warm_up, c->max_warm_up);
}

static void check_abs_step(opt_validation *out, const char *field, double cur, double tgt,
                           double delta)
{
    double d = fabs(tgt - cur);
    if (d > delta + EPS)
        add(out, field, true, "%.4g is %.4g from the current %.4g; the largest step allowed is %.4g",
            tgt, d, cur, delta);
}

static void check_rel_step(opt_validation *out, const char *field, const char *unit, int cur,
                           int tgt, double delta)
{
    if (tgt == cur)
        return;
    if (cur <= 0) {
        add(out, field, true, "the current value is %d%s; a relative step from it is undefined",
            cur, unit);
        return;
    }
    double rel = fabs((double)tgt - cur) / cur;
    if (rel > delta + EPS)
        add(out, field, true,
            "%d%s is %.1f%% from the current %d%s; the largest step allowed is %.1f%% (%d..%d%s)",
            tgt, unit, rel * 100, cur, unit, delta * 100, (int)ceil(cur * (1 - delta) - EPS),
            (int)floor(cur * (1 + delta) + EPS), unit);
}

opt_status opt_validate(const opt_params *target, const opt_params *current,
                        const opt_constraints *c, double limit, opt_validation *out,
                        cx_error *err)
{
    opt_validation local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof *out);
    out->delta_only = true;
    check_bounds(target, c, limit, out);
    if (current) {
        double d = c->max_adjustment_delta;
        check_abs_step(out, "answerRate", current->answer_rate, target->answer_rate, d);
        check_abs_step(out, "abandonRate", current->abandon_rate, target->abandon_rate, d);
        check_rel_step(out, "maxConcurrentCalls", "", current->max_concurrent_calls,
                       target->max_concurrent_calls, d);
        check_rel_step(out, "callInterval", " ms", current->call_interval_ms,
                       target->call_interval_ms, d);
    }
    if (out->count == 0) {
        out->delta_only = false;
        return OPT_OK;
    }
    cx_error_set(err, OPT_EVALIDATION, "%s: %s%s", out->v[0].field, out->v[0].msg,
                 out->count > 1 ? " (and more)" : "");
    return OPT_EVALIDATION;
}

static double step_abs(double cur, double tgt, double d)
{
    if (tgt > cur + d)
        return cur + d;
    if (tgt < cur - d)
        return cur - d;
    return tgt;
}

static int step_rel(int cur, int tgt, double d)
{
    if (tgt > cur) {
        int hi = (int)floor(cur * (1 + d) + EPS);
        return tgt < hi ? tgt : hi;
    }
    if (tgt < cur) {
        int lo = (int)ceil(cur * (1 - d) - EPS);
        return tgt > lo ? tgt : lo;
    }
    return cur;
}

opt_status opt_plan_ramp(const opt_params *current, const opt_params *target,
                         const opt_constraints *c, double limit, opt_params *steps, int max,
                         int *n, cx_error *err)
{
    *n = 0;
    opt_validation v;
    if (opt_validate(target, NULL, c, limit, &v, err) != OPT_OK)
        return OPT_EVALIDATION;
    opt_params cur = *current;
    double d = c->max_adjustment_delta;
    while (!opt_params_equal(&cur, target)) {
        opt_params next = cur;
        next.answer_rate = step_abs(cur.answer_rate, target->answer_rate, d);
        next.abandon_rate = step_abs(cur.abandon_rate, target->abandon_rate, d);
        next.max_concurrent_calls =
            step_rel(cur.max_concurrent_calls, target->max_concurrent_calls, d);
        next.call_interval_ms = step_rel(cur.call_interval_ms, target->call_interval_ms, d);
        bool numbers_done = fabs(next.answer_rate - target->answer_rate) < EPS &&
                            fabs(next.abandon_rate - target->abandon_rate) < EPS &&
                            next.max_concurrent_calls == target->max_concurrent_calls &&
                            next.call_interval_ms == target->call_interval_ms;
        if (numbers_done) { /* strategy and warm-up change with the last step */
            next = *target;
        }
        if (opt_params_equal(&next, &cur))
            return cx_error_set(err, OPT_EVALIDATION,
                                "cannot ramp: a %.0f%% step from maxConcurrentCalls %d or "
                                "callInterval %d ms rounds to no change",
                                d * 100, cur.max_concurrent_calls, cur.call_interval_ms);
        if (opt_validate(&next, &cur, c, limit, &v, err) != OPT_OK) {
            cx_error_prefix(err, "ramp step %d", *n + 1);
            return OPT_EVALIDATION;
        }
        if (*n >= max)
            return cx_error_set(err, OPT_EVALIDATION,
                                "the ramp needs more than %d steps of at most %.4g", max, d);
        steps[(*n)++] = next;
        cur = next;
    }
    return OPT_OK;
}

static int strategy_rank(opt_strategy s)
{
    switch (s) {
    case OPT_STRATEGY_PREVIEW:
        return 0;
    case OPT_STRATEGY_PROGRESSIVE:
        return 1;
    case OPT_STRATEGY_POWER:
    case OPT_STRATEGY_PREDICTIVE:
    case OPT_STRATEGY_COUNT:
        break;
    }
    return 2;
}

int opt_harder_fields(const opt_params *cur, const opt_params *t, char *buf, size_t n)
{
    int rc = strategy_rank(cur->strategy), rt = strategy_rank(t->strategy);
    /* Between the two overdialing strategies any switch counts as harder: which
     * dials more depends on settings the switch itself changes. */
    bool harder[6] = {
        t->answer_rate < cur->answer_rate - EPS,
        t->abandon_rate > cur->abandon_rate + EPS,
        t->max_concurrent_calls > cur->max_concurrent_calls,
        t->call_interval_ms < cur->call_interval_ms,
        rt > rc || (rt == 2 && rc == 2 && t->strategy != cur->strategy),
        t->warm_up_s < cur->warm_up_s,
    };
    static const char *const names[6] = {"answerRate",   "abandonRate", "maxConcurrentCalls",
                                         "callInterval", "strategy",    "warmUpPeriod"};
    int count = 0;
    size_t used = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < 6; i++) {
        if (!harder[i])
            continue;
        if (n > used) {
            int w = snprintf(buf + used, n - used, "%s%s", count ? ", " : "", names[i]);
            used += w > 0 ? (size_t)w : 0;
        }
        count++;
    }
    return count;
}

bool opt_dials_harder(const opt_params *cur, const opt_params *t)
{
    char unused[1];
    return opt_harder_fields(cur, t, unused, sizeof unused) > 0;
}
