/* cxhttp.h - a small libcurl client for tests (not the optimizer's). */
#ifndef CXHTTP_H
#define CXHTTP_H

#include <stddef.h>

struct cJSON;

typedef struct cx_http_resp {
    long status;          /* 0: no response (reset, refused) */
    char *body;           /* NUL-ended; free with cx_http_resp_free */
    size_t len;
    char headers[4096];   /* raw response headers */
    char curl_error[256];
} cx_http_resp;

/* One request. `headers` is NULL or a NULL-terminated list of "Name: value".
 * Returns resp->status. */
long cx_http(const char *method, const char *url, const char *const *headers, const char *body,
             cx_http_resp *resp);
void cx_http_resp_free(cx_http_resp *r);
/* The value of a response header (case-insensitive name) in buf, or NULL. */
const char *cx_http_header(const cx_http_resp *r, const char *name, char *buf, size_t n);
/* The body parsed as JSON (caller frees), or NULL. */
struct cJSON *cx_http_json(const cx_http_resp *r);

#endif
