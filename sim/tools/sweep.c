/* sweep.c - `dialsim sweep`: a what-if grid over config keys, on all cores.
 *
 * Every grid point is a copy of the config with the varied keys set, checked
 * in full before anything runs (a bad point is an input error: exit 2,
 * nothing simulated). Point i runs on seeds derived from the config's seed
 * and i alone, so the CSV does not depend on the thread count, nor on the
 * number of MPI ranks (`mpirun -n N dialsim sweep`: the points are spread
 * over the ranks, rank 0 writes). The CSV is written to a temporary file
 * and renamed into place. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cx_mpi.h"
#include "cx_plot.h"
#include "cx_progress.h"
#include "dialsim.h"
#include "tools.h"

#define MAX_VARY 4
#define MAX_POINTS 100000

typedef struct vary {
    char key[128];
    double from, to, step;
    int n;
} vary;

typedef struct sweep {
    vary v[MAX_VARY];
    int nv;
    int n_points;
    sim_config *cfgs;
    sim_report **reports;
    cx_error *errs;
    cx_progress progress;
} sweep;

static int parse_vary(const char *spec, vary *v)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof v->key) {
        fprintf(stderr, "dialsim: --vary %s: expected KEY=FROM:TO:STEP\n", spec);
        return -1;
    }
    memcpy(v->key, spec, (size_t)(eq - spec));
    v->key[eq - spec] = '\0';
    char *end;
    const char *p = eq + 1;
    v->from = strtod(p, &end);
    if (end == p || *end != ':')
        goto bad;
    p = end + 1;
    v->to = strtod(p, &end);
    if (end == p || *end != ':')
        goto bad;
    p = end + 1;
    v->step = strtod(p, &end);
    if (end == p || *end || !isfinite(v->from) || !isfinite(v->to) || !(v->step != 0) ||
        (v->to - v->from) / v->step < -1e-9)
        goto bad;
    v->n = (int)floor((v->to - v->from) / v->step + 1e-9) + 1;
    if (v->n < 1 || v->n > MAX_POINTS)
        goto bad;
    return 0;
bad:
    fprintf(stderr,
            "dialsim: --vary %s: expected KEY=FROM:TO:STEP with a STEP that goes from FROM to TO\n",
            spec);
    return -1;
}

static double value_at(const vary *v, int i) { return v->from + i * v->step; }

/* Sets the number at dotted `key` in root, creating objects on the way. */
static int set_path(cJSON *root, const char *key, double value, char *why, size_t n)
{
    char buf[128];
    cx_copy(buf, sizeof buf, key);
    cJSON *node = root;
    char *save = NULL;
    char *part = strtok_r(buf, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, part);
        if (!next) {
            cJSON *num = cJSON_CreateNumber(value);
            if (!num)
                return snprintf(why, n, "out of memory"), -1;
            if (child)
                cJSON_ReplaceItemInObjectCaseSensitive(node, part, num);
            else
                cJSON_AddItemToObject(node, part, num);
            return 0;
        }
        if (!child) {
            child = cJSON_AddObjectToObject(node, part);
            if (!child)
                return snprintf(why, n, "out of memory"), -1;
        } else if (!cJSON_IsObject(child)) {
            snprintf(why, n, "%s: \"%s\" is not an object", key, part);
            return -1;
        }
        node = child;
        part = next;
    }
    snprintf(why, n, "empty key");
    return -1;
}

static void point_values(const sweep *s, int idx, double *vals)
{
    for (int k = 0; k < s->nv; k++) {
        vals[k] = value_at(&s->v[k], idx % s->v[k].n);
        idx /= s->v[k].n;
    }
}

/* Grid point i: its own seeds (set when the grid was built), its own slot. */
static void run_point(void *ctx, size_t i)
{
    sweep *s = ctx;
    sim_run(&s->cfgs[i], 1, &s->reports[i], &s->errs[i]);
}

static void point_done(void *ctx, size_t i)
{
    (void)i;
    cx_progress_step(&((sweep *)ctx)->progress, NULL);
}

/* A point's result for another process: the report (or NULL and the
 * error), as its struct's bytes. A sweep keeps no series (intervalMinutes
 * is 0) and the interval method is one of two names, so no pointer travels. */
static int pack_point(void *ctx, size_t i, cx_buf *out)
{
    const sweep *s = ctx;
    unsigned char ok = s->reports[i] != NULL;
    if (cx_buf_append(out, &ok, 1))
        return -1;
    if (!ok)
        return cx_buf_append(out, &s->errs[i], sizeof s->errs[i]);
    sim_report r = *s->reports[i];
    unsigned char batch = r.ci_method && strcmp(r.ci_method, "batch means") == 0;
    r.ci_method = NULL;
    r.series = NULL;
    r.n_series = 0;
    return cx_buf_append(out, &batch, 1) || cx_buf_append(out, &r, sizeof r) ? -1 : 0;
}

static int unpack_point(void *ctx, size_t i, const void *data, size_t len, cx_error *err)
{
    sweep *s = ctx;
    const unsigned char *p = data;
    if (len == 1 + sizeof(cx_error) && p[0] == 0) {
        memcpy(&s->errs[i], p + 1, sizeof s->errs[i]);
        s->errs[i].msg[CX_ERROR_MAX - 1] = '\0';
        return 0;
    }
    if (len != 2 + sizeof(sim_report) || p[0] != 1)
        return cx_error_set(err, 1, "a sweep point of %zu bytes, not a report", len);
    sim_report *r = malloc(sizeof *r);
    if (!r)
        return cx_error_set(err, 1, "out of memory");
    memcpy(r, p + 2, sizeof *r);
    r->ci_method = p[1] ? "batch means" : "replications";
    s->reports[i] = r;
    return 0;
}

/* A rate's interval bound as the CSV keeps it: in [0, 1]. The t interval
 * of a mean near 0 (a small abandon rate over few replications) can reach
 * below 0, which no rate can; the clipped bound is the one written and
 * plotted. The interval is symmetric, so the unclipped lower bound is
 * 2 * mean - hi (sim/README.md, "The sweep's CSV"). */
static double rate_bound(double x) { return fmin(1.0, fmax(0.0, x)); }

static int write_csv(const sweep *s, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "dialsim: %s: cannot write\n", path);
        return -1;
    }
    for (int k = 0; k < s->nv; k++)
        fprintf(f, "%s,", s->v[k].key);
    fputs("abandonRate,abandonRateLo,abandonRateHi,occupancy,occupancyLo,occupancyHi,"
          "waitedFraction,connectsPerAgentHour,attempts,liveAnswers,abandoned,"
          "observedAbandonRate,observedAbandonRateLo,observedAbandonRateHi\n",
          f);
    double vals[MAX_VARY];
    for (int i = 0; i < s->n_points; i++) {
        const sim_report *r = s->reports[i];
        point_values(s, i, vals);
        for (int k = 0; k < s->nv; k++)
            fprintf(f, "%.10g,", vals[k]);
        fprintf(f, "%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,%.3f,%.3f,%.3f,%.6f,%.6f,%.6f\n",
                r->abandon_rate.mean, rate_bound(r->abandon_rate.lo),
                rate_bound(r->abandon_rate.hi), r->occupancy.mean, rate_bound(r->occupancy.lo),
                rate_bound(r->occupancy.hi), r->waited_fraction.mean,
                r->connects_per_agent_hour.mean, r->attempts.mean, r->live_answers.mean,
                r->abandoned.mean, r->observed_abandon_rate.mean,
                rate_bound(r->observed_abandon_rate.lo), rate_bound(r->observed_abandon_rate.hi));
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        fprintf(stderr, "dialsim: %s: cannot write\n", path);
        return -1;
    }
    return 0;
}

/* Plots abandon rate (the truth, with its interval), the ACD's abandon rate
 * (dotted) and occupancy against the first key, one group per combination
 * of the other keys; a sweep of dialer.abandonRate also draws the setting
 * (the diagonal the ACD's rate should follow). Abandon rates are drawn in
 * blues on the left axis, occupancy in greens on the right, so the two read
 * apart at a glance; the legend sits below the plot, outside the data. The
 * plot reads the CSV just written (`csv`), so it draws what the CSV says,
 * intervals clipped at 0 included: group k is the CSV's rows k * n0 to
 * k * n0 + n0 - 1, n0 the first key's count (it varies fastest). */
static int plot(const sweep *s, const char *csv, const char *out, double limit)
{
    static const char *const blues[] = {"#1f4e9a", "#3b82c4", "#0b2e66", "#6aa6d9", "#264b7a",
                                        "#89b7e5"};
    static const char *const greens[] = {"#2e8b3a", "#5cb85c", "#14591f", "#8fd18f",
                                         "#3f7a3f", "#a8e0a0"};
    /* the CSV's columns (1-based): the keys, then write_csv's */
    int c = s->nv, rate = c + 1, occ = c + 4, obs = c + 12;
    int group = s->v[0].n, groups = s->n_points / group;
    cx_plot p;
    cx_plot_init(&p, "dialsim", out);
    FILE *g = cx_plot_start(&p, 900, 560);
    if (!g)
        return -1;
    fprintf(g, "set datafile separator ','\n");
    fprintf(g, "set title 'dialsim sweep: abandon rate, the truth and the ACD''s (blue, "
               "left), and occupancy (green, right)'\n");
    fprintf(g, "set xlabel '%s'\n", s->v[0].key);
    fprintf(g, "set ylabel 'abandon rate (%%), 95%% interval' tc rgb '%s'\n", blues[0]);
    fprintf(g, "set y2label 'occupancy (%%)' tc rgb '%s'\nset y2tics\nset ytics nomirror\n",
            greens[0]);
    /* room below for the x label and the legend's rows (two entries a row) */
    bool setting = strcmp(s->v[0].key, "dialer.abandonRate") == 0;
    int entries = 3 * groups + setting;
    fprintf(g, "set grid\nset key outside below center horizontal box\nset bmargin %d\n",
            4 + (entries + 1) / 2);
    fprintf(g, "set yrange [0:*]\nset y2range [0:100]\nset offsets graph 0.02, graph 0.02, 0, 0\n");
    fprintf(g, "set arrow from graph 0, first %g to graph 1, first %g nohead lw 2 lc rgb 'red'\n",
            100 * limit, 100 * limit);
    fprintf(g, "set label 'limit %g%%' at graph 0.01, first %g offset 0,0.6 tc rgb 'red'\n",
            100 * limit, 100 * limit);
    fputs("plot ", g);
    if (setting)
        fputs("100 * x with lines lw 6 lc rgb '#c8c8c8' title 'the setting', ", g);
    double vals[MAX_VARY];
    for (int k = 0; k < groups; k++) {
        char title[256] = "", rows[64];
        point_values(s, k * group, vals);
        size_t used = 0;
        for (int v = 1; v < s->nv; v++)
            used += (size_t)snprintf(title + used, sizeof title - used, "%s%s=%g",
                                     used ? " " : "", s->v[v].key, vals[v]);
        snprintf(rows, sizeof rows, "skip 1 every ::%d::%d", k * group, k * group + group - 1);
        const char *sep = used ? " " : "";
        fprintf(g,
                "'%s' %s using 1:(100*$%d):(100*$%d):(100*$%d) with yerrorlines lw 2 pt 7 "
                "lc rgb '%s' title 'abandon rate%s%s', "
                "'%s' %s using 1:(100*$%d):(100*$%d):(100*$%d) with yerrorlines lw 2 pt 6 dt 3 "
                "lc rgb '%s' title 'the ACD''s abandon rate%s%s', "
                "'%s' %s using 1:(100*$%d) axes x1y2 with linespoints lw 2 pt 5 dt 2 "
                "lc rgb '%s' title 'occupancy%s%s'%s",
                csv, rows, rate, rate + 1, rate + 2, blues[k % 6], sep, title, csv, rows, obs,
                obs + 1, obs + 2, blues[(k + 1) % 6], sep, title, csv, rows, occ, greens[k % 6],
                sep, title, k + 1 < groups ? ", " : "\n");
    }
    return cx_plot_end(&p);
}

/* Whether a and b are the same existing file (a missing b is not). */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int dialsim_sweep(int argc, char **argv, cx_mpi *mpi)
{
    sweep s;
    memset(&s, 0, sizeof s);
    const char *path = NULL, *out = NULL, *plot_out = NULL;
    double reps = 0, threads = dialsim_threads(), limit = 0.03;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = true;
        } else if (strcmp(argv[i], "--vary") == 0 && i + 1 < argc) {
            if (s.nv == MAX_VARY) {
                fprintf(stderr, "dialsim: at most %d --vary keys\n", MAX_VARY);
                return 2;
            }
            if (parse_vary(argv[++i], &s.v[s.nv++]))
                return 2;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--plot") == 0 && i + 1 < argc) {
            plot_out = argv[++i];
        } else if (strcmp(argv[i], "--replications") == 0 && i + 1 < argc) {
            if (dialsim_number("--replications", argv[++i], 1, 100000, &reps))
                return 2;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (dialsim_number("--threads", argv[++i], 1, 64, &threads))
                return 2;
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (dialsim_number("--limit", argv[++i], 0, 1, &limit))
                return 2;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "dialsim: sweep: unknown option %s (or it lacks its value)\n",
                    argv[i]);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "dialsim: sweep: one config file only\n");
            return 2;
        }
    }
    if (!path || !out || s.nv == 0) {
        fprintf(stderr, "dialsim: sweep needs CONFIG.json, --vary KEY=FROM:TO:STEP and --out "
                        "FILE.csv\n");
        return 2;
    }
    if (plot_out) {
        const char *ext = strrchr(plot_out, '.');
        if (!ext || (strcmp(ext, ".svg") != 0 && strcmp(ext, ".png") != 0)) {
            fprintf(stderr, "dialsim: --plot %s: the file must end in .svg or .png\n", plot_out);
            return 2;
        }
    }
    if (same_file(path, out) || (plot_out && same_file(path, plot_out))) {
        fprintf(stderr, "dialsim: sweep: %s %s is the config file itself: it would be "
                        "overwritten; write the results elsewhere\n",
                same_file(path, out) ? "--out" : "--plot",
                same_file(path, out) ? out : plot_out);
        return 2;
    }
    if (plot_out && strcmp(plot_out, out) == 0) {
        fprintf(stderr, "dialsim: sweep: --out and --plot name the same file %s\n", out);
        return 2;
    }
    long n = 1;
    for (int k = 0; k < s.nv; k++) {
        n *= s.v[k].n;
        if (n > MAX_POINTS) {
            fprintf(stderr, "dialsim: the grid has more than %d points\n", MAX_POINTS);
            return 2;
        }
    }
    s.n_points = (int)n;
    cx_error err = {0};
    cJSON *root = cx_json_load_file(path, &err);
    if (!root) {
        fprintf(stderr, "dialsim: %s\n", err.msg);
        return 2;
    }
    s.cfgs = calloc((size_t)n, sizeof *s.cfgs);
    s.reports = calloc((size_t)n, sizeof *s.reports);
    s.errs = calloc((size_t)n, sizeof *s.errs);
    int rc = 0, parsed = 0;
    if (!s.cfgs || !s.reports || !s.errs) {
        fprintf(stderr, "dialsim: out of memory\n");
        rc = 1;
        goto out;
    }
    double vals[MAX_VARY];
    for (; parsed < s.n_points; parsed++) {
        point_values(&s, parsed, vals);
        char where[512] = "";
        size_t used = 0;
        for (int k = 0; k < s.nv; k++)
            used += (size_t)snprintf(where + used, sizeof where - used, "%s%s=%g",
                                     k ? ", " : "", s.v[k].key, vals[k]);
        cJSON *copy = cJSON_Duplicate(root, 1);
        char why[256];
        int bad = !copy;
        for (int k = 0; !bad && k < s.nv; k++)
            bad = set_path(copy, s.v[k].key, vals[k], why, sizeof why) != 0;
        if (bad) {
            fprintf(stderr, "dialsim: sweep point %s: %s\n", where, copy ? why : "out of memory");
            cJSON_Delete(copy);
            rc = 2;
            goto out;
        }
        sim_status st = sim_config_parse(copy, path, &s.cfgs[parsed], &err);
        cJSON_Delete(copy);
        if (st != SIM_OK) {
            fprintf(stderr, "dialsim: sweep point %s: %s\n", where, err.msg);
            sim_config_free(&s.cfgs[parsed]);
            rc = 2;
            goto out;
        }
        s.cfgs[parsed].seed = (s.cfgs[parsed].seed * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)parsed;
        s.cfgs[parsed].interval_minutes = 0;
        if (reps > 0)
            s.cfgs[parsed].replications = (int)reps;
    }
    /* under MPI rank 0 runs a share only: its count would mislead */
    cx_progress_start(&s.progress, "dialsim sweep", s.n_points, quiet || cx_mpi_size(mpi) > 1);
    cx_map_job job = {.n = (size_t)s.n_points, .threads = (int)threads, .ctx = &s,
                      .run = run_point, .done = point_done, .pack = pack_point,
                      .unpack = unpack_point};
    int mst = cx_map_run(cx_mpi_backend(mpi), &job, &err);
    cx_progress_end(&s.progress);
    if (mst != CX_MAP_OK) {
        fprintf(stderr, "dialsim: sweep: %s\n", err.msg);
        rc = 1;
        goto out;
    }
    if (!cx_mpi_root(mpi)) /* rank 0 writes what the job found */
        goto out;
    for (int i = 0; i < s.n_points; i++)
        if (!s.reports[i]) {
            fprintf(stderr, "dialsim: sweep point %d: %s\n", i, s.errs[i].msg);
            rc = 1;
            goto out;
        }
    if (write_csv(&s, out) != 0) {
        rc = 1;
        goto out;
    }
    int reps_each = s.cfgs[0].replications;
    char ranks[64];
    snprintf(ranks, sizeof ranks, ", spread over %d MPI ranks", cx_mpi_size(mpi));
    if (!quiet)
        printf("dialsim: wrote %s: %d point%s x %d replication%s, %g simulated hours each%s\n",
               out, s.n_points, s.n_points == 1 ? "" : "s", reps_each,
               reps_each == 1 ? "" : "s", s.cfgs[0].hours,
               cx_mpi_size(mpi) > 1 ? ranks : "");
    if (plot_out) {
        if (plot(&s, out, plot_out, limit) != 0) {
            rc = 1;
            goto out;
        }
        if (!quiet)
            printf("dialsim: wrote %s: abandon rate and occupancy against %s\n", plot_out,
                   s.v[0].key);
    }
out:
    for (int i = 0; i < parsed && s.cfgs; i++)
        sim_config_free(&s.cfgs[i]);
    for (int i = 0; s.reports && i < s.n_points; i++)
        sim_report_destroy(s.reports[i]);
    free(s.cfgs);
    free(s.reports);
    free(s.errs);
    cJSON_Delete(root);
    return rc;
}
