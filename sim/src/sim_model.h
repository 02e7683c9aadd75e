/* sim_model.h - distributions, profiles and the campaign model (internal). */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dialsim.h"

typedef enum sim__dist_kind {
    SIM__FIXED = 0,
    SIM__EXPONENTIAL,
    SIM__LOGNORMAL,
    SIM__GAMMA,
    SIM__UNIFORM,
    SIM__WEIBULL
} sim__dist_kind;

/* A non-negative duration distribution with its parameters precomputed. */
typedef struct sim__dist {
    sim__dist_kind kind;
    double mean, sd;   /* as given (uniform: derived) */
    double a, b;       /* lognormal: zeta, sigma; gamma, weibull: shape, scale; uniform: min, max */
} sim__dist;

/* A draw (inline: the engine takes two or three per call). */
static inline double sim__dist_sample(const sim__dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case SIM__FIXED:
        return d->mean;
    case SIM__EXPONENTIAL:
        return gsl_ran_exponential(r, d->mean);
    case SIM__LOGNORMAL:
        return gsl_ran_lognormal(r, d->a, d->b);
    case SIM__GAMMA:
        return gsl_ran_gamma(r, d->a, d->b);
    case SIM__UNIFORM:
        return gsl_ran_flat(r, d->a, d->b);
    case SIM__WEIBULL:
        return gsl_ran_weibull(r, d->b, d->a);
    }
    return d->mean;
}
/* Switches GSL's error handler off, once per process (sim_run.c): every
 * public entry point that reaches GSL calls it first. */
void sim__gsl_init(void);
/* Reads member `key` of o: {"dist":...,"mean":..,"sd":..} or {"dist":
 * "uniform","min":..,"max":..}, or a bare number (fixed). Returns 0 (absent
 * and optional: *d untouched) or -1. */
int sim__dist_read(cx_jobj *o, const char *key, bool required, sim__dist *d);
sim__dist sim__dist_fixed(double v);
sim__dist sim__dist_exponential(double mean);

#define SIM_PROFILE_MAX 96

/* A value over the day: constant, or points (hour in [0,24), value), step or
 * linear between them, repeating every 24 hours. */
typedef struct sim__profile {
    int n;                    /* 0: constant `value` */
    bool linear;
    double value;
    double hour[SIM_PROFILE_MAX];
    double v[SIM_PROFILE_MAX];
} sim__profile;

double sim__profile_vary(const sim__profile *p, double t_seconds);
/* The value at t (inline for a constant, the engine's common case). */
static inline double sim__profile_at(const sim__profile *p, double t_seconds)
{
    return p->n == 0 ? p->value : sim__profile_vary(p, t_seconds);
}
double sim__profile_max(const sim__profile *p);

struct sim_model {
    sim__profile agents;      /* values are whole agents */
    sim__profile live;        /* p(t) */
    double machine_p, busy_p, invalid_p;
    double no_answer_timeout;
    bool amd;                 /* AMD screens answered calls */
    double amd_detection, amd_false_positive;
    double abandon_threshold;
    sim__dist ring, talk, wrap, busy_time, invalid_time, machine_handle, preview;
    sim__dist amd_decision;   /* AMD's listening time after an answer */
};

#endif
