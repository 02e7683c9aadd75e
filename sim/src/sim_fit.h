/* sim_fit.h - the fit's accumulators, shared by the records reader
 * (sim_records.c) and the estimation (sim_fit.c). Internal. */
#ifndef SIM_FIT_INT_H
#define SIM_FIT_INT_H

#include <stdint.h>

#include "dialsim_fit.h"

#define SIM__FIT_BINS 4000 /* 500 a decade, 1 ms to 1e5 s */
#define SIM__FIT_OPEN_HOURS 8

/* One duration: sufficient statistics and a log histogram. */
typedef struct sim__dstat {
    uint64_t n;
    double s1, slog, slog2, min, max;
    uint32_t hist[SIM__FIT_BINS];
} sim__dstat;

enum { SIM__O_LIVE, SIM__O_MACHINE, SIM__O_BUSY, SIM__O_NOANSWER, SIM__O_INVALID, SIM__O_COUNT };

/* One row, parsed; NAN / -1 for an absent field. */
typedef struct sim__row {
    double start, ring, amd_s, wait, talk, wrap;
    int hour, outcome, amd, abandoned;
    int64_t agent;
} sim__row;

/* The distinct agents of one hour (open addressing, ids + 1, 0 empty). */
typedef struct sim__hourset {
    int64_t key; /* absolute hour, -1 unused */
    int hod;
    uint32_t n, cap;
    int64_t *ids;
} sim__hourset;

struct sim_fit {
    char names[SIM_REC_FIELDS][64];         /* column names */
    bool has[SIM_REC_FIELDS];
    int n_values;
    char value_from[64][64];              /* outcome values */
    int value_to[64];
    bool truth;
    /* counts */
    uint64_t rows;
    uint64_t by_hour[24][SIM__O_COUNT];
    uint64_t amd_calls[2][3];             /* [live, machine][none, human, machine] */
    uint64_t waits, abandons, late_agent_rows;
    double wait_sum, ev_min, ev_max, cens_max;
    sim__dstat ring, talk, wrap, amd_s, machine, busy, noanswer, invalid;
    uint32_t ev_hist[SIM__FIT_BINS], cens_hist[SIM__FIT_BINS], zero_ev, zero_cens;
    /* agents */
    sim__hourset open[SIM__FIT_OPEN_HOURS];
    double agents_sum[24];
    uint32_t agents_hours[24];
};

void sim__dstat_init(sim__dstat *d);
void sim__dstat_add(sim__dstat *d, double x);
int sim__fit_bin(double x);
double sim__fit_bin_lo(int b);
/* Fits a duration: the model's distribution into model[key], the details
 * (candidates with AIC and KS, the chosen one's parameters with 95%
 * intervals, CDF points for plots) into report[key]; a fixed value when
 * every sample is the same (sim_fit_dist.c). */
void sim__fit_duration(const sim__dstat *d, const char *key, struct cJSON *model,
                       struct cJSON *report);
/* Adds {"value": v, "ci95": [lo, hi]} as o[name]; returns it. */
struct cJSON *sim__fit_est(struct cJSON *o, const char *name, double v, double lo, double hi);
/* The share k/n and its 95% Wilson interval. */
void sim__fit_wilson(uint64_t k, uint64_t n, double *p, double *lo, double *hi);
/* Adds one parsed row; -1 when out of memory. */
int sim__fit_row(sim_fit *f, const sim__row *r);

#endif
