/* opt_audit.h - the durable audit log (internal).
 *
 * Append-only JSON Lines: one complete record per line, each written with a
 * single write(2) on an O_APPEND descriptor and fsync(2)ed before the call
 * returns, so a record the caller was told is written survives a crash and
 * concurrent writers never interleave inside a line. A failed write can at
 * worst leave a last line without its newline: opening the log ends such a
 * line first, so the torn record stays alone on its line, where
 * opt_audit_check() reports it. */
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
