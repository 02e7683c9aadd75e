/* run_expect.c - a run's expectations, each a named check with the numbers. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run_internal.h"

static const char *const outcome_names[RUN_OUTCOMES] = {
    "applied",          "unchanged",   "dry-run",    "rejected-validation",
    "rejected-compliance", "rejected-state", "failed-auth", "failed-api",
    "failed-network"};

static void check(run_result *r, const char *name, bool ok, const char *fmt, ...)
    CX_PRINTF(4, 5);

static void check(run_result *r, const char *name, bool ok, const char *fmt, ...)
{
    if (r->n_checks == RUN_MAX_CHECKS)
        return;
    run_check *c = &r->checks[r->n_checks++];
    cx_copy(c->name, sizeof c->name, name);
    c->ok = ok;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof c->detail, fmt, ap);
    va_end(ap);
    if (!ok)
        r->passed = false;
}

void run__worst_window(run_result *r, long min_live)
{
    r->max_window_rate = 0;
    r->window_unread = 0;
    for (int i = 0; i < r->n_samples; i++) {
        const run_sample *p = &r->samples[i];
        if (p->window_live < 0 || isnan(p->window_rate)) {
            r->window_unread++;
            r->max_window_rate = NAN;
        } else if ((p->window_live >= min_live || i == r->n_samples - 1) &&
                   p->window_rate > r->max_window_rate) {
            r->max_window_rate = p->window_rate;
        }
    }
    if (r->n_samples == 0)
        r->max_window_rate = NAN;
}

/* maxWindowAbandonRate: a verdict needs every reading and a last window
 * with live answers in it (0 of 0 abandoned is no evidence of compliance). */
static void check_window(const run_expect *x, run_result *r)
{
    long last = r->n_samples ? r->samples[r->n_samples - 1].window_live : -1;
    if (r->window_unread || isnan(r->max_window_rate) || r->n_samples == 0)
        check(r, "maxWindowAbandonRate", false,
              "the stats could not be read at %d of %d cycles: no verdict, limit %.2f%%",
              r->window_unread, r->n_samples, 100 * x->max_window_rate);
    else if (last <= 0)
        check(r, "maxWindowAbandonRate", false,
              "no live answers in the last window: no verdict, limit %.2f%%",
              100 * x->max_window_rate);
    else
        check(r, "maxWindowAbandonRate", r->max_window_rate <= x->max_window_rate + 1e-12,
              "worst window %.2f%% (of windows with >= %ld live answers, and the last), "
              "limit %.2f%%",
              100 * r->max_window_rate, x->window_min_live, 100 * x->max_window_rate);
}

void run__check(const run_scenario *s, const run_expect *x, const run_facts *f, run_result *r)
{
    (void)s;
    r->passed = true;
    r->n_checks = 0;
    if (x->has_max_window_rate)
        check_window(x, r);
    if (x->has_min_occupancy)
        check(r, "minOccupancy", r->occupancy >= x->min_occupancy - 1e-12,
              "occupancy %.1f%%, at least %.1f%%", 100 * r->occupancy, 100 * x->min_occupancy);
    if (x->min_applied > 0)
        check(r, "minApplied", r->applied >= x->min_applied, "%d applied, at least %ld",
              r->applied, x->min_applied);
    if (x->max_applied >= 0)
        check(r, "maxApplied", r->applied <= x->max_applied, "%d applied, at most %ld",
              r->applied, x->max_applied);
    if (x->has_min_occupancy_gain) {
        double gain = r->occupancy - r->baseline_occupancy;
        check(r, "minOccupancyGainOverDoNothing",
              r->has_baseline && !isnan(gain) && gain >= x->min_occupancy_gain - 1e-12,
              "occupancy %.2f%%, do-nothing %.2f%% on the same seed: %+.2f points, at least "
              "%+.2f",
              100 * r->occupancy, 100 * r->baseline_occupancy, 100 * gain,
              100 * x->min_occupancy_gain);
    }
    if (x->min_retries > 0)
        check(r, "minRetries", r->retries >= x->min_retries, "%d retries, at least %ld",
              r->retries, x->min_retries);
    if (x->max_retries >= 0)
        check(r, "maxRetries", r->retries <= x->max_retries, "%d retries, at most %ld",
              r->retries, x->max_retries);
    if (x->min_reauths > 0)
        check(r, "minReauths", r->reauths >= x->min_reauths,
              "%d re-authentications, at least %ld", r->reauths, x->min_reauths);
    if (x->max_reauths >= 0)
        check(r, "maxReauths", r->reauths <= x->max_reauths,
              "%d re-authentications, at most %ld", r->reauths, x->max_reauths);
    if (x->min_webhooks_failed > 0)
        check(r, "minWebhooksFailed", r->webhooks_failed >= x->min_webhooks_failed,
              "%d webhooks failed, at least %ld", r->webhooks_failed, x->min_webhooks_failed);
    if (x->max_webhooks_failed >= 0)
        check(r, "maxWebhooksFailed", r->webhooks_failed <= x->max_webhooks_failed,
              "%d webhooks failed, at most %ld", r->webhooks_failed, x->max_webhooks_failed);
    if (x->audit_per_cycle)
        check(r, "auditPerCycle", f->audit_parses && f->audit_cycles == r->cycles,
              "%d cycle records for %d cycles%s", f->audit_cycles, r->cycles,
              f->audit_parses ? "" : ", and a line that does not parse");
    if (x->no_lost_update) {
        /* every write the server accepted has a record that says so: an
         * applied cycle, or one that failed after its write landed (a
         * read-back that failed) */
        bool ok = f->patches_accepted == f->audit_written && r->applied <= f->audit_written &&
                  f->patches_without_if_match == 0 && f->final_matches_audit;
        check(r, "noLostUpdate", ok,
              "%d writes accepted for %d records of a write (%d applied), %d without "
              "If-Match%s%s",
              f->patches_accepted, f->audit_written, r->applied, f->patches_without_if_match,
              f->final_matches_audit ? "" : "; ", f->lost_update_detail);
    }
    const char *pn[3] = {"p50", "p95", "p99"};
    const double got[3] = {r->sim_p50, r->sim_p95, r->sim_p99};
    for (int i = 0; i < 3; i++)
        if (x->max_latency_ms[i] >= 0) {
            char name[40];
            snprintf(name, sizeof name, "maxLatencyMs.%s", pn[i]);
            check(r, name, got[i] <= x->max_latency_ms[i],
                  "cycle %s %.0f ms on the scenario clock, at most %.0f", pn[i], got[i],
                  x->max_latency_ms[i]);
        }
    for (int i = 0; i < RUN_OUTCOMES; i++) {
        char name[40];
        snprintf(name, sizeof name, "outcomes.%s", outcome_names[i]);
        if (x->outcome_min[i] > 0 || x->outcome_max[i] >= 0) {
            bool ok = r->outcomes[i] >= x->outcome_min[i] &&
                      (x->outcome_max[i] < 0 || r->outcomes[i] <= x->outcome_max[i]);
            char hi[24] = "";
            if (x->outcome_max[i] >= 0)
                snprintf(hi, sizeof hi, "%ld", x->outcome_max[i]);
            check(r, name, ok, "%d %s cycles (expected %ld..%s)", r->outcomes[i],
                  outcome_names[i], x->outcome_min[i], hi);
        }
    }
}
