/* mock_auth.h - OAuth clients, issued tokens, per-client rate limits
 * (internal).
 *
 * Tokens are 32 random bytes (OpenSSL RAND_bytes), base64url; only their
 * SHA-256 is kept, so not even a memory dump of the server yields a usable
 * token. Expiry reads the server's clock. The store is bounded: past its cap
 * expired and revoked tokens go first, then the oldest. */
#ifndef MOCK_AUTH_H
#define MOCK_AUTH_H

#include <stdbool.h>

#include "mockcxone.h"

typedef struct mock__auth mock__auth;

typedef enum mock__token_state {
    MOCK_TOKEN_VALID = 0,
    MOCK_TOKEN_UNKNOWN,
    MOCK_TOKEN_EXPIRED,
    MOCK_TOKEN_REVOKED
} mock__token_state;

mock_status mock__auth_create(const mock_client *clients, size_t n, double ttl, double rate,
                              double burst, cx_clock *clk, mock__auth **out, cx_error *err);

/* The kinds of token the store keeps. */
typedef enum mock__token_kind { MOCK_TOKEN_ACCESS = 0, MOCK_TOKEN_REFRESH } mock__token_kind;

/* Whether id/secret are a client's (constant time). */
bool mock__auth_client_ok(mock__auth *a, const char *id, const char *secret);
/* Keeps a token the caller made (its hash only), for the client, with a
 * lifetime. False when the client is unknown. */
bool mock__auth_store(mock__auth *a, const char *client_id, const char *token,
                      mock__token_kind kind, double ttl);
/* Like mock__auth_check for a given kind; a refresh token is spent by
 * checking it (one use). */
mock__token_state mock__auth_check_kind(mock__auth *a, const char *token,
                                        mock__token_kind kind, char *client_id, char *scope);
double mock__auth_ttl(const mock__auth *a);
/* Compares two secrets in constant time (for the access key). */
bool mock__secret_eq(const char *want, const char *got);
void mock__auth_destroy(mock__auth *a);

/* Checks credentials; on success issues a token: writes it (NUL-ended) into
 * token (>= 64 bytes) and the client's scope into scope (>= 256). Returns
 * false for unknown id or wrong secret (compared in constant time). */
bool mock__auth_issue(mock__auth *a, const char *id, const char *secret, char *token,
                      char *scope, double *expires_in);

/* Looks a bearer token up; on VALID fills client id (>= 128) and scope. */
mock__token_state mock__auth_check(mock__auth *a, const char *token, char *client_id,
                                   char *scope);

void mock__auth_revoke_all(mock__auth *a);
/* Forgets every token and refills every bucket. */
void mock__auth_reset(mock__auth *a);

/* Takes one request from the client's bucket: true when allowed; else
 * *retry_after is the whole seconds until one is. Always true when rate
 * limiting is off. */
bool mock__auth_take(mock__auth *a, const char *client_id, double *retry_after);

/* Whether a space-separated scope list holds `want`. */
bool mock__scope_has(const char *scope, const char *want);

#endif
