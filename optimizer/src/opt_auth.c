/* opt_auth.c - cached OAuth token with single-flight refresh. */
#include "opt_auth.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opt_retry.h"

struct opt__auth {
    pthread_mutex_t lock;
    pthread_cond_t done;
    opt__token_io io;
    double skew_s;
    opt_retry_policy retry;
    cx_clock *clk;
    const char *const *secrets;
    opt__http *http;       /* used only by the refresher */
    uint64_t rng;

    /* guarded by lock */
    opt__grant grant;
    bool have;
    double expires_at;     /* clock time */
    bool refreshing;
    unsigned generation;   /* bumped when a refresh ends */
    opt_status last_status;
    long last_http;        /* the token endpoint's last status, 0 = no answer */
    cx_error last_error;
    int fetches;
};

opt_status opt__auth_create(const opt__token_io *io, double skew_s,
                            const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                            long total_ms, uint64_t seed, const char *const *secrets,
                            opt__auth **out, cx_error *err)
{
    *out = NULL;
    opt__auth *a = calloc(1, sizeof *a);
    if (!a)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        return cx_error_set(err, OPT_ENOMEM, "cannot create a mutex");
    }
    if (pthread_cond_init(&a->done, NULL) != 0) {
        pthread_mutex_destroy(&a->lock);
        free(a);
        return cx_error_set(err, OPT_ENOMEM, "cannot create a condition variable");
    }
    a->http = opt__http_create(connect_ms, total_ms);
    if (!a->http) {
        opt__auth_destroy(a);
        return cx_error_set(err, OPT_ENOMEM, "cannot create an HTTP handle");
    }
    a->io = *io;
    a->skew_s = skew_s;
    a->retry = *retry;
    a->clk = clk;
    a->rng = seed ^ 0xa0761d6478bd642fULL;
    a->secrets = secrets;
    *out = a;
    return OPT_OK;
}

void opt__auth_destroy(opt__auth *a)
{
    if (!a)
        return;
    opt__http_destroy(a->http);
    OPENSSL_cleanse(&a->grant, sizeof a->grant);
    pthread_cond_destroy(&a->done);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* The description an OAuth error body gives, whatever its spelling. */
static void oauth_error_text(const char *body, char *out, size_t n)
{
    cJSON *j = cJSON_Parse(body);
    const char *keys[] = {"error_description", "errorDescription", "message", NULL};
    const cJSON *code = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
    const char *desc = NULL;
    for (int i = 0; j && keys[i] && !desc; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (cJSON_IsString(v))
            desc = v->valuestring;
    }
    if (cJSON_IsString(code) && desc)
        snprintf(out, n, "%s: %s", code->valuestring, desc);
    else if (cJSON_IsString(code))
        snprintf(out, n, "%s", code->valuestring);
    else if (desc)
        snprintf(out, n, "%s", desc);
    else
        snprintf(out, n, "%.300s", body);
    cJSON_Delete(j);
}

opt_status opt__grant_parse(const char *body, opt__grant *g, cx_error *err)
{
    cJSON *j = cJSON_Parse(body);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return cx_error_set(err, OPT_EAUTH, "token endpoint: the response is not a JSON object");
    }
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(j, "token_type");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "scope");
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(j, "refresh_token");
    opt_status st = OPT_OK;
    memset(g, 0, sizeof *g);
    if (!cJSON_IsString(at) || at->valuestring[0] == '\0' ||
        strlen(at->valuestring) >= sizeof g->access)
        st = cx_error_set(err, OPT_EAUTH, "token endpoint: no usable access_token in the response");
    else if (cJSON_IsString(tt) && strcasecmp(tt->valuestring, "Bearer") != 0)
        st = cx_error_set(err, OPT_EAUTH, "token endpoint: token_type \"%.40s\" is not Bearer",
                          tt->valuestring);
    else if (ex && (!cJSON_IsNumber(ex) || ex->valuedouble <= 0))
        st = cx_error_set(err, OPT_EAUTH, "token endpoint: expires_in must be a positive number");
    if (st == OPT_OK) {
        cx_copy(g->access, sizeof g->access, at->valuestring);
        g->expires_in = ex ? ex->valuedouble : 3600.0;
        if (cJSON_IsString(sc)) {
            g->has_scope = true;
            cx_copy(g->scope, sizeof g->scope, sc->valuestring);
        }
        if (cJSON_IsString(rt))
            cx_copy(g->refresh, sizeof g->refresh, rt->valuestring);
    }
    cJSON_Delete(j);
    return st;
}

struct fetch {
    opt__auth *a;
    const char *refresh;
    opt__response resp;
    opt_status st;
    long http;
    cx_error *err;
    opt__grant grant;
};

static opt__verdict fetch_attempt(void *ud, int attempt, double *retry_after)
{
    struct fetch *f = ud;
    opt__auth *a = f->a;
    opt__request req = {0};
    cx_buf body;
    char authz[1024] = "";
    cx_buf_init(&body, 64 * 1024);
    f->st = a->io.build(a->io.ud, f->refresh, &req, &body, authz, sizeof authz, f->err);
    opt__verdict v = OPT__DONE;
    if (f->st != OPT_OK)
        goto out;
    req.body = body.data;
    req.body_len = body.len;
    if (authz[0])
        req.authorization = authz;
    pthread_mutex_lock(&a->lock);
    a->fetches++;
    pthread_mutex_unlock(&a->lock);
    int rc = opt__http_perform(a->http, &req, &f->resp);
    f->http = rc == 0 ? f->resp.status : 0;
    if (rc != 0) {
        f->st = cx_error_set(f->err, OPT_ENETWORK, "token endpoint %s: %s", req.url,
                             f->resp.net_msg);
        if (a->retry.notice) {
            char msg[512];
            snprintf(msg, sizeof msg, "token endpoint %s: attempt %d of %d got no answer: %s",
                     req.url, attempt, a->retry.max_attempts, f->resp.net_msg);
            opt__redact(msg, a->secrets);
            a->retry.notice(a->retry.notice_ud, msg);
        }
        v = f->resp.retryable ? OPT__RETRY_BACKOFF : OPT__DONE;
        goto out;
    }
    long s = f->resp.status;
    const char *text = f->resp.body.data ? f->resp.body.data : "";
    if (s >= 200 && s < 300) {
        f->st = opt__grant_parse(text, &f->grant, f->err);
        goto out;
    }
    char why[400];
    oauth_error_text(text, why, sizeof why);
    opt__redact(why, a->secrets);
    f->st = cx_error_set(f->err, s == 400 || s == 401 || s == 403 ? OPT_EAUTH : OPT_EAPI,
                         "token endpoint %s refused: %ld %s", req.url, s, why);
    if ((s == 429 || s == 503) && opt__retry_after_parse(f->resp.retry_after,
                                                         cx_clock_now(a->clk), retry_after) == 0)
        v = OPT__RETRY_AFTER;
    else if (s == 429 || s == 502 || s == 503 || s == 504)
        v = OPT__RETRY_BACKOFF;
out:
    OPENSSL_cleanse(authz, sizeof authz);
    if (body.data)
        OPENSSL_cleanse(body.data, body.len);
    cx_buf_free(&body);
    return v;
}

static bool fresh(const opt__auth *a, double now)
{
    if (!a->have)
        return false;
    double skew = a->skew_s;
    if (skew > a->grant.expires_in / 2)
        skew = a->grant.expires_in / 2;
    return now < a->expires_at - skew;
}

opt_status opt__auth_token(opt__auth *a, char *out, cx_error *err)
{
    pthread_mutex_lock(&a->lock);
    for (;;) {
        if (fresh(a, cx_clock_now(a->clk))) {
            memcpy(out, a->grant.access, strlen(a->grant.access) + 1);
            pthread_mutex_unlock(&a->lock);
            return OPT_OK;
        }
        if (!a->refreshing)
            break;
        unsigned gen = a->generation;
        while (a->refreshing && a->generation == gen)
            pthread_cond_wait(&a->done, &a->lock);
        if (a->last_status != OPT_OK) { /* share the refresher's failure */
            opt_status st = a->last_status;
            if (err)
                *err = a->last_error;
            pthread_mutex_unlock(&a->lock);
            return st;
        }
    }
    a->refreshing = true;
    char refresh[OPT_TOKEN_MAX] = "";
    if (a->grant.refresh[0])
        memcpy(refresh, a->grant.refresh, sizeof refresh);
    pthread_mutex_unlock(&a->lock);

    cx_error local = {0};
    struct fetch f = {.a = a, .refresh = refresh[0] ? refresh : NULL, .err = &local};
    opt__response_init(&f.resp);
    opt__retry_log log;
    opt__retry_run(&a->retry, a->clk, &a->rng, fetch_attempt, &f, &log);
    if (f.st != OPT_OK && f.refresh) {
        /* A refused refresh token falls back to the primary grant once. */
        f.refresh = NULL;
        opt__retry_run(&a->retry, a->clk, &a->rng, fetch_attempt, &f, &log);
    }
    if (f.st != OPT_OK && log.gave_up && (f.st == OPT_ENETWORK || f.st == OPT_EAPI))
        cx_error_prefix(&local, "%s", log.why);
    opt__response_free(&f.resp);
    OPENSSL_cleanse(refresh, sizeof refresh);

    pthread_mutex_lock(&a->lock);
    a->refreshing = false;
    a->generation++;
    a->last_status = f.st;
    a->last_http = f.http;
    a->last_error = local;
    if (f.st == OPT_OK) {
        a->grant = f.grant;
        a->have = true;
        a->expires_at = cx_clock_now(a->clk) + f.grant.expires_in;
        memcpy(out, a->grant.access, strlen(a->grant.access) + 1);
    }
    pthread_cond_broadcast(&a->done);
    pthread_mutex_unlock(&a->lock);
    OPENSSL_cleanse(&f.grant, sizeof f.grant);
    if (f.st != OPT_OK && err)
        *err = local;
    return f.st;
}

void opt__auth_invalidate(opt__auth *a, const char *token)
{
    pthread_mutex_lock(&a->lock);
    if (a->have && strcmp(a->grant.access, token) == 0) {
        a->have = false;
        /* keep the refresh token: it may still be good */
        memset(a->grant.access, 0, sizeof a->grant.access);
    }
    pthread_mutex_unlock(&a->lock);
}

bool opt__auth_scope(opt__auth *a, char *out, size_t n)
{
    pthread_mutex_lock(&a->lock);
    bool has = a->have && a->grant.has_scope;
    if (has)
        cx_copy(out, n, a->grant.scope);
    pthread_mutex_unlock(&a->lock);
    return has;
}

long opt__auth_last_http(opt__auth *a)
{
    pthread_mutex_lock(&a->lock);
    long s = a->last_http;
    pthread_mutex_unlock(&a->lock);
    return s;
}

int opt__auth_fetches(opt__auth *a)
{
    pthread_mutex_lock(&a->lock);
    int n = a->fetches;
    pthread_mutex_unlock(&a->lock);
    return n;
}
