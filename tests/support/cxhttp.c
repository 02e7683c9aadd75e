/* cxhttp.c - libcurl for tests. */
#include "cxhttp.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t on_body(char *d, size_t s, size_t n, void *ud)
{
    cx_http_resp *r = ud;
    char *b = realloc(r->body, r->len + s * n + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, d, s * n);
    r->len += s * n;
    b[r->len] = '\0';
    r->body = b;
    return s * n;
}

static size_t on_header(char *d, size_t s, size_t n, void *ud)
{
    cx_http_resp *r = ud;
    if (s * n >= 5 && strncmp(d, "HTTP/", 5) == 0)
        r->headers[0] = '\0';
    size_t used = strlen(r->headers);
    size_t k = s * n < sizeof r->headers - used - 1 ? s * n : sizeof r->headers - used - 1;
    memcpy(r->headers + used, d, k);
    r->headers[used + k] = '\0';
    return s * n;
}

long cx_http(const char *method, const char *url, const char *const *headers, const char *body,
             cx_http_resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    struct curl_slist *h = curl_slist_append(NULL, "Expect:");
    for (const char *const *x = headers; x && *x; x++)
        h = curl_slist_append(h, *x);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(method, "GET") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    else
        snprintf(r->curl_error, sizeof r->curl_error, "%s", curl_easy_strerror(cc));
    if (!r->body)
        r->body = calloc(1, 1);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r->status;
}

void cx_http_resp_free(cx_http_resp *r)
{
    free(r->body);
    r->body = NULL;
}

const char *cx_http_header(const cx_http_resp *r, const char *name, char *buf, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = r->headers; *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = len - (size_t)(v - p);
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
        if (!eol)
            break;
        p = eol + 2;
    }
    return NULL;
}

cJSON *cx_http_json(const cx_http_resp *r) { return r->body ? cJSON_Parse(r->body) : NULL; }
