/* opt_audit.h - the durable audit log (internal).
 *
 * Append-only JSON Lines: one complete record per line, each written on an
 * O_APPEND descriptor under an exclusive flock(2) (processes sharing a log
 * append one record at a time) and fsync(2)ed before the call returns, so a
 * record the caller was told is written survives a crash. A process killed
 * inside its write(2) can leave a record cut short (Linux may complete a
 * write in part on SIGKILL): the next writer, under the lock, moves that
 * fragment to PATH.torn and cuts it from the log, so the log holds whole
 * records only and nothing is lost. (A kill inside that move can leave the
 * fragment in PATH.torn twice, or a line of PATH.torn cut short; never a
 * fragment lost.) */
#ifndef OPT_AUDIT_H
#define OPT_AUDIT_H

#include <sys/types.h>

#include "cxopt.h"

struct cJSON;

typedef struct opt__audit opt__audit;

/* The system calls an append goes through. Each log handle has its own
 * table (libc's by default): a test swaps in functions that fail with
 * ENOSPC or EIO, as SQLite's VFS lets its tests do, without any global
 * state a production build could reach. Same contracts as write(2),
 * fsync(2) and flock(2). */
typedef struct opt__audit_io {
    ssize_t (*write)(int fd, const void *buf, size_t n);
    int (*fsync)(int fd);
    int (*flock)(int fd, int op);
} opt__audit_io;

/* Replaces a's table (io is copied; NULL restores libc's). */
void opt__audit_set_io(opt__audit *a, const opt__audit_io *io);

/* Opens (creating it and its directory, mode 0600) the log at `path`. */
opt_status opt__audit_open(const char *path, opt__audit **out, cx_error *err);
/* Appends `record` as one line and fsyncs. The record must hold no secret.
 * When the write, the fsync or the lock fails (OPT_EIO, naming the call and
 * errno), the log is cut back to where it was, so it holds whole records
 * only and a record the caller was told failed is not there. */
opt_status opt__audit_append(opt__audit *a, const struct cJSON *record, cx_error *err);
const char *opt__audit_path(const opt__audit *a);
void opt__audit_close(opt__audit *a);

#endif
