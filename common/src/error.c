/* error.c - cx_error: the human message beside a library's status code. */
#include "cxcommon.h"

#include <stdio.h>
#include <string.h>

int cx_error_setv(cx_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

int cx_error_set(cx_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cx_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void cx_error_prefix(cx_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[CX_ERROR_MAX];
    char old[CX_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
}

void cx_error_clear(cx_error *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

bool cx_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return false;
    size_t len = strlen(src);
    if (len < n) {
        memcpy(dst, src, len + 1);
        return true;
    }
    memcpy(dst, src, n - 1);
    dst[n - 1] = '\0';
    return false;
}
