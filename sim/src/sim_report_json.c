/* sim_report_json.c - a report's --json output written as it is made.
 *
 * sim_report_to_json builds the whole report as one cJSON tree: about a
 * kilobyte per point of the series, and the printed text again, so a long
 * run's output took ten times the memory of the series itself (107 MB for
 * 20,000 simulated hours in 15-minute intervals). This writes the same
 * bytes as cJSON_Print(sim_report_to_json(r)) without holding them: the
 * report without its series through cJSON, then each point written as
 * cJSON would print it, with no tree at all (a third of a 20,000-hour
 * run's time went to building and printing the points' trees);
 * tests/sim/test_sim_memory.c compares the two byte for byte. */
#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"

/* The report's tree without its series. */
static cJSON *part(const sim_report *r)
{
    sim_report h = *r;
    h.series = NULL;
    h.n_series = 0;
    return sim_report_to_json(&h);
}

/* A number as cJSON 1.7 prints it (print_number): an int when it is
 * one, else 15 significant digits when they read back as the same double
 * (cJSON's compare_double), else 17. */
static void number(double d, char out[32])
{
    int i = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
    if (isnan(d) || isinf(d)) {
        strcpy(out, "null");
    } else if (d == (double)i) {
        snprintf(out, 32, "%d", i);
    } else {
        snprintf(out, 32, "%1.15g", d);
        double test = strtod(out, NULL);
        double max = fabs(test) > fabs(d) ? fabs(test) : fabs(d);
        if (!(fabs(test - d) <= max * DBL_EPSILON))
            snprintf(out, 32, "%1.17g", d);
    }
}

static double round_to(double x, double unit) { return round(x / unit) * unit; }

/* One point of the series at its depth in the report, as cJSON_Print
 * writes sim_report_to_json's (same keys, same rounding: the test compares
 * the two outputs byte for byte, so a change to one that the other lacks
 * fails it). */
static int write_point(const sim_point *p, FILE *f)
{
    const double C = 1e-3, R = 1e-6;
    const struct {
        const char *key;
        double v;
    } kv[] = {
        {"start", p->t0},
        {"end", p->t1},
        {"attempts", round_to(p->attempts, C)},
        {"liveAnswers", round_to(p->live_answers, C)},
        {"abandoned", round_to(p->abandoned, C)},
        {"abandonRate", round_to(p->abandon_rate, R)},
        {"observedAbandonRate", round_to(p->observed_abandon_rate, R)},
        {"occupancy", round_to(p->occupancy, R)},
        {"agents", round_to(p->agents, C)},
    };
    size_t n = sizeof kv / sizeof *kv;
    if (fputs("{\n", f) == EOF)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char num[32];
        number(kv[i].v, num);
        if (fprintf(f, "\t\t\t\"%s\":\t%s%s\n", kv[i].key, num, i + 1 < n ? "," : "") < 0)
            return -1;
    }
    return fputs("\t\t}", f) == EOF ? -1 : 0;
}

sim_status sim_report_write_json(const sim_report *r, FILE *f, cx_error *err)
{
    static const char tail[] = "[]\n}";
    cJSON *j = part(r);
    char *head = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!head)
        return cx_error_set(err, SIM_ENOMEM, "out of memory writing the report");
    size_t len = strlen(head), tl = sizeof tail - 1;
    if (len < tl || strcmp(head + len - tl, tail) != 0) { /* "series" is the last key */
        free(head);
        return cx_error_set(err, SIM_EINVAL, "the report's JSON does not end with its series");
    }
    bool ok = fwrite(head, 1, len - tl + 1, f) == len - tl + 1; /* up to '[' */
    free(head);
    for (size_t i = 0; ok && i < r->n_series; i++)
        ok = (i == 0 || fputs(", ", f) != EOF) && write_point(&r->series[i], f) == 0;
    if (!ok || fputs("]\n}\n", f) == EOF)
        return cx_error_set(err, SIM_EIO, "could not write the report");
    return SIM_OK;
}
