/* sim_report_json.c - a report's --json output written as it is made.
 *
 * sim_report_to_json builds the whole report as one cJSON tree: about a
 * kilobyte per point of the series, and the printed text again, so a long
 * run's output took ten times the memory of the series itself (107 MB for
 * 20,000 simulated hours in 15-minute intervals). This writes the same
 * bytes as cJSON_Print(sim_report_to_json(r)) without holding them: the
 * report without its series through cJSON, then each point written as
 * cJSON would print it, with no tree at all (a third of a 20,000-hour
 * run's time went to building and printing the points' trees), its
 * numbers by sim__json_number, cJSON's bytes without its snprintf and
 * strtod per number (they were a twentieth of that run's time);
 * tests/sim/test_sim_memory.c compares the two byte for byte. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"
#include "sim_json_number.h"

/* The report's tree without its series. */
static cJSON *part(const sim_report *r)
{
    sim_report h = *r;
    h.series = NULL;
    h.n_series = 0;
    return sim_report_to_json(&h);
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
    char buf[9 * (4 + 19 + 3 + SIM__JSON_NUMBER_MAX + 2) + 8]; /* 9 keys, numbers, tabs */
    size_t len = 0;
    buf[len++] = '{';
    buf[len++] = '\n';
    for (size_t i = 0; i < n; i++) {
        size_t kl = strlen(kv[i].key);
        memcpy(buf + len, "\t\t\t\"", 4);
        memcpy(buf + len + 4, kv[i].key, kl);
        memcpy(buf + len + 4 + kl, "\":\t", 3);
        len += 7 + kl;
        len += sim__json_number(kv[i].v, buf + len);
        if (i + 1 < n)
            buf[len++] = ',';
        buf[len++] = '\n';
    }
    memcpy(buf + len, "\t\t}", 3);
    len += 3;
    return fwrite(buf, 1, len, f) == len ? 0 : -1;
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
