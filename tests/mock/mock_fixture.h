/* mock_fixture.h - a real mockcxone server on loopback for one test. */
#ifndef MOCK_FIXTURE_H
#define MOCK_FIXTURE_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cxhttp.h"
#include "cxtest.h"
#include "mockcxone.h"

typedef struct fixture {
    mock_server *s;
    cx_clock *clk;    /* virtual, owned */
    char base[64];
    char token[1024]; /* a token for the default client (cxone: a JWT) */
    char auth[1100];  /* "Authorization: Bearer <token>" */
    mock_profile profile;
} fixture;

/* Starts a server with `o` (NULL: defaults) on a virtual clock. */
static inline void fx_start(fixture *f, mock_options *o)
{
    mock_options d;
    if (!o) {
        mock_options_default(&d);
        o = &d;
    }
    memset(f, 0, sizeof *f);
    f->profile = o->profile;
    f->clk = cx_clock_virtual_create(1795500000.0);
    CU_ASSERT_FATAL(f->clk != NULL);
    if (!o->clock)
        o->clock = f->clk;
    cx_error err = {0};
    if (mock_server_create(o, &f->s, &err) != MOCK_OK || mock_server_start(f->s, &err) != MOCK_OK)
        fprintf(stderr, "mock: %s\n", err.msg);
    CU_ASSERT_FATAL(f->s != NULL && mock_server_port(f->s) > 0);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", mock_server_port(f->s));
}

/* With CX_JOURNAL_DIR set (tests/mock/check_contract.py sets it), every
 * fixture leaves its server's journal there as PID-N-PROFILE.json, for the
 * contract test to check against the OpenAPI files. */
static inline void fx_keep_journal(fixture *f)
{
    static int n;
    const char *dir = getenv("CX_JOURNAL_DIR");
    if (!dir || !f->s)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%ld-%d-%s.json", dir, (long)getpid(), n++,
             f->profile == MOCK_PROFILE_CXONE ? "cxone" : "seed");
    cJSON *j = mock_server_journal(f->s);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    FILE *out = text ? fopen(path, "w") : NULL;
    if (out) {
        fputs(text, out);
        fclose(out);
    }
    free(text);
    cJSON_Delete(j);
}

static inline void fx_stop(fixture *f)
{
    fx_keep_journal(f);
    mock_server_destroy(f->s);
    cx_clock_destroy(f->clk);
    f->s = NULL;
}

static inline const char *fx_url(const fixture *f, const char *path)
{
    static __thread char buf[8][512];
    static __thread int k;
    snprintf(buf[k % 8], sizeof buf[0], "%s%s", f->base, path);
    return buf[k++ % 8];
}

/* Fetches a token for id/secret into f->token and f->auth; returns status. */
static inline long fx_login(fixture *f, const char *id, const char *secret)
{
    char body[512];
    snprintf(body, sizeof body, "grant_type=client_credentials&client_id=%s&client_secret=%s",
             id, secret);
    const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    cx_http_resp r;
    long st = cx_http("POST", fx_url(f, "/auth/token"), h, body, &r);
    cJSON *j = cx_http_json(&r);
    const cJSON *t = j ? cJSON_GetObjectItem(j, "access_token") : NULL;
    if (cJSON_IsString(t)) {
        snprintf(f->token, sizeof f->token, "%s", t->valuestring);
        snprintf(f->auth, sizeof f->auth, "Authorization: Bearer %s", f->token);
    }
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    return st;
}

static inline long fx_login_default(fixture *f)
{
    return fx_login(f, MOCK_DEFAULT_CLIENT_ID, MOCK_DEFAULT_CLIENT_SECRET);
}

/* An authenticated request with a JSON body (or none). */
static inline long fx_call(fixture *f, const char *method, const char *path, const char *body,
                           const char *extra_header, cx_http_resp *r)
{
    const char *h[] = {f->auth, "Content-Type: application/json", extra_header, NULL};
    return cx_http(method, fx_url(f, path), h, body, r);
}

static inline long fx_admin_faults(fixture *f, const char *doc)
{
    cx_http_resp r;
    long st = cx_http("POST", fx_url(f, "/__admin/faults"), NULL, doc, &r);
    if (st != 200)
        fprintf(stderr, "faults: %ld %s\n", st, r.body);
    cx_http_resp_free(&r);
    return st;
}

#endif
