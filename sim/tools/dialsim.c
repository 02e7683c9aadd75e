/* dialsim - simulate a predictive dialer and its agents.
 *
 *   dialsim [run] CONFIG.json [--json] [--threads N]
 *   dialsim erlang AGENTS ERLANGS [--handle S] [--patience S]
 *   dialsim sweep CONFIG.json --vary KEY=FROM:TO:STEP ... --out FILE.csv
 *                 [--replications R] [--plot FILE.svg|.png] [--limit X]
 *
 * Exit status: 0 done, 1 the simulation failed, 2 bad input (nothing was
 * simulated). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_mpi.h"
#include "dialsim.h"
#include "tools.h"

static const char usage[] =
    "usage: dialsim [run] CONFIG.json [--json] [--threads N] [--records FILE.csv]\n"
    "                     [--model MODEL.json]\n"
    "       dialsim fit RECORDS.csv... --out MODEL.json [--columns MAP.json]\n"
    "                     [--report FILE.json] [--json] [--plot FILE.svg|FILE.png]\n"
    "       dialsim erlang AGENTS ERLANGS [--handle SECONDS] [--patience SECONDS]\n"
    "       dialsim sweep CONFIG.json --vary KEY=FROM:TO:STEP [--vary ...] --out FILE.csv\n"
    "                     [--replications R] [--plot FILE.svg|FILE.png] [--limit X]\n"
    "                     [--threads N] [--quiet]\n"
    "\n"
    "run     simulates the campaign and dialer of CONFIG.json (keys: campaign, dialer,\n"
    "        hours, discardHours, seed, replications, intervalMinutes; see sim/README.md)\n"
    "        and prints a table, or with --json one JSON object. Same seed, same output.\n"
    "        --records writes one CSV row per dial attempt (sim/README.md); --model\n"
    "        takes the campaign from a model file (as dialsim fit writes).\n"
    "fit     fits a campaign model to call records (outcome shares per hour, ring,\n"
    "        talk and wrap by maximum likelihood, patience, AMD, agents) and prints\n"
    "        a table of the estimates with their 95% intervals (--json: the report as\n"
    "        JSON on stdout; --report writes it to a file); --plot\n"
    "        draws the fitted against the empirical CDFs and the hourly curve.\n"
    "erlang  prints the queueing theory the simulator is checked against: Erlang B,\n"
    "        Erlang C, and with --handle the loss with a fixed patience (default 2 s).\n"
    "sweep   runs a grid of what-if variations on all cores (KEY is a dotted path into\n"
    "        the config, e.g. dialer.maxConcurrentCalls or campaign.agents), writes a CSV\n"
    "        and optionally plots abandon rate (with its 95% interval) and occupancy\n"
    "        against the first varied key, with the regulatory limit drawn (gnuplot).\n"
    "        On a terminal it shows its progress (not with --quiet), and it says what\n"
    "        it wrote. --out and --plot may not name the config file. Under mpirun\n"
    "        (or srun) the points are spread over the ranks, --threads in each, and\n"
    "        rank 0 writes the same CSV and plot as one process.\n"
    "\n"
    "exit status: 0 done, 1 the simulation failed, 2 bad input.\n";

int dialsim_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (n > 64 ? 64 : (int)n);
}

int dialsim_number(const char *what, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi)) {
        fprintf(stderr, "dialsim: %s: expected a number in [%g, %g], got \"%s\"\n", what, lo, hi,
                v);
        return -1;
    }
    *out = d;
    return 0;
}

static void row(const char *name, const sim_estimate *e, double scale, const char *unit)
{
    printf("  %-22s %12.4f%s  [%.4f, %.4f]\n", name, e->mean * scale, unit, e->lo * scale,
           e->hi * scale);
}

static void print_table(const sim_config *cfg, const sim_report *r)
{
    printf("dialsim: seed %llu, %g h simulated, %d replication%s, strategy %s "
           "(95%% intervals: %s)\n",
           (unsigned long long)r->seed, r->hours, r->replications,
           r->replications == 1 ? "" : "s", sim_strategy_name(cfg->dialer.strategy),
           r->ci_method);
    row("attempts", &r->attempts, 1, "");
    row("live answers", &r->live_answers, 1, "");
    row("machine answers", &r->machine_answers, 1, "");
    row("no answers", &r->no_answers, 1, "");
    row("busy", &r->busy, 1, "");
    row("invalid numbers", &r->invalid, 1, "");
    if (r->blocked.mean > 0)
        row("blocked (line cap)", &r->blocked, 1, "");
    row("connected", &r->connected, 1, "");
    row("abandoned (truth)", &r->abandoned, 1, "");
    row("  AMD false positives", &r->amd_false_positives, 1, "");
    row("abandon rate (truth)", &r->abandon_rate, 100, "%");
    row("ACD: dropped", &r->observed_abandoned, 1, "");
    row("  of them machines", &r->machines_dropped, 1, "");
    row("ACD: abandon rate", &r->observed_abandon_rate, 100, "%");
    row("ACD: Ofcom estimate", &r->abandon_rate_ofcom, 100, "%");
    row("waited fraction", &r->waited_fraction, 100, "%");
    row("occupancy", &r->occupancy, 100, "%");
    row("connects/agent-hour", &r->connects_per_agent_hour, 1, "");
    row("connect wait p50 (s)", &r->wait_p50, 1, "");
    row("connect wait p95 (s)", &r->wait_p95, 1, "");
    row("connect wait p99 (s)", &r->wait_p99, 1, "");
}

static int cmd_run(int argc, char **argv)
{
    const char *path = NULL, *records = NULL, *model_path = NULL;
    bool json = false;
    double threads = dialsim_threads();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
            records = argv[++i];
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model_path = argv[++i];
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (dialsim_number("--threads", argv[++i], 1, 64, &threads))
                return 2;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "dialsim: unknown option %s (see dialsim --help)\n", argv[i]);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "dialsim: one config file only (got %s too)\n", argv[i]);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "dialsim: no config file (see dialsim --help)\n");
        return 2;
    }
    sim_config cfg;
    cx_error err = {0};
    if (sim_config_load(path, &cfg, &err) != SIM_OK) {
        fprintf(stderr, "dialsim: %s\n", err.msg);
        sim_config_free(&cfg);
        return 2;
    }
    if (model_path) { /* a campaign model file (dialsim fit's) replaces the config's */
        cJSON *mj = cx_json_load_file(model_path, &err);
        sim_model *m = NULL;
        if (!mj || sim_model_parse(mj, model_path, "", &m, &err) != SIM_OK) {
            fprintf(stderr, "dialsim: %s\n", err.msg);
            cJSON_Delete(mj);
            sim_config_free(&cfg);
            return 2;
        }
        cJSON_Delete(mj);
        sim_model_destroy(cfg.model);
        cfg.model = m;
    }
    if (sim_config_check_memory(&cfg, (int)threads, &err) != SIM_OK) {
        fprintf(stderr, "dialsim: %s: %s\n", path, err.msg);
        sim_config_free(&cfg);
        return 2;
    }
    dialsim_records rec;
    if (records) {
        if (dialsim_records_open(&rec, records) != 0) {
            sim_config_free(&cfg);
            return 2;
        }
        cfg.records = &rec.hook;
    }
    sim_report *r = NULL;
    sim_status rst = sim_run(&cfg, (int)threads, &r, &err);
    if ((records && dialsim_records_close(&rec, rst == SIM_OK) != 0) || rst != SIM_OK) {
        if (rst != SIM_OK)
            fprintf(stderr, "dialsim: %s\n", err.msg);
        sim_report_destroy(r);
        sim_config_free(&cfg);
        return 1;
    }
    int rc = 0;
    if (json) { /* streamed: a long run's series is never one tree */
        if (sim_report_write_json(r, stdout, &err) != SIM_OK) {
            fprintf(stderr, "dialsim: %s\n", err.msg);
            rc = 1;
        }
    } else {
        print_table(&cfg, r);
    }
    sim_report_destroy(r);
    sim_config_free(&cfg);
    return rc;
}

static int cmd_erlang(int argc, char **argv)
{
    double c = -1, A = -1, h = 0, tau = 2;
    int pos = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--handle") == 0 && i + 1 < argc) {
            if (dialsim_number("--handle", argv[++i], 1e-9, 1e9, &h))
                return 2;
        } else if (strcmp(argv[i], "--patience") == 0 && i + 1 < argc) {
            if (dialsim_number("--patience", argv[++i], 0, 1e9, &tau))
                return 2;
        } else if (pos == 0) {
            if (dialsim_number("AGENTS", argv[i], 1, 1e6, &c))
                return 2;
            pos++;
        } else if (pos == 1) {
            if (dialsim_number("ERLANGS", argv[i], 0, 1e7, &A))
                return 2;
            pos++;
        } else {
            fprintf(stderr, "dialsim: erlang: unexpected \"%s\"\n", argv[i]);
            return 2;
        }
    }
    if (pos != 2 || c != (int)c) {
        fprintf(stderr, "dialsim: erlang needs AGENTS (a whole number) and ERLANGS\n");
        return 2;
    }
    int n = (int)c;
    double b = sim_erlang_b(n, A);
    printf("agents %d, offered load %g erlangs (rho %.4f)\n", n, A, A / n);
    printf("  Erlang B  (lost, no waiting)       %.6f\n", b);
    printf("  occupancy A(1-B)/c                 %.6f\n", A * (1 - b) / n);
    if (A < n)
        printf("  Erlang C  (P wait > 0, no leaving) %.6f\n", sim_erlang_c(n, A));
    else
        printf("  Erlang C  undefined: the load needs more than %d agents\n", n);
    if (h > 0)
        printf("  loss with %g s patience (h %g s)   %.6f\n", tau, h,
               sim_fixed_patience_loss(n, A, h, tau));
    return 0;
}

static int dispatch(int argc, char **argv, cx_mpi *mpi)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "sweep") == 0)
        return dialsim_sweep(argc - 2, argv + 2, mpi);
    if (cx_mpi_size(mpi) > 1) {
        fprintf(stderr, "dialsim %s: only sweep spreads its work over MPI ranks; run it as "
                        "one process\n",
                argv[1]);
        return 2;
    }
    if (strcmp(argv[1], "erlang") == 0)
        return cmd_erlang(argc - 2, argv + 2);
    if (strcmp(argv[1], "fit") == 0)
        return dialsim_fit(argc - 2, argv + 2);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    return cmd_run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cx_mpi *mpi = NULL;
    cx_error err = {0};
    if (cx_mpi_start(&argc, &argv, &mpi, &err) != 0) {
        fprintf(stderr, "dialsim: %s\n", err.msg);
        return 2;
    }
    int rc = dispatch(argc, argv, mpi);
    cx_mpi_end(mpi);
    return rc;
}
