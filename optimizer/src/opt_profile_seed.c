/* opt_profile_seed.c - the seed document's API contract.
 *
 *   POST {auth_url}  grant_type=client_credentials&client_id=..&client_secret=..
 *   GET   {api}/api/v2/campaigns/{id}            -> campaign JSON + ETag
 *   PATCH {api}/api/v2/campaigns/{id}  If-Match  {"predictiveDialer":{...}}
 *
 * These are not CXone's real endpoints (see ../shared/CXONE.md); they are the
 * contract the seed's Go service and mockcxone share. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt_profile.h"

static opt_status seed_token_build(void *ud, const char *refresh, opt__request *req,
                                   cx_buf *body, char *authz, size_t authz_n, cx_error *err)
{
    const opt__endpoint *ep = ud;
    (void)authz;
    (void)authz_n;
    int bad = 0;
    if (refresh) {
        bad |= cx_buf_printf(body, "grant_type=refresh_token&refresh_token=");
        bad |= opt__url_encode(body, refresh);
    } else {
        bad |= cx_buf_printf(body, "grant_type=client_credentials&client_id=");
        bad |= opt__url_encode(body, ep->client_id);
        bad |= cx_buf_printf(body, "&client_secret=");
        bad |= opt__url_encode(body, ep->client_secret);
    }
    if (bad)
        return cx_error_set(err, OPT_ENOMEM, "token request too large");
    req->method = "POST";
    req->url = ep->auth_url;
    req->content_type = "application/x-www-form-urlencoded";
    return OPT_OK;
}

static opt_status campaign_path(const opt__endpoint *ep, char *path, size_t n, cx_error *err)
{
    cx_buf enc;
    cx_buf_init(&enc, 512);
    if (opt__url_encode(&enc, ep->campaign_id) != 0) {
        cx_buf_free(&enc);
        return cx_error_set(err, OPT_EUSAGE, "campaign id too long");
    }
    snprintf(path, n, "/api/v2/campaigns/%s", enc.data ? enc.data : "");
    cx_buf_free(&enc);
    return OPT_OK;
}

opt_status opt__seed_parse_campaign(const char *text, size_t len, const char *etag,
                                    const char *what, opt__campaign *out, cx_error *err)
{
    cJSON *j = cx_json_parse(text, len, what, err);
    if (!j)
        return err ? (err->code = OPT_EAPI) : OPT_EAPI;
    opt_status st = OPT_EAPI;
    cx_jobj o;
    const char *id = NULL, *name = "", *status = NULL;
    long version = -1;
    memset(out, 0, sizeof *out);
    out->params = opt_params_seed();
    if (cx_jobj_init(&o, j, what, "", OPT_EAPI, err) != 0 ||
        cx_jobj_str(&o, "id", true, &id) != 0 || cx_jobj_str(&o, "name", false, &name) != 0 ||
        cx_jobj_str(&o, "status", true, &status) != 0 ||
        cx_jobj_int(&o, "version", false, 0, 9007199254740991L, &version) != 0)
        goto out;
    const cJSON *pd = cx_jobj_get(&o, "predictiveDialer");
    if (!pd) {
        cx_jobj_fail(&o, "predictiveDialer", "required key is missing");
        goto out;
    }
    if (opt_params_from_json(pd, what, "predictiveDialer", false, &out->params, err) != OPT_OK) {
        err->code = OPT_EAPI;
        goto out;
    }
    cx_copy(out->id, sizeof out->id, id);
    cx_copy(out->name, sizeof out->name, name);
    cx_copy(out->status, sizeof out->status, status);
    out->version = version;
    cx_copy(out->etag, sizeof out->etag, etag);
    st = OPT_OK;
out:
    cJSON_Delete(j);
    return st;
}

static opt_status seed_read(opt__client *c, opt__endpoint *ep, opt__campaign *out,
                            opt__call_log *log, cx_error *err)
{
    char path[700];
    opt_status st = campaign_path(ep, path, sizeof path, err);
    if (st != OPT_OK)
        return st;
    opt__response resp;
    opt__response_init(&resp);
    st = opt__client_call(c, "GET", path, NULL, 0, NULL, &resp, log, err);
    if (st == OPT_OK) {
        char what[760];
        snprintf(what, sizeof what, "GET %s", path);
        st = opt__seed_parse_campaign(resp.body.data ? resp.body.data : "", resp.body.len,
                                              resp.etag, what, out, err);
    }
    opt__response_free(&resp);
    return st;
}

static opt_status seed_write(opt__client *c, opt__endpoint *ep, const opt__campaign *cur,
                             const opt_params *target, opt__campaign *after, char *note,
                             size_t note_n, opt__call_log *log, cx_error *err)
{
    char path[700];
    opt_status st = campaign_path(ep, path, sizeof path, err);
    if (st != OPT_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    cJSON *pd = opt_params_to_json(target);
    char *text = NULL;
    if (!body || !pd || !cJSON_AddItemToObject(body, "predictiveDialer", pd)) {
        cJSON_Delete(pd);
        cJSON_Delete(body);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    opt__response resp;
    opt__response_init(&resp);
    st = opt__client_call(c, "PATCH", path, text, strlen(text), cur->etag[0] ? cur->etag : NULL,
                          &resp, log, err);
    if (st == OPT_OK) {
        /* accepted: the answer should show the settings; when it does not,
         * they are read again, and a failure to read them leaves the write
         * accepted but not verified, never failed */
        char what[760];
        snprintf(what, sizeof what, "PATCH %s", path);
        cx_error pe = {0};
        if (opt__seed_parse_campaign(resp.body.data ? resp.body.data : "", resp.body.len,
                                     resp.etag, what, after, &pe) != OPT_OK) {
            cx_error re = {0};
            after->known = seed_read(c, ep, after, log, &re) == OPT_OK;
            after->verified = after->known && opt_params_equal(&after->params, target);
            if (!after->known)
                snprintf(note, note_n, "the answer to the PATCH lacks the dialer settings (%s), "
                         "and reading them again failed: %s", pe.msg, re.msg);
            else
                snprintf(note, note_n, "the answer to the PATCH lacks the dialer settings: "
                         "read again, they are %s", after->verified ? "the target" : "not the target");
        } else {
            after->known = true;
            after->verified = opt_params_equal(&after->params, target);
        }
    }
    opt__response_free(&resp);
    free(text);
    return st;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static opt_status seed_stats(opt__client *c, opt__endpoint *ep, double window_s,
                             double period_s, cx_clock *clk, opt_stats *out, opt__call_log *log,
                             cx_error *err)
{
    (void)clk;
    char path[700], base[700];
    memset(out, 0, sizeof *out);
    opt_status st = campaign_path(ep, base, sizeof base, err);
    if (st != OPT_OK)
        return st;
    snprintf(path, sizeof path, "%s/stats?window=%.0f&period=%.0f", base, window_s, period_s);
    opt__response resp;
    opt__response_init(&resp);
    st = opt__client_call(c, "GET", path, NULL, 0, NULL, &resp, log, err);
    if (st == OPT_EAPI && resp.status == 404) { /* no stats for this campaign */
        opt__response_free(&resp);
        cx_error_clear(err);
        return OPT_OK;
    }
    if (st == OPT_OK) {
        cJSON *j = cx_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, path, NULL);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "window");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "period");
        if (!cJSON_IsObject(w) || !cJSON_IsObject(p)) {
            st = cx_error_set(err, OPT_EAPI, "GET %s: the stats lack window or period", path);
        } else {
            out->available = true;
            out->window_s = num(w, "seconds");
            out->covered_s = num(w, "coveredSeconds");
            out->attempts = (long)num(w, "attempts");
            out->live_answers = (long)num(w, "liveAnswers");
            out->abandoned = (long)num(w, "abandoned");
            out->machine_answers = (long)num(w, "machineAnswers");
            out->machines_to_agents = (long)num(w, "machinesToAgents");
            out->occupancy = num(w, "occupancy");
            out->agents = (int)num(j, "agentsStaffed");
            out->mean_handle_s = num(j, "averageHandleTime");
            out->period_s = num(p, "coveredSeconds");
            out->period_attempts = (long)num(p, "attempts");
            out->period_live_answers = (long)num(p, "liveAnswers");
            out->period_abandoned = (long)num(p, "abandoned");
            out->period_occupancy = num(p, "occupancy");
        }
        cJSON_Delete(j);
    }
    opt__response_free(&resp);
    return st;
}

const opt__profile opt__profile_seed = {
    .name = "seed",
    .token_build = seed_token_build,
    .read = seed_read,
    .write = seed_write,
    .stats = seed_stats,
    .etag = true,
    .write_scope = "campaign:write",
};

const opt__profile *opt__profile_find(const char *name)
{
    if (!name || strcmp(name, "seed") == 0)
        return &opt__profile_seed;
    if (strcmp(name, "cxone") == 0)
        return &opt__profile_cxone;
    return NULL;
}
