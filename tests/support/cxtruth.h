/*
 * cxtruth.h - fitted estimates held against the truth they should find, as
 * the fit's round trips do (tests/sim/test_sim_fit.c: simulate, fit;
 * tests/opt/test_calibrate.c: the mock's campaign, pulled and fitted).
 *
 * An estimate is the fit report's {"value": v, "ci95": [lo, hi]}. Each check
 * prints a row (name, truth, fitted value, interval) and counts into a
 * cx_truth, for the test to require what share of intervals must hold.
 */
#ifndef CXTRUTH_H
#define CXTRUTH_H

#include <cjson/cJSON.h>

typedef struct cx_truth {
    int n;      /* intervals checked */
    int inside; /* of them, holding the truth */
    int far;    /* estimates far off (below) */
    int wrong;  /* exact values wrong (or missing) */
} cx_truth;

/* o's member at a dotted path ("talkTime.mean"); NULL when absent. */
const cJSON *cx_json_at(const cJSON *o, const char *path);

/* The estimate e against the truth, its interval widened by lo_slack below
 * and hi_slack above (a bias the test knows of). Far: the estimate sits
 * more than twice the larger of the interval's half-width and its reach
 * toward the truth away from it. The test stops when e is no estimate. */
void cx_truth_interval(cx_truth *t, const cJSON *e, const char *name, double truth,
                       double lo_slack, double hi_slack);

/* A value the fit must find exactly (to 1e-3); a missing one is wrong. */
void cx_truth_exact(cx_truth *t, const cJSON *v, const char *name, double truth);

#endif /* CXTRUTH_H */
