/* test_calibrate.c - `cxopt calibrate` pulls a skill's completed contacts
 * from the mock's CXone reporting API (its campaign a live simulated dialer
 * with known parameters), fits the model, and the gate then predicts with
 * it: the whole loop offline, a real cxopt process against a real mock on
 * loopback, the mock and the simulated campaign on a virtual clock.
 *
 * The fitted parameters are checked against the mock campaign's truth, each
 * within its 95% interval (the ACD's dispositions cannot tell a machine the
 * ACD dropped from a person, which moves the live share up and the machine
 * share down by at most the machine share x the drop rate: that side is
 * widened by it). A mapping that reads answering machines as people fails
 * the same check. Records the mapping cannot read are named (request,
 * record, field) and leave the model file as it was; a 429 is waited out;
 * a Retry-After past the deadline ends the pull at once; the count or the
 * next link, not a short page, ends a pull, and a server ignoring skip is
 * refused. The gate (`apply --model`) and the scenario runner's optimizer
 * (`run --model`) predict with the model they are given. */
#include "cxtruth.h"
#include "opt_cli.h"

#include <math.h>
#include <sys/stat.h>

#define HOURS 6

/* the mock campaign's truth: no AMD, so every machine reaches the ACD */
#define TRUE_MODEL                                                                             \
    "{\"agents\":20,\"liveAnswerProbability\":0.25,\"machineProbability\":0.2,"               \
    "\"busyProbability\":0.05,\"busyTime\":5,\"invalidProbability\":0.03,\"invalidTime\":4,"  \
    "\"noAnswerTimeout\":20,\"ringTime\":{\"dist\":\"lognormal\",\"mean\":8,\"sd\":3},"        \
    "\"talkTime\":{\"dist\":\"gamma\",\"mean\":100,\"sd\":50},"                               \
    "\"wrapTime\":{\"dist\":\"uniform\",\"min\":5,\"max\":25},\"machineHandleTime\":8,"       \
    "\"abandonThreshold\":2}"
#define P_MACHINE 0.2
#define MAX_DROP 0.05 /* the dialer holds 2%: machines dropped are well under 5% */

static char out[1 << 18];
static char *cx_env[16];
static char cx_env_buf[12][512];

/* a cxone-profile mock whose campaign simulates TRUE_MODEL, HOURS in */
static cJSON *true_model, *dialer;
static void start(ofx *f, bool simulated, uint64_t seed)
{
    mock_options mo;
    mock_options_default(&mo);
    mo.profile = MOCK_PROFILE_CXONE;
    mo.seed = seed;
    true_model = cJSON_Parse(TRUE_MODEL);
    dialer = cJSON_Parse("{\"answerRate\":0.25,\"abandonRate\":0.02}");
    static mock_campaign_def def;
    def = (mock_campaign_def){.id = MOCK_DEFAULT_CAMPAIGN, .model = simulated ? true_model : NULL,
                              .dialer = dialer};
    mo.campaigns = &def;
    mo.n_campaigns = 1;
    ofx_start(f, &mo);
    /* half an hour more: a call launched before the span's end has ended
     * (the calls still in progress are no completed contacts yet) */
    CX_REQUIRE(cx_clock_advance(f->clk, HOURS * 3600.0 + 1800) == 0);
    int k = 0;
    const char *vars[][2] = {{"CXONE_PROFILE", "cxone"},
                             {"CXONE_CLIENT_ID", MOCK_DEFAULT_CLIENT_ID},
                             {"CXONE_CLIENT_SECRET", MOCK_DEFAULT_CLIENT_SECRET},
                             {"CXONE_ACCESS_KEY_ID", MOCK_DEFAULT_ACCESS_KEY_ID},
                             {"CXONE_ACCESS_KEY_SECRET", MOCK_DEFAULT_ACCESS_KEY_SECRET},
                             {"CXONE_AUTH_URL", f->auth_url},
                             {"CXONE_API_URL", f->base},
                             {"CXONE_CAMPAIGN_ID", MOCK_DEFAULT_CAMPAIGN},
                             {"HOME", f->dir}};
    for (; k < (int)(sizeof vars / sizeof *vars); k++) {
        snprintf(cx_env_buf[k], sizeof cx_env_buf[k], "%s=%s", vars[k][0], vars[k][1]);
        cx_env[k] = cx_env_buf[k];
    }
    cx_env[k] = NULL;
}

static void stop(ofx *f)
{
    ofx_stop(f);
    cJSON_Delete(true_model);
    cJSON_Delete(dialer);
}

/* cxopt calibrate over the simulated span (the fixture's virtual clock
 * starts at 2026-11-24T06:00:00Z), with extra arguments */
static int calibrate(const char *model_out, const char *report_out, const char *const *extra)
{
    char *args[40] = {"cxopt", "calibrate", "--since", "2026-11-24T06:00:00Z", "--until",
                      "2026-11-24T12:00:00Z", "--out", (char *)model_out, "--quiet"};
    int n = 9;
    if (report_out) {
        args[n++] = "--report";
        args[n++] = (char *)report_out;
    }
    for (; extra && *extra && n < 38; extra++)
        args[n++] = (char *)*extra;
    args[n] = NULL;
    return run(args, cx_env, out, sizeof out);
}

/* The fitted model and report against the truth. */
static void against_truth(cx_truth *tp, const cJSON *model, const cJSON *rep)
{
    cx_truth t = *tp;
    const cJSON *fit = cx_json_at(rep, "fit"), *h;
    double ms = P_MACHINE * MAX_DROP;
    cJSON_ArrayForEach(h, cx_json_at(fit, "hourly"))
    {
        char name[40];
        snprintf(name, sizeof name, "live share, hour %d", cx_json_at(h, "hour")->valueint);
        cx_truth_interval(&t, cx_json_at(h, "live"), name, 0.25, ms, 0);
    }
    const struct {
        const char *path;
        double truth, lo_slack, hi_slack;
    } est[] = {{"machineProbability", P_MACHINE, 0, ms}, {"busyProbability", 0.05, 0, 0},
               {"invalidProbability", 0.03, 0, 0},     {"ringTime.mean", 8, 0, 0},
               {"ringTime.sd", 3, 0, 0},               {"talkTime.mean", 100, 0, 0},
               {"talkTime.sd", 50, 0, 0},              {"wrapTime.min", 5, 0, 0},
               {"wrapTime.max", 25, 0, 0}};
    for (size_t i = 0; i < sizeof est / sizeof *est; i++)
        cx_truth_interval(&t, cx_json_at(fit, est[i].path), est[i].path, est[i].truth,
                          est[i].lo_slack, est[i].hi_slack);
    const struct {
        const char *path;
        double truth;
    } exact[] = {{"noAnswerTimeout", 20},  {"busyTime", 5},         {"invalidTime", 4},
                 {"machineHandleTime", 8}, {"abandonThreshold", 2}, {"agents", 20}};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        cx_truth_exact(&t, cx_json_at(model, exact[i].path), exact[i].path, exact[i].truth);
    printf("    %d of %d intervals missed so far, %d far off; %d exact values wrong\n",
           t.n - t.inside, t.n, t.far, t.wrong);
    *tp = t;
}

static cJSON *load(const char *path)
{
    cx_error err = {0};
    cJSON *j = cx_json_load_file(path, &err);
    if (!j)
        fprintf(stderr, "%s\n", err.msg);
    return j;
}

static cJSON *load_mapping(void)
{
    char buf[1024];
    return load(cx_test_src(buf, sizeof buf, "optimizer/cxone-mapping.json"));
}

/* Pull, fit, model, gate, on three seeds of the mock: the fitted
 * parameters hold the campaign's truth (15 intervals a seed: a calibrated
 * 95% interval misses 2.25 of 45, 6 or more happen 2.5% of the time; the
 * fixed times, the threshold and the staffing exact), the pull pages,
 * every assumed field is said, no secret is anywhere, and the gate
 * predicts with the fitted model. Then a mapping that reads answering
 * machines as people fails the same check. */
static void test_loop_from_the_mock(void)
{
    cx_truth t = {0};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        ofx f;
        start(&f, true, seed);
        char model[600], report[600];
        snprintf(model, sizeof model, "%s/model.json", f.dir);
        snprintf(report, sizeof report, "%s/report.json", f.dir);
        int rc = calibrate(model, report, (const char *const[]){"--page-size", "2000", NULL});
        printf("\n  mock seed %d:\n%s", (int)seed, out);
        CX_REQUIRE(rc == 0);
        cJSON *m = load(model), *rep = load(report);
        CX_REQUIRE(m && rep);
        /* paged: every record once, in several requests */
        double records = cx_json_at(rep, "source.records")->valuedouble;
        double pages = cx_json_at(rep, "source.pages")->valuedouble;
        CU_ASSERT(records > 10000);
        CX_ASSERT_INT_EQ((long)pages, (long)ceil(records / 2000));
        CX_ASSERT_INT_EQ((long)cx_json_at(rep, "source.totalRecords")->valuedouble, (long)records);
        CX_ASSERT_INT_EQ(ofx_count(&f, "GET", "/inContactAPI/services/v30.0/contacts/completed"),
                         (long)pages);
        CX_ASSERT_INT_EQ((long)cx_json_at(rep, "fit.records")->valuedouble, (long)records);
        /* the assumed fields are said, in the output and the report */
        CX_ASSERT_CONTAINS(out, "assumed: ring <- preQueueSeconds [guess]");
        CX_ASSERT_CONTAINS(out, "assumed: outcome <- primaryDispositionId");
        CU_ASSERT(cJSON_GetArraySize(cx_json_at(rep, "source.assumed")) == 2);
        CU_ASSERT(cJSON_IsFalse(cx_json_at(rep, "fit.amd.identifiable")) ||
                  !cx_json_at(rep, "fit.amd.detection"));
        against_truth(&t, m, rep);
        /* no secret in the output, the model or the report */
        char *mt = cJSON_PrintUnformatted(m), *rt = cJSON_PrintUnformatted(rep);
        const char *secrets[] = {MOCK_DEFAULT_CLIENT_SECRET, MOCK_DEFAULT_ACCESS_KEY_SECRET,
                                 "mock%2Baccess", "Bearer"};
        for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
            CU_ASSERT(strstr(out, secrets[i]) == NULL);
            CU_ASSERT(strstr(mt, secrets[i]) == NULL);
            CU_ASSERT(strstr(rt, secrets[i]) == NULL);
        }
        free(mt);
        free(rt);
        cJSON_Delete(rep);
        if (seed > 1) {
            cJSON_Delete(m);
            stop(&f);
            continue;
        }
        /* the gate predicts with it */
        char target[600], audit[600];
        write_file("target.json", "{\"abandonRate\":0.021}", target, sizeof target);
        snprintf(audit, sizeof audit, "%s/audit.jsonl", f.dir);
        rc = run((char *const[]){"cxopt", "apply", "--target", target, "--dry-run", "--json",
                                 "--model", model, "--audit", audit,
                                 "--predict-max-replications", "16", NULL},
                 cx_env, out, sizeof out);
        cJSON *dec = cJSON_Parse(out);
        if (!dec)
            printf("%s\n", out);
        CX_REQUIRE(dec != NULL);
        const cJSON *pm = cx_json_at(dec, "prediction.model");
        printf("    the gate on the fitted model: %s, %s\n",
               cx_json_at(dec, "compliance.verdict")->valuestring,
               cJSON_IsString(pm) ? pm->valuestring : "");
        CX_ASSERT_CONTAINS(cJSON_IsString(pm) ? pm->valuestring : "", "campaign model, 20 agents");
        const char *verdict = cx_json_at(dec, "compliance.verdict")->valuestring;
        CX_ASSERT_INT_EQ(rc, strcmp(verdict, "refused") == 0);
        cJSON_Delete(dec);

        /* A mapping that reads answering machines (19) as people fails the
         * same check: the check can fail. */
        char bad[600], bad_model[600];
        cJSON *mapping = load_mapping();
        CX_REQUIRE(mapping != NULL);
        cJSON *vals = (cJSON *)cx_json_at(mapping, "records.outcomeValues");
        cJSON_ReplaceItemInObject(vals, "19", cJSON_CreateString("live"));
        char *mt2 = cJSON_Print(mapping);
        write_file("broken-mapping.json", mt2, bad, sizeof bad);
        free(mt2);
        cJSON_Delete(mapping);
        snprintf(bad_model, sizeof bad_model, "%s/broken-model.json", f.dir);
        snprintf(report, sizeof report, "%s/broken-report.json", f.dir);
        CX_REQUIRE(calibrate(bad_model, report, (const char *const[]){"--mapping", bad, NULL}) ==
                   0);
        cJSON *bm = load(bad_model), *brep = load(report);
        CX_REQUIRE(bm && brep);
        printf("  with answering machines mapped to people:\n");
        cx_truth bt = {0};
        against_truth(&bt, bm, brep);
        CU_ASSERT(bt.n - bt.inside > 5 && bt.far > 0 && bt.wrong > 0);
        cJSON_Delete(bm);
        cJSON_Delete(brep);
        cJSON_Delete(m);
        stop(&f);
    }
    printf("  all seeds: %d of %d intervals missed, %d far off; %d exact values wrong\n",
           t.n - t.inside, t.n, t.far, t.wrong);
    CX_ASSERT_INT_EQ(t.n, 45);
    CX_ASSERT_LE(t.n - t.inside, 5);
    CX_ASSERT_INT_EQ(t.far, 0);
    CX_ASSERT_INT_EQ(t.wrong, 0);
}

/* A record the mapping cannot read is named (request, record, field, the
 * column it maps to), exit 1, and the model file already there is left as
 * it was; a mapping without "records" and bad arguments are usage errors. */
static void test_bad_input_named(void)
{
    ofx f;
    start(&f, true, 1);
    char model[600], map[600];
    write_file("model.json", "{\"agents\":7}\n", model, sizeof model);
    cJSON *mapping = load_mapping();
    CX_REQUIRE(mapping != NULL);
    cJSON *talk = (cJSON *)cx_json_at(mapping, "records.columns.talk");
    cJSON_ReplaceItemInObject(talk, "field", cJSON_CreateString("contactStartDate"));
    char *text = cJSON_Print(mapping);
    write_file("talk-is-a-date.json", text, map, sizeof map);
    free(text);
    int rc = calibrate(model, NULL, (const char *const[]){"--mapping", map, NULL});
    printf("\n    %s", out);
    CX_ASSERT_INT_EQ(rc, 1);
    CX_ASSERT_CONTAINS(out, "GET /contacts/completed?startDate=2026-11-24T06:00:00.000Z");
    CX_ASSERT_CONTAINS(out, "completedContacts[0].contactStartDate: expected a number of "
                            "seconds >= 0, or none (mapped to the fit's talk)");
    cJSON *kept = load(model);
    CX_REQUIRE(kept != NULL);
    CX_ASSERT_INT_EQ(cx_json_at(kept, "agents")->valueint, 7);
    cJSON_Delete(kept);
    /* a mapping without records */
    cJSON_DeleteItemFromObject(mapping, "records");
    text = cJSON_Print(mapping);
    write_file("no-records.json", text, map, sizeof map);
    free(text);
    cJSON_Delete(mapping);
    CX_ASSERT_INT_EQ(calibrate(model, NULL, (const char *const[]){"--mapping", map, NULL}), 2);
    CX_ASSERT_CONTAINS(out, "no-records.json: the mapping has no \"records\" object");
    /* a misspelt key of the records mapping names its path */
    write_file("typo.json",
               "{\"answerRate\":null,\"abandonRate\":null,\"maxConcurrentCalls\":null,"
               "\"callInterval\":null,\"strategy\":null,\"warmUpPeriod\":null,"
               "\"records\":{\"columns\":{},\"outcomeValues\":{},\"outcomeConfidence\":\"maybe\"}}",
               map, sizeof map);
    CX_ASSERT_INT_EQ(calibrate(model, NULL, (const char *const[]){"--mapping", map, NULL}), 2);
    CX_ASSERT_CONTAINS(out, "typo.json: records.outcomeConfidence");
    /* arguments */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "calibrate", "--since", "yesterday", "--out",
                                         model, NULL},
                         cx_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "--since: expected YYYY-MM-DD or an RFC 3339 time");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "calibrate", "--since", "2026-11-23", NULL},
                         cx_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "calibrate needs --since DATE and --out MODEL.json");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "calibrate", "--profile", "seed", "--since",
                                         "2026-11-23", "--out", model, NULL},
                         cx_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "it needs the cxone profile");
    /* an output that cannot be written is refused before the pull */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "calibrate", "--since", "2026-11-24", "--out",
                                         "/nonexistent-dir/model.json", NULL},
                         cx_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "--out: cannot write in /nonexistent-dir/");
    kept = load(model);
    CX_REQUIRE(kept != NULL);
    CX_ASSERT_INT_EQ(cx_json_at(kept, "agents")->valueint, 7);
    cJSON_Delete(kept);
    stop(&f);
}

/* 429s with Retry-After on the records are waited out (the pull then
 * completes); one whose Retry-After lands past the deadline ends it at
 * once, naming the request, and nothing is written. */
static void test_rate_limited(void)
{
    ofx f;
    start(&f, true, 1);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/inContactAPI/services/*/"
                   "contacts/completed\",\"status\":429,\"headers\":{\"Retry-After\":1},"
                   "\"after\":1,\"times\":2}]}");
    char model[600], report[600];
    snprintf(model, sizeof model, "%s/model.json", f.dir);
    snprintf(report, sizeof report, "%s/report.json", f.dir);
    int rc = calibrate(model, report, NULL);
    if (rc != 0)
        printf("\n%s", out);
    CX_ASSERT_INT_EQ(rc, 0);
    int gets = ofx_count(&f, "GET", "/inContactAPI/services/v30.0/contacts/completed");
    cJSON *m = load(model), *rep = load(report);
    CX_REQUIRE(m && rep);
    int pages = cx_json_at(rep, "source.pages")->valueint;
    printf("\n    %d requests for %d pages of records, two of them answered 429\n", gets, pages);
    CX_ASSERT_INT_EQ(gets, pages + 2);
    CU_ASSERT(pages > 2);
    cJSON_Delete(m);
    cJSON_Delete(rep);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("DELETE", ofx_url(&f, "/__admin/faults"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/inContactAPI/services/*/"
                   "contacts/completed\",\"status\":429,\"headers\":{\"Retry-After\":3600}}]}");
    char late[600];
    snprintf(late, sizeof late, "%s/late.json", f.dir);
    rc = calibrate(late, NULL, (const char *const[]){"--retry-deadline", "30", NULL});
    printf("    %s", out);
    CX_ASSERT_INT_EQ(rc, 1);
    CX_ASSERT_CONTAINS(out, "calibrate: gave up after 1 attempts: waiting 3600.0 s more would "
                            "pass the 30 s deadline: GET /contacts/completed");
    struct stat st;
    CU_ASSERT(stat(late, &st) != 0);
    stop(&f);
}

/* The gate predicts with the model it is given. The predictive dialer
 * holds its abandon setting in its ACD's book, so the same step (the
 * setting from 2.5% to 2.8%, on the same state) is compliant on a campaign
 * without AMD and refused on one whose AMD hangs up on 3% of the people who
 * answer (abandoned in truth, unseen by the ACD: what `dialsim fit` finds in
 * records that carry the truth); and the predicted rate rises with the
 * model's live-answer rate (20% -> 45%, beyond both intervals). The
 * prediction says which model and live-answer rate it ran. (No stats: the
 * campaign is not simulated, so the model's own live-answer rate is used.) */
static void test_gate_follows_the_model(void)
{
    ofx f;
    mock_options mo;
    mock_options_default(&mo);
    mock_campaign_def def = {.id = MOCK_DEFAULT_CAMPAIGN}; /* not simulated: no stats */
    mo.campaigns = &def;
    mo.n_campaigns = 1;
    cli_start(&f, &mo);
    char target[600], paths[3][600], audit[600];
    write_file("step.json", "{\"abandonRate\":0.028}", target, sizeof target);
#define M(p, amd)                                                                              \
    "{\"agents\":20,\"liveAnswerProbability\":" p ",\"machineProbability\":0.25," amd         \
    "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},\"wrapTime\":15}"
    write_file("low.json", M("0.2", ""), paths[0], sizeof paths[0]);
    write_file("amd.json", M("0.2", "\"amd\":{\"detection\":0.85,\"falsePositive\":0.03},"),
               paths[1], sizeof paths[1]);
    write_file("high.json", M("0.45", ""), paths[2], sizeof paths[2]);
#undef M
    snprintf(audit, sizeof audit, "%s/audit.jsonl", f.dir);
    const char *want[3] = {"compliant", "refused", NULL};
    const double p_live[3] = {0.2, 0.2, 0.45};
    double mean[3], upper[3];
    printf("\n");
    for (int i = 0; i < 3; i++) {
        int rc = run((char *const[]){"cxopt", "apply", "--target", target, "--dry-run", "--json",
                                     "--model", paths[i], "--audit", audit,
                                     "--predict-max-replications", "24", NULL},
                     mock_env, out, sizeof out);
        cJSON *dec = cJSON_Parse(out);
        if (!dec)
            printf("%s\n", out);
        CX_REQUIRE(dec != NULL);
        const char *verdict = cx_json_at(dec, "compliance.verdict")->valuestring;
        mean[i] = cx_json_at(dec, "prediction.abandon_rate")->valuedouble;
        upper[i] = cx_json_at(dec, "prediction.abandon_upper95")->valuedouble;
        printf("    %s: %s, predicted %.2f%% (upper %.2f%%)\n", paths[i] + strlen(cx_scratch()) + 1,
               verdict, 100 * mean[i], 100 * upper[i]);
        if (want[i]) {
            CX_ASSERT_STR_EQ(verdict, want[i]);
            CX_ASSERT_INT_EQ(rc, strcmp(want[i], "refused") == 0);
        }
        CX_ASSERT_NEAR(cx_json_at(dec, "prediction.live_probability")->valuedouble, p_live[i],
                       1e-9);
        CX_ASSERT_CONTAINS(cx_json_at(dec, "prediction.model")->valuestring, "campaign model");
        cJSON_Delete(dec);
    }
    /* more live answers, more abandons: beyond both half-widths */
    CX_ASSERT_GE(mean[2] - mean[0], (upper[2] - mean[2]) + (upper[0] - mean[0]));
    ofx_stop(&f);
}

/* `cxopt run --model` gives the scenario's optimizer (its policy and its
 * gate) the model instead of the scenario's campaign, which the mock still
 * simulates: told that AMD hangs up on 5% of the people who answer (each
 * abandoned in truth), the adaptive policy steers the dialer's abandon
 * target far lower on baseline-20 than with the campaign's own model: the
 * campaign's worst window and occupancy come out lower (the wrong model's
 * run may miss the scenario's occupancy expectation: exit 0 or 1); a model
 * file that does not parse is refused before any run. */
static void test_run_uses_the_model(void)
{
    char fp[600], bad[600], scenario[1024];
    write_file("fp.json",
               "{\"agents\":20,\"liveAnswerProbability\":0.2,\"machineProbability\":0.25,"
               "\"amd\":{\"detection\":0.85,\"falsePositive\":0.05},"
               "\"talkTime\":{\"dist\":\"gamma\",\"mean\":120,\"sd\":60},\"wrapTime\":15}",
               fp, sizeof fp);
    write_file("bad-model.json", "{\"agents\":-1}", bad, sizeof bad);
    cx_test_src(scenario, sizeof scenario, "scenarios/baseline-20.json");
    double window[2], occupancy[2];
    for (int i = 0; i < 2; i++) {
        char *args[] = {"cxopt", "run", scenario, "--json", "--quiet", "--model", fp, NULL};
        if (i == 0)
            args[5] = NULL;
        int rc = run(args, NULL, out, sizeof out);
        if (i == 0)
            CX_ASSERT_INT_EQ(rc, 0);
        else
            CU_ASSERT(rc == 0 || rc == 1);
        cJSON *j = cJSON_Parse(out);
        CX_REQUIRE(cJSON_GetArraySize(j) == 1);
        window[i] = cx_json_at(cJSON_GetArrayItem(j, 0), "maxWindowAbandonRate")->valuedouble;
        occupancy[i] = cx_json_at(cJSON_GetArrayItem(j, 0), "occupancy")->valuedouble;
        cJSON_Delete(j);
    }
    printf("\n    baseline-20: worst window %.2f%%, occupancy %.1f%% on the campaign's model; "
           "%.2f%%, %.1f%% on one with 5%% AMD false positives\n",
           100 * window[0], 100 * occupancy[0], 100 * window[1], 100 * occupancy[1]);
    CX_ASSERT_GE(window[0] - window[1], 0.005); /* half a point: not noise */
    CX_ASSERT_GE(occupancy[0] - occupancy[1], 0.02);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "run", scenario, "--model", bad, NULL}, NULL,
                         out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "bad-model.json: agents: must be a whole number");
}

/* How the pull ends, on pages a server shapes (fault rules answering in
 * its place): a page shorter than asked, with a next link and no count, is
 * not the last (the next one, empty, is); a server that ignores skip (the
 * same first contact again) is refused rather than pulled for ever. */
static void test_paging_ends(void)
{
    ofx f;
    start(&f, true, 1);
#define PAGE(id, links)                                                                        \
    "{\"_links\":" links ",\"completedContacts\":["                                            \
    "{\"contactId\":" id ",\"isOutbound\":true,\"contactStartDate\":\"2026-11-24T06:00:01Z\"," \
    "\"primaryDispositionId\":1,\"preQueueSeconds\":7,\"inQueueSeconds\":0.5,"                \
    "\"abandoned\":false,\"agentSeconds\":90,\"acwSeconds\":10,\"agentId\":7},"              \
    "{\"contactId\":" id "1,\"contactStartDate\":\"2026-11-24T06:00:02Z\","                   \
    "\"primaryDispositionId\":20,\"preQueueSeconds\":25}]}"
#define RULE "{\"method\":\"GET\",\"path\":\"/inContactAPI/services/*/contacts/completed\","
    char model[600], report[600];
    snprintf(model, sizeof model, "%s/model.json", f.dir);
    snprintf(report, sizeof report, "%s/report.json", f.dir);
    /* two short pages with next links, then an empty one */
    ofx_faults(&f, "{\"faults\":[" RULE "\"status\":200,\"times\":1,\"body\":" PAGE(
                       "5", "{\"next\":\"more\"}") "}," RULE
                   "\"status\":200,\"times\":1,\"body\":" PAGE(
                       "6", "{\"next\":\"more\"}") "}," RULE
                   "\"status\":200,\"body\":{\"completedContacts\":[]}}]}");
    int rc = calibrate(model, report, NULL);
    if (rc != 0)
        printf("\n%s", out);
    CX_ASSERT_INT_EQ(rc, 0);
    cJSON *rep = load(report);
    CX_REQUIRE(rep != NULL);
    CX_ASSERT_INT_EQ(cx_json_at(rep, "source.pages")->valueint, 2);
    CX_ASSERT_INT_EQ(cx_json_at(rep, "source.records")->valueint, 4);
    CX_ASSERT_INT_EQ(ofx_count(&f, "GET", "/inContactAPI/services/v30.0/contacts/completed"), 3);
    cJSON_Delete(rep);
    /* a server that ignores skip */
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("DELETE", ofx_url(&f, "/__admin/faults"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    ofx_faults(&f, "{\"faults\":[" RULE "\"status\":200,\"body\":" PAGE(
                       "5", "{\"next\":\"more\"}") "}]}");
    char stuck[600];
    snprintf(stuck, sizeof stuck, "%s/stuck.json", f.dir);
    CX_ASSERT_INT_EQ(calibrate(stuck, NULL, NULL), 1);
    printf("\n    %s", out);
    CX_ASSERT_CONTAINS(out, "skip=2: the page starts with contact 5 again: the server ignores "
                            "skip");
    struct stat st;
    CU_ASSERT(stat(stuck, &st) != 0);
#undef PAGE
#undef RULE
    stop(&f);
}

static const cx_test_case cases[] = {
    {"loop_from_the_mock", test_loop_from_the_mock},
    {"bad_input_named", test_bad_input_named},
    {"rate_limited", test_rate_limited},
    {"paging_ends", test_paging_ends},
    {"gate_follows_the_model", test_gate_follows_the_model},
    {"run_uses_the_model", test_run_uses_the_model},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("calibrate"); }

static const cx_test_suite suites[] = {
    {"calibrate", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
