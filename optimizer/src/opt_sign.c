/* opt_sign.c - HMAC-SHA256 webhook signatures (Standard Webhooks). */
#include "opt_sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes the key; returns its length or -1. */
static int secret_key(const char *secret, unsigned char *key, size_t cap)
{
    if (strncmp(secret, "whsec_", 6) != 0) {
        size_t n = strlen(secret);
        if (n > cap)
            return -1;
        memcpy(key, secret, n);
        return (int)n;
    }
    const char *b64 = secret + 6;
    size_t n = strlen(b64);
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > cap)
        return -1;
    int len = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return -1;
    if (n >= 1 && b64[n - 1] == '=')
        len--;
    if (n >= 2 && b64[n - 2] == '=')
        len--;
    return len;
}

int opt__webhook_sign(const char *secret, const char *msg_id, long long timestamp,
                      const char *body, size_t body_len, char sig[OPT_SIGNATURE_LEN])
{
    unsigned char key[512];
    int key_len = secret_key(secret, key, sizeof key);
    if (key_len < 0)
        return -1;
    char prefix[160];
    int plen = snprintf(prefix, sizeof prefix, "%s.%lld.", msg_id, timestamp);
    if (plen < 0 || (size_t)plen >= sizeof prefix)
        return -1;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    int rc = -1;
    char *content = malloc((size_t)plen + body_len + 1);
    if (content) {
        memcpy(content, prefix, (size_t)plen);
        if (body_len)
            memcpy(content + plen, body, body_len);
        if (HMAC(EVP_sha256(), key, key_len, (const unsigned char *)content,
                 (size_t)plen + body_len, mac, &mac_len) != NULL &&
            mac_len == 32) {
            memcpy(sig, "v1,", 3);
            EVP_EncodeBlock((unsigned char *)sig + 3, mac, (int)mac_len);
            rc = 0;
        }
        free(content);
    }
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

int opt__webhook_verify(const char *secret, const char *msg_id, long long timestamp,
                        const char *body, size_t body_len, const char *header)
{
    char want[OPT_SIGNATURE_LEN];
    if (opt__webhook_sign(secret, msg_id, timestamp, body, body_len, want) != 0)
        return 0;
    size_t wlen = strlen(want);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == wlen && CRYPTO_memcmp(p, want, wlen) == 0)
            return 1;
        p += len;
    }
    return 0;
}
