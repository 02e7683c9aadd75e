/* json.c - JSON parsing with positioned errors, and a typed object reader
 * whose every error names the file and the key path. */
#include "cxcommon.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CX_JSON_FILE_MAX (16u << 20)

/* Line and column (1-based) of byte `off` in text. */
static void position(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (left < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

bool cx_utf8_valid(const char *s, size_t len, size_t *bad_at)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u + i, len - i);
        if (n == 0) {
            if (bad_at)
                *bad_at = i;
            return false;
        }
        i += n;
    }
    return true;
}

int cx_utf8_sanitize(const char *s, size_t len, cx_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t start = i, n;
        while (i < len && (n = utf8_seq(u + i, len - i)) > 0)
            i += n;
        if (i > start && cx_buf_append(out, s + start, i - start) != 0)
            return -1;
        if (i < len) {
            if (cx_buf_append(out, "\xEF\xBF\xBD", 3) != 0)
                return -1;
            i++;
        }
    }
    /* an empty input still leaves a NUL-terminated (empty) buffer */
    return out->data || cx_buf_append(out, "", 0) == 0 ? 0 : -1;
}

/* What cJSON lets through and JSON text must not hold: bytes that are not
 * UTF-8 (RFC 8259 section 8.1), and an escaped NUL (\u0000), which cJSON
 * decodes into a C string that then ends early, so {"status\u0000junk":1}
 * would read as the key "status". Returns the offset of the first problem
 * and its description, or (size_t)-1. */
static size_t refused_bytes(const char *text, size_t len, const char **why)
{
    const unsigned char *u = (const unsigned char *)text;
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(u + i, len - i);
        if (n == 0) {
            *why = "not UTF-8";
            return i;
        }
        if (n == 1 && in_string && u[i] == '\\' && i + 1 < len) {
            if (u[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0) {
                *why = "an escaped NUL (\\u0000) in a string";
                return i;
            }
            i += 2; /* the escaped character, whatever it is */
            continue;
        }
        if (n == 1 && u[i] == '"')
            in_string = !in_string;
        i += n;
    }
    return (size_t)-1;
}

cJSON *cx_json_parse(const char *text, size_t len, const char *name, cx_error *err)
{
    /* cJSON wants a NUL within the length to reject trailing garbage. */
    char *copy = malloc(len + 1);
    if (!copy) {
        cx_error_set(err, -1, "%s: out of memory", name);
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (strlen(copy) != len) {
        size_t at = strlen(copy);
        cx_error_set(err, -1, "%s: invalid JSON: NUL byte at offset %zu", name, at);
        free(copy);
        return NULL;
    }
    const char *why = NULL;
    size_t bad = refused_bytes(copy, len, &why);
    if (bad != (size_t)-1) {
        int line, col;
        position(copy, bad, &line, &col);
        cx_error_set(err, -1, "%s: invalid JSON at line %d, column %d: %s", name, line, col,
                     why);
        free(copy);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
    if (!root) {
        size_t off = end ? (size_t)(end - copy) : 0;
        if (off > len)
            off = len;
        int line, col;
        position(copy, off, &line, &col);
        char near[24];
        size_t k = 0;
        for (size_t i = off; i < len && k < sizeof near - 1 && copy[i] != '\n'; i++)
            near[k++] = copy[i];
        near[k] = '\0';
        if (len == 0 || off >= len)
            cx_error_set(err, -1, "%s: invalid JSON at line %d, column %d: unexpected end of input",
                         name, line, col);
        else
            cx_error_set(err, -1, "%s: invalid JSON at line %d, column %d, near '%s'", name,
                         line, col, near);
    }
    free(copy);
    return root;
}

cJSON *cx_json_load_file(const char *path, cx_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cx_error_set(err, -1, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    cx_buf b;
    cx_buf_init(&b, CX_JSON_FILE_MAX);
    char chunk[8192];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (cx_buf_append(&b, chunk, n) != 0) {
            too_big = 1;
            break;
        }
    }
    int read_err = ferror(f);
    fclose(f);
    cJSON *root = NULL;
    if (too_big)
        cx_error_set(err, -1, "%s: larger than %u MiB", path, CX_JSON_FILE_MAX >> 20);
    else if (read_err)
        cx_error_set(err, -1, "%s: read error", path);
    else
        root = cx_json_parse(b.data ? b.data : "", b.len, path, err);
    cx_buf_free(&b);
    return root;
}

/* --------------------------------------------------------- object reader */

void cx_jobj_subpath(const cx_jobj *o, const char *key, int index, char *buf, size_t n)
{
    if (key)
        snprintf(buf, n, "%s%s%s", o->path, o->path[0] ? "." : "", key);
    else
        snprintf(buf, n, "%s[%d]", o->path, index);
}

static int vfail(cx_jobj *o, const char *key, const char *fmt, va_list ap) CX_PRINTF(3, 0);
static int vfail(cx_jobj *o, const char *key, const char *fmt, va_list ap)
{
    char where[300];
    char what[CX_ERROR_MAX];
    if (key)
        cx_jobj_subpath(o, key, 0, where, sizeof where);
    else
        snprintf(where, sizeof where, "%s", o->path[0] ? o->path : "(top level)");
    vsnprintf(what, sizeof what, fmt, ap);
    if (o->file && o->file[0])
        cx_error_set(o->err, o->code, "%s: %s: %s", o->file, where, what);
    else
        cx_error_set(o->err, o->code, "%s: %s", where, what);
    return -1;
}

int cx_jobj_fail(cx_jobj *o, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(o, key, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "invalid";
}

int cx_jobj_init(cx_jobj *o, const cJSON *node, const char *file, const char *path,
                 int code, cx_error *err)
{
    o->node = node;
    o->file = file ? file : "";
    o->err = err;
    o->code = code;
    cx_copy(o->path, sizeof o->path, path ? path : "");
    if (!cJSON_IsObject(node))
        return cx_jobj_fail(o, NULL, "expected an object, got %s",
                            node ? type_name(node) : "nothing");
    return 0;
}

int cx_jobj_only(cx_jobj *o, const char *const *allowed)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, o->node)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, m->string) == 0)
                ok = 1;
        if (!ok) {
            char list[256] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a; a++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 a == allowed ? "" : ", ", *a);
                if (w < 0 || (size_t)w >= sizeof list - used)
                    break;
                used += (size_t)w;
            }
            return cx_jobj_fail(o, m->string, "unknown key (expected one of: %s)", list);
        }
        for (const cJSON *p = o->node->child; p != m; p = p->next)
            if (strcmp(p->string, m->string) == 0)
                return cx_jobj_fail(o, m->string, "duplicate key");
    }
    return 0;
}

const cJSON *cx_jobj_get(const cx_jobj *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o->node, key);
}

static const cJSON *member(cx_jobj *o, const char *key, bool required, int *rc)
{
    const cJSON *v = cx_jobj_get(o, key);
    *rc = 0;
    if (!v && required)
        *rc = cx_jobj_fail(o, key, "required key is missing");
    return v;
}

int cx_jobj_num(cx_jobj *o, const char *key, bool required, double min, double max,
                double *out)
{
    int rc;
    const cJSON *v = member(o, key, required, &rc);
    if (!v)
        return rc;
    if (!cJSON_IsNumber(v))
        return cx_jobj_fail(o, key, "expected a number, got %s", type_name(v));
    double d = v->valuedouble;
    if (!isfinite(d))
        return cx_jobj_fail(o, key, "must be a finite number");
    if (d < min)
        return cx_jobj_fail(o, key, "must be >= %g, got %g", min, d);
    if (d > max)
        return cx_jobj_fail(o, key, "must be <= %g, got %g", max, d);
    *out = d;
    return 0;
}

int cx_jobj_int(cx_jobj *o, const char *key, bool required, long min, long max, long *out)
{
    int rc;
    const cJSON *v = member(o, key, required, &rc);
    if (!v)
        return rc;
    if (!cJSON_IsNumber(v))
        return cx_jobj_fail(o, key, "expected an integer, got %s", type_name(v));
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
        return cx_jobj_fail(o, key, "expected an integer, got %g", d);
    if (d < (double)min)
        return cx_jobj_fail(o, key, "must be >= %ld, got %.0f", min, d);
    if (d > (double)max)
        return cx_jobj_fail(o, key, "must be <= %ld, got %.0f", max, d);
    *out = (long)d;
    return 0;
}

int cx_jobj_bool(cx_jobj *o, const char *key, bool required, bool *out)
{
    int rc;
    const cJSON *v = member(o, key, required, &rc);
    if (!v)
        return rc;
    if (!cJSON_IsBool(v))
        return cx_jobj_fail(o, key, "expected true or false, got %s", type_name(v));
    *out = cJSON_IsTrue(v);
    return 0;
}

int cx_jobj_str(cx_jobj *o, const char *key, bool required, const char **out)
{
    int rc;
    const cJSON *v = member(o, key, required, &rc);
    if (!v)
        return rc;
    if (!cJSON_IsString(v))
        return cx_jobj_fail(o, key, "expected a string, got %s", type_name(v));
    *out = v->valuestring;
    return 0;
}

int cx_jobj_enum(cx_jobj *o, const char *key, bool required, const char *const *choices,
                 int *index)
{
    const char *s = NULL;
    if (cx_jobj_str(o, key, required, &s) != 0)
        return -1;
    if (!s)
        return 0;
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], s) == 0) {
            *index = i;
            return 0;
        }
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; choices[i]; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
        if (w < 0 || (size_t)w >= sizeof list - used)
            break;
        used += (size_t)w;
    }
    return cx_jobj_fail(o, key, "unknown value \"%s\" (expected one of: %s)", s, list);
}

int cx_jobj_child(cx_jobj *o, const char *key, bool required, cx_jobj *child)
{
    int rc;
    const cJSON *v = member(o, key, required, &rc);
    if (!v)
        return rc;
    char sub[300];
    cx_jobj_subpath(o, key, 0, sub, sizeof sub);
    if (cx_jobj_init(child, v, o->file, sub, o->code, o->err) != 0)
        return -1;
    return 1;
}
