/* sim_vicidial.c - VICIdial's adaptive dial level (see sim_vicidial.h for
 * where each rule comes from). */
#include "sim_vicidial.h"

#include <math.h>
#include <string.h>

void sim__vici_init(sim__vici *v, const sim_vicidial *p, double drop_limit)
{
    memset(v, 0, sizeof *v);
    v->p = *p;
    v->drop_limit = drop_limit;
    v->level = p->initial_level;
}

/* count_agents_lines: READY and DONE agents count as ready; calls with
 * status LIVE (answered, no agent yet) as waiting; every logged-in agent in
 * the total. The engine passes those three counts. */
void sim__vici_sample(sim__vici *v, int ready, int waiting, int total)
{
    v->ready[v->head] = ready;
    v->waiting[v->head] = waiting;
    v->total[v->head] = total;
    v->head = (v->head + 1) % SIM_VICI_SAMPLES;
    if (v->n < SIM_VICI_SAMPLES)
        v->n++;
}

/* count_agents_lines: the averages are over the last 15 samples, or over
 * those held when fewer have been taken. */
void sim__vici_averages(const sim__vici *v, double *ready, double *waiting, double *total)
{
    double r = 0, w = 0, t = 0;
    for (int i = 0; i < v->n; i++) {
        r += v->ready[i];
        w += v->waiting[i];
        t += v->total[i];
    }
    *ready = v->n ? r / v->n : 0;
    *waiting = v->n ? w / v->n : 0;
    *total = v->n ? t / v->n : 0;
}

void sim__vici_drops_set(sim__vici *v, const sim__vici_drops *d) { v->drops = *d; }

/* calculate_drops rounds its percentages to two decimals. */
static double pct2(double num, double den) { return round(100.0 * num / den * 100.0) / 100.0; }

static void set_level(sim__vici *v, double level, sim__vici_rule why)
{
    v->level = level;
    v->fired |= 1u << why;
}

double sim__vici_adjust(sim__vici *v, double hours_left)
{
    double ready, waiting, total;
    v->fired = 0;
    sim__vici_averages(v, &ready, &waiting, &total);

    /* calculate_dial_level: the differential is ready minus waiting (on
     * average), plus the configured target; as a share of the agents. */
    double target = ready - waiting + v->p.diff_target;
    double mul = (target != 0 && total != 0) ? target / total : 0;
    /* the intensity widens rises (x(1 + I)) and narrows falls (x|I - 1|) */
    double in = v->p.intensity / 100.0;
    double scaled = mul < 0 ? mul * fabs(in - 1.0) : mul * (in + 1.0);
    /* the suggested level is kept to three decimals */
    set_level(v, round(v->level * (1.0 + scaled) * 1000.0) / 1000.0,
              SIM_VICI_RULE_DIFFERENTIAL);
    if (v->level > v->p.max_level)
        set_level(v, v->p.max_level, SIM_VICI_RULE_CAP);
    if (v->level < 1.0)
        set_level(v, 1.0, SIM_VICI_RULE_FLOOR);

    /* the drop rules, in VICIdial's order: the last minute over all calls
     * placed, then today's drops over human answers */
    const sim__vici_drops *d = &v->drops;
    double one_pct = d->drops_one > 0 ? pct2((double)d->drops_one, (double)d->calls_one) : 0;
    if (d->calls_one > 20 && one_pct > 50)
        set_level(v, v->level / 2, SIM_VICI_RULE_MINUTE);
    double today_pct = 0;
    if (d->drops_today > 0)
        today_pct = pct2((double)d->drops_today,
                         (double)(d->answers_today < 1 ? 1 : d->answers_today));
    if (d->calls_today > 50 && today_pct > v->drop_limit * 100.0) {
        switch (v->p.mode) {
        case SIM_VICI_HARD_LIMIT:
            set_level(v, 1.0, SIM_VICI_RULE_HARD_LIMIT);
            break;
        case SIM_VICI_AVERAGE:
            set_level(v, v->level / 2, SIM_VICI_RULE_AVERAGE);
            break;
        case SIM_VICI_TAPERED:
            /* the share of ten hours left to the shift's end, at most 1;
             * VICIdial computes it on HHMM clock values, this on hours */
            if (hours_left < 0)
                set_level(v, 1.0, SIM_VICI_RULE_TAPERED);
            else
                set_level(v, v->level * fmin(1.0, hours_left / 10.0), SIM_VICI_RULE_TAPERED);
            break;
        }
    }
    /* never below one line per agent */
    if (v->level < 1.0)
        set_level(v, 1.0, SIM_VICI_RULE_FLOOR);
    return v->level;
}

/* The auto-dialer's round: enough calls to reach level x agents. */
int sim__vici_to_launch(const sim__vici *v, int nonpaused_agents, int in_progress)
{
    int want = (int)floor(v->level * nonpaused_agents + 0.5) - in_progress;
    return want > 0 ? want : 0;
}
