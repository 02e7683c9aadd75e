/*
 * cxopt.h - libcxopt: tune a CXone predictive dialer safely.
 *
 * One optimization cycle reads the campaign, validates a target against the
 * constraints and the allowed step (MaxAdjustmentDelta), gates it on
 * compliance (the regulatory abandon limit, the campaign's measured rate and
 * a simulated prediction), applies it atomically, posts a signed webhook and
 * appends a durable audit record, whatever the outcome.
 *
 * Everything endpoint-specific (paths, grant, body shapes) lives behind an API
 * profile (src/opt_profile.h); this header is the same for every profile.
 *
 * Conventions: functions return an opt_status (OPT_OK = 0) and fill a
 * caller-provided cx_error with the human message; handles have paired
 * create/destroy and destroy(NULL) does nothing; the library never prints,
 * exits or keeps global state. Call opt_global_init() once from main()
 * before any thread uses the library (it initializes libcurl).
 */
#ifndef CXOPT_H
#define CXOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "cxcommon.h"

struct cJSON;

typedef enum opt_status {
    OPT_OK = 0,
    OPT_EUSAGE,      /* missing or invalid setting (names it) */
    OPT_EINVAL,      /* invalid input file or value (names file and key) */
    OPT_EVALIDATION, /* target refused: outside constraints or the allowed step */
    OPT_ECOMPLIANCE, /* target refused by the compliance gate */
    OPT_EAUTH,       /* the token endpoint refused the credentials */
    OPT_ESCOPE,      /* the token lacks a scope the operation needs */
    OPT_ESTATE,      /* campaign paused, archived or locked: nothing sent */
    OPT_EAPI,        /* the API answered an error that is not retried, or
                        retries ran out; the server's message is in the text */
    OPT_ENETWORK,    /* no answer: refused, reset, timeout, after retries */
    OPT_ECONFLICT,   /* the campaign kept changing under us (412) */
    OPT_EIO,         /* a local file (audit, output) could not be written */
    OPT_EPREDICT,    /* the simulation behind the gate failed */
    OPT_ENOMEM
} opt_status;

const char *opt_strerror(opt_status st);

/* Initializes process-wide dependencies (libcurl); call once from main()
 * before threads start. Returns OPT_OK or OPT_ENOMEM. */
opt_status opt_global_init(void);
void opt_global_cleanup(void);

/* ------------------------------------------------------------ parameters */

typedef enum opt_strategy {
    OPT_STRATEGY_PREDICTIVE = 0,
    OPT_STRATEGY_PROGRESSIVE,
    OPT_STRATEGY_POWER,
    OPT_STRATEGY_PREVIEW,
    OPT_STRATEGY_COUNT
} opt_strategy;

const char *opt_strategy_name(opt_strategy s);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int opt_strategy_parse(const char *name, opt_strategy *out);

/* The seed's PredictiveDialerConfig, as the seed API names it:
 * answerRate, abandonRate, maxConcurrentCalls, callInterval (ms), strategy,
 * warmUpPeriod (s). */
typedef struct opt_params {
    double answer_rate;       /* the dialer's estimate of the live-answer probability */
    double abandon_rate;      /* the abandon target its pacing steers toward */
    int max_concurrent_calls; /* lines in flight */
    int call_interval_ms;     /* minimum gap between launches */
    opt_strategy strategy;
    int warm_up_s;            /* progressive dialing before predictive pacing */
} opt_params;

/* The seed's current config: 0.72, 0.025, 80, 120, predictive, 30. */
opt_params opt_params_seed(void);

/* Reads a `predictiveDialer`-shaped object. With `partial`, absent members
 * keep the values already in *p (a target may name only what changes);
 * otherwise every member is required. Unknown members are errors. */
opt_status opt_params_from_json(const struct cJSON *obj, const char *file,
                                const char *path, bool partial, opt_params *p,
                                cx_error *err);
/* A new object with the six members; NULL when out of memory. */
struct cJSON *opt_params_to_json(const opt_params *p);
bool opt_params_equal(const opt_params *a, const opt_params *b);

/* ----------------------------------------------------------- constraints */

/* The seed's OptimizationConstraints, completed: every field has bounds, and
 * max_adjustment_delta is enforced (the seed declared it and never did).
 * The delta is absolute for the two rates and relative to the current value
 * for concurrent calls and call interval; warm-up and strategy may change
 * freely within their bounds. */
typedef struct opt_constraints {
    double min_answer_rate, max_answer_rate;    /* 0.40, 0.95 */
    double max_abandon_rate;                    /* 0.03: the regulatory limit */
    int min_concurrent_calls, max_concurrent_calls; /* 5, 150 */
    int min_call_interval, max_call_interval;   /* 50, 500 ms */
    int min_warm_up, max_warm_up;               /* 0, 3600 s */
    unsigned strategies;                        /* bit (1u << opt_strategy): allowed */
    double max_adjustment_delta;                /* 0.10 */
} opt_constraints;

opt_constraints opt_constraints_seed(void);

/* Loads constraints from a JSON file whose keys are the seed's field names in
 * camelCase (minAnswerRate, maxAnswerRate, maxAbandonRate, minConcurrentCalls,
 * maxConcurrentCalls, minCallInterval, maxCallInterval, minWarmUpPeriod,
 * maxWarmUpPeriod, strategies: [...], maxAdjustmentDelta). Absent keys keep
 * the values in *c; unknown keys and inconsistent bounds are errors naming
 * the file and key. */
opt_status opt_constraints_load(const char *path, opt_constraints *c, cx_error *err);
opt_status opt_constraints_from_json(const struct cJSON *obj, const char *file,
                                     const char *path, opt_constraints *c,
                                     cx_error *err);
struct cJSON *opt_constraints_to_json(const opt_constraints *c);

/* ------------------------------------------------------------ validation */

#define OPT_MAX_VIOLATIONS 12

typedef struct opt_violation {
    char field[32];   /* the seed API's field name, e.g. "answerRate" */
    char msg[160];    /* with the numbers, e.g. "0.85 is 0.13 from 0.72; the step allowed is 0.10" */
} opt_violation;

typedef struct opt_validation {
    int count;
    opt_violation v[OPT_MAX_VIOLATIONS];
    bool delta_only; /* every violation is a too-large step (a ramp can help) */
} opt_validation;

/* Checks `target` against the bounds, the regulatory limit `limit` (the
 * abandon target must lie in [0, min(limit, max_abandon_rate)]) and, when
 * `current` is not NULL, the allowed step from it. Fills *out with every
 * violation. Returns OPT_OK when there is none, else OPT_EVALIDATION with a
 * one-line summary in err. */
opt_status opt_validate(const opt_params *target, const opt_params *current,
                        const opt_constraints *c, double limit, opt_validation *out,
                        cx_error *err);

/* Plans a ramp from `current` to `target` in steps that each respect the
 * allowed step. `target` itself must pass opt_validate without `current`.
 * Writes at most `max` steps into steps[] (the last equals *target) and
 * their number into *n. Returns OPT_OK, or OPT_EVALIDATION when the target is
 * out of bounds or more than `max` steps would be needed. */
opt_status opt_plan_ramp(const opt_params *current, const opt_params *target,
                         const opt_constraints *c, double limit, opt_params *steps,
                         int max, int *n, cx_error *err);

/* True when `target` dials harder than `current` on any setting: a lower
 * answer-rate estimate, a higher abandon target, more concurrent calls, a
 * shorter call interval, a shorter warm-up, or a more aggressive strategy
 * (preview < progressive < power < predictive). */
bool opt_dials_harder(const opt_params *current, const opt_params *target);

/* --------------------------------------------------------------- retries */

/* How a request is retried: 429 and 503 wait what Retry-After says (seconds
 * or HTTP-date); 502, 504, refused, reset and timed-out attempts wait a full
 * jitter delay U(0,1) * min(cap, base * 2^k) before retry k. At most
 * `max_attempts` attempts in all, and none that would start past
 * `deadline_s` after the first (0 = no deadline). Every attempt sends the
 * same complete body. */
typedef struct opt_retry_policy {
    double base_s;    /* 0.5 */
    double cap_s;     /* 30 */
    int max_attempts; /* 4 */
    double deadline_s; /* 120 */
} opt_retry_policy;

opt_retry_policy opt_retry_default(void);

#endif /* CXOPT_H */
