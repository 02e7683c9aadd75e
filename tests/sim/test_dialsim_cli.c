/* test_dialsim_cli.c - the dialsim program: golden output, exit codes on bad
 * input (nothing simulated, nothing written), sweeps that do not depend on
 * the thread count, plots. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cxproc.h"
#include "cxtest.h"

/* a file of tests/sim/data/, as an argument */
#define DATA(name) ((char *)cx_src("tests/sim/data/" name))

static char out[1 << 16], err[1 << 14];

static void test_golden_output(void)
{
    /* A fixed seed gives these bytes. When the model changes on purpose,
     * regenerate tests/sim/data/golden.out.json and say why in the commit. */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", DATA("golden.json"), "--json",
                                            NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    char *want = cx_slurp(DATA("golden.out.json"));
    CX_REQUIRE(want != NULL);
    CX_ASSERT_STR_EQ(out, want);
    free(want);
    /* the table names the seed and the interval method */
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "run", DATA("golden.json"),
                                            NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    CX_ASSERT_CONTAINS(out, "seed 2026");
    CX_ASSERT_CONTAINS(out, "abandon rate (truth)");
    CX_ASSERT_CONTAINS(out, "ACD: abandon rate");
}

static void test_bad_input_exits_2(void)
{
    cx_write_tmp("bad.json", "{\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.5,"
                                "\"wrapTime\":{\"dist\":\"gamma\",\"mean\":10,\"sd\":-1}}}");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", (char *)cx_tmp("bad.json"), NULL}, NULL,
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
    char *const base[] = {"sim/dialsim", "sweep", DATA("sweep.json"), "--vary",
                          "dialer.answerRate=0.6:0.8:0.1", "--vary", "campaign.agents=10:20:10",
                          "--replications", "2", "--out"};
    char *argv1[16], *argv2[16];
    memcpy(argv1, base, sizeof base);
    memcpy(argv2, base, sizeof base);
    char csv1[1024], csv2[1024], svg[1024];
    snprintf(csv1, sizeof csv1, "%s", cx_tmp("one.csv"));
    snprintf(csv2, sizeof csv2, "%s", cx_tmp("two.csv"));
    snprintf(svg, sizeof svg, "%s", cx_tmp("plot.svg"));
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
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", DATA("sweep.json"),
                                            "--vary", "campaign.agents=10:11:0.5", "--out",
                                            (char *)cx_tmp("never.csv"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "sweep point campaign.agents=10.5");
    CX_ASSERT_CONTAINS(err, "campaign.agents: must be a whole number");
    struct stat st;
    CU_ASSERT(stat(cx_tmp("never.csv"), &st) != 0);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", DATA("sweep.json"),
                                            "--vary", "dialer.answerRate=0.9:0.5:0.1", "--out",
                                            (char *)cx_tmp("never.csv"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "--vary dialer.answerRate=0.9:0.5:0.1");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", DATA("sweep.json"),
                                            "--vary", "dialer.answerRate=0.5:0.6:0.1", "--out",
                                            (char *)cx_tmp("x.csv"), "--plot",
                                            (char *)cx_tmp("x.gif"), NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "must end in .svg or .png");
}

/* Column `name` of the CSV header line `head` (0-based), or -1. */
static int csv_column(const char *head, const char *name)
{
    size_t n = strlen(name);
    int col = 0;
    for (const char *p = head; *p && *p != '\n'; col++) {
        size_t len = strcspn(p, ",\n");
        if (len == n && strncmp(p, name, n) == 0)
            return col;
        p += len;
        if (*p == ',')
            p++;
    }
    return -1;
}

/* The numbers of one CSV line into v (at most 32); returns their count. */
static int csv_numbers(const char *line, double *v)
{
    int n = 0;
    const char *p = line;
    while (n < 32 && *p && *p != '\n') {
        char *end;
        v[n++] = strtod(p, &end);
        p = end;
        if (*p == ',')
            p++;
    }
    return n;
}

/* A small abandon rate over two replications: the t interval (12.7 times
 * the standard error) reaches below 0 at some points. A rate cannot be
 * negative, so the CSV, which the plot draws, keeps the lower bound at 0;
 * the interval's other end is the one computed (mean + half width). */
static void test_sweep_interval_clipped(void)
{
    char csv[1024], svg[1024];
    snprintf(csv, sizeof csv, "%s", cx_tmp("clip.csv"));
    snprintf(svg, sizeof svg, "%s", cx_tmp("clip.svg"));
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"sim/dialsim", "sweep", DATA("sweep.json"),
                                            "--vary", "dialer.abandonRate=0.001:0.003:0.001",
                                            "--vary", "campaign.agents=10:20:10",
                                            "--replications", "2", "--out", csv, "--plot", svg,
                                            "--quiet", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     0);
    char *text = cx_slurp(csv);
    CX_REQUIRE(text != NULL);
    const char *names[][3] = {{"abandonRate", "abandonRateLo", "abandonRateHi"},
                              {"observedAbandonRate", "observedAbandonRateLo",
                               "observedAbandonRateHi"}};
    int clipped = 0, rows = 0;
    for (const char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        double v[32];
        int n = csv_numbers(line + 1, v);
        rows++;
        for (int m = 0; m < 2; m++) {
            int c[3];
            for (int k = 0; k < 3; k++) {
                c[k] = csv_column(text, names[m][k]);
                CX_REQUIRE(c[k] >= 0 && c[k] < n);
            }
            double mean = v[c[0]], lo = v[c[1]], hi = v[c[2]];
            cx__assert_fmt(lo >= 0 && lo <= mean, __LINE__, __FILE__,
                           "row %d: %s %g not in [0, the mean %g]", rows, names[m][1], lo, mean);
            if (2 * mean - hi < -1e-6) { /* the interval's own lower end is below 0 */
                clipped++;
                cx__assert_fmt(lo == 0, __LINE__, __FILE__, "row %d: %s %g, want 0", rows,
                               names[m][1], lo);
            }
        }
    }
    CX_ASSERT_INT_EQ(rows, 3 * 2);
    /* the case reaches the clip (seed 9: two points, truth and the ACD's) */
    CU_ASSERT(clipped > 0);
    char *plot = cx_slurp(svg);
    CX_REQUIRE(plot != NULL);
    CX_ASSERT_CONTAINS(plot, "<svg");
    free(plot);
    free(text);
}

/* A plot gnuplot could not make is not left behind: with no gnuplot on
 * the PATH the sweep says so, and with one that writes half a plot and
 * fails, nothing is at the plot's path (common/tools/cx_plot.c: the output
 * goes to a temporary file, renamed into place only when gnuplot
 * succeeded). The CSV, written first, stays. */
static void test_plot_not_half_written(void)
{
    char bin[1024], fake[1024], path_env[2100], csv[1024], svg[1024];
    snprintf(bin, sizeof bin, "%s", cx_tmp("bin"));
    CX_REQUIRE(mkdir(bin, 0755) == 0);
    snprintf(csv, sizeof csv, "%s", cx_tmp("np.csv"));
    snprintf(svg, sizeof svg, "%s", cx_tmp("np.svg"));
    char *argv[] = {"sim/dialsim", "sweep", DATA("sweep.json"), "--vary",
                    "dialer.answerRate=0.6:0.7:0.1", "--replications", "2", "--out", csv,
                    "--plot", svg, "--quiet", NULL};
    struct stat st;
    /* no gnuplot at all; under valgrind (tests/valgrind.sh traces the
     * child) a PATH without /usr/bin leaves valgrind unable to start the
     * child, so that build checks only the half-written plot below */
    snprintf(path_env, sizeof path_env, "PATH=%s", bin);
    char *env[] = {path_env, NULL};
    if (!getenv("CX_VALGRIND")) {
        CX_ASSERT_INT_EQ(cx_run(argv, env, out, sizeof out, err, sizeof err), 1);
        CX_ASSERT_CONTAINS(err, "dialsim: cannot run gnuplot: it is not on the PATH (install "
                                "gnuplot-nox)");
        CU_ASSERT(stat(csv, &st) == 0);
        CU_ASSERT(stat(svg, &st) != 0);
    }
    /* a gnuplot that writes half a plot, then fails */
    snprintf(fake, sizeof fake, "%s/gnuplot", bin);
    cx_write(fake, "#!/bin/sh\n"
                     "out=$(sed -n \"s/^set output '\\(.*\\)'$/\\1/p\" | head -n 1)\n"
                     "printf '<svg half' > \"$out\"\n"
                     "exit 3\n");
    CX_REQUIRE(chmod(fake, 0755) == 0);
    snprintf(path_env, sizeof path_env, "PATH=%s:/usr/bin:/bin", bin);
    CX_ASSERT_INT_EQ(cx_run(argv, env, out, sizeof out, err, sizeof err), 1);
    CX_ASSERT_CONTAINS(err, "gnuplot failed (exit status 3)");
    CU_ASSERT(stat(svg, &st) != 0);
    /* nothing else is left beside the CSV: no data or temporary file */
    char *ls = NULL;
    size_t n = 0;
    FILE *l = open_memstream(&ls, &n);
    CX_REQUIRE(l != NULL);
    DIR *d = opendir(cx_scratch());
    CX_REQUIRE(d != NULL);
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, "np.", 3) == 0)
            fprintf(l, "%s ", e->d_name);
    closedir(d);
    fclose(l);
    CX_ASSERT_STR_EQ(ls, "np.csv ");
    free(ls);
}

static const cx_test_case cases[] = {
    {"golden_output", test_golden_output},
    {"bad_input_exits_2", test_bad_input_exits_2},
    {"sweep_thread_independent", test_sweep_thread_independent},
    {"sweep_bad_point", test_sweep_bad_point},
    {"sweep_interval_clipped", test_sweep_interval_clipped},
    {"plot_not_half_written", test_plot_not_half_written},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("dialsim"); }

static const cx_test_suite suites[] = {
    {"dialsim", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
