/* test_opt_cycle.c - libcxopt against the real mockcxone over loopback, one
 * test per path of the cycle: applied, token revoked, bad credentials,
 * locked, missing scope, 422 verbatim, 429 (both Retry-After forms), 503
 * then success with identical bodies, network failures, 412, webhook
 * receiver down, delta refused, compliance refused, a single token refresh
 * under concurrency, and an audit record for every outcome. */
#include <pthread.h>
#include <time.h>

#include "opt_auth.h"
#include "opt_fixture.h"
#include "opt_sign.h"

#define CAMPAIGN "/api/v2/campaigns/c-1001"

static const cJSON *last(const cJSON *arr)
{
    return cJSON_GetArrayItem(arr, cJSON_GetArraySize(arr) - 1);
}

/* One cycle; whatever its end, its audit record is the log's last line. */
static opt_cycle_report run_apply(ofx *f, opt_params t)
{
    opt_cycle_report r;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_apply(f->o, &t, false, &r, &err), OPT_OK);
    CU_ASSERT(r.audited);
    cJSON *cycles = ofx_audit(f, "cycle");
    const cJSON *rec = last(cycles);
    CX_REQUIRE(rec != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "outcome")->valuestring, opt_outcome_name(r.outcome));
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "cycle_id")->valuestring, r.cycle_id);
    if (r.message[0])
        CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "message")->valuestring, r.message);
    cJSON_Delete(cycles);
    return r;
}

static void test_applied_signed_audited(void)
{
    ofx f;
    ofx_start(&f, NULL);
    cJSON *model = cJSON_Parse(OFX_MODEL);
    f.s.model = model;
    ofx_open(&f);
    cJSON_Delete(model);
    opt_params t = target_ar(0.8);
    t.max_concurrent_calls = 86;
    opt_cycle_report r = run_apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CU_ASSERT(r.compliance.verdict == OPT_VERDICT_COMPLIANT && r.prediction.done);
    CX_ASSERT_INT_EQ(r.http_status, 200);
    mock_campaign_state st;
    mock_server_campaign(f.mock, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.8, 0);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, 86);
    CX_ASSERT_INT_EQ(st.version, 2);
    /* the PATCH carried If-Match from the GET and the whole config */
    cJSON *j = ofx_journal(&f);
    const cJSON *patch = NULL, *e;
    cJSON_ArrayForEach(e, j) if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, "PATCH") == 0)
        patch = e;
    CX_REQUIRE(patch != NULL);
    const cJSON *h = cJSON_GetObjectItem(patch, "headers");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(h, "If-Match")->valuestring, "\"v1\"");
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItem(h, "X-Request-Id")));
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(patch, "body")->valuestring,
                     "{\"predictiveDialer\":{\"answerRate\":0.8,\"abandonRate\":0.025,"
                     "\"maxConcurrentCalls\":86,\"callInterval\":120,\"strategy\":\"predictive\","
                     "\"warmUpPeriod\":30}}");
    cJSON_Delete(j);
    /* the webhook: the seed's fields and more, signed (Standard Webhooks) */
    cx_http_resp w;
    cx_http("GET", ofx_url(&f, "/__admin/webhooks"), NULL, NULL, &w);
    cJSON *hooks = cx_http_json(&w);
    cx_http_resp_free(&w);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(hooks), 1);
    const cJSON *d = cJSON_GetArrayItem(hooks, 0);
    const char *body = cJSON_GetObjectItem(d, "body")->valuestring;
    const cJSON *dh = cJSON_GetObjectItem(d, "headers");
    const char *id = cJSON_GetObjectItem(dh, "webhook-id")->valuestring;
    long long ts = atoll(cJSON_GetObjectItem(dh, "webhook-timestamp")->valuestring);
    CX_ASSERT_INT_EQ(opt__webhook_verify(WEBHOOK_SECRET, id, ts, body, strlen(body),
                                         cJSON_GetObjectItem(dh, "webhook-signature")->valuestring),
                     1);
    CX_ASSERT_INT_EQ(ts, 1795500000LL); /* the virtual clock's time */
    cJSON *ev = cJSON_Parse(body);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(ev, "event_id")->valuestring, id);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(ev, "event_id")->valuestring, r.event_id);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(ev, "campaign_id")->valuestring, "c-1001");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(ev, "action")->valuestring, "predictive_optimization");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(ev, "timestamp")->valuestring,
                     "2026-11-24T06:00:00.000Z");
    CX_ASSERT_NEAR(cJSON_GetObjectItem(ev, "answer_rate_delta")->valuedouble, 0.08, 1e-9);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "old_parameters"), "answerRate")
                       ->valuedouble,
                   0.72, 0);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "new_parameters"), "answerRate")
                       ->valuedouble,
                   0.8, 0);
    CU_ASSERT(cJSON_IsObject(cJSON_GetObjectItem(ev, "compliance")));
    /* the gate's word, as in the report and the audit record */
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "compliance"), "verdict")
                         ->valuestring,
                     opt_verdict_name(r.compliance.verdict));
    CU_ASSERT(cJSON_IsObject(cJSON_GetObjectItem(ev, "prediction")));
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(ev, "latency_ms")));
    cJSON_Delete(ev);
    cJSON_Delete(hooks);
    /* the audit: an intent, then the cycle, with no secret anywhere */
    cJSON *all = ofx_audit(&f, NULL);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(all), 2);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(all, 0), "type")->valuestring, "intent");
    const cJSON *rec = cJSON_GetArrayItem(all, 1);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "outcome")->valuestring, "applied");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "event_id")->valuestring, r.event_id);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "webhook"), "delivered")));
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "request_ids")), 3);
    char *text = cJSON_PrintUnformatted(all);
    CX_ASSERT_NOT_CONTAINS(text, MOCK_DEFAULT_CLIENT_SECRET);
    CX_ASSERT_NOT_CONTAINS(text, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    CX_ASSERT_NOT_CONTAINS(text, "mock_");
    free(text);
    cJSON_Delete(all);
    /* the same target again: nothing to do, still audited */
    r = run_apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "unchanged");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 1);
    ofx_stop(&f);
}

static void test_token_revoked_mid_cycle(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"action\":\"expire-tokens\",\"times\":1}]}");
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_INT_EQ(r.reauths, 1);
    CX_ASSERT_INT_EQ(ofx_count(&f, "POST", "/auth/token"), 2);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 2);
    ofx_stop(&f);
}

static void test_bad_credentials(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.client_secret = "definitely-wrong-secret";
    ofx_open(&f);
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-auth");
    CX_ASSERT_CONTAINS(r.message, "invalid_client: client authentication failed");
    CX_ASSERT_NOT_CONTAINS(r.message, "definitely-wrong-secret");
    CX_ASSERT_INT_EQ(ofx_count(&f, "POST", "/auth/token"), 1); /* 401 is not retried */
    cJSON *cycles = ofx_audit(&f, "cycle");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(last(cycles), "outcome")->valuestring, "failed-auth");
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

static void test_locked_and_missing_scope(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    cx_http_resp h;
    cx_http("PUT", ofx_url(&f, "/__admin/campaigns/c-1001/status"), NULL,
            "{\"status\":\"locked\"}", &h);
    cx_http_resp_free(&h);
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-state");
    CX_ASSERT_CONTAINS(r.message, "campaign c-1001 is locked");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 0);
    /* locked between our read and our write: the server's 403 verbatim */
    CX_ASSERT_INT_EQ(cx_http("PUT", ofx_url(&f, "/__admin/campaigns/c-1001/status"), NULL,
                             "{\"status\":\"active\"}", &h),
                     200);
    cx_http_resp_free(&h);
    /* locked between our read and our write: the lock changed the campaign,
     * so our If-Match fails, we read again, and see the lock */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"action\":\"lock-campaign\",\"times\":1}]}");
    r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-state");
    CX_ASSERT_INT_EQ(r.conflicts, 1);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 1);
    /* a 403 at the write: the server's text verbatim, not retried */
    cx_http("PUT", ofx_url(&f, "/__admin/campaigns/c-1001/status"), NULL,
            "{\"status\":\"active\"}", &h);
    cx_http_resp_free(&h);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":403,\"body\":{\"error\":\"campaign_locked\",\"message\":"
                   "\"locked by the nightly import\"}}]}");
    r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-api");
    CX_ASSERT_INT_EQ(r.http_status, 403);
    CX_ASSERT_CONTAINS(r.message, "PATCH /api/v2/campaigns/c-1001 answered 403: "
                                  "{\"error\":\"campaign_locked\",\"message\":\"locked by the "
                                  "nightly import\"}");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 2);
    ofx_stop(&f);

    /* a token without campaign:write: said before any PATCH */
    mock_options mo;
    mock_options_default(&mo);
    mock_client reader = {"reader", "reader-secret", "campaign:read"};
    mo.clients = &reader;
    mo.n_clients = 1;
    ofx_start(&f, &mo);
    f.s.client_id = "reader";
    f.s.client_secret = "reader-secret";
    f.s.predict = false;
    ofx_open(&f);
    r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-auth");
    CX_ASSERT_CONTAINS(r.message, "the token's scope \"campaign:read\" lacks campaign:write");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 0);
    ofx_stop(&f);
}

static void test_422_verbatim(void)
{
    /* our constraints allow 0.97; the engine's bounds stop at 0.95 */
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    f.s.constraints.max_answer_rate = 0.99;
    f.s.constraints.max_adjustment_delta = 0.5;
    ofx_open(&f);
    opt_cycle_report r = run_apply(&f, target_ar(0.97));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-api");
    CX_ASSERT_INT_EQ(r.http_status, 422);
    CX_ASSERT_CONTAINS(r.message, "\"field\":\"predictiveDialer.answerRate\",\"problem\":\"0.97 "
                                  "is outside the engine's bounds [0.05, 0.95]\"");
    CX_ASSERT_INT_EQ(r.attempts, 3); /* GET, GET stats, PATCH: a 422 is not retried */
    ofx_stop(&f);
}

static void test_retry_after_both_forms(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":429,\"headers\":{\"Retry-After\":7},\"times\":1}]}");
    double t0 = cx_clock_now(f.clk);
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_INT_EQ(r.retries, 1);
    CX_ASSERT_NEAR(cx_clock_now(f.clk) - t0, 7, 1e-6); /* waited what the server said */
    /* an HTTP-date 20 s ahead of the (virtual) now */
    char date[64], doc[400];
    time_t when = (time_t)(cx_clock_now(f.clk) + 20);
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(doc, sizeof doc,
             "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\",\"status\":503,"
             "\"headers\":{\"Retry-After\":\"%s\"},\"times\":1}]}",
             date);
    ofx_faults(&f, doc);
    t0 = cx_clock_now(f.clk);
    r = run_apply(&f, target_ar(0.84));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_NEAR(cx_clock_now(f.clk) - t0, 20, 1.0);
    ofx_stop(&f);
}

static void test_503_then_success_same_body(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":503,\"times\":2}]}");
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_INT_EQ(r.retries, 2);
    cJSON *j = ofx_journal(&f);
    const char *first = NULL;
    int patches = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, "PATCH") != 0)
            continue;
        const char *b = cJSON_GetObjectItem(e, "body")->valuestring;
        CU_ASSERT(strlen(b) > 50);
        if (!first)
            first = b;
        CX_ASSERT_STR_EQ(b, first); /* every attempt sent the same complete body */
        patches++;
    }
    CX_ASSERT_INT_EQ(patches, 3);
    cJSON_Delete(j);
    ofx_stop(&f);
}

static void test_network_failures(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    /* resets and 502/504 back off and retry */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"action\":\"reset\",\"times\":1},{\"method\":\"PATCH\",\"path\":"
                   "\"/api/v2/campaigns/*\",\"status\":502,\"times\":1},{\"method\":\"PATCH\","
                   "\"path\":\"/api/v2/campaigns/*\",\"status\":504,\"times\":1}]}");
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    /* libcurl itself repeats a request whose reused connection died, so the
     * reset may cost no retry of ours; the server saw all four */
    CX_ASSERT_GE(r.retries, 2);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 4);
    /* a server slower than the total timeout, and only slow (it would
     * answer 200): timed out, retried */
    opt_optimizer_destroy(f.o);
    f.s.timeout_ms = 300;
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"delayMs\":800,\"times\":1}]}");
    r = run_apply(&f, target_ar(0.82));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_GE(r.retries, 1);
    /* a dead host: refused, retried, failed-network, audited */
    opt_optimizer_destroy(f.o);
    f.s.api_url = "http://127.0.0.1:9";
    f.s.auth_url = f.auth_url;
    ofx_open(&f);
    r = run_apply(&f, target_ar(0.8));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-network");
    CX_ASSERT_CONTAINS(r.message, "gave up after 4 attempts");
    CX_ASSERT_INT_EQ(r.attempts, 4);
    cJSON *cycles = ofx_audit(&f, "cycle");
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(last(cycles), "outcome")->valuestring, "failed-network");
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

/* Decides answerRate 0.8 over whatever the campaign has; on the first call
 * another client changes maxConcurrentCalls behind our back. */
struct racer {
    ofx *f;
    int calls;
};

static opt_status decide_racing(void *ud, const opt_params *current, const opt_stats *stats,
                                opt_params *target, cx_error *err)
{
    (void)stats;
    (void)err;
    struct racer *rc = ud;
    if (rc->calls++ == 0) {
        char tok[256];
        cx_http_resp r;
        const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
        cx_http("POST", ofx_url(rc->f, "/auth/token"), form,
                "grant_type=client_credentials&client_id=cxopt-dev&client_secret=cxopt-dev-secret",
                &r);
        cJSON *j = cx_http_json(&r);
        snprintf(tok, sizeof tok, "Authorization: Bearer %s",
                 cJSON_GetObjectItem(j, "access_token")->valuestring);
        cJSON_Delete(j);
        cx_http_resp_free(&r);
        const char *h[] = {tok, "Content-Type: application/json", NULL};
        cx_http("PATCH", ofx_url(rc->f, CAMPAIGN), h,
                "{\"predictiveDialer\":{\"maxConcurrentCalls\":84}}", &r);
        cx_http_resp_free(&r);
    }
    *target = *current;
    target->answer_rate = 0.8;
    return OPT_OK;
}

static void test_412_rereads_and_redecides(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    struct racer rc = {&f, 0};
    opt_cycle_report r;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_cycle(f.o, decide_racing, &rc, false, &r, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_INT_EQ(r.conflicts, 1);
    CX_ASSERT_INT_EQ(rc.calls, 2);
    mock_campaign_state st;
    mock_server_campaign(f.mock, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.8, 0);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, 84); /* the other change survived */
    CX_ASSERT_INT_EQ(r.before.max_concurrent_calls, 84);
    ofx_stop(&f);
}

static void test_webhook_receiver_down(void)
{
    ofx f;
    ofx_start(&f, NULL);
    f.s.predict = false;
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"POST\",\"path\":\"/__webhook/**\","
                   "\"status\":503}]}");
    opt_cycle_report r = run_apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CU_ASSERT(r.webhook_attempted && !r.webhook_delivered);
    CX_ASSERT_INT_EQ(r.webhook_attempts, 3);
    CX_ASSERT_CONTAINS(r.webhook_error, "the receiver answered 503");
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *rec = last(cycles);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "outcome")->valuestring, "applied");
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "webhook"), "delivered")));
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

static void test_delta_refused_with_numbers(void)
{
    ofx f;
    ofx_start(&f, NULL);
    ofx_open(&f);
    opt_params t = opt_params_seed();
    t.answer_rate = 0.85;
    t.abandon_rate = 0.02;
    t.max_concurrent_calls = 100;
    t.call_interval_ms = 100;
    opt_cycle_report r = run_apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-validation");
    CX_ASSERT_CONTAINS(r.message, "the step is too large (apply it as a ramp): answerRate: 0.85 "
                                  "is 0.13 from the current 0.72");
    CX_ASSERT_INT_EQ(r.validation.count, 3);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 0);
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *v = cJSON_GetObjectItem(last(cycles), "validation");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(v), 3);
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

static void test_compliance_refusal(void)
{
    /* the dialer holds its abandon setting: a setting at the 3% limit
     * realises about 3%, so the prediction's upper bound is past it, and
     * nothing is sent */
    ofx f;
    mock_options mo;
    mock_options_default(&mo);
    ofx_start(&f, &mo);
    cJSON *model = cJSON_Parse("{\"agents\":20,\"liveAnswerProbability\":0.2,"
                               "\"machineProbability\":0.25,\"busyProbability\":0.03,"
                               "\"amd\":{\"detection\":0.85,\"falsePositive\":0.01},"
                               "\"talkTime\":{\"dist\":\"exponential\",\"mean\":120}}");
    f.s.model = model;
    ofx_open(&f);
    cJSON_Delete(model);
    opt_params t = target_ar(0.72);
    t.abandon_rate = 0.03;
    opt_cycle_report r = run_apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-compliance");
    CU_ASSERT(r.prediction.done);
    CX_ASSERT_GE(r.prediction.abandon_upper95, 0.03);
    CX_ASSERT_STR_EQ(opt_verdict_name(r.compliance.verdict), "refused");
    CX_ASSERT_CONTAINS(r.message, "dials harder (abandonRate) and is predicted to abandon up to");
    CX_ASSERT_CONTAINS(r.message, "over the 3.00% limit");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", CAMPAIGN), 0);
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *rec = last(cycles);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "outcome")->valuestring, "rejected-compliance");
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "prediction"),
                                                 "abandon_upper95")));
    cJSON_Delete(cycles);
    /* a retreat is never refused, whatever is predicted */
    t.abandon_rate = 0.02;
    r = run_apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    ofx_stop(&f);
}

struct crowd {
    opt__auth *auth;
    int ok;
};

static void *fetch_token(void *arg)
{
    struct crowd *c = arg;
    char tok[OPT_TOKEN_MAX];
    cx_error err = {0};
    if (opt__auth_token(c->auth, tok, &err) == OPT_OK)
        __atomic_add_fetch(&c->ok, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* The token request for the fixture's client. */
static opt_status build_token(void *ud, const char *refresh, opt__request *req, cx_buf *body,
                              char *authz, size_t authz_n, cx_error *err)
{
    (void)refresh;
    (void)authz;
    (void)authz_n;
    (void)err;
    req->method = "POST";
    req->url = ud;
    req->content_type = "application/x-www-form-urlencoded";
    return cx_buf_printf(body, "grant_type=client_credentials&client_id=%s&client_secret=%s",
                         MOCK_DEFAULT_CLIENT_ID, MOCK_DEFAULT_CLIENT_SECRET) == 0
               ? OPT_OK
               : OPT_ENOMEM;
}

static void test_one_refresh_for_a_crowd(void)
{
    mock_options mo;
    mock_options_default(&mo);
    ofx f;
    ofx_start(&f, &mo);
    /* slow the token endpoint so the crowd arrives while it is in flight */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"POST\",\"path\":\"/auth/token\","
                   "\"delayMs\":300}]}");
    opt__token_io io = {build_token, f.auth_url};
    opt_retry_policy rp = opt_retry_default();
    static const char *const none[] = {NULL};
    struct crowd c = {NULL, 0};
    cx_error err = {0};
    CX_REQUIRE(opt__auth_create(&io, 60, &rp, f.clk, 5000, 15000, 1, none, &c.auth, &err) ==
               OPT_OK);
    enum { N = 16 };
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, fetch_token, &c);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    CX_ASSERT_INT_EQ(c.ok, N);
    CX_ASSERT_INT_EQ(ofx_count(&f, "POST", "/auth/token"), 1);
    CX_ASSERT_INT_EQ(opt__auth_fetches(c.auth), 1);
    /* refreshed `skew` before expiry: at 3600 - 60 s a new one is fetched */
    cx_clock_advance(f.clk, 3539);
    fetch_token(&c);
    CX_ASSERT_INT_EQ(opt__auth_fetches(c.auth), 1);
    cx_clock_advance(f.clk, 2);
    fetch_token(&c);
    CX_ASSERT_INT_EQ(opt__auth_fetches(c.auth), 2);
    opt__auth_destroy(c.auth);
    ofx_stop(&f);
}

static const cx_test_case cases[] = {
    {"applied_signed_audited", test_applied_signed_audited},
    {"token_revoked_mid_cycle", test_token_revoked_mid_cycle},
    {"bad_credentials", test_bad_credentials},
    {"locked_and_missing_scope", test_locked_and_missing_scope},
    {"422_verbatim", test_422_verbatim},
    {"retry_after_both_forms", test_retry_after_both_forms},
    {"503_then_success_same_body", test_503_then_success_same_body},
    {"network_failures", test_network_failures},
    {"412_rereads_and_redecides", test_412_rereads_and_redecides},
    {"webhook_receiver_down", test_webhook_receiver_down},
    {"delta_refused_with_numbers", test_delta_refused_with_numbers},
    {"compliance_refusal", test_compliance_refusal},
    {"one_refresh_for_a_crowd", test_one_refresh_for_a_crowd},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"cycle", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
