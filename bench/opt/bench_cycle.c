/* bench_cycle.c - one optimization cycle's wall latency (GET + stats +
 * PATCH + signed webhook + two fsynced audit records) against a local
 * mockcxone, p50/p99 over N cycles, with a warm token and with a cold one
 * (every cycle fetches a token first). No prediction: that is the gate's
 * CPU, measured by the simulator's benchmark.
 *
 *   bench_cycle [N]   (default 1000) */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxopt.h"
#include "mockcxone.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run(int n, double token_ttl, const char *label, const char *dir)
{
    mock_options mo;
    mock_options_default(&mo);
    mo.token_ttl_s = token_ttl;
    mock_server *m = NULL;
    cx_error err = {0};
    if (mock_server_create(&mo, &m, &err) != MOCK_OK || mock_server_start(m, &err) != MOCK_OK) {
        fprintf(stderr, "mock: %s\n", err.msg);
        return 1;
    }
    char base[64], auth[96], hook[128], audit[512];
    snprintf(base, sizeof base, "http://127.0.0.1:%u", mock_server_port(m));
    snprintf(auth, sizeof auth, "%s/auth/token", base);
    snprintf(hook, sizeof hook, "%s/__webhook/bench", base);
    snprintf(audit, sizeof audit, "%s/audit-%s.jsonl", dir, label);
    opt_settings s;
    opt_settings_defaults(&s);
    s.client_id = MOCK_DEFAULT_CLIENT_ID;
    s.client_secret = MOCK_DEFAULT_CLIENT_SECRET;
    s.auth_url = auth;
    s.api_url = base;
    s.campaign_id = MOCK_DEFAULT_CAMPAIGN;
    s.webhook_url = hook;
    s.webhook_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    s.audit_path = audit;
    s.predict = false;
    s.token_skew_s = 0;
    opt_optimizer *o = NULL;
    if (opt_optimizer_create(&s, &o, &err) != OPT_OK) {
        fprintf(stderr, "optimizer: %s\n", err.msg);
        return 1;
    }
    double *lat = malloc(sizeof(double) * (size_t)n);
    int applied = 0;
    for (int i = 0; i < n; i++) {
        opt_params t = opt_params_seed();
        t.answer_rate = i % 2 ? 0.72 : 0.78;
        opt_cycle_report r;
        if (opt_apply(o, &t, false, &r, &err) != OPT_OK) {
            fprintf(stderr, "cycle: %s\n", err.msg);
            return 1;
        }
        applied += r.outcome == OPT_OUTCOME_APPLIED;
        lat[i] = r.latency_ms;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += lat[i];
    printf("  %-11s %5d cycles (%d applied): p50 %.2f ms, p99 %.2f ms, mean %.2f ms\n", label, n,
           applied, lat[n / 2], lat[(int)ceil(0.99 * n) - 1], sum / n);
    free(lat);
    opt_optimizer_destroy(o);
    mock_server_destroy(m);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    if (n < 1)
        n = 1000;
    opt_global_init();
    char dir[] = "cxbench-XXXXXX"; /* here, not /tmp: fsync must reach a disk */
    if (!mkdtemp(dir))
        return 1;
    printf("optimization cycle latency against a local mockcxone (wall clock)\n");
    int rc = run(n, 3600, "warm token", dir) || run(n, 0.001, "cold token", dir);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    opt_global_cleanup();
    return rc;
}
