/* opt_optimizer.c - settings, and the handle that owns every client. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dialsim.h"
#include "opt_internal.h"

const char *opt_strerror(opt_status st)
{
    switch (st) {
    case OPT_OK:
        return "ok";
    case OPT_EUSAGE:
        return "invalid setting";
    case OPT_EINVAL:
        return "invalid input";
    case OPT_EVALIDATION:
        return "refused by validation";
    case OPT_ECOMPLIANCE:
        return "refused by the compliance gate";
    case OPT_EAUTH:
        return "authentication failed";
    case OPT_ESCOPE:
        return "missing scope";
    case OPT_ESTATE:
        return "campaign not active";
    case OPT_EAPI:
        return "API error";
    case OPT_ENETWORK:
        return "network error";
    case OPT_ECONFLICT:
        return "concurrent change";
    case OPT_EIO:
        return "I/O error";
    case OPT_EPREDICT:
        return "prediction failed";
    case OPT_ENOMEM:
        return "out of memory";
    }
    return "unknown status";
}

opt_status opt_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? OPT_OK : OPT_ENOMEM;
}

void opt_global_cleanup(void) { curl_global_cleanup(); }

void opt_settings_defaults(opt_settings *s)
{
    memset(s, 0, sizeof *s);
    s->profile = "seed";
    s->token_skew_s = 60;
    s->connect_timeout_ms = 5000;
    s->timeout_ms = 15000;
    s->retry = opt_retry_default();
    s->webhook_retry = (opt_retry_policy){.base_s = 0.5, .cap_s = 5, .max_attempts = 3,
                                          .deadline_s = 15};
    s->max_conflicts = 3;
    s->window_s = 30 * 86400.0;
    s->stats_period_s = 900;
    s->constraints = opt_constraints_seed();
    s->limit = 0.03;
    s->predict = true;
    s->predict_hours = 2;
    s->predict_replications = 8;
    s->predict_max_replications = 256;
    s->predict_half_width = 0.001;
    s->predict_threads = 2;
}

const char *opt_default_audit_path(char *buf, size_t n)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(buf, n, "%s/cxopt/audit.jsonl", xdg);
    else if (home && home[0] == '/')
        snprintf(buf, n, "%s/.local/state/cxopt/audit.jsonl", home);
    else
        snprintf(buf, n, "cxopt-audit.jsonl");
    return buf;
}

static char *dup_or_null(const char *s) { return s && s[0] ? strdup(s) : NULL; }

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void opt_optimizer_destroy(opt_optimizer *o)
{
    if (!o)
        return;
    opt__audit_close(o->audit);
    opt__webhook_destroy(o->webhook);
    opt__client_destroy(o->client);
    opt__auth_destroy(o->auth);
    cx_clock_destroy(o->own_clock);
    cJSON_Delete(o->model);
    sim_model_destroy(o->sim_model);
    free(o->client_id);
    wipe_free(o->client_secret);
    free(o->auth_url);
    free(o->api_url);
    free(o->campaign_id);
    free(o->webhook_url);
    free(o->audit_path);
    free(o->access_key_id);
    wipe_free(o->access_key_secret);
    free(o->tenant_id);
    free(o->api_version);
    free(o);
}

/* A URL must say its scheme: without one, libcurl guesses plain http and
 * the credentials would go out unencrypted to whatever answers. */
static opt_status check_url(const char *url, const char *what, cx_error *err)
{
    if (!url || !url[0] || strncasecmp(url, "https://", 8) == 0 ||
        strncasecmp(url, "http://", 7) == 0)
        return OPT_OK;
    if (!strstr(url, "://"))
        return cx_error_set(err, OPT_EUSAGE,
                            "%s \"%s\" has no scheme: write https://%s (or http:// for a "
                            "local mock); without one it would be sent over plain http, "
                            "credentials included",
                            what, url, url);
    return cx_error_set(err, OPT_EUSAGE, "%s \"%s\": only http:// and https:// are spoken",
                        what, url);
}

/* A given audit path's directory must exist: a typo must not scatter
 * audit logs into new directories (only the default location is created). */
static opt_status check_audit_dir(const char *path, cx_error *err)
{
    if (!path || !path[0])
        return OPT_OK;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return OPT_OK; /* the working directory */
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return cx_error_set(err, OPT_EUSAGE, "audit log %s: the path is too long", path);
    memcpy(dir, path, n);
    dir[n] = '\0';
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return cx_error_set(err, OPT_EUSAGE,
                            "audit log %s: the directory %s does not exist (cxopt creates only "
                            "its default one; create it, or choose another --audit)",
                            path, dir);
    return OPT_OK;
}

#define REQUIRE(field, name)                                                                  \
    do {                                                                                      \
        if (!s->field || !s->field[0])                                                        \
            return cx_error_set(err, OPT_EUSAGE, "%s is not set", name);                      \
    } while (0)

opt_status opt_optimizer_create(const opt_settings *s, opt_optimizer **out, cx_error *err)
{
    *out = NULL;
    const opt__profile *profile = opt__profile_find(s->profile);
    if (!profile)
        return cx_error_set(err, OPT_EUSAGE,
                            "unknown API profile \"%s\" (known: seed, cxone)", s->profile);
    bool cxone = profile == &opt__profile_cxone;
    REQUIRE(client_id, "the client id (CXONE_CLIENT_ID)");
    REQUIRE(client_secret, "the client secret (CXONE_CLIENT_SECRET)");
    REQUIRE(auth_url, "the token URL (CXONE_AUTH_URL)");
    if (cxone) {
        REQUIRE(access_key_id, "the access key id (CXONE_ACCESS_KEY_ID)");
        REQUIRE(access_key_secret, "the access key secret (CXONE_ACCESS_KEY_SECRET)");
        if ((!s->api_url || !s->api_url[0]) && (!s->tenant_id || !s->tenant_id[0]))
            return cx_error_set(err, OPT_EUSAGE,
                                "the API URL (CXONE_API_URL) or, to discover it, the tenant "
                                "id (CXONE_TENANT_ID) is not set");
        REQUIRE(campaign_id, "the skill id (CXONE_CAMPAIGN_ID)");
    } else {
        REQUIRE(api_url, "the API URL (CXONE_API_URL)");
        REQUIRE(campaign_id, "the campaign id (CXONE_CAMPAIGN_ID)");
    }
    opt_status cs;
    if ((cs = check_url(s->auth_url, "the token URL (CXONE_AUTH_URL, --auth-url)", err)) ||
        (cs = check_url(s->api_url, "the API URL (CXONE_API_URL, --api-url)", err)) ||
        (cs = check_url(s->webhook_url, "the webhook URL (CXONE_WEBHOOK_URL, --webhook-url)",
                        err)) ||
        (cs = check_audit_dir(s->audit_path, err)))
        return cs;
    opt__mapping mapping;
    opt__mapping_default(&mapping);
    if (cxone && s->mapping_path && s->mapping_path[0]) {
        opt_status ms = opt__mapping_load(s->mapping_path, &mapping, err);
        if (ms != OPT_OK)
            return ms;
    }
    if (!(s->limit > 0 && s->limit < 1))
        return cx_error_set(err, OPT_EUSAGE, "the abandon limit must be in (0, 1), got %g",
                            s->limit);
    if (!(s->amd_false_positive >= 0 && s->amd_false_positive < 1))
        return cx_error_set(err, OPT_EUSAGE,
                            "the AMD false-positive rate must be in [0, 1), got %g",
                            s->amd_false_positive);
    if (s->predict && (s->predict_replications < 2 || !(s->predict_hours > 0)))
        return cx_error_set(err, OPT_EUSAGE,
                            "prediction needs at least 2 replications of a positive duration");
    if (s->predict && (s->predict_max_replications > 100000 || s->predict_half_width < 0 ||
                       s->predict_threads > 256))
        return cx_error_set(err, OPT_EUSAGE,
                            "prediction: at most 100000 replications, on at most 256 threads, "
                            "with a half-width goal >= 0");

    opt_optimizer *o = calloc(1, sizeof *o);
    if (!o)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    opt_status st = OPT_ENOMEM;
    char audit_default[1024];
    o->s = *s;
    o->profile = profile;
    o->client_id = strdup(s->client_id);
    o->client_secret = strdup(s->client_secret);
    o->auth_url = strdup(s->auth_url);
    o->api_url = strdup(s->api_url ? s->api_url : "");
    o->access_key_id = strdup(s->access_key_id ? s->access_key_id : "");
    o->access_key_secret = strdup(s->access_key_secret ? s->access_key_secret : "");
    o->tenant_id = strdup(s->tenant_id ? s->tenant_id : "");
    o->api_version = strdup(s->api_version && s->api_version[0] ? s->api_version : "v30.0");
    o->mapping = mapping;
    o->campaign_id = strdup(s->campaign_id);
    o->webhook_url = dup_or_null(s->webhook_url);
    o->audit_path = strdup(s->audit_path && s->audit_path[0]
                               ? s->audit_path
                               : opt_default_audit_path(audit_default, sizeof audit_default));
    if (s->model && !(o->model = cJSON_Duplicate(s->model, 1)))
        goto fail;
    if (!o->client_id || !o->client_secret || !o->auth_url || !o->api_url || !o->campaign_id ||
        !o->audit_path || (s->webhook_url && s->webhook_url[0] && !o->webhook_url) ||
        !o->access_key_id || !o->access_key_secret || !o->tenant_id || !o->api_version)
        goto fail;
    o->s.client_id = o->client_id;
    o->s.client_secret = o->client_secret;
    o->s.auth_url = o->auth_url;
    o->s.api_url = o->api_url;
    o->s.campaign_id = o->campaign_id;
    o->s.webhook_url = o->webhook_url;
    o->s.webhook_secret = NULL; /* kept only inside the webhook sender */
    o->s.audit_path = o->audit_path;
    o->s.model = o->model;
    int k = 0;
    o->secrets[k++] = o->client_secret;
    if (o->access_key_secret[0])
        o->secrets[k++] = o->access_key_secret;
    o->secrets[k] = NULL;
    o->s.access_key_id = o->access_key_id;
    o->s.access_key_secret = NULL; /* kept only where the token request is built */
    o->s.tenant_id = o->tenant_id;
    o->s.api_version = o->api_version;

    if (s->clock) {
        o->clk = s->clock;
    } else {
        if (!(o->own_clock = cx_clock_real_create()))
            goto fail;
        o->clk = o->own_clock;
    }
    o->seed = s->seed;
    if (o->seed == 0 && RAND_bytes((unsigned char *)&o->seed, sizeof o->seed) != 1)
        o->seed = 0x5eedULL;
    o->ep = (opt__endpoint){.auth_url = o->auth_url,
                            .api_url = o->api_url,
                            .client_id = o->client_id,
                            .client_secret = o->client_secret,
                            .campaign_id = o->campaign_id,
                            .access_key_id = o->access_key_id,
                            .access_key_secret = o->access_key_secret,
                            .tenant_id = o->tenant_id,
                            .api_version = o->api_version,
                            .mapping = &o->mapping};
    opt__token_io io = {.build = profile->token_build, .ud = &o->ep};
    if ((st = opt__auth_create(&io, s->token_skew_s, &s->retry, o->clk, s->connect_timeout_ms,
                               s->timeout_ms, o->seed, o->secrets, &o->auth, err)) != OPT_OK ||
        (st = opt__client_create(cxone ? "" : o->api_url, o->auth, &s->retry, o->clk,
                                 s->connect_timeout_ms,
                                 s->timeout_ms, o->seed, o->secrets, &o->client, err)) !=
            OPT_OK)
        goto out;
    if (o->webhook_url &&
        (st = opt__webhook_create(o->webhook_url, s->webhook_secret, &s->webhook_retry, o->clk,
                                  s->connect_timeout_ms, s->timeout_ms, o->seed, &o->webhook,
                                  err)) != OPT_OK)
        goto out;
    if ((st = opt__audit_open(o->audit_path, &o->audit, err)) != OPT_OK)
        goto out;
    *out = o;
    return OPT_OK;
fail:
    cx_error_set(err, OPT_ENOMEM, "out of memory");
out:
    opt_optimizer_destroy(o);
    return st;
}

opt_status opt_audit_note(opt_optimizer *o, const char *type, const cJSON *fields,
                          cx_error *err)
{
    char now[32];
    cx_format_rfc3339(cx_clock_now(o->clk), now, sizeof now);
    cJSON *r = fields ? cJSON_Duplicate(fields, 1) : cJSON_CreateObject();
    if (!r || !cJSON_IsObject(r)) {
        cJSON_Delete(r);
        return cx_error_set(err, r ? OPT_EINVAL : OPT_ENOMEM,
                            r ? "an audit note must be an object" : "out of memory");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(r, "type");
    cJSON_DeleteItemFromObjectCaseSensitive(r, "time");
    cJSON_DeleteItemFromObjectCaseSensitive(r, "campaign_id");
    cJSON *head = cJSON_CreateObject();
    if (!head) {
        cJSON_Delete(r);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    cJSON_AddStringToObject(head, "type", type);
    cJSON_AddStringToObject(head, "time", now);
    cJSON_AddStringToObject(head, "campaign_id", o->campaign_id);
    cJSON *it = r->child;
    while (it) {
        cJSON *nx = it->next;
        cJSON_AddItemToObject(head, it->string, cJSON_DetachItemViaPointer(r, it));
        it = nx;
    }
    cJSON_Delete(r);
    opt_status st = opt__audit_append(o->audit, head, err);
    cJSON_Delete(head);
    return st;
}
