/* mock_session.c - the session file: what a request and an answer become
 * in it (redacted), writing it whole, and the two modes' life. */
#include "mock_session.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mock_journal.h"

/* ------------------------------------------------------------ redaction */

/* A member or parameter named for a secret: any "secret", "password" or
 * "credential", and the token and key names (not token_type, nor an
 * endpoint's URL). */
static bool secret_name(const char *k)
{
    static const char *const part[] = {"secret", "password", "passwd", "credential", NULL};
    static const char *const whole[] = {"access_token", "refresh_token", "id_token", "token",
                                        "apikey", "api_key", "accesskey", "access_key",
                                        "accesskeyid", "access_key_id", "authorization",
                                        "cookie", "client_assertion", "assertion", NULL};
    char low[128];
    size_t i = 0;
    for (; k[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)k[i]);
    low[i] = '\0';
    for (int w = 0; part[w]; w++)
        if (strstr(low, part[w]))
            return true;
    for (int w = 0; whole[w]; w++)
        if (strcmp(low, whole[w]) == 0)
            return true;
    return false;
}

static bool is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A JWT (eyJ..., three base64url parts, the last maybe empty), or a run
 * of 20 or more base64 characters with letters and digits both (access
 * keys, opaque tokens); a UUID is an identifier, not a secret. */
static bool token_shaped(const char *s)
{
    size_t n = strlen(s), dots = 0, letters = 0, digits = 0;
    if (n < 20 || is_uuid(s))
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.')
            dots++;
        else if (isalpha(c))
            letters++;
        else if (isdigit(c))
            digits++;
        else if (c != '-' && c != '_' && c != '+' && c != '/' && c != '=')
            return false;
    }
    return (dots == 2 && strncmp(s, "eyJ", 3) == 0) || (dots == 0 && letters && digits);
}

void mock__session_redact(cJSON *j)
{
    cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        if (it->string && secret_name(it->string) && !cJSON_IsObject(it) && !cJSON_IsArray(it) &&
            !cJSON_IsNull(it) && !cJSON_IsBool(it) && !cJSON_IsNumber(it)) {
            cJSON_SetValuestring(it, "***");
        } else if (cJSON_IsString(it) && token_shaped(it->valuestring)) {
            cJSON_SetValuestring(it, "***");
        } else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
            mock__session_redact(it);
        }
    }
}

cJSON *mock__session_body(const char *data, size_t len, bool form)
{
    if (!len)
        return cJSON_CreateString("");
    cJSON *j = cJSON_ParseWithLength(data, len);
    if (j && (cJSON_IsObject(j) || cJSON_IsArray(j))) {
        mock__session_redact(j);
        return j;
    }
    cJSON_Delete(j);
    cx_buf b;
    cx_buf_init(&b, len + 64);
    if (form)
        mock__redact_form(data, len, true, &b);
    else if (cx_buf_append(&b, data, len) != 0)
        cx_buf_reset(&b);
    char *clean = mock__utf8_dup(b.data ? b.data : "", b.len);
    cx_buf_free(&b);
    cJSON *s = cJSON_CreateString(clean ? clean : "");
    free(clean);
    return s;
}

/* --------------------------------------------------------- the request */

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    cx_buf *b = cls;
    const char *v = value ? value : "";
    bool secret = secret_name(key) || token_shaped(v);
    (void)cx_buf_printf(b, "%s%s=%s", b->len ? "&" : "", key, secret ? "***" : v);
    return MHD_YES;
}

cJSON *mock__session_request(const mock__req *req)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cx_buf q;
    cx_buf_init(&q, 8192);
    if (req->conn)
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
    char *query = mock__utf8_dup(q.data ? q.data : "", q.len);
    char *path = mock__utf8_dup(req->path, strlen(req->path));
    cx_buf_free(&q);
    const char *ct = mock__req_header(req, "Content-Type");
    bool form = ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
    cJSON_AddStringToObject(o, "method", req->method);
    cJSON_AddStringToObject(o, "path", path ? path : "");
    cJSON_AddStringToObject(o, "query", query ? query : "");
    cJSON_AddItemToObject(o, "body",
                          mock__session_body(req->body.data ? req->body.data : "", req->body.len,
                                             form));
    free(query);
    free(path);
    return o;
}

void mock__session_origin(const mock__req *req, char *out, size_t n)
{
    const char *host = mock__req_header(req, "Host");
    snprintf(out, n, "http://%s", host && !strpbrk(host, "\r\n\" /") ? host : "127.0.0.1");
}

char *mock__replace_all(const char *text, const char *from, const char *to)
{
    cx_buf b;
    cx_buf_init(&b, strlen(text) * 4 + 1024);
    size_t fl = strlen(from);
    const char *p = text, *hit;
    while (fl && (hit = strstr(p, from)) != NULL) {
        if (cx_buf_append(&b, p, (size_t)(hit - p)) || cx_buf_append(&b, to, strlen(to)))
            goto oom;
        p = hit + fl;
    }
    if (cx_buf_append(&b, p, strlen(p)) || cx_buf_append(&b, "", 0))
        goto oom;
    if (!b.data)
        return strdup("");
    return cx_buf_steal(&b);
oom:
    cx_buf_free(&b);
    return NULL;
}

/* ---------------------------------------------------------- the file */

int mock__session_save(mock__session *s, cx_error *err)
{
    char *text = cJSON_Print(s->doc);
    if (!text)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    size_t n = strlen(s->out_path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        free(text);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    snprintf(tmp, n, "%s.tmp.%ld", s->out_path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    size_t len = strlen(text), done = 0;
    while (rc == 0 && done < len) {
        ssize_t k = write(fd, text + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            rc = -1;
        else
            done += (size_t)k;
    }
    if (rc == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) != 0))
        rc = -1;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, s->out_path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        unlink(tmp);
        cx_error_set(err, MOCK_EINVAL, "%s: cannot write: %s", s->out_path, strerror(e));
    }
    free(tmp);
    free(text);
    return rc;
}

/* ---------------------------------------------------------- life */

static mock__session *session_new(void)
{
    mock__session *s = calloc(1, sizeof *s);
    if (s && pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

mock_status mock__session_record(const char *upstream, const char *out_path,
                                 mock__session **out, cx_error *err)
{
    *out = NULL;
    if (strncmp(upstream, "http://", 7) != 0 && strncmp(upstream, "https://", 8) != 0)
        return cx_error_set(err, MOCK_EINVAL, "--record %s: expected an http:// or https:// URL",
                            upstream);
    if (!out_path || !out_path[0])
        return cx_error_set(err, MOCK_EINVAL, "--record needs --out FILE.json");
    mock__session *s = session_new();
    if (!s)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    size_t n = strlen(upstream);
    while (n > 8 && upstream[n - 1] == '/')
        n--;
    s->upstream = strndup(upstream, n);
    s->out_path = strdup(out_path);
    s->doc = cJSON_CreateObject();
    if (!s->upstream || !s->out_path || !s->doc) {
        mock__session_destroy(s);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    cJSON_AddNumberToObject(s->doc, "mockcxoneSession", 1);
    cJSON_AddStringToObject(s->doc, "upstream", s->upstream);
    s->exchanges = cJSON_AddArrayToObject(s->doc, "exchanges");
    /* written at once: a session that records nothing is still a file, and
     * a path that cannot be written is said before any request comes */
    if (!s->exchanges || mock__session_save(s, err) != 0) {
        mock__session_destroy(s);
        return MOCK_EINVAL;
    }
    *out = s;
    return MOCK_OK;
}

void mock__session_answer(mock__session *s, const mock__req *req, mock__resp *r)
{
    if (s->replay)
        mock__replay_answer(s, req, r);
    else
        mock__proxy_answer(s, req, r);
}

void mock__session_rewind(mock__session *s)
{
    if (!s || !s->replay)
        return;
    pthread_mutex_lock(&s->lock);
    memset(s->used, 0, (size_t)(s->n ? s->n : 1) * sizeof *s->used);
    pthread_mutex_unlock(&s->lock);
}

void mock__session_stop(mock__session *s)
{
    if (s)
        atomic_store(&s->stopping, true);
}

void mock__session_destroy(mock__session *s)
{
    if (!s)
        return;
    cJSON_Delete(s->doc);
    free(s->upstream);
    free(s->out_path);
    free(s->path);
    free(s->used);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
