/* cxtruth.c - fitted estimates against the truth (cxtruth.h). */
#include "cxtruth.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "cxcommon.h"
#include "cxtest.h"

const cJSON *cx_json_at(const cJSON *o, const char *path)
{
    char buf[128];
    CU_ASSERT_FATAL(cx_copy(buf, sizeof buf, path));
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = cJSON_GetObjectItemCaseSensitive(o, k);
    return o;
}

void cx_truth_interval(cx_truth *t, const cJSON *e, const char *name, double truth,
                       double lo_slack, double hi_slack)
{
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(e, "ci95");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(e, "value");
    CU_ASSERT_FATAL(cJSON_IsNumber(value) && cJSON_GetArraySize(ci) == 2);
    double v = value->valuedouble;
    double lo = cJSON_GetArrayItem(ci, 0)->valuedouble - lo_slack;
    double hi = cJSON_GetArrayItem(ci, 1)->valuedouble + hi_slack;
    bool in = truth >= lo && truth <= hi;
    double reach = fmax((hi - lo) / 2, fabs(v - (v < truth ? hi : lo)));
    bool far = fabs(v - truth) > 2 * reach;
    printf("    %-26s true %10.4f  fitted %10.4f  [%10.4f, %10.4f]%s\n", name, truth, v, lo, hi,
           in ? "" : "  MISSED");
    t->n++;
    t->inside += in;
    t->far += far;
}

void cx_truth_exact(cx_truth *t, const cJSON *v, const char *name, double truth)
{
    bool ok = cJSON_IsNumber(v) && fabs(v->valuedouble - truth) < 1e-3;
    printf("    %-26s true %10.4f  fitted %10.4f  (exact)%s\n", name, truth,
           cJSON_IsNumber(v) ? v->valuedouble : NAN, ok ? "" : "  MISSED");
    t->wrong += !ok;
}
