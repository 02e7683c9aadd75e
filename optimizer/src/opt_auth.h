/* opt_auth.h - the OAuth token cache (internal).
 *
 * One opt__auth is shared by every client of an optimizer. The token is
 * cached and refreshed `skew` seconds before it expires (half its lifetime
 * when that is shorter). Concurrent callers that find it stale trigger ONE
 * refresh: the first becomes the refresher, the others wait on a condition
 * variable and take its result (success or failure), so a crowd of threads
 * never stampedes the token endpoint. The grant and body shapes come from
 * the API profile; this module only caches, serializes and retries. */
#ifndef OPT_AUTH_H
#define OPT_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "cxopt.h"
#include "opt_http.h"

#define OPT_TOKEN_MAX 4096

/* What the token endpoint granted. */
typedef struct opt__grant {
    char access[OPT_TOKEN_MAX];
    char refresh[OPT_TOKEN_MAX]; /* "" when none */
    double expires_in;
    char scope[256];
    bool has_scope;              /* the response named its scopes */
} opt__grant;

/* Parses a token endpoint's success body (NUL-ended) into g. */
opt_status opt__grant_parse(const char *body, opt__grant *g, cx_error *err);

/* Builds and parses the token exchange for one profile. */
typedef struct opt__token_io {
    /* Fills a request (URL, body, headers) into the given storage; `refresh`
     * is the refresh token to use, or NULL for the primary grant. */
    opt_status (*build)(void *ud, const char *refresh, opt__request *req, cx_buf *body,
                        char *authz, size_t authz_n, cx_error *err);
    void *ud;
} opt__token_io;

typedef struct opt__auth opt__auth;

/* `secrets` (NULL-terminated, borrowed, must outlive the auth) are redacted
 * from any server text that reaches an error message. */
opt_status opt__auth_create(const opt__token_io *io, double skew_s,
                            const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                            long total_ms, uint64_t seed, const char *const *secrets,
                            opt__auth **out, cx_error *err);
void opt__auth_destroy(opt__auth *a);

/* Copies a valid access token into out (OPT_TOKEN_MAX bytes), fetching one
 * if needed. OPT_EAUTH when the endpoint refuses (its error body, secrets
 * redacted, is in err), OPT_ENETWORK/OPT_EAPI when it cannot be reached. */
opt_status opt__auth_token(opt__auth *a, char *out, cx_error *err);

/* Drops the cached token if it is still `token` (a 401 invalid_token), so
 * the next opt__auth_token fetches a new one; a token refreshed meanwhile by
 * another thread is kept. */
void opt__auth_invalidate(opt__auth *a, const char *token);

/* The scope of the current grant: returns true and copies it when the
 * token response named its scopes. */
bool opt__auth_scope(opt__auth *a, char *out, size_t n);

/* How many times the token endpoint was called (successfully or not). */
int opt__auth_fetches(opt__auth *a);
/* The HTTP status of the last token request (0: none answered). */
long opt__auth_last_http(opt__auth *a);

#endif
