/* sim_pacer.c - the predictive dialer's pacing (see dialsim.h, "THE PACING
 * ALGORITHM", for the rule and the reasons for each constant). */
#include "sim_pacer.h"

#include <math.h>

#define HIT_PRIOR_N 100.0    /* the prior's weight, in attempts */
#define HIT_WINDOW 900.0     /* s: time constant of the hit-rate discount */
#define AB_WINDOW 900.0      /* s: time constant of the recent abandon rate */
#define AB_SHRINK 50.0       /* live answers at the target added to each rate */
#define AB_RATE_FLOOR 0.005  /* errors are relative to max(target, this) */
#define GAIN 0.01            /* u moves by GAIN x relative error per tick */
#define U_MAX 100.0          /* far above any line cap: the cap binds first */

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
        p->prior_a = d->answer_rate;
        p->tries = p->hits = 0;
    }
}

void sim__pacer_attempt(sim__pacer *p, bool hit, double reach_s)
{
    p->tries += 1;
    if (hit) {
        p->hits += 1;
        p->reach_n++;
        p->reach_s += (reach_s - p->reach_s) / (double)(p->reach_n + 1);
    }
}

void sim__pacer_connected(sim__pacer *p)
{
    p->live_recent += 1;
    p->live_shift++;
}

void sim__pacer_dropped(sim__pacer *p)
{
    p->live_recent += 1;
    p->ab_recent += 1;
    p->live_shift++;
    p->ab_shift++;
}

void sim__pacer_handled(sim__pacer *p, double handle_s)
{
    p->handle_n++;
    p->handle_s += (handle_s - p->handle_s) / (double)(p->handle_n + 1);
}

double sim__pacer_hit_rate(const sim__pacer *p)
{
    double a = (p->prior_w * p->prior_a + p->hits) / (p->prior_w + p->tries);
    return a > 1e-3 ? a : 1e-3;
}

void sim__pacer_tick(sim__pacer *p, const sim_dialer *d, bool warming, bool at_cap)
{
    double hd = exp(-SIM_PACER_TICK / HIT_WINDOW), ad = exp(-SIM_PACER_TICK / AB_WINDOW);
    p->tries *= hd;
    p->hits *= hd;
    p->prior_w *= hd;
    p->live_recent *= ad;
    p->ab_recent *= ad;
    if (warming)
        return;
    double target = d->abandon_rate;
    double norm = fmax(target, AB_RATE_FLOOR);
    double recent = (p->ab_recent + target * AB_SHRINK) / (p->live_recent + AB_SHRINK);
    double shift = ((double)p->ab_shift + target * AB_SHRINK) / ((double)p->live_shift + AB_SHRINK);
    double e = ((target - recent) + (target - shift)) / norm;
    if (at_cap && e > 0) /* anti-windup: more would not be dialed */
        return;
    p->u = fmin(U_MAX, fmax(0.0, p->u + GAIN * e));
}

double sim__pacer_lines(const sim__pacer *p, int idle, int busy, int queued)
{
    double a = sim__pacer_hit_rate(p);
    double s = p->handle_s > 0 ? fmin(1.0, p->reach_s / p->handle_s) : 0.0;
    double free_now = (double)(idle - queued);
    double ratio = 1.0 + p->u * (1.0 / a - 1.0);
    return free_now * ratio + p->u * busy * s / a;
}
