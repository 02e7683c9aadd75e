/* opt_webhook.h - signed webhook delivery (internal).
 *
 * Each event is POSTed as JSON with the Standard Webhooks headers
 * (webhook-id = the event id, webhook-timestamp = epoch seconds,
 * webhook-signature = v1,<HMAC-SHA256> when a secret is set), retried with
 * full-jitter backoff on 429/5xx/network failures. Delivery never fails the
 * cycle: its result is reported, and the cycle audits it. */
#ifndef OPT_WEBHOOK_H
#define OPT_WEBHOOK_H

#include <stdint.h>

#include "cxopt.h"
#include "opt_id.h"

struct cJSON;

typedef struct opt__webhook opt__webhook;

typedef struct opt__delivery {
    bool attempted;
    bool delivered;
    bool signed_;
    int attempts;
    long last_status;  /* 0 = no answer */
    char error[256];   /* why it was not delivered */
} opt__delivery;

/* url is copied; secret is copied and wiped on destroy (NULL or "" = unsigned). */
opt_status opt__webhook_create(const char *url, const char *secret,
                               const opt_retry_policy *retry, cx_clock *clk, long connect_ms,
                               long total_ms, uint64_t seed, opt__webhook **out, cx_error *err);
void opt__webhook_destroy(opt__webhook *w);

/* Posts `event` under `event_id`. Fills *out; never fails otherwise. */
void opt__webhook_send(opt__webhook *w, const struct cJSON *event, const char *event_id,
                       opt__delivery *out);

#endif
