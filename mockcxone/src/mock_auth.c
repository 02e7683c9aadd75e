/* mock_auth.c - clients, tokens (kept hashed), token buckets. */
#include "mock_auth.h"

#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_CAP 16384
#define DEFAULT_SCOPE "campaign:read campaign:write"

typedef struct client {
    char *id, *secret, *scope;
    double tokens, last; /* bucket */
} client;

typedef struct issued {
    unsigned char hash[SHA256_DIGEST_LENGTH];
    int client;
    double issued_at, expires_at;
    bool revoked;
    int kind; /* mock__token_kind */
} issued;

struct mock__auth {
    pthread_mutex_t lock;
    cx_clock *clk;
    double ttl, rate, burst;
    client *clients;
    size_t n_clients;
    issued *tokens;
    size_t n_tokens;
};

mock_status mock__auth_create(const mock_client *clients, size_t n, double ttl, double rate,
                              double burst, cx_clock *clk, mock__auth **out, cx_error *err)
{
    *out = NULL;
    mock__auth *a = calloc(1, sizeof *a);
    if (!a)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    a->clients = calloc(n, sizeof *a->clients);
    a->tokens = malloc(TOKEN_CAP * sizeof *a->tokens);
    if (!a->clients || !a->tokens || pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a->clients);
        free(a->tokens);
        free(a);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    a->n_clients = n;
    for (size_t i = 0; i < n; i++) {
        a->clients[i].id = strdup(clients[i].id);
        a->clients[i].secret = strdup(clients[i].secret);
        a->clients[i].scope = strdup(clients[i].scope ? clients[i].scope : DEFAULT_SCOPE);
        if (!a->clients[i].id || !a->clients[i].secret || !a->clients[i].scope) {
            mock__auth_destroy(a);
            return cx_error_set(err, MOCK_ENOMEM, "out of memory");
        }
        a->clients[i].tokens = burst;
        a->clients[i].last = cx_clock_now(clk);
    }
    a->clk = clk;
    a->ttl = ttl;
    a->rate = rate;
    a->burst = burst;
    *out = a;
    return MOCK_OK;
}

void mock__auth_destroy(mock__auth *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_clients; i++) {
        free(a->clients[i].id);
        if (a->clients[i].secret) {
            OPENSSL_cleanse(a->clients[i].secret, strlen(a->clients[i].secret));
            free(a->clients[i].secret);
        }
        free(a->clients[i].scope);
    }
    free(a->clients);
    free(a->tokens);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void hash(const char *token, unsigned char out[SHA256_DIGEST_LENGTH])
{
    SHA256((const unsigned char *)token, strlen(token), out);
}

static int find_client(const mock__auth *a, const char *id)
{
    for (size_t i = 0; i < a->n_clients; i++)
        if (strcmp(a->clients[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Makes room for one more token. Called with the lock held. */
static void make_room(mock__auth *a, double now)
{
    if (a->n_tokens < TOKEN_CAP)
        return;
    size_t k = 0;
    for (size_t i = 0; i < a->n_tokens; i++)
        if (!a->tokens[i].revoked && a->tokens[i].expires_at > now)
            a->tokens[k++] = a->tokens[i];
    a->n_tokens = k;
    if (a->n_tokens == TOKEN_CAP) { /* all live: the oldest goes */
        memmove(a->tokens, a->tokens + 1, (TOKEN_CAP - 1) * sizeof *a->tokens);
        a->n_tokens--;
    }
}

bool mock__secret_eq(const char *want, const char *got)
{
    size_t lw = strlen(want), lg = strlen(got);
    unsigned char diff = (unsigned char)(lw != lg);
    for (size_t i = 0; i < lg; i++)
        diff |= (unsigned char)(got[i] ^ (i < lw ? want[i] : 0));
    return diff == 0;
}

bool mock__auth_client_ok(mock__auth *a, const char *id, const char *secret)
{
    int c = find_client(a, id);
    /* compare against a dummy when the id is unknown: the same time either way */
    bool ok = mock__secret_eq(c >= 0 ? a->clients[c].secret : "", secret);
    return c >= 0 && ok;
}

double mock__auth_ttl(const mock__auth *a) { return a->ttl; }

/* Keeps a token's hash. Called with the lock held. */
static void keep(mock__auth *a, int c, const char *token, int kind, double ttl)
{
    double now = cx_clock_now(a->clk);
    make_room(a, now);
    issued *t = &a->tokens[a->n_tokens++];
    hash(token, t->hash);
    t->client = c;
    t->issued_at = now;
    t->expires_at = now + ttl;
    t->revoked = false;
    t->kind = kind;
}

bool mock__auth_store(mock__auth *a, const char *client_id, const char *token,
                      mock__token_kind kind, double ttl)
{
    pthread_mutex_lock(&a->lock);
    int c = find_client(a, client_id);
    if (c >= 0)
        keep(a, c, token, (int)kind, ttl);
    pthread_mutex_unlock(&a->lock);
    return c >= 0;
}

bool mock__auth_issue(mock__auth *a, const char *id, const char *secret, char *token,
                      char *scope, double *expires_in)
{
    int c = find_client(a, id);
    if (!mock__auth_client_ok(a, id, secret))
        return false;
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    char b64[64];
    int n = EVP_EncodeBlock((unsigned char *)b64, raw, sizeof raw);
    /* base64url, no padding */
    int k = 0;
    memcpy(token, "mock_", 5);
    for (int i = 0; i < n; i++) {
        char ch = b64[i];
        if (ch == '=')
            break;
        token[5 + k++] = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    }
    token[5 + k] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    pthread_mutex_lock(&a->lock);
    keep(a, c, token, MOCK_TOKEN_ACCESS, a->ttl);
    cx_copy(scope, 256, a->clients[c].scope);
    pthread_mutex_unlock(&a->lock);
    *expires_in = a->ttl;
    return true;
}

mock__token_state mock__auth_check(mock__auth *a, const char *token, char *client_id,
                                   char *scope)
{
    return mock__auth_check_kind(a, token, MOCK_TOKEN_ACCESS, client_id, scope);
}

mock__token_state mock__auth_check_kind(mock__auth *a, const char *token,
                                        mock__token_kind kind, char *client_id, char *scope)
{
    unsigned char h[SHA256_DIGEST_LENGTH];
    hash(token, h);
    mock__token_state st = MOCK_TOKEN_UNKNOWN;
    pthread_mutex_lock(&a->lock);
    double now = cx_clock_now(a->clk);
    for (size_t i = a->n_tokens; i-- > 0;) {
        issued *t = &a->tokens[i];
        if (t->kind != (int)kind || CRYPTO_memcmp(t->hash, h, sizeof h) != 0)
            continue;
        if (t->revoked)
            st = MOCK_TOKEN_REVOKED;
        else if (now >= t->expires_at)
            st = MOCK_TOKEN_EXPIRED;
        else {
            st = MOCK_TOKEN_VALID;
            cx_copy(client_id, 128, a->clients[t->client].id);
            cx_copy(scope, 256, a->clients[t->client].scope);
            if (kind == MOCK_TOKEN_REFRESH)
                t->revoked = true; /* one use */
        }
        break;
    }
    pthread_mutex_unlock(&a->lock);
    return st;
}

void mock__auth_revoke_all(mock__auth *a)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->n_tokens; i++)
        a->tokens[i].revoked = true;
    pthread_mutex_unlock(&a->lock);
}

void mock__auth_reset(mock__auth *a)
{
    pthread_mutex_lock(&a->lock);
    a->n_tokens = 0;
    double now = cx_clock_now(a->clk);
    for (size_t i = 0; i < a->n_clients; i++) {
        a->clients[i].tokens = a->burst;
        a->clients[i].last = now;
    }
    pthread_mutex_unlock(&a->lock);
}

bool mock__auth_take(mock__auth *a, const char *client_id, double *retry_after)
{
    if (a->rate <= 0)
        return true;
    pthread_mutex_lock(&a->lock);
    int c = find_client(a, client_id);
    bool ok = true;
    if (c >= 0) {
        client *cl = &a->clients[c];
        double now = cx_clock_now(a->clk);
        cl->tokens = fmin(a->burst, cl->tokens + (now - cl->last) * a->rate);
        cl->last = now;
        if (cl->tokens >= 1) {
            cl->tokens -= 1;
        } else {
            ok = false;
            *retry_after = ceil((1 - cl->tokens) / a->rate);
            if (*retry_after < 1)
                *retry_after = 1;
        }
    }
    pthread_mutex_unlock(&a->lock);
    return ok;
}

bool mock__scope_has(const char *scope, const char *want)
{
    size_t n = strlen(want);
    for (const char *p = scope; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, want, n) == 0)
            return true;
        p += len;
    }
    return false;
}
