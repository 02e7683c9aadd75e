/* opt_audit.c - append-only, fsynced JSON Lines. */
#include "opt_audit.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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

/* A record cut short (a write that failed half way) is ended with a newline,
 * so the next record starts a line of its own. */
static int end_torn_line(int fd)
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
    ssize_t w;
    while ((w = write(fd, "\n", 1)) < 0 && errno == EINTR)
        ;
    return w == 1 && fsync(fd) == 0 ? 0 : -1;
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
    if (make_parent(path) != 0 ||
        (a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
        end_torn_line(a->fd) != 0) {
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
    size_t done = 0;
    while (done < len + 1) {
        ssize_t w = write(a->fd, line + done, len + 1 - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = cx_error_set(err, OPT_EIO, "audit log %s: write: %s", a->path,
                              w < 0 ? strerror(errno) : "no progress");
            break;
        }
        done += (size_t)w;
    }
    if (st == OPT_OK && fsync(a->fd) != 0)
        st = cx_error_set(err, OPT_EIO, "audit log %s: fsync: %s", a->path, strerror(errno));
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
