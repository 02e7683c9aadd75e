/* test_sim_gsl.c - no library can end the process through GSL.
 *
 * GSL's default error handler calls abort(). This program, like cxopt and
 * the other tests, never switches it off itself: each case runs in a child
 * process, which dies of SIGABRT if GSL's handler is still on when GSL
 * reports an error.
 *
 *   after_*   one entry point of libdialsim runs, then the child meets a
 *             GSL domain error of its own (log of -1): the entry point must
 *             have switched the handler off, so it comes back as GSL_EDOM.
 *   inside_*  GSL reports an error inside a real prediction, run or fit.
 *             No input that passes validation makes a GSL call of the
 *             prediction path fail (gsl_ran_* never reports, and the t
 *             quantile of the intervals has no failing argument), but every
 *             engine asks GSL for its random number generator, and the
 *             fit's Weibull asks for a root solver: GSL reports an
 *             allocation it could not make (GSL_ENOMEM) through the same
 *             handler. This program fails the allocations GSL's own code
 *             asks for, so the call inside fails for real; the
 *             prediction and the run must come back with SIM_ENOMEM and a
 *             message, the fit without its Weibull candidate
 *             (tests/support/cx_gsl_fail.h; the sanitizer and valgrind
 *             builds cannot fail them, the normal build checks them). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_gsl_fail.h"
#include "cxproc.h"
#include "cxtest.h"
#include "dialsim.h"
#include "dialsim_fit.h"

enum entry { PREDICT, RUN, LIVE, FIT };

/* The built-in typical campaign, or NULL. */
static sim_model *typical(void)
{
    cJSON *j = cJSON_Parse(sim_typical_campaign_json());
    sim_model *m = NULL;
    cx_error err = {0};
    if (j && sim_model_parse(j, "", "", &m, &err) != SIM_OK)
        m = NULL;
    cJSON_Delete(j);
    return m;
}

static int child(void *arg)
{
    enum entry which = *(const enum entry *)arg;
    cx_error err = {0};
    sim_model *m = typical();
    if (!m)
        return 10;
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

/* Exit codes of an inside_* child: 0 clean, anything else names what. */
static int inside(void *arg)
{
    enum entry which = *(const enum entry *)arg;
    cx_error err = {0};
    if (which == FIT) {
        sim_fit *fit = NULL;
        if (sim_fit_create(NULL, NULL, &fit, &err) != SIM_OK)
            return 20;
        /* talk times of no fixed shape, so every candidate is tried */
        char text[64 * 400] = SIM_RECORD_HEADER;
        size_t len = strlen(text);
        for (int i = 0; i < 300; i++)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%d,,live,5,none,,0,0,%.3f,10,%d\n", i,
                                    30 + 200 * fmod(i * 0.618034, 1.0), i % 5);
        if (sim_fit_add_text(fit, text, len, "records", &err) != SIM_OK)
            return 21;
        cJSON *model = NULL, *report = NULL;
        cx_gsl_fail_on = CX_GSL_FAIL;
        sim_status st = sim_fit_result(fit, &model, &report, &err);
        cx_gsl_fail_on = 0;
        int rc = st != SIM_OK ? 22 : 0;
        char *text_out = report ? cJSON_PrintUnformatted(cJSON_GetObjectItem(report, "talkTime"))
                                : NULL;
        if (!rc && (!text_out || !strstr(text_out, "\"gamma\"")))
            rc = 23; /* the other candidates are still there */
        if (!rc && CX_GSL_FAIL && strstr(text_out, "\"weibull\""))
            rc = 24; /* the Weibull needs the solver GSL could not allocate */
        if (!rc && CX_GSL_FAIL && cx_gsl_failed == 0)
            rc = 25; /* nothing was failed: the case tested nothing */
        free(text_out);
        cJSON_Delete(model);
        cJSON_Delete(report);
        sim_fit_destroy(fit);
        return rc;
    }
    sim_model *m = typical();
    if (!m)
        return 10;
    sim_dialer d = sim_dialer_default();
    sim_status st;
    cx_gsl_fail_on = CX_GSL_FAIL;
    if (which == PREDICT) {
        sim_prediction p;
        st = sim_predict(m, &d, 0.2, 0, 2, 7, &p, &err);
    } else {
        sim_config cfg;
        sim_report *r = NULL;
        cx_gsl_fail_on = 0;
        if (sim_config_init(&cfg, m, &d, 0.2, 7, 1, &err) != SIM_OK)
            return 12;
        cx_gsl_fail_on = CX_GSL_FAIL;
        st = sim_run(&cfg, 1, &r, &err);
        cx_gsl_fail_on = 0;
        sim_report_destroy(r);
        sim_config_free(&cfg);
    }
    cx_gsl_fail_on = 0;
    sim_model_destroy(m);
    if (!CX_GSL_FAIL)
        return st == SIM_OK ? 0 : 30;
    if (cx_gsl_failed == 0)
        return 31; /* nothing was failed: the case tested nothing */
    if (st != SIM_ENOMEM)
        return 32;
    if (!strstr(err.msg, "random number generator"))
        return 33;
    return 0;
}

/* Runs fn in a child process: it must exit 0, not die of SIGABRT. */
static void in_child(int (*fn)(void *), enum entry which)
{
    int rc = cx_in_child(fn, &which);
    cx__assert_fmt(rc == 0, __LINE__, __FILE__,
                   "child: %s %d (exit codes: see child() and inside())",
                   rc > 128 ? "killed by signal" : "exit status", rc > 128 ? rc - 128 : rc);
}

static void test_inside_predict(void) { in_child(inside, PREDICT); }
static void test_inside_run(void) { in_child(inside, RUN); }
static void test_inside_fit(void) { in_child(inside, FIT); }

static void test_after_predict(void) { in_child(child, PREDICT); }
static void test_after_run(void) { in_child(child, RUN); }
static void test_after_live_create(void) { in_child(child, LIVE); }

static const cx_test_case cases[] = {
    {"domain_error_after_predict", test_after_predict},
    {"domain_error_after_run", test_after_run},
    {"domain_error_after_live_create", test_after_live_create},
    {"gsl_error_inside_predict", test_inside_predict},
    {"gsl_error_inside_run", test_inside_run},
    {"gsl_error_inside_fit", test_inside_fit},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"gsl", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
