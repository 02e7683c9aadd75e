/* test_sim_gsl.c - no library can end the process through GSL.
 *
 * GSL's default error handler calls abort(). This program, like cxopt and
 * the other tests, never switches it off itself: each case runs one entry
 * point of libdialsim in a child process and then meets a GSL domain error
 * there. The library's initialisation must have switched the handler off,
 * so the error comes back as a status (GSL_EDOM) and the child exits 0;
 * with GSL's default handler it would die of SIGABRT. */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cxtest.h"
#include "dialsim.h"

enum entry { PREDICT, RUN, LIVE };

static int child(enum entry which)
{
    cx_error err = {0};
    cJSON *j = cJSON_Parse(sim_typical_campaign_json());
    sim_model *m = NULL;
    if (!j || sim_model_parse(j, "", "", &m, &err) != SIM_OK)
        return 10;
    cJSON_Delete(j);
    sim_dialer d = sim_dialer_default();
    int rc = 0;
    if (which == PREDICT) {
        sim_prediction p;
        rc = sim_predict(m, &d, 0.2, 0, 2, 7, &p, &err) == SIM_OK ? 0 : 11;
    } else if (which == RUN) {
        sim_config cfg;
        sim_report *r = NULL;
        if (sim_config_init(&cfg, m, &d, 0.2, 7, 1, &err) != SIM_OK)
            return 12;
        rc = sim_run(&cfg, 1, &r, &err) == SIM_OK ? 0 : 13;
        sim_report_destroy(r);
        sim_config_free(&cfg);
    } else {
        sim_live *l = NULL;
        rc = sim_live_create(m, &d, 7, &l, &err) == SIM_OK ? 0 : 14;
        sim_live_destroy(l);
    }
    sim_model_destroy(m);
    if (rc)
        return rc;
    /* a domain error: log of a negative number */
    gsl_sf_result res;
    return gsl_sf_log_e(-1.0, &res) == GSL_EDOM ? 0 : 15;
}

static void in_child(enum entry which)
{
    pid_t pid = fork();
    CX_REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(child(which));
    int status = 0;
    waitpid(pid, &status, 0);
    cx__assert_fmt(WIFEXITED(status) && WEXITSTATUS(status) == 0, __LINE__, __FILE__,
                   "child: %s %d", WIFSIGNALED(status) ? "killed by signal" : "exit status",
                   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static void test_after_predict(void) { in_child(PREDICT); }
static void test_after_run(void) { in_child(RUN); }
static void test_after_live_create(void) { in_child(LIVE); }

static const cx_test_case cases[] = {
    {"domain_error_after_predict", test_after_predict},
    {"domain_error_after_run", test_after_run},
    {"domain_error_after_live_create", test_after_live_create},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"gsl", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
