/* sim_vicidial.h - VICIdial's adaptive dial level, as a controller the engine
 * drives (internal).
 *
 * The rules are VICIdial's own, read from bin/AST_VDadapt.pl (version 2.4;
 * subroutines count_agents_lines, calculate_drops, calculate_dial_level) and
 * summarised in ../shared/DOMAIN.md, "How real dialers pace"; the launching
 * rule is AST_VDauto_dial.pl's as DOMAIN.md states it. Each rule below names
 * where it comes from. No code is taken from VICIdial.
 *
 * The controller holds no clock and draws no random number: the engine calls
 *   sim__vici_sample   every second          (count_agents_lines)
 *   sim__vici_drops    every 60 seconds      (calculate_drops)
 *   sim__vici_adjust   every 15 seconds      (calculate_dial_level)
 *   sim__vici_to_launch every 2.5 seconds    (the auto-dialer's launch round)
 * so each rule can be tested alone (tests/sim/test_sim_vicidial.c). */
#ifndef SIM_VICIDIAL_H
#define SIM_VICIDIAL_H

#include <stdint.h>

#include "dialsim.h"

/* count_agents_lines keeps the last 15 one-second samples. */
#define SIM_VICI_SAMPLES 15

/* What the drop check saw, as calculate_drops counts it. */
typedef struct sim__vici_drops {
    uint64_t calls_one, drops_one;                  /* dials and drops, last 60 s */
    uint64_t calls_today, answers_today, drops_today; /* since the day began */
} sim__vici_drops;

/* The rules that moved the level in the last adjustment, as bits
 * (1u << rule) of sim__vici.fired (for tests and the report). */
typedef enum sim__vici_rule {
    SIM_VICI_RULE_NONE = 0,
    SIM_VICI_RULE_DIFFERENTIAL, /* level x (1 + intensity-scaled differential) */
    SIM_VICI_RULE_CAP,          /* capped at maxLevel */
    SIM_VICI_RULE_FLOOR,        /* raised to 1.0 */
    SIM_VICI_RULE_MINUTE,       /* > 20 calls last minute, > 50% dropped: halved */
    SIM_VICI_RULE_HARD_LIMIT,   /* today's drop % over the limit: 1.0 */
    SIM_VICI_RULE_AVERAGE,      /* today's drop % over the limit: halved */
    SIM_VICI_RULE_TAPERED       /* today's drop % over the limit: tapered to shift end */
} sim__vici_rule;

typedef struct sim__vici {
    sim_vicidial p;
    double drop_limit; /* a fraction: the dialer's abandonRate */
    double level;      /* auto_dial_level */
    int ready[SIM_VICI_SAMPLES], waiting[SIM_VICI_SAMPLES], total[SIM_VICI_SAMPLES];
    int n, head;       /* samples held, next slot */
    sim__vici_drops drops;
    unsigned fired;    /* rules applied by the last sim__vici_adjust */
} sim__vici;

void sim__vici_init(sim__vici *v, const sim_vicidial *p, double drop_limit);
/* One second's sample: ready agents, answered calls waiting for an agent,
 * logged-in agents. */
void sim__vici_sample(sim__vici *v, int ready, int waiting, int total);
/* The averages over the samples held (0 when none). */
void sim__vici_averages(const sim__vici *v, double *ready, double *waiting, double *total);
void sim__vici_drops_set(sim__vici *v, const sim__vici_drops *d);
/* Re-decides the level; `hours_left` is the time to the shift's end
 * (tapered mode; negative after it). Returns the new level. */
double sim__vici_adjust(sim__vici *v, double hours_left);
/* Lines to launch in this round: round(level x non-paused agents) minus the
 * calls in progress, never negative. */
int sim__vici_to_launch(const sim__vici *v, int nonpaused_agents, int in_progress);

#endif
