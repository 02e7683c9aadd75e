/* opt_http.h - one HTTP exchange over a reused libcurl handle (internal).
 *
 * An opt__http owns one CURL easy handle, so consecutive requests to the same
 * host reuse the connection (keep-alive). It is used by one thread at a time.
 * Responses are capped (OPT_HTTP_BODY_MAX): a faulty server cannot make the
 * client take unbounded memory. */
#ifndef OPT_HTTP_H
#define OPT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "cxcommon.h"

#define OPT_HTTP_BODY_MAX (1u << 20)

typedef struct opt__http opt__http;

typedef struct opt__request {
    const char *method;       /* GET, POST, PATCH, PUT */
    const char *url;
    const char *content_type; /* with a body; NULL for none */
    const char *body;         /* sent whole on every attempt */
    size_t body_len;
    const char *authorization; /* full header value ("Bearer ..."), or NULL */
    const char *if_match;     /* or NULL */
    const char *const *headers; /* more "Name: value" lines, NULL-terminated, or NULL */
    long timeout_ms;          /* > 0: this exchange's bound, if below the handle's */
    bool fresh_connection;    /* not on a kept-alive connection: libcurl silently sends a
                                 request again when a reused connection closes without an
                                 answer: a write is repeated only by the retry loop, which
                                 knows whether that is safe, and says so */
} opt__request;

typedef struct opt__response {
    long status;          /* HTTP status, 0 when none came */
    int curl_code;        /* 0 when a response came */
    bool retryable;       /* no response for a reason worth retrying:
                             refused, reset, empty reply, timeout */
    bool over_cap;        /* the body passed OPT_HTTP_BODY_MAX (the answer is cut) */
    bool not_sent;        /* no response, and the request surely never reached the
                             server (no connection was made): a write did not land */
    char net_msg[512];    /* what went wrong on the network, in words naming the URL
                             ("the answer from URL ended after 312 of 1,024 bytes");
                             also a redirect, which is not followed (status says which) */
    cx_buf body;
    char etag[128];
    char retry_after[128];
    char www_authenticate[256];
    char content_type[128];
} opt__response;

/* Returns NULL when out of memory or libcurl cannot make a handle. */
opt__http *opt__http_create(long connect_timeout_ms, long total_timeout_ms);
void opt__http_destroy(opt__http *h);

void opt__response_init(opt__response *r);
void opt__response_free(opt__response *r);

/* Performs one exchange. Fills *resp (reset first). Returns 0 when an HTTP
 * response arrived (whatever its status), -1 when none did (see
 * resp->retryable and resp->net_msg). */
int opt__http_perform(opt__http *h, const opt__request *req, opt__response *resp);

/* URL-encodes src (RFC 3986 unreserved kept) into b. Returns 0 or -1. */
int opt__url_encode(cx_buf *b, const char *src);

/* Replaces every occurrence of each non-empty secret in s (in place) with
 * "***". secrets is NULL-terminated. */
void opt__redact(char *s, const char *const *secrets);

#endif
