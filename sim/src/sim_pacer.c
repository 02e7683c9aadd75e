/* sim_pacer.c - the predictive dialer's pacing. The rule, every constant
 * and why are in dialsim.h ("THE PACING ALGORITHM"); this file implements
 * them and nothing else. */
#include "sim_pacer.h"

#include <float.h>
#include <math.h>

#define HIT_PRIOR_N 100.0   /* the Beta prior's weight, in attempts */
#define STEP 0.002          /* g: u per live answer, per unit of relative error, */
#define STEP_TEAM 20.0      /* for a team of up to this many; g sqrt(20/n) above */
#define LEVEL_RATE 0.002    /* h: the share of the surplus the level takes per answer */
#define AB_RATE_FLOOR 0.005 /* errors are relative to max(target, this) */
#define U_MAX 100.0         /* far above any line cap: the cap binds first */

void sim__pacer_init(sim__pacer *p, const sim_dialer *d, double mean_reach_s,
                     double mean_handle_s)
{
    *p = (sim__pacer){0};
    p->prior_w = HIT_PRIOR_N;
    p->prior_a = d->answer_rate;
    p->reach_s = mean_reach_s;
    p->handle_s = mean_handle_s;
}

void sim__pacer_set_dialer(sim__pacer *p, const sim_dialer *old, const sim_dialer *d)
{
    if (d->answer_rate != old->answer_rate) {
        p->prior_w = HIT_PRIOR_N;
        p->prior_still = false;
        p->prior_a = d->answer_rate;
    }
}

/* One live answer in the ACD's book: x = 1 dropped, 0 connected; `agents`
 * staffed (not previewing). (sim__pacer_connected and _dropped, inline in
 * sim_pacer.h, call it.) */
void sim__pacer__integrate(sim__pacer *p, const sim_dialer *d, double x, int agents,
                           bool at_cap)
{
    if (!p->started)
        return;
    double target = d->abandon_rate;
    double g = STEP * (agents > STEP_TEAM ? sqrt(STEP_TEAM / agents) : 1.0);
    double step = g * (target - x) / fmax(target, AB_RATE_FLOOR);
    if (at_cap && step > 0) /* anti-windup: more would not be dialed */
        return;
    p->surplus += step;
    p->level = fmin(U_MAX, fmax(0.0, p->level + LEVEL_RATE * p->surplus));
    p->u = fmin(U_MAX, fmax(0.0, p->level + p->surplus));
}

double sim__pacer_hit_rate(const sim__pacer *p)
{
    /* a subnormal weight (see sim__pacer_tick), times an answer rate of
     * at most 1, added to hits and tries of at least 2^-969, whose ulp is
     * above twice any subnormal, leaves them as they are: the same
     * quotient without the products' assists */
    bool tiny = p->prior_w < DBL_MIN && p->prior_a <= 1 && p->hits >= 0x1p-969 &&
                p->tries >= 0x1p-969;
    double a = tiny ? p->hits / p->tries
                    : (p->prior_w * p->prior_a + p->hits) / (p->prior_w + p->tries);
    return a > 1e-3 ? a : 1e-3;
}

double sim__pacer_lines(const sim__pacer *p, int idle, int busy, int queued)
{
    double a = sim__pacer_hit_rate(p);
    double s = p->handle_s > 0 ? fmin(1.0, p->reach_s / p->handle_s) : 0.0;
    double ratio = 1.0 + p->u * (1.0 / a - 1.0);
    return (double)(idle - queued) * ratio + p->u * busy * s / a;
}
