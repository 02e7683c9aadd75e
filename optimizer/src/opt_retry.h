/* opt_retry.h - when and how long to wait before trying again (internal).
 *
 * 429 and 503 honour Retry-After (delta-seconds or HTTP-date); other
 * retryable failures (502, 504, refused, reset, timeout) back off
 * exponentially with full jitter: wait = U(0,1) * min(cap, base * 2^k) before
 * retry k (k = 0 for the first retry). Attempts and an overall deadline bound
 * the whole; a Retry-After that lands past the deadline ends the call at once
 * instead of sleeping in vain. All waiting is on the caller's cx_clock. */
#ifndef OPT_RETRY_H
#define OPT_RETRY_H

#include <stdint.h>

#include "cxopt.h"

/* What one attempt asks of the retry loop. */
typedef enum opt__verdict {
    OPT__DONE = 0,         /* success, or a failure not worth retrying */
    OPT__RETRY_AFTER,      /* retry after the delay the server gave */
    OPT__RETRY_BACKOFF     /* retry after an exponential, jittered delay */
} opt__verdict;

/* Parses a Retry-After value: delta-seconds ("120") or an HTTP-date in any of
 * RFC 9110's three forms. `now` is the current epoch time. Returns 0 and the
 * delay in seconds (0 when the date is past), or -1 when unparseable. */
int opt__retry_after_parse(const char *value, double now, double *delay);

/* Parses an HTTP-date; returns 0 and epoch seconds, or -1. */
int opt__http_date_parse(const char *s, double *epoch);

/* The full-jitter delay before retry number `k` (0-based), given u in [0,1). */
double opt__backoff_delay(const opt_retry_policy *p, int k, double u);

/* splitmix64: a small, seedable generator for jitter (not for secrets). */
double opt__rand01(uint64_t *state);

/* One attempt: returns the verdict and, for OPT__RETRY_AFTER, the delay.
 * `attempt` counts from 1. */
typedef opt__verdict (*opt__attempt_fn)(void *ud, int attempt, double *retry_after);

typedef struct opt__retry_log {
    int attempts;         /* attempts made */
    double waited_s;      /* total time slept between attempts (clock time) */
    bool gave_up;         /* stopped with a retryable failure */
    char why[128];        /* why it gave up: "4 attempts", "deadline 60 s" */
} opt__retry_log;

/* Runs attempts until one says OPT__DONE or the policy runs out. Sleeps on
 * `clk`. Returns the last verdict (OPT__DONE, or the retryable one it gave
 * up on). */
opt__verdict opt__retry_run(const opt_retry_policy *p, cx_clock *clk, uint64_t *rng,
                            opt__attempt_fn fn, void *ud, opt__retry_log *log);

#endif
