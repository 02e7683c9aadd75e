/* run_report.c - results as a table, as JSON, as JUnit XML. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_internal.h"

static const char *const outcome_names[RUN_OUTCOMES] = {
    "applied",          "unchanged",   "dry-run",    "rejected-validation",
    "rejected-compliance", "rejected-state", "failed-auth", "failed-api",
    "failed-network"};

static double r6(double x) { return round(x * 1e6) / 1e6; }
static double r2(double x) { return round(x * 100) / 100; }

cJSON *run_result_to_json(const run_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "scenario", r->name);
    cJSON_AddStringToObject(o, "policy", r->policy);
    cJSON_AddStringToObject(o, "profile", r->profile);
    cJSON_AddNumberToObject(o, "seed", (double)r->seed);
    cJSON_AddBoolToObject(o, "passed", r->passed);
    cJSON_AddNumberToObject(o, "cycles", r->cycles);
    cJSON_AddNumberToObject(o, "applied", r->applied);
    cJSON_AddNumberToObject(o, "refused", r->refused);
    cJSON_AddNumberToObject(o, "failed", r->failed);
    cJSON *oc = cJSON_AddObjectToObject(o, "outcomes");
    for (int i = 0; oc && i < RUN_OUTCOMES; i++)
        if (r->outcomes[i])
            cJSON_AddNumberToObject(oc, outcome_names[i], r->outcomes[i]);
    cJSON_AddNumberToObject(o, "retries", r->retries);
    cJSON_AddNumberToObject(o, "reauths", r->reauths);
    cJSON_AddNumberToObject(o, "conflicts", r->conflicts);
    cJSON *lat = cJSON_AddObjectToObject(o, "latencyMs");
    if (lat) {
        cJSON_AddNumberToObject(lat, "p50", r2(r->wall_p50));
        cJSON_AddNumberToObject(lat, "p95", r2(r->wall_p95));
        cJSON_AddNumberToObject(lat, "p99", r2(r->wall_p99));
        cJSON_AddNumberToObject(lat, "scenarioClockP99", r2(r->sim_p99));
    }
    cJSON_AddNumberToObject(o, "windowSeconds", r->window_s);
    cJSON_AddNumberToObject(o, "maxWindowAbandonRate", r6(r->max_window_rate));
    cJSON_AddNumberToObject(o, "finalWindowAbandonRate", r6(r->final_window_rate));
    cJSON_AddNumberToObject(o, "liveAnswers", (double)r->final_live_answers);
    cJSON_AddNumberToObject(o, "occupancy", r6(r->occupancy));
    cJSON_AddNumberToObject(o, "auditRecords", r->audit_records);
    cJSON_AddNumberToObject(o, "webhooksDelivered", r->webhooks_delivered);
    cJSON_AddNumberToObject(o, "webhooksFailed", r->webhooks_failed);
    if (r->has_baseline) {
        cJSON *b = cJSON_AddObjectToObject(o, "doNothing");
        if (b) {
            cJSON_AddNumberToObject(b, "occupancy", r6(r->baseline_occupancy));
            cJSON_AddNumberToObject(b, "maxWindowAbandonRate", r6(r->baseline_max_window_rate));
        }
    }
    cJSON *checks = cJSON_AddArrayToObject(o, "expectations");
    for (int i = 0; checks && i < r->n_checks; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", r->checks[i].name);
        cJSON_AddBoolToObject(c, "ok", r->checks[i].ok);
        cJSON_AddStringToObject(c, "detail", r->checks[i].detail);
        cJSON_AddItemToArray(checks, c);
    }
    cJSON *series = cJSON_AddArrayToObject(o, "series");
    for (int i = 0; series && i < r->n_samples; i++) {
        const run_sample *s = &r->samples[i];
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "hours", r6(s->hours));
        cJSON_AddNumberToObject(p, "windowAbandonRate", r6(s->window_rate));
        cJSON_AddNumberToObject(p, "periodAbandonRate", r6(s->period_rate));
        cJSON_AddNumberToObject(p, "periodOccupancy", r6(s->period_occupancy));
        cJSON_AddNumberToObject(p, "answerRate", r6(s->answer_rate));
        cJSON_AddItemToArray(series, p);
    }
    return o;
}

int run_format_table(const run_result *r, int n, cx_buf *b)
{
    int bad = cx_buf_printf(b, "%-26s %-9s %6s %7s %7s %6s %7s %21s %9s %9s %8s  %s\n",
                            "scenario", "policy", "cycles", "applied", "refused", "failed",
                            "retries", "latency ms p50/95/99", "max win%", "final %",
                            "occup %", "result");
    for (int i = 0; i < n; i++) {
        const run_result *x = &r[i];
        char lat[32];
        snprintf(lat, sizeof lat, "%.1f/%.1f/%.1f", x->wall_p50, x->wall_p95, x->wall_p99);
        bad |= cx_buf_printf(b, "%-26.26s %-9s %6d %7d %7d %6d %7d %21s %9.2f %9.2f %8.1f  %s\n",
                             x->name, x->policy, x->cycles, x->applied, x->refused, x->failed,
                             x->retries, lat, 100 * x->max_window_rate,
                             100 * x->final_window_rate, 100 * x->occupancy,
                             x->passed ? "PASS" : "FAIL");
        for (int k = 0; k < x->n_checks; k++)
            if (!x->checks[k].ok)
                bad |= cx_buf_printf(b, "    expected %s: %s\n", x->checks[k].name,
                                     x->checks[k].detail);
    }
    return bad ? -1 : 0;
}

static void xml_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

FILE *run__create(const char *path, int mode, char *tmp, size_t n)
{
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fd >= 0 && !f) {
        close(fd);
        unlink(tmp);
    }
    return f;
}

run_status run__commit(FILE *f, bool ok, const char *tmp, const char *path, cx_error *err)
{
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return cx_error_set(err, RUN_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    return RUN_OK;
}

run_status run_write_junit(const char *path, const run_result *r, int n, cx_error *err)
{
    char tmp[4096];
    FILE *f = run__create(path, 0666, tmp, sizeof tmp);
    if (!f)
        return cx_error_set(err, RUN_EIO, "%s: cannot write: %s", path, strerror(errno));
    int failures = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        failures += !r[i].passed;
        total += r[i].wall_s;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", n, failures, total);
    fprintf(f, "  <testsuite name=\"cxopt scenarios\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
            n, failures, total);
    for (int i = 0; i < n; i++) {
        fputs("    <testcase classname=\"scenarios.", f);
        xml_escape(f, r[i].profile);
        fputs(".", f);
        xml_escape(f, r[i].policy);
        fputs("\" name=\"", f);
        xml_escape(f, r[i].name);
        fprintf(f, "\" time=\"%.3f\">\n", r[i].wall_s);
        for (int k = 0; k < r[i].n_checks; k++) {
            if (r[i].checks[k].ok)
                continue;
            fputs("      <failure message=\"", f);
            xml_escape(f, r[i].checks[k].name);
            fputs(": ", f);
            xml_escape(f, r[i].checks[k].detail);
            fputs("\"/>\n", f);
        }
        fprintf(f, "      <system-out>cycles %d, applied %d, refused %d, failed %d, retries %d, "
                   "max window abandon %.4f, occupancy %.4f</system-out>\n",
                r[i].cycles, r[i].applied, r[i].refused, r[i].failed, r[i].retries,
                r[i].max_window_rate, r[i].occupancy);
        fputs("    </testcase>\n", f);
    }
    return run__commit(f, fputs("  </testsuite>\n</testsuites>\n", f) >= 0, tmp, path, err);
}
