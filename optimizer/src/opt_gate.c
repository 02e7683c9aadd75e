/* opt_gate.c - the compliance gate.
 *
 * The verdict is one of three words, each with its reason in numbers:
 *
 *  refused      the abandon target is over the limit; or the change dials
 *               harder (opt_harder_fields) and the API reports no window
 *               stats while require_stats asks for them, or one of these is
 *               over the limit:
 *                 - the window's measured rate (a census of the window so
 *                   far, so its point value: no interval), once the window
 *                   holds OPT_MIN_MEASURABLE_LIVE live answers; below that it
 *                   is "not yet measurable" and the projection decides;
 *                 - the prediction's upper 95% bound for the target;
 *                 - the window's rate projected to its end at now + H (the
 *                   horizon): the counts that remain of the measured window
 *                   plus the counts predicted for H, abandons at the
 *                   prediction's upper bound (DOMAIN.md "Projecting a
 *                   rolling window").
 *  remediation  dials no harder on any field while the window's measured
 *               rate is over the limit: allowed, without simulation.
 *  compliant    dials no harder and the window is within the limit (or not
 *               measured), without simulation; or dials harder and every
 *               rate above is within the limit.
 *
 * The prediction's own bound is checked as well as the projection so that
 * "compliant" never stands next to a predicted rate over the limit: a change
 * does not spend a window's budget above the limit.
 *
 * When the window is full, the part of it that rolls out within H is not
 * known from the counts; the projection keeps every measured abandon and
 * drops the live answers of that part in proportion (the cautious side).
 *
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

const char *opt_verdict_name(opt_verdict v)
{
    switch (v) {
    case OPT_VERDICT_COMPLIANT:
        return "compliant";
    case OPT_VERDICT_REMEDIATION:
        return "remediation";
    case OPT_VERDICT_REFUSED:
        return "refused";
    case OPT_VERDICT_NONE:
        break;
    }
    return "";
}

/* The window as measured: counts, point rate, whether it is measurable. */
static void measure_window(opt_compliance *c, const opt_stats *stats, double amd_fp)
{
    if (!stats || !stats->available)
        return;
    c->measured = true;
    /* the ACD's book, corrected as Ofcom asks (opt_ofcom.h): machines among
     * its drops, and the AMD false positives it cannot see */
    opt__ofcom t = opt__ofcom_estimate(stats->live_answers - stats->abandoned, stats->abandoned,
                                       stats->machines_to_agents, amd_fp);
    c->live_answers = lround(t.live_answers);
    c->abandoned = lround(t.abandoned);
    c->measured_rate =
        c->live_answers > 0 ? (double)c->abandoned / (double)c->live_answers : 0;
    c->measurable = c->live_answers >= OPT_MIN_MEASURABLE_LIVE;
    c->over_limit = c->live_answers > 0 && c->measured_rate > c->limit;
}

/* "1.80% (90 of 5000 live answers)", or why there is no rate. */
static void window_text(const opt_compliance *c, char *buf, size_t n)
{
    if (!c->measured)
        snprintf(buf, n, "the window is not measured");
    else if (!c->measurable)
        snprintf(buf, n, "the window is not yet measurable: %ld live answers", c->live_answers);
    else
        snprintf(buf, n, "the window's abandon rate is %.2f%% (%ld of %ld live answers)",
                 100 * c->measured_rate, c->abandoned, c->live_answers);
}

/* The window ending at now + H: what remains of the measured counts plus
 * the prediction for H at its upper bound. */
static void project(opt_compliance *c, const opt_stats *stats, const opt_prediction *p,
                    double window_s, double horizon_s)
{
    c->projected = true;
    c->horizon_s = horizon_s;
    if (c->measured) {
        double live = (double)c->live_answers, ab = (double)c->abandoned;
        double w = stats->window_s > 0 ? stats->window_s : window_s;
        double covered = stats->covered_s;
        double drop = covered + horizon_s - w;
        if (drop > 0 && covered > 0) {
            live *= fmax(0.0, covered - drop) / covered;
            ab = fmin(ab, live);
        }
        c->known_live = live;
        c->known_abandoned = ab;
    }
    c->pred_live = p->live_answers_per_hour * horizon_s / 3600.0;
    c->pred_abandoned = p->abandon_upper95 * c->pred_live;
    double den = c->known_live + c->pred_live;
    c->projected_rate =
        den > 0 ? (c->known_abandoned + c->pred_abandoned) / den : p->abandon_upper95;
}

static void refuse(opt_compliance *c) { c->verdict = OPT_VERDICT_REFUSED; }

opt_status opt__gate(opt_optimizer *o, const opt_params *current, const opt_params *target,
                     const opt_stats *stats, opt_compliance *c, opt_prediction *p,
                     cx_error *err)
{
    double limit = o->s.limit;
    memset(c, 0, sizeof *c);
    memset(p, 0, sizeof *p);
    c->limit = limit;
    c->target_ok = target->abandon_rate <= limit + 1e-12;
    c->dials_harder = opt_harder_fields(current, target, c->harder, sizeof c->harder) > 0;
    measure_window(c, stats, o->s.amd_false_positive);
    char win[160];
    window_text(c, win, sizeof win);

    if (!c->target_ok) {
        refuse(c);
        snprintf(c->reason, sizeof c->reason, "the abandon target %.2f%% is over the %.2f%% limit",
                 100 * target->abandon_rate, 100 * limit);
    } else if (!c->dials_harder) {
        /* a retreat, or a change that only softens: allowed as it is */
        if (c->over_limit) {
            c->verdict = OPT_VERDICT_REMEDIATION;
            snprintf(c->reason, sizeof c->reason,
                     "dials no harder on any field while the window's abandon rate is %.2f%% "
                     "(%ld of %ld live answers), over the %.2f%% limit",
                     100 * c->measured_rate, c->abandoned, c->live_answers, 100 * limit);
        } else {
            c->verdict = OPT_VERDICT_COMPLIANT;
            snprintf(c->reason, sizeof c->reason, "dials no harder on any field; %s%s", win,
                     c->measurable ? ", within the limit" : "");
        }
    } else if (!c->measured && o->s.require_stats) {
        refuse(c);
        snprintf(c->reason, sizeof c->reason, "dials harder (%s) and %s, and --require-stats "
                 "asks for them", c->harder, OPT__NO_STATS);
    } else if (c->measurable && c->over_limit) {
        refuse(c);
        snprintf(c->reason, sizeof c->reason,
                 "dials harder (%s) while the window's abandon rate is %.2f%% (%ld of %ld live "
                 "answers), over the %.2f%% limit",
                 c->harder, 100 * c->measured_rate, c->abandoned, c->live_answers, 100 * limit);
    } else if (!o->s.predict) {
        /* the user turned the simulation off: only the measured rate is checked */
        c->verdict = OPT_VERDICT_COMPLIANT;
        snprintf(c->reason, sizeof c->reason,
                 "dials harder (%s); %s%s; not predicted or projected (no prediction)", c->harder,
                 win, c->measurable ? ", within the limit" : "");
    } else {
        opt_status st = opt__predict(o, current, target, stats, p, err);
        if (st != OPT_OK) {
            refuse(c);
            snprintf(c->reason, sizeof c->reason, "no prediction, no change: %s",
                     err ? err->msg : "the simulation failed");
            return st;
        }
        double h = o->s.horizon_s > 0 ? o->s.horizon_s : o->s.stats_period_s;
        project(c, stats, p, o->s.window_s, h);
        char proj[256];
        snprintf(proj, sizeof proj,
                 "the window projected to now + %.0f min is %.2f%% ((%.0f measured + %.1f "
                 "predicted abandons) / (%.0f + %.0f live answers))",
                 h / 60, 100 * c->projected_rate, c->known_abandoned, c->pred_abandoned,
                 c->known_live, c->pred_live);
        if (p->abandon_upper95 > limit) {
            refuse(c);
            snprintf(c->reason, sizeof c->reason,
                     "dials harder (%s) and is predicted to abandon up to %.2f%% of live answers "
                     "(upper 95%% bound; mean %.2f%%, %d replications), over the %.2f%% limit; "
                     "%s",
                     c->harder, 100 * p->abandon_upper95, 100 * p->abandon_mean, p->replications,
                     100 * limit, win);
        } else if (c->projected_rate > limit) {
            refuse(c);
            snprintf(c->reason, sizeof c->reason, "dials harder (%s) and %s, over the %.2f%% limit",
                     c->harder, proj, 100 * limit);
        } else {
            c->verdict = OPT_VERDICT_COMPLIANT;
            snprintf(c->reason, sizeof c->reason,
                     "dials harder (%s); predicted up to %.2f%% (upper 95%%); %s; %s; all within "
                     "the %.2f%% limit",
                     c->harder, 100 * p->abandon_upper95, win, proj, 100 * limit);
        }
    }
    c->allowed = c->verdict != OPT_VERDICT_REFUSED;
    return OPT_OK;
}
