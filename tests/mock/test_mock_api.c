/* test_mock_api.c - mockcxone's API over real loopback HTTP: OAuth, campaigns,
 * merge patches, validation, preconditions, states, concurrency, limits,
 * stats. The server runs on a virtual clock the tests move. */
#include <pthread.h>
#include <unistd.h>

#include "mock_fixture.h"

static const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};

/* ---------------------------------------------------------------- OAuth */

static void test_token_in_body(void)
{
    fixture f;
    fx_start(&f, NULL);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), form,
                             "grant_type=client_credentials&client_id=cxopt-dev&"
                             "client_secret=cxopt-dev-secret",
                             &r),
                     200);
    cJSON *j = cx_http_json(&r);
    CX_REQUIRE(j != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "token_type")->valuestring, "Bearer");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(j, "expires_in")->valueint, 3600);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "scope")->valuestring,
                     "campaign:read campaign:write");
    CU_ASSERT(strlen(cJSON_GetObjectItem(j, "access_token")->valuestring) > 30);
    char cc[64];
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Cache-Control", cc, sizeof cc), "no-store");
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_token_basic_urlencoded(void)
{
    /* RFC 6749 2.3.1: id and secret are form-encoded, then base64'd */
    mock_options o;
    mock_options_default(&o);
    mock_client c = {"team a", "s3:cr=t+/==", "campaign:read"};
    o.clients = &c;
    o.n_clients = 1;
    fixture f;
    fx_start(&f, &o);
    /* base64("team+a:s3%3Acr%3Dt%2B%2F%3D%3D") */
    const char *h[] = {"Content-Type: application/x-www-form-urlencoded",
                       "Authorization: Basic dGVhbSthOnMzJTNBY3IlM0R0JTJCJTJGJTNEJTNE", NULL};
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), h,
                             "grant_type=client_credentials", &r),
                     200);
    CX_ASSERT_CONTAINS(r.body, "\"scope\":\"campaign:read\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_token_errors(void)
{
    fixture f;
    fx_start(&f, NULL);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), form,
                             "grant_type=client_credentials&client_id=cxopt-dev&"
                             "client_secret=wrong",
                             &r),
                     401);
    cJSON *j = cx_http_json(&r);
    CX_REQUIRE(j != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "error")->valuestring, "invalid_client");
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(j, "error_description")));
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), form,
                             "grant_type=password&username=a&password=b", &r),
                     400);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"unsupported_grant_type\"");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), form, "client_id=x", &r), 400);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"invalid_request\"");
    cx_http_resp_free(&r);
    const char *json[] = {"Content-Type: application/json", NULL};
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), json,
                             "{\"grant_type\":\"client_credentials\"}", &r),
                     400);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), form,
                             "grant_type=client_credentials&client_id=%zz", &r),
                     401);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_token_expiry_virtual(void)
{
    mock_options o;
    mock_options_default(&o);
    o.token_ttl_s = 60;
    fixture f;
    fx_start(&f, &o);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 61);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 401);
    char wa[256];
    CX_ASSERT_CONTAINS(cx_http_header(&r, "WWW-Authenticate", wa, sizeof wa),
                       "Bearer realm=\"mockcxone\", error=\"invalid_token\"");
    CX_ASSERT_CONTAINS(r.body, "expired");
    cx_http_resp_free(&r);
    /* unknown and missing tokens */
    const char *bogus[] = {"Authorization: Bearer mock_not-a-token", NULL};
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/api/v2/campaigns/c-1001"), bogus, NULL, &r), 401);
    CX_ASSERT_CONTAINS(cx_http_header(&r, "WWW-Authenticate", wa, sizeof wa), "invalid_token");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/api/v2/campaigns/c-1001"), NULL, NULL, &r), 401);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_token_expiry_real_time(void)
{
    /* once on the wall clock, with a 1-second TTL */
    mock_options o;
    mock_options_default(&o);
    o.token_ttl_s = 1;
    cx_clock *real = cx_clock_real_create();
    o.clock = real;
    fixture f;
    fx_start(&f, &o);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    cx_http_resp r;
    usleep(1300 * 1000);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 401);
    cx_http_resp_free(&r);
    fx_stop(&f);
    cx_clock_destroy(real);
}

static void test_scope_without_write(void)
{
    mock_options o;
    mock_options_default(&o);
    mock_client c = {"reader", "reader-secret", "campaign:read"};
    o.clients = &c;
    o.n_clients = 1;
    fixture f;
    fx_start(&f, &o);
    CX_ASSERT_INT_EQ(fx_login(&f, "reader", "reader-secret"), 200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.8}}", NULL, &r),
                     403);
    CX_ASSERT_CONTAINS(r.body, "insufficient_scope");
    char wa[256];
    CX_ASSERT_CONTAINS(cx_http_header(&r, "WWW-Authenticate", wa, sizeof wa),
                       "error=\"insufficient_scope\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* ------------------------------------------------------------ campaigns */

static void test_get_campaign(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cJSON *j = cx_http_json(&r);
    CX_REQUIRE(j != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "id")->valuestring, "c-1001");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "status")->valuestring, "active");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(j, "version")->valueint, 1);
    const cJSON *pd = cJSON_GetObjectItem(j, "predictiveDialer");
    CX_ASSERT_NEAR(cJSON_GetObjectItem(pd, "answerRate")->valuedouble, 0.72, 0);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(pd, "abandonRate")->valuedouble, 0.025, 0);
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(pd, "maxConcurrentCalls")->valueint, 80);
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(pd, "callInterval")->valueint, 120);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(pd, "strategy")->valuestring, "predictive");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(pd, "warmUpPeriod")->valueint, 30);
    char etag[64];
    CX_ASSERT_STR_EQ(cx_http_header(&r, "ETag", etag, sizeof etag), "\"v1\"");
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/nope", NULL, NULL, &r), 404);
    CX_ASSERT_CONTAINS(r.body, "\"message\":\"campaign nope does not exist\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* The seed's config and bounds come from dialsim, the one place they are
 * written: a new campaign holds sim_dialer_default, and a PATCH is checked
 * against sim_seed_bounds (answer rates from 0.05). */
static void test_seed_defaults_from_sim(void)
{
    mock_options o;
    mock_options_default(&o);
    sim_bounds b = sim_seed_bounds();
    CX_ASSERT_NEAR(o.bounds.min_answer_rate, b.min_answer_rate, 0);
    CX_ASSERT_NEAR(o.bounds.max_answer_rate, b.max_answer_rate, 0);
    CX_ASSERT_NEAR(o.bounds.max_abandon_rate, b.max_abandon_rate, 0);
    CX_ASSERT_INT_EQ(o.bounds.max_concurrent_calls, b.max_concurrent_calls);
    CX_ASSERT_INT_EQ(o.bounds.min_call_interval, b.min_call_interval);
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    mock_campaign_state st;
    CX_ASSERT_INT_EQ(mock_server_campaign(f.s, "c-1001", &st), MOCK_OK);
    sim_dialer d = sim_dialer_default();
    CX_ASSERT_NEAR(st.answer_rate, d.answer_rate, 0);
    CX_ASSERT_NEAR(st.abandon_rate, d.abandon_rate, 0);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, d.max_concurrent_calls);
    CX_ASSERT_NEAR(st.call_interval_ms, d.call_interval_ms, 0);
    CX_ASSERT_NEAR(st.warm_up_s, d.warm_up_s, 0);
    CX_ASSERT_STR_EQ(st.strategy, sim_strategy_name(d.strategy));
    CX_ASSERT_NEAR(st.dialer.answer_rate, d.answer_rate, 0);
    cx_http_resp r;
    char body[128];
    snprintf(body, sizeof body, "{\"predictiveDialer\":{\"answerRate\":%g}}",
             b.min_answer_rate - 0.001);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", body, NULL, &r), 422);
    CX_ASSERT_CONTAINS(r.body, "outside the engine's bounds [0.05, 0.95]");
    cx_http_resp_free(&r);
    snprintf(body, sizeof body, "{\"predictiveDialer\":{\"answerRate\":%g}}",
             b.min_answer_rate);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", body, NULL, &r), 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_merge_patch(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.8,\"strategy\":\"power\"}}",
                             NULL, &r),
                     200);
    cJSON *j = cx_http_json(&r);
    const cJSON *pd = cJSON_GetObjectItem(j, "predictiveDialer");
    CX_ASSERT_NEAR(cJSON_GetObjectItem(pd, "answerRate")->valuedouble, 0.8, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(pd, "strategy")->valuestring, "power");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(pd, "maxConcurrentCalls")->valueint, 80); /* kept */
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(j, "version")->valueint, 2);
    char etag[64];
    CX_ASSERT_STR_EQ(cx_http_header(&r, "ETag", etag, sizeof etag), "\"v2\"");
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    mock_campaign_state st;
    CX_ASSERT_INT_EQ(mock_server_campaign(f.s, "c-1001", &st), MOCK_OK);
    CX_ASSERT_NEAR(st.answer_rate, 0.8, 0);
    CX_ASSERT_STR_EQ(st.strategy, "power");
    CX_ASSERT_NEAR(st.dialer.answer_rate, 0.8, 0); /* the simulation's view agrees */
    CX_ASSERT_INT_EQ(st.dialer.strategy, SIM_POWER);
    CX_ASSERT_INT_EQ(st.dialer.max_concurrent_calls, 80);
    CX_ASSERT_INT_EQ(st.version, 2);
    CU_ASSERT(st.simulated == false);
    fx_stop(&f);
}

static void expect_422(fixture *f, const char *body, int fields, const char *want)
{
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(f, "PATCH", "/api/v2/campaigns/c-1001", body, NULL, &r), 422);
    cJSON *j = cx_http_json(&r);
    CX_REQUIRE(j != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(j, "error")->valuestring, "validation_failed");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "fields")), fields);
    CX_ASSERT_CONTAINS(r.body, want);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
}

static void test_validation_422(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    expect_422(&f,
               "{\"predictiveDialer\":{\"answerRate\":\"0.8\",\"abandonRate\":0.05,"
               "\"maxConcurrentCalls\":151,\"callInterval\":49,\"warmUpPeriod\":-1,"
               "\"strategy\":\"turbo\",\"dialLevel\":2},\"owner\":\"me\"}",
               8, "\"field\":\"predictiveDialer.answerRate\",\"problem\":\"must be a number, got "
                  "a string\"");
    expect_422(&f, "{\"predictiveDialer\":{\"abandonRate\":0.05}}", 1,
               "0.05 is outside the engine's bounds [0, 0.03]");
    expect_422(&f, "{\"predictiveDialer\":{\"strategy\":\"turbo\"}}", 1, "unknown strategy");
    expect_422(&f, "{\"predictiveDialer\":{\"maxConcurrentCalls\":80.5}}", 1,
               "must be an integer, got 80.5");
    expect_422(&f, "{}", 1, "the patch is empty");
    expect_422(&f, "", 1, "the patch is empty");
    expect_422(&f, "{\"predictiveDialer\":null}", 1, "cannot be removed");
    expect_422(&f, "{\"status\":\"locked\"}", 1, "cannot be set");
    expect_422(&f, "[1,2]", 1, "must be a JSON object");
    mock_campaign_state st;
    mock_server_campaign(f.s, "c-1001", &st);
    CX_ASSERT_INT_EQ(st.version, 1); /* nothing applied */
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.8,}}", NULL, &r),
                     400);
    CX_ASSERT_CONTAINS(r.body, "invalid JSON at line 1, column");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_if_match(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.75}}", "If-Match: \"v1\"",
                             &r),
                     200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.76}}", "If-Match: \"v1\"",
                             &r),
                     412);
    CX_ASSERT_CONTAINS(r.body, "precondition_failed");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                             "{\"predictiveDialer\":{\"answerRate\":0.77}}", "If-Match: *", &r),
                     200);
    cx_http_resp_free(&r);
    mock_campaign_state st;
    mock_server_campaign(f.s, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.77, 0);
    CX_ASSERT_INT_EQ(st.version, 3);
    fx_stop(&f);
}

static void set_status(fixture *f, const char *status)
{
    char body[64];
    snprintf(body, sizeof body, "{\"status\":\"%s\"}", status);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("PUT", fx_url(f, "/__admin/campaigns/c-1001/status"), NULL, body, &r),
                     200);
    cx_http_resp_free(&r);
}

static void test_states_403(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    cx_http_resp r;
    const char *change = "{\"predictiveDialer\":{\"answerRate\":0.8}}";
    set_status(&f, "locked");
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", change, NULL, &r), 403);
    CX_ASSERT_CONTAINS(r.body, "campaign c-1001 is locked by another process");
    cx_http_resp_free(&r);
    set_status(&f, "archived");
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", change, NULL, &r), 403);
    CX_ASSERT_CONTAINS(r.body, "archived");
    cx_http_resp_free(&r);
    set_status(&f, "paused");
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", change, NULL, &r), 403);
    CX_ASSERT_CONTAINS(r.body, "is paused: resume it");
    cx_http_resp_free(&r);
    /* resuming is allowed, then the change is */
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", "{\"status\":\"active\"}",
                             NULL, &r),
                     200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", change, NULL, &r), 200);
    CX_ASSERT_CONTAINS(r.body, "\"status\":\"active\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

typedef struct worker {
    fixture *f;
    int index, n;
    long versions[50];
    int ok, conflicts;
    const char *if_match;
} worker;

static void *patcher(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->n; i++) {
        char body[128];
        snprintf(body, sizeof body,
                 "{\"predictiveDialer\":{\"answerRate\":%.4f,\"maxConcurrentCalls\":%d}}",
                 0.5 + 0.001 * (w->index * 50 + i), 10 + w->index);
        cx_http_resp r;
        long st = fx_call(w->f, "PATCH", "/api/v2/campaigns/c-1001", body, w->if_match, &r);
        if (st == 200) {
            cJSON *j = cx_http_json(&r);
            w->versions[w->ok++] = (long)cJSON_GetObjectItem(j, "version")->valuedouble;
            /* the answer is one consistent state: both fields from this body */
            const cJSON *pd = cJSON_GetObjectItem(j, "predictiveDialer");
            CX_ASSERT_INT_EQ(cJSON_GetObjectItem(pd, "maxConcurrentCalls")->valueint,
                             10 + w->index);
            CX_ASSERT_NEAR(cJSON_GetObjectItem(pd, "answerRate")->valuedouble,
                           0.5 + 0.001 * (w->index * 50 + i), 1e-9);
            cJSON_Delete(j);
        } else if (st == 412) {
            w->conflicts++;
        }
        cx_http_resp_free(&r);
    }
    return NULL;
}

static void test_concurrent_patches_atomic(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    enum { T = 8, N = 25 };
    worker w[T];
    pthread_t tid[T];
    for (int i = 0; i < T; i++) {
        w[i] = (worker){.f = &f, .index = i, .n = N};
        pthread_create(&tid[i], NULL, patcher, &w[i]);
    }
    for (int i = 0; i < T; i++)
        pthread_join(tid[i], NULL);
    /* every PATCH applied once, each to its own version: none interleaved */
    char seen[T * N + 2] = {0};
    int total = 0;
    for (int i = 0; i < T; i++)
        for (int k = 0; k < w[i].ok; k++) {
            long v = w[i].versions[k];
            CU_ASSERT(v >= 2 && v <= T * N + 1);
            if (v >= 2 && v <= T * N + 1) {
                CX_ASSERT_INT_EQ(seen[v], 0);
                seen[v] = 1;
            }
            total++;
        }
    CX_ASSERT_INT_EQ(total, T * N);
    mock_campaign_state st;
    mock_server_campaign(f.s, "c-1001", &st);
    CX_ASSERT_INT_EQ(st.version, 1 + T * N);
    /* the same ETag raced by everyone: exactly one wins */
    char im[32];
    snprintf(im, sizeof im, "If-Match: \"v%ld\"", st.version);
    for (int i = 0; i < T; i++) {
        w[i] = (worker){.f = &f, .index = i, .n = 1, .if_match = im};
        pthread_create(&tid[i], NULL, patcher, &w[i]);
    }
    int ok = 0, conflicts = 0;
    for (int i = 0; i < T; i++) {
        pthread_join(tid[i], NULL);
        ok += w[i].ok;
        conflicts += w[i].conflicts;
    }
    CX_ASSERT_INT_EQ(ok, 1);
    CX_ASSERT_INT_EQ(conflicts, T - 1);
    fx_stop(&f);
}

/* --------------------------------------------------------------- limits */

static void test_rate_limit_retry_after(void)
{
    mock_options o;
    mock_options_default(&o);
    o.rate_per_s = 0.5;
    o.burst = 2;
    fixture f;
    fx_start(&f, &o);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200); /* takes one */
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 429);
    char ra[32];
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Retry-After", ra, sizeof ra), "2");
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 2);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_sizes_methods_paths(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    cx_http_resp r;
    size_t big = (1u << 20) + 1;
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    body[big] = '\0';
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001", body, NULL, &r), 413);
    CX_ASSERT_CONTAINS(r.body, "payload_too_large");
    cx_http_resp_free(&r);
    free(body);
    CX_ASSERT_INT_EQ(fx_call(&f, "DELETE", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 405);
    char allow[64];
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Allow", allow, sizeof allow), "GET, HEAD, PATCH");
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"method_not_allowed\"");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v3/whatever", NULL, NULL, &r), 404);
    cJSON *j = cx_http_json(&r);
    CU_ASSERT(j != NULL && cJSON_IsString(cJSON_GetObjectItem(j, "message")));
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* ---------------------------------------------------------------- stats */

static void test_live_stats(void)
{
    mock_options o;
    mock_options_default(&o);
    cJSON *model = cJSON_Parse("{\"agents\":10,\"liveAnswerProbability\":0.6,"
                               "\"talkTime\":{\"dist\":\"exponential\",\"mean\":100}}");
    mock_campaign_def camps[] = {{.id = "sim-1", .name = "Simulated", .model = model},
                                 {.id = "plain"}};
    o.campaigns = camps;
    o.n_campaigns = 2;
    fixture f;
    fx_start(&f, &o);
    cJSON_Delete(model);
    cx_clock_advance(f.clk, 3600);
    fx_login_default(&f); /* a token from now: the hour would have expired one */
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats?period=600", NULL, NULL, &r),
                     200);
    cJSON *j = cx_http_json(&r);
    CX_REQUIRE(j != NULL && cJSON_GetObjectItem(j, "window") != NULL);
    const cJSON *w = cJSON_GetObjectItem(j, "window"), *p = cJSON_GetObjectItem(j, "period");
    CX_ASSERT_NEAR(cJSON_GetObjectItem(w, "seconds")->valuedouble, 30 * 86400.0, 0);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(w, "coveredSeconds")->valuedouble, 3600, 1e-6);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(p, "coveredSeconds")->valuedouble, 600, 1e-6);
    double wa = cJSON_GetObjectItem(w, "attempts")->valuedouble;
    double pa = cJSON_GetObjectItem(p, "attempts")->valuedouble;
    CU_ASSERT(wa > 100 && pa > 0 && pa < wa);
    double live = cJSON_GetObjectItem(w, "liveAnswers")->valuedouble;
    double ab = cJSON_GetObjectItem(w, "abandoned")->valuedouble;
    CX_ASSERT_NEAR(cJSON_GetObjectItem(w, "abandonRate")->valuedouble, ab / live, 1e-6);
    CU_ASSERT(cJSON_GetObjectItem(w, "occupancy")->valuedouble > 0.3);
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(j, "agentsStaffed")->valueint, 10);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    /* the Ofcom window, and a campaign with no simulation */
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats?window=ofcom", NULL, NULL,
                             &r),
                     200);
    CX_ASSERT_CONTAINS(r.body, "\"seconds\":86400");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats?window=soon", NULL, NULL,
                             &r),
                     400);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/plain/stats", NULL, NULL, &r), 404);
    CX_ASSERT_CONTAINS(r.body, "no live simulation");
    cx_http_resp_free(&r);
    /* a PATCH changes the live dialer from now on */
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", "/api/v2/campaigns/sim-1",
                             "{\"predictiveDialer\":{\"strategy\":\"progressive\"}}", NULL, &r),
                     200);
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 600); /* calls in flight settle */
    fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats?period=3600", NULL, NULL, &r);
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 3600);
    fx_login_default(&f);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats?period=3600", NULL, NULL,
                             &r),
                     200);
    j = cx_http_json(&r);
    p = cJSON_GetObjectItem(j, "period");
    CX_ASSERT_NEAR(cJSON_GetObjectItem(p, "abandoned")->valuedouble, 0, 0);
    CU_ASSERT(cJSON_GetObjectItem(p, "attempts")->valuedouble > 50);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* /stats is the ACD's book: no AMD false positive (no ACD sees one), and
 * drops of people and undetected machines alike; the truth differs by
 * exactly those (mock_server_truth, for the scenario runner). */
static void test_stats_are_the_acds_book(void)
{
    mock_options o;
    mock_options_default(&o);
    cJSON *model = cJSON_Parse("{\"agents\":20,\"liveAnswerProbability\":0.2,"
                               "\"machineProbability\":0.3,\"busyProbability\":0.03,"
                               "\"amd\":{\"detection\":0.7,\"falsePositive\":0.05},"
                               "\"talkTime\":{\"dist\":\"exponential\",\"mean\":100}}");
    mock_campaign_def camps[] = {{.id = "sim-1", .name = "Simulated", .model = model}};
    o.campaigns = camps;
    o.n_campaigns = 1;
    fixture f;
    fx_start(&f, &o);
    cJSON_Delete(model);
    cx_clock_advance(f.clk, 3 * 3600);
    fx_login_default(&f);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v2/campaigns/sim-1/stats", NULL, NULL, &r), 200);
    CX_ASSERT_NOT_CONTAINS(r.body, "amdFalsePositives");
    CX_ASSERT_NOT_CONTAINS(r.body, "machinesDropped");
    cJSON *j = cx_http_json(&r), *t = NULL;
    cx_http_resp_free(&r);
    CX_REQUIRE(j != NULL);
    CX_REQUIRE(mock_server_truth(f.s, "sim-1", 0, 0, &t) == MOCK_OK);
    const cJSON *w = cJSON_GetObjectItem(j, "total"), *tw = cJSON_GetObjectItem(t, "total");
#define N(o, k) cJSON_GetObjectItem((o), (k))->valuedouble
    CU_ASSERT(N(tw, "amdFalsePositives") > 0);
    CU_ASSERT(N(tw, "machinesDropped") > 0);
    CX_ASSERT_NEAR(N(w, "abandoned"),
                   N(tw, "abandoned") - N(tw, "amdFalsePositives") + N(tw, "machinesDropped"), 0);
    CX_ASSERT_NEAR(N(w, "liveAnswers"), N(w, "connected") + N(w, "abandoned"), 0);
    CX_ASSERT_NEAR(N(w, "connected"), N(tw, "connected"), 0);
    CX_ASSERT_NEAR(N(w, "abandonRate"), N(w, "abandoned") / N(w, "liveAnswers"), 1e-6);
#undef N
    cJSON_Delete(j);
    cJSON_Delete(t);
    fx_stop(&f);
}

static const cx_test_case oauth_cases[] = {
    {"token_in_body", test_token_in_body},
    {"token_basic_urlencoded", test_token_basic_urlencoded},
    {"token_errors", test_token_errors},
    {"token_expiry_virtual", test_token_expiry_virtual},
    {"token_expiry_real_time", test_token_expiry_real_time},
    {"scope_without_write", test_scope_without_write},
    {NULL, NULL},
};
static const cx_test_case campaign_cases[] = {
    {"get_campaign", test_get_campaign},
    {"merge_patch", test_merge_patch},
    {"seed_defaults_from_sim", test_seed_defaults_from_sim},
    {"validation_422", test_validation_422},
    {"if_match", test_if_match},
    {"states_403", test_states_403},
    {"concurrent_patches_atomic", test_concurrent_patches_atomic},
    {NULL, NULL},
};
static const cx_test_case limit_cases[] = {
    {"rate_limit_retry_after", test_rate_limit_retry_after},
    {"sizes_methods_paths", test_sizes_methods_paths},
    {"live_stats", test_live_stats},
    {"stats_are_the_acds_book", test_stats_are_the_acds_book},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"oauth", NULL, NULL, oauth_cases},
    {"campaigns", NULL, NULL, campaign_cases},
    {"limits", NULL, NULL, limit_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
