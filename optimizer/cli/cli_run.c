/* cli_run.c - `cxopt run` and `cxopt compare`: scenarios against the
 * embedded mock. Scenarios run in parallel (one thread each, up to --jobs);
 * each owns its server, optimizer and clock, so results do not depend on
 * the order or the thread count (only wall latencies do). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cx_mpi.h"
#include "cx_plot.h"
#include "cx_progress.h"
#include "cxrun.h"

typedef struct job {
    const run_scenario *s;
    run_options o;
    run_result r;
    run_status st;
    cx_error err;
} job;

typedef struct pool {
    job *jobs;
    cx_progress progress;
} pool;

/* Job i: its scenario, policy and seed offset are its own, so it depends on
 * nothing but its index. */
static void run_job(void *ctx, size_t i)
{
    job *j = &((pool *)ctx)->jobs[i];
    j->st = run_scenario_run(j->s, &j->o, &j->r, &j->err);
}

static void job_done(void *ctx, size_t i)
{
    pool *p = ctx;
    const job *j = &p->jobs[i];
    char what[200];
    snprintf(what, sizeof what, "last: %s (%s)", run_scenario_name(j->s),
             j->o.policy ? j->o.policy : run_scenario_policy(j->s));
    cx_progress_step(&p->progress, what);
}

/* A job's outcome for another MPI rank: status, error, the result's struct
 * (its one pointer, the samples, cleared) and then the samples. */
static int pack_job(void *ctx, size_t i, cx_buf *out)
{
    const job *j = &((pool *)ctx)->jobs[i];
    run_result r = j->r;
    r.samples = NULL;
    int n = j->st == RUN_OK && j->r.samples ? j->r.n_samples : 0;
    return cx_buf_append(out, &j->st, sizeof j->st) ||
                   cx_buf_append(out, &j->err, sizeof j->err) ||
                   cx_buf_append(out, &r, sizeof r) ||
                   (n && cx_buf_append(out, j->r.samples, (size_t)n * sizeof *j->r.samples))
               ? -1
               : 0;
}

static int unpack_job(void *ctx, size_t i, const void *data, size_t len, cx_error *err)
{
    job *j = &((pool *)ctx)->jobs[i];
    const char *p = data;
    size_t head = sizeof j->st + sizeof j->err + sizeof j->r;
    if (len < head || (len - head) % sizeof(run_sample) != 0)
        return cx_error_set(err, RUN_EFAIL, "a scenario result of %zu bytes", len);
    memcpy(&j->st, p, sizeof j->st);
    memcpy(&j->err, p + sizeof j->st, sizeof j->err);
    j->err.msg[CX_ERROR_MAX - 1] = '\0';
    memcpy(&j->r, p + sizeof j->st + sizeof j->err, sizeof j->r);
    size_t n = (len - head) / sizeof(run_sample);
    j->r.samples = NULL;
    j->r.n_samples = (int)n;
    if (n) {
        j->r.samples = malloc(n * sizeof *j->r.samples);
        if (!j->r.samples) {
            j->r.n_samples = 0;
            return cx_error_set(err, RUN_ENOMEM, "out of memory");
        }
        memcpy(j->r.samples, p + head, n * sizeof *j->r.samples);
    }
    return 0;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the jobs on the parallel map: up to `threads` threads, and under
 * mpirun spread over the ranks too (rank 0 gathers every result), with a
 * progress line on a terminal unless quiet. Returns 0, or -1 having said
 * why the map could not run. */
static int run_all(const cli_args *a, job *jobs, int n, int threads, const char *label)
{
    pool p = {.jobs = jobs};
    /* under MPI rank 0 runs a share only: its count would mislead */
    cx_progress_start(&p.progress, label, n, a->quiet || cx_mpi_size(a->mpi) > 1);
    cx_map_job mj = {.n = (size_t)n, .threads = threads, .ctx = &p, .run = run_job,
                     .done = job_done, .pack = pack_job, .unpack = unpack_job};
    cx_error err = {0};
    int st = cx_map_run(cx_mpi_backend(a->mpi), &mj, &err);
    cx_progress_end(&p.progress);
    if (st != CX_MAP_OK) {
        cli_error("%s: %s", label, err.msg);
        return -1;
    }
    return 0;
}

static int jobs_or_cpus(const cli_args *a)
{
    if (a->jobs > 0)
        return a->jobs;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

/* Loads every scenario; on any error prints it and returns NULL. */
static run_scenario **load_all(char **files, int *n_out)
{
    int n = 0;
    while (files[n])
        n++;
    run_scenario **list = calloc((size_t)n + 1, sizeof *list);
    if (!list)
        return NULL;
    for (int i = 0; i < n; i++) {
        cx_error err = {0};
        if (run_scenario_load(files[i], &list[i], &err) != RUN_OK) {
            cli_error("%s", err.msg);
            for (int k = 0; k < i; k++)
                run_scenario_destroy(list[k]);
            free(list);
            return NULL;
        }
    }
    *n_out = n;
    return list;
}

/* The directory part of `path` exists ("." when there is none). */
static bool dir_of_exists(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return true;
    char dir[4096];
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return false;
    memcpy(dir, path, n);
    dir[n] = '\0';
    struct stat sb;
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The options every run and compare share, checked before any work. */
static int check_outputs(const cli_args *a)
{
    struct stat sb;
    if (a->audit_dir && (stat(a->audit_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        cli_error("--audit-dir %s: no such directory (create it first)", a->audit_dir);
        return -1;
    }
    if (a->junit && !dir_of_exists(a->junit)) {
        cli_error("--junit %s: its directory does not exist", a->junit);
        return -1;
    }
    if (a->report) {
        size_t len = strlen(a->report);
        char parent[4096];
        if (len == 0 || len + 2 > sizeof parent) {
            cli_error("--report: expected a directory path");
            return -1;
        }
        /* the report's parent must exist: "DIR/" and "DIR" name the same */
        memcpy(parent, a->report, len + 1);
        while (len > 1 && parent[len - 1] == '/')
            parent[--len] = '\0';
        if (!dir_of_exists(parent)) {
            cli_error("--report %s: its parent directory does not exist", a->report);
            return -1;
        }
        if (stat(parent, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
            cli_error("--report %s: exists and is not a directory", a->report);
            return -1;
        }
    }
    if (a->plot) {
        const char *ext = strrchr(a->plot, '.');
        if (!ext || (strcmp(ext, ".svg") != 0 && strcmp(ext, ".png") != 0)) {
            cli_error("--plot %s: the file must end in .svg or .png", a->plot);
            return -1;
        }
        if (!dir_of_exists(a->plot)) {
            cli_error("--plot %s: its directory does not exist", a->plot);
            return -1;
        }
    }
    return 0;
}

/* A policy name given on the command line, checked once for all the
 * scenarios (what each scenario must give it is check_jobs' part). */
static int check_policy_name(const char *flag, const char *name)
{
    cx_error e = {0};
    if (run_policy_name_check(name, &e) == RUN_OK)
        return 0;
    cli_error("%s %s: %s", flag, name, e.msg);
    return -1;
}

/* Each job's policy and profile, checked before any runs: a bad one is a
 * usage error, said once per scenario and policy. */
static int check_jobs(const job *jobs, int n, int stride)
{
    int bad = 0;
    for (int i = 0; i < n; i += stride) {
        cx_error e = {0};
        if (run_options_check(jobs[i].s, &jobs[i].o, &e) != RUN_OK) {
            cli_error("%s", e.msg);
            bad++;
        }
    }
    return bad ? -1 : 0;
}

int cli_run(cli_args *a)
{
    if (a->n_operands == 0) {
        cli_error("run needs scenario files or directories (see cxopt --help)");
        return EXIT_USAGE;
    }
    if (check_outputs(a) != 0 || (a->policy && check_policy_name("--policy", a->policy) != 0))
        return EXIT_USAGE;
    cx_error err = {0};
    char **files = run_list_files(a->operands, a->n_operands, &err);
    if (!files) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    int n = 0;
    run_scenario **sc = load_all(files, &n);
    run_free_list(files);
    if (!sc)
        return EXIT_USAGE;
    job *jobs = calloc((size_t)n, sizeof *jobs);
    run_result *res = calloc((size_t)n, sizeof *res);
    int rc = EXIT_OK;
    if (!jobs || !res) {
        cli_error("out of memory");
        rc = EXIT_FAILED;
        goto out;
    }
    for (int i = 0; i < n; i++)
        jobs[i] = (job){.s = sc[i],
                        .o = {.policy = a->policy,
                              .profile = a->profile_given,
                              .audit_dir = a->audit_dir,
                              .real_time = a->real_time,
                              .model = a->model}};
    if (check_jobs(jobs, n, 1) != 0) {
        rc = EXIT_USAGE;
        goto out;
    }
    /* a shard: the K-th of N contiguous blocks of the sorted list, so the
     * shards' reports, joined in shard order, are the whole run's */
    int lo = 0, hi = n;
    if (a->shard_n > 0) {
        lo = (int)((long long)(a->shard_k - 1) * n / a->shard_n);
        hi = (int)((long long)a->shard_k * n / a->shard_n);
    }
    double wall0 = wall_now();
    int threads = jobs_or_cpus(a) < hi - lo ? jobs_or_cpus(a) : hi - lo;
    if (run_all(a, jobs + lo, hi - lo, threads, "cxopt run") != 0) {
        rc = EXIT_FAILED;
        goto out;
    }
    double wall = wall_now() - wall0;
    if (!cx_mpi_root(a->mpi)) /* rank 0 reports for the job */
        goto out;
    int ran = 0;
    for (int i = lo; i < hi; i++) {
        if (jobs[i].st != RUN_OK) {
            cli_error("%s", jobs[i].err.msg);
            rc = EXIT_FAILED;
            continue;
        }
        res[ran++] = jobs[i].r;
        if (!jobs[i].r.passed)
            rc = EXIT_FAILED;
    }
    if (a->json) {
        cJSON *arr = cJSON_CreateArray();
        for (int i = 0; arr && i < ran; i++)
            cJSON_AddItemToArray(arr, run_result_to_json(&res[i]));
        char *s = arr ? cJSON_Print(arr) : NULL;
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(arr);
    } else {
        cx_buf b;
        cx_buf_init(&b, 1u << 22);
        if (run_format_table(res, ran, &b) == 0 && b.data)
            fputs(b.data, stdout);
        cx_buf_free(&b);
        int passed = 0;
        double runs = 0;
        for (int i = 0; i < ran; i++) {
            passed += res[i].passed;
            runs += res[i].wall_s;
        }
        char where[64] = "";
        if (a->shard_n > 0)
            snprintf(where, sizeof where, " (shard %d/%d of %d)", a->shard_k, a->shard_n, n);
        char ranks[48] = "";
        if (cx_mpi_size(a->mpi) > 1)
            snprintf(ranks, sizeof ranks, " on each of %d MPI ranks", cx_mpi_size(a->mpi));
        printf("%d of %d scenarios%s passed in %.1f s (wall clock; the runs took %.1f s in all, "
               "%d at a time%s)\n",
               passed, hi - lo, where, wall, runs, threads, ranks);
    }
    if (a->junit && run_write_junit(a->junit, res, ran, &err) != RUN_OK) {
        cli_error("%s", err.msg);
        rc = EXIT_FAILED;
    }
    if (a->report) {
        if (run_write_report(a->report, res, ran, false, &err) != RUN_OK) {
            cli_error("--report: %s", err.msg);
            rc = EXIT_FAILED;
        } else if (!a->json) {
            printf("wrote %s/index.html\n", a->report);
        }
    }
out:
    for (int i = 0; jobs && i < n; i++)
        run_result_free(&jobs[i].r);
    free(jobs);
    free(res);
    for (int i = 0; i < n; i++)
        run_scenario_destroy(sc[i]);
    free(sc);
    return rc;
}

/* ------------------------------------------------------------- compare */

static int split_policies(const char *list, char names[8][32])
{
    int n = 0;
    const char *p = list;
    while (*p && n < 8) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= 32)
            return -1;
        memcpy(names[n], p, len);
        names[n++][len] = '\0';
        p += len;
        if (*p == ',')
            p++;
    }
    return *p ? -1 : n;
}

static int plot(const char *path, const run_result *first[8], int np)
{
    cx_plot p; /* path ends in .svg or .png: check_outputs */
    cx_plot_init(&p, "cxopt", path);
    FILE *d = cx_plot_data(&p);
    if (!d)
        return -1;
    const char *data = p.data;
    for (int k = 0; k < np; k++) {
        for (int i = 0; i < first[k]->n_samples; i++) {
            const run_sample *s = &first[k]->samples[i];
            fprintf(d, "%.6f %.6f %.6f %.6f\n", s->hours, 100 * s->window_rate,
                    100 * s->period_occupancy, s->answer_rate);
        }
        fputs("\n\n", d);
    }
    FILE *g = cx_plot_start(&p, 1000, 700);
    if (!g)
        return -1;
    fprintf(g, "set multiplot layout 2,1 title '%s: policies compared'\n", first[0]->name);
    fprintf(g, "set grid\nset key outside right\nset xlabel 'simulated hours'\n");
    fprintf(g, "set ylabel 'window abandon rate (%%)'\nset yrange [0:*]\n");
    fprintf(g, "set arrow 1 from graph 0, first 3 to graph 1, first 3 nohead lw 2 lc rgb 'red'\n");
    fputs("plot ", g);
    for (int k = 0; k < np; k++)
        fprintf(g, "'%s' index %d using 1:2 with lines lw 2 title '%s'%s", data, k,
                first[k]->policy, k + 1 < np ? ", " : "\n");
    fprintf(g, "unset arrow 1\nset ylabel 'occupancy, last period (%%)'\nset yrange [0:100]\n");
    fputs("plot ", g);
    for (int k = 0; k < np; k++)
        fprintf(g, "'%s' index %d using 1:3 with lines lw 2 title '%s'%s", data, k,
                first[k]->policy, k + 1 < np ? ", " : "\n");
    fputs("unset multiplot\n", g);
    return cx_plot_end(&p);
}

int cli_compare(cli_args *a)
{
    if (a->n_operands != 1) {
        cli_error("compare takes one scenario file (see cxopt --help)");
        return EXIT_USAGE;
    }
    char names[8][32];
    int np = split_policies(a->policies ? a->policies : "static,adaptive,vicidial,oracle", names);
    if (np <= 0) {
        cli_error("--policies: expected a comma-separated list of up to 8 policy names");
        return EXIT_USAGE;
    }
    if (check_outputs(a) != 0)
        return EXIT_USAGE;
    for (int k = 0; k < np; k++)
        if (check_policy_name("--policies", names[k]) != 0)
            return EXIT_USAGE;
    int seeds = a->seeds > 0 ? a->seeds : 1;
    cx_error err = {0};
    run_scenario *s = NULL;
    if (run_scenario_load(a->operands[0], &s, &err) != RUN_OK) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    int n = np * seeds;
    job *jobs = calloc((size_t)n, sizeof *jobs);
    if (!jobs) {
        run_scenario_destroy(s);
        return EXIT_FAILED;
    }
    for (int k = 0; k < np; k++)
        for (int i = 0; i < seeds; i++)
            jobs[k * seeds + i] = (job){.s = s,
                                        .o = {.policy = names[k],
                                              .profile = a->profile_given,
                                              .seed_offset = (uint64_t)i,
                                              .audit_dir = a->audit_dir,
                                              .real_time = a->real_time,
                                              .model = a->model}};
    if (check_jobs(jobs, n, seeds) != 0) {
        free(jobs);
        run_scenario_destroy(s);
        return EXIT_USAGE;
    }
    if (run_all(a, jobs, n, jobs_or_cpus(a), "cxopt compare") != 0 || !cx_mpi_root(a->mpi)) {
        /* rank 0 reports for the job; another rank is done */
        int mine = cx_mpi_root(a->mpi) ? EXIT_FAILED : EXIT_OK;
        for (int i = 0; i < n; i++)
            run_result_free(&jobs[i].r);
        free(jobs);
        run_scenario_destroy(s);
        return mine;
    }
    int rc = EXIT_OK;
    for (int i = 0; i < n; i++)
        if (jobs[i].st != RUN_OK) {
            cli_error("%s (%s, seed +%d)", jobs[i].err.msg, names[i / seeds], i % seeds);
            rc = EXIT_FAILED;
        }
    if (rc == EXIT_OK) {
        if (a->json) {
            cJSON *arr = cJSON_CreateArray();
            for (int i = 0; arr && i < n; i++)
                cJSON_AddItemToArray(arr, run_result_to_json(&jobs[i].r));
            char *txt = arr ? cJSON_Print(arr) : NULL;
            if (txt)
                puts(txt);
            free(txt);
            cJSON_Delete(arr);
        } else {
            printf("%s: %d seed%s per policy (worst window: the highest regulatory-window "
                   "abandon rate seen)\n",
                   run_scenario_name(s), seeds, seeds == 1 ? "" : "s");
            printf("%-10s %12s %12s %12s %12s %9s %8s\n", "policy", "worst win %",
                   "mean final %", "mean occup %", "min occup %", "applied", "passed");
            for (int k = 0; k < np; k++) {
                double worst = 0, fin = 0, occ = 0, occ_min = 1;
                int applied = 0, passed = 0;
                for (int i = 0; i < seeds; i++) {
                    const run_result *r = &jobs[k * seeds + i].r;
                    worst = r->max_window_rate > worst ? r->max_window_rate : worst;
                    fin += r->final_window_rate / seeds;
                    occ += r->occupancy / seeds;
                    occ_min = r->occupancy < occ_min ? r->occupancy : occ_min;
                    applied += r->applied;
                    passed += r->passed;
                }
                printf("%-10s %12.2f %12.2f %12.1f %12.1f %9.1f %5d/%-2d\n", names[k],
                       100 * worst, 100 * fin, 100 * occ, 100 * occ_min,
                       (double)applied / seeds, passed, seeds);
            }
        }
        if (a->plot) {
            const run_result *first[8];
            for (int k = 0; k < np; k++)
                first[k] = &jobs[k * seeds].r;
            if (plot(a->plot, first, np) != 0)
                rc = EXIT_FAILED;
            else if (!a->json)
                printf("wrote %s: window abandon rate and occupancy over simulated time, one "
                       "line per policy (its first seed)\n",
                       a->plot);
        }
    }
    if (rc == EXIT_OK && a->report) {
        run_result *first = calloc((size_t)np, sizeof *first);
        for (int k = 0; first && k < np; k++)
            first[k] = jobs[k * seeds].r; /* shallow: the jobs keep ownership */
        if (!first || run_write_report(a->report, first, np, true, &err) != RUN_OK) {
            cli_error("--report: %s", first ? err.msg : "out of memory");
            rc = EXIT_FAILED;
        } else if (!a->json) {
            printf("wrote %s/index.html: the policies side by side (each its first seed)\n",
                   a->report);
        }
        free(first);
    }
    for (int i = 0; i < n; i++)
        run_result_free(&jobs[i].r);
    free(jobs);
    run_scenario_destroy(s);
    return rc;
}
