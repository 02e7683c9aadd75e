/* opt_client.h - authenticated API calls with honest retries (internal).
 *
 * opt__client_call() is the only way the optimizer talks to the API. It
 * attaches a bearer token, sends the same complete body on every attempt,
 * retries what is worth retrying (429/503 after Retry-After, 502/504 and
 * network failures after full-jitter backoff), and on a 401 drops the token,
 * fetches one new token and repeats that request once. A write (any method
 * but GET) that got no whole answer is retried only when that is safe: it
 * carries If-Match (a repeat that finds it landed is refused with 412), or
 * no connection was made; otherwise the call ends with OPT_ENETWORK and
 * log->write_unknown, for the caller to read the state again. No attempt
 * runs past the retry policy's deadline: its exchange is bounded by what
 * is left of it. Every attempt of a logical call carries the same
 * X-Request-Id. */
#ifndef OPT_CLIENT_H
#define OPT_CLIENT_H

#include <stdint.h>

#include "opt_auth.h"
#include "opt_http.h"
#include "opt_id.h"

typedef struct opt__client opt__client;

/* What happened over the calls made with one opt__call_log. */
typedef struct opt__call_log {
    int calls;            /* logical calls */
    int attempts;         /* HTTP attempts, all calls */
    int retries;          /* attempts beyond the first of each call */
    int reauths;          /* tokens dropped after a 401 */
    long last_status;     /* of the last attempt, 0 = no answer */
    int writes;           /* calls other than GET the server answered 2xx */
    bool write_unknown;   /* a write got no (whole) answer after it may have reached
                             the server: whether it landed is unknown until read again */
    char lost_answer[512]; /* a write's attempt that may have landed got no whole answer
                             (why), and was repeated (If-Match): a 412 that follows may
                             be its own write */
    char last_request_id[OPT_UUID_LEN];
} opt__call_log;

/* `api_base` is copied. `auth` and `secrets` are borrowed. */
opt_status opt__client_create(const char *api_base, opt__auth *auth,
                              const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                              long total_ms, uint64_t seed, const char *const *secrets,
                              opt__client **out, cx_error *err);
void opt__client_destroy(opt__client *c);

/* Performs `method` on api_base + path. OPT_OK for a 2xx answer (in *resp).
 * Otherwise: OPT_EAUTH (401 even with a fresh token), OPT_ESCOPE (403
 * insufficient_scope), OPT_ECONFLICT (412), OPT_EAPI (any other status: the
 * server's body, verbatim but for redacted secrets, is in err), OPT_ENETWORK
 * (no answer after retries); resp->status holds the last status. `log` may
 * be NULL. */
opt_status opt__client_call(opt__client *c, const char *method, const char *path,
                            const char *body, size_t body_len, const char *if_match,
                            opt__response *resp, opt__call_log *log, cx_error *err);

const char *opt__client_base(const opt__client *c);
/* Replaces the base URL (copied). Returns 0 or -1. */
int opt__client_set_base(opt__client *c, const char *base);

/* GET of a full URL without a token (discovery), with the same retries. */
opt_status opt__client_fetch(opt__client *c, const char *url, opt__response *resp,
                             opt__call_log *log, cx_error *err);

#endif
