/* sim_engine.h - the discrete-event engine behind runs and live simulations
 * (internal). */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stdint.h>

#include "sim_model.h"

/* Counts over a span of simulated time. */
typedef struct sim__tally {
    uint64_t attempts, live_answers, machine_answers, no_answers, busy, invalid, blocked;
    uint64_t connected, abandoned, amd_fp, machines_to_agents, waited, handled;
    uint64_t machines_dropped; /* undetected machines the ACD dropped */
    double busy_s, staffed_s, wait_sum, handle_s;
} sim__tally;

/* One interval of the series: the counts and sums its point shows, and
 * no more (less than half a tally: a long run's series is its memory). */
typedef struct sim__bucket {
    uint64_t attempts, live_answers, connected, abandoned, amd_fp, machines_dropped;
    double busy_s, staffed_s;
} sim__bucket;

/* Waits of connected calls: bin 0 holds waits under 1 ms, then 100 bins a
 * decade from 1 ms to 10^6 s. */
#define SIM_HIST_BINS 902

typedef struct sim__engine_opts {
    double discard_s;  /* nothing is counted before it */
    double horizon_s;  /* nor after it (INFINITY for live simulations) */
    double interval_s; /* series buckets (0: no series) */
    int batches;       /* equal batches over [discard, horizon] (0: none) */
    const sim_record_hook *hook; /* each counted attempt's record (NULL: none) */
    double record_offset;        /* added to records' start times */
} sim__engine_opts;

typedef struct sim__engine sim__engine;

sim_status sim__engine_create(const sim_model *m, const sim_dialer *d, uint64_t seed,
                              const sim__engine_opts *o, sim__engine **out, cx_error *err);
void sim__engine_destroy(sim__engine *e);
void sim__engine_set_dialer(sim__engine *e, const sim_dialer *d);
void sim__engine_set_records(sim__engine *e, const sim_record_hook *hook);
/* Runs all events up to t. SIM_ENOMEM if memory ran out (the engine is then
 * unusable). */
sim_status sim__engine_advance(sim__engine *e, double t, cx_error *err);

double sim__engine_now(const sim__engine *e);
/* Calls launched before t and not yet ended. */
int sim__engine_in_flight(const sim__engine *e, double t);
int sim__engine_agents(const sim__engine *e);
int sim__engine_peak_lines(const sim__engine *e);
/* The predictive dialer's pacing state (see dialsim.h). */
const struct sim__pacer *sim__engine_pacer(const sim__engine *e);
/* vicidial: its adaptive dial level now (0 for other strategies). */
double sim__engine_dial_level(const sim__engine *e);
const sim__tally *sim__engine_total(const sim__engine *e);
const sim__tally *sim__engine_batches(const sim__engine *e, int *n);
const sim__bucket *sim__engine_series(const sim__engine *e, size_t *n);
const uint64_t *sim__engine_hist(const sim__engine *e);
/* The bytes the engine holds (itself and every array it allocated, at
 * their capacity; the RNG's few kilobytes aside): bounded by the lines,
 * agents and events in use at once, plus the series when one is kept. */
size_t sim__engine_footprint(const sim__engine *e);

/* The wait at quantile q in [0,1] of a histogram; 0 when it is empty. */
double sim__hist_quantile(const uint64_t *hist, double q);
/* splitmix64: derives independent seeds. */
uint64_t sim__mix(uint64_t x);

#endif
