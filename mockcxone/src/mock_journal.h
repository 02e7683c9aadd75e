/* mock_journal.h - a bounded, thread-safe record of requests (internal).
 *
 * Entries are JSON objects kept in arrival order in a ring of fixed
 * capacity; when it is full the oldest is dropped and counted, so a long
 * load run cannot grow memory without limit while the totals stay exact.
 * The same structure keeps the webhook sink's deliveries. */
#ifndef MOCK_JOURNAL_H
#define MOCK_JOURNAL_H

#include <stddef.h>

#include "mockcxone.h"

struct cJSON;
typedef struct mock__journal mock__journal;

mock_status mock__journal_create(size_t cap, mock__journal **out, cx_error *err);
void mock__journal_destroy(mock__journal *j);
/* Takes ownership of `entry`, adds "seq" (1, 2, ...), counts `status`. */
void mock__journal_add(mock__journal *j, struct cJSON *entry, int status);
/* Entries with seq > since, as a new array. */
struct cJSON *mock__journal_list(mock__journal *j, long since);
/* {"total":..,"kept":..,"dropped":..,"byStatus":{"200":..,"reset":..}} */
struct cJSON *mock__journal_summary(mock__journal *j);
size_t mock__journal_total(mock__journal *j);
/* Records a request as answered (mock_record.c): credentials and form
 * secrets redacted, the body cut to a bound; the admin API is not
 * recorded. `now` stamps it. */
struct mock__req;
struct mock__resp;
void mock__journal_request(mock__journal *j, const struct mock__req *req,
                           const struct mock__resp *r, double now);
void mock__journal_clear(mock__journal *j);

/* Appends a copy of a form body to `out` with secret values (client_secret,
 * password, tokens, code; with user_too also username, CXone's access key
 * id) replaced by ***; mock_record.c. */
void mock__redact_form(const char *body, size_t len, bool user_too, cx_buf *out);

#endif
