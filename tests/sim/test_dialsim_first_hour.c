/* test_dialsim_first_hour.c - dialsim as a first-time user meets it (issue
 * 15): the shipped example runs, --help reads as written, sweep says what it
 * wrote and keeps quiet when asked, never overwrites its own config, and a
 * run whose memory would pass the budget is refused up front with the
 * estimate. (The progress line on a terminal is checked through a pty in
 * tests/docs/check_progress_tty.sh.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cxproc.h"
#include "cxtest.h"

static char out[1 << 16], err[1 << 16];

static int run(char *const argv[])
{
    out[0] = err[0] = '\0';
    return cx_run(argv, NULL, out, sizeof out, err, sizeof err);
}

static const char *example(void)
{
    static char buf[1024];
    return cx_test_src(buf, sizeof buf, "sim/examples/typical.json");
}

static void copy_example(const char *to)
{
    char *text = cx_slurp(example());
    CX_REQUIRE(text != NULL);
    FILE *f = fopen(to, "w");
    CX_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
    free(text);
}

static void test_help_reads_as_written(void)
{
    CX_ASSERT_INT_EQ(run((char *const[]){"sim/dialsim", "--help", NULL}), 0);
    CX_ASSERT_CONTAINS(out, "(with its 95% interval)");
    CX_ASSERT_NOT_CONTAINS(out, "%%");
    CX_ASSERT_CONTAINS(out, "--quiet");
}

/* The shipped example is the built-in typical campaign at a real contact
 * rate, and it runs. */
static void test_example_runs(void)
{
    CX_ASSERT_INT_EQ(run((char *const[]){"sim/dialsim", "run", (char *)example(), "--json",
                                         NULL}),
                     0);
    CX_ASSERT_CONTAINS(out, "\"invalid\":");
    CX_ASSERT_STR_EQ(err, "");
}

static void test_sweep_says_what_it_wrote(void)
{
    const char *csv = cx_tmp("s.csv"), *svg = cx_tmp("s.svg");
    char *argv[] = {"sim/dialsim", "sweep", (char *)example(), "--vary",
                    "dialer.answerRate=0.2:0.3:0.1", "--replications", "2", "--out", (char *)csv,
                    "--plot", (char *)svg, NULL};
    CX_ASSERT_INT_EQ(run(argv), 0);
    char want[1200];
    snprintf(want, sizeof want, "dialsim: wrote %s: 2 points x 2 replications, 8 simulated "
                                "hours each\n",
             csv);
    CX_ASSERT_CONTAINS(out, want);
    snprintf(want, sizeof want, "dialsim: wrote %s: abandon rate and occupancy against "
                                "dialer.answerRate\n",
             svg);
    CX_ASSERT_CONTAINS(out, want);
    /* not a terminal: no progress line */
    CX_ASSERT_STR_EQ(err, "");
    struct stat st;
    CU_ASSERT(stat(csv, &st) == 0 && st.st_size > 0);
    CU_ASSERT(stat(svg, &st) == 0 && st.st_size > 0);
    /* --quiet: nothing on either stream, the files still written */
    unlink(csv);
    char *quiet[] = {"sim/dialsim", "sweep", (char *)example(), "--vary",
                     "dialer.answerRate=0.2:0.3:0.1", "--out", (char *)csv, "--quiet", NULL};
    CX_ASSERT_INT_EQ(run(quiet), 0);
    CX_ASSERT_STR_EQ(out, "");
    CX_ASSERT_STR_EQ(err, "");
    CU_ASSERT(stat(csv, &st) == 0 && st.st_size > 0);
}

static void test_sweep_keeps_its_config(void)
{
    const char *cfg = cx_tmp("cfg.json");
    copy_example(cfg);
    char *before = cx_slurp(cfg);
    CX_REQUIRE(before != NULL);
    char alias[1200];
    snprintf(alias, sizeof alias, "%s/./cfg.json", cx_scratch()); /* the same file, another name */
    CX_ASSERT_INT_EQ(run((char *const[]){"sim/dialsim", "sweep", (char *)cfg, "--vary",
                                         "dialer.answerRate=0.2:0.3:0.1", "--out", alias, NULL}),
                     2);
    CX_ASSERT_CONTAINS(err, "is the config file itself");
    CX_ASSERT_INT_EQ(run((char *const[]){"sim/dialsim", "sweep", (char *)cfg, "--vary",
                                         "dialer.answerRate=0.2:0.3:0.1", "--out",
                                         (char *)cx_tmp("x.csv"), "--plot", (char *)cfg, NULL}),
                     2);
    CX_ASSERT_CONTAINS(err, "--plot");
    char *after = cx_slurp(cfg);
    CX_REQUIRE(after != NULL);
    CX_ASSERT_STR_EQ(after, before);
    free(before);
    free(after);
}

/* intervalMinutes 0.01 over ten years: about 500 million intervals, refused
 * at once with the estimate rather than after minutes with "out of memory" */
static void test_memory_budget(void)
{
    const char *cfg = cx_tmp("huge.json");
    FILE *f = fopen(cfg, "w");
    CX_REQUIRE(f != NULL);
    fputs("{\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.2},"
          "\"hours\":87840,\"intervalMinutes\":0.01}",
          f);
    fclose(f);
    CX_ASSERT_INT_EQ(run((char *const[]){"sim/dialsim", "run", (char *)cfg, NULL}), 2);
    CX_ASSERT_CONTAINS(err, "huge.json: intervalMinutes: the per-interval series would need about");
    CX_ASSERT_CONTAINS(err, "527040000 intervals of 0.01 min over 87840 h");
    CX_ASSERT_CONTAINS(err, "raise intervalMinutes");
    CX_ASSERT_STR_EQ(out, "");
}

static const cx_test_case cases[] = {
    {"help_reads_as_written", test_help_reads_as_written},
    {"example_runs", test_example_runs},
    {"sweep_says_what_it_wrote", test_sweep_says_what_it_wrote},
    {"sweep_keeps_its_config", test_sweep_keeps_its_config},
    {"memory_budget", test_memory_budget},
    {NULL, NULL},
};

static int setup(void) { return cx_scratch_open("dialsim1h"); }

static const cx_test_suite suites[] = {
    {"dialsim_first_hour", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
