/* opt_policy.h - the policy interface behind opt_policy (internal). */
#ifndef OPT_POLICY_H
#define OPT_POLICY_H

#include "opt_internal.h"

/* What a policy sees when it decides. */
typedef struct opt__policy_in {
    double now;               /* clock time */
    const opt_params *current;
    const opt_stats *stats;
} opt__policy_in;

typedef struct opt__policy_ops {
    const char *name;
    /* Fills p->state; returns OPT_OK or an error naming the bad option. */
    opt_status (*init)(opt_policy *p, cx_error *err);
    /* Proposes a target (before clamping to bounds and the allowed step);
     * NULL: the policy holds the current settings, unclamped. */
    opt_status (*decide)(opt_policy *p, const opt__policy_in *in, opt_params *target,
                         cx_error *err);
    void (*fini)(opt_policy *p);
} opt__policy_ops;

struct opt_policy {
    const opt__policy_ops *ops;
    opt_optimizer *o;
    opt_policy_options opts;
    opt_params static_target;
    void *state;             /* owned by the policy's ops */
};

extern const opt__policy_ops opt__policy_do_nothing;
extern const opt__policy_ops opt__policy_static;
extern const opt__policy_ops opt__policy_adaptive;
extern const opt__policy_ops opt__policy_oracle;

/* Moves `want` into the constraints' bounds and within the allowed step of
 * `current` (absolute for rates, relative for calls and interval). */
void opt__clamp_step(const opt_constraints *c, double limit, const opt_params *current,
                     opt_params *want);

/* The abandon rate, as a regulator counts it (AMD false positives
 * included), the adaptive policy lets the next period spend so that the
 * regulatory window `s` describes stays under `limit`, with `fp` the
 * configured AMD false-positive rate (formula in opt_policy_adaptive.c):
 * the margined limit (0.95 limit) without stats or without live answers
 * last period; else in [0, 0.95 limit]. */
double opt__period_budget(double limit, double fp, const opt_stats *s);

#endif
