/* opt_policy_basic.c - the baselines: do-nothing and static (the seed).
 *
 * do-nothing: holds the campaign's settings as they are; it reads and audits
 * every cycle like any policy but never proposes a change, so nothing is ever
 * written. The scenario runner runs it beside a scenario's policy to measure
 * what the policy gains over leaving the dialer alone.
 *
 * static: one fixed target, approached in allowed steps: the scenario's, or
 * by default the seed's (opt_params_seed_target: what the seed document's
 * program writes), on the simulated campaign's CXone-style predictive
 * pacing.
 *
 * VICIdial is not here: it is a dialer, not a policy that writes settings
 * through an API, so it runs inside the simulated campaign (dialsim's
 * "vicidial" strategy) and the scenario runner leaves it alone. */
#include "opt_policy.h"

static opt_status static_decide(opt_policy *p, const opt__policy_in *in, opt_params *target,
                                cx_error *err)
{
    (void)in;
    (void)err;
    *target = *p->opts.target; /* the adapter clamps it to one allowed step */
    return OPT_OK;
}

const opt__policy_ops opt__policy_static = {"static", NULL, static_decide, NULL};

/* No decide: the adapter keeps the current settings unclamped (a clamp could
 * round or bound a starting value and so write). */
const opt__policy_ops opt__policy_do_nothing = {"do-nothing", NULL, NULL, NULL};
