/* sim_pacer.h - the predictive dialer's pacing: its hit-rate estimate, its
 * abandon control and the lines it wants ringing (internal). The algorithm
 * and every constant are described once, in dialsim.h ("THE PACING
 * ALGORITHM"); this is its implementation. The pacer sees only what a real
 * dialer sees: its own attempts and how they ended, the calls its ACD
 * connected or dropped, and its agents' states. */
#ifndef SIM_PACER_H
#define SIM_PACER_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "dialsim.h"

typedef struct sim__pacer {
    /* hit rate: a Beta prior of weight prior_w at answerRate, and the
     * attempts and hits seen, all discounted with HIT_WINDOW */
    double prior_w, prior_a;
    bool prior_still; /* the discount no longer moves prior_w (see tick) */
    double tries, hits;
    /* abandon control (dialsim.h): u = level + surplus */
    double surplus;  /* g x the shift's unspent abandons / max(target, floor) */
    double level;    /* the operating level; it absorbs the surplus */
    double u;        /* 0 progressive, 1 expected-value pacing */
    bool started;    /* warm-up is over */
    /* times the dialer observes: launch to the ACD, and handle */
    double reach_s, handle_s;
    uint64_t reach_n, handle_n;
} sim__pacer;

/* The hit-rate discount's tick, and its time constant, seconds. */
#define SIM_PACER_TICK 15.0
#define SIM__HIT_WINDOW 900.0

void sim__pacer_init(sim__pacer *p, const sim_dialer *d, double mean_reach_s,
                     double mean_handle_s);
/* New settings: a changed answerRate re-seats the prior (full weight, new
 * value); what the dialer has seen stays. */
void sim__pacer_set_dialer(sim__pacer *p, const sim_dialer *old, const sim_dialer *d);
/* An attempt ended: `hit` when it reached the ACD (a live answer AMD passed,
 * or an undetected machine), after `reach_s` seconds from its launch. */
static inline void sim__pacer_attempt(sim__pacer *p, bool hit, double reach_s)
{
    p->tries += 1;
    if (hit) {
        p->hits += 1;
        p->reach_n++;
        p->reach_s += (reach_s - p->reach_s) / (double)(p->reach_n + 1);
    }
}
/* `agents`: staffed now (idle or busy). The ACD connected a live call to an agent (a machine an agent took is
 * marked by the agent and left out of the book). `at_cap`: every line is in
 * use, so u does not rise. */
void sim__pacer__integrate(sim__pacer *p, const sim_dialer *d, double x, int agents,
                           bool at_cap);
static inline void sim__pacer_connected(sim__pacer *p, const sim_dialer *d, int agents,
                                        bool at_cap)
{
    if (p->started) /* the control moves only once warm-up is over */
        sim__pacer__integrate(p, d, 0, agents, at_cap);
}
/* The ACD dropped a call that reached it: no agent within the threshold. */
static inline void sim__pacer_dropped(sim__pacer *p, const sim_dialer *d, int agents)
{
    if (p->started)
        sim__pacer__integrate(p, d, 1, agents, false);
}
static inline void sim__pacer_handled(sim__pacer *p, double handle_s)
{
    p->handle_n++;
    p->handle_s += (handle_s - p->handle_s) / (double)(p->handle_n + 1);
}
/* Every SIM_PACER_TICK: discounts the hit-rate window. While `warming`
 * (or not predictive) the abandon control does not move. */
static inline void sim__pacer_tick(sim__pacer *p, bool warming)
{
    const double decay = exp(-SIM_PACER_TICK / SIM__HIT_WINDOW); /* a constant, folded */
    p->tries *= decay;
    p->hits *= decay;
    /* the prior's weight decays below DBL_MIN 177 simulated hours in,
     * then to 30 x 2^-1074, which the product rounds back to: each product
     * with a subnormal took a microcode assist (a fifth of a long run's
     * time), so once a product leaves the weight as it was, it is no
     * longer taken; the weight is the same. */
    if (!p->prior_still) {
        double w = p->prior_w * decay;
        p->prior_still = w == p->prior_w;
        p->prior_w = w;
    }
    p->started = !warming;
}
/* The hit-rate estimate now. */
double sim__pacer_hit_rate(const sim__pacer *p);
/* How many lines should be ringing now. */
double sim__pacer_lines(const sim__pacer *p, int idle, int busy, int queued);

#endif
