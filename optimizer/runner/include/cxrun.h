/*
 * cxrun.h - libcxrun: closed-loop optimization scenarios, offline.
 *
 * A scenario (JSON, described by scenarios/schema.json) names a campaign
 * model, the dialer's first settings, constraints, the regulation, a pacing
 * policy, how often and how many times it runs, faults the API throws, and
 * what must come out. Running it starts an embedded mockcxone on an
 * ephemeral loopback port whose campaign is a live dialsim simulation, and
 * an optimizer pointed at it; both share one VIRTUAL clock, so a simulated
 * day passes in seconds while every request still travels over real HTTP.
 * Each cycle: the clock moves one period, the policy decides, and the
 * optimizer runs its whole cycle (validate, gate, apply, notify, audit).
 *
 * This is the only part of the optimizer that links the mock.
 */
#ifndef CXRUN_H
#define CXRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cxcommon.h"

struct cJSON;

typedef enum run_status {
    RUN_OK = 0,
    RUN_EINVAL, /* a bad scenario file (the text names file and key path) */
    RUN_ENOMEM,
    RUN_EIO,    /* a file could not be read or written */
    RUN_EFAIL   /* the run could not be carried out (the text says why) */
} run_status;

const char *run_strerror(run_status st);

typedef struct run_scenario run_scenario;

/* Loads and checks a scenario file; nothing runs. */
run_status run_scenario_load(const char *path, run_scenario **out, cx_error *err);
/* The same from text in memory; `name` stands for the file in messages. */
run_status run_scenario_parse(const char *text, size_t len, const char *name,
                              run_scenario **out, cx_error *err);
void run_scenario_destroy(run_scenario *s);
const char *run_scenario_name(const run_scenario *s);
const char *run_scenario_policy(const run_scenario *s);

/* The credentials the runner's embedded mock and its optimizer share. They
 * are secrets like any other: no output, audit log or journal shows them. */
#define RUN_CLIENT_ID "scenario-runner"
#define RUN_CLIENT_SECRET "scenario-runner-secret"
#define RUN_WEBHOOK_SECRET "whsec_c2NlbmFyaW8tcnVubmVyLXdlYmhvb2stc2VjcmV0"

typedef struct run_options {
    const char *policy;        /* NULL: the scenario's */
    const char *profile;       /* API profile, "seed" or "cxone"; NULL: the scenario's */
    uint64_t seed_offset;      /* added to the scenario's seed (repeat runs) */
    const char *audit_dir;     /* keep the audit log there (NULL: a temporary one), and
                                  beside it the mock's journal and the webhooks it got */
    bool real_time;            /* the wall clock instead of virtual time */
    const struct cJSON *model; /* the campaign model the optimizer's gate and policy
                                  predict with (cxopt --model: a fitted one), borrowed;
                                  NULL: the scenario's campaign. The mock still
                                  simulates the scenario's campaign: the truth. */
} run_options;

/* One point of the run, taken after each cycle. */
typedef struct run_sample {
    double hours;              /* since the start */
    double window_rate;        /* abandon rate over the regulatory window; NaN: unread */
    long window_live;          /* live answers in it; -1: the stats could not be read */
    double period_rate;        /* abandon rate over the last period */
    double period_occupancy;
    double answer_rate;        /* the settings in force after the cycle */
    double abandon_target;
    int max_calls;
    int call_interval_ms;
    int outcome;               /* the cycle's opt_outcome */
} run_sample;

/* A fault rule's active period, in hours since the start (the report's
 * shaded bands); rules sharing a period share a band. */
#define RUN_MAX_BANDS 16
typedef struct run_band {
    double from_h, until_h;    /* until_h < 0: to the end of the run */
    char what[64];             /* what the rules do: "429, reset" */
} run_band;

#define RUN_MAX_CHECKS 24

typedef struct run_check {
    char name[40];
    bool ok;
    char detail[200];
} run_check;

#define RUN_OUTCOMES 9 /* opt_outcome values */

typedef struct run_result {
    char name[128];
    char policy[32];
    char profile[16];
    uint64_t seed;
    int cycles;
    int outcomes[RUN_OUTCOMES];   /* by opt_outcome */
    int applied, refused, failed;
    int retries, reauths, conflicts;
    int webhooks_delivered, webhooks_failed;
    double wall_p50, wall_p95, wall_p99;  /* cycle latency, ms of wall time */
    double sim_p50, sim_p95, sim_p99;     /* ms on the scenario clock (waits included) */
    double window_s;
    double limit;                 /* the regulatory abandon limit */
    run_band bands[RUN_MAX_BANDS];
    int n_bands;
    double max_window_rate;       /* over evaluations with enough live answers, and
                                     the last; NaN when a reading is missing */
    int window_unread;            /* cycles whose stats could not be read */
    double final_window_rate;     /* NaN: unread */
    long final_live_answers;      /* -1: unread */
    double occupancy;             /* over the whole run; NaN: unread */
    int audit_records;            /* "cycle" records */
    run_sample *samples;          /* one per cycle; owned */
    int n_samples;
    bool has_baseline;            /* do-nothing ran beside (a gap was expected) */
    double baseline_occupancy;    /* do-nothing's, on the same seed */
    double baseline_max_window_rate;
    run_check checks[RUN_MAX_CHECKS];
    int n_checks;
    bool passed;                  /* every expectation held */
    double wall_s;                /* the whole run */
} run_result;

/* Checks what run_scenario_run would refuse before it starts anything: an
 * unknown API profile or policy, or a policy missing what it needs (static
 * without a target). RUN_EINVAL with the scenario's file named; nothing
 * runs. run_scenario_run checks the same first. */
run_status run_options_check(const run_scenario *s, const run_options *o, cx_error *err);
/* Whether the runner knows a policy name: the optimizer's (do-nothing,
 * static, adaptive, oracle) or "vicidial", the campaign run by VICIdial's own
 * dialer (dialsim's strategy) with the optimizer leaving it alone. What a
 * policy needs from a scenario is run_options_check's part. */
run_status run_policy_name_check(const char *name, cx_error *err);

/* Runs a scenario. When its expectations claim a gain over doing nothing
 * (minOccupancyGainOverDoNothing), the do-nothing policy runs first on the
 * same seed and profile, and out->baseline_* hold its figures (under
 * do-nothing itself the baseline is the run). RUN_OK when it ran (see
 * out->passed for the verdict);
 * an error when it could not run. run_result_free() in every case. */
run_status run_scenario_run(const run_scenario *s, const run_options *o, run_result *out,
                            cx_error *err);
void run_result_free(run_result *r);

struct cJSON *run_result_to_json(const run_result *r);
/* The outcome table, one row per result, into b. */
int run_format_table(const run_result *r, int n, cx_buf *b);
/* JUnit XML: one testcase per result, a failure per unmet expectation.
 * Written to a temporary file, then renamed. */
run_status run_write_junit(const char *path, const run_result *r, int n, cx_error *err);

/* A static HTML report in directory `dir`: index.html (the outcome table,
 * failures first) and one page per result with SVG charts over simulated
 * time. With `compare`, the results are one scenario under several
 * policies, and the index shows them side by side. Written into a
 * temporary directory beside `dir`, then renamed over it (an older report
 * there is replaced); on failure nothing is left. Every string from a
 * scenario file is HTML-escaped. */
run_status run_write_report(const char *dir, const run_result *r, int n, bool compare,
                            cx_error *err);

/* Lists the scenario files under each argument (a file, or a directory's
 * *.json but schema.json, sorted). Returns a NULL-terminated array the
 * caller frees with run_free_list, or NULL with err set. */
char **run_list_files(char *const *args, int n, cx_error *err);
void run_free_list(char **list);

#endif /* CXRUN_H */
