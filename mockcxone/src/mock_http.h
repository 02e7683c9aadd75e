/* mock_http.h - one request and its response, as the handlers see them
 * (internal). */
#ifndef MOCK_HTTP_H
#define MOCK_HTTP_H

#include <microhttpd.h>
#include <stdbool.h>

#include "mockcxone.h"

struct cJSON;

typedef struct mock__req {
    struct MHD_Connection *conn;
    const char *method;
    const char *path;     /* without the query */
    cx_buf body;
    bool too_large;
    double wall_start;    /* cx_wall_monotonic() at the first byte */
} mock__req;

#define MOCK_MAX_HEADERS 8

/* How an answer goes on the wire when a fault breaks it (mock_wire.c). */
typedef struct mock__wire {
    int action;           /* a wire fault's mock__action; 0: libmicrohttpd sends it */
    int chunks;           /* dribble: pieces */
    long duration_ms;     /* dribble: over this long; slow-close: the close this late */
    long bytes_per_s;     /* bandwidth */
    unsigned long long seed; /* random-data's bytes */
} mock__wire;

typedef struct mock__resp {
    int status;
    cx_buf body;
    const char *content_type;
    char own_type[128];   /* content_type's storage when it is not a literal */
    int n_headers;
    char hname[MOCK_MAX_HEADERS][48];
    char hvalue[MOCK_MAX_HEADERS][256];
    bool drop;            /* close the connection without answering */
    mock__wire wire;      /* a wire fault to deliver the answer with, if any */
    char fault[160];      /* the fault rule that shaped this answer, if any */
} mock__resp;

const char *mock__req_header(const mock__req *r, const char *name);
const char *mock__req_query(const mock__req *r, const char *name);
/* Whether the body may be read as JSON: no Content-Type, application/json or
 * application/merge-patch+json (any other "+json"), with any parameters. */
bool mock__req_is_json(const mock__req *r);

/* A copy of s with bytes that are not UTF-8 replaced by U+FFFD (what a
 * client sent may be anything; what goes into JSON must be UTF-8). The
 * caller frees it; NULL when out of memory. */
char *mock__utf8_dup(const char *s, size_t len);

void mock__resp_init(mock__resp *r);
void mock__resp_free(mock__resp *r);
void mock__resp_header(mock__resp *r, const char *name, const char *fmt, ...)
    CX_PRINTF(3, 4);
/* Sets a JSON body (consumes j). */
void mock__resp_json(mock__resp *r, int status, struct cJSON *j);
/* {"error": code, "message": ...}; {"message": ...} alone when code is NULL
 * (the CXone profile: CXone documents no error code). */
void mock__resp_error(mock__resp *r, int status, const char *code, const char *fmt, ...)
    CX_PRINTF(4, 5);
void mock__resp_text(mock__resp *r, int status, const char *content_type, const char *text);

#endif
