/* opt_show.c - the campaign as the API reports it. */
#include <cjson/cJSON.h>

#include "opt_internal.h"

opt_status opt_show(opt_optimizer *o, cJSON **out, cx_error *err)
{
    *out = NULL;
    opt__campaign cur;
    opt_status st = o->profile->read(o->client, &o->ep, &cur, NULL, err);
    if (st != OPT_OK)
        return st;
    cJSON *j = cJSON_CreateObject();
    cJSON *pd = opt_params_to_json(&cur.params);
    if (!j || !pd) {
        cJSON_Delete(j);
        cJSON_Delete(pd);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    cJSON_AddStringToObject(j, "id", cur.id);
    cJSON_AddStringToObject(j, "name", cur.name);
    cJSON_AddStringToObject(j, "status", cur.status);
    cJSON_AddItemToObject(j, "predictiveDialer", pd);
    if (cur.agents > 0)
        cJSON_AddNumberToObject(j, "agentsStaffed", cur.agents);
    if (cur.version >= 0)
        cJSON_AddNumberToObject(j, "version", (double)cur.version);
    if (cur.etag[0])
        cJSON_AddStringToObject(j, "etag", cur.etag);
    cJSON_AddStringToObject(j, "profile", o->profile->name);
    opt_stats stats = {0};
    if (o->profile->stats &&
        o->profile->stats(o->client, &o->ep, o->s.window_s, o->s.stats_period_s, o->clk, &stats,
                          NULL, err) == OPT_OK &&
        stats.available) {
        cJSON *s = cJSON_AddObjectToObject(j, "stats");
        if (s) {
            cJSON_AddNumberToObject(s, "windowSeconds", stats.window_s);
            cJSON_AddNumberToObject(s, "coveredSeconds", stats.covered_s);
            cJSON_AddNumberToObject(s, "attempts", (double)stats.attempts);
            cJSON_AddNumberToObject(s, "liveAnswers", (double)stats.live_answers);
            cJSON_AddNumberToObject(s, "abandoned", (double)stats.abandoned);
            cJSON_AddNumberToObject(s, "abandonRate",
                                    stats.live_answers ? (double)stats.abandoned /
                                                             (double)stats.live_answers
                                                       : 0);
            cJSON_AddNumberToObject(s, "abandonRateUpper95",
                                    opt__wilson_upper(stats.abandoned, stats.live_answers));
            cJSON_AddNumberToObject(s, "occupancy", stats.occupancy);
            cJSON_AddNumberToObject(s, "agentsStaffed", stats.agents);
        }
    }
    *out = j;
    return OPT_OK;
}
