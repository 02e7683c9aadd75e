/* mock_replay.c - replay: the session's exchanges answer the requests that
 * match them (method, path, query, body; redacted as when recorded), in
 * recorded order for a request made again; once a request's recorded
 * answers are used up, the last is given again. What the session lacks is
 * answered with the stated status (--replay-missing, 501 by default). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_session.h"

static int check_exchange(const cJSON *x, const char *file, int i, cx_error *err)
{
    static const char *const xk[] = {"request", "response", NULL};
    static const char *const rq[] = {"method", "path", "query", "body", NULL};
    static const char *const rs[] = {"status", "headers", "body", NULL};
    char path[64];
    snprintf(path, sizeof path, "exchanges[%d]", i);
    cx_jobj o, q, r;
    const char *method, *p, *query;
    long status;
    if (cx_jobj_init(&o, x, file, path, MOCK_EINVAL, err) != 0 || cx_jobj_only(&o, xk) ||
        cx_jobj_child(&o, "request", true, &q) < 0 || cx_jobj_child(&o, "response", true, &r) < 0 ||
        cx_jobj_only(&q, rq) || cx_jobj_str(&q, "method", true, &method) ||
        cx_jobj_str(&q, "path", true, &p) || cx_jobj_str(&q, "query", false, &query) ||
        cx_jobj_only(&r, rs) || cx_jobj_int(&r, "status", true, 100, 599, &status))
        return -1;
    if (p[0] != '/')
        return cx_jobj_fail(&q, "path", "must start with /");
    const cJSON *h = cx_jobj_get(&r, "headers"), *m;
    if (h && !cJSON_IsObject(h))
        return cx_jobj_fail(&r, "headers", "expected an object of strings");
    int n = 0;
    cJSON_ArrayForEach(m, h)
    {
        if (!cJSON_IsString(m) || strpbrk(m->valuestring, "\r\n") || strpbrk(m->string, "\r\n:"))
            return cx_jobj_fail(&r, "headers", "%.40s: expected a one-line string", m->string);
        if (++n > MOCK_MAX_HEADERS)
            return cx_jobj_fail(&r, "headers", "at most %d", MOCK_MAX_HEADERS);
    }
    return 0;
}

mock_status mock__session_replay(const char *path, const char *ignore_query, int missing_status,
                                 mock__session **out, cx_error *err)
{
    *out = NULL;
    cJSON *doc = cx_json_load_file(path, err);
    if (!doc) {
        if (err)
            err->code = MOCK_EINVAL;
        return MOCK_EINVAL;
    }
    static const char *const keys[] = {"mockcxoneSession", "upstream", "exchanges", NULL};
    cx_jobj top;
    long version = 0;
    const char *upstream;
    if (cx_jobj_init(&top, doc, path, "", MOCK_EINVAL, err) != 0 || cx_jobj_only(&top, keys) ||
        cx_jobj_int(&top, "mockcxoneSession", true, 1, 1, &version) ||
        cx_jobj_str(&top, "upstream", false, &upstream)) {
        cJSON_Delete(doc);
        return MOCK_EINVAL;
    }
    cJSON *ex = cJSON_GetObjectItemCaseSensitive(doc, "exchanges");
    if (!cJSON_IsArray(ex)) {
        cx_jobj_fail(&top, "exchanges", "expected an array of exchanges");
        cJSON_Delete(doc);
        return MOCK_EINVAL;
    }
    int i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, ex)
    {
        if (check_exchange(x, path, i++, err) != 0) {
            cJSON_Delete(doc);
            return MOCK_EINVAL;
        }
    }
    mock__session *s = calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        cJSON_Delete(doc);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    s->replay = true;
    s->doc = doc;
    s->exchanges = ex;
    s->n = i;
    s->missing_status = missing_status ? missing_status : 501;
    s->path = strdup(path);
    s->used = calloc((size_t)(i ? i : 1), sizeof *s->used);
    for (const char *k = ignore_query; k && *k && s->n_ignore < 8;) {
        size_t len = strcspn(k, ",");
        if (len && len < sizeof s->ignore[0]) {
            memcpy(s->ignore[s->n_ignore], k, len);
            s->ignore[s->n_ignore++][len] = '\0';
        }
        k += len + (k[len] == ',');
    }
    if (!s->path || !s->used) {
        mock__session_destroy(s);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    *out = s;
    return MOCK_OK;
}

static bool ignored(const mock__session *s, const char *pair)
{
    size_t k = strcspn(pair, "=&");
    for (int i = 0; i < s->n_ignore; i++)
        if (strlen(s->ignore[i]) == k && strncmp(pair, s->ignore[i], k) == 0)
            return true;
    return false;
}

/* The query's pairs, in order, less the ignored keys. */
static void query_kept(const mock__session *s, const char *q, cx_buf *out)
{
    while (q && *q) {
        size_t len = strcspn(q, "&");
        if (len && !ignored(s, q))
            (void)cx_buf_printf(out, "%s%.*s", out->len ? "&" : "", (int)len, q);
        q += len + (q[len] == '&');
    }
    if (cx_buf_append(out, "", 0) != 0)
        cx_buf_reset(out);
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static bool matches(const mock__session *s, const cJSON *rec, const cJSON *in)
{
    if (strcmp(str(rec, "method"), str(in, "method")) != 0 ||
        strcmp(str(rec, "path"), str(in, "path")) != 0)
        return false;
    cx_buf a, b;
    cx_buf_init(&a, 16384);
    cx_buf_init(&b, 16384);
    query_kept(s, str(rec, "query"), &a);
    query_kept(s, str(in, "query"), &b);
    bool same = strcmp(a.data ? a.data : "", b.data ? b.data : "") == 0;
    cx_buf_free(&a);
    cx_buf_free(&b);
    if (!same)
        return false;
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(rec, "body");
    const cJSON *ib = cJSON_GetObjectItemCaseSensitive(in, "body");
    bool rempty = !rb || (cJSON_IsString(rb) && !rb->valuestring[0]);
    bool iempty = !ib || (cJSON_IsString(ib) && !ib->valuestring[0]);
    if (rempty || iempty)
        return rempty && iempty;
    return cJSON_Compare(rb, ib, true);
}

void mock__replay_answer(mock__session *s, const mock__req *req, mock__resp *r)
{
    cJSON *in = mock__session_request(req);
    if (!in) {
        mock__resp_error(r, 500, "internal", "out of memory");
        return;
    }
    int pick = -1, last = -1, i = 0;
    pthread_mutex_lock(&s->lock);
    const cJSON *x;
    cJSON_ArrayForEach(x, s->exchanges)
    {
        if (matches(s, cJSON_GetObjectItemCaseSensitive(x, "request"), in)) {
            last = i;
            if (!s->used[i] && pick < 0)
                pick = i;
        }
        i++;
    }
    if (pick < 0)
        pick = last; /* used up: the last answer again */
    cJSON *resp = NULL;
    if (pick >= 0) {
        s->used[pick] = true;
        resp = cJSON_Duplicate(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(s->exchanges, pick), "response"),
            1);
    }
    pthread_mutex_unlock(&s->lock);
    if (pick < 0 || !resp) {
        const char *q = str(in, "query");
        mock__resp_error(r, s->missing_status, "not_recorded",
                         "%s has no answer for %s %s%s%s", s->path, req->method, req->path,
                         q[0] ? "?" : "", q);
        snprintf(r->fault, sizeof r->fault, "replay: not recorded");
        cJSON_Delete(in);
        cJSON_Delete(resp);
        return;
    }
    char origin[300];
    mock__session_origin(req, origin, sizeof origin);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(resp, "body");
    char *text = cJSON_IsString(body) ? strdup(body->valuestring)
                 : body               ? cJSON_PrintUnformatted(body)
                                      : strdup("");
    char *served = text ? mock__replace_all(text, "{{origin}}", origin) : NULL;
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(resp, "headers");
    const char *ct = str(headers, "Content-Type");
    cx_copy(r->own_type, sizeof r->own_type, ct[0] ? ct : "application/json");
    mock__resp_text(r, (int)cJSON_GetObjectItemCaseSensitive(resp, "status")->valuedouble,
                    r->own_type, served ? served : "");
    const cJSON *h;
    cJSON_ArrayForEach(h, headers)
    {
        if (strcmp(h->string, "Content-Type") == 0)
            continue;
        char *v = mock__replace_all(h->valuestring, "{{origin}}", origin);
        mock__resp_header(r, h->string, "%s", v ? v : "");
        free(v);
    }
    snprintf(r->fault, sizeof r->fault, "replay: exchange %d", pick);
    free(text);
    free(served);
    cJSON_Delete(resp);
    cJSON_Delete(in);
}
