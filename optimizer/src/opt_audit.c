/* opt_audit.c - append-only, fsynced JSON Lines. */
#include "opt_audit.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct opt__audit {
    int fd;
    pthread_mutex_t lock;
    char *path;
};

/* mkdir -p for the directory part of `path`. */
static int make_parent(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; *p; p++) {
            if (*p != '/')
                continue;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                rc = -1;
            *p = '/';
        }
        if (rc == 0 && mkdir(dir, 0700) != 0 && errno != EEXIST)
            rc = -1;
    }
    free(dir);
    return rc;
}

/* Appends all of buf to fd (O_APPEND); 0 or -1. */
static int write_all(int fd, const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, buf + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

/* A kill inside an earlier move can leave PATH.torn itself cut short: the
 * next fragment starts on a line of its own. */
static int fresh_line(int fd)
{
    struct stat st;
    char last = '\n';
    if (fstat(fd, &st) != 0 || (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1))
        return -1;
    return last == '\n' ? 0 : write_all(fd, "\n", 1);
}

/* A record cut short - the process killed inside its write(2), which Linux
 * may leave done in part, or a disk that filled - is moved to PATH.torn and
 * cut from the log, so the log holds whole records only and nothing is
 * lost. The record it was is either an intent (the write it announced was
 * never sent: the process died first) or an outcome (its intent stays, and
 * is reported as a cycle without one). Called with the log locked. */
static int repair_tail(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if (st.st_size == 0)
        return 0;
    char last;
    if (pread(fd, &last, 1, st.st_size - 1) != 1)
        return -1;
    if (last == '\n')
        return 0;
    /* back to the last newline */
    off_t end = st.st_size, keep = 0;
    char buf[4096];
    while (end > 0 && !keep) {
        off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
        ssize_t n = pread(fd, buf, (size_t)(end - from), from);
        if (n <= 0)
            return -1;
        for (ssize_t i = n; i-- > 0;)
            if (buf[i] == '\n') {
                keep = from + i + 1;
                break;
            }
        end = from;
    }
    size_t tail = (size_t)(st.st_size - keep);
    char *frag = malloc(tail + 1);
    if (!frag || pread(fd, frag, tail, keep) != (ssize_t)tail) {
        free(frag);
        return -1;
    }
    frag[tail] = '\n';
    size_t n = strlen(path) + 8;
    char *side = malloc(n);
    int sfd = -1;
    if (side) {
        snprintf(side, n, "%s.torn", path);
        sfd = open(side, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    }
    int rc = sfd >= 0 && fresh_line(sfd) == 0 && write_all(sfd, frag, tail + 1) == 0 &&
                     fsync(sfd) == 0
                 ? 0
                 : -1;
    if (sfd >= 0)
        close(sfd);
    free(side);
    free(frag);
    /* cut only what is kept elsewhere */
    if (rc == 0 && (ftruncate(fd, keep) != 0 || fsync(fd) != 0))
        rc = -1;
    return rc;
}

opt_status opt__audit_open(const char *path, opt__audit **out, cx_error *err)
{
    *out = NULL;
    opt__audit *a = calloc(1, sizeof *a);
    if (!a)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    a->fd = -1;
    a->path = strdup(path);
    if (!a->path || pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a->path);
        free(a);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    struct stat sb;
    if (make_parent(path) != 0 ||
        (a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
        fstat(a->fd, &sb) != 0) {
        int e = errno;
        opt__audit_close(a);
        return cx_error_set(err, OPT_EIO, "audit log %s: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        opt__audit_close(a);
        return cx_error_set(err, OPT_EUSAGE,
                            "audit log %s: not a regular file (a log must be a file that "
                            "keeps what is appended)",
                            path);
    }
    if (flock(a->fd, LOCK_EX) != 0 || repair_tail(a->fd, path) != 0 ||
        flock(a->fd, LOCK_UN) != 0) {
        int e = errno;
        opt__audit_close(a);
        return cx_error_set(err, OPT_EIO, "audit log %s: %s", path, strerror(e));
    }
    *out = a;
    return OPT_OK;
}

opt_status opt__audit_append(opt__audit *a, const cJSON *record, cx_error *err)
{
    char *text = cJSON_PrintUnformatted(record);
    if (!text)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    size_t len = strlen(text);
    char *line = realloc(text, len + 2);
    if (!line) {
        free(text);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    line[len] = '\n';
    line[len + 1] = '\0';
    opt_status st = OPT_OK;
    pthread_mutex_lock(&a->lock);
    /* other processes may append to the same log: one record at a time,
     * and never while one of them repairs a torn tail */
    if (flock(a->fd, LOCK_EX) != 0)
        st = cx_error_set(err, OPT_EIO, "audit log %s: lock: %s", a->path, strerror(errno));
    else {
        if (repair_tail(a->fd, a->path) != 0) /* another process died mid-record */
            st = cx_error_set(err, OPT_EIO, "audit log %s: moving a torn record aside: %s",
                              a->path, strerror(errno));
        else if (write_all(a->fd, line, len + 1) != 0)
            st = cx_error_set(err, OPT_EIO, "audit log %s: write: %s", a->path,
                              errno ? strerror(errno) : "no progress");
        else if (fsync(a->fd) != 0)
            st = cx_error_set(err, OPT_EIO, "audit log %s: fsync: %s", a->path,
                              strerror(errno));
        flock(a->fd, LOCK_UN);
    }
    pthread_mutex_unlock(&a->lock);
    free(line);
    return st;
}

const char *opt__audit_path(const opt__audit *a) { return a->path; }

void opt__audit_close(opt__audit *a)
{
    if (!a)
        return;
    if (a->fd >= 0)
        close(a->fd);
    pthread_mutex_destroy(&a->lock);
    free(a->path);
    free(a);
}
