/* opt_policy.c - the policy registry, the shared clamp, and the cycle
 * adapter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_policy.h"

static const opt__policy_ops *const registry[] = {
    &opt__policy_do_nothing, &opt__policy_static, &opt__policy_adaptive, &opt__policy_oracle, NULL};

static const opt__policy_ops *find(const char *name)
{
    for (int i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

opt_status opt_policy_check(const char *name, const opt_policy_options *opts, cx_error *err)
{
    if (!name || !find(name))
        return cx_error_set(err, OPT_EUSAGE,
                            "unknown policy \"%s\" (known: do-nothing, static, adaptive, "
                            "oracle)",
                            name ? name : "");
    if (strcmp(name, "oracle") == 0 && !(opts && opts->truth))
        return cx_error_set(err, OPT_EUSAGE,
                            "the oracle policy needs the true live-answer probability");
    return OPT_OK;
}

opt_status opt_policy_create(const char *name, opt_optimizer *o, const opt_policy_options *opts,
                             opt_policy **out, cx_error *err)
{
    *out = NULL;
    opt_status st = opt_policy_check(name, opts, err);
    if (st != OPT_OK)
        return st;
    const opt__policy_ops *ops = find(name);
    opt_policy *p = calloc(1, sizeof *p);
    if (!p)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    p->ops = ops;
    p->o = o;
    if (opts)
        p->opts = *opts;
    /* static with no target of its own takes the seed's */
    if (opts && opts->target)
        p->static_target = *opts->target;
    else
        p->static_target = opt_params_seed_target();
    p->opts.target = &p->static_target;
    st = ops->init ? ops->init(p, err) : OPT_OK;
    if (st != OPT_OK) {
        free(p);
        return st;
    }
    *out = p;
    return OPT_OK;
}

void opt_policy_destroy(opt_policy *p)
{
    if (!p)
        return;
    if (p->ops->fini)
        p->ops->fini(p);
    free(p);
}

const char *opt_policy_name(const opt_policy *p) { return p->ops->name; }

void opt__clamp_step(const opt_constraints *c, double limit, const opt_params *cur,
                     opt_params *w)
{
    double d = c->max_adjustment_delta;
    w->answer_rate = fmin(fmax(w->answer_rate, cur->answer_rate - d), cur->answer_rate + d);
    w->answer_rate = fmin(fmax(w->answer_rate, c->min_answer_rate), c->max_answer_rate);
    w->abandon_rate = fmin(fmax(w->abandon_rate, cur->abandon_rate - d), cur->abandon_rate + d);
    w->abandon_rate = fmin(fmax(w->abandon_rate, 0), fmin(limit, c->max_abandon_rate));
    int lo = (int)ceil(cur->max_concurrent_calls * (1 - d) - 1e-9);
    int hi = (int)floor(cur->max_concurrent_calls * (1 + d) + 1e-9);
    if (w->max_concurrent_calls < lo)
        w->max_concurrent_calls = lo;
    if (w->max_concurrent_calls > hi)
        w->max_concurrent_calls = hi;
    if (w->max_concurrent_calls < c->min_concurrent_calls)
        w->max_concurrent_calls = c->min_concurrent_calls;
    if (w->max_concurrent_calls > c->max_concurrent_calls)
        w->max_concurrent_calls = c->max_concurrent_calls;
    lo = (int)ceil(cur->call_interval_ms * (1 - d) - 1e-9);
    hi = (int)floor(cur->call_interval_ms * (1 + d) + 1e-9);
    if (w->call_interval_ms < lo)
        w->call_interval_ms = lo;
    if (w->call_interval_ms > hi)
        w->call_interval_ms = hi;
    if (w->call_interval_ms < c->min_call_interval)
        w->call_interval_ms = c->min_call_interval;
    if (w->call_interval_ms > c->max_call_interval)
        w->call_interval_ms = c->max_call_interval;
    /* Rates are kept to 4 decimals: what a person would type. */
    w->answer_rate = round(w->answer_rate * 1e4) / 1e4;
    w->abandon_rate = round(w->abandon_rate * 1e4) / 1e4;
}

struct adapter {
    opt_policy *p;
};

static opt_status decide(void *ud, const opt_params *current, const opt_stats *stats,
                         opt_params *target, cx_error *err)
{
    opt_policy *p = ((struct adapter *)ud)->p;
    opt__policy_in in = {.now = cx_clock_now(p->o->clk), .current = current, .stats = stats};
    *target = *current;
    if (!p->ops->decide)
        return OPT_OK; /* holds: target == current, the cycle writes nothing */
    opt_status st = p->ops->decide(p, &in, target, err);
    if (st == OPT_OK)
        opt__clamp_step(&p->o->s.constraints, p->o->s.limit, current, target);
    return st;
}

opt_status opt_policy_cycle(opt_policy *p, opt_cycle_report *report, cx_error *err)
{
    struct adapter a = {p};
    return opt_cycle(p->o, decide, &a, false, report, err);
}
