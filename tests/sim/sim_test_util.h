/* sim_test_util.h - building configs from JSON text in tests. */
#ifndef SIM_TEST_UTIL_H
#define SIM_TEST_UTIL_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cxtest.h"
#include "dialsim.h"

/* Parses a config from text; fails the test on error. */
static inline void cfg_from(const char *text, sim_config *cfg)
{
    cx_error err = {0};
    cJSON *j = cJSON_Parse(text);
    CU_ASSERT_FATAL(j != NULL);
    sim_status st = sim_config_parse(j, "test.json", cfg, &err);
    if (st != SIM_OK)
        fprintf(stderr, "config error: %s\n", err.msg);
    cJSON_Delete(j);
    CU_ASSERT_FATAL(st == SIM_OK);
}

static inline sim_report *run_text(const char *text)
{
    sim_config cfg;
    cfg_from(text, &cfg);
    sim_report *r = NULL;
    cx_error err = {0};
    sim_status st = sim_run(&cfg, 2, &r, &err);
    if (st != SIM_OK)
        fprintf(stderr, "run error: %s\n", err.msg);
    sim_config_free(&cfg);
    CU_ASSERT_FATAL(st == SIM_OK && r != NULL);
    return r;
}

/* theory within the 95% interval widened by `slack` (absolute), printing
 * both sides on failure */
#define CX_ASSERT_IN_CI(est, theory, slack)                                                    \
    do {                                                                                       \
        sim_estimate e_ = (est);                                                               \
        double t_ = (theory), s_ = (slack);                                                    \
        cx__assert_fmt(t_ >= e_.lo - s_ && t_ <= e_.hi + s_, __LINE__, __FILE__,               \
                       "%s: theory %.6g outside the simulated 95%% interval [%.6g, %.6g] "     \
                       "(mean %.6g, slack %.3g)",                                              \
                       #est, t_, e_.lo, e_.hi, e_.mean, s_);                                   \
    } while (0)

#endif
