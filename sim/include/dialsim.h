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
 *     invalid            with probability invalidProbability (a number not in
 *                        service: the network's intercept tones), after
 *                        invalidTime;
 *     no answer          otherwise, after noAnswerTimeout, which is at least
 *                        15 s (the FCC's minimum ring, 47 CFR 64.1200(a)(6)).
 *   AMD (answering-machine detection, "amd") listens to every answer for
 *   a decisionTime sample (default uniform 3-5 s, DOMAIN.md's typical
 *   values; none without AMD), then hangs up on the share `detection` of
 *   machines and on the share `falsePositive` of live people (an AMD false
 *   positive: abandoned in truth, as Ofcom counts it, and invisible to the
 *   ACD). What AMD lets through reaches the ACD: live people and undetected
 *   machines alike, for the ACD cannot tell them apart until an agent hears
 *   them. A call that reaches the ACD connects at once to an idle agent;
 *   if none is idle it waits, first come first served, and is dropped when
 *   not connected within abandonThreshold seconds (default 2, the FCC
 *   two-second rule, counted from the end of the greeting, which is when
 *   AMD has decided; 0 = no waiting; 1e9 = nobody abandons). A live
 *   person's connectWait runs from the answer, so it includes AMD's
 *   decision. A live call holds its agent for talkTime then wrapTime; an
 *   undetected machine for machineHandleTime. The person is assumed to stay
 *   on the line through AMD's silence. Agents are a count, or a schedule
 *   over the day; when the schedule lowers the count, busy agents leave
 *   after their call.
 *   Lines: a call holds a line from launch until it ends (ring, wait and
 *   talk); wrap-up holds no line.
 *   Profile and schedule hours count from the start of the simulation and
 *   repeat every 24 hours.
 *
 * THE DIALER (JSON key "dialer": the seed's PredictiveDialerConfig)
 *   answerRate         the dialer's starting estimate of its hit rate (the
 *                      truth it must learn; power dialing keeps it)
 *   abandonRate r*     the abandon rate, in its ACD's book, the predictive
 *                      dialer regulates to (a target, not a cap)
 *   maxConcurrentCalls lines in flight, never exceeded
 *   callInterval (ms)  minimum gap between two launches, never shortened
 *   warmUpPeriod (s)   progressive dialing from the start before pacing
 *   strategy           predictive | progressive | power | preview |
 *                      fixed-rate (with dialRate, attempts/s, Poisson) |
 *                      vicidial (with "vicidial": {...}, see sim_vicidial)
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
 *                n = max(1, round(1/answerRate)) lines; the first live answer of the
 *                batch connects to it, later live answers of the same batch
 *                are abandoned (no pooling); a batch with no live answer is
 *                followed by a new batch. No adaptation.
 *   predictive   pooled, idle-aware pacing that learns its hit rate and
 *                regulates its abandon rate to the setting, implemented in
 *                sim_pacer.c. Everything it uses is what a real dialer
 *                sees: its attempts and how they ended, the calls its ACD
 *                connected or dropped, its agents' states.
 *     Lines. With idle agents I, busy agents B, calls waiting in the ACD Q,
 *     the hit-rate estimate a and the control variable u >= 0:
 *         N = (I - Q) * (1 + u * (1/a - 1)) + u * B * s / a
 *     lines should be ringing (launch while ringing < round(N); a line is
 *     "ringing" until AMD has decided on it), where s = min(1, R / H) is
 *     the share of busy agents expected to free up while a line launched
 *     now rings: R the observed mean time from launch to the ACD of calls
 *     that reached it, H the observed mean handle time (talk + wrap), both
 *     running means started from the model's. u = 0 is progressive dialing
 *     (one line per free agent, never fewer); u = 1 is expected-value
 *     pacing (the expected answers equal the agents expected free); above
 *     1 the dialer bets harder, up to maxConcurrentCalls, which always binds
 *     first (u is capped at 100 only to keep it finite).
 *     Hit rate. A hit is an attempt that reached the ACD (a live answer AMD
 *     let through, or an undetected machine: the ACD cannot tell them
 *     apart); busy, no answer and calls AMD hung up on are misses. With x
 *     hits in n attempts, both discounted every 15 s (SIM_PACER_TICK) with
 *     a 15-min time constant (HIT_WINDOW, 900 s: a list's contact rate
 *     drifts over hours, and 15 minutes hold hundreds of attempts even for
 *     a small team),
 *         a = max(0.001, (w * answerRate + x) / (w + n)),
 *     a Beta prior of weight w = 100 attempts (HIT_PRIOR_N) at answerRate,
 *     discounted like the data, so it rules the first minutes and fades.
 *     During warm-up the dialer is progressive and a is not used; a new
 *     answerRate setting re-seats the prior (weight 100 at the new value)
 *     beside what the dialer has seen, which it keeps: forgetting it would
 *     make the dialer underdial (or overdial) until it relearned, and its
 *     abandon control wind up meanwhile.
 *     Abandon control. The dialer's book is what its ACD sees (see
 *     STATISTICS): its live answers are the calls it connected to an agent
 *     and the calls it dropped (people and undetected machines alike; AMD
 *     false positives are never seen), its abandons the drops. Its error
 *     after each live answer is e = (r* - x) / max(r*, 0.005), x = 1 for a
 *     drop and 0 for a connection, r* the setting (the floor keeps a tiny
 *     setting from making every drop a landslide). Summed over the shift,
 *     e is the shift's unspent abandons relative to the setting: above 0
 *     while the shift's rate is under it. The control is a PI on that sum:
 *         surplus <- surplus + g e     (g = 0.002 min(1, sqrt(20 / n)), STEP)
 *         level   <- clamp(level + h surplus, 0, 100) (h = 0.002, LEVEL_RATE)
 *         u        = clamp(level + surplus, 0, 100)
 *     Recent rates act at once: every drop takes about g / r* off u (0.07
 *     at 3%), every connection adds g, so u moves within the ring time of
 *     the calls that show the change, with no measuring window to lag
 *     behind (a window of minutes made the first version overshoot into
 *     bursts of drops). Past rates act through the surplus: the shift's
 *     unspent (or overspent) abandons stay in u until spent (or paid
 *     back), so the shift's realised rate lands on the setting with no
 *     dead band; the level slowly takes over the surplus (its time
 *     constant is 1/h = 500 live answers) so that, once the shift is on
 *     the setting, u keeps the operating point it needs. Counting per
 *     live answer gives every team the same gain in calls; n, the staffed
 *     agents, scales it down for teams above 20 (STEP_TEAM), which answer
 *     more calls a second and whose abandon rate is steeper in u: with the
 *     same g a 150-agent team swung and lost occupancy (83.8% against 91.2%
 *     at a 1% setting, measured).
 *     u does not rise while every line is in use (anti-windup), nor during
 *     warm-up (the control starts at the first 15-s tick after it). u starts
 *     at 0: a new campaign starts progressive and ramps up, as CXone's does
 *     (one call per agent first); a setting of 0 keeps it progressive.
 *   fixed-rate   Poisson launches at dialRate; a launch that finds every
 *                line busy is blocked (counted, not dialed). For validation.
 *   During the first warmUpPeriod seconds, predictive and power dial as
 *   progressive.
 *
 * STATISTICS. Two books. The truth, what a regulator counts:
 * liveAnswers = live people who answered (connected + abandoned),
 * abandoned = people not connected within abandonThreshold plus AMD false
 * positives (shown apart as amdFalsePositives), abandonRate = abandoned /
 * liveAnswers (FCC; Ofcom counts the same with full knowledge). The ACD's
 * book, what the dialer regulates on and all a real ACD (and the mock's
 * stats) can report: observedAbandoned = drops = people not connected
 * within the threshold plus undetected machines not connected
 * (machinesDropped), no AMD false positive; observedLiveAnswers = connected
 * + observedAbandoned; observedAbandonRate = their ratio. machinesToAgents
 * are undetected machines an agent took (the agent marks them, so the ACD
 * knows them). abandonRateOfcom is Ofcom's estimate from the ACD's book:
 * drops_adj = drops (1 - AM / (AM + connected)), AM = machinesToAgents,
 * rate = drops_adj / (connected + drops_adj); it cannot include AMD false
 * positives (see the optimizer's opt_ofcom.c for their estimate).
 * waitedFraction = live answers that found no idle agent / live answers.
 * occupancy = agent busy time (talk, wrap, undetected machines) / staffed
 * time. connectWait (from the answer, AMD's decision included) percentiles
 * come from a fixed logarithmic histogram (memory does not grow with the
 * run). Intervals are reported per intervalMinutes. With one replication,
 * 95% intervals come from 20 batch means; with several, from the
 * replications (Student t). The first discardHours are simulated but not
 * counted. The series' memory is bounded up front
 * (sim_config_check_memory).
 *
 * CONVENTIONS. Functions return a sim_status (SIM_OK = 0) and fill a
 * caller-provided cx_error; nothing here prints, exits or keeps global
 * state; each simulation owns its gsl_rng, so simulations may run in
 * parallel threads. GSL's abort()ing error handler is switched off by the
 * library itself (once, at its first sim_run, sim_predict, sim_live_create
 * or sim_fit_create), so no caller needs to: an error GSL reports inside a
 * simulation (its random number generator not allocated) comes back as a
 * status. Same seed, same result, bit for bit.
 */
#ifndef DIALSIM_H
#define DIALSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
/* A typical campaign model as JSON text, at the contact rate real lists
 * have (../shared/DOMAIN.md, "Typical values"): 20 agents; of the dials, 20%
 * reach a live person, 25% a machine (AMD on: 85% detected, 1% false
 * positives), 3% are busy, 4% invalid numbers, the rest (48%) ring 25 s
 * unanswered; lognormal rings, gamma talk, uniform wrap. The default
 * wherever a model is needed and none is given. */
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
    SIM_FIXED_RATE,
    SIM_VICIDIAL
} sim_strategy;

const char *sim_strategy_name(sim_strategy s);

/* VICIdial's adaptive predictive dialing (strategy "vicidial", JSON object
 * "dialer.vicidial"), with VICIdial's own rules and time steps, read from
 * its bin/AST_VDadapt.pl (subroutines named in brackets):
 *   every 1 s   sample ready agents, answered calls waiting for an agent and
 *               logged-in agents; keep the last 15 [count_agents_lines]
 *   every 60 s  count dials and drops of the last minute, and dials, human
 *               answers and drops since the day began [calculate_drops]
 *   every 15 s  D = mean ready - mean waiting + diffTarget, m = D / mean
 *               agents; m x (1 + I) when m >= 0, m x |I - 1| when m < 0
 *               (I = intensity / 100); level x (1 + m), capped at maxLevel,
 *               floored at 1.0. Then: more than 20 dials in the last minute
 *               with over 50% of them dropped halves it; more than 50 dials
 *               today with today's drops over the limit (the dialer's
 *               abandonRate, over human answers) sets it to 1.0
 *               (hard-limit), halves it (average) or multiplies it by
 *               min(1, hours to shiftEnd / 10) (tapered; 1.0 after the
 *               shift's end); never below 1.0 [calculate_dial_level]
 *   every 2.5 s launch round(level x agents) - calls in progress, spaced by
 *               1000 / callsPerSecond ms (and never closer than
 *               callInterval), within maxConcurrentCalls (the auto-dialer
 *               as ../shared/DOMAIN.md describes it)
 * "Today" is each 24 hours of simulated time from the start. A drop is an
 * answer the dialer hung up on for want of an agent: what VICIdial's log
 * marks DROP. warmUpPeriod and answerRate play no part. */
typedef enum sim_vici_mode {
    SIM_VICI_HARD_LIMIT = 0, /* "hard-limit": ADAPT_HARD_LIMIT */
    SIM_VICI_TAPERED,        /* "tapered": ADAPT_TAPERED */
    SIM_VICI_AVERAGE         /* "average": ADAPT_AVERAGE */
} sim_vici_mode;

typedef struct sim_vicidial {
    sim_vici_mode mode;      /* mode: hard-limit */
    double max_level;        /* maxLevel (adaptive_maximum_level): 3.0 */
    double intensity;        /* intensity, percent in [-40, 40]: 0 */
    double diff_target;      /* dialLevelDiffTarget (adaptive_dl_diff_target): 0 */
    double calls_per_second; /* callsPerSecond: 5 */
    double shift_end_h;      /* shiftEnd, hours into each day (tapered): 8 */
    double initial_level;    /* initialLevel (auto_dial_level at the start): 1.0 */
} sim_vicidial;

typedef struct sim_dialer {
    double answer_rate;       /* answerRate: estimate of p, (0, 1] */
    double abandon_rate;      /* abandonRate: target, [0, 1) */
    int max_concurrent_calls; /* maxConcurrentCalls, >= 1 */
    double call_interval_ms;  /* callInterval, >= 0 */
    sim_strategy strategy;
    double warm_up_s;         /* warmUpPeriod, >= 0 */
    double dial_rate;         /* dialRate (fixed-rate only), attempts/s */
    sim_vicidial vicidial;    /* vicidial only */
} sim_dialer;

/* The seed's config, the one place its numbers are written (mockcxone's
 * campaigns start from it; cxopt's opt_params_seed is this): answerRate 0.72,
 * abandonRate 0.025, maxConcurrentCalls 80, callInterval 120 ms, predictive,
 * warmUpPeriod 30 s. The answer-rate estimate is the seed's: against the
 * typical campaign's 20% live answers it is high, the side that underdials
 * (fewer abandons, idle agents): a new campaign starts cautious and the
 * dialer or the optimizer brings the estimate down. */
sim_dialer sim_dialer_default(void);
/* Reads a "vicidial" object (see sim_vicidial) over *v: absent keys keep
 * their values. */
sim_status sim_vicidial_parse(const struct cJSON *obj, const char *file, const char *path,
                              sim_vicidial *v, cx_error *err);

/* The bounds the seed's dialer engine accepts, the one place they are
 * written: mockcxone's PATCH checks (mock_bounds) and cxopt's default
 * constraints (opt_constraints_seed) are these. The answer-rate floor is
 * 0.05 so that estimates at real contact rates (10-25%, lower on B2B lists)
 * can be set; the abandon ceiling is the FCC/Ofcom 3%. */
typedef struct sim_bounds {
    double min_answer_rate, max_answer_rate;        /* 0.05, 0.95 */
    double max_abandon_rate;                        /* 0.03 */
    int min_concurrent_calls, max_concurrent_calls; /* 5, 150 */
    int min_call_interval, max_call_interval;       /* 50, 500 ms */
    int min_warm_up, max_warm_up;                   /* 0, 3600 s */
} sim_bounds;

sim_bounds sim_seed_bounds(void);
/* Reads a "dialer" object over *d (absent keys keep their values). */
sim_status sim_dialer_parse(const struct cJSON *obj, const char *file, const char *path,
                            sim_dialer *d, cx_error *err);
sim_status sim_dialer_check(const sim_dialer *d, cx_error *err);

/* --------------------------------------------------------- call records */

/* How an attempt ended, in truth (a records file's `outcome`). */
/* 47 CFR 64.1200(a)(6): an unanswered call must ring at least 15 seconds (or
 * four rings) before the dialer hangs up; a model's noAnswerTimeout below it
 * is refused. */
#define SIM_MIN_NO_ANSWER_RING 15.0

typedef enum sim_outcome {
    SIM_OUTCOME_LIVE = 0,
    SIM_OUTCOME_MACHINE,
    SIM_OUTCOME_BUSY,
    SIM_OUTCOME_NOANSWER,
    SIM_OUTCOME_INVALID  /* a number not in service (models that have them) */
} sim_outcome;

/* AMD's decision on an answered call: none (no AMD, or not answered). */
typedef enum sim_amd_call { SIM_AMD_NONE = 0, SIM_AMD_HUMAN, SIM_AMD_MACHINE } sim_amd_call;

/* One dial attempt whose fate is final. Times are simulated seconds; a
 * field that does not apply is NAN (wait_s, talk_s, wrap_s) or -1 (agent). */
typedef struct sim_attempt {
    double start;        /* launch, seconds since the start (see sim_config.records) */
    sim_outcome outcome; /* the truth */
    double ring_s;       /* launch to answer; busy and no answer: launch to the end */
    sim_amd_call amd;
    double amd_s;        /* AMD's listening time (0 without AMD) */
    double wait_s;       /* at the ACD: from AMD's pass to the agent or the drop */
    bool abandoned;      /* dropped by the ACD, or a person AMD hung up on (truth) */
    double talk_s;       /* a person's talk, or an agent's time on a machine */
    double wrap_s;       /* after a person's talk */
    int agent;           /* the agent's slot, 0 .. max staffed - 1 */
} sim_attempt;

/* Called once per attempt, when its fate is final (busy or no answer at
 * the end of its ring; hung up on by AMD; dropped by the ACD; a person at
 * the end of the talk, wrap drawn; a machine when its agent is done).
 * Attempts launched in the counted span only; an attempt still in flight
 * at the end of the run has no record. Agent slots: an idle agent is
 * taken longest-idle first (as ACDs route), so every staffed agent takes
 * calls; an agent leaving with the schedule frees its slot for the next
 * one to join. */
typedef struct sim_record_hook {
    void (*attempt)(void *ctx, const sim_attempt *a);
    void *ctx;
} sim_record_hook;

/* ------------------------------------------------------- a whole config */

typedef struct sim_config {
    sim_model *model;         /* owned */
    sim_dialer dialer;
    double hours;             /* simulated, after the discard: 8 */
    double discard_hours;     /* simulated first, not counted: 0 */
    uint64_t seed;            /* 1 */
    int replications;         /* 1 */
    double interval_minutes;  /* 15 */
    /* Borrowed, NULL by default: every attempt's record goes to it. The
     * replications then run one after another on the calling thread, and
     * replication i's times are offset by i whole days past its run
     * (discard + hours), so the records read as consecutive days and hours
     * of the day keep their meaning. */
    const sim_record_hook *records;
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
    double observed_abandon_rate; /* the ACD's book */
} sim_point;

typedef struct sim_report {
    uint64_t seed;
    int replications;
    double hours;
    const char *ci_method;       /* "replications" or "batch means" */
    sim_estimate attempts, live_answers, machine_answers, no_answers, busy, invalid, blocked;
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

/* The memory a run's per-interval series would take, in bytes (the rest
 * of a run is small and does not grow with the simulated time), and the
 * check sim_run makes before it allocates anything: SIM_EINVAL, with the
 * estimate, when it passes SIM_MEMORY_BUDGET. */
#define SIM_MEMORY_BUDGET (2.0 * 1024 * 1024 * 1024)
double sim_config_memory(const sim_config *cfg, int threads);
sim_status sim_config_check_memory(const sim_config *cfg, int threads, cx_error *err);

/* Runs cfg->replications replications (each on its own RNG stream derived
 * from cfg->seed and its index) on up to `threads` threads (<= 1: this
 * thread). The result does not depend on the thread count. *out is new. */
sim_status sim_run(const sim_config *cfg, int threads, sim_report **out, cx_error *err);
void sim_report_destroy(sim_report *r);
/* The --json output; NULL when out of memory. */
struct cJSON *sim_report_to_json(const sim_report *r);
/* Writes cJSON_Print(sim_report_to_json(r)) and a newline to f, the same
 * bytes, without holding the series' tree: its memory does not grow with
 * the series. SIM_ENOMEM, or SIM_EIO when f fails. */
sim_status sim_report_write_json(const sim_report *r, FILE *f, cx_error *err);

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
    uint64_t attempts, live_answers, machine_answers, no_answers, busy, invalid, blocked;
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
    double dial_level;           /* vicidial: the adaptive dial level now */
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
/* Every attempt whose fate becomes final from now on goes to `hook`
 * (borrowed; NULL stops the records): what a server's call-record API
 * would serve. */
void sim_live_set_records(sim_live *l, const sim_record_hook *hook);
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
