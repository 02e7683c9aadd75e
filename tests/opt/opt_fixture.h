/* opt_fixture.h - an optimizer pointed at a real mockcxone on loopback, both
 * on one virtual clock, with its audit log in a temporary directory. */
#ifndef OPT_FIXTURE_H
#define OPT_FIXTURE_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cxhttp.h"
#include "cxopt.h"
#include "cxtest.h"
#include "mockcxone.h"

#define WEBHOOK_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

typedef struct ofx {
    cx_clock *clk;
    mock_server *mock;
    char base[64];
    char auth_url[96], webhook_url[128];
    char *dir;
    char audit[512];
    opt_settings s;
    opt_optimizer *o;
} ofx;

/* The campaign model both the mock simulates and the optimizer predicts with. */
#define OFX_MODEL                                                                              \
    "{\"agents\":20,\"liveAnswerProbability\":0.7,"                                           \
    "\"talkTime\":{\"dist\":\"exponential\",\"mean\":120},\"wrapTime\":10}"

/* Starts the mock (mo may be NULL) and fills default settings; call
 * ofx_open() after adjusting f->s. */
static inline void ofx_start(ofx *f, mock_options *mo)
{
    memset(f, 0, sizeof *f);
    f->clk = cx_clock_virtual_create(1795500000.0);
    mock_options d;
    if (!mo) {
        mock_options_default(&d);
        mo = &d;
    }
    mo->clock = f->clk;
    cx_error err = {0};
    if (mock_server_create(mo, &f->mock, &err) != MOCK_OK ||
        mock_server_start(f->mock, &err) != MOCK_OK)
        fprintf(stderr, "mock: %s\n", err.msg);
    CU_ASSERT_FATAL(f->mock != NULL);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", mock_server_port(f->mock));
    snprintf(f->auth_url, sizeof f->auth_url, "%s/auth/token", f->base);
    snprintf(f->webhook_url, sizeof f->webhook_url, "%s/__webhook/events", f->base);
    f->dir = cx_test_tmpdir("opt");
    CU_ASSERT_FATAL(f->dir != NULL);
    snprintf(f->audit, sizeof f->audit, "%s/audit.jsonl", f->dir);
    opt_settings_defaults(&f->s);
    f->s.client_id = MOCK_DEFAULT_CLIENT_ID;
    f->s.client_secret = MOCK_DEFAULT_CLIENT_SECRET;
    f->s.auth_url = f->auth_url;
    f->s.api_url = f->base;
    f->s.campaign_id = MOCK_DEFAULT_CAMPAIGN;
    f->s.webhook_url = f->webhook_url;
    f->s.webhook_secret = WEBHOOK_SECRET;
    f->s.audit_path = f->audit;
    f->s.clock = f->clk;
    f->s.seed = 42;
}

static inline void ofx_open(ofx *f)
{
    cx_error err = {0};
    if (opt_optimizer_create(&f->s, &f->o, &err) != OPT_OK)
        fprintf(stderr, "optimizer: %s\n", err.msg);
    CU_ASSERT_FATAL(f->o != NULL);
}

static inline void ofx_stop(ofx *f)
{
    opt_optimizer_destroy(f->o);
    mock_server_destroy(f->mock);
    cx_clock_destroy(f->clk);
    cx_test_rmtree(f->dir);
    free(f->dir);
    f->o = NULL;
}

static inline const char *ofx_url(const ofx *f, const char *path)
{
    static char buf[4][512];
    static int k;
    snprintf(buf[k % 4], sizeof buf[0], "%s%s", f->base, path);
    return buf[k++ % 4];
}

static inline void ofx_faults(ofx *f, const char *doc)
{
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", ofx_url(f, "/__admin/faults"), NULL, doc, &r), 200);
    cx_http_resp_free(&r);
}

/* The mock's journal (caller frees). */
static inline cJSON *ofx_journal(ofx *f)
{
    cx_http_resp r;
    /* a journal that cannot be read is a failure, never an empty one (a
     * count of 0 must mean nothing was sent) */
    long st = cx_http("GET", ofx_url(f, "/__admin/journal"), NULL, NULL, &r);
    cJSON *j = cx_http_json(&r);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(st, 200);
    CX_REQUIRE(cJSON_IsArray(j));
    return j;
}

/* How many journal entries have this method and path prefix. */
static inline int ofx_count(ofx *f, const char *method, const char *path)
{
    cJSON *j = ofx_journal(f);
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, method) == 0 &&
            strncmp(cJSON_GetObjectItem(e, "path")->valuestring, path, strlen(path)) == 0)
            n++;
    }
    cJSON_Delete(j);
    return n;
}

/* The audit log's records of a type ("cycle", "intent", NULL = all), as an
 * array (caller frees). Fails the test on a line that does not parse. */
static inline cJSON *ofx_audit(ofx *f, const char *type)
{
    cJSON *all = cJSON_CreateArray();
    FILE *fp = fopen(f->audit, "r");
    if (!fp)
        return all;
    char line[1 << 16];
    while (fgets(line, sizeof line, fp)) {
        CU_ASSERT(line[strlen(line) - 1] == '\n');
        cJSON *r = cJSON_Parse(line);
        CU_ASSERT(r != NULL);
        if (!r)
            continue;
        const cJSON *t = cJSON_GetObjectItem(r, "type");
        if (!type || (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0))
            cJSON_AddItemToArray(all, r);
        else
            cJSON_Delete(r);
    }
    fclose(fp);
    return all;
}

static inline opt_params target_ar(double answer_rate)
{
    opt_params t = opt_params_seed();
    t.answer_rate = answer_rate;
    return t;
}

#endif
