/* run_html.c - the static HTML report: an index and a page per result.
 *
 * Everything is self-contained: inline CSS, inline SVG (run_svg.c), no
 * script, no font, no external link. The report is written into a
 * temporary directory beside the target and renamed over it, so a failure
 * leaves the previous report (or nothing), never half of one. */
#include <errno.h>
#include <stdbool.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cxopt.h"
#include "run_internal.h"
#include "run_svg.h"

#define PAGE_CAP (8u << 20)

static const char *const CSS =
    "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;"
    "text-align:right}td:first-child,th:first-child{text-align:left}"
    ".FAIL{background:#fde2e2;color:#a00;font-weight:bold}.PASS{color:#176d2b}"
    "tr.failed td{background:#fff4f4}.charts{display:flex;flex-wrap:wrap;gap:8px}"
    ".side{display:grid;gap:12px}.side>div{min-width:0}svg.chart{background:#fff;display:block}"
    "h1{font-size:20px}h2{font-size:16px;margin-top:1.2em}h3{font-size:13px;margin:.6em 0 .2em}"
    ".checks td,.checks th{text-align:left}";

static const char *outcome_color(int oc)
{
    switch (oc) {
    case OPT_OUTCOME_APPLIED: return "#2b8a3e";
    case OPT_OUTCOME_UNCHANGED:
    case OPT_OUTCOME_DRY_RUN: return "#9e9e9e";
    case OPT_OUTCOME_REJECTED_VALIDATION:
    case OPT_OUTCOME_REJECTED_COMPLIANCE:
    case OPT_OUTCOME_REJECTED_STATE: return "#e67700";
    default: return "#c92a2a";
    }
}

static const char *outcome_word(int oc)
{
    static const char *const w[RUN_OUTCOMES] = {
        "applied", "unchanged", "dry-run", "refused (validation)", "refused (compliance)",
        "refused (state)", "failed (auth)", "failed (API)", "failed (network)"};
    return oc >= 0 && oc < RUN_OUTCOMES ? w[oc] : "?";
}

/* The page's file name: letters, digits, '-' and '_' of name, policy and
 * profile, and the index for uniqueness. */
static void page_name(const run_result *r, int i, char *out, size_t n)
{
    char raw[200];
    snprintf(raw, sizeof raw, "%s-%s-%s", r->name, r->policy, r->profile);
    size_t k = 0;
    for (const char *p = raw; *p && k + 1 < sizeof raw; p++)
        raw[k++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
                              ? *p
                              : '_');
    raw[k] = '\0';
    snprintf(out, n, "%03d-%.150s.html", i + 1, raw);
}

static const run_check *find_check(const run_result *r, const char *name)
{
    for (int i = 0; i < r->n_checks; i++)
        if (strcmp(r->checks[i].name, name) == 0)
            return &r->checks[i];
    return NULL;
}

/* The failed expectations whose name starts with `prefix`, written on the
 * chart that shows what they measure. */
static void notes(run__chart *c, const run_result *r, const char *prefix)
{
    int line = 0;
    for (int i = 0; i < r->n_checks; i++) {
        const run_check *k = &r->checks[i];
        if (k->ok || strncmp(k->name, prefix, strlen(prefix)) != 0)
            continue;
        char text[260];
        snprintf(text, sizeof text, "%s: %s", k->name, k->detail);
        run__chart_note(c, line++, text);
    }
}

static void bands(run__chart *c, const run_result *r)
{
    for (int i = 0; i < r->n_bands; i++)
        run__chart_band(c, r->bands[i].from_h, r->bands[i].until_h < 0 ? c->x1 : r->bands[i].until_h,
                        r->bands[i].what);
}

static double span_end(const run_result *r)
{
    return r->n_samples > 0 && r->samples[r->n_samples - 1].hours > 0
               ? r->samples[r->n_samples - 1].hours
               : 1;
}

/* The charts of one result, `w` pixels wide each. */
static void charts(run__out *o, const run_result *r, int w)
{
    int n = r->n_samples;
    double *x = calloc((size_t)(n > 0 ? n : 1), sizeof *x);
    double *y = calloc((size_t)(n > 0 ? n : 1), sizeof *y);
    double *y2 = calloc((size_t)(n > 0 ? n : 1), sizeof *y2);
    if (!x || !y || !y2) {
        o->failed = 1;
        goto out;
    }
    double top = r->limit * 1.5;
    for (int i = 0; i < n; i++) {
        x[i] = r->samples[i].hours;
        y[i] = r->samples[i].window_rate;
        y2[i] = r->samples[i].period_rate;
        if (!isnan(y[i]) && y[i] * 1.1 > top)
            top = y[i] * 1.1;
    }
    const run_check *wc = find_check(r, "maxWindowAbandonRate");

    /* the window abandon rate against the limit, with the cycles' outcomes */
    run__put(o, "<div class=\"charts\">");
    run__chart c = {o, 0, span_end(r), 0, top > 0 ? top : 0.05, w, 260};
    run__chart_begin(&c, "window abandon rate vs limit (%), cycle outcomes", 1, 100);
    bands(&c, r);
    run__chart_line(&c, x, y2, n, "#a5b4fc", 0, "abandon rate over the last period");
    run__chart_hline(&c, r->limit, "#c92a2a", "limit");
    run__chart_line(&c, x, y, n, "#1c3faa", 0, "regulatory-window abandon rate");
    for (int i = 0; i < n; i++) {
        char tip[96];
        snprintf(tip, sizeof tip, "cycle %d at %.2f h: %s", i + 1, x[i],
                 outcome_word(r->samples[i].outcome));
        run__chart_mark(&c, x[i], c.y0 + (c.y1 - c.y0) * 0.03,
                        outcome_color(r->samples[i].outcome), tip);
    }
    if (wc && !wc->ok && !isnan(r->max_window_rate)) {
        for (int i = 0; i < n; i++)
            if (y[i] == r->max_window_rate) {
                run__chart_mark(&c, x[i], y[i], "#c92a2a", wc->detail);
                break;
            }
    }
    notes(&c, r, "maxWindowAbandonRate");
    run__chart_legend(&c, 0, "#1c3faa", "window");
    run__chart_legend(&c, 1, "#2b8a3e", "applied");
    run__chart_legend(&c, 2, "#e67700", "refused");
    run__chart_legend(&c, 3, "#c92a2a", "failed / limit");
    run__chart_end(&c);

    /* occupancy */
    for (int i = 0; i < n; i++)
        y[i] = r->samples[i].period_occupancy;
    c = (run__chart){o, 0, span_end(r), 0, 1, w, 260};
    run__chart_begin(&c, "occupancy over the last period (%)", 0, 100);
    bands(&c, r);
    if (r->has_baseline)
        run__chart_hline(&c, r->baseline_occupancy, "#777", "do-nothing, whole run");
    run__chart_line(&c, x, y, n, "#087f5b", 0, "occupancy");
    notes(&c, r, "minOccupancy");
    run__chart_legend(&c, 0, "#087f5b", "occupancy");
    run__chart_legend(&c, 1, "#f5a623", "fault active");
    run__chart_end(&c);

    /* each dialer setting as applied */
    run__put(o, "</div>\n<h3>each dialer setting as applied</h3><div class=\"charts\">");
    static const char *const names[4] = {"answerRate", "abandonRate (%)", "maxConcurrentCalls",
                                         "callInterval (ms)"};
    for (int k = 0; k < 4; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < n; i++) {
            const run_sample *s = &r->samples[i];
            y[i] = k == 0 ? s->answer_rate
                 : k == 1 ? s->abandon_target * 100
                 : k == 2 ? s->max_calls
                          : s->call_interval_ms;
            lo = y[i] < lo ? y[i] : lo;
            hi = y[i] > hi ? y[i] : hi;
        }
        if (n == 0)
            lo = 0, hi = 1;
        double pad = hi > lo ? (hi - lo) * 0.15 : (fabs(hi) > 0 ? fabs(hi) * 0.1 : 1);
        c = (run__chart){o, 0, span_end(r), lo - pad, hi + pad, w >= 600 ? 300 : w / 2 - 4, 170};
        run__chart_begin(&c, names[k], k == 0 ? 3 : k == 1 ? 2 : 0, 1);
        bands(&c, r);
        run__chart_line(&c, x, y, n, "#5f3dc4", 1, names[k]);
        run__chart_end(&c);
    }
    run__put(o, "</div>\n");
out:
    free(x);
    free(y);
    free(y2);
}

static void checks_table(run__out *o, const run_result *r)
{
    run__put(o, "<table class=\"checks\"><tr><th>expectation</th><th>result</th><th>what was "
                "measured</th></tr>\n");
    for (int pass = 0; pass < 2; pass++) /* failures first */
        for (int i = 0; i < r->n_checks; i++) {
            const run_check *k = &r->checks[i];
            if (k->ok != (pass == 1))
                continue;
            run__put(o, "<tr%s><td>", k->ok ? "" : " class=\"failed\"");
            run__esc(o, k->name);
            run__put(o, "</td><td class=\"%s\">%s</td><td style=\"text-align:left\">",
                     k->ok ? "PASS" : "FAIL", k->ok ? "PASS" : "FAIL");
            run__esc(o, k->detail);
            run__put(o, "</td></tr>\n");
        }
    run__put(o, "</table>\n");
}

static void head(run__out *o, const char *title)
{
    run__put(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    run__esc(o, title);
    run__put(o, "</title><style>%s</style></head><body>\n", CSS);
}

static void fault_list(run__out *o, const run_result *r)
{
    if (r->n_bands == 0)
        return;
    run__put(o, "<p>Faults (shaded): ");
    for (int i = 0; i < r->n_bands; i++) {
        run__put(o, "%s", i ? "; " : "");
        run__esc(o, r->bands[i].what);
        if (r->bands[i].until_h < 0)
            run__put(o, " from %.2f h", r->bands[i].from_h);
        else
            run__put(o, " %.2f&ndash;%.2f h", r->bands[i].from_h, r->bands[i].until_h);
    }
    run__put(o, "</p>\n");
}

static void summary_row(run__out *o, const run_result *r, const char *href)
{
    run__put(o, "<tr%s><td><a href=\"%s\">", r->passed ? "" : " class=\"failed\"", href);
    run__esc(o, r->name);
    run__put(o, "</a></td><td>");
    run__esc(o, r->policy);
    run__put(o, "</td><td>");
    run__esc(o, r->profile);
    run__put(o, "</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td>"
                "<td>%.2f</td><td>%.1f</td><td class=\"%s\">%s</td></tr>\n",
             r->cycles, r->applied, r->refused, r->failed, r->retries,
             100 * r->max_window_rate, 100 * r->final_window_rate, 100 * r->occupancy,
             r->passed ? "PASS" : "FAIL", r->passed ? "PASS" : "FAIL");
}

static const char *const TABLE_HEAD =
    "<table class=\"outcomes\"><tr><th>scenario</th><th>policy</th><th>profile</th>"
    "<th>cycles</th><th>applied</th><th>refused</th><th>failed</th><th>retries</th>"
    "<th>max win%</th><th>final %</th><th>occup %</th><th>result</th></tr>\n";

static run_status write_file(const char *dir, const char *name, run__out *o, cx_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (o->failed)
        return cx_error_set(err, RUN_ENOMEM, "%s: the page would pass %u MiB or memory ran out",
                            path, PAGE_CAP >> 20);
    FILE *f = fopen(path, "w");
    if (!f)
        return cx_error_set(err, RUN_EIO, "%s: %s", path, strerror(errno));
    bool ok = fwrite(o->b.data, 1, o->b.len, f) == o->b.len;
    ok = fclose(f) == 0 && ok;
    return ok ? RUN_OK : cx_error_set(err, RUN_EIO, "%s: write failed", path);
}

static run_status result_page(const char *dir, const run_result *r, const char *file,
                              cx_error *err)
{
    run__out o = {.failed = 0};
    cx_buf_init(&o.b, PAGE_CAP);
    char title[256];
    snprintf(title, sizeof title, "%s (%s, %s): %s", r->name, r->policy, r->profile,
             r->passed ? "PASS" : "FAIL");
    head(&o, title);
    run__put(&o, "<p><a href=\"index.html\">&larr; all scenarios</a></p><h1>");
    run__esc(&o, title);
    run__put(&o, "</h1>\n<p>Seed %llu; %d cycles; window %.0f s; limit %.2f%%; worst window "
                 "%.2f%%; occupancy %.1f%%.</p>\n",
             (unsigned long long)r->seed, r->cycles, r->window_s, 100 * r->limit,
             100 * r->max_window_rate, 100 * r->occupancy);
    run__put(&o, "<h2>Expectations</h2>\n");
    checks_table(&o, r);
    run__put(&o, "<h2>Over simulated time</h2>\n");
    fault_list(&o, r);
    charts(&o, r, 680);
    run__put(&o, "</body></html>\n");
    run_status st = write_file(dir, file, &o, err);
    cx_buf_free(&o.b);
    return st;
}

static run_status index_page(const char *dir, const run_result *r, int n, bool compare,
                             char (*files)[200], cx_error *err)
{
    run__out o = {.failed = 0};
    cx_buf_init(&o.b, PAGE_CAP);
    int passed = 0;
    for (int i = 0; i < n; i++)
        passed += r[i].passed;
    char title[256];
    if (compare && n > 0)
        snprintf(title, sizeof title, "%s: %d policies compared", r[0].name, n);
    else
        snprintf(title, sizeof title, "%d of %d scenarios passed", passed, n);
    head(&o, title);
    run__put(&o, "<h1>");
    run__esc(&o, title);
    run__put(&o, "</h1>\n%s", TABLE_HEAD);
    for (int pass = 0; pass < 2; pass++) /* failures first */
        for (int i = 0; i < n; i++)
            if (r[i].passed == (pass == 1))
                summary_row(&o, &r[i], files[i]);
    run__put(&o, "</table>\n");
    if (compare) {
        run__put(&o, "<h2>Side by side</h2>\n<div class=\"side\" style=\"grid-template-columns:"
                     "repeat(%d,1fr)\">\n",
                 n > 0 ? n : 1);
        int w = n <= 2 ? 640 : n == 3 ? 440 : 340;
        for (int i = 0; i < n; i++) {
            run__put(&o, "<div><h2><a href=\"%s\">", files[i]);
            run__esc(&o, r[i].policy);
            run__put(&o, "</a> <span class=\"%s\">%s</span></h2>\n",
                     r[i].passed ? "PASS" : "FAIL", r[i].passed ? "PASS" : "FAIL");
            charts(&o, &r[i], w);
            run__put(&o, "</div>\n");
        }
        run__put(&o, "</div>\n");
    }
    run__put(&o, "</body></html>\n");
    run_status st = write_file(dir, "index.html", &o, err);
    cx_buf_free(&o.b);
    return st;
}

/* Removes a report directory (files only: a report has no subdirectory). */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4096 + 256];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        (void)unlink(path);
    }
    closedir(d);
    (void)rmdir(dir);
}

/* A directory this function may replace: empty, or holding only the
 * .html files of an earlier report (never a user's other files). */
static bool replaceable(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(e->d_name);
        ok = n > 5 && strcmp(e->d_name + n - 5, ".html") == 0 && e->d_type == DT_REG;
    }
    closedir(d);
    return ok;
}

run_status run_write_report(const char *dir, const run_result *r, int n, bool compare,
                            cx_error *err)
{
    char tmp[4096], old[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", dir, (long)getpid()) >= (int)sizeof tmp ||
        snprintf(old, sizeof old, "%s.old.%ld", dir, (long)getpid()) >= (int)sizeof old)
        return cx_error_set(err, RUN_EIO, "%s: path too long", dir);
    struct stat sb;
    bool had = stat(dir, &sb) == 0;
    if (had && (!S_ISDIR(sb.st_mode) || !replaceable(dir)))
        return cx_error_set(err, RUN_EIO,
                            "%s: exists and is not a report (only an empty directory or an "
                            "earlier report's .html files are replaced)",
                            dir);
    rm_tree(tmp);
    if (mkdir(tmp, 0755) != 0)
        return cx_error_set(err, RUN_EIO, "%s: cannot create %s: %s", dir, tmp, strerror(errno));
    char (*files)[200] = calloc((size_t)(n > 0 ? n : 1), sizeof *files);
    run_status st = files ? RUN_OK : cx_error_set(err, RUN_ENOMEM, "out of memory");
    for (int i = 0; st == RUN_OK && i < n; i++) {
        page_name(&r[i], i, files[i], sizeof files[i]);
        st = result_page(tmp, &r[i], files[i], err);
    }
    if (st == RUN_OK)
        st = index_page(tmp, r, n, compare, files, err);
    free(files);
    if (st != RUN_OK) {
        rm_tree(tmp);
        return st;
    }
    /* swap: an older report moves aside, the new one takes its name */
    if (had && rename(dir, old) != 0) {
        int e = errno;
        rm_tree(tmp);
        return cx_error_set(err, RUN_EIO, "%s: cannot replace it: %s", dir, strerror(e));
    }
    if (rename(tmp, dir) != 0) {
        int e = errno;
        if (had)
            (void)rename(old, dir);
        rm_tree(tmp);
        return cx_error_set(err, RUN_EIO, "%s: %s", dir, strerror(e));
    }
    if (had)
        rm_tree(old);
    return RUN_OK;
}
