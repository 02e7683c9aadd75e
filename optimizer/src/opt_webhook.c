/* opt_webhook.c - POST a signed event, retrying without blocking the cycle. */
#include "opt_webhook.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opt_http.h"
#include "opt_retry.h"
#include "opt_sign.h"

struct opt__webhook {
    char *url;
    char *secret; /* NULL: unsigned */
    opt_retry_policy retry;
    cx_clock *clk;
    opt__http *http;
    uint64_t rng;
};

opt_status opt__webhook_create(const char *url, const char *secret,
                               const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                               long total_ms, uint64_t seed, opt__webhook **out, cx_error *err)
{
    *out = NULL;
    opt__webhook *w = calloc(1, sizeof *w);
    if (!w)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    w->url = strdup(url);
    w->secret = secret && secret[0] ? strdup(secret) : NULL;
    w->http = opt__http_create(connect_ms, total_ms);
    if (!w->url || (secret && secret[0] && !w->secret) || !w->http) {
        opt__webhook_destroy(w);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    if (w->secret) {
        char probe[OPT_SIGNATURE_LEN];
        if (opt__webhook_sign(w->secret, "probe", 0, "", 0, probe) != 0) {
            opt__webhook_destroy(w);
            return cx_error_set(err, OPT_EUSAGE,
                                "webhook secret: a whsec_ secret must be base64 after the prefix");
        }
    }
    w->retry = *retry;
    w->clk = clk;
    w->rng = seed ^ 0xe7037ed1a0b428dbULL;
    *out = w;
    return OPT_OK;
}

void opt__webhook_destroy(opt__webhook *w)
{
    if (!w)
        return;
    if (w->secret) {
        OPENSSL_cleanse(w->secret, strlen(w->secret));
        free(w->secret);
    }
    opt__http_destroy(w->http);
    free(w->url);
    free(w);
}

struct post {
    opt__webhook *w;
    const char *body;
    size_t len;
    const char *event_id;
    opt__delivery *out;
    opt__response resp;
};

static opt__verdict post_attempt(void *ud, int attempt, double *retry_after)
{
    struct post *p = ud;
    opt__webhook *w = p->w;
    char h_id[OPT_UUID_LEN + 16], h_ts[48], h_sig[OPT_SIGNATURE_LEN + 24];
    long long ts = (long long)floor(cx_clock_now(w->clk));
    const char *headers[4] = {h_id, h_ts, NULL, NULL};
    snprintf(h_id, sizeof h_id, "webhook-id: %s", p->event_id);
    snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
    if (w->secret) {
        char sig[OPT_SIGNATURE_LEN];
        if (opt__webhook_sign(w->secret, p->event_id, ts, p->body, p->len, sig) != 0) {
            snprintf(p->out->error, sizeof p->out->error, "cannot sign the event");
            return OPT__DONE;
        }
        snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
        headers[2] = h_sig;
        p->out->signed_ = true;
    }
    opt__request req = {.method = "POST",
                        .url = w->url,
                        .content_type = "application/json",
                        .body = p->body,
                        .body_len = p->len,
                        .headers = headers};
    p->out->attempts = attempt;
    if (opt__http_perform(w->http, &req, &p->resp) != 0) {
        p->out->last_status = 0;
        snprintf(p->out->error, sizeof p->out->error, "%s", p->resp.net_msg);
        return p->resp.retryable ? OPT__RETRY_BACKOFF : OPT__DONE;
    }
    long s = p->resp.status;
    p->out->last_status = s;
    if (s >= 200 && s < 300) {
        p->out->delivered = true;
        p->out->error[0] = '\0';
        return OPT__DONE;
    }
    snprintf(p->out->error, sizeof p->out->error, "the receiver answered %ld", s);
    if (s == 429 || s == 503) {
        if (opt__retry_after_parse(p->resp.retry_after, cx_clock_now(w->clk), retry_after) == 0)
            return OPT__RETRY_AFTER;
        return OPT__RETRY_BACKOFF;
    }
    if (s == 408 || s >= 500)
        return OPT__RETRY_BACKOFF;
    return OPT__DONE;
}

void opt__webhook_send(opt__webhook *w, const cJSON *event, const char *event_id,
                       opt__delivery *out)
{
    memset(out, 0, sizeof *out);
    out->attempted = true;
    char *body = cJSON_PrintUnformatted(event);
    if (!body) {
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    struct post p = {.w = w, .body = body, .len = strlen(body), .event_id = event_id, .out = out};
    opt__response_init(&p.resp);
    opt__retry_log log;
    opt__retry_run(&w->retry, w->clk, &w->rng, post_attempt, &p, &log);
    if (!out->delivered && log.gave_up) {
        char why[256];
        snprintf(why, sizeof why, "%s (%s)", out->error, log.why);
        cx_copy(out->error, sizeof out->error, why);
    }
    opt__response_free(&p.resp);
    free(body);
}
