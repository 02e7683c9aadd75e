/* opt_http.c - libcurl behind opt__http. */
#include "opt_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct opt__http {
    CURL *curl;
    long connect_timeout_ms;
    long total_timeout_ms;
};

opt__http *opt__http_create(long connect_timeout_ms, long total_timeout_ms)
{
    opt__http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        return NULL;
    }
    h->connect_timeout_ms = connect_timeout_ms;
    h->total_timeout_ms = total_timeout_ms;
    return h;
}

void opt__http_destroy(opt__http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

void opt__response_init(opt__response *r)
{
    memset(r, 0, sizeof *r);
    cx_buf_init(&r->body, OPT_HTTP_BODY_MAX);
}

void opt__response_free(opt__response *r)
{
    if (r)
        cx_buf_free(&r->body);
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    opt__response *r = ud;
    if (cx_buf_append(&r->body, data, size * n) != 0) {
        r->over_cap = true;
        return 0; /* over the cap: libcurl stops with CURLE_WRITE_ERROR */
    }
    return size * n;
}

/* Copies the value of header `name` from `line` into dst when it matches. */
static void grab(const char *line, size_t len, const char *name, char *dst, size_t n)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t vl = (size_t)(end - v);
    if (vl >= n)
        vl = n - 1;
    memcpy(dst, v, vl);
    dst[vl] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    opt__response *r = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* a new response (after a 100 Continue, say): forget the last one's headers */
        r->etag[0] = r->retry_after[0] = r->www_authenticate[0] = r->content_type[0] = '\0';
        return len;
    }
    grab(data, len, "ETag", r->etag, sizeof r->etag);
    grab(data, len, "Retry-After", r->retry_after, sizeof r->retry_after);
    grab(data, len, "WWW-Authenticate", r->www_authenticate, sizeof r->www_authenticate);
    grab(data, len, "Content-Type", r->content_type, sizeof r->content_type);
    return len;
}

static bool retryable_code(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:     /* garbage for a status line */
    case CURLE_UNSUPPORTED_PROTOCOL:   /* garbage read as HTTP/0.9 */
    case CURLE_BAD_CONTENT_ENCODING:
        return true;
    default:
        return false;
    }
}

/* 1024 -> "1,024" */
static const char *grouped(curl_off_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
    size_t k = 0;
    for (int i = 0; i < len && k + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

/* What happened, in words naming the URL, for an exchange with no
 * (whole) answer. */
static void describe(CURL *c, CURLcode cc, const char *url, const char *errbuf, long timeout_ms,
                     opt__response *resp)
{
    curl_off_t got = 0, whole = -1;
    curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &got);
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &whole);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const char *curl_says = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    char a[32], b[32];
    char *m = resp->net_msg;
    size_t n = sizeof resp->net_msg;
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(m, n, "cannot connect to %s: %s", url, curl_says);
        break;
    case CURLE_GOT_NOTHING:
        snprintf(m, n, "the server at %s closed the connection without answering", url);
        break;
    case CURLE_PARTIAL_FILE:
        if (whole >= 0)
            snprintf(m, n, "the answer from %s ended after %s of %s bytes", url,
                     grouped(got, a, sizeof a), grouped(whole, b, sizeof b));
        else
            snprintf(m, n, "the answer from %s ended early, after %s bytes", url,
                     grouped(got, a, sizeof a));
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (status)
            snprintf(m, n, "timed out: the answer from %s (%ld) did not end within %ld ms: "
                     "%s bytes came", url, status, timeout_ms, grouped(got, a, sizeof a));
        else
            snprintf(m, n, "timed out: no answer from %s within %ld ms", url, timeout_ms);
        break;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        snprintf(m, n, "the answer from %s is not HTTP (%s)", url, curl_says);
        break;
    case CURLE_RECV_ERROR:
        if (status)
            snprintf(m, n, "the answer from %s (%ld) broke off after %s bytes: %s", url, status,
                     grouped(got, a, sizeof a), curl_says);
        else
            snprintf(m, n, "the connection to %s failed before an answer: %s", url, curl_says);
        break;
    default:
        snprintf(m, n, "%s: %s", url, curl_says);
        break;
    }
}

int opt__http_perform(opt__http *h, const opt__request *req, opt__response *resp)
{
    CURL *c = h->curl;
    cx_buf_reset(&resp->body);
    resp->status = 0;
    resp->curl_code = 0;
    resp->retryable = false;
    resp->over_cap = false;
    resp->not_sent = false;
    resp->net_msg[0] = '\0';
    resp->etag[0] = resp->retry_after[0] = resp->www_authenticate[0] = resp->content_type[0] =
        '\0';

    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL, *tmp;
    char line[4096];
    int rc = -1;
    /* curl_easy_reset keeps live connections: keep-alive survives. */
    curl_easy_reset(c);
#define ADD(...)                                                                                \
    do {                                                                                       \
        snprintf(line, sizeof line, __VA_ARGS__);                                              \
        if (!(tmp = curl_slist_append(hdrs, line)))                                            \
            goto oom;                                                                          \
        hdrs = tmp;                                                                            \
    } while (0)
    ADD("Accept: application/json");
    ADD("Expect:"); /* no 100-continue round trip */
    if (req->content_type)
        ADD("Content-Type: %s", req->content_type);
    if (req->authorization)
        ADD("Authorization: %s", req->authorization);
    if (req->if_match)
        ADD("If-Match: %s", req->if_match);
    for (const char *const *x = req->headers; x && *x; x++)
        ADD("%s", *x);
#undef ADD
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    long timeout_ms = h->total_timeout_ms;
    if (req->timeout_ms > 0 && (timeout_ms <= 0 || req->timeout_ms < timeout_ms))
        timeout_ms = req->timeout_ms;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (req->fresh_connection)
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cxopt/0.1");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    CURLcode cc = curl_easy_perform(c);
    resp->curl_code = (int)cc;
    long status = 0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_OK && status >= 300 && status < 400) {
        /* Not followed: the credentials would go along to wherever it points. */
        char *where = NULL;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &where);
        resp->status = status;
        snprintf(resp->net_msg, sizeof resp->net_msg,
                 "the answer from %s is a redirect (%ld) to %s; cxopt does not follow "
                 "redirects: set the URL to where it points, if you trust it",
                 req->url, status, where ? where : "(no Location)");
    } else if (cc == CURLE_OK) {
        resp->status = status;
        rc = 0;
    } else if (resp->over_cap) {
        snprintf(resp->net_msg, sizeof resp->net_msg, "the answer from %s is over %u bytes",
                 req->url, OPT_HTTP_BODY_MAX);
    } else {
        resp->retryable = retryable_code(cc);
        /* no connection made, no byte of the request left: it cannot have landed */
        resp->not_sent = cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST;
        describe(c, cc, req->url, errbuf, timeout_ms, resp);
    }
    /* Scrub the Authorization line from memory before it is freed. */
    for (struct curl_slist *s = hdrs; s; s = s->next)
        memset(s->data, 0, strlen(s->data));
    curl_slist_free_all(hdrs);
    memset(line, 0, sizeof line);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    return rc;
oom:
    curl_slist_free_all(hdrs);
    memset(line, 0, sizeof line);
    snprintf(resp->net_msg, sizeof resp->net_msg, "out of memory");
    return -1;
}

int opt__url_encode(cx_buf *b, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            if (cx_buf_append(b, p, 1) != 0)
                return -1;
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            if (cx_buf_append(b, e, 3) != 0)
                return -1;
        }
    }
    return 0;
}

void opt__redact(char *s, const char *const *secrets)
{
    for (const char *const *sec = secrets; sec && *sec; sec++) {
        size_t n = strlen(*sec);
        if (n == 0)
            continue;
        char *from = s, *hit;
        while ((hit = strstr(from, *sec)) != NULL) {
            if (n >= 3) { /* shrink to a fixed mark: the length is not revealed */
                memmove(hit + 3, hit + n, strlen(hit + n) + 1);
                memcpy(hit, "***", 3);
                from = hit + 3;
            } else {
                memset(hit, '*', n);
                from = hit + n;
            }
        }
    }
}
