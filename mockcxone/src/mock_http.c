/* mock_http.c - building responses, reading requests. */
#include "mock_http.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MOCK_RESP_MAX (8u << 20)

const char *mock__req_header(const mock__req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *mock__req_query(const mock__req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool mock__req_is_json(const mock__req *r)
{
    const char *ct = mock__req_header(r, "Content-Type");
    if (!ct)
        return true;
    size_t n = strcspn(ct, "; \t");
    if (n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0)
        return true;
    return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
           strncasecmp(ct + n - 5, "+json", 5) == 0;
}

char *mock__utf8_dup(const char *s, size_t len)
{
    cx_buf b;
    cx_buf_init(&b, 3 * len + 1);
    if (cx_utf8_sanitize(s, len, &b) != 0) {
        cx_buf_free(&b);
        return NULL;
    }
    return cx_buf_steal(&b);
}

void mock__resp_init(mock__resp *r)
{
    /* the header arrays are read only up to n_headers: left uncleared (a
     * few kilobytes a request) */
    r->status = 0;
    cx_buf_init(&r->body, MOCK_RESP_MAX);
    r->content_type = "application/json";
    r->own_type[0] = '\0';
    r->n_headers = 0;
    r->drop = false;
    memset(&r->wire, 0, sizeof r->wire);
    r->fault[0] = '\0';
}

void mock__resp_free(mock__resp *r) { cx_buf_free(&r->body); }

void mock__resp_header(mock__resp *r, const char *name, const char *fmt, ...)
{
    int i;
    for (i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->hname[i], name) == 0)
            break;
    if (i == MOCK_MAX_HEADERS)
        return;
    cx_copy(r->hname[i], sizeof r->hname[i], name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->hvalue[i], sizeof r->hvalue[i], fmt, ap);
    va_end(ap);
    if (i == r->n_headers)
        r->n_headers++;
}

void mock__resp_text(mock__resp *r, int status, const char *content_type, const char *text)
{
    r->status = status;
    r->content_type = content_type;
    cx_buf_reset(&r->body);
    if (text && cx_buf_append(&r->body, text, strlen(text)) != 0)
        r->status = 500;
}

void mock__resp_json(mock__resp *r, int status, cJSON *j)
{
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!s) {
        mock__resp_text(r, 500, "application/json",
                        "{\"error\":\"internal\",\"message\":\"out of memory\"}");
        return;
    }
    mock__resp_text(r, status, "application/json", s);
    cJSON_free(s);
}

void mock__resp_error(mock__resp *r, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a message may quote the request (its path): keep the answer UTF-8 */
    char *clean = mock__utf8_dup(msg, strlen(msg));
    cJSON *j = clean ? cJSON_CreateObject() : NULL;
    if (j) {
        if (code)
            cJSON_AddStringToObject(j, "error", code);
        cJSON_AddStringToObject(j, "message", clean);
    }
    free(clean);
    mock__resp_json(r, status, j);
}
