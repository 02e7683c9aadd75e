/* opt_gate.c - the compliance gate.
 *
 * A target passes when all of these hold:
 *  1. its abandon target is within the regulatory limit;
 *  2. if the campaign reports its window's counts, the upper 95% Wilson bound
 *     of its measured abandon rate is within the limit, or the target does
 *     not dial harder than the current settings (a breach blocks escalation,
 *     never a retreat);
 *  3. the simulated prediction of the target (Monte Carlo replications of the
 *     campaign model, with the live-answer probability estimated from the
 *     stats when they exist) has its 95% upper bound within the limit, or
 *     its predicted mean is below the current settings' (same seeds): a
 *     campaign already past the limit may still step back.
 * The seed's gate was `AbandonRate <= 0.03` and a hard-coded 0.50-0.95 answer
 * rate band that contradicted its own constraints. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opt_internal.h"
#include "opt_ofcom.h"

double opt__wilson_upper(long x, long n)
{
    if (n <= 0)
        return 1.0;
    const double z = 1.959963984540054;
    double p = (double)x / (double)n, nn = (double)n;
    double centre = p + z * z / (2 * nn);
    double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
    double u = (centre + half) / (1 + z * z / nn);
    return u > 1 ? 1 : u;
}

opt_status opt__gate(opt_optimizer *o, const opt_params *current, const opt_params *target,
                     const opt_stats *stats, opt_compliance *c, opt_prediction *p,
                     cx_error *err)
{
    double limit = o->s.limit;
    memset(c, 0, sizeof *c);
    memset(p, 0, sizeof *p);
    c->limit = limit;
    c->target_ok = target->abandon_rate <= limit + 1e-12;
    c->dials_harder = opt_dials_harder(current, target);
    if (stats && stats->available && stats->live_answers > 0) {
        c->observed = true;
        c->live_answers = stats->live_answers;
        c->abandoned = stats->abandoned;
        /* the ACD's book, corrected as Ofcom asks (machines among the drops,
         * AMD false positives it cannot see) */
        opt__ofcom t = opt__ofcom_estimate(stats->live_answers - stats->abandoned,
                                           stats->abandoned, stats->machines_to_agents,
                                           o->s.amd_false_positive);
        c->observed_rate = t.rate;
        c->observed_upper95 = opt__wilson_upper(lround(t.abandoned), lround(t.live_answers));
        c->breach = c->observed_upper95 > limit;
    }
    c->predicted_ok = true;
    if (o->s.predict) {
        opt_status st = opt__predict(o, target, stats, p, err);
        if (st != OPT_OK)
            return st;
        c->predicted_ok = p->abandon_upper95 <= limit;
        if (!c->predicted_ok) {
            opt_prediction cur;
            st = opt__predict(o, current, stats, &cur, err);
            if (st != OPT_OK)
                return st;
            c->compared = true;
            c->current_abandon = cur.abandon_mean;
            c->predicted_ok = p->abandon_mean < cur.abandon_mean;
        }
    }
    if (!c->target_ok)
        snprintf(c->reason, sizeof c->reason, "the abandon target %.4g exceeds the limit %.4g",
                 target->abandon_rate, limit);
    else if (c->breach && c->dials_harder)
        snprintf(c->reason, sizeof c->reason,
                 "the campaign's abandon rate is %.2f%% (upper 95%% bound %.2f%% over %ld live "
                 "answers), past the %.2f%% limit: no change may dial harder",
                 100 * c->observed_rate, 100 * c->observed_upper95, c->live_answers, 100 * limit);
    else if (!c->predicted_ok)
        snprintf(c->reason, sizeof c->reason,
                 "the target is predicted to abandon %.2f%% of live answers (upper 95%% bound "
                 "%.2f%%), past the %.2f%% limit, and no less than the current settings "
                 "(%.2f%%)",
                 100 * p->abandon_mean, 100 * p->abandon_upper95, 100 * limit,
                 100 * c->current_abandon);
    c->compliant = c->target_ok && !(c->breach && c->dials_harder) && c->predicted_ok;
    return OPT_OK;
}
