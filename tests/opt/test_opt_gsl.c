/* test_opt_gsl.c - GSL reports an error inside the gate's prediction: the
 * cycle ends cleanly, refused and audited, with nothing written.
 *
 * GSL's default error handler calls abort(); this program never switches
 * it off, so it relies on libdialsim doing so before any GSL call. No
 * input that passes validation makes a GSL call of the prediction fail,
 * but every simulation asks GSL for its random number generator, and GSL
 * reports an allocation it could not make through the same handler: this
 * program fails the allocations GSL's own code asks for
 * (tests/support/cx_gsl_fail.h) while the cycle runs. With GSL's handler
 * on, the cycle dies of SIGABRT in the prediction; with it off, the
 * prediction is OPT_EPREDICT and the gate refuses, naming it. The case runs
 * in a child process so that an abort is a failed case, not a lost program,
 * and the child starts from GSL's default handler. */
#include "cx_gsl_fail.h"
#include "cxproc.h"
#include "opt_fixture.h"

/* The child's exit code: 0 as expected, anything else names what was not. */
static int gated_cycle(void *unused)
{
    (void)unused;
    ofx f;
    ofx_start(&f, NULL);
    cJSON *model = cJSON_Parse(OFX_MODEL);
    f.s.model = model;
    f.s.predict_threads = 1;
    ofx_open(&f);
    cJSON_Delete(model);
    opt_params t = target_ar(0.8);
    t.max_concurrent_calls = 86; /* dials harder: the gate predicts */
    opt_cycle_report r;
    cx_error err = {0};
    cx_gsl_fail_on = CX_GSL_FAIL;
    opt_status st = opt_apply(f.o, &t, false, &r, &err);
    cx_gsl_fail_on = 0;
    int rc = 0;
    if (st != OPT_OK)
        rc = 10; /* the cycle ran to its end: its outcome says the rest */
    else if (!r.audited)
        rc = 11;
    else if (!CX_GSL_FAIL)
        rc = strcmp(opt_outcome_name(r.outcome), "applied") == 0 ? 0 : 12;
    else if (cx_gsl_failed == 0)
        rc = 13; /* nothing failed: the case tested nothing */
    else if (strcmp(opt_outcome_name(r.outcome), "rejected-compliance") != 0)
        rc = 14;
    else if (r.compliance.verdict != OPT_VERDICT_REFUSED || r.prediction.done)
        rc = 15;
    else if (!strstr(r.compliance.reason, "no prediction, no change: prediction: out of "
                                          "memory for the random number generator"))
        rc = 16;
    else if (ofx_count(&f, "PATCH", "/api/v2/campaigns/") != 0)
        rc = 17;
    if (rc)
        fprintf(stderr, "gated_cycle %d: %s | %s | %s\n", rc, opt_outcome_name(r.outcome),
                r.compliance.reason, r.message);
    ofx_stop(&f);
    return rc;
}

static void test_gsl_error_inside_gate(void)
{
    int rc = cx_in_child(gated_cycle, NULL);
    cx__assert_fmt(rc == 0, __LINE__, __FILE__, "child: %s %d (exit codes: see gated_cycle())",
                   rc > 128 ? "killed by signal" : "exit status", rc > 128 ? rc - 128 : rc);
}

static const cx_test_case cases[] = {
    {"gsl_error_inside_gate", test_gsl_error_inside_gate},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"opt_gsl", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
