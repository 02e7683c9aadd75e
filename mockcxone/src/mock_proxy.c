/* mock_proxy.c - record: each request goes to the upstream with libcurl,
 * its answer back to the client, and the exchange, redacted, into the
 * session file (rewritten whole after each, so the file on disk is always
 * a whole session, whenever the recorder is stopped or killed). */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock_session.h"

#define UPSTREAM_BODY_MAX (16u << 20)
#define UPSTREAM_TIMEOUT_MS 60000L

typedef struct upstream_answer {
    cx_buf body;
    int n;
    char name[MOCK_MAX_HEADERS][48];
    char value[MOCK_MAX_HEADERS][256];
    char content_type[128];
} upstream_answer;

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    upstream_answer *a = ud;
    return cx_buf_append(&a->body, data, size * n) == 0 ? size * n : 0;
}

/* Headers an answer passes on: not hop-by-hop, not lengths libmicrohttpd sets. */
static bool passed_on(const char *name)
{
    static const char *const skip[] = {"Connection", "Keep-Alive", "Transfer-Encoding",
                                       "Content-Length", "Date", "Server", "Content-Type",
                                       "Content-Encoding", "Proxy-Authenticate", "Upgrade",
                                       "Trailer", "TE", NULL};
    for (int i = 0; skip[i]; i++)
        if (strcasecmp(name, skip[i]) == 0)
            return false;
    return true;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    upstream_answer *a = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        a->n = 0; /* a new answer (after a 100 Continue) */
        a->content_type[0] = '\0';
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon || colon == data || (size_t)(colon - data) >= sizeof a->name[0])
        return len;
    char name[48];
    memcpy(name, data, (size_t)(colon - data));
    name[colon - data] = '\0';
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    char value[256];
    size_t vl = (size_t)(end - v) < sizeof value ? (size_t)(end - v) : sizeof value - 1;
    memcpy(value, v, vl);
    value[vl] = '\0';
    if (strcasecmp(name, "Content-Type") == 0)
        cx_copy(a->content_type, sizeof a->content_type, value);
    else if (passed_on(name) && a->n < MOCK_MAX_HEADERS) {
        cx_copy(a->name[a->n], sizeof a->name[0], name);
        cx_copy(a->value[a->n], sizeof a->value[0], value);
        a->n++;
    }
    return len;
}

typedef struct hdr_ctx {
    struct curl_slist *list;
    bool oom;
} hdr_ctx;

/* The client's headers, but those of its hop to the recorder. */
static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    static const char *const skip[] = {"Host", "Connection", "Content-Length",
                                       "Transfer-Encoding", "Expect", "Keep-Alive",
                                       "Accept-Encoding", "Proxy-Authorization", "TE",
                                       "Upgrade", NULL};
    hdr_ctx *h = cls;
    for (int i = 0; skip[i]; i++)
        if (strcasecmp(key, skip[i]) == 0)
            return MHD_YES;
    char line[4096];
    snprintf(line, sizeof line, "%s: %s", key, value ? value : "");
    struct curl_slist *l = curl_slist_append(h->list, line);
    if (!l)
        h->oom = true;
    else
        h->list = l;
    return MHD_YES;
}

typedef struct query_ctx {
    CURL *curl;
    cx_buf *out;
    bool more; /* a pair is already there */
} query_ctx;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    query_ctx *q = cls;
    char *k = curl_easy_escape(q->curl, key, 0);
    char *v = value ? curl_easy_escape(q->curl, value, 0) : NULL;
    if (k)
        (void)cx_buf_printf(q->out, "%s%s%s%s", q->more ? "&" : "?", k, v ? "=" : "",
                            v ? v : "");
    q->more = true;
    curl_free(k);
    curl_free(v);
    return MHD_YES;
}

static void record(mock__session *s, const mock__req *req, long status,
                   const upstream_answer *a, const char *body_for_file)
{
    cJSON *x = cJSON_CreateObject();
    cJSON *request = mock__session_request(req);
    cJSON *response = cJSON_CreateObject();
    cJSON *headers = cJSON_CreateObject();
    if (!x || !request || !response || !headers) {
        cJSON_Delete(x);
        cJSON_Delete(request);
        cJSON_Delete(response);
        cJSON_Delete(headers);
        return;
    }
    cJSON_AddItemToObject(x, "request", request);
    cJSON_AddNumberToObject(response, "status", (double)status);
    if (a->content_type[0])
        cJSON_AddStringToObject(headers, "Content-Type", a->content_type);
    for (int i = 0; i < a->n; i++) {
        bool secret = strcasecmp(a->name[i], "Set-Cookie") == 0 ||
                      strcasecmp(a->name[i], "Authorization") == 0;
        char *v = mock__replace_all(a->value[i], s->upstream, "{{origin}}");
        cJSON_AddStringToObject(headers, a->name[i], secret ? "***" : v ? v : "");
        free(v);
    }
    cJSON_AddItemToObject(response, "headers", headers);
    cJSON_AddItemToObject(response, "body",
                          mock__session_body(body_for_file, strlen(body_for_file), false));
    cJSON_AddItemToObject(x, "response", response);
    cx_error err = {0};
    pthread_mutex_lock(&s->lock);
    cJSON_AddItemToArray(s->exchanges, x);
    if (mock__session_save(s, &err) != 0)
        fprintf(stderr, "mockcxone: %s\n", err.msg);
    pthread_mutex_unlock(&s->lock);
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return atomic_load(&((mock__session *)ud)->stopping) ? 1 : 0;
}

void mock__proxy_answer(mock__session *s, const mock__req *req, mock__resp *r)
{
    CURL *c = curl_easy_init();
    upstream_answer a;
    memset(&a, 0, sizeof a);
    cx_buf_init(&a.body, UPSTREAM_BODY_MAX);
    cx_buf url;
    cx_buf_init(&url, 16384);
    hdr_ctx h = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    if (!c || cx_buf_printf(&url, "%s%s", s->upstream, req->path) != 0) {
        mock__resp_error(r, 500, "internal", "out of memory");
        goto out;
    }
    query_ctx q = {c, &url, false};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, add_header, &h);
    if (h.oom || !(h.list = curl_slist_append(h.list, "Expect:"))) {
        mock__resp_error(r, 500, "internal", "out of memory");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, url.data);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h.list);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, UPSTREAM_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body.data ? req->body.data : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
    }
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status < 100) {
        /* the upstream's silence is not its behaviour: said, not recorded */
        mock__resp_error(r, 502, "bad_gateway", "the upstream %s did not answer: %s",
                         s->upstream, errbuf[0] ? errbuf : curl_easy_strerror(cc));
        goto out;
    }
    if (cx_buf_append(&a.body, "", 0) != 0) {
        mock__resp_error(r, 500, "internal", "out of memory");
        goto out;
    }
    const char *text = a.body.data ? a.body.data : "";
    char origin[300];
    mock__session_origin(req, origin, sizeof origin);
    /* the upstream's address as the client's: it keeps talking to the recorder */
    char *to_client = mock__replace_all(text, s->upstream, origin);
    char *to_file = mock__replace_all(text, s->upstream, "{{origin}}");
    if (!to_client || !to_file) {
        free(to_client);
        free(to_file);
        mock__resp_error(r, 500, "internal", "out of memory");
        goto out;
    }
    cx_copy(r->own_type, sizeof r->own_type,
            a.content_type[0] ? a.content_type : "application/octet-stream");
    mock__resp_text(r, (int)status, r->own_type, to_client);
    for (int i = 0; i < a.n; i++) {
        char *v = mock__replace_all(a.value[i], s->upstream, origin);
        mock__resp_header(r, a.name[i], "%s", v ? v : "");
        free(v);
    }
    record(s, req, status, &a, to_file);
    free(to_client);
    free(to_file);
out:
    curl_slist_free_all(h.list);
    cx_buf_free(&url);
    cx_buf_free(&a.body);
    if (c)
        curl_easy_cleanup(c);
}
