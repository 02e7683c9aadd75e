/* test_dialsim_cli.c - the dialsim program: golden output, exit codes on bad
 * input (nothing simulated, nothing written), sweeps that do not depend on
 * the thread count, plots. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cxproc.h"
#include "cxtest.h"

static char out[1 << 16], err[1 << 14];
static char *dir;

static int setup(void)
{
    dir = cx_test_tmpdir("dialsim");
    return dir ? 0 : 1;
}

static int teardown(void)
{
    cx_test_rmtree(dir);
    free(dir);
    return 0;
}

static const char *data(const char *name)
{
    static char buf[4][1024];
    static int k;
    char rel[256];
    snprintf(rel, sizeof rel, "tests/sim/data/%s", name);
    return cx_test_src(buf[k++ % 4], sizeof buf[0], rel);
}

static const char *tmp(const char *name)
{
    static char buf[4][1024];
    static int k;
    snprintf(buf[k % 4], sizeof buf[0], "%s/%s", dir, name);
    return buf[k++ % 4];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CX_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void test_golden_output(void)
{
    /* A fixed seed gives these bytes. When the model changes on purpose,
     * regenerate tests/sim/data/golden.out.json and say why in the commit. */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", (char *)data("golden.json"), "--json",
                                            NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    char *want = cx_slurp(data("golden.out.json"));
    CX_REQUIRE(want != NULL);
    CX_ASSERT_STR_EQ(out, want);
    free(want);
    /* the table names the seed and the interval method */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "run", (char *)data("golden.json"),
                                            NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    CX_ASSERT_CONTAINS(out, "seed 2026");
    CX_ASSERT_CONTAINS(out, "abandon rate (truth)");
    CX_ASSERT_CONTAINS(out, "ACD: abandon rate");
}

static void test_bad_input_exits_2(void)
{
    write_file(tmp("bad.json"), "{\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5,"
                                "\"wrapTime\":{\"dist\":\"gamma\",\"mean\":10,\"sd\":-1}}}");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", (char *)tmp("bad.json"), NULL}, NULL,
                            out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "bad.json: campaign.wrapTime.sd: must be >= 0, got -1");
    CX_ASSERT_STR_EQ(out, "");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "/no/such.json", NULL}, NULL, out,
                            sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "/no/such.json: cannot open");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "erlang", "10", NULL}, NULL, out,
                            sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "erlang", "15", "8.108", "--handle",
                                            "100", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    CX_ASSERT_CONTAINS(out, "Erlang B  (lost, no waiting)       0.0100");
}

static void test_sweep_thread_independent(void)
{
    char *const base[] = {"sim/dialsim", "sweep", (char *)data("sweep.json"), "--vary",
                          "dialer.answerRate=0.6:0.8:0.1", "--vary", "campaign.agents=10:20:10",
                          "--replications", "2", "--out"};
    char *argv1[16], *argv2[16];
    memcpy(argv1, base, sizeof base);
    memcpy(argv2, base, sizeof base);
    char csv1[1024], csv2[1024], svg[1024];
    snprintf(csv1, sizeof csv1, "%s", tmp("one.csv"));
    snprintf(csv2, sizeof csv2, "%s", tmp("two.csv"));
    snprintf(svg, sizeof svg, "%s", tmp("plot.svg"));
    int n = (int)(sizeof base / sizeof base[0]);
    argv1[n] = csv1;
    argv1[n + 1] = "--threads";
    argv1[n + 2] = "1";
    argv1[n + 3] = NULL;
    argv2[n] = csv2;
    argv2[n + 1] = "--threads";
    argv2[n + 2] = "2";
    argv2[n + 3] = "--plot";
    argv2[n + 4] = svg;
    argv2[n + 5] = NULL;
    CX_ASSERT_INT_EQ(cx_run(argv1, NULL, out, sizeof out, err, sizeof err), 0);
    CX_ASSERT_INT_EQ(cx_run(argv2, NULL, out, sizeof out, err, sizeof err), 0);
    char *s1 = cx_slurp(csv1), *s2 = cx_slurp(csv2), *plot = cx_slurp(svg);
    CX_REQUIRE(s1 && s2 && plot);
    CX_ASSERT_STR_EQ(s2, s1);
    int lines = 0;
    for (char *p = s1; *p; p++)
        lines += *p == '\n';
    CX_ASSERT_INT_EQ(lines, 1 + 3 * 2);
    CX_ASSERT_CONTAINS(s1, "dialer.answerRate,campaign.agents,abandonRate,");
    CX_ASSERT_CONTAINS(plot, "<svg");
    CX_ASSERT_CONTAINS(plot, "limit 3%");
    free(s1);
    free(s2);
    free(plot);
}

static void test_sweep_bad_point(void)
{
    /* half an agent is not a model: refused before anything runs */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", (char *)data("sweep.json"),
                                            "--vary", "campaign.agents=10:11:0.5", "--out",
                                            (char *)tmp("never.csv"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "sweep point campaign.agents=10.5");
    CX_ASSERT_CONTAINS(err, "campaign.agents: must be a whole number");
    struct stat st;
    CU_ASSERT(stat(tmp("never.csv"), &st) != 0);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", (char *)data("sweep.json"),
                                            "--vary", "dialer.answerRate=0.9:0.5:0.1", "--out",
                                            (char *)tmp("never.csv"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "--vary dialer.answerRate=0.9:0.5:0.1");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", (char *)data("sweep.json"),
                                            "--vary", "dialer.answerRate=0.5:0.6:0.1", "--out",
                                            (char *)tmp("x.csv"), "--plot",
                                            (char *)tmp("x.gif"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "must end in .svg or .png");
}

static const cx_test_case cases[] = {
    {"golden_output", test_golden_output},
    {"bad_input_exits_2", test_bad_input_exits_2},
    {"sweep_thread_independent", test_sweep_thread_independent},
    {"sweep_bad_point", test_sweep_bad_point},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"dialsim", setup, teardown, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
