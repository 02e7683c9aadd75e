/* sim_report_json.c - a report's --json output written as it is made.
 *
 * sim_report_to_json builds the whole report as one cJSON tree: about a
 * kilobyte per point of the series, and the printed text again, so a long
 * run's output took ten times the memory of the series itself (107 MB for
 * 20,000 simulated hours in 15-minute intervals). This writes the same
 * bytes as cJSON_Print(sim_report_to_json(r)) without holding them: the
 * report without its series, then the series CHUNK points at a time, each
 * chunk's tree freed before the next (tests/sim/test_sim_memory.c compares
 * the two byte for byte). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"

#define CHUNK 256

/* The report's tree with only points [from, from + n) of its series. */
static cJSON *part(const sim_report *r, size_t from, size_t n)
{
    sim_report h = *r;
    h.series = n ? r->series + from : NULL;
    h.n_series = n;
    return sim_report_to_json(&h);
}

/* One point, printed alone at depth 0, written at its depth in the whole
 * report (an element of "series": two tabs more after each line break). */
static int write_point(const cJSON *pt, FILE *f)
{
    char *s = cJSON_Print(pt);
    if (!s)
        return -1;
    for (const char *p = s; *p; p++) {
        if (putc(*p, f) == EOF) {
            free(s);
            return -1;
        }
        if (*p == '\n' && fputs("\t\t", f) == EOF) {
            free(s);
            return -1;
        }
    }
    free(s);
    return 0;
}

sim_status sim_report_write_json(const sim_report *r, FILE *f, cx_error *err)
{
    static const char tail[] = "[]\n}";
    cJSON *j = part(r, 0, 0);
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
    for (size_t k = 0; ok && k < r->n_series; k += CHUNK) {
        size_t n = r->n_series - k < CHUNK ? r->n_series - k : CHUNK;
        cJSON *c = part(r, k, n);
        const cJSON *series = c ? cJSON_GetObjectItemCaseSensitive(c, "series") : NULL;
        if (!series || cJSON_GetArraySize(series) != (int)n) {
            cJSON_Delete(c);
            return cx_error_set(err, SIM_ENOMEM, "out of memory writing the report");
        }
        const cJSON *pt;
        size_t i = 0;
        cJSON_ArrayForEach(pt, series)
        {
            if ((k + i++ > 0 && fputs(", ", f) == EOF) || write_point(pt, f) != 0) {
                ok = false;
                break;
            }
        }
        cJSON_Delete(c);
    }
    if (!ok || fputs("]\n}\n", f) == EOF)
        return cx_error_set(err, SIM_EIO, "could not write the report");
    return SIM_OK;
}
