/* mock_admin.c - the admin API (for tests and people, not part of CXone)
 * and the webhook sink. Admin requests are neither journaled nor subject to
 * fault rules; webhook deliveries are both. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

static void health(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                   mock__resp *r)
{
    (void)s;
    (void)req;
    (void)p;
    mock__resp_text(r, 200, "application/json", "{\"status\":\"ok\"}");
}

static long since_arg(const mock__req *req)
{
    const char *v = mock__req_query(req, "since");
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *end == '\0' && n > 0 ? n : 0;
}

static void journal_list(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                         mock__resp *r)
{
    (void)p;
    mock__resp_json(r, 200, mock__journal_list(s->journal, since_arg(req)));
}

static void journal_summary(mock_server *s, const mock__req *req,
                            char p[MOCK_MAX_PARAMS][256], mock__resp *r)
{
    (void)req;
    (void)p;
    mock__resp_json(r, 200, mock__journal_summary(s->journal));
}

static void faults_get(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                       mock__resp *r)
{
    (void)req;
    (void)p;
    cJSON *o = cJSON_CreateObject();
    if (o)
        cJSON_AddItemToObject(o, "faults", mock__faults_json(s->faults));
    mock__resp_json(r, 200, o);
}

static void faults_post(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                        mock__resp *r)
{
    (void)p;
    cx_error err = {0};
    cJSON *doc = cx_json_parse(req->body.data ? req->body.data : "", req->body.len,
                               "request body", &err);
    if (!doc) {
        mock__resp_error(r, 400, "invalid_json", "%s", err.msg);
        return;
    }
    const char *append = mock__req_query(req, "append");
    bool add = append && strcmp(append, "0") != 0;
    if (mock__faults_load(s->faults, doc, "request body", add, &err) != MOCK_OK)
        mock__resp_error(r, 422, "invalid_faults", "%s", err.msg);
    else
        faults_get(s, req, p, r);
    cJSON_Delete(doc);
}

static void faults_delete(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                          mock__resp *r)
{
    mock__faults_clear(s->faults);
    faults_get(s, req, p, r);
}

static void campaign_status(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                            mock__resp *r)
{
    cx_error err = {0};
    cJSON *doc = cx_json_parse(req->body.data ? req->body.data : "", req->body.len,
                               "request body", &err);
    const cJSON *st = doc ? cJSON_GetObjectItemCaseSensitive(doc, "status") : NULL;
    if (!cJSON_IsString(st)) {
        mock__resp_error(r, 400, "bad_request", "expected {\"status\": \"active|paused|archived|"
                                                "locked\"}");
    } else {
        mock_status rc = mock__campaign_set_status(s->store, p[0], st->valuestring);
        if (rc == MOCK_ENOENT)
            mock__resp_error(r, 404, "not_found", "campaign %s does not exist", p[0]);
        else if (rc != MOCK_OK)
            mock__resp_error(r, 400, "bad_request", "unknown status \"%.40s\"", st->valuestring);
        else
            mock__campaign_get(s->store, p[0], r);
    }
    cJSON_Delete(doc);
}

static void reset(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                  mock__resp *r)
{
    (void)req;
    (void)p;
    mock__journal_clear(s->journal);
    mock__journal_clear(s->sink);
    mock__faults_clear(s->faults);
    if (s->initial_doc)
        mock__faults_load(s->faults, s->initial_doc, "", false, NULL);
    mock__auth_reset(s->auth);
    s->t_start = cx_clock_now(s->clk);
    mock__store_reset(s->store);
    mock__session_rewind(s->session); /* a replay starts again from its first answers */
    mock__resp_text(r, 200, "application/json", "{\"status\":\"reset\"}");
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    cJSON_AddStringToObject(cls, key, value ? value : "");
    return MHD_YES;
}

static void webhook(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                    mock__resp *r)
{
    (void)p;
    cJSON *e = cJSON_CreateObject();
    cJSON *h = cJSON_CreateObject();
    if (e && h) {
        char when[32];
        cx_format_rfc3339(cx_clock_now(s->clk), when, sizeof when);
        MHD_get_connection_values(req->conn, MHD_HEADER_KIND, add_header, h);
        cJSON_AddStringToObject(e, "path", req->path);
        cJSON_AddItemToObject(e, "headers", h);
        h = NULL;
        cx_buf b;
        cx_buf_init(&b, 64 * 1024);
        if (req->body.len && cx_buf_append(&b, req->body.data, req->body.len) != 0)
            (void)cx_buf_printf(&b, "(%zu bytes: too large to keep)", req->body.len);
        cJSON_AddStringToObject(e, "body", b.data ? b.data : "");
        cx_buf_free(&b);
        cJSON_AddStringToObject(e, "time", when);
    }
    cJSON_Delete(h);
    mock__journal_add(s->sink, e, 204);
    mock__resp_text(r, 204, "application/json", NULL);
}

static void webhooks_list(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                          mock__resp *r)
{
    (void)p;
    mock__resp_json(r, 200, mock__journal_list(s->sink, since_arg(req)));
}

const mock__route mock__admin_routes[] = {
    {"GET", "/__admin/health", health},
    {"GET", "/__admin/journal", journal_list},
    {"GET", "/__admin/journal/summary", journal_summary},
    {"GET", "/__admin/faults", faults_get},
    {"POST", "/__admin/faults", faults_post},
    {"DELETE", "/__admin/faults", faults_delete},
    {"PUT", "/__admin/campaigns/{}/status", campaign_status},
    {"POST", "/__admin/reset", reset},
    {"GET", "/__admin/webhooks", webhooks_list},
    {"POST", "/__webhook/{**}", webhook},
    {NULL, NULL, NULL},
};
