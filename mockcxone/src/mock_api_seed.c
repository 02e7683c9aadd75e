/* mock_api_seed.c - the seed document's API: its routes and payload shapes.
 *
 *   POST  /auth/token                   client credentials (body or Basic)
 *   GET   /api/v2/campaigns/{id}
 *   PATCH /api/v2/campaigns/{id}        JSON Merge Patch, If-Match optional
 *   GET   /api/v2/campaigns/{id}/stats  ?window=fcc|ofcom|SECONDS&period=SECONDS
 *
 * A later profile (the real CXone skills API) gets a file of its own. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

/* ------------------------------------------------------------ the form */

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : (tolower(c) >= 'a' && tolower(c) <= 'f') ? tolower(c) - 'a' + 10
                                                                            : -1;
}

/* URL-decodes src[0..n) into dst (size cap); false when malformed or long. */
static bool url_decode(const char *src, size_t n, char *dst, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexval((unsigned char)src[i + 1]), l = hexval((unsigned char)src[i + 2]);
            if (h < 0 || l < 0)
                return false;
            c = h * 16 + l;
            i += 2;
        }
        if (k + 1 >= cap || c == 0)
            return false;
        dst[k++] = (char)c;
    }
    dst[k] = '\0';
    return true;
}

/* Finds form field `key`; decodes it into dst. 1 found, 0 absent, -1 bad. */
static int form_get(const char *body, size_t len, const char *key, char *dst, size_t cap)
{
    size_t kl = strlen(key);
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && (size_t)(eq - p) == kl && strncmp(p, key, kl) == 0)
            return url_decode(eq + 1, (size_t)(stop - eq - 1), dst, cap) ? 1 : -1;
        p = amp ? amp + 1 : end;
    }
    return 0;
}

/* Decodes "Basic base64(urlenc(id):urlenc(secret))" (RFC 6749 2.3.1). */
static bool basic_credentials(const char *h, char *id, char *secret, size_t cap)
{
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    if (n == 0 || n % 4 != 0 || n > 1024)
        return false;
    unsigned char raw[800];
    int len = EVP_DecodeBlock(raw, (const unsigned char *)h, (int)n);
    if (len < 0)
        return false;
    if (h[n - 1] == '=')
        len--;
    if (n >= 2 && h[n - 2] == '=')
        len--;
    raw[len] = '\0';
    char *colon = memchr(raw, ':', (size_t)len);
    bool ok = colon && url_decode((char *)raw, (size_t)(colon - (char *)raw), id, cap) &&
              url_decode(colon + 1, (size_t)(len - (colon + 1 - (char *)raw)), secret, cap);
    OPENSSL_cleanse(raw, sizeof raw);
    return ok;
}

static void oauth_error(mock__resp *r, int status, const char *code, const char *desc)
{
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "error", code);
        cJSON_AddStringToObject(j, "error_description", desc);
    }
    mock__resp_json(r, status, j);
    mock__resp_header(r, "Cache-Control", "no-store");
}

static void token(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                  mock__resp *r)
{
    (void)p;
    const char *ct = mock__req_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        oauth_error(r, 400, "invalid_request",
                    "the body must be application/x-www-form-urlencoded");
        return;
    }
    const char *body = req->body.data ? req->body.data : "";
    size_t len = req->body.len;
    char grant[64], id[256] = "", secret[256] = "";
    int g = form_get(body, len, "grant_type", grant, sizeof grant);
    if (g <= 0) {
        oauth_error(r, 400, "invalid_request", "grant_type is missing or malformed");
        return;
    }
    if (strcmp(grant, "client_credentials") != 0) {
        oauth_error(r, 400, "unsupported_grant_type",
                    "only the client_credentials grant is supported");
        return;
    }
    const char *authz = mock__req_header(req, "Authorization");
    bool basic = authz && strncasecmp(authz, "Basic ", 6) == 0;
    bool ok = basic ? basic_credentials(authz + 6, id, secret, sizeof id)
                    : form_get(body, len, "client_id", id, sizeof id) == 1 &&
                          form_get(body, len, "client_secret", secret, sizeof secret) == 1;
    char tok[64], scope[256];
    double expires_in = 0;
    if (!ok || !mock__auth_issue(s->auth, id, secret, tok, scope, &expires_in)) {
        OPENSSL_cleanse(secret, sizeof secret);
        oauth_error(r, 401, "invalid_client", "client authentication failed");
        if (basic)
            mock__resp_header(r, "WWW-Authenticate", "Basic realm=\"mockcxone\"");
        return;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    double wait = 1;
    if (!mock__auth_take(s->auth, id, &wait)) {
        OPENSSL_cleanse(tok, sizeof tok);
        mock__resp_error(r, 429, "rate_limited", "client %s is over its rate limit", id);
        mock__resp_header(r, "Retry-After", "%.0f", wait);
        return;
    }
    cJSON *j = cJSON_CreateObject();
    if (j) {
        cJSON_AddStringToObject(j, "access_token", tok);
        cJSON_AddStringToObject(j, "token_type", "Bearer");
        cJSON_AddNumberToObject(j, "expires_in", expires_in);
        cJSON_AddStringToObject(j, "scope", scope);
    }
    OPENSSL_cleanse(tok, sizeof tok);
    mock__resp_json(r, 200, j);
    mock__resp_header(r, "Cache-Control", "no-store");
}

/* ------------------------------------------------------------ campaigns */

static void campaign_get(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                         mock__resp *r)
{
    char client[128];
    if (mock__authorize(s, req, "campaign:read", client, r))
        mock__campaign_get(s->store, p[0], r);
}

static void campaign_patch(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                           mock__resp *r)
{
    char client[128];
    if (!mock__authorize(s, req, "campaign:write", client, r))
        return;
    if (!mock__campaign_exists(s->store, p[0])) {
        mock__resp_error(r, 404, "not_found", "campaign %s does not exist", p[0]);
        return;
    }
    if (!mock__req_is_json(req)) {
        mock__resp_error(r, 415, "unsupported_media_type",
                         "the body must be application/json (a JSON merge patch), not %.100s",
                         mock__req_header(req, "Content-Type"));
        return;
    }
    const char *text = req->body.data ? req->body.data : "";
    size_t blank = strspn(text, " \t\r\n");
    cx_error err = {0};
    /* an empty body is an empty patch (422), not malformed JSON */
    cJSON *body = blank == req->body.len ? cJSON_CreateObject()
                                         : cx_json_parse(text, req->body.len, "request body", &err);
    if (!body) {
        mock__resp_error(r, 400, "invalid_json", "%s", err.msg);
        return;
    }
    mock__campaign_patch(s->store, p[0], mock__req_header(req, "If-Match"), body, r);
    cJSON_Delete(body);
}

/* "fcc" = 30 days, "ofcom" = 24 hours, or seconds. Returns -1 if bad. */
static double window_arg(const char *v)
{
    if (!v)
        return 0;
    if (strcmp(v, "fcc") == 0)
        return 30 * 86400.0;
    if (strcmp(v, "ofcom") == 0)
        return 86400.0;
    char *end;
    double d = strtod(v, &end);
    return (end != v && !*end && d > 0 && d <= 366 * 86400.0) ? d : -1;
}

static void campaign_stats(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                           mock__resp *r)
{
    char client[128];
    if (!mock__authorize(s, req, "campaign:read", client, r))
        return;
    double window = window_arg(mock__req_query(req, "window"));
    double period = window_arg(mock__req_query(req, "period"));
    if (window < 0 || period < 0) {
        mock__resp_error(r, 400, "bad_request",
                         "window and period take fcc, ofcom or a number of seconds");
        return;
    }
    mock__campaign_stats(s->store, p[0], window, period, false, r);
}

const mock__route mock__seed_routes[] = {
    {"POST", "/auth/token", token},
    {"GET", "/api/v2/campaigns/{}", campaign_get},
    {"PATCH", "/api/v2/campaigns/{}", campaign_patch},
    {"GET", "/api/v2/campaigns/{}/stats", campaign_stats},
    {NULL, NULL, NULL},
};
