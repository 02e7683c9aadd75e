/* run_internal.h - the parsed scenario (internal to libcxrun). */
#ifndef RUN_INTERNAL_H
#define RUN_INTERNAL_H

#include "cxopt.h"
#include "dialsim.h"
#include "cxrun.h"

struct cJSON;

typedef struct run_expect {
    bool has_max_window_rate;
    double max_window_rate;
    long window_min_live;       /* evaluations need this many live answers: 1000 */
    bool has_min_occupancy;
    double min_occupancy;
    long min_applied, max_applied; /* max < 0: none */
    long min_retries, max_retries;  /* max < 0: none */
    long min_reauths, max_reauths;  /* max < 0: none */
    long min_webhooks_failed, max_webhooks_failed; /* max < 0: none */
    bool has_min_occupancy_gain; /* over do-nothing, run beside on the same seed */
    double min_occupancy_gain;
    bool audit_per_cycle;       /* true */
    bool no_lost_update;        /* true */
    double max_latency_ms[3];   /* p50, p95, p99 on the scenario clock; < 0: none */
    long outcome_min[RUN_OUTCOMES], outcome_max[RUN_OUTCOMES]; /* max < 0: none */
} run_expect;

struct run_scenario {
    char *file;
    bool oom;                   /* parsing ran out of memory (not a bad file) */
    char name[128];
    char description[512];
    uint64_t seed;
    struct cJSON *campaign;     /* the dialsim model (validated) */
    struct cJSON *dialer;       /* initial predictiveDialer members, or NULL */
    opt_params initial;         /* the seed's config with `dialer` over it */
    opt_constraints constraints;
    double limit;
    double amd_false_positive; /* regulation.amdFalsePositive: the optimizer's
                                  estimate of AMD's false-positive rate */
    double window_s;
    char policy[32];
    char profile[16];           /* "seed" (default) or "cxone" */
    opt_params target;          /* static */
    bool has_target;
    sim_vicidial vicidial;      /* policy "vicidial": the campaign's own VICIdial dialer */
    double period_s;
    int cycles;
    double predict_hours;
    int predict_replications;
    char scope[128];
    double token_ttl_s;
    long timeout_ms;            /* the optimizer's bound on one exchange, real time; 0: its default */
    double rate, burst;
    bool webhook;
    struct cJSON *faults;       /* {"faults":[...]} with from/until in seconds (seed paths) */
    struct cJSON *faults_cxone; /* the same rules on the cxone profile's paths */
    run_expect expect;          /* under the seed profile */
    run_expect expect_cxone;    /* the same, with expect.byProfile.cxone over it */
};

/* Checks the expectations against a finished run; fills r->checks and
 * r->passed. `final_params`, `audit_ok`... are what the run measured. */
typedef struct run_facts {
    bool audit_parses;
    int audit_cycles;
    int audit_written; /* cycle records whose write the server accepted */
    int patches_accepted;       /* accepted writes in the journal (PATCH, or PUT for cxone) */
    int patches_without_if_match; /* seed only: CXone has no ETag */
    bool final_matches_audit;   /* the campaign has the last applied target */
    char lost_update_detail[160];
} run_facts;

void run__check(const run_scenario *s, const run_expect *x, const run_facts *f, run_result *r);

/* Sets r->max_window_rate from r->samples: the worst window of every
 * evaluation with at least `min_live` live answers, and always the last one
 * (the window a regulator reads). NaN when a reading it needs is missing
 * (window_live < 0: the stats could not be read), so no verdict can pass
 * on it; r->window_unread counts those readings. */
void run__worst_window(run_result *r, long min_live);

/* A file written whole or not at all: run__create opens PATH.tmp.PID (its
 * name in tmp[n]) with `mode`; run__commit closes it and, when `ok` and the
 * close succeeds, renames it over PATH, else removes it and says so. */
FILE *run__create(const char *path, int mode, char *tmp, size_t n);
run_status run__commit(FILE *f, bool ok, const char *tmp, const char *path, cx_error *err);

#endif
