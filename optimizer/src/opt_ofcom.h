/* opt_ofcom.h - Ofcom's abandoned-call estimate from what an ACD can see
 * (internal). */
#ifndef OPT_OFCOM_H
#define OPT_OFCOM_H

/* An estimate of the true counts behind an ACD's book. */
typedef struct opt__ofcom {
    double live_drops;      /* drops estimated to be people */
    double false_positives; /* people AMD hung up on, estimated */
    double abandoned;       /* live_drops + false_positives */
    double live_answers;    /* connected + abandoned */
    double rate;            /* abandoned / live_answers (0 when none) */
} opt__ofcom;

/* From the ACD's book over a window: `connected` live calls agents took,
 * `drops` calls it dropped (people and undetected machines: it cannot tell
 * them apart), `machines_to_agents` answering machines agents took (0 when
 * unknown: every drop is then taken for a person, the cautious side), and
 * the configured AMD false-positive rate `fp` in [0, 1), the share of people
 * AMD hangs up on (0 without AMD):
 *   q   = AM / (AM + connected)                 machines' share of answers
 *   D_l = drops (1 - q)                         Ofcom's machine adjustment
 *   FP  = (connected + D_l) fp / (1 - fp)       the people AMD passed are
 *                                               a (1 - fp) share of all
 *   rate = (D_l + FP) / (connected + D_l + FP)
 * Negative inputs count as 0; an fp outside [0, 1) as 0. */
opt__ofcom opt__ofcom_estimate(long connected, long drops, long machines_to_agents, double fp);

#endif
