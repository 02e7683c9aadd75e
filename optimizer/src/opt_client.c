/* opt_client.c - the retrying, re-authenticating API call. */
#include "opt_client.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt_retry.h"

struct opt__client {
    char *base;
    opt__auth *auth;
    opt_retry_policy retry;
    cx_clock *clk;
    opt__http *http;
    uint64_t rng;
    const char *const *secrets;
};

opt_status opt__client_create(const char *api_base, opt__auth *auth,
                              const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                              long total_ms, uint64_t seed, const char *const *secrets,
                              opt__client **out, cx_error *err)
{
    *out = NULL;
    opt__client *c = calloc(1, sizeof *c);
    if (!c)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    size_t n = strlen(api_base);
    while (n && api_base[n - 1] == '/') /* "http://h/" + "/api" must not double the slash */
        n--;
    c->base = strndup(api_base, n);
    c->http = opt__http_create(connect_ms, total_ms);
    if (!c->base || !c->http) {
        opt__client_destroy(c);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    c->auth = auth;
    c->retry = *retry;
    c->clk = clk;
    c->rng = seed ^ 0x9fb21c651e98df25ULL;
    c->secrets = secrets;
    *out = c;
    return OPT_OK;
}

void opt__client_destroy(opt__client *c)
{
    if (!c)
        return;
    opt__http_destroy(c->http);
    free(c->base);
    free(c);
}

const char *opt__client_base(const opt__client *c) { return c->base; }

int opt__client_set_base(opt__client *c, const char *base)
{
    char *b = strdup(base);
    if (!b)
        return -1;
    free(c->base);
    c->base = b;
    return 0;
}

struct call {
    opt__client *c;
    const char *method, *path, *url;
    const char *body;
    size_t body_len;
    const char *if_match;
    const char *xrid_header;
    opt__response *resp;
    opt__call_log *log;
    cx_error *err;
    opt_status st;
    bool reauthed;
    bool anonymous; /* no token: discovery */
    double start;   /* on the client's clock: the deadline counts from here */
};

/* What is left of the retry deadline for one exchange, in ms (0: none). */
static long attempt_bound_ms(const struct call *k)
{
    if (!(k->c->retry.deadline_s > 0))
        return 0;
    double left = k->c->retry.deadline_s - (cx_clock_monotonic(k->c->clk) - k->start);
    return left < 0.001 ? 1 : (long)(left * 1000);
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* "PATCH /api/v2/campaigns/c1 answered 422: <body>" */
static opt_status api_error(struct call *k, opt_status code)
{
    char text[700];
    const char *b = k->resp->body.data ? k->resp->body.data : "";
    snprintf(text, sizeof text, "%.600s", b);
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    opt__redact(text, k->c->secrets);
    return cx_error_set(k->err, code, "%s %s answered %ld%s%s", k->method, k->path,
                        k->resp->status, text[0] ? ": " : "", text);
}

static opt__verdict call_attempt(void *ud, int attempt, double *retry_after)
{
    struct call *k = ud;
    opt__client *c = k->c;
    char token[OPT_TOKEN_MAX];
    char authz[OPT_TOKEN_MAX + 8];
    const char *extra[] = {k->xrid_header, NULL};
    if (attempt > 1)
        k->log->retries++;
    for (;;) {
        token[0] = authz[0] = '\0';
        if (!k->anonymous) {
            k->st = opt__auth_token(c->auth, token, k->err);
            if (k->st != OPT_OK) {
                OPENSSL_cleanse(token, sizeof token);
                k->log->last_status = opt__auth_last_http(c->auth);
                /* the token endpoint already retried what it could */
                return OPT__DONE;
            }
            snprintf(authz, sizeof authz, "Bearer %s", token);
        }
        opt__request req = {.method = k->method,
                            .url = k->url,
                            .content_type = k->body ? "application/json" : NULL,
                            .body = k->body,
                            .body_len = k->body_len,
                            .authorization = k->anonymous ? NULL : authz,
                            .if_match = k->if_match,
                            .headers = extra,
                            .timeout_ms = attempt_bound_ms(k),
                            .fresh_connection = is_write(k->method)};
        k->log->attempts++;
        int rc = opt__http_perform(c->http, &req, k->resp);
        OPENSSL_cleanse(authz, sizeof authz);
        k->log->last_status = k->resp->status;
        if (rc != 0) {
            OPENSSL_cleanse(token, sizeof token);
            bool unsafe = k->resp->retryable && is_write(k->method) && !k->if_match &&
                          !k->resp->not_sent;
            k->st = cx_error_set(k->err, OPT_ENETWORK, "%s %s: %s%s", k->method, k->path,
                                 k->resp->net_msg,
                                 unsafe ? "; whether the write landed is unknown (not "
                                          "repeated: without If-Match a repeat could apply "
                                          "it twice)"
                                        : "");
            if (unsafe) {
                k->log->write_unknown = true;
                return OPT__DONE;
            }
            if (is_write(k->method) && !k->resp->not_sent)
                snprintf(k->log->lost_answer, sizeof k->log->lost_answer, "%s %s: %s",
                         k->method, k->path, k->resp->net_msg);
            if (c->retry.notice) {
                char msg[512];
                snprintf(msg, sizeof msg, "%s %s: attempt %d of %d got no answer: %s",
                         k->method, k->url, attempt, c->retry.max_attempts, k->resp->net_msg);
                opt__redact(msg, c->secrets);
                c->retry.notice(c->retry.notice_ud, msg);
            }
            return k->resp->retryable ? OPT__RETRY_BACKOFF : OPT__DONE;
        }
        long s = k->resp->status;
        if (s == 401 && !k->reauthed && !k->anonymous) {
            /* The token was revoked or expired early: one new token, same request. */
            k->reauthed = true;
            k->log->reauths++;
            opt__auth_invalidate(c->auth, token);
            continue;
        }
        OPENSSL_cleanse(token, sizeof token);
        if (s >= 200 && s < 300) {
            k->st = OPT_OK;
            return OPT__DONE;
        }
        if (s == 401) {
            k->st = api_error(k, OPT_EAUTH);
            cx_error_prefix(k->err, "refused even with a fresh token");
            return OPT__DONE;
        }
        if (s == 403 && strstr(k->resp->www_authenticate, "insufficient_scope")) {
            k->st = api_error(k, OPT_ESCOPE);
            return OPT__DONE;
        }
        k->st = api_error(k, s == 412 ? OPT_ECONFLICT : OPT_EAPI);
        if (s == 429 || s == 503) {
            if (opt__retry_after_parse(k->resp->retry_after, cx_clock_now(c->clk),
                                       retry_after) == 0)
                return OPT__RETRY_AFTER;
            return OPT__RETRY_BACKOFF; /* no usable Retry-After: back off with jitter */
        }
        if ((s == 502 || s == 504) && is_write(k->method) && !k->if_match) {
            /* A gateway answered for the service behind it, which may have
             * applied the write before the gateway gave up: as with a lost
             * answer, not repeated but settled by reading the campaign. */
            char said[sizeof k->err->msg];
            cx_copy(said, sizeof said, k->err->msg);
            k->st = cx_error_set(k->err, OPT_ENETWORK,
                                 "%.600s; whether the write landed is unknown (not repeated: "
                                 "without If-Match a repeat could apply it twice)",
                                 said);
            k->log->write_unknown = true;
            return OPT__DONE;
        }
        if (s == 502 || s == 504)
            return OPT__RETRY_BACKOFF;
        return OPT__DONE;
    }
}

static opt_status call(opt__client *c, const char *method, const char *path, const char *url,
                       bool anonymous, const char *body, size_t body_len, const char *if_match,
                       opt__response *resp, opt__call_log *log, cx_error *err)
{
    opt__call_log local_log = {0};
    if (!log)
        log = &local_log;
    char xrid[OPT_UUID_LEN + 16];
    if (opt__uuid4(log->last_request_id) != 0)
        return cx_error_set(err, OPT_ENOMEM, "no randomness for a request id");
    snprintf(xrid, sizeof xrid, "X-Request-Id: %s", log->last_request_id);
    struct call k = {.c = c,
                     .method = method,
                     .path = path,
                     .url = url,
                     .body = body,
                     .body_len = body_len,
                     .if_match = if_match,
                     .xrid_header = xrid,
                     .resp = resp,
                     .log = log,
                     .err = err,
                     .st = OPT_OK,
                     .anonymous = anonymous,
                     .start = cx_clock_monotonic(c->clk)};
    log->calls++;
    opt__retry_log rl;
    opt__retry_run(&c->retry, c->clk, &c->rng, call_attempt, &k, &rl);
    if (k.st != OPT_OK && rl.gave_up)
        cx_error_prefix(err, "%s", rl.why);
    return k.st;
}

opt_status opt__client_call(opt__client *c, const char *method, const char *path,
                            const char *body, size_t body_len, const char *if_match,
                            opt__response *resp, opt__call_log *log, cx_error *err)
{
    char url[2048];
    if ((size_t)snprintf(url, sizeof url, "%s%s", c->base, path) >= sizeof url)
        return cx_error_set(err, OPT_EUSAGE, "URL too long: %s%s", c->base, path);
    opt_status st = call(c, method, path, url, false, body, body_len, if_match, resp, log, err);
    if (st == OPT_OK && strcmp(method, "GET") != 0)
        log->writes++;
    return st;
}

opt_status opt__client_fetch(opt__client *c, const char *url, opt__response *resp,
                             opt__call_log *log, cx_error *err)
{
    return call(c, "GET", url, url, true, NULL, 0, NULL, resp, log, err);
}
