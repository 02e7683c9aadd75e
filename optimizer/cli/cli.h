/* cli.h - the cxopt program's shared pieces (not a library API). */
#ifndef CXOPT_CLI_H
#define CXOPT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cxopt.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* Everything the command line and the environment said. */
typedef struct cli_args {
    const char *command;
    char **operands;        /* non-option words after the command */
    int n_operands;
    opt_settings s;
    const char *constraints_path;
    const char *model_path;
    struct cJSON *model;    /* owned: the --model file */
    const char *target_path;
    bool ramp;
    double ramp_interval_s;
    bool dry_run;
    bool json;
    bool quiet;             /* no progress line */
    /* run and compare */
    const char *policy, *policies, *junit, *plot, *report, *audit_dir;
    int seeds, jobs;
    int shard_k, shard_n;   /* run --shard K/N; 0/0: the whole list */
    bool real_time;
    const char *profile_given; /* --profile or CXONE_PROFILE, when either was given */
    struct cx_mpi *mpi;     /* the MPI job this process is part of (cx_mpi.h) */
    /* calibrate; merge's --out too (NULL: stdout) */
    const char *since, *until, *out;
    int page_size;
} cli_args;

/* Prints "cxopt: <msg>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cli_apply(cli_args *a);
int cli_show(cli_args *a);
int cli_run(cli_args *a);
int cli_compare(cli_args *a);
int cli_merge(cli_args *a);
int cli_calibrate(cli_args *a);

/* Prints a cycle report for people. */
void cli_print_report(FILE *out, const opt_cycle_report *r, const char *audit_path);

#endif
