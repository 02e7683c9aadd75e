/* test_sim_memory.c - memory stays flat as simulated time grows.
 *
 * No timing here: the engine's own accounting (sim__engine_footprint, every
 * array it holds at its capacity) after 10 times the simulated time, for
 * every strategy, as live simulations run (no end, no series); a run's
 * series is all that grows with its length, and by its own size; and the
 * streamed --json output is byte for byte what the whole cJSON tree prints
 * (sim_report_write_json, which dialsim run uses so that a long run's
 * series never becomes one tree), its numbers printed as cJSON prints them
 * (sim__json_number, on awkward doubles). Before these, a 20,000-hour run
 * took 107 MB, 5 KB a simulated hour. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "sim_engine.h"
#include "sim_json_number.h"
#include "sim_test_util.h"

#define SHORT_H 20.0
#define LONG_H 200.0

#define CX_ASSERT_MSG(cond, ...) cx__assert_fmt((cond), __LINE__, __FILE__, __VA_ARGS__)

static sim_model *typical(void)
{
    cJSON *j = cJSON_Parse(sim_typical_campaign_json());
    CU_ASSERT_FATAL(j != NULL);
    sim_model *m = NULL;
    cx_error err = {0};
    CU_ASSERT_FATAL(sim_model_parse(j, "typical", "campaign", &m, &err) == SIM_OK);
    cJSON_Delete(j);
    return m;
}

/* The footprint after SHORT_H and after LONG_H hours of one engine. */
static void footprints(const sim_model *m, const sim_dialer *d, const sim__engine_opts *o,
                       size_t *at_short, size_t *at_long, uint64_t *attempts)
{
    sim__engine *e = NULL;
    cx_error err = {0};
    CU_ASSERT_FATAL(sim__engine_create(m, d, 11, o, &e, &err) == SIM_OK);
    CU_ASSERT_FATAL(sim__engine_advance(e, SHORT_H * 3600, &err) == SIM_OK);
    *at_short = sim__engine_footprint(e);
    CU_ASSERT_FATAL(sim__engine_advance(e, LONG_H * 3600, &err) == SIM_OK);
    *at_long = sim__engine_footprint(e);
    *attempts = sim__engine_total(e)->attempts;
    sim__engine_destroy(e);
}

/* Live simulations (the mock's campaigns run for days): every strategy's
 * engine holds the same bytes after 200 hours as after 20. */
static void test_live_engine_flat(void)
{
    sim_model *m = typical();
    static const sim_strategy strategies[] = {SIM_PREDICTIVE, SIM_PROGRESSIVE, SIM_POWER,
                                              SIM_PREVIEW,    SIM_FIXED_RATE,  SIM_VICIDIAL};
    static const char *const names[] = {"predictive", "progressive", "power",
                                        "preview",    "fixed-rate",  "vicidial"};
    sim__engine_opts o = {.discard_s = 0, .horizon_s = INFINITY};
    for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
        sim_dialer d = sim_dialer_default();
        d.strategy = strategies[i];
        d.answer_rate = 0.2;
        d.dial_rate = 1.5;
        size_t s, l;
        uint64_t n;
        footprints(m, &d, &o, &s, &l, &n);
        printf("  %-12s %8llu attempts: %zu bytes at %g h, %zu at %g h\n", names[i],
               (unsigned long long)n, s, SHORT_H, l, LONG_H);
        CU_ASSERT(n > 10000);
        CX_ASSERT_MSG(l == s, "%s: the engine grew from %zu to %zu bytes", names[i], s, l);
    }
    sim_model_destroy(m);
}

/* A run that keeps its series (and batch means) grows by the series alone:
 * one tally per interval, nothing else per hour. */
static void test_run_grows_by_its_series(void)
{
    sim_model *m = typical();
    sim_dialer d = sim_dialer_default();
    d.answer_rate = 0.2;
    size_t base[2], series[2];
    double hours[2] = {SHORT_H, LONG_H};
    for (int k = 0; k < 2; k++) {
        sim__engine_opts o = {.discard_s = 0, .horizon_s = hours[k] * 3600,
                              .interval_s = 900, .batches = 20};
        sim__engine *e = NULL;
        cx_error err = {0};
        CU_ASSERT_FATAL(sim__engine_create(m, &d, 5, &o, &e, &err) == SIM_OK);
        CU_ASSERT_FATAL(sim__engine_advance(e, o.horizon_s, &err) == SIM_OK);
        size_t n;
        sim__engine_series(e, &n);
        CU_ASSERT(n == (size_t)(hours[k] * 4));
        series[k] = n * sizeof(sim__bucket);
        base[k] = sim__engine_footprint(e) - series[k];
        sim__engine_destroy(e);
    }
    printf("  without the series: %zu bytes at %g h, %zu at %g h; the series %zu and %zu\n",
           base[0], SHORT_H, base[1], LONG_H, series[0], series[1]);
    CX_ASSERT_MSG(base[1] == base[0], "the run grew by %zu bytes besides its series",
                  base[1] - base[0]);
    sim_model_destroy(m);
}

static char *json_streamed(const sim_report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_FATAL(f != NULL);
    cx_error err = {0};
    CU_ASSERT(sim_report_write_json(r, f, &err) == SIM_OK);
    fclose(f);
    return buf;
}

static char *json_tree(const sim_report *r)
{
    cJSON *j = sim_report_to_json(r);
    CU_ASSERT_FATAL(j != NULL);
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    memcpy(t, s, n);
    memcpy(t + n, "\n", 2);
    free(s);
    return t;
}

/* The streamed output is the tree's, byte for byte: a series of several
 * chunks with two replications, and none at all (intervalMinutes 0). */
static void test_streamed_json_same_bytes(void)
{
    static const char *const configs[] = {
        "{\"campaign\":{\"agents\":12,\"liveAnswerProbability\":0.3,\"machineProbability\":0.2},"
        "\"dialer\":{\"answerRate\":0.3},\"hours\":50,\"intervalMinutes\":5,"
        "\"replications\":2,\"seed\":3}",
        "{\"campaign\":{\"agents\":12,\"liveAnswerProbability\":0.3},\"hours\":3,"
        "\"intervalMinutes\":0}",
    };
    for (size_t i = 0; i < 2; i++) {
        sim_report *r = run_text(configs[i]);
        CU_ASSERT(i == 1 ? r->n_series == 0 : r->n_series == 600);
        char *a = json_streamed(r), *b = json_tree(r);
        CX_ASSERT_MSG(strcmp(a, b) == 0, "config %zu: streamed %zu bytes, the tree %zu", i,
                      strlen(a), strlen(b));
        cJSON *back = cJSON_Parse(a);
        CU_ASSERT(back && cJSON_GetArraySize(cJSON_GetObjectItem(back, "series")) ==
                              (int)r->n_series);
        cJSON_Delete(back);
        free(a);
        free(b);
        sim_report_destroy(r);
    }
}

/* d as cJSON itself prints it. */
static char *cjson_number(double d)
{
    cJSON *n = cJSON_CreateNumber(d);
    CU_ASSERT_FATAL(n != NULL);
    char *s = cJSON_PrintUnformatted(n);
    cJSON_Delete(n);
    return s;
}

/* Checks d and its two neighbours; returns how many differed. */
static int number_differs(double d)
{
    int bad = 0;
    double v[3] = {d, nextafter(d, -INFINITY), nextafter(d, INFINITY)};
    for (int i = 0; i < 3; i++) {
        char ours[SIM__JSON_NUMBER_MAX];
        size_t n = sim__json_number(v[i], ours);
        char *theirs = cjson_number(v[i]);
        if (strcmp(ours, theirs) != 0 || n != strlen(ours)) {
            if (bad++ == 0)
                printf("  %.17g: ours \"%s\", cJSON \"%s\"\n", v[i], ours, theirs);
        }
        free(theirs);
    }
    return bad;
}

static uint64_t next_u64(uint64_t *s)
{
    *s = sim__mix(*s);
    return *s;
}

/* sim__json_number prints cJSON's bytes: whole numbers and ints' edges,
 * counts of thousandths and millionths as the report rounds them (x/unit
 * rounded, times the unit: often one ulp off the nearest double), the
 * shortcut's edges (1e-4, 1e9), tiny, huge and special values, and random
 * bit patterns; each with its two neighbours. */
static void test_json_number_as_cjson(void)
{
    static const double fixed[] = {
        0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 5e-5, 1e-4, 9.9999e-5, 1.5e-4, 1e9,
        999999999.999999, 1e15, 1e16, 1e17, 123456789.123456, 0.065894, 28.038, 0.999999,
        INT_MAX, (double)INT_MAX + 0.5, INT_MIN, (double)INT_MIN - 0.5, 2147483648.0, 4e9,
        DBL_MIN, DBL_MIN / 7, DBL_MAX, DBL_EPSILON, 72000000, 71999100.25, -0.065894,
        NAN, INFINITY, -INFINITY,
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        bad += number_differs(fixed[i]);
    uint64_t s = 16;
    for (int i = 0; i < 20000; i++) {
        uint64_t u = next_u64(&s);
        double k = (double)(u % 2000000000u);            /* up to 2000 in millionths */
        double big = (double)(u >> 20) / 1e6;            /* up to about 1.7e7 */
        bad += number_differs(round(k / 1e6 / 1e-6) * 1e-6);
        bad += number_differs(round(k / 1e3 / 1e-3) * 1e-3);
        bad += number_differs(round(big / 1e-6) * 1e-6);
        bad += number_differs(round((double)(u % 1000u) * 1.37e-7 / 1e-6) * 1e-6);
        bad += number_differs(k / 1e6);
        double bits;
        uint64_t b = next_u64(&s);
        memcpy(&bits, &b, sizeof bits);
        bad += number_differs(bits);
        bad += number_differs((double)(int64_t)(u >> 30) / 7.0);
    }
    CX_ASSERT_MSG(bad == 0, "%d doubles printed otherwise than cJSON prints them", bad);
}

/* intervalMinutes: 0 keeps no series; below 0.01 it is refused, named. */
static void test_interval_zero_or_named(void)
{
    cJSON *j = cJSON_Parse("{\"campaign\":{\"agents\":5,\"liveAnswerProbability\":0.3},"
                           "\"intervalMinutes\":0.001}");
    sim_config cfg;
    cx_error err = {0};
    CU_ASSERT(sim_config_parse(j, "m.json", &cfg, &err) == SIM_EINVAL);
    CU_ASSERT(strstr(err.msg, "m.json") && strstr(err.msg, "intervalMinutes"));
    cJSON_Delete(j);
    sim_config_free(&cfg);
}

static const cx_test_case cases[] = {
    {"live_engine_flat", test_live_engine_flat},
    {"run_grows_by_its_series", test_run_grows_by_its_series},
    {"streamed_json_same_bytes", test_streamed_json_same_bytes},
    {"json_number_as_cjson", test_json_number_as_cjson},
    {"interval_zero_or_named", test_interval_zero_or_named},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"memory", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
