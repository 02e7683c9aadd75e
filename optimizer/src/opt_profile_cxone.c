/* opt_profile_cxone.c - NICE CXone's real API (../shared/CXONE.md): the same
 * cycle, another contract.
 *
 *   login    POST {auth_url}  Basic base64(urlenc(client id):urlenc(secret)),
 *            grant_type=password&username=<access key id>&password=<secret>
 *            (refresh_token when the last grant gave one)
 *   host     CXONE_API_URL, else GET {auth origin}/.well-known/
 *            cxone-configuration?tenantId=... -> api_endpoint
 *   read     GET .../inContactAPI/services/vNN.0/skills/{id}             (isActive)
 *            GET .../skills/{id}/parameters                     (the blocks)
 *            GET .../skills/{id}/activity              (staffed, per-agent)
 *   write    PUT .../skills/{id}/parameters/general-settings  {"generalSettings":{changed}}
 *            PUT .../skills/{id}/parameters/cpa-management    {"cpaSettings":{changed}}
 *            then the parameters again: CXone has no ETag, the last write
 *            wins, so a change that landed meanwhile is reported, not hidden
 *   stats    GET .../skills/{id}/call-data?startDate=&endDate=  (window, period)
 *
 * The seed's concepts become real fields through a mapping (opt_mapping.h)
 * users can edit. call-data's DialedContacts and Occupancy are not in NICE's
 * documents (the mock provides them); without them the live-answer rate
 * cannot be estimated and the policies keep the dialer's own estimate. */
#include <cjson/cJSON.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt_profile.h"

/* -------------------------------------------------------------- login */

static opt_status cx_token_build(void *ud, const char *refresh, opt__request *req, cx_buf *body,
                                 char *authz, size_t authz_n, cx_error *err)
{
    const opt__endpoint *ep = ud;
    cx_buf pair;
    cx_buf_init(&pair, 4096);
    int bad = opt__url_encode(&pair, ep->client_id) | cx_buf_append(&pair, ":", 1) |
              opt__url_encode(&pair, ep->client_secret);
    unsigned char b64[6000];
    if (bad || pair.len * 4 / 3 + 8 >= sizeof b64 || pair.len * 4 / 3 + 16 >= authz_n) {
        if (pair.data)
            OPENSSL_cleanse(pair.data, pair.len);
        cx_buf_free(&pair);
        return cx_error_set(err, OPT_EUSAGE, "the client id and secret are too long");
    }
    EVP_EncodeBlock(b64, (const unsigned char *)pair.data, (int)pair.len);
    snprintf(authz, authz_n, "Basic %s", (char *)b64);
    OPENSSL_cleanse(pair.data, pair.len);
    OPENSSL_cleanse(b64, sizeof b64);
    cx_buf_free(&pair);
    if (refresh) {
        bad = cx_buf_printf(body, "grant_type=refresh_token&refresh_token=") |
              opt__url_encode(body, refresh);
    } else {
        /* access keys end in ====: they must be URL-encoded */
        bad = cx_buf_printf(body, "grant_type=password&username=") |
              opt__url_encode(body, ep->access_key_id) | cx_buf_printf(body, "&password=") |
              opt__url_encode(body, ep->access_key_secret);
    }
    if (bad)
        return cx_error_set(err, OPT_ENOMEM, "token request too large");
    req->method = "POST";
    req->url = ep->auth_url;
    req->content_type = "application/x-www-form-urlencoded";
    return OPT_OK;
}

/* ---------------------------------------------------------------- host */

/* Makes sure the client's base is {api host}/inContactAPI/services/vNN.0. */
static opt_status ensure_base(opt__client *c, opt__endpoint *ep, opt__call_log *log,
                              cx_error *err)
{
    if (opt__client_base(c)[0])
        return OPT_OK;
    if (!ep->discovered[0] && ep->api_url && ep->api_url[0])
        cx_copy(ep->discovered, sizeof ep->discovered, ep->api_url);
    if (!ep->discovered[0]) {
        /* discovery: the auth URL's origin names the tenant's API host */
        char origin[512], url[1024];
        const char *p = strstr(ep->auth_url, "://");
        size_t n = p ? (size_t)(p + 3 - ep->auth_url) + strcspn(p + 3, "/") : 0;
        if (!n || n >= sizeof origin)
            return cx_error_set(err, OPT_EUSAGE, "cannot take an origin from the auth URL %s",
                                ep->auth_url);
        memcpy(origin, ep->auth_url, n);
        origin[n] = '\0';
        cx_buf t;
        cx_buf_init(&t, 512);
        if (opt__url_encode(&t, ep->tenant_id) != 0) {
            cx_buf_free(&t);
            return cx_error_set(err, OPT_EUSAGE, "tenant id too long");
        }
        snprintf(url, sizeof url, "%s/.well-known/cxone-configuration?tenantId=%s", origin,
                 t.data ? t.data : "");
        cx_buf_free(&t);
        opt__response resp;
        opt__response_init(&resp);
        opt_status st = opt__client_fetch(c, url, &resp, log, err);
        if (st == OPT_OK) {
            cJSON *j = cx_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, url,
                                     NULL);
            const cJSON *api = cJSON_GetObjectItemCaseSensitive(j, "api_endpoint");
            if (cJSON_IsString(api) && api->valuestring[0])
                cx_copy(ep->discovered, sizeof ep->discovered, api->valuestring);
            else
                st = cx_error_set(err, OPT_EAPI, "discovery at %s named no api_endpoint", url);
            cJSON_Delete(j);
        } else {
            cx_error_prefix(err, "discovering the API host of tenant %s", ep->tenant_id);
        }
        opt__response_free(&resp);
        if (st != OPT_OK)
            return st;
    }
    char base[900];
    size_t n = strlen(ep->discovered);
    while (n && ep->discovered[n - 1] == '/')
        n--;
    snprintf(base, sizeof base, "%.*s/inContactAPI/services/%s", (int)n, ep->discovered,
             ep->api_version);
    return opt__client_set_base(c, base) == 0 ? OPT_OK
                                              : cx_error_set(err, OPT_ENOMEM, "out of memory");
}

opt_status opt__cxone_base(opt__client *c, opt__endpoint *ep, opt__call_log *log, cx_error *err)
{
    return ensure_base(c, ep, log, err);
}

/* GET base + path as JSON (caller frees); *status (may be NULL) gets the
 * last HTTP status. */
static opt_status get_json_status(opt__client *c, const char *path, cJSON **out, long *status,
                                  opt__call_log *log, cx_error *err)
{
    *out = NULL;
    opt__response resp;
    opt__response_init(&resp);
    opt_status st = opt__client_call(c, "GET", path, NULL, 0, NULL, &resp, log, err);
    if (status)
        *status = resp.status;
    if (st == OPT_OK) {
        *out = cx_json_parse(resp.body.data ? resp.body.data : "", resp.body.len, path, err);
        if (!*out)
            st = err ? (opt_status)(err->code = OPT_EAPI) : OPT_EAPI;
    }
    opt__response_free(&resp);
    return st;
}

static opt_status get_json(opt__client *c, const char *path, cJSON **out, opt__call_log *log,
                           cx_error *err)
{
    return get_json_status(c, path, out, NULL, log, err);
}

static opt_status skill_path(const opt__endpoint *ep, const char *tail, char *out, size_t n,
                             cx_error *err)
{
    cx_buf id;
    cx_buf_init(&id, 512);
    if (opt__url_encode(&id, ep->campaign_id) != 0) {
        cx_buf_free(&id);
        return cx_error_set(err, OPT_EUSAGE, "skill id too long");
    }
    snprintf(out, n, "/skills/%s%s", id.data ? id.data : "", tail);
    cx_buf_free(&id);
    return OPT_OK;
}

static int staffed(opt__client *c, const opt__endpoint *ep, opt__call_log *log, cx_error *err,
                   opt_status *st)
{
    char path[700];
    cJSON *j = NULL;
    if ((*st = skill_path(ep, "/activity", path, sizeof path, err)) != OPT_OK ||
        (*st = get_json(c, path, &j, log, err)) != OPT_OK)
        return 0;
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "skillActivity"), 0);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "agentsLoggedIn");
    int agents = cJSON_IsNumber(n) ? n->valueint : 0;
    cJSON_Delete(j);
    return agents;
}

/* ---------------------------------------------------------------- read */

opt_status opt__cxone_params_from(const opt__mapping *m, const cJSON *blocks, int agents,
                                  const char *what, opt_params *p, cx_error *err)
{
    *p = opt_params_seed(); /* concepts with no field: assumed the seed's */
    for (int c = 0; c < OPT__CONCEPTS; c++) {
        const opt__field_map *f = &m->f[c];
        if (!f->mapped)
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(blocks, f->block), f->field);
        if (c == OPT__STRATEGY) {
            if (!cJSON_IsString(v) || opt_strategy_parse(v->valuestring, &p->strategy) != 0)
                return cx_error_set(err, OPT_EAPI, "%s: %s.%s is not a strategy name", what,
                                    f->block, f->field);
            continue;
        }
        if (!cJSON_IsNumber(v))
            return cx_error_set(err, OPT_EAPI,
                                "%s: %s.%s (mapped from %s) is missing or not a number", what,
                                f->block, f->field, opt__concept_names[c]);
        opt__concept_set(p, (opt__concept)c, opt__from_field(f, v->valuedouble, agents));
    }
    return OPT_OK;
}

static opt_status cx_read(opt__client *c, opt__endpoint *ep, opt__campaign *out,
                          opt__call_log *log, cx_error *err)
{
    memset(out, 0, sizeof *out);
    char path[700];
    cJSON *skill = NULL, *params = NULL;
    opt_status st;
    if ((st = ensure_base(c, ep, log, err)) != OPT_OK ||
        (st = skill_path(ep, "", path, sizeof path, err)) != OPT_OK ||
        (st = get_json(c, path, &skill, log, err)) != OPT_OK)
        goto out;
    const cJSON *active = cJSON_GetObjectItemCaseSensitive(skill, "isActive");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(skill, "status");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(skill, "skillName");
    if (cJSON_IsString(status)) /* the mock says why a skill is inactive */
        cx_copy(out->status, sizeof out->status, status->valuestring);
    else
        cx_copy(out->status, sizeof out->status, cJSON_IsTrue(active) ? "active" : "paused");
    cx_copy(out->id, sizeof out->id, ep->campaign_id);
    cx_copy(out->name, sizeof out->name, cJSON_IsString(name) ? name->valuestring : "");
    out->version = -1;
    if (opt__mapping_needs_agents(ep->mapping)) {
        out->agents = staffed(c, ep, log, err, &st);
        if (st != OPT_OK)
            goto out;
    }
    if ((st = skill_path(ep, "/parameters", path, sizeof path, err)) != OPT_OK ||
        (st = get_json(c, path, &params, log, err)) != OPT_OK)
        goto out;
    st = opt__cxone_params_from(ep->mapping, params, out->agents, path, &out->params, err);
out:
    cJSON_Delete(skill);
    cJSON_Delete(params);
    return st;
}

/* --------------------------------------------------------------- write */

static bool differs(const opt_params *a, const opt_params *b, opt__concept c)
{
    return fabs(opt__concept_value(a, c) - opt__concept_value(b, c)) > 1e-9;
}

static opt_status put_block(opt__client *c, const opt__endpoint *ep, const char *block,
                            cJSON *fields, opt__call_log *log, cx_error *err)
{
    char path[700];
    const char *tail = strcmp(block, "generalSettings") == 0 ? "/parameters/general-settings"
                                                              : "/parameters/cpa-management";
    opt_status st = skill_path(ep, tail, path, sizeof path, err);
    if (st != OPT_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(body, block, fields);
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    opt__response resp;
    opt__response_init(&resp);
    st = opt__client_call(c, "PUT", path, text, strlen(text), NULL, &resp, log, err);
    opt__response_free(&resp);
    cJSON_free(text);
    return st;
}

static opt_status cx_expressible(const opt__endpoint *ep, const opt_params *cur,
                                 const opt_params *target, cx_error *err)
{
    for (int k = 0; k < OPT__CONCEPTS; k++)
        if (!ep->mapping->f[k].mapped && differs(cur, target, (opt__concept)k))
            return cx_error_set(err, OPT_EVALIDATION,
                                "%s has no CXone field in the mapping (see --mapping): a change "
                                "to it cannot be written",
                                opt__concept_names[k]);
    return OPT_OK;
}

static opt_status cx_write(opt__client *c, opt__endpoint *ep, const opt__campaign *cur,
                           const opt_params *target, opt__campaign *after, char *note,
                           size_t note_n, opt__call_log *log, cx_error *err)
{
    const opt__mapping *m = ep->mapping;
    cJSON *general = cJSON_CreateObject(), *cpa = cJSON_CreateObject();
    opt_status st = OPT_OK;
    bool wrote[OPT__CONCEPTS] = {false};
    for (int k = 0; k < OPT__CONCEPTS && st == OPT_OK; k++) {
        if (!differs(&cur->params, target, (opt__concept)k))
            continue;
        const opt__field_map *f = &m->f[k];
        if (!f->mapped) {
            st = cx_error_set(err, OPT_EVALIDATION,
                              "%s has no CXone field in the mapping (see --mapping): the change "
                              "cannot be written, and nothing was",
                              opt__concept_names[k]);
            break;
        }
        cJSON *dst = strcmp(f->block, "generalSettings") == 0 ? general : cpa;
        if (k == OPT__STRATEGY)
            cJSON_AddStringToObject(dst, f->field, opt_strategy_name(target->strategy));
        else
            cJSON_AddNumberToObject(dst, f->field,
                                    opt__to_field(f, opt__concept_value(target, (opt__concept)k),
                                                  cur->agents));
        wrote[k] = true;
    }
    /* only the changed fields, one PUT per block */
    if (st == OPT_OK && cJSON_GetArraySize(general))
        st = put_block(c, ep, "generalSettings", general, log, err);
    if (st == OPT_OK && cJSON_GetArraySize(cpa))
        st = put_block(c, ep, "cpaSettings", cpa, log, err);
    cJSON_Delete(general);
    cJSON_Delete(cpa);
    if (st != OPT_OK)
        return st;
    /* no ETag, last write wins: look again and say what differs */
    if ((st = cx_read(c, ep, after, log, err)) != OPT_OK) {
        cx_error_prefix(err, "written, but reading it back failed");
        return st;
    }
    size_t used = 0;
    note[0] = '\0';
    for (int k = 0; k < OPT__CONCEPTS; k++) {
        if (!wrote[k] || !differs(&after->params, target, (opt__concept)k))
            continue;
        if (k == OPT__MAX_CALLS &&
            fabs(opt__concept_value(&after->params, (opt__concept)k) -
                 opt__concept_value(target, (opt__concept)k)) < 1.0)
            continue; /* per-agent rounding */
        int w = snprintf(note + used, note_n - used,
                         "%sa concurrent change: %s reads %.6g after the PUT, not the %.6g "
                         "written",
                         used ? "; " : "", opt__concept_names[k],
                         opt__concept_value(&after->params, (opt__concept)k),
                         opt__concept_value(target, (opt__concept)k));
        if (w < 0 || (size_t)w >= note_n - used)
            break;
        used += (size_t)w;
    }
    after->known = true;
    after->verified = used == 0;
    return OPT_OK;
}

/* --------------------------------------------------------------- stats */

static double num(const cJSON *o, const char *k, bool *found)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (found)
        *found = cJSON_IsNumber(v);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static opt_status call_data(opt__client *c, const opt__endpoint *ep, double from, double to,
                            cJSON **out, long *status, opt__call_log *log, cx_error *err)
{
    char path[900], a[32], b[32];
    cx_format_rfc3339(from, a, sizeof a);
    cx_format_rfc3339(to, b, sizeof b);
    char tail[128];
    snprintf(tail, sizeof tail, "/call-data?startDate=%s&endDate=%s", a, b);
    opt_status st = skill_path(ep, tail, path, sizeof path, err);
    return st == OPT_OK ? get_json_status(c, path, out, status, log, err) : st;
}

static opt_status cx_stats(opt__client *c, opt__endpoint *ep, double window_s, double period_s,
                           cx_clock *clk, opt_stats *out, opt__call_log *log, cx_error *err)
{
    memset(out, 0, sizeof *out);
    opt_status st = ensure_base(c, ep, log, err);
    if (st != OPT_OK)
        return st;
    double now = cx_clock_now(clk);
    cJSON *w = NULL, *p = NULL;
    long status = 0;
    if ((st = call_data(c, ep, now - window_s, now, &w, &status, log, err)) != OPT_OK ||
        (st = call_data(c, ep, now - period_s, now, &p, &status, log, err)) != OPT_OK) {
        cJSON_Delete(w);
        if (st == OPT_EAPI && status == 404) { /* no call data for this skill */
            cx_error_clear(err);
            return OPT_OK;
        }
        return st;
    }
    const cJSON *wd = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(w, "skillCallData"), 0);
    const cJSON *pd = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "skillCallData"), 0);
    bool dialed;
    out->available = wd != NULL && pd != NULL;
    out->window_s = window_s;
    out->covered_s = window_s;
    out->live_answers = (long)num(wd, "OfferedContacts", NULL);
    out->abandoned = (long)num(wd, "AbandonedContacts", NULL);
    out->attempts = (long)num(wd, "DialedContacts", &dialed);
    out->occupancy = num(wd, "Occupancy", NULL);
    out->mean_handle_s = num(wd, "AverageHandleTime", NULL);
    out->period_s = period_s;
    out->period_live_answers = (long)num(pd, "OfferedContacts", NULL);
    out->period_abandoned = (long)num(pd, "AbandonedContacts", NULL);
    out->period_attempts = dialed ? (long)num(pd, "DialedContacts", NULL) : 0;
    out->period_occupancy = num(pd, "Occupancy", NULL);
    cJSON_Delete(w);
    cJSON_Delete(p);
    out->agents = staffed(c, ep, log, err, &st);
    return st;
}

const opt__profile opt__profile_cxone = {
    .name = "cxone",
    .token_build = cx_token_build,
    .read = cx_read,
    .write = cx_write,
    .expressible = cx_expressible,
    .stats = cx_stats,
    .write_scope = NULL, /* CXone tokens carry the access key's permissions, not scopes */
};
