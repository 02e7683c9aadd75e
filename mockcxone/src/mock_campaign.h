/* mock_campaign.h - the campaign store: configs, versions, states, and the
 * live simulated dialer behind each campaign (internal).
 *
 * Each campaign has its own lock: a PATCH validates and applies under it, so
 * concurrent PATCHes never interleave and each raises the version by one. A
 * simulated campaign advances its dialsim simulation to the server's clock
 * before anything reads or changes it, so a new config takes effect at the
 * moment it is applied. Counters are snapshotted every minute of simulated
 * time (a bounded ring covering the regulatory window) for windowed stats. */
#ifndef MOCK_CAMPAIGN_H
#define MOCK_CAMPAIGN_H

#include "mock_http.h"

struct cJSON;
struct sim_counters;
typedef struct mock__store mock__store;

mock_status mock__store_create(const mock_campaign_def *defs, size_t n, const mock_bounds *b,
                               cx_clock *clk, uint64_t seed, double window_s,
                               mock__store **out, cx_error *err);
void mock__store_destroy(mock__store *s);
/* Every campaign back to its first config, version 1, active, a fresh
 * simulation from now. */
void mock__store_reset(mock__store *s);

/* These answer a request completely (status, headers, body). */
void mock__campaign_get(mock__store *s, const char *id, mock__resp *r);
void mock__campaign_patch(mock__store *s, const char *id, const char *if_match,
                          const struct cJSON *body, mock__resp *r);
/* window_s and period_s <= 0 take the defaults (the store's window, 900 s).
 * truth false: the ACD's book (what the API serves); true: the truth. */
void mock__campaign_stats(mock__store *s, const char *id, double window_s, double period_s,
                          bool truth, mock__resp *r);

/* What another API's shapes are built from (a snapshot, brought to the
 * clock). */
typedef struct mock__view {
    char id[128], name[256], status[16];
    double answer_rate, abandon_rate;
    long max_concurrent_calls, call_interval_ms, warm_up_s;
    int strategy;              /* 0 predictive, 1 progressive, 2 power, 3 preview */
    long version;
    int agents;                /* staffed now (the model's first value if not simulated) */
    bool simulated;
    double elapsed_s;          /* simulated seconds since the simulation started */
    double started;            /* clock time it started */
} mock__view;

/* 0, or 404 when there is no such campaign. */
int mock__campaign_view(mock__store *s, const char *id, mock__view *out);

/* Applies a seed-shaped merge patch ({"predictiveDialer":{...},"status":..})
 * checked exactly like a PATCH, without a precondition. Returns 200 applied,
 * 404, 403 (paused, archived, locked: *why says which) or 422 (*problems is a
 * new array of {field, problem} the caller frees). */
int mock__campaign_merge(mock__store *s, const char *id, const struct cJSON *patch,
                         struct cJSON **problems, char *why, size_t why_n);

/* The counters at two clock times (each brought within the snapshots: one-
 * minute resolution; `to` past now means now). 0, 404, or 409 when the
 * campaign is not simulated. */
int mock__campaign_counts(mock__store *s, const char *id, double from, double to,
                          struct sim_counters *a, struct sim_counters *b);

/* A completed contact: its id, its start (clock time) and the attempt. */
struct sim_attempt;
typedef void (*mock__contact_fn)(void *ud, unsigned long long id, double start,
                                 const struct sim_attempt *a);
/* Calls `each` for the campaign's completed contacts (its simulation's dial
 * attempts whose fate is final, brought to the clock) that started in
 * [from, to) (clock times), in the order they completed, from the skip-th
 * such on, at most top of them; *total gets how many there are in all.
 * 0, 404, or 409 when the campaign is not simulated. The campaign's lock is
 * held meanwhile: `each` must not call the store. */
int mock__campaign_contacts(mock__store *s, const char *id, double from, double to, long skip,
                            long top, mock__contact_fn each, void *ud, long *total);

mock_status mock__campaign_set_status(mock__store *s, const char *id, const char *status);
mock_status mock__campaign_state(mock__store *s, const char *id, mock_campaign_state *out);
bool mock__campaign_exists(mock__store *s, const char *id);

#endif
