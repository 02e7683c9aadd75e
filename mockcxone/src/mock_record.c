/* mock_record.c - what the journal keeps of a request: its method, path,
 * status (or "reset"), headers with credentials redacted, body with form
 * secrets redacted and cut to a bound, time and duration. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

#define JOURNAL_BODY_MAX 2048

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    cJSON *h = cls;
    value = value ? value : "";
    char *clean = NULL;
    for (const unsigned char *c = (const unsigned char *)value; *c; c++)
        if (*c >= 0x80) { /* not ASCII: kept as UTF-8, U+FFFD for what is not */
            if (!(clean = mock__utf8_dup(value, strlen(value))))
                return MHD_YES;
            value = clean;
            break;
        }
    if (strcasecmp(key, "Authorization") == 0 || strcasecmp(key, "Cookie") == 0 ||
        strcasecmp(key, "Proxy-Authorization") == 0) {
        char red[64];
        size_t n = value ? strcspn(value, " ") : 0;
        snprintf(red, sizeof red, "%.*s ***", (int)(n < 20 ? n : 20), value ? value : "");
        cJSON_AddStringToObject(h, key, red);
    } else {
        cJSON_AddStringToObject(h, key, value);
    }
    free(clean);
    return MHD_YES;
}

void mock__redact_form(const char *body, size_t len, bool user_too, cx_buf *out)
{
    static const char *const secret_keys[] = {"client_secret", "password", "refresh_token",
                                              "access_token",  "client_assertion", "code",
                                              "username", NULL};
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        bool secret = false;
        for (int i = 0; eq && secret_keys[i]; i++)
            if ((user_too || strcmp(secret_keys[i], "username") != 0) &&
                (size_t)(eq - p) == strlen(secret_keys[i]) &&
                strncmp(p, secret_keys[i], (size_t)(eq - p)) == 0)
                secret = true;
        if (secret) {
            if (cx_buf_append(out, p, (size_t)(eq - p) + 1) || cx_buf_append(out, "***", 3))
                return;
        } else if (cx_buf_append(out, p, (size_t)(stop - p))) {
            return;
        }
        if (amp && cx_buf_append(out, "&", 1))
            return;
        p = amp ? amp + 1 : end;
    }
}

/* Returns the body as journaled: secrets redacted, cut to a bounded size. */
static char *journal_body(const mock__req *req, size_t cap)
{
    if (req->too_large)
        return strdup("(body too large: not kept)");
    if (!req->body.len)
        return strdup("");
    cx_buf b;
    cx_buf_init(&b, cap + 64);
    const char *ct = mock__req_header(req, "Content-Type");
    size_t len = req->body.len < cap ? req->body.len : cap;
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        mock__redact_form(req->body.data, req->body.len, false, &b);
    else if (cx_buf_append(&b, req->body.data, len) != 0)
        cx_buf_reset(&b);
    if (b.len > cap) {
        b.len = cap;
        b.data[cap] = '\0';
    }
    if (req->body.len > cap)
        (void)cx_buf_printf(&b, "...(%zu bytes in all)", req->body.len);
    /* the journal is JSON: a body that is not UTF-8 is kept with U+FFFD */
    char *s = mock__utf8_dup(b.data ? b.data : "", b.len);
    cx_buf_free(&b);
    return s;
}

/* The response as sent: its headers (as libmicrohttpd gets them) and its
 * body, parsed when it is JSON, with token values redacted (a token
 * response must not put a live token in the journal). A body past
 * RESPONSE_BODY_MAX is cut and marked so. */
#define RESPONSE_BODY_MAX (64 * 1024)

/* Whether a JSON text names one of the keys as a member ("key" then a
 * colon): then it is parsed and the values redacted. */
static bool secret_in(const char *text, const char *const keys[])
{
    for (int i = 0; keys[i]; i++) {
        size_t n = strlen(keys[i]);
        for (const char *p = strstr(text, keys[i]); p; p = strstr(p + 1, keys[i]))
            if (p > text && p[-1] == '"' && p[n] == '"')
                return true;
    }
    return false;
}

static cJSON *response_of(const mock__resp *r)
{
    static const char *const secret_keys[] = {"access_token", "refresh_token", "id_token",
                                              NULL};
    cJSON *o = cJSON_CreateObject();
    cJSON *h = cJSON_AddObjectToObject(o, "headers");
    if (!o || !h) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(h, "Content-Type", r->content_type);
    for (int i = 0; i < r->n_headers; i++)
        cJSON_AddStringToObject(h, r->hname[i], r->hvalue[i]);
    const char *text = r->body.data ? r->body.data : "";
    cJSON *json = NULL;
    bool is_json = r->body.len && strncasecmp(r->content_type, "application/json", 16) == 0;
    if (is_json && r->body.len <= RESPONSE_BODY_MAX && !secret_in(text, secret_keys)) {
        /* the server's own JSON with no secret in it: kept as the text it
         * is (cJSON's raw item, printed verbatim), not parsed again into a
         * tree on every request */
        if (!cJSON_AddRawToObject(o, "body", text)) {
            cJSON_Delete(o);
            return NULL;
        }
        return o;
    }
    if (is_json)
        json = cJSON_ParseWithLength(text, r->body.len);
    if (cJSON_IsObject(json))
        for (int i = 0; secret_keys[i]; i++)
            if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(json, secret_keys[i])))
                cJSON_ReplaceItemInObjectCaseSensitive(json, secret_keys[i],
                                                       cJSON_CreateString("***"));
    if (json)
        cJSON_AddItemToObject(o, "body", json);
    else if (r->body.len > RESPONSE_BODY_MAX)
        cJSON_AddBoolToObject(o, "bodyCut", true);
    else
        cJSON_AddStringToObject(o, "body", text);
    return o;
}

void mock__journal_request(mock__journal *j, const mock__req *req, const mock__resp *r,
                           double now)
{
    if (strncmp(req->path, "/__admin/", 9) == 0)
        return; /* the admin API watches; it is not what is watched */
    int status = r->drop ? 0 : r->status;
    cJSON *e = cJSON_CreateObject();
    cJSON *h = cJSON_CreateObject();
    char *body = journal_body(req, JOURNAL_BODY_MAX);
    if (!e || !h || !body) {
        cJSON_Delete(e);
        cJSON_Delete(h);
        free(body);
        mock__journal_add(j, NULL, status);
        return;
    }
    char when[32];
    cx_format_rfc3339(now, when, sizeof when);
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, add_header, h);
    cJSON_AddStringToObject(e, "method", req->method);
    char *path = mock__utf8_dup(req->path, strlen(req->path));
    cJSON_AddStringToObject(e, "path", path ? path : "?");
    free(path);
    if (r->drop)
        cJSON_AddStringToObject(e, "status", "reset");
    else
        cJSON_AddNumberToObject(e, "status", r->status);
    cJSON_AddItemToObject(e, "headers", h);
    cJSON_AddStringToObject(e, "body", body);
    cJSON_AddStringToObject(e, "time", when);
    cJSON_AddNumberToObject(e, "durationMs",
                            round((cx_wall_monotonic() - req->wall_start) * 1e6) / 1e3);
    if (r->fault[0])
        cJSON_AddStringToObject(e, "fault", r->fault);
    if (!r->drop)
        cJSON_AddItemToObject(e, "response", response_of(r));
    free(body);
    mock__journal_add(j, e, status);
}
