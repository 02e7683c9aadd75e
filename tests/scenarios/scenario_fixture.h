/* scenario_fixture.h - what the scenario runner's test programs share: a
 * scratch directory per program, the test data's paths, and small files
 * written into the scratch directory. Include once, from one test file;
 * define SCENARIO_FIXTURE_TAG (the scratch directory's name) first. */
#ifndef SCENARIO_FIXTURE_H
#define SCENARIO_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "cxtest.h"

static char *dir;

static int setup(void)
{
    dir = cx_test_tmpdir(SCENARIO_FIXTURE_TAG);
    return dir ? 0 : 1;
}

static int teardown(void)
{
    cx_test_rmtree(dir);
    free(dir);
    return 0;
}

/* tests/scenarios/data/NAME in the source tree (four results live at once) */
static const char *data(const char *name)
{
    static char buf[4][1024];
    static int k;
    char rel[256];
    snprintf(rel, sizeof rel, "tests/scenarios/data/%s", name);
    return cx_test_src(buf[k++ % 4], sizeof buf[0], rel);
}

/* Writes text to DIR/NAME; its path (four results live at once). */
static const char *write_tmp(const char *name, const char *text)
{
    static char buf[4][1024];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 1024, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CX_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
    return p;
}

#endif
