/* test_mock_faults.c - fault rules (matching, counts, probability, time
 * windows, every status, Retry-After forms, delays, resets, token expiry,
 * locks), the journal, the webhook sink and the admin reset. */
#include "mock_fixture.h"

#define CAMPAIGN "/api/v2/campaigns/c-1001"

static void test_every_status_on_demand(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    const int statuses[] = {401, 403, 404, 409, 412, 422, 429, 500, 502, 503};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        char doc[256];
        snprintf(doc, sizeof doc,
                 "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/*\","
                 "\"status\":%d,\"times\":1}]}",
                 statuses[i]);
        CX_ASSERT_INT_EQ(fx_admin_faults(&f, doc), 200);
        cx_http_resp r;
        CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), statuses[i]);
        cJSON *j = cx_http_json(&r);
        CU_ASSERT(j && cJSON_IsString(cJSON_GetObjectItem(j, "message")));
        cJSON_Delete(j);
        cx_http_resp_free(&r);
        /* times: 1 -> the next one is normal */
        CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
        cx_http_resp_free(&r);
    }
    fx_stop(&f);
}

static void test_retry_after_forms_and_body(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    CX_ASSERT_INT_EQ(
        fx_admin_faults(&f, "{\"faults\":["
                            "{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\",\"status\":429,"
                            "\"headers\":{\"Retry-After\":3},\"times\":1},"
                            "{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\",\"status\":503,"
                            "\"headers\":{\"Retry-After\":\"Wed, 21 Oct 2026 07:28:00 GMT\"},"
                            "\"body\":\"maintenance\",\"times\":1},"
                            "{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\",\"status\":422,"
                            "\"body\":{\"error\":\"validation_failed\",\"message\":\"abandonRate "
                            "is frozen\"},\"times\":1}]}"),
        200);
    const char *body = "{\"predictiveDialer\":{\"answerRate\":0.8}}";
    cx_http_resp r;
    char h[128];
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, body, NULL, &r), 429);
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Retry-After", h, sizeof h), "3");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, body, NULL, &r), 503);
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Retry-After", h, sizeof h),
                     "Wed, 21 Oct 2026 07:28:00 GMT");
    CX_ASSERT_STR_EQ(r.body, "maintenance");
    CX_ASSERT_STR_EQ(cx_http_header(&r, "Content-Type", h, sizeof h), "text/plain");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, body, NULL, &r), 422);
    CX_ASSERT_STR_EQ(r.body, "{\"error\":\"validation_failed\",\"message\":\"abandonRate is "
                             "frozen\"}");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, body, NULL, &r), 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_matching_rules(void)
{
    fixture f;
    fx_start(&f, NULL);
    fx_login_default(&f);
    /* `*` is one segment: the stats path is not matched; GET only; `after`
     * skips the first two matches */
    CX_ASSERT_INT_EQ(fx_admin_faults(&f, "{\"faults\":[{\"method\":\"GET\","
                                         "\"path\":\"/api/v2/campaigns/*\",\"status\":500,"
                                         "\"after\":2,\"times\":1}]}"),
                     200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, "{\"status\":\"active\"}", NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN "/stats", NULL, NULL, &r), 404); /* not simulated */
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 500);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    /* the admin API reports the counts */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/faults"), NULL, NULL, &r), 200);
    CX_ASSERT_CONTAINS(r.body, "\"matched\":3,\"fired\":1"); /* spent rules stop matching */
    cx_http_resp_free(&r);
    /* `**` matches the rest of the path, probability fires some of the time
     * (seeded, so always the same ones) */
    CX_ASSERT_INT_EQ(fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/api/**\",\"status\":502,"
                                         "\"probability\":0.5}]}"),
                     200);
    int fired = 0;
    for (int i = 0; i < 40; i++) {
        if (fx_call(&f, "GET", CAMPAIGN "/stats", NULL, NULL, &r) == 502)
            fired++;
        cx_http_resp_free(&r);
    }
    /* the server's seed (1) decides which: exactly these 22 of 40, every run
     * (a rule at another probability, or unseeded draws, would not match) */
    CX_ASSERT_INT_EQ(fired, 22);
    /* time windows on the server's clock */
    CX_ASSERT_INT_EQ(fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/api/**\",\"status\":503,"
                                         "\"from\":100,\"until\":200}]}"),
                     200);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 150);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 503);
    cx_http_resp_free(&r);
    cx_clock_advance(f.clk, 100);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    /* the admin API is never faulted */
    CX_ASSERT_INT_EQ(fx_admin_faults(&f, "{\"faults\":[{\"path\":\"**\",\"action\":\"reset\"}]}"),
                     200);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/health"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("DELETE", fx_url(&f, "/__admin/faults"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* The waits a fault's delayMs asked for, counted instead of slept. */
struct waits {
    _Atomic int calls;
    _Atomic long ms;
};

static void count_delay(void *ud, long ms)
{
    struct waits *w = ud;
    w->calls++;
    w->ms += ms;
}

static void test_actions(void)
{
    fixture f;
    struct waits waits = {0, 0};
    mock_options o;
    mock_options_default(&o);
    o.delay = count_delay;
    o.delay_ud = &waits;
    fx_start(&f, &o);
    fx_login_default(&f);
    cx_http_resp r;
    /* reset: no response at all */
    fx_admin_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/*\","
                        "\"action\":\"reset\",\"times\":1}]}");
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 0);
    CU_ASSERT(r.curl_error[0] != '\0');
    cx_http_resp_free(&r);
    /* expire-tokens: this request (and every later one) finds its token revoked */
    fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/api/v2/campaigns/*\","
                        "\"action\":\"expire-tokens\",\"times\":1}]}");
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 401);
    CX_ASSERT_CONTAINS(r.body, "revoked");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    /* lock-campaign, then the request goes on: the PATCH meets the lock */
    fx_admin_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                        "\"action\":\"lock-campaign\",\"times\":1}]}");
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, "{\"predictiveDialer\":{\"answerRate\":0.8}}",
                             NULL, &r),
                     403);
    CX_ASSERT_CONTAINS(r.body, "locked");
    cx_http_resp_free(&r);
    mock_campaign_state st;
    mock_server_campaign(f.s, "c-1001", &st);
    CX_ASSERT_STR_EQ(st.status, "locked");
    /* a delay (waited through the injected sleep: no wall time in a
     * test), then the normal answer; the journal shows the rule fired */
    CX_ASSERT_INT_EQ(waits.calls, 0);
    fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/api/v2/campaigns/*\",\"delayMs\":250,"
                        "\"times\":1}]}");
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/journal"), NULL, NULL, &r), 200);
    cJSON *j = cx_http_json(&r);
    int n = cJSON_GetArraySize(j);
    const cJSON *last = cJSON_GetArrayItem(j, n - 1);
    CX_ASSERT_INT_EQ(waits.calls, 1);
    CX_ASSERT_INT_EQ(waits.ms, 250);
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(last, "durationMs")));
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(last, "fault")->valuestring, "rule 0");
    const cJSON *first = cJSON_GetArrayItem(j, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(first, "path")->valuestring, "/auth/token");
    const cJSON *reset = cJSON_GetArrayItem(j, 1);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(reset, "status")->valuestring, "reset");
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_fault_file_errors(void)
{
    char *dir = cx_test_tmpdir("faults");
    char path[512];
    snprintf(path, sizeof path, "%s/faults.json", dir);
    FILE *fp = fopen(path, "w");
    fputs("{\"faults\":[{\"path\":\"/a\",\"status\":503},{\"path\":\"/b\",\"status\":999}]}", fp);
    fclose(fp);
    mock_options o;
    mock_options_default(&o);
    o.faults_path = path;
    mock_server *s = NULL;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(mock_server_create(&o, &s, &err), MOCK_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "faults.json: faults[1].status: must be <= 599, got 999");
    CU_ASSERT(s == NULL);
    fp = fopen(path, "w");
    fputs("{\"faults\":[{\"path\":\"/a\"}]}", fp);
    fclose(fp);
    CX_ASSERT_INT_EQ(mock_server_create(&o, &s, &err), MOCK_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "faults[0]: a rule needs a status, a delayMs or an action");
    /* through the admin API: 422 naming the rule, and the old rules stay */
    fixture f;
    fx_start(&f, NULL);
    fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/x\",\"status\":500}]}");
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__admin/faults"), NULL,
                             "{\"faults\":[{\"path\":\"/y\",\"action\":\"explode\"}]}", &r),
                     422);
    CX_ASSERT_CONTAINS(r.body, "faults[0].action: unknown value \\\"explode\\\"");
    cx_http_resp_free(&r);
    cx_http("GET", fx_url(&f, "/__admin/faults"), NULL, NULL, &r);
    CX_ASSERT_CONTAINS(r.body, "\"path\":\"/x\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
    cx_test_rmtree(dir);
    free(dir);
}

static void test_journal_redacts_and_reset(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    char token[128];
    snprintf(token, sizeof token, "%s", f.token);
    cx_http_resp r;
    fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r);
    cx_http_resp_free(&r);
    fx_call(&f, "PATCH", CAMPAIGN, "{\"predictiveDialer\":{\"answerRate\":0.81}}", NULL, &r);
    cx_http_resp_free(&r);
    /* Basic credentials too */
    const char *basic[] = {"Content-Type: application/x-www-form-urlencoded",
                           "Authorization: Basic Y3hvcHQtZGV2OmN4b3B0LWRldi1zZWNyZXQ=", NULL};
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/auth/token"), basic,
                             "grant_type=client_credentials", &r),
                     200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/journal"), NULL, NULL, &r), 200);
    CX_ASSERT_NOT_CONTAINS(r.body, MOCK_DEFAULT_CLIENT_SECRET);
    CX_ASSERT_NOT_CONTAINS(r.body, token);
    CX_ASSERT_NOT_CONTAINS(r.body, "Y3hvcHQtZGV2OmN4b3B0LWRldi1zZWNyZXQ=");
    CX_ASSERT_CONTAINS(r.body, "client_secret=***");
    CX_ASSERT_CONTAINS(r.body, "\"Authorization\":\"Bearer ***\"");
    CX_ASSERT_CONTAINS(r.body, "\"Authorization\":\"Basic ***\"");
    cJSON *j = cx_http_json(&r);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(j), 4);
    const cJSON *patch = cJSON_GetArrayItem(j, 2);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(patch, "method")->valuestring, "PATCH");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(patch, "status")->valueint, 200);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(patch, "body")->valuestring,
                     "{\"predictiveDialer\":{\"answerRate\":0.81}}");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(patch, "seq")->valueint, 3);
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(patch, "time")));
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(patch, "durationMs")));
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    cx_http("GET", fx_url(&f, "/__admin/journal?since=3"), NULL, NULL, &r);
    j = cx_http_json(&r);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(j), 1);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    cx_http("GET", fx_url(&f, "/__admin/journal/summary"), NULL, NULL, &r);
    CX_ASSERT_CONTAINS(r.body, "\"total\":4");
    CX_ASSERT_CONTAINS(r.body, "\"200\":4");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(mock_server_journal_length(f.s), 4);
    /* reset: journal, faults, tokens and campaigns back to the start */
    fx_admin_faults(&f, "{\"faults\":[{\"path\":\"/x\",\"status\":500}]}");
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__admin/reset"), NULL, "", &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(mock_server_journal_length(f.s), 0);
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 401); /* old token gone */
    cx_http_resp_free(&r);
    mock_campaign_state st;
    mock_server_campaign(f.s, "c-1001", &st);
    CX_ASSERT_INT_EQ(st.version, 1);
    CX_ASSERT_NEAR(st.answer_rate, 0.72, 0);
    cx_http("GET", fx_url(&f, "/__admin/faults"), NULL, NULL, &r);
    CX_ASSERT_STR_EQ(r.body, "{\"faults\":[]}");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_webhook_sink(void)
{
    fixture f;
    fx_start(&f, NULL);
    const char *h[] = {"Content-Type: application/json", "webhook-id: evt-1", NULL};
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__webhook/team/events"), h,
                             "{\"event_id\":\"evt-1\"}", &r),
                     204);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__webhook/x"), NULL, NULL, &r), 405);
    cx_http_resp_free(&r);
    /* a rule can make the receiver fail */
    fx_admin_faults(&f, "{\"faults\":[{\"method\":\"POST\",\"path\":\"/__webhook/**\","
                        "\"status\":503,\"times\":1}]}");
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__webhook/team/events"), h, "{}", &r), 503);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/webhooks"), NULL, NULL, &r), 200);
    cJSON *j = cx_http_json(&r);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(j), 1);
    const cJSON *d = cJSON_GetArrayItem(j, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(d, "path")->valuestring, "/__webhook/team/events");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(d, "body")->valuestring, "{\"event_id\":\"evt-1\"}");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "headers"), "webhook-id")
                         ->valuestring,
                     "evt-1");
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static const cx_test_case fault_cases[] = {
    {"every_status_on_demand", test_every_status_on_demand},
    {"retry_after_forms_and_body", test_retry_after_forms_and_body},
    {"matching_rules", test_matching_rules},
    {"actions", test_actions},
    {"fault_file_errors", test_fault_file_errors},
    {NULL, NULL},
};
static const cx_test_case admin_cases[] = {
    {"journal_redacts_and_reset", test_journal_redacts_and_reset},
    {"webhook_sink", test_webhook_sink},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"faults", NULL, NULL, fault_cases},
    {"admin", NULL, NULL, admin_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
