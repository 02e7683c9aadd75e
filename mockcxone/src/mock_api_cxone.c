/* mock_api_cxone.c - NICE CXone's API, as far as public sources show
 * (../shared/CXONE.md): its routes and payload shapes, beside the seed's.
 *
 *   GET  /.well-known/openid-configuration
 *   GET  /.well-known/cxone-configuration?tenantId=T
 *   POST /auth/token            grant_type=password (client id/secret in Basic,
 *                               the access key as username/password), or
 *                               refresh_token; client_credentials is refused
 *   under /inContactAPI/services/vNN.0 (any NN):
 *   GET  /skills/{id}                        the skill (isActive)
 *   GET  /skills/{id}/parameters             generalSettings, cpaSettings, ...
 *   PUT  /skills/{id}/parameters/general-settings   {"generalSettings":{...}}
 *   PUT  /skills/{id}/parameters/cpa-management     {"cpaSettings":{...}}
 *   POST /skills/{id}/start, /skills/{id}/stop?force=
 *   GET  /skills/{id}/activity               agents now (averaged over 5 min)
 *   GET  /skills/{id}/call-data?startDate=&endDate=
 *   GET  /contacts/completed?startDate=&endDate=&skillId=&top=&skip=
 *                                            the skill's completed dial attempts
 *
 * The skill is the mock's campaign. How CXone's fields drive the simulated
 * dialer (this mock's truth, and the optimizer's default mapping):
 *   maximumRatio               = 1 / answerRate     (lines per agent)
 *   abandonRateThreshold       = 100 x abandonRate  (percent)
 *   maxConcurrentCallsPerAgent = maxConcurrentCalls / staffed agents
 * Other settings are kept and returned but drive nothing. There is no ETag
 * and no version: the last write wins, as CXone's does.
 *
 * Tokens are shaped like CXone's JWTs with its documented claims (tenantId,
 * icBUId, icClusterId, area, exp...) but are NOT signed ("alg":"none"): the
 * mock accepts only tokens it issued (it keeps their hashes). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dialsim.h"
#include "mock_api_cxone.h"
#include "mock_internal.h"

#define REFRESH_TTL (24 * 3600.0)

/* ------------------------------------------------------------- helpers */

void mock__cxone_base_url(const mock__req *req, char *out, size_t n)
{
    const char *host = mock__req_header(req, "Host");
    snprintf(out, n, "http://%s", host && !strpbrk(host, "\r\n\" ") ? host : "127.0.0.1");
}

static void oauth_error(mock__resp *r, int status, const char *code, const char *desc)
{
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "error", code);
        cJSON_AddStringToObject(j, "error_description", desc);
        cJSON_AddStringToObject(j, "errorDescription", desc);
    }
    mock__resp_json(r, status, j);
    mock__resp_header(r, "Cache-Control", "no-store");
}

static void b64url(const unsigned char *in, size_t n, char *out, size_t cap)
{
    char tmp[2048];
    if (n * 4 / 3 + 4 >= sizeof tmp || n * 4 / 3 + 4 >= cap) {
        out[0] = '\0';
        return;
    }
    int len = EVP_EncodeBlock((unsigned char *)tmp, in, (int)n);
    int k = 0;
    for (int i = 0; i < len && tmp[i] != '='; i++)
        out[k++] = tmp[i] == '+' ? '-' : tmp[i] == '/' ? '_' : tmp[i];
    out[k] = '\0';
}

/* header.payload. (no signature: "alg":"none") */
static bool make_jwt(cJSON *claims, char *out, size_t n)
{
    char *payload = cJSON_PrintUnformatted(claims);
    if (!payload)
        return false;
    const char *header = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
    char h[128], p[1400];
    b64url((const unsigned char *)header, strlen(header), h, sizeof h);
    b64url((const unsigned char *)payload, strlen(payload), p, sizeof p);
    cJSON_free(payload);
    return p[0] && (size_t)snprintf(out, n, "%s.%s.", h, p) < n;
}

static bool random_hex(char *out, size_t bytes)
{
    unsigned char raw[32];
    if (bytes > sizeof raw || RAND_bytes(raw, (int)bytes) != 1)
        return false;
    for (size_t i = 0; i < bytes; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return true;
}

/* ------------------------------------------------------------ discovery */

static void openid(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                   mock__resp *r)
{
    (void)s;
    (void)p;
    char base[300], buf[400];
    mock__cxone_base_url(req, base, sizeof base);
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "issuer", base);
        snprintf(buf, sizeof buf, "%s/auth/token", base);
        cJSON_AddStringToObject(j, "token_endpoint", buf);
        snprintf(buf, sizeof buf, "%s/auth/authorize", base);
        cJSON_AddStringToObject(j, "authorization_endpoint", buf);
        snprintf(buf, sizeof buf, "%s/.well-known/jwks", base);
        cJSON_AddStringToObject(j, "jwks_uri", buf);
        cJSON *m = cJSON_AddArrayToObject(j, "token_endpoint_auth_methods_supported");
        cJSON_AddItemToArray(m, cJSON_CreateString("client_secret_basic"));
        cJSON_AddItemToArray(m, cJSON_CreateString("client_secret_post"));
        cJSON *g = cJSON_AddArrayToObject(j, "grant_types_supported");
        cJSON_AddItemToArray(g, cJSON_CreateString("password"));
        cJSON_AddItemToArray(g, cJSON_CreateString("refresh_token"));
    }
    mock__resp_json(r, 200, j);
}

static void cxone_config(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                         mock__resp *r)
{
    (void)p;
    const char *tenant = mock__req_query(req, "tenantId");
    if (!tenant || !tenant[0]) {
        cx_message(r, 400, "tenantId is required");
        return;
    }
    if (strcmp(tenant, s->tenant_id) != 0) {
        cx_message(r, 404, "unknown tenant %.80s", tenant);
        return;
    }
    char base[300];
    mock__cxone_base_url(req, base, sizeof base);
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "tenantId", s->tenant_id);
        cJSON_AddStringToObject(j, "area", "na1");
        cJSON_AddStringToObject(j, "cluster", "B32");
        cJSON_AddStringToObject(j, "domain", "niceincontact.com");
        cJSON_AddStringToObject(j, "api_endpoint", base);
        cJSON_AddStringToObject(j, "auth_endpoint", base);
        cJSON_AddStringToObject(j, "ui_endpoint", base);
    }
    mock__resp_json(r, 200, j);
}

/* --------------------------------------------------------------- tokens */

static bool form_value(const mock__req *req, const char *key, char *out, size_t n)
{
    const char *body = req->body.data ? req->body.data : "";
    size_t kl = strlen(key);
    for (const char *p = body; *p;) {
        size_t len = strcspn(p, "&");
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t k = 0;
            for (size_t i = kl + 1; i < len && k + 1 < n; i++) {
                if (p[i] == '+') {
                    out[k++] = ' ';
                } else if (p[i] == '%' && i + 2 < len && isxdigit((unsigned char)p[i + 1]) &&
                           isxdigit((unsigned char)p[i + 2])) {
                    char hex[3] = {p[i + 1], p[i + 2], 0};
                    out[k++] = (char)strtol(hex, NULL, 16);
                    i += 2;
                } else {
                    out[k++] = p[i];
                }
            }
            out[k] = '\0';
            return true;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return false;
}

/* RFC 6749 2.3.1: Basic base64(urlencode(id) ":" urlencode(secret)). */
static bool basic_client(const mock__req *req, char *id, char *secret, size_t n)
{
    const char *h = mock__req_header(req, "Authorization");
    if (!h || strncasecmp(h, "Basic ", 6) != 0)
        return false;
    const char *b = h + 6;
    size_t len = strlen(b);
    if (len == 0 || len % 4 || len > 1000)
        return false;
    unsigned char raw[800];
    int got = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)len);
    if (got < 0)
        return false;
    got -= (b[len - 1] == '=') + (len > 1 && b[len - 2] == '=');
    raw[got] = '\0';
    char *colon = strchr((char *)raw, ':');
    bool ok = false;
    if (colon) {
        *colon = '\0';
        /* decode each half as a form value */
        mock__req fake = *req;
        char a[900], c[900];
        snprintf(a, sizeof a, "x=%s", (char *)raw);
        snprintf(c, sizeof c, "x=%s", colon + 1);
        fake.body.data = a;
        ok = form_value(&fake, "x", id, n);
        fake.body.data = c;
        ok = ok && form_value(&fake, "x", secret, n);
        OPENSSL_cleanse(a, sizeof a);
        OPENSSL_cleanse(c, sizeof c);
    }
    OPENSSL_cleanse(raw, sizeof raw);
    return ok;
}

static void issue(mock_server *s, const mock__req *req, const char *client, mock__resp *r)
{
    double now = cx_clock_now(s->clk), ttl = mock__auth_ttl(s->auth);
    char jti[40], base[300], access[1800], idt[1800], refresh[80] = "rt_";
    mock__cxone_base_url(req, base, sizeof base);
    if (!random_hex(jti, 16) || !random_hex(refresh + 3, 24)) {
        cx_message(r, 500, "no randomness");
        return;
    }
    cJSON *claims = cJSON_CreateObject();
    cJSON_AddStringToObject(claims, "iss", base);
    char sub[200];
    snprintf(sub, sizeof sub, "user:%s", s->access_key_id);
    cJSON_AddStringToObject(claims, "sub", sub);
    cJSON_AddStringToObject(claims, "aud", client);
    cJSON_AddNumberToObject(claims, "iat", floor(now));
    cJSON_AddNumberToObject(claims, "exp", floor(now + ttl));
    cJSON_AddStringToObject(claims, "tenantId", s->tenant_id);
    cJSON_AddNumberToObject(claims, "icBUId", 4600001);
    cJSON_AddStringToObject(claims, "icClusterId", "B32");
    cJSON_AddStringToObject(claims, "area", "na1");
    cJSON_AddStringToObject(claims, "jti", jti);
    bool ok = make_jwt(claims, access, sizeof access);
    cJSON_ReplaceItemInObjectCaseSensitive(claims, "jti", cJSON_CreateString("id-token"));
    ok = ok && make_jwt(claims, idt, sizeof idt);
    cJSON_Delete(claims);
    if (!ok || !mock__auth_store(s->auth, client, access, MOCK_TOKEN_ACCESS, ttl) ||
        !mock__auth_store(s->auth, client, refresh, MOCK_TOKEN_REFRESH, REFRESH_TTL)) {
        cx_message(r, 500, "cannot issue a token");
        return;
    }
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "access_token", access);
        cJSON_AddStringToObject(j, "token_type", "Bearer");
        cJSON_AddNumberToObject(j, "expires_in", ttl);
        cJSON_AddStringToObject(j, "refresh_token", refresh);
        cJSON_AddStringToObject(j, "id_token", idt);
        cJSON_AddStringToObject(j, "issued_token_type",
                                "urn:ietf:params:oauth:token-type:access_token");
    }
    OPENSSL_cleanse(access, sizeof access);
    OPENSSL_cleanse(refresh, sizeof refresh);
    mock__resp_json(r, 200, j);
    mock__resp_header(r, "Cache-Control", "no-store");
}

static void token(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                  mock__resp *r)
{
    (void)p;
    char grant[64] = "", id[256] = "", secret[256] = "";
    if (!form_value(req, "grant_type", grant, sizeof grant)) {
        oauth_error(r, 400, "invalid_request", "grant_type is missing");
        return;
    }
    bool is_password = strcmp(grant, "password") == 0;
    if (!is_password && strcmp(grant, "refresh_token") != 0) {
        oauth_error(r, 400, "unsupported_grant_type",
                    "use the password grant with an access key, or refresh_token");
        return;
    }
    bool have = basic_client(req, id, secret, sizeof id) ||
                (form_value(req, "client_id", id, sizeof id) &&
                 form_value(req, "client_secret", secret, sizeof secret));
    bool client_ok = have && mock__auth_client_ok(s->auth, id, secret);
    OPENSSL_cleanse(secret, sizeof secret);
    if (!client_ok) {
        oauth_error(r, s->o.invalid_client_status, "invalid_client",
                    "client authentication failed");
        return;
    }
    if (is_password) {
        char user[256] = "", pass[256] = "";
        form_value(req, "username", user, sizeof user);
        form_value(req, "password", pass, sizeof pass);
        /* both compared, whatever the first gives: the same time either way */
        bool id_ok = mock__secret_eq(s->access_key_id, user);
        bool secret_ok = mock__secret_eq(s->access_key_secret, pass);
        bool key_ok = id_ok && secret_ok;
        OPENSSL_cleanse(pass, sizeof pass);
        if (!key_ok) {
            oauth_error(r, s->o.invalid_grant_status, "invalid_grant",
                        "the access key is not valid");
            return;
        }
    } else {
        char rt[256] = "", who[128], scope[256];
        form_value(req, "refresh_token", rt, sizeof rt);
        mock__token_state st = mock__auth_check_kind(s->auth, rt, MOCK_TOKEN_REFRESH, who, scope);
        OPENSSL_cleanse(rt, sizeof rt);
        if (st != MOCK_TOKEN_VALID || strcmp(who, id) != 0) {
            oauth_error(r, s->o.invalid_grant_status, "invalid_grant",
                        "the refresh token is not valid");
            return;
        }
    }
    double wait = 1;
    if (!mock__auth_take(s->auth, id, &wait)) {
        cx_message(r, 429, "too many requests");
        if (s->o.retry_after_on_429)
            mock__resp_header(r, "Retry-After", "%.0f", wait);
        return;
    }
    issue(s, req, id, r);
}

/* --------------------------------------------------------------- skills */

/* Checks the version segment ("v30.0"), Accept and the bearer token. */
bool mock__cxone_admit(mock_server *s, const mock__req *req, const char *version, mock__resp *r)
{
    size_t n = strlen(version);
    if (n < 4 || version[0] != 'v' || strcmp(version + n - 2, ".0") != 0 ||
        strspn(version + 1, "0123456789") != n - 3) {
        cx_message(r, 404, "unknown API version %.20s (expected v<NN>.0)", version);
        return false;
    }
    if (s->o.require_accept) {
        const char *accept = mock__req_header(req, "Accept");
        if (!accept || !strstr(accept, "application/json")) {
            mock__resp_text(r, 406, "text/plain", "No known way to render data");
            return false;
        }
    }
    char client[128];
    return mock__authorize(s, req, NULL, client, r);
}

/* mock__cxone_admit(), then the skill in the path: false (answered) when there is none. */
static bool admit_skill(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                        mock__view *v, mock__resp *r)
{
    if (!mock__cxone_admit(s, req, p[0], r))
        return false;
    if (mock__campaign_view(s->store, p[1], v) != 0) {
        cx_message(r, 404, "skill %s not found", p[1]);
        return false;
    }
    return true;
}

static cJSON *extras_of(mock_server *s, const char *id)
{
    cJSON *e = cJSON_GetObjectItemCaseSensitive(s->extras, id);
    if (e)
        return e;
    e = cJSON_Parse("{\"generalSettings\":{\"aggressiveness\":\"standard\","
                    "\"overrideBusinessUnitAbandonRate\":true,\"abandonRateCutoff\":5,"
                    "\"beginDampenPercentage\":50,\"percentageOfAgentsBeforeOverdial\":100,"
                    "\"maximumRingingDuration\":25,\"consecutiveAttemptsWithoutALiveConnect\":0,"
                    "\"maxWaitTimeSeconds\":2,\"enableDialingByProficiency\":false},"
                    "\"cpaSettings\":{\"ansMachineDetMode\":\"standard\",\"abandonTimeout\":2,"
                    "\"abandonMsgMode\":\"playMessage\",\"abandonMessagePath\":"
                    "\"/prompts/abandon.wav\"}}");
    if (e)
        cJSON_AddItemToObject(s->extras, id, e);
    return e;
}

static double r4(double x) { return round(x * 1e4) / 1e4; }

/* The parameter blocks as CXone shows them. extras_lock held. */
static cJSON *parameters(mock_server *s, const mock__view *v)
{
    cJSON *j = cJSON_CreateObject();
    const cJSON *ex = extras_of(s, v->id);
    if (!j || !ex) {
        cJSON_Delete(j);
        return NULL;
    }
    cJSON_AddStringToObject(j, "skillId", v->id);
    cJSON *g = cJSON_Duplicate(cJSON_GetObjectItem(ex, "generalSettings"), 1);
    /* unrounded: a client that writes a value reads the same value back */
    cJSON_AddNumberToObject(g, "maximumRatio", 1.0 / v->answer_rate);
    cJSON_AddNumberToObject(g, "abandonRateThreshold", 100 * v->abandon_rate);
    cJSON_AddNumberToObject(g, "maxConcurrentCallsPerAgent",
                            (double)v->max_concurrent_calls / (v->agents > 0 ? v->agents : 1));
    cJSON_AddItemToObject(j, "generalSettings", g);
    cJSON_AddItemToObject(j, "cpaSettings",
                          cJSON_Duplicate(cJSON_GetObjectItem(ex, "cpaSettings"), 1));
    cJSON_AddItemToObject(j, "retrySettings", cJSON_Parse("{\"maxNumberOfAttempts\":3,"
                                                          "\"minimumRetryMinutes\":60}"));
    cJSON_AddItemToObject(j, "scheduleSettings", cJSON_Parse("{\"timeZone\":\"UTC\"}"));
    cJSON_AddItemToObject(j, "deliveryPreferences", cJSON_Parse("{}"));
    return j;
}

static void skill(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                  mock__resp *r)
{
    mock__view v;
    if (!admit_skill(s, req, p, &v, r))
        return;
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "skillId", v.id);
        cJSON_AddStringToObject(j, "skillName", v.name);
        cJSON_AddBoolToObject(j, "isActive", strcmp(v.status, "active") == 0);
        cJSON_AddStringToObject(j, "status", v.status);
        cJSON_AddStringToObject(j, "mediaTypeName", "Phone Call");
        cJSON_AddBoolToObject(j, "isOutbound", true);
        cJSON_AddStringToObject(j, "outboundStrategy", "Personal Connection");
    }
    mock__resp_json(r, 200, j);
}

static void skill_parameters(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                             mock__resp *r)
{
    mock__view v;
    if (!admit_skill(s, req, p, &v, r))
        return;
    pthread_mutex_lock(&s->extras_lock);
    cJSON *j = parameters(s, &v);
    pthread_mutex_unlock(&s->extras_lock);
    mock__resp_json(r, j ? 200 : 500, j);
}

/* Maps a seed field name in a 422 back to CXone's. */
static const char *cx_field(const char *seed_field)
{
    if (strstr(seed_field, "answerRate"))
        return "generalSettings.maximumRatio";
    if (strstr(seed_field, "abandonRate"))
        return "generalSettings.abandonRateThreshold";
    if (strstr(seed_field, "maxConcurrentCalls"))
        return "generalSettings.maxConcurrentCallsPerAgent";
    return seed_field;
}

void mock__seam_set(mock_server *s, mock__seam_fn fn, void *arg)
{
    pthread_mutex_lock(&s->extras_lock);
    s->seam = fn;
    s->seam_arg = arg;
    pthread_mutex_unlock(&s->extras_lock);
}

/* PUT .../general-settings or .../cpa-management: partial bodies merge. */
static void put_block(mock_server *s, const mock__req *req, const char *id, const char *block,
                      mock__resp *r)
{
    mock__view v;
    if (mock__campaign_view(s->store, id, &v) != 0) {
        cx_message(r, 404, "skill %s not found", id);
        return;
    }
    if (!mock__req_is_json(req)) {
        cx_message(r, 415, "the body must be application/json, not %.100s",
                   mock__req_header(req, "Content-Type"));
        return;
    }
    cx_error err = {0};
    cJSON *body = cx_json_parse(req->body.data ? req->body.data : "", req->body.len,
                                "request body", &err);
    const cJSON *settings = body ? cJSON_GetObjectItemCaseSensitive(body, block) : NULL;
    if (!body) {
        cx_message(r, 400, "%s", err.msg);
        return;
    }
    if (!cJSON_IsObject(settings) || cJSON_GetArraySize(body) != 1) {
        cx_message(r, 400, "expected {\"%s\": {...}}", block);
        cJSON_Delete(body);
        return;
    }
    bool general = strcmp(block, "generalSettings") == 0;
    cJSON *pd = cJSON_CreateObject();
    cJSON *keep = cJSON_CreateObject();
    const cJSON *f;
    char bad[200] = "";
    cJSON_ArrayForEach(f, settings)
    {
        /* the three fields that drive the simulated dialer */
        bool ratio = general && strcmp(f->string, "maximumRatio") == 0;
        bool threshold = general && strcmp(f->string, "abandonRateThreshold") == 0;
        bool per_agent = general && strcmp(f->string, "maxConcurrentCallsPerAgent") == 0;
        if (ratio || threshold || per_agent) {
            if (!cJSON_IsNumber(f) || !(f->valuedouble > 0 || (threshold && f->valuedouble == 0))) {
                snprintf(bad, sizeof bad, "%s.%s must be a positive number", block, f->string);
                break;
            }
            if (ratio) /* 1 / (1 / 0.95) is 0.9500000000000001: not past a bound */
                cJSON_AddNumberToObject(pd, "answerRate", round(1e12 / f->valuedouble) / 1e12);
            else if (threshold)
                cJSON_AddNumberToObject(pd, "abandonRate", f->valuedouble / 100.0);
            else
                cJSON_AddNumberToObject(pd, "maxConcurrentCalls",
                                        round(f->valuedouble * (v.agents > 0 ? v.agents : 1)));
            continue;
        }
        /* decided under the lock: a concurrent PUT may replace (free) the
         * item as soon as it is released */
        pthread_mutex_lock(&s->extras_lock);
        const cJSON *known = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItem(extras_of(s, id), block), f->string);
        bool same_type = known && cJSON_IsNumber(known) == cJSON_IsNumber(f) &&
                         cJSON_IsString(known) == cJSON_IsString(f) &&
                         cJSON_IsBool(known) == cJSON_IsBool(f);
        known = NULL;
        mock__seam_fn seam = s->seam;
        void *seam_arg = s->seam_arg;
        pthread_mutex_unlock(&s->extras_lock);
        if (seam) /* mock_seam.h: a concurrent PUT, made certain */
            seam(seam_arg);
        if (!same_type) {
            snprintf(bad, sizeof bad, "%s.%.80s is not a known field of this type", block,
                     f->string);
            break;
        }
        cJSON_AddItemToObject(keep, f->string, cJSON_Duplicate(f, 1));
    }
    if (bad[0]) {
        cx_message(r, 400, "%s", bad);
    } else {
        int status = 200;
        if (cJSON_GetArraySize(pd)) {
            cJSON *patch = cJSON_CreateObject();
            cJSON_AddItemToObject(patch, "predictiveDialer", pd);
            pd = NULL;
            cJSON *fields = NULL;
            char why[300];
            status = mock__campaign_merge(s->store, id, patch, &fields, why, sizeof why);
            cJSON_Delete(patch);
            if (status == 422) {
                const cJSON *first = cJSON_GetArrayItem(fields, 0);
                const char *name = cJSON_GetObjectItem(first, "field")->valuestring;
                const char *dot = strrchr(name, '.');
                cx_message(r, 400, "%s (the dialer's %s): %s", cx_field(name),
                           dot ? dot + 1 : name,
                           cJSON_GetObjectItem(first, "problem")->valuestring);
            } else if (status == 403) {
                cx_message(r, 409, "%s", why);
            } else if (status != 200) {
                cx_message(r, status, "%s", why);
            }
            cJSON_Delete(fields);
        }
        if (status == 200) {
            pthread_mutex_lock(&s->extras_lock);
            cJSON *blk = cJSON_GetObjectItem(extras_of(s, id), block);
            const cJSON *k;
            cJSON_ArrayForEach(k, keep)
                cJSON_ReplaceItemInObjectCaseSensitive(blk, k->string, cJSON_Duplicate(k, 1));
            mock__campaign_view(s->store, id, &v);
            cJSON *all = parameters(s, &v);
            pthread_mutex_unlock(&s->extras_lock);
            cJSON *out = cJSON_CreateObject();
            cJSON_AddItemToObject(out, block, cJSON_DetachItemFromObject(all, block));
            cJSON_Delete(all);
            mock__resp_json(r, 200, out);
        }
    }
    cJSON_Delete(pd);
    cJSON_Delete(keep);
    cJSON_Delete(body);
}

static void put_general(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                        mock__resp *r)
{
    if (mock__cxone_admit(s, req, p[0], r))
        put_block(s, req, p[1], "generalSettings", r);
}

static void put_cpa(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                    mock__resp *r)
{
    if (mock__cxone_admit(s, req, p[0], r))
        put_block(s, req, p[1], "cpaSettings", r);
}

static void start_stop(mock_server *s, const char *id, bool start,
                       mock__resp *r)
{
    mock__view v;
    if (mock__campaign_view(s->store, id, &v) != 0) {
        cx_message(r, 404, "skill %s not found", id);
        return;
    }
    if (strcmp(v.status, "locked") == 0 || strcmp(v.status, "archived") == 0) {
        cx_message(r, 409, "skill %s is %s", id, v.status);
        return;
    }
    mock__campaign_set_status(s->store, id, start ? "active" : "paused");
    mock__resp_text(r, 202, "application/json", "{}");
}

static void skill_start(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                        mock__resp *r)
{
    if (mock__cxone_admit(s, req, p[0], r))
        start_stop(s, p[1], true, r);
}

static void skill_stop(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                       mock__resp *r)
{
    if (mock__cxone_admit(s, req, p[0], r))
        start_stop(s, p[1], false, r);
}

static void skill_activity(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                           mock__resp *r)
{
    mock__view v;
    if (!admit_skill(s, req, p, &v, r))
        return;
    double now = cx_clock_now(s->clk);
    sim_counters a, b;
    double busy = 0;
    if (mock__campaign_counts(s->store, p[1], now - 300, now, &a, &b) == 0 &&
        b.staffed_agent_s > a.staffed_agent_s)
        busy = (b.busy_agent_s - a.busy_agent_s) / (b.staffed_agent_s - a.staffed_agent_s);
    int working = (int)lround(busy * v.agents);
    cJSON *j = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(j, "skillActivity");
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "skillId", v.id);
    cJSON_AddNumberToObject(x, "agentsLoggedIn", v.agents);
    cJSON_AddNumberToObject(x, "agentsAvailable", v.agents - working);
    cJSON_AddNumberToObject(x, "agentsWorking", working);
    cJSON_AddNumberToObject(x, "agentsACW", 0);
    cJSON_AddNumberToObject(x, "queueCount", 0);
    cJSON_AddNumberToObject(x, "occupancyLast5Minutes", r4(busy));
    cJSON_AddItemToArray(arr, x);
    mock__resp_json(r, 200, j);
}

/* "2026-01-05T08:00:00Z" or with fractions; returns -1 when malformed. */
double mock__cxone_time(const char *s)
{
    int y, mo, d, h, mi;
    double sec;
    char z = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%lf%c", &y, &mo, &d, &h, &mi, &sec, &z) < 6)
        return -1;
    if (z && z != 'Z')
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = 0};
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (double)t + sec;
}

static void skill_call_data(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                            mock__resp *r)
{
    mock__view v;
    if (!admit_skill(s, req, p, &v, r))
        return;
    double now = cx_clock_now(s->clk);
    const char *sd = mock__req_query(req, "startDate"), *ed = mock__req_query(req, "endDate");
    double from = sd ? mock__cxone_time(sd) : v.started, to = ed ? mock__cxone_time(ed) : now;
    if (from < 0 || to < 0 || to < from) {
        cx_message(r, 400, "startDate and endDate must be ISO 8601 times, start before end");
        return;
    }
    sim_counters a, b;
    int rc = mock__campaign_counts(s->store, p[1], from, to, &a, &b);
    if (rc != 0) {
        cx_message(r, rc == 409 ? 404 : rc, "skill %s has no call data (not simulated)", p[1]);
        return;
    }
    double handled = (double)(b.handled - a.handled);
    cJSON *j = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(j, "skillCallData");
    cJSON *x = cJSON_CreateObject();
    char t0[32], t1[32];
    cx_format_rfc3339(from, t0, sizeof t0);
    cx_format_rfc3339(to < now ? to : now, t1, sizeof t1);
    cJSON_AddStringToObject(x, "skillId", v.id);
    cJSON_AddStringToObject(x, "startDate", t0);
    cJSON_AddStringToObject(x, "endDate", t1);
    /* the ACD's book: it cannot tell a dropped machine from a person, nor
     * see AMD's false positives */
    cJSON_AddNumberToObject(x, "OfferedContacts",
                            (double)(b.observed_live_answers - a.observed_live_answers));
    cJSON_AddNumberToObject(x, "AnsweredContacts", (double)(b.connected - a.connected));
    cJSON_AddNumberToObject(x, "AbandonedContacts",
                            (double)(b.observed_abandoned - a.observed_abandoned));
    cJSON_AddNumberToObject(x, "DialedContacts", (double)(b.attempts - a.attempts));
    cJSON_AddNumberToObject(x, "AverageHandleTime",
                            handled > 0 ? r4((b.handle_s - a.handle_s) / handled) : 0);
    double staffed = b.staffed_agent_s - a.staffed_agent_s;
    cJSON_AddNumberToObject(x, "Occupancy",
                            staffed > 0 ? r4((b.busy_agent_s - a.busy_agent_s) / staffed) : 0);
    cJSON_AddItemToArray(arr, x);
    mock__resp_json(r, 200, j);
}

#define SKILLS "/inContactAPI/services/{}/skills/{}"

const mock__route mock__cxone_routes[] = {
    {"GET", "/.well-known/openid-configuration", openid},
    {"GET", "/.well-known/cxone-configuration", cxone_config},
    {"POST", "/auth/token", token},
    {"GET", SKILLS, skill},
    {"GET", SKILLS "/parameters", skill_parameters},
    {"PUT", SKILLS "/parameters/general-settings", put_general},
    {"PUT", SKILLS "/parameters/cpa-management", put_cpa},
    {"POST", SKILLS "/start", skill_start},
    {"POST", SKILLS "/stop", skill_stop},
    {"GET", SKILLS "/activity", skill_activity},
    {"GET", SKILLS "/call-data", skill_call_data},
    {"GET", "/inContactAPI/services/{}/contacts/completed", mock__cxone_contacts_completed},
    {NULL, NULL, NULL},
};
