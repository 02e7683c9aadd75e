/* mock_session.h - record and replay (internal).
 *
 * `mockcxone --record UPSTREAM --out FILE` proxies every request but the
 * admin API's to UPSTREAM (mock_proxy.c) and keeps each exchange in FILE;
 * `mockcxone --replay FILE` answers from it (mock_replay.c). The file
 * (mock_session.c):
 *
 *   {"mockcxoneSession": 1, "upstream": "https://...", "exchanges": [
 *     {"request":  {"method", "path", "query", "body"},
 *      "response": {"status", "headers": {...}, "body"}}, ...]}
 *
 * A body is JSON when it parses as JSON, else text. Nothing secret is
 * kept: no request header at all, form secrets and the access key id as
 * ***, JSON members named like a secret or token and any string shaped
 * like one (a JWT, a long run of base64 or hex) as ***, Set-Cookie as ***.
 * A request is matched on the same redacted form, so a replay matches
 * whatever credentials the client brings. The upstream's own address in
 * an answer (CXone's discovery names the API host) is kept as {{origin}}
 * and served as the address the client used. */
#ifndef MOCK_SESSION_H
#define MOCK_SESSION_H

#include <pthread.h>
#include <stdatomic.h>

#include "mock_http.h"

struct cJSON;

typedef struct mock__session {
    bool replay;
    pthread_mutex_t lock;
    struct cJSON *doc;        /* the session: {"mockcxoneSession":1, ..., "exchanges":[...]} */
    struct cJSON *exchanges;  /* borrowed from doc */
    /* record */
    char *upstream;           /* without a trailing slash */
    atomic_bool stopping;     /* the server stops: exchanges in flight give up */
    char *out_path;
    /* replay */
    char *path;
    bool *used;               /* per exchange */
    int n;
    char ignore[8][64];       /* query keys matching ignores */
    int n_ignore;
    int missing_status;
} mock__session;

mock_status mock__session_record(const char *upstream, const char *out_path,
                                 mock__session **out, cx_error *err);
mock_status mock__session_replay(const char *path, const char *ignore_query, int missing_status,
                                 mock__session **out, cx_error *err);
void mock__session_destroy(mock__session *s);
/* A replay's answers all unused again (POST /__admin/reset); NULL is none. */
void mock__session_rewind(mock__session *s);
/* The server is stopping: a proxied exchange in flight ends now (502, not
 * recorded), so a stop does not wait on the upstream. */
void mock__session_stop(mock__session *s);

/* Answers `req` from the session: proxied and recorded, or replayed. */
void mock__session_answer(mock__session *s, const mock__req *req, mock__resp *r);

/* The two modes' answers: mock_proxy.c, mock_replay.c. */
void mock__proxy_answer(mock__session *s, const mock__req *req, mock__resp *r);
void mock__replay_answer(mock__session *s, const mock__req *req, mock__resp *r);

/* mock_session.c, shared by both: */
/* The request as the session keeps it and matches it (caller frees). */
struct cJSON *mock__session_request(const mock__req *req);
/* A body as kept: parsed JSON with secrets redacted, or text (a form's
 * secrets redacted when `form`). Consumes nothing. */
struct cJSON *mock__session_body(const char *data, size_t len, bool form);
/* Replaces secret-named members and token-shaped strings in j with ***. */
void mock__session_redact(struct cJSON *j);
/* "http://HOST" of the request (what the client used). */
void mock__session_origin(const mock__req *req, char *out, size_t n);
/* Every occurrence of `from` in `text` replaced by `to` (caller frees). */
char *mock__replace_all(const char *text, const char *from, const char *to);
/* Writes the session to its file whole: a temporary file, fsync, rename. */
int mock__session_save(mock__session *s, cx_error *err);

#endif
