/* opt_audit_scan.c - reading the audit log back: torn lines, and intents
 * without an outcome (a process stopped between its write and its record). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "opt_audit.h"
#include "opt_internal.h"

/* The intents seen and not yet closed, in log order. */
typedef struct open_set {
    char (*id)[40];
    char (*time)[40];
    size_t n, cap;
} open_set;

static int open_add(open_set *o, const char *id, const char *time)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->id[i], id) == 0)
            return 0; /* a re-read after a 412 writes the intent again */
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        char(*ids)[40] = realloc(o->id, cap * sizeof *ids);
        if (!ids)
            return -1;
        o->id = ids;
        char(*times)[40] = realloc(o->time, cap * sizeof *times);
        if (!times)
            return -1;
        o->time = times;
        o->cap = cap;
    }
    cx_copy(o->id[o->n], sizeof o->id[0], id);
    cx_copy(o->time[o->n], sizeof o->time[0], time);
    o->n++;
    return 0;
}

static void open_close(open_set *o, const char *id)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->id[i], id) == 0) {
            memmove(o->id + i, o->id + i + 1, (o->n - i - 1) * sizeof *o->id);
            memmove(o->time + i, o->time + i + 1, (o->n - i - 1) * sizeof *o->time);
            o->n--;
            return;
        }
}

static const char *str(const cJSON *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Appends one "unfinished" record per open intent. */
static opt_status acknowledge(const char *path, const open_set *o, cx_clock *clk,
                              cx_error *err)
{
    opt__audit *a = NULL;
    opt_status st = opt__audit_open(path, &a, err);
    char now[32];
    cx_clock *own = clk ? NULL : cx_clock_real_create();
    cx_format_rfc3339(clk ? cx_clock_now(clk) : own ? cx_clock_now(own) : 0, now, sizeof now);
    cx_clock_destroy(own);
    for (size_t i = 0; st == OPT_OK && i < o->n; i++) {
        cJSON *r = cJSON_CreateObject();
        if (!r) {
            st = cx_error_set(err, OPT_ENOMEM, "out of memory");
            break;
        }
        cJSON_AddStringToObject(r, "type", "unfinished");
        cJSON_AddStringToObject(r, "cycle_id", o->id[i]);
        cJSON_AddStringToObject(r, "intent_time", o->time[i]);
        cJSON_AddStringToObject(r, "time", now);
        cJSON_AddStringToObject(r, "message",
                                "the process stopped between this cycle's intent and its "
                                "outcome: the write may or may not have landed");
        st = opt__audit_append(a, r, err);
        cJSON_Delete(r);
    }
    opt__audit_close(a);
    return st;
}

opt_status opt_audit_check(const char *path, bool ack, cx_clock *clk, opt_audit_scan *out,
                           cx_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return errno == ENOENT ? OPT_OK
                               : cx_error_set(err, OPT_EIO, "audit log %s: %s", path,
                                              strerror(errno));
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(fp);
        return cx_error_set(err, OPT_EUSAGE, "audit log %s: not a regular file", path);
    }
    flock(fileno(fp), LOCK_SH); /* no record half written while we read */
    open_set o = {0};
    opt_status st = OPT_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    /* Only the tail: a cycle cut short is among the last records written,
     * and memory stays bounded whatever the file holds. The first line of
     * the tail is most likely cut by the seek: it is skipped, not counted
     * as torn. */
    if (sb.st_size > OPT_AUDIT_SCAN_TAIL) {
        out->skipped_bytes = (long long)(sb.st_size - OPT_AUDIT_SCAN_TAIL);
        if (fseeko(fp, (off_t)out->skipped_bytes, SEEK_SET) != 0 ||
            getline(&line, &cap, fp) < 0) {
            free(line);
            fclose(fp);
            return cx_error_set(err, OPT_EIO, "audit log %s: read: %s", path, strerror(errno));
        }
    }
    while ((len = getline(&line, &cap, fp)) >= 0) {
        out->lines++;
        cJSON *r = len > 0 && line[len - 1] == '\n' ? cJSON_ParseWithLength(line, (size_t)len)
                                                     : NULL;
        if (!cJSON_IsObject(r)) {
            cJSON_Delete(r);
            out->torn++;
            if (!out->first_torn_line)
                out->first_torn_line = out->lines;
            continue;
        }
        out->records++;
        const char *type = str(r, "type"), *id = str(r, "cycle_id");
        if (type && id) {
            if (strcmp(type, "intent") == 0) {
                const char *t = str(r, "time");
                if (open_add(&o, id, t ? t : "") != 0)
                    st = cx_error_set(err, OPT_ENOMEM, "out of memory");
            } else if (strcmp(type, "cycle") == 0 || strcmp(type, "unfinished") == 0) {
                open_close(&o, id);
            }
        }
        cJSON_Delete(r);
        if (st != OPT_OK)
            break;
    }
    if (st == OPT_OK && ferror(fp))
        st = cx_error_set(err, OPT_EIO, "audit log %s: read: %s", path, strerror(errno));
    free(line);
    fclose(fp); /* and the lock with it */
    if (st == OPT_OK) {
        out->unfinished = (int)o.n;
        for (size_t i = 0; i < o.n && i < OPT_AUDIT_SCAN_IDS; i++) {
            cx_copy(out->unfinished_id[i], sizeof out->unfinished_id[i], o.id[i]);
            cx_copy(out->unfinished_time[i], sizeof out->unfinished_time[i], o.time[i]);
        }
        if (ack && o.n)
            st = acknowledge(path, &o, clk, err);
    }
    free(o.id);
    free(o.time);
    return st;
}
