/* cli_apply.c - `cxopt apply` and `cxopt show`. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cx_progress.h"

#define MAX_RAMP 64

/* The target file: a predictiveDialer object, bare or wrapped. Fields it
 * leaves out keep the campaign's current values. */
typedef struct target_file {
    cJSON *root;
    const cJSON *obj;
    const char *path;
    /* ramp planning, for --ramp */
    const opt_constraints *constraints;
    double limit;
    opt_params plan[MAX_RAMP];
    int plan_n;
} target_file;

static int load_target(const char *path, target_file *t)
{
    cx_error err = {0};
    memset(t, 0, sizeof *t);
    t->path = path;
    t->root = cx_json_load_file(path, &err);
    if (!t->root) {
        cli_error("%s", err.msg);
        return -1;
    }
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(t->root, "predictiveDialer");
    t->obj = inner ? inner : t->root;
    /* Check the shape now, before anything is sent. */
    opt_params probe = opt_params_seed();
    if (opt_params_from_json(t->obj, path, inner ? "predictiveDialer" : "", true, &probe, &err) !=
        OPT_OK) {
        cli_error("%s", err.msg);
        cJSON_Delete(t->root);
        t->root = NULL;
        return -1;
    }
    if (inner && cJSON_GetArraySize(t->root) != 1) {
        cli_error("%s: only \"predictiveDialer\" may stand at the top level", path);
        cJSON_Delete(t->root);
        t->root = NULL;
        return -1;
    }
    return 0;
}

static opt_status decide_target(void *ud, const opt_params *current, const opt_stats *stats,
                                opt_params *target, cx_error *err)
{
    target_file *t = ud;
    (void)stats;
    *target = *current;
    return opt_params_from_json(t->obj, t->path, "", true, target, err);
}

static void params_line(FILE *out, const char *label, const opt_params *p)
{
    fprintf(out, "  %-8s answerRate %.4g, abandonRate %.4g, maxConcurrentCalls %d, callInterval %d ms, "
                 "strategy %s, warmUpPeriod %d s\n",
            label, p->answer_rate, p->abandon_rate, p->max_concurrent_calls, p->call_interval_ms,
            opt_strategy_name(p->strategy), p->warm_up_s);
}

void cli_print_report(FILE *out, const opt_cycle_report *r, const char *audit_path)
{
    fprintf(out, "cycle %s: %s", r->cycle_id, opt_outcome_name(r->outcome));
    if (r->write_check != OPT_WRITE_NONE)
        fprintf(out, " (%s)", opt_write_check_name(r->write_check));
    fputc('\n', out);
    if (r->have_before)
        params_line(out, "before", &r->before);
    params_line(out, "target", &r->target);
    if (r->have_after && r->outcome == OPT_OUTCOME_APPLIED)
        params_line(out, "applied", &r->after);
    for (int i = 0; i < r->validation.count; i++)
        fprintf(out, "  refused  %s: %s\n", r->validation.v[i].field, r->validation.v[i].msg);
    const opt_compliance *c = &r->compliance;
    if (c->verdict != OPT_VERDICT_NONE)
        fprintf(out, "  gate     %s: %s\n", opt_verdict_name(c->verdict), c->reason);
    const opt_prediction *p = &r->prediction;
    if (p->done)
        fprintf(out, "  predict  abandon %.2f%% (upper95 %.2f%%, half-width %.2f points after "
                     "%d of at most %d replications), occupancy %.1f%% [%.1f, %.1f], seed %llu "
                     "(%s)\n",
                100 * p->abandon_mean, 100 * p->abandon_upper95, 100 * p->half_width,
                p->replications, p->max_replications, 100 * p->occupancy_mean,
                100 * p->occupancy_lo95, 100 * p->occupancy_hi95, p->seed,
                p->seed_derived ? "from the inputs" : "--seed");
    for (int i = 0; i < OPT_NOT_CHECKED_COUNT; i++)
        if (r->not_checked & (1u << i))
            fprintf(out, "  warning  %s\n", opt_not_checked_text(1u << i));
    if (r->message[0] && strcmp(r->message, c->reason) != 0) /* a refusal's is the gate's */
        fprintf(out, "  message  %s\n", r->message);
    fprintf(out, "  http     %d attempts (%d retries, %d re-auths, %d conflicts), last status %ld, "
                 "%.1f ms\n",
            r->attempts, r->retries, r->reauths, r->conflicts, r->http_status, r->latency_ms);
    if (r->webhook_attempted)
        fprintf(out, "  webhook  %s after %d attempt%s%s%s\n",
                r->webhook_delivered ? "delivered" : "NOT delivered", r->webhook_attempts,
                r->webhook_attempts == 1 ? "" : "s", r->webhook_error[0] ? ": " : "",
                r->webhook_error);
    fprintf(out, "  audit    %s%s\n", r->audited ? "recorded in " : "NOT recorded in ",
            audit_path);
}

/* Applied and verified, nothing to do, or a dry run that the gate allowed. */
static bool success(const opt_cycle_report *r)
{
    if (r->outcome == OPT_OUTCOME_APPLIED)
        return r->write_check == OPT_WRITE_VERIFIED;
    return r->outcome == OPT_OUTCOME_UNCHANGED || r->outcome == OPT_OUTCOME_DRY_RUN;
}

static void emit(cli_args *a, const opt_cycle_report *r, const char *audit, cJSON *all)
{
    if (a->json)
        cJSON_AddItemToArray(all, opt_report_to_json(r));
    else
        cli_print_report(stdout, r, audit);
}

/* A ramp step: plan from the config as it is now, apply the first step. */
static opt_status decide_plan(void *ud, const opt_params *current, const opt_stats *stats,
                              opt_params *target, cx_error *err)
{
    target_file *t = ud;
    opt_params full;
    opt_status st = decide_target(t, current, stats, &full, err);
    if (st == OPT_OK)
        st = opt_plan_ramp(current, &full, t->constraints, t->limit, t->plan, MAX_RAMP,
                           &t->plan_n, err);
    if (st != OPT_OK)
        return st;
    *target = t->plan_n ? t->plan[0] : *current;
    return OPT_OK;
}

/* ---- stopping: SIGINT and SIGTERM during apply ----
 * The first signal is noted and the cycle in progress runs to its end and
 * its audit record (stopping inside it would leave an intent without an
 * outcome); a ramp then takes no further step, records that it was stopped
 * and where, and cxopt exits 128 + the signal. A second signal ends the
 * process at once, as the default action would. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    if (stop_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

static void catch_stops(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: a wait between steps ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Waits s seconds of wall time unless a stop comes first, counting down
 * on the progress line; `then` more such waits follow the next step. */
static void wait_between_steps(double s, int then, cx_progress *pr)
{
    double interval = s;
    while (!stop_signal && s > 0) {
        char next[32], left[32], note[96];
        cx_progress_duration(next, sizeof next, s);
        cx_progress_duration(left, sizeof left, s + then * interval);
        snprintf(note, sizeof note, "next step in %s, the last in about %s", next, left);
        cx_progress_note(pr, note);
        double slice = s < 1 ? s : 1;
        struct timespec ts = {(time_t)slice, (long)(fmod(slice, 1.0) * 1e9)};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
            break;
        s -= slice; /* a signal's early wake-up ends the wait through stop_signal */
    }
}

/* Records the stop in the audit log, says so, and gives the exit status. */
static int stopped(opt_optimizer *o, int step_done, int steps, const opt_params *holds)
{
    const char *name = stop_signal == SIGINT ? "SIGINT" : "SIGTERM";
    cJSON *f = cJSON_CreateObject();
    if (f) {
        cJSON_AddStringToObject(f, "signal", name);
        cJSON_AddNumberToObject(f, "step", step_done);
        cJSON_AddNumberToObject(f, "steps", steps);
        if (holds)
            cJSON_AddItemToObject(f, "parameters", opt_params_to_json(holds));
        cJSON_AddStringToObject(f, "message", step_done < steps
                                                   ? "ramp stopped before its end"
                                                   : "stopped after the cycle in progress");
    }
    cx_error err = {0};
    bool ok = f && opt_audit_note(o, "stopped", f, &err) == OPT_OK;
    cJSON_Delete(f);
    cli_error("stopped by %s after step %d of %d; the campaign keeps that step's settings%s%s",
              name, step_done, steps, ok ? "; recorded in the audit log" : "; NOT recorded: ",
              ok ? "" : err.msg);
    return 128 + stop_signal;
}

static int run_ramp(cli_args *a, opt_optimizer *o, target_file *t, const char *audit, cJSON *all)
{
    cx_progress pr;
    cx_progress_start(&pr, "cxopt apply --ramp", 1, a->quiet || a->json);
    pr.own_eta = true;
    for (int step = 1; step <= MAX_RAMP; step++) {
        opt_cycle_report r;
        cx_error err = {0};
        if (opt_cycle(o, decide_plan, t, a->dry_run, &r, &err) != OPT_OK) {
            cx_progress_end(&pr);
            cli_error("%s", err.msg);
            return EXIT_FAILED;
        }
        int steps = step - 1 + (t->plan_n ? t->plan_n : 1);
        cx_progress_end(&pr);
        if (!a->json)
            printf("ramp step %d of %d\n", step, steps);
        emit(a, &r, audit, all);
        fflush(stdout);
        if (!success(&r))
            return EXIT_FAILED;
        if (r.outcome == OPT_OUTCOME_UNCHANGED || t->plan_n <= 1)
            return stop_signal ? stopped(o, step, steps, &r.after) : EXIT_OK;
        if (r.outcome == OPT_OUTCOME_DRY_RUN) {
            if (!a->json) {
                printf("dry run: the remaining steps would be\n");
                for (int i = 1; i < t->plan_n; i++)
                    params_line(stdout, "step", &t->plan[i]);
            }
            return EXIT_OK;
        }
        pr.total = steps;
        cx_progress_step(&pr, NULL);
        if (!stop_signal && a->ramp_interval_s > 0)
            wait_between_steps(a->ramp_interval_s, steps - step - 1, &pr);
        if (stop_signal) {
            cx_progress_end(&pr);
            return stopped(o, step, steps, &r.after);
        }
    }
    cx_progress_end(&pr);
    cli_error("the ramp did not converge in %d steps", MAX_RAMP);
    return EXIT_FAILED;
}

/* Says what an earlier run left unfinished (once: it is acknowledged). */
static void report_audit(const char *path)
{
    opt_audit_scan scan;
    cx_error err = {0};
    if (opt_audit_check(path, true, NULL, &scan, &err) != OPT_OK) {
        cli_error("%s", err.msg);
        return;
    }
    if (scan.torn)
        cli_error("audit log %s: %ld line(s) are not whole records (the first is line %ld); "
                  "they are kept as they are",
                  path, scan.torn, scan.first_torn_line);
    for (int i = 0; i < scan.unfinished && i < OPT_AUDIT_SCAN_IDS; i++)
        cli_error("audit log %s: cycle %s wrote its intent at %s but no outcome: cxopt stopped "
                  "between the write and its record, so the write may or may not have landed "
                  "(cxopt show reads the campaign as it is)",
                  path, scan.unfinished_id[i], scan.unfinished_time[i]);
    if (scan.unfinished > OPT_AUDIT_SCAN_IDS)
        cli_error("audit log %s: %d more cycles without an outcome", path,
                  scan.unfinished - OPT_AUDIT_SCAN_IDS);
}

int cli_apply(cli_args *a)
{
    if (!a->target_path) {
        cli_error("apply needs --target FILE.json (see cxopt --help)");
        return EXIT_USAGE;
    }
    if (a->n_operands) {
        cli_error("apply takes no operand \"%s\" (the target goes in --target)", a->operands[0]);
        return EXIT_USAGE;
    }
    target_file t;
    if (load_target(a->target_path, &t) != 0)
        return EXIT_USAGE;
    t.constraints = &a->s.constraints;
    t.limit = a->s.limit;
    opt_optimizer *o = NULL;
    cx_error err = {0};
    opt_status st = opt_optimizer_create(&a->s, &o, &err);
    if (st != OPT_OK) {
        cli_error("%s", err.msg);
        cJSON_Delete(t.root);
        return st == OPT_EUSAGE ? EXIT_USAGE : EXIT_FAILED;
    }
    char audit[1024];
    const char *audit_path = a->s.audit_path ? a->s.audit_path
                                             : opt_default_audit_path(audit, sizeof audit);
    report_audit(audit_path);
    cJSON *all = a->json ? cJSON_CreateArray() : NULL;
    int rc;
    catch_stops();
    if (a->ramp) {
        rc = run_ramp(a, o, &t, audit_path, all);
    } else {
        opt_cycle_report r;
        if (opt_cycle(o, decide_target, &t, a->dry_run, &r, &err) != OPT_OK) {
            cli_error("%s", err.msg);
            rc = EXIT_FAILED;
        } else {
            emit(a, &r, audit_path, all);
            rc = success(&r) ? EXIT_OK : EXIT_FAILED;
            if (stop_signal)
                rc = stopped(o, 1, 1, r.outcome == OPT_OUTCOME_APPLIED ? &r.after : NULL);
        }
    }
    if (all) {
        char *s = cJSON_Print(cJSON_GetArraySize(all) == 1 ? cJSON_GetArrayItem(all, 0) : all);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(all);
    }
    opt_optimizer_destroy(o);
    cJSON_Delete(t.root);
    return rc;
}

int cli_show(cli_args *a)
{
    if (a->n_operands) {
        cli_error("show takes no operand \"%s\"", a->operands[0]);
        return EXIT_USAGE;
    }
    opt_optimizer *o = NULL;
    cx_error err = {0};
    a->s.predict = false;
    opt_status st = opt_optimizer_create(&a->s, &o, &err);
    if (st != OPT_OK) {
        cli_error("%s", err.msg);
        return st == OPT_EUSAGE ? EXIT_USAGE : EXIT_FAILED;
    }
    cJSON *j = NULL;
    st = opt_show(o, &j, &err);
    opt_optimizer_destroy(o);
    if (st != OPT_OK) {
        cli_error("%s", err.msg);
        return EXIT_FAILED;
    }
    char *s = cJSON_Print(j);
    if (s)
        puts(s);
    free(s);
    cJSON_Delete(j);
    return EXIT_OK;
}
