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

#include "cxopt.h"

struct cJSON;

typedef struct opt__audit opt__audit;

/* Opens (creating it and its directory, mode 0600) the log at `path`. */
opt_status opt__audit_open(const char *path, opt__audit **out, cx_error *err);
/* Appends `record` as one line and fsyncs. The record must hold no secret. */
opt_status opt__audit_append(opt__audit *a, const struct cJSON *record, cx_error *err);
const char *opt__audit_path(const opt__audit *a);
void opt__audit_close(opt__audit *a);

#endif
