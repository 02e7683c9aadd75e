/* buf.c - a growable byte buffer with a hard cap. */
#include "cxcommon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cx_buf_init(cx_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

static int reserve(cx_buf *b, size_t extra)
{
    if (extra > b->cap || b->len > b->cap - extra)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return 0;
    size_t alloc = b->alloc ? b->alloc : 256;
    while (alloc < need)
        alloc *= 2;
    char *p = realloc(b->data, alloc);
    if (!p)
        return -1;
    b->data = p;
    b->alloc = alloc;
    return 0;
}

int cx_buf_append(cx_buf *b, const void *data, size_t len)
{
    if (reserve(b, len) != 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int cx_buf_printf(cx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void cx_buf_reset(cx_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *cx_buf_steal(cx_buf *b)
{
    char *p = b->data;
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    return p;
}

void cx_buf_free(cx_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
}
