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
#include "dialsim.h"

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

/* The seed's current config: dialsim's default dialer (sim_dialer_default,
 * where the numbers are written), as opt_params. */
opt_params opt_params_seed(void);
/* The same settings in dialsim's shape and back (the four strategies map
 * one to one; fixed-rate, which the API cannot carry, reads as predictive;
 * times are rounded to whole ms and s). */
opt_params opt_params_from_sim(const sim_dialer *d);
sim_dialer opt_params_to_sim(const opt_params *p);

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
    double min_answer_rate, max_answer_rate;    /* 0.05, 0.95 */
    double max_abandon_rate;                    /* 0.03: the regulatory limit */
    int min_concurrent_calls, max_concurrent_calls; /* 5, 150 */
    int min_call_interval, max_call_interval;   /* 50, 500 ms */
    int min_warm_up, max_warm_up;               /* 0, 3600 s */
    unsigned strategies;                        /* bit (1u << opt_strategy): allowed */
    double max_adjustment_delta;                /* 0.10 */
} opt_constraints;

/* The seed engine's bounds (sim_seed_bounds, where the numbers are
 * written), all four strategies, and a step of 0.10. */
opt_constraints opt_constraints_seed(void);
/* The engine's part of the constraints (for a mock engine that checks the
 * same bounds). */
sim_bounds opt_constraints_bounds(const opt_constraints *c);

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

/* True when `target` dials harder than `current` on any setting. Per field,
 * "harder" is:
 *   answerRate          lower  (the dialer expects fewer answers, launches more)
 *   abandonRate         higher (the pacing aims at more abandons)
 *   maxConcurrentCalls  higher (more lines in flight)
 *   callInterval        lower  (launches come faster)
 *   warmUpPeriod        shorter (predictive pacing starts sooner)
 *   strategy            up the order preview < progressive < power, predictive
 *                       (and any switch between power and predictive)
 * A change that is harder on no field is a retreat (or no change at all). */
bool opt_dials_harder(const opt_params *current, const opt_params *target);

/* Writes the names of the fields on which `target` dials harder, comma
 * separated ("" when none), into buf; returns how many there are. */
int opt_harder_fields(const opt_params *current, const opt_params *target, char *buf, size_t n);

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
    /* Told of each attempt that got no answer (timeout, refused, reset),
     * as it happens, so that a program can say so instead of waiting in
     * silence: "POST URL: attempt 1 of 4: <why>". Secrets are redacted.
     * NULL: nobody is told. Called on the thread making the request. */
    void (*notice)(void *ud, const char *msg);
    void *notice_ud;
} opt_retry_policy;

opt_retry_policy opt_retry_default(void);

/* -------------------------------------------------------------- settings */

/* Everything an optimizer needs. Strings are borrowed: opt_optimizer_create
 * copies what it keeps. */
typedef struct opt_settings {
    const char *profile;        /* API profile: "seed" (default) or "cxone" */
    const char *client_id;      /* CXONE_CLIENT_ID */
    const char *client_secret;  /* CXONE_CLIENT_SECRET */
    const char *auth_url;       /* CXONE_AUTH_URL: the token endpoint */
    const char *api_url;        /* CXONE_API_URL: the API base */
    const char *campaign_id;    /* CXONE_CAMPAIGN_ID */
    const char *webhook_url;    /* CXONE_WEBHOOK_URL; NULL or "" = no webhook */
    const char *webhook_secret; /* CXONE_WEBHOOK_SECRET; NULL or "" = unsigned */
    const char *audit_path;     /* NULL = opt_default_audit_path() */
    /* the cxone profile */
    const char *access_key_id;  /* CXONE_ACCESS_KEY_ID */
    const char *access_key_secret; /* CXONE_ACCESS_KEY_SECRET */
    const char *tenant_id;      /* CXONE_TENANT_ID: finds the API host when api_url is unset */
    const char *api_version;    /* CXONE_API_VERSION: "v30.0" */
    const char *mapping_path;   /* CXONE_MAPPING: seed concept -> CXone field; NULL = the
                                   built-in one (optimizer/cxone-mapping.json) */
    double token_skew_s;        /* refresh this long before expiry: 60 */
    long connect_timeout_ms;    /* 5000 */
    long timeout_ms;            /* whole exchange: 15000 */
    opt_retry_policy retry;     /* API calls: 0.5 s, 30 s, 4 attempts, 120 s */
    opt_retry_policy webhook_retry; /* 0.5 s, 5 s, 3 attempts, 15 s */
    int max_conflicts;          /* re-read and re-decide after 412 at most: 3 */
    double window_s;            /* the regulatory window asked of /stats: 30 days */
    double stats_period_s;      /* the "last period" asked of /stats: 900 s */
    opt_constraints constraints;
    double limit;               /* regulatory abandon limit: 0.03 */
    double amd_false_positive;  /* the share of people AMD hangs up on, for
                                   Ofcom's estimate of them (opt_ofcom.h): 0,
                                   no AMD; set it when AMD is on */
    /* The compliance gate's prediction (see "The compliance gate" in the README). */
    bool predict;               /* run the simulation: true */
    const struct cJSON *model;  /* dialsim campaign model (borrowed); NULL =
                                   the built-in typical campaign */
    double predict_hours;       /* simulated hours per replication: 2 */
    int predict_replications;   /* replications first run: 8 */
    int predict_max_replications; /* more are run until the 95% half-width of the
                                   predicted abandon rate is at most
                                   predict_half_width, or this many: 256 */
    double predict_half_width;  /* 0.001 (0.1 point) */
    int predict_threads;        /* threads the replications run on: 2 (the result
                                   does not depend on it) */
    unsigned long long prediction_seed; /* 0 = derived from the state the decision
                                   is made in (campaign id, current settings,
                                   stats): one state, one answer for a target,
                                   and every target on the same random numbers */
    bool require_stats;         /* refuse a change that dials harder when the API
                                   reports no window stats (compliance cannot be
                                   measured): false */
    double horizon_s;           /* how long a change is expected to stand before
                                   the next decision: the projection's H; 0 =
                                   stats_period_s */
    cx_clock *clock;            /* borrowed; NULL = the real clock */
    unsigned long long seed;    /* retry jitter seed; 0 = from the OS */
} opt_settings;

/* Fills the defaults above (and NULL strings). */
void opt_settings_defaults(opt_settings *s);

/* The audit log's default path: $XDG_STATE_HOME/cxopt/audit.jsonl, else
 * $HOME/.local/state/cxopt/audit.jsonl, else ./cxopt-audit.jsonl. Writes into
 * buf and returns it. */
const char *opt_default_audit_path(char *buf, size_t n);

/* ------------------------------------------------------------- optimizer */

typedef struct opt_optimizer opt_optimizer;

/* Checks the settings (OPT_EUSAGE names the missing one), opens the audit
 * log, and prepares the HTTP clients. Nothing is sent yet (the cxone
 * profile discovers its API host on first use). */
opt_status opt_optimizer_create(const opt_settings *s, opt_optimizer **out, cx_error *err);
void opt_optimizer_destroy(opt_optimizer *o);

typedef enum opt_outcome {
    OPT_OUTCOME_APPLIED = 0,
    OPT_OUTCOME_UNCHANGED,           /* the campaign already has the target */
    OPT_OUTCOME_DRY_RUN,             /* validated and predicted; nothing sent */
    OPT_OUTCOME_REJECTED_VALIDATION,
    OPT_OUTCOME_REJECTED_COMPLIANCE,
    OPT_OUTCOME_REJECTED_STATE,      /* paused, archived or locked */
    OPT_OUTCOME_FAILED_AUTH,
    OPT_OUTCOME_FAILED_API,
    OPT_OUTCOME_FAILED_NETWORK
} opt_outcome;

/* "applied", "unchanged", "dry-run", "rejected-validation",
 * "rejected-compliance", "rejected-state", "failed-auth", "failed-api",
 * "failed-network". */
const char *opt_outcome_name(opt_outcome o);

/* What the campaign reports about itself (when the API offers it). */
typedef struct opt_stats {
    bool available;
    double window_s;        /* the regulatory window the counts cover */
    double covered_s;       /* how much of it has data */
    long attempts;
    long live_answers;      /* connected + abandoned, in the ACD's book */
    long abandoned;         /* the ACD's drops: people and undetected machines */
    long machine_answers;
    long machines_to_agents; /* machines agents took (0: not reported) */
    double occupancy;       /* (talk + wrap) / staffed time */
    int agents;             /* staffed now */
    double mean_handle_s;   /* talk + wrap */
    /* the last period (since the previous report) */
    double period_s;
    long period_attempts, period_live_answers, period_abandoned;
    double period_occupancy;
} opt_stats;

typedef struct opt_prediction {
    bool done;
    unsigned long long seed;  /* the simulation's seed: replays the prediction */
    bool seed_derived;        /* derived from the inputs (else given) */
    int replications;         /* run */
    int max_replications;     /* the cap */
    double half_width;        /* the 95% half-width of abandon_mean reached */
    double half_width_goal;   /* the one asked for */
    double hours;
    double live_probability;  /* the estimate the simulation used */
    double abandon_mean, abandon_upper95;
    double live_answers_per_hour; /* mean live answers per simulated hour */
    double occupancy_mean, occupancy_lo95, occupancy_hi95;
    char model[160];          /* where the model came from */
} opt_prediction;

/* The gate's verdict. */
typedef enum opt_verdict {
    OPT_VERDICT_NONE = 0,     /* the gate was not reached */
    OPT_VERDICT_COMPLIANT,    /* allowed; nothing measured or projected is over the limit */
    OPT_VERDICT_REMEDIATION,  /* allowed: dials no harder while the window is over the limit */
    OPT_VERDICT_REFUSED
} opt_verdict;

/* "compliant", "remediation", "refused"; "" for none. */
const char *opt_verdict_name(opt_verdict v);

/* Below this many live answers in the window its rate is "not yet
 * measurable" and the decision rests on the projection alone. */
#define OPT_MIN_MEASURABLE_LIVE 1000

typedef struct opt_compliance {
    opt_verdict verdict;
    bool allowed;             /* verdict is compliant or remediation */
    double limit;
    bool target_ok;           /* the abandon target is within the limit */
    bool dials_harder;
    char harder[96];          /* the fields that dial harder, e.g. "maxConcurrentCalls" */
    bool measured;            /* the API reported the window's counts */
    bool measurable;          /* ... and at least OPT_MIN_MEASURABLE_LIVE live answers */
    long live_answers, abandoned;
    double measured_rate;     /* abandoned / live answers: a census, no interval */
    bool over_limit;          /* measurable and measured_rate > limit */
    bool projected;           /* the end-of-window projection was made */
    double horizon_s;         /* H */
    double known_live, known_abandoned;  /* the window's counts that remain at now + H */
    double pred_live, pred_abandoned;    /* predicted for H, abandons at the upper bound */
    double projected_rate;    /* (known + predicted abandons) / (known + predicted live) */
    char reason[512];         /* the verdict's reason, in numbers */
} opt_compliance;

/* Whether an accepted write shows the target: in the server's answer, or,
 * when the answer lacks the settings, in a re-read. */
typedef enum opt_write_check {
    OPT_WRITE_NONE = 0,      /* no write was accepted */
    OPT_WRITE_VERIFIED,      /* "accepted, verified" */
    OPT_WRITE_UNVERIFIED     /* "accepted, not verified": they differ, or the re-read failed */
} opt_write_check;

/* "accepted, verified", "accepted, not verified"; NULL for none. */
const char *opt_write_check_name(opt_write_check w);

/* What a cycle could not check (bits of opt_cycle_report.not_checked). */
enum {
    OPT_NOT_CHECKED_STATS = 1u << 0, /* the API reports no window stats */
    OPT_NOT_CHECKED_ETAG = 1u << 1,  /* the server sends no ETag: no If-Match */
    OPT_NOT_CHECKED_COUNT = 2
};

/* The sentence for one bit: "compliance not measured: the API reports no
 * window stats", "no lost-update protection: the server sends no ETag";
 * NULL for anything else. */
const char *opt_not_checked_text(unsigned bit);

typedef struct opt_cycle_report {
    opt_outcome outcome;
    char cycle_id[40];
    char event_id[40];
    opt_params before;        /* as read from the campaign */
    opt_params target;
    opt_params after;         /* as the server has it after the cycle */
    bool have_before, have_after;
    bool written;             /* the server accepted the write, or a part of it, even if
                                 the cycle failed after (a read-back that failed) */
    opt_validation validation;
    opt_compliance compliance;
    opt_prediction prediction;
    opt_stats stats;
    int attempts, retries, reauths, conflicts;
    long http_status;
    char message[512];        /* why it did not apply, verbatim server text included; or,
                                 applied, a change that landed concurrently */
    double latency_ms;        /* wall time of the whole cycle */
    opt_write_check write_check;
    unsigned not_checked;     /* OPT_NOT_CHECKED_* bits */
    bool webhook_attempted, webhook_delivered;
    int webhook_attempts;
    char webhook_error[256];
    bool audited;
} opt_cycle_report;

/* Decides a target from what was read. Called again after a 412 with the
 * new state. Returns OPT_OK with *target filled, or an error. */
typedef opt_status (*opt_decide_fn)(void *ud, const opt_params *current, const opt_stats *stats,
                                    opt_params *target, cx_error *err);

/* One optimization cycle: read -> validate -> gate -> apply -> notify ->
 * audit. Returns OPT_OK when the cycle ran to its end, whatever the outcome
 * (see report->outcome); an error only when the audit record could not be
 * written (OPT_EIO), in which case the cycle is not complete. */
opt_status opt_cycle(opt_optimizer *o, opt_decide_fn decide, void *ud, bool dry_run,
                     opt_cycle_report *report, cx_error *err);

/* Convenience: a cycle whose decision is the fixed `target`. */
opt_status opt_apply(opt_optimizer *o, const opt_params *target, bool dry_run,
                     opt_cycle_report *report, cx_error *err);

/* ---- the audit log after the fact ----
 * A cycle appends an "intent" record before it writes to the API and its
 * "cycle" record when it ends, so a process killed in between leaves an
 * intent without an outcome: whether that write landed is unknown until the
 * campaign is read again. */
#define OPT_AUDIT_SCAN_IDS 16
#define OPT_AUDIT_SCAN_TAIL (8L << 20) /* bytes read from the end of the log */
typedef struct opt_audit_scan {
    long long skipped_bytes; /* the log's start, not read (it is past the tail) */
    long lines;             /* lines read (of the tail) */
    long records;           /* lines that parse as JSON records */
    long torn;              /* lines that do not: a record cut short */
    long first_torn_line;   /* 1-based; 0 when none */
    int unfinished;         /* intents with no outcome, not yet acknowledged */
    char unfinished_id[OPT_AUDIT_SCAN_IDS][40];   /* their cycle ids (the first ones) */
    char unfinished_time[OPT_AUDIT_SCAN_IDS][40]; /* when each intent was written */
} opt_audit_scan;

/* Reads the last OPT_AUDIT_SCAN_TAIL bytes of the audit log at `path` (a
 * missing file is an empty log; anything but a regular file is
 * OPT_EUSAGE). With
 * `acknowledge`, appends an "unfinished" record for each intent without an
 * outcome, stamped by `clk` (NULL: the wall clock), so that the next scan
 * reports it no more. */
opt_status opt_audit_check(const char *path, bool acknowledge, cx_clock *clk,
                           opt_audit_scan *out, cx_error *err);

/* Appends a record of `type` (e.g. "stopped") to the optimizer's audit log,
 * with "time" and "campaign_id" added to `fields` (borrowed; NULL for
 * none), locked and fsynced like every record. For what a program around
 * the cycles must leave on record, such as a ramp stopped by a signal. */
opt_status opt_audit_note(opt_optimizer *o, const char *type, const struct cJSON *fields,
                          cx_error *err);

/* Reads the campaign (and its stats where the API has them) into a new JSON
 * object the caller frees. */
opt_status opt_show(opt_optimizer *o, struct cJSON **out, cx_error *err);

/* `cxopt calibrate`: the campaign model fitted to the skill's completed
 * contacts (cxone profile only; opt_calibrate.c). */
typedef struct opt_calibrate_options {
    double since, until;     /* epoch seconds: contacts that started in [since, until) */
    int page_size;           /* records per request (top); 0: 1000 */
    /* called after each page (may be NULL): records so far, pages so far */
    void (*progress)(void *ud, long records, long pages);
    void *progress_ud;
} opt_calibrate_options;

/* Pulls the skill's completed contacts from CXone's reporting API
 * (GET .../contacts/completed?startDate&endDate&skillId&top&skip), a page
 * at a time, each request with the client's retries (429/503 honour
 * Retry-After within the retry deadline); maps each record through the
 * mapping file's "records" and feeds it to libdialsim's fit, so memory does
 * not grow with the records. *model is a new campaign object (what --model
 * loads), *report a new object: the fit's report under "fit", and under
 * "source" the endpoint, span, pages, records, and every column with the
 * CXone field it came from and its confidence (assumed ones listed apart).
 * OPT_EUSAGE under a profile without call records or a mapping without
 * "records"; OPT_EAPI for a page or record the mapping cannot read (naming
 * the request, the record and the field) and for records that cannot make a
 * model; the client's statuses for failed calls. */
opt_status opt_calibrate(opt_optimizer *o, const opt_calibrate_options *opts,
                         struct cJSON **model, struct cJSON **report, cx_error *err);

/* The report as JSON (the shape of the audit record); caller frees. */
struct cJSON *opt_report_to_json(const opt_cycle_report *r);

/* -------------------------------------------------------------- policies */

/* A pacing policy chooses the next target from what the campaign reports.
 * Its target still goes through the whole cycle (validate, gate, apply,
 * notify, audit); a policy only proposes, within the constraints and the
 * allowed step, which it reads from the optimizer's settings.
 *
 *   do-nothing  holds the starting settings and never writes: the baseline a
 *             policy must beat
 *   static    the seed: one fixed target ("target" option), ramped within
 *             the allowed step
 *   adaptive  estimates the live-answer rate with its uncertainty and picks
 *             the most productive settings whose predicted abandon upper
 *             bound keeps the whole regulatory window under the limit
 *   oracle    adaptive, fed the simulation's true live-answer probability
 */
typedef struct opt_policy opt_policy;

/* Returns the true live-answer probability at clock time t (oracle only). */
typedef double (*opt_truth_fn)(void *ud, double t);

typedef struct opt_policy_options {
    const opt_params *target;   /* static: the target (required) */
    opt_truth_fn truth;         /* oracle: required */
    void *truth_ud;
    double window_s;            /* adaptive/oracle: the regulatory window */
    double period_s;            /* adaptive/oracle: the time between cycles */
} opt_policy_options;

/* Names: "do-nothing", "static", "adaptive", "oracle". (VICIdial is not a
 * policy of the optimizer's: it is a dialer, dialsim's "vicidial" strategy,
 * which the scenario runner can give the mock's campaign instead.) The policy borrows the
 * optimizer (for its settings, clock and model), which must outlive it. */
opt_status opt_policy_create(const char *name, opt_optimizer *o, const opt_policy_options *opts,
                             opt_policy **out, cx_error *err);
void opt_policy_destroy(opt_policy *p);
const char *opt_policy_name(const opt_policy *p);
/* What opt_policy_create checks before it builds anything, for callers that
 * refuse bad arguments before any work: OPT_EUSAGE for an unknown name, or
 * a policy missing an option it needs (static: a target; oracle: the
 * truth), the text saying which. */
opt_status opt_policy_check(const char *name, const opt_policy_options *opts, cx_error *err);

/* Runs one cycle whose decision is the policy's. */
opt_status opt_policy_cycle(opt_policy *p, opt_cycle_report *report, cx_error *err);

#endif /* CXOPT_H */
