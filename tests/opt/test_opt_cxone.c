/* test_opt_cxone.c - libcxopt's cxone profile against mockcxone's cxone
 * profile over loopback: API host discovery, the password grant with an
 * access key, Accept on every request, only the changed fields PUT, a change
 * with no CXone field refused before any write, a concurrent change reported,
 * invalid_grant shown without the secret, the refresh token used, and
 * call-data read as stats. */
#include "cxproc.h"
#include "opt_fixture.h"

#define SK "/inContactAPI/services/v30.0/skills/c-1001"

/* A cxone-profile mock that insists on Accept, and an optimizer that finds
 * the API host through discovery (no api_url). */
static void start(ofx *f, mock_options *mo)
{
    mock_options d;
    if (!mo) {
        mock_options_default(&d);
        mo = &d;
    }
    mo->profile = MOCK_PROFILE_CXONE;
    mo->require_accept = true;
    ofx_start(f, mo);
    f->s.profile = "cxone";
    f->s.api_url = NULL;
    f->s.access_key_id = MOCK_DEFAULT_ACCESS_KEY_ID;
    f->s.access_key_secret = MOCK_DEFAULT_ACCESS_KEY_SECRET;
    f->s.tenant_id = MOCK_DEFAULT_TENANT;
    f->s.predict = false;
}

static opt_cycle_report apply(ofx *f, opt_params t)
{
    opt_cycle_report r;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_apply(f->o, &t, false, &r, &err), OPT_OK);
    CU_ASSERT(r.audited);
    cJSON *cycles = ofx_audit(f, "cycle");
    const cJSON *rec = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CX_REQUIRE(rec != NULL);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(rec, "outcome")->valuestring, opt_outcome_name(r.outcome));
    cJSON_Delete(cycles);
    return r;
}

/* The journal entries with this method and path prefix (caller frees). */
static cJSON *entries(ofx *f, const char *method, const char *path)
{
    cJSON *all = ofx_journal(f), *out = cJSON_CreateArray();
    const cJSON *e;
    cJSON_ArrayForEach(e, all)
    {
        if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, method) == 0 &&
            strncmp(cJSON_GetObjectItem(e, "path")->valuestring, path, strlen(path)) == 0)
            cJSON_AddItemToArray(out, cJSON_Duplicate(e, 1));
    }
    cJSON_Delete(all);
    return out;
}

static void test_discover_login_apply_changed_only(void)
{
    ofx f;
    start(&f, NULL);
    ofx_open(&f);
    opt_cycle_report r = apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_STR_EQ(r.message, "");
    CX_ASSERT_NEAR(r.before.answer_rate, 0.72, 1e-9);
    CX_ASSERT_NEAR(r.after.answer_rate, 0.78, 1e-9);
    CX_ASSERT_NEAR(r.before.max_concurrent_calls, 80, 1e-9); /* 4 per agent x 20 staffed */
    CU_ASSERT(r.webhook_delivered);
    mock_campaign_state st;
    mock_server_campaign(f.mock, MOCK_DEFAULT_CAMPAIGN, &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.78, 1e-9);
    CX_ASSERT_NEAR(st.abandon_rate, 0.025, 1e-12);
    CX_ASSERT_INT_EQ(ofx_count(&f, "GET", "/.well-known/cxone-configuration"), 1);

    /* the password grant, the access key URL-encoded (it ends in ====) */
    cJSON *tok = entries(&f, "POST", "/auth/token");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(tok), 1);
    const cJSON *t0 = cJSON_GetArrayItem(tok, 0);
    CX_ASSERT_CONTAINS(cJSON_GetObjectItem(t0, "body")->valuestring,
                       "grant_type=password&username=MOCKACCESSKEY0001%3D%3D%3D%3D");
    cJSON_Delete(tok);

    /* one PUT, with only the field that changed */
    cJSON *puts = entries(&f, "PUT", SK "/parameters/");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(puts), 1);
    const cJSON *p0 = cJSON_GetArrayItem(puts, 0);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(p0, "path")->valuestring,
                     SK "/parameters/general-settings");
    cJSON *body = cJSON_Parse(cJSON_GetObjectItem(p0, "body")->valuestring);
    const cJSON *g = cJSON_GetObjectItem(body, "generalSettings");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(body), 1);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(g), 1);
    CX_ASSERT_NEAR(cJSON_GetObjectItem(g, "maximumRatio")->valuedouble, 1 / 0.78, 1e-9);
    cJSON_Delete(body);
    cJSON_Delete(puts);

    /* Accept: application/json on every request to the API (the mock would
     * have answered 406 otherwise), and no 4xx at all */
    cJSON *all = ofx_journal(&f);
    const cJSON *e;
    int api = 0;
    cJSON_ArrayForEach(e, all)
    {
        const char *path = cJSON_GetObjectItem(e, "path")->valuestring;
        if (strncmp(path, "/__", 3) == 0)
            continue;
        const cJSON *accept = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "headers"), "Accept");
        CU_ASSERT(cJSON_IsString(accept) && strstr(accept->valuestring, "application/json"));
        /* call-data is 404 for a skill the mock does not simulate */
        if (!strstr(path, "/call-data"))
            CU_ASSERT(cJSON_GetObjectItem(e, "status")->valueint < 400);
        api++;
    }
    cJSON_Delete(all);
    CU_ASSERT(api >= 8); /* discovery, token, skill, activity, parameters, PUT, re-read */

    /* no secret in the audit log, the journal or what the webhook received */
    char *audit = cx_slurp(f.audit);
    cx_http_resp j, w;
    cx_http("GET", ofx_url(&f, "/__admin/journal"), NULL, NULL, &j);
    cx_http("GET", ofx_url(&f, "/__admin/webhooks"), NULL, NULL, &w);
    const char *texts[] = {audit ? audit : "", j.body ? j.body : "", w.body ? w.body : ""};
    const char *secrets[] = {MOCK_DEFAULT_ACCESS_KEY_SECRET, "mock%2Baccess%2Fkey",
                             MOCK_DEFAULT_CLIENT_SECRET, WEBHOOK_SECRET, "eyJhbGciOi"};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 5; k++)
            CX_ASSERT_NOT_CONTAINS(texts[i], secrets[k]);
    CU_ASSERT(audit && strstr(audit, "\"type\":\"cycle\""));
    free(audit);
    cx_http_resp_free(&j);
    cx_http_resp_free(&w);
    ofx_stop(&f);
}

static void test_abandon_rate_percent_and_dry_run(void)
{
    ofx f;
    start(&f, NULL);
    ofx_open(&f);
    opt_params t = opt_params_seed();
    t.abandon_rate = 0.02;
    opt_cycle_report r;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, true, &r, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "dry-run");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PUT", SK), 0);
    r = apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    cJSON *puts = entries(&f, "PUT", SK "/parameters/general-settings");
    CX_REQUIRE(cJSON_GetArraySize(puts) == 1);
    CX_ASSERT_CONTAINS(cJSON_GetObjectItem(cJSON_GetArrayItem(puts, 0), "body")->valuestring,
                       "{\"generalSettings\":{\"abandonRateThreshold\":2}}");
    cJSON_Delete(puts);
    mock_campaign_state st;
    mock_server_campaign(f.mock, MOCK_DEFAULT_CAMPAIGN, &st);
    CX_ASSERT_NEAR(st.abandon_rate, 0.02, 1e-12);
    ofx_stop(&f);
}

static void test_unmapped_change_refused_before_any_write(void)
{
    ofx f;
    start(&f, NULL);
    ofx_open(&f);
    opt_params t = opt_params_seed();
    t.call_interval_ms = 110; /* within the step; but callInterval has no CXone field */
    opt_cycle_report r = apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-validation");
    CX_ASSERT_CONTAINS(r.message, "callInterval has no CXone field");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PUT", SK), 0);
    ofx_stop(&f);
}

/* Points the optimizer at a mapping file holding `json`. */
static void use_mapping(ofx *f, const char *json)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/mapping.json", f->dir);
    FILE *fp = fopen(path, "w");
    CX_REQUIRE(fp != NULL);
    fputs(json, fp);
    fclose(fp);
    f->s.mapping_path = path;
}

static void test_edited_mapping_file(void)
{
    ofx f;
    start(&f, NULL);
    /* a team that trusts only the ratio's mapping: edit the file, no
     * recompiling; the rest cannot be changed, nor is read */
    use_mapping(&f, "{\"answerRate\":{\"block\":\"generalSettings\",\"field\":\"maximumRatio\","
                    "\"transform\":\"reciprocal\"},\"abandonRate\":null,"
                    "\"maxConcurrentCalls\":null,\"callInterval\":null,\"strategy\":null,"
                    "\"warmUpPeriod\":null}");
    ofx_open(&f);
    opt_params t = opt_params_seed();
    t.abandon_rate = 0.02; /* now unmapped */
    opt_cycle_report r = apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "rejected-validation");
    CX_ASSERT_CONTAINS(r.message, "abandonRate has no CXone field");
    CX_ASSERT_INT_EQ(ofx_count(&f, "GET", SK "/activity"), 0); /* no per-agent field */
    ofx_stop(&f);

    /* a broken mapping is named with its key */
    start(&f, NULL);
    use_mapping(&f, "{\"answerRate\":{\"block\":\"generalSettings\",\"field\":\"maximumRatio\","
                    "\"transform\":\"cube\"}}");
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_optimizer_create(&f.s, &f.o, &err), OPT_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "mapping.json");
    CX_ASSERT_CONTAINS(err.msg, "answerRate.transform");
    ofx_stop(&f);
}

static void test_cpa_block_written_apart(void)
{
    ofx f;
    start(&f, NULL);
    /* The mechanism, not a recommendation: a concept mapped into cpaSettings
     * is written with PUT .../cpa-management, apart from generalSettings,
     * each with only its changed field. */
    use_mapping(&f, "{\"answerRate\":{\"block\":\"generalSettings\",\"field\":\"maximumRatio\","
                    "\"transform\":\"reciprocal\"},\"abandonRate\":null,"
                    "\"maxConcurrentCalls\":null,\"callInterval\":null,\"strategy\":null,"
                    "\"warmUpPeriod\":{\"block\":\"cpaSettings\",\"field\":\"abandonTimeout\"}}");
    ofx_open(&f);
    opt_params t = target_ar(0.75);
    t.warm_up_s = 3; /* read as 2 from cpaSettings.abandonTimeout */
    opt_cycle_report r = apply(&f, t);
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_NEAR(r.before.warm_up_s, 2, 1e-9);
    CX_ASSERT_NEAR(r.after.warm_up_s, 3, 1e-9);
    cJSON *g = entries(&f, "PUT", SK "/parameters/general-settings");
    cJSON *c = entries(&f, "PUT", SK "/parameters/cpa-management");
    CX_REQUIRE(cJSON_GetArraySize(g) == 1 && cJSON_GetArraySize(c) == 1);
    CX_ASSERT_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(c, 0), "body")->valuestring,
                     "{\"cpaSettings\":{\"abandonTimeout\":3}}");
    CX_ASSERT_NOT_CONTAINS(cJSON_GetObjectItem(cJSON_GetArrayItem(g, 0), "body")->valuestring,
                           "abandonTimeout");
    cJSON_Delete(g);
    cJSON_Delete(c);
    ofx_stop(&f);
}

static void test_concurrent_change_reported(void)
{
    ofx f;
    start(&f, NULL);
    ofx_open(&f);
    /* someone changes the ratio between our PUT and our re-read */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"" SK "/parameters\","
                   "\"after\":1,\"times\":1,\"action\":\"patch-campaign\","
                   "\"patch\":{\"predictiveDialer\":{\"answerRate\":0.9}}}]}");
    opt_cycle_report r = apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "applied");
    CX_ASSERT_CONTAINS(r.message, "a concurrent change: answerRate reads 0.9 after the PUT, "
                                  "not the 0.78 written");
    CX_ASSERT_NEAR(r.after.answer_rate, 0.9, 1e-9);
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *rec = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CX_ASSERT_CONTAINS(cJSON_GetObjectItem(rec, "message")->valuestring, "a concurrent change");
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

static void test_failed_read_back_says_written(void)
{
    /* the PUT lands, then reading it back fails every time: the cycle fails,
     * and its record says the write was accepted, so nobody takes the
     * campaign for unchanged */
    ofx f;
    start(&f, NULL);
    ofx_open(&f);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"" SK "/parameters\","
                   "\"after\":1,\"status\":503}]}");
    opt_cycle_report r = apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-api");
    CU_ASSERT(r.written);
    CX_ASSERT_CONTAINS(r.message, "written, but reading it back failed");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PUT", SK "/parameters/general-settings"), 1);
    cJSON *cycles = ofx_audit(&f, "cycle");
    const cJSON *rec = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CU_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(rec, "written")));
    cJSON_Delete(cycles);
    /* a cycle the server refuses before any write says it was not */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PUT\",\"path\":\"" SK "/parameters/*\","
                   "\"status\":400,\"body\":{\"message\":\"no\"}}]}");
    r = apply(&f, target_ar(0.72));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-api");
    CU_ASSERT(!r.written);
    cycles = ofx_audit(&f, "cycle");
    rec = cJSON_GetArrayItem(cycles, cJSON_GetArraySize(cycles) - 1);
    CU_ASSERT(cJSON_IsFalse(cJSON_GetObjectItem(rec, "written")));
    cJSON_Delete(cycles);
    ofx_stop(&f);
}

static void test_invalid_grant_without_secret(void)
{
    static const int statuses[] = {401, 400};
    for (int i = 0; i < 2; i++) {
        mock_options mo;
        mock_options_default(&mo);
        mo.invalid_grant_status = statuses[i];
        ofx f;
        start(&f, &mo);
        f.s.access_key_secret = "wrong+key/secret====";
        ofx_open(&f);
        opt_cycle_report r = apply(&f, target_ar(0.78));
        CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-auth");
        CX_ASSERT_INT_EQ(r.http_status, statuses[i]);
        CX_ASSERT_CONTAINS(r.message, "invalid_grant");
        CX_ASSERT_NOT_CONTAINS(r.message, "wrong+key");
        CX_ASSERT_NOT_CONTAINS(r.message, "wrong%2Bkey");
        CX_ASSERT_INT_EQ(ofx_count(&f, "POST", "/auth/token"), 1);
        CX_ASSERT_INT_EQ(ofx_count(&f, "GET", SK), 0);
        ofx_stop(&f);
    }
}

static void test_error_text_whatever_its_key(void)
{
    static const char *const bodies[][2] = {
        {"{\"error\":\"invalid_grant\",\"error_description\":\"key one\"}",
         "invalid_grant: key one"},
        {"{\"errorDescription\":\"key two\"}", "key two"},
        {"{\"message\":\"key three\"}", "key three"},
        {"{\"error\":\"key_four\"}", "key_four"},
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        ofx f;
        start(&f, NULL);
        ofx_open(&f);
        char doc[512];
        snprintf(doc, sizeof doc,
                 "{\"faults\":[{\"path\":\"/auth/token\",\"status\":401,\"body\":%s}]}",
                 bodies[i][0]);
        ofx_faults(&f, doc);
        opt_cycle_report r = apply(&f, target_ar(0.75));
        CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-auth");
        CX_ASSERT_CONTAINS(r.message, bodies[i][1]);
        ofx_stop(&f);
    }
}

static void test_client_credentials_refused_message(void)
{
    /* the seed profile against a CXone: the server's words reach the user */
    ofx f;
    start(&f, NULL);
    f.s.profile = "seed";
    f.s.api_url = f.base;
    ofx_open(&f);
    opt_cycle_report r = apply(&f, target_ar(0.78));
    CX_ASSERT_STR_EQ(opt_outcome_name(r.outcome), "failed-auth");
    CX_ASSERT_CONTAINS(r.message, "unsupported_grant_type");
    ofx_stop(&f);
}

static void test_refresh_token_used(void)
{
    mock_options mo;
    mock_options_default(&mo);
    mo.token_ttl_s = 300;
    ofx f;
    start(&f, &mo);
    ofx_open(&f);
    CX_ASSERT_STR_EQ(opt_outcome_name(apply(&f, target_ar(0.75)).outcome), "applied");
    cx_clock_advance(f.clk, 400); /* past expiry */
    CX_ASSERT_STR_EQ(opt_outcome_name(apply(&f, target_ar(0.78)).outcome), "applied");
    cJSON *tok = entries(&f, "POST", "/auth/token");
    CX_REQUIRE(cJSON_GetArraySize(tok) == 2);
    const char *second = cJSON_GetObjectItem(cJSON_GetArrayItem(tok, 1), "body")->valuestring;
    CX_ASSERT_CONTAINS(second, "grant_type=refresh_token&refresh_token=***"); /* redacted */
    CX_ASSERT_NOT_CONTAINS(second, "username=");
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(tok, 1), "status")->valueint, 200);
    cJSON_Delete(tok);
    ofx_stop(&f);
}

static void test_stats_from_call_data(void)
{
    mock_options mo;
    mock_options_default(&mo);
    cJSON *model = cJSON_Parse(OFX_MODEL);
    mock_campaign_def camp = {.id = MOCK_DEFAULT_CAMPAIGN, .name = "Outbound PC", .model = model};
    mo.campaigns = &camp;
    mo.n_campaigns = 1;
    ofx f;
    start(&f, &mo);
    cJSON_Delete(model);
    ofx_open(&f);
    cx_clock_advance(f.clk, 3600); /* an hour of simulated dialing */
    cJSON *show = NULL;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_show(f.o, &show, &err), OPT_OK);
    const cJSON *stats = cJSON_GetObjectItem(show, "stats");
    CX_REQUIRE(stats != NULL);
    double live = cJSON_GetObjectItem(stats, "liveAnswers")->valuedouble;
    double att = cJSON_GetObjectItem(stats, "attempts")->valuedouble;
    CU_ASSERT(live > 100);
    /* the model answers 70%: the dialed count makes the rate estimable */
    CX_ASSERT_NEAR(live / att, 0.7, 0.05);
    CU_ASSERT(cJSON_GetObjectItem(stats, "occupancy")->valuedouble > 0.3);
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(stats, "agentsStaffed")->valueint, 20);
    cJSON_Delete(show);
    CX_ASSERT_INT_EQ(ofx_count(&f, "GET", SK "/call-data"), 2); /* the window and the period */
    ofx_stop(&f);
}

static const cx_test_case cases[] = {
    {"discover_login_apply_changed_only", test_discover_login_apply_changed_only},
    {"abandon_rate_percent_and_dry_run", test_abandon_rate_percent_and_dry_run},
    {"unmapped_change_refused_before_any_write", test_unmapped_change_refused_before_any_write},
    {"edited_mapping_file", test_edited_mapping_file},
    {"cpa_block_written_apart", test_cpa_block_written_apart},
    {"concurrent_change_reported", test_concurrent_change_reported},
    {"failed_read_back_says_written", test_failed_read_back_says_written},
    {"invalid_grant_without_secret", test_invalid_grant_without_secret},
    {"error_text_whatever_its_key", test_error_text_whatever_its_key},
    {"client_credentials_refused_message", test_client_credentials_refused_message},
    {"refresh_token_used", test_refresh_token_used},
    {"stats_from_call_data", test_stats_from_call_data},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"opt_cxone", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
