/* opt_sign.h - Standard Webhooks signatures (internal).
 *
 * Per the Standard Webhooks specification (standardwebhooks.com): the signed
 * content is "<webhook-id>.<webhook-timestamp>.<body>", the MAC is
 * HMAC-SHA256, and the header is `webhook-signature: v1,<base64 MAC>`. A
 * secret of the form "whsec_<base64>" is base64-decoded to get the key (the
 * convention's secret format); any other secret is used as raw bytes. */
#ifndef OPT_SIGN_H
#define OPT_SIGN_H

#include <stddef.h>

/* "v1," + base64 of 32 bytes (44) + NUL */
#define OPT_SIGNATURE_LEN 48

/* Writes the header value into sig. Returns 0, or -1 when the secret is a
 * malformed whsec_ value or HMAC failed. */
int opt__webhook_sign(const char *secret, const char *msg_id, long long timestamp,
                      const char *body, size_t body_len, char sig[OPT_SIGNATURE_LEN]);

/* Verifies a header value (which may hold several space-separated
 * signatures) for the same inputs: 1 valid, 0 not. For receivers and tests. */
int opt__webhook_verify(const char *secret, const char *msg_id, long long timestamp,
                        const char *body, size_t body_len, const char *header);

#endif
