/*
 * dialsim.h - libdialsim: a discrete-event simulation of a predictive dialer
 * and its agents, trusted because it reproduces queueing theory.
 *
 * THE MODEL (the campaign, JSON key "campaign")
 *   Each attempt the dialer launches ends, independently, as
 *     a live answer      with probability p(t) = liveAnswerProbability
 *                        (a number, or a profile over the day), after a
 *                        ringTime sample (the time to answer, given answered);
 *     a machine answer   with probability machineProbability, after ringTime;
 *     busy               with probability busyProbability, after busyTime;
 *     no answer          otherwise, after noAnswerTimeout.
 *   AMD (answering-machine detection, "amd") hangs up on the share
 *   `detection` of machines; undetected machines go to an agent like a live
 *   call and hold them for machineHandleTime. It also hangs up on the share
 *   `falsePositive` of live people: those count as abandoned (as Ofcom counts
 *   them) and are reported apart.
 *   A live answer connects at once to an idle agent. If none is idle it
 *   waits, first come first served, and is abandoned when not connected
 *   within abandonThreshold seconds (default 2, the FCC two-second rule; 0 =
 *   no waiting; 1e9 = nobody abandons). A connected call holds its agent for
 *   talkTime then wrapTime. Agents are a count, or a schedule over the day;
 *   when the schedule lowers the count, busy agents leave after their call.
 *   Lines: a call holds a line from launch until it ends (ring, wait and
 *   talk); wrap-up holds no line.
 *   Profile and schedule hours count from the start of the simulation and
 *   repeat every 24 hours.
 *
 * THE DIALER (JSON key "dialer": the seed's PredictiveDialerConfig)
 *   answerRate a       the dialer's estimate of p (the truth it must guess)
 *   abandonRate r*     the abandon target its pacing steers toward
 *   maxConcurrentCalls lines in flight, never exceeded
 *   callInterval (ms)  minimum gap between two launches, never shortened
 *   warmUpPeriod (s)   progressive dialing from the start before pacing
 *   strategy           predictive | progressive | power | preview |
 *                      fixed-rate (with dialRate, attempts/s, Poisson)
 *
 * THE PACING ALGORITHM. The dialer re-decides after every event (a call
 * resolves, an agent frees, the call-interval gate opens, a control tick).
 * It launches one line at a time, each at least callInterval after the
 * previous one, while its rule asks for more lines and fewer than
 * maxConcurrentCalls are in use.
 *   progressive  lines ringing < idle agents (one line per idle agent). No
 *                live answer ever waits, so none is abandoned.
 *   preview      as progressive, but each line is launched after its agent
 *                has previewed the record for previewTime.
 *   power        when an agent becomes idle it gets a batch of
 *                n = max(1, round(1/a)) lines; the first live answer of the
 *                batch connects to it, later live answers of the same batch
 *                are abandoned (no pooling); a batch with no live answer is
 *                followed by a new batch. No adaptation.
 *   predictive   pooled, idle-aware pacing with adaptive abandon control:
 *                  F = idle + k * busy * min(1, R / H)    agents expected free
 *                      when a line launched now is answered: the idle ones,
 *                      plus a bet (weighted by k) on busy ones finishing;
 *                      R = the observed mean ring time of answered calls,
 *                      H = the observed mean handle time (talk + wrap), both
 *                      running means started from the model's means
 *                  want = (F - queued) / a               lines that should
 *                                                        be ringing
 *                  launch while ringing < round(want)
 *                The answer-rate estimate a scales every line: an a below
 *                the truth overdials whatever k does, an a above it
 *                underdials. The abandon control moves only the bet k:
 *                every 60 s the recent abandon rate r (abandoned / live
 *                answers, both exponentially discounted with a 15-min time
 *                constant) is compared with r*, once at least 20 live
 *                answers are in the discounted window:
 *                  r > r*            k <- k - 0.02   (retreat)
 *                  r < r* / 2        k <- k + 0.01   (advance)
 *                with k in [0, 2], starting at 0 (a new campaign ramps up, as
 *                CXone's does: one call per agent first). The control is slow on
 *                purpose, as in real dialers: a wrong estimate keeps costing
 *                abandons or occupancy for a long while, so the estimate is
 *                worth setting well.
 *   fixed-rate   Poisson launches at dialRate; a launch that finds every
 *                line busy is blocked (counted, not dialed). For validation.
 *   During the first warmUpPeriod seconds, predictive and power dial as
 *   progressive.
 *
 * STATISTICS. abandonRate = abandoned / liveAnswers (FCC), where
 * liveAnswers = connected + abandoned and abandoned includes AMD false
 * positives (shown apart as amdFalsePositives). waitedFraction = live answers
 * that found no idle agent / live answers. occupancy = agent busy time (talk,
 * wrap, undetected machines) / staffed time. connectWait percentiles come from
 * a fixed logarithmic histogram (memory does not grow with the run).
 * Intervals are reported per intervalMinutes. With one replication, 95%
 * intervals come from 20 batch means; with several, from the replications
 * (Student t). The first discardHours are simulated but not counted.
 *
 * CONVENTIONS. Functions return a sim_status (SIM_OK = 0) and fill a
 * caller-provided cx_error; nothing here prints, exits or keeps global
 * state; each simulation owns its gsl_rng, so simulations may run in
 * parallel threads. Callers must call gsl_set_error_handler_off() once in
 * main(). Same seed, same result, bit for bit.
 */
#ifndef DIALSIM_H
#define DIALSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cxcommon.h"

struct cJSON;

typedef enum sim_status {
    SIM_OK = 0,
    SIM_EINVAL, /* invalid model, settings or argument (the text names it) */
    SIM_ENOMEM,
    SIM_EIO,    /* a file could not be read */
    SIM_ENUM    /* a numerical routine failed */
} sim_status;

const char *sim_strerror(sim_status st);

/* ----------------------------------------------------------- the model */

typedef struct sim_model sim_model;

/* Parses a "campaign" object. `file` and `path` name it in errors
 * ("dial.json: campaign.talkTime.mean: must be >= 0"). On success *out is a
 * new model the caller destroys. */
sim_status sim_model_parse(const struct cJSON *campaign, const char *file, const char *path,
                           sim_model **out, cx_error *err);
/* A typical campaign model as JSON text (20 agents, 70% live answers, 10%
 * machines with AMD, lognormal rings, gamma talk, uniform wrap; figures from
 * ../shared/DOMAIN.md): the default wherever a model is needed and none is
 * given. */
const char *sim_typical_campaign_json(void);

/* A deep copy. */
sim_status sim_model_clone(const sim_model *m, sim_model **out, cx_error *err);
void sim_model_destroy(sim_model *m);

/* Replaces the live-answer probability (number or profile) by a constant.
 * SIM_EINVAL when p + machine + busy probabilities would exceed 1. */
sim_status sim_model_set_live_probability(sim_model *m, double p, cx_error *err);

/* Replaces the agents (count or schedule) by a constant count (>= 1). */
sim_status sim_model_set_agents(sim_model *m, int agents, cx_error *err);

/* The oracle: the TRUE live-answer probability at simulated time t. */
double sim_model_live_probability(const sim_model *m, double t);
/* Staffed agents at simulated time t. */
int sim_model_agents(const sim_model *m, double t);
/* Mean talk + wrap time (s). */
double sim_model_mean_handle(const sim_model *m);

/* ---------------------------------------------------------- the dialer */

typedef enum sim_strategy {
    SIM_PREDICTIVE = 0,
    SIM_PROGRESSIVE,
    SIM_POWER,
    SIM_PREVIEW,
    SIM_FIXED_RATE
} sim_strategy;

const char *sim_strategy_name(sim_strategy s);

typedef struct sim_dialer {
    double answer_rate;       /* answerRate: estimate of p, (0, 1] */
    double abandon_rate;      /* abandonRate: target, [0, 1) */
    int max_concurrent_calls; /* maxConcurrentCalls, >= 1 */
    double call_interval_ms;  /* callInterval, >= 0 */
    sim_strategy strategy;
    double warm_up_s;         /* warmUpPeriod, >= 0 */
    double dial_rate;         /* dialRate (fixed-rate only), attempts/s */
} sim_dialer;

/* The seed's config: 0.72, 0.025, 80, 120 ms, predictive, 30 s. */
sim_dialer sim_dialer_default(void);
/* Reads a "dialer" object over *d (absent keys keep their values). */
sim_status sim_dialer_parse(const struct cJSON *obj, const char *file, const char *path,
                            sim_dialer *d, cx_error *err);
sim_status sim_dialer_check(const sim_dialer *d, cx_error *err);

/* ------------------------------------------------------- a whole config */

typedef struct sim_config {
    sim_model *model;         /* owned */
    sim_dialer dialer;
    double hours;             /* simulated, after the discard: 8 */
    double discard_hours;     /* simulated first, not counted: 0 */
    uint64_t seed;            /* 1 */
    int replications;         /* 1 */
    double interval_minutes;  /* 15 */
} sim_config;

/* Parses a whole config file: {"campaign":{...}, "dialer":{...}, "hours",
 * "discardHours", "seed", "replications", "intervalMinutes"}. */
sim_status sim_config_parse(const struct cJSON *root, const char *file, sim_config *cfg,
                            cx_error *err);
sim_status sim_config_load(const char *path, sim_config *cfg, cx_error *err);
/* Builds a config from parts (the model is cloned). */
sim_status sim_config_init(sim_config *cfg, const sim_model *model, const sim_dialer *d,
                           double hours, uint64_t seed, int replications, cx_error *err);
/* Frees what the config owns (not the struct). */
void sim_config_free(sim_config *cfg);

/* -------------------------------------------------------------- results */

/* A mean with its 95% interval (lo = hi = mean when there is none). */
typedef struct sim_estimate {
    double mean, lo, hi;
} sim_estimate;

typedef struct sim_point {
    double t0, t1;               /* simulated seconds since the start */
    double attempts, live_answers, abandoned, abandon_rate, occupancy, agents;
} sim_point;

typedef struct sim_report {
    uint64_t seed;
    int replications;
    double hours;
    const char *ci_method;       /* "replications" or "batch means" */
    sim_estimate attempts, live_answers, machine_answers, no_answers, busy, blocked;
    /* the truth: live people (AMD false positives included) */
    sim_estimate connected, abandoned, amd_false_positives, machines_to_agents;
    sim_estimate abandon_rate, abandon_rate_ofcom, waited_fraction, occupancy;
    /* the ACD's book */
    sim_estimate machines_dropped, observed_live_answers, observed_abandoned;
    sim_estimate observed_abandon_rate;
    sim_estimate connects_per_agent_hour, mean_wait;
    sim_estimate wait_p50, wait_p90, wait_p95, wait_p99; /* of connected calls */
    sim_estimate busy_agents, connect_rate;               /* Little's law */
    double mean_handle_s;        /* observed talk + wrap of connected calls */
    size_t n_series;
    sim_point *series;           /* means over replications */
} sim_report;

/* Runs cfg->replications replications (each on its own RNG stream derived
 * from cfg->seed and its index) on up to `threads` threads (<= 1: this
 * thread). The result does not depend on the thread count. *out is new. */
sim_status sim_run(const sim_config *cfg, int threads, sim_report **out, cx_error *err);
void sim_report_destroy(sim_report *r);
/* The --json output; NULL when out of memory. */
struct cJSON *sim_report_to_json(const sim_report *r);

/* A quick what-if for the optimizer: mean abandon rate and its upper 95%
 * bound, mean occupancy and its interval, over `replications` runs of
 * `hours` counted after `discard_hours` of settling (no series). */
typedef struct sim_prediction {
    double abandon_mean, abandon_upper95;
    double occupancy_mean, occupancy_lo95, occupancy_hi95;
    double live_answers_mean;
} sim_prediction;

sim_status sim_predict(const sim_model *m, const sim_dialer *d, double hours,
                       double discard_hours, int replications, uint64_t seed,
                       sim_prediction *out, cx_error *err);

/* ------------------------------------------------- a live simulation */

/* Cumulative counts since the start of a live simulation. */
typedef struct sim_counters {
    double time;                 /* simulated seconds since the start */
    uint64_t attempts, live_answers, machine_answers, no_answers, busy, blocked;
    uint64_t connected, abandoned, amd_false_positives, machines_to_agents, waited;
    /* the ACD's book (see STATISTICS) */
    uint64_t machines_dropped, observed_live_answers, observed_abandoned;
    double busy_agent_s;         /* agent time in talk, wrap, machines */
    double staffed_agent_s;
    double handle_s;             /* talk + wrap of completed calls */
    uint64_t handled;            /* completed calls */
    int agents_now;
    int peak_lines;              /* the most lines in use at once so far */
    double pacing_level;         /* predictive: the control variable u now */
    double hit_rate_estimate;    /* predictive: the dialer's estimate now */
} sim_counters;

typedef struct sim_live sim_live;

/* A simulation that advances on demand under settings that may change: the
 * mock server backs each campaign with one. The model is cloned. */
sim_status sim_live_create(const sim_model *m, const sim_dialer *d, uint64_t seed,
                           sim_live **out, cx_error *err);
void sim_live_destroy(sim_live *l);
/* New settings from the current simulated time on; calls in flight go on. */
sim_status sim_live_set_dialer(sim_live *l, const sim_dialer *d, cx_error *err);
/* Runs every event up to simulated time t (seconds since the start); a t in
 * the past does nothing. */
sim_status sim_live_advance(sim_live *l, double t, cx_error *err);
void sim_live_counters(const sim_live *l, sim_counters *out);
const sim_model *sim_live_model(const sim_live *l);

/* --------------------------------------------------------------- theory */

/* Erlang B: the share of Poisson arrivals lost with c servers and A erlangs
 * of offered load (any holding-time distribution). */
double sim_erlang_b(int c, double A);
/* Erlang C: P(wait > 0) with c servers, A erlangs, nobody leaving; 1 when
 * A >= c. */
double sim_erlang_c(int c, double A);
/* P(abandon) for M/M/c with a fixed patience tau (Boots & Tijms 1999), mean
 * holding time h; equals Erlang B at tau = 0; valid when overloaded. */
double sim_fixed_patience_loss(int c, double A, double h, double tau);
/* Progressive dialing occupancy by renewal-reward: talk T, wrap W, mean time
 * to a live answer t_a, mean failed attempt t_f, live probability p, preview
 * time t_p per attempt. */
double sim_progressive_occupancy(double T, double W, double t_a, double t_f, double p,
                                 double t_p);
/* Power dialing, n lines per free agent, no pooling: abandoned share of live
 * answers. */
double sim_power_abandon(int n, double p);

#endif /* DIALSIM_H */
