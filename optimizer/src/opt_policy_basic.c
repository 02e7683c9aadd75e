/* opt_policy_basic.c - the baselines: do-nothing, static (the seed) and
 * vicidial.
 *
 * do-nothing: holds the campaign's settings as they are; it reads and audits
 * every cycle like any policy but never proposes a change, so nothing is ever
 * written. The scenario runner runs it beside a scenario's policy to measure
 * what the policy gains over leaving the dialer alone.
 *
 * static: the seed's one fixed target, approached in allowed steps.
 *
 * vicidial: VICIdial's ADAPT_TAPERED rule, the open-source reference, run at
 * cycle granularity through the API. VICIdial samples every second and
 * adjusts every 15 s; through a campaign API the optimizer sees one period's
 * averages per cycle, so it applies the same update once per cycle:
 *   ready   = agents x (1 - period occupancy)        (idle agents, average)
 *   m       = ready / agents                          (no calls wait under the
 *                                                       2-second rule)
 *   m      *= (1 + I) when m > 0, |I - 1| when m < 0  (intensity I)
 *   level  *= 1 + m, within [1, max_level]
 *   if the period had > 20 live answers and > 50% of them dropped: level /= 2
 *   if today has > 50 live answers and its drop rate exceeds the limit:
 *       level *= min(1, time to shift end / 10 h)     (1.0 after the shift)
 * The dial level (lines per free agent) maps to the seed's answer-rate
 * estimate as answerRate = 1 / level: the dialer launches 1/answerRate lines
 * per agent it expects to be free. */
#include <math.h>
#include <stdlib.h>

#include "opt_policy.h"

static opt_status static_decide(opt_policy *p, const opt__policy_in *in, opt_params *target,
                                cx_error *err)
{
    (void)in;
    (void)err;
    *target = *p->opts.target; /* the adapter clamps it to one allowed step */
    return OPT_OK;
}

const opt__policy_ops opt__policy_static = {"static", NULL, static_decide, NULL}; /* its target: opt_policy_check */

/* No decide: the adapter keeps the current settings unclamped (a clamp could
 * round or bound a starting value and so write). */
const opt__policy_ops opt__policy_do_nothing = {"do-nothing", NULL, NULL, NULL};

typedef struct vici {
    double level;
    bool started;
} vici;

static opt_status vici_init(opt_policy *p, cx_error *err)
{
    if (p->opts.max_level == 0)
        p->opts.max_level = 3.0;
    if (p->opts.max_level < 1 || p->opts.intensity < -0.4 || p->opts.intensity > 0.4)
        return cx_error_set(err, OPT_EUSAGE,
                            "vicidial: max level must be >= 1 and intensity in [-0.4, 0.4]");
    p->state = calloc(1, sizeof(vici));
    return p->state ? OPT_OK : cx_error_set(err, OPT_ENOMEM, "out of memory");
}

static opt_status vici_decide(opt_policy *p, const opt__policy_in *in, opt_params *target,
                              cx_error *err)
{
    vici *v = p->state;
    (void)err;
    if (!v->started) {
        v->level = 1.0 / in->current->answer_rate;
        v->started = true;
    }
    const opt_stats *s = in->stats;
    if (!s->available || s->agents <= 0)
        return OPT_OK; /* nothing observed: keep the current settings */
    double ready = s->agents * (1 - s->period_occupancy);
    double m = ready / s->agents;
    double I = p->opts.intensity;
    m = m > 0 ? m * (1 + I) : m * fabs(I - 1);
    v->level *= 1 + m;
    if (s->period_live_answers > 20 &&
        (double)s->period_abandoned / (double)s->period_live_answers > 0.5)
        v->level /= 2;
    double limit = p->o->s.limit;
    if (s->live_answers > 50 && (double)s->abandoned / (double)s->live_answers > limit) {
        double left = p->opts.shift_end - in->now;
        v->level *= left > 0 ? fmin(1.0, left / 36000.0) : 0.0;
    }
    if (v->level > p->opts.max_level)
        v->level = p->opts.max_level;
    if (v->level < 1.0)
        v->level = 1.0;
    target->answer_rate = 1.0 / v->level;
    return OPT_OK;
}

static void vici_fini(opt_policy *p) { free(p->state); }

const opt__policy_ops opt__policy_vicidial = {"vicidial", vici_init, vici_decide, vici_fini};
