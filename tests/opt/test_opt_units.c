/* test_opt_units.c - validation, ramps, retry timing rules, ids, signatures,
 * the audit file: the optimizer's pieces that need no server. */
#include "cxopt.h"
#include "cxtest.h"
#include "dialsim_fit.h"
#include "opt_audit.h"
#include "opt_internal.h"
#include "opt_id.h"
#include "opt_retry.h"
#include "opt_sign.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* fsync, counted: this definition stands in for libc's for the whole test
 * program (the optimizer library is linked in statically), still syncs
 * through the system call, and counts the calls made on the file whose
 * inode is watched. A log that writes without syncing would survive a test
 * that only kills processes; this sees the sync itself. */
static ino_t fsync_watch;
static int fsync_seen;

int fsync(int fd)
{
    struct stat st;
    if (fsync_watch && fstat(fd, &st) == 0 && st.st_ino == fsync_watch)
        fsync_seen++;
    return (int)syscall(SYS_fsync, fd);
}

/* The seed's own example: 0.72 -> 0.85, 80 -> 100 calls, 120 -> 100 ms. */
static opt_params seed_target(void)
{
    opt_params t = opt_params_seed();
    t.answer_rate = 0.85;
    t.abandon_rate = 0.020;
    t.max_concurrent_calls = 100;
    t.call_interval_ms = 100;
    return t;
}

static const opt_violation *find(const opt_validation *v, const char *field)
{
    for (int i = 0; i < v->count; i++)
        if (strcmp(v->v[i].field, field) == 0)
            return &v->v[i];
    return NULL;
}

static void test_seed_example_breaks_delta(void)
{
    opt_params cur = opt_params_seed(), t = seed_target();
    opt_constraints c = opt_constraints_seed();
    opt_validation v;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_validate(&t, NULL, &c, 0.03, &v, &err), OPT_OK);
    CX_ASSERT_INT_EQ(opt_validate(&t, &cur, &c, 0.03, &v, &err), OPT_EVALIDATION);
    CX_ASSERT_INT_EQ(v.count, 3);
    CU_ASSERT(v.delta_only);
    const opt_violation *ar = find(&v, "answerRate");
    CX_REQUIRE(ar != NULL);
    CX_ASSERT_STR_EQ(ar->msg, "0.85 is 0.13 from the current 0.72; the largest step allowed is 0.1");
    const opt_violation *mc = find(&v, "maxConcurrentCalls");
    CX_REQUIRE(mc != NULL);
    CX_ASSERT_STR_EQ(mc->msg, "100 is 25.0% from the current 80; the largest step allowed is "
                              "10.0% (72..88)");
    const opt_violation *ci = find(&v, "callInterval");
    CX_REQUIRE(ci != NULL);
    CX_ASSERT_CONTAINS(ci->msg, "100 ms is 16.7% from the current 120 ms");
    CX_ASSERT_CONTAINS(err.msg, "answerRate: 0.85 is 0.13 from the current 0.72");
}

static void test_bounds_every_field(void)
{
    opt_params t = {.answer_rate = 0.04,
                    .abandon_rate = 0.031,
                    .max_concurrent_calls = 151,
                    .call_interval_ms = 49,
                    .strategy = OPT_STRATEGY_POWER,
                    .warm_up_s = 4000};
    opt_constraints c = opt_constraints_seed();
    c.strategies &= ~(1u << OPT_STRATEGY_POWER);
    opt_validation v;
    CX_ASSERT_INT_EQ(opt_validate(&t, NULL, &c, 0.03, &v, NULL), OPT_EVALIDATION);
    CX_ASSERT_INT_EQ(v.count, 6);
    CU_ASSERT(!v.delta_only);
    CX_ASSERT_STR_EQ(find(&v, "answerRate")->msg, "0.04 is outside [0.05, 0.95]");
    CX_ASSERT_STR_EQ(find(&v, "abandonRate")->msg,
                     "0.031 is outside [0, 0.03] (the regulatory limit)");
    CX_ASSERT_STR_EQ(find(&v, "maxConcurrentCalls")->msg, "151 is outside [5, 150]");
    CX_ASSERT_STR_EQ(find(&v, "callInterval")->msg, "49 ms is outside [50, 500] ms");
    CX_ASSERT_STR_EQ(find(&v, "strategy")->msg,
                     "power is not allowed (allowed: predictive, progressive, preview)");
    CX_ASSERT_STR_EQ(find(&v, "warmUpPeriod")->msg, "4000 s is outside [0, 3600] s");
    /* The seed hard-coded 0.50 as the answer-rate floor; the constraints say 0.05. */
    t = opt_params_seed();
    t.answer_rate = 0.45;
    c = opt_constraints_seed();
    CX_ASSERT_INT_EQ(opt_validate(&t, NULL, &c, 0.03, &v, NULL), OPT_OK);
    /* A stricter regulator wins over the constraints. */
    t.abandon_rate = 0.025;
    CX_ASSERT_INT_EQ(opt_validate(&t, NULL, &c, 0.02, &v, NULL),
                     OPT_EVALIDATION);
}

static void test_ramp_seed_example(void)
{
    opt_params cur = opt_params_seed(), t = seed_target(), steps[16];
    opt_constraints c = opt_constraints_seed();
    int n = 0;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_plan_ramp(&cur, &t, &c, 0.03, steps, 16, &n, &err), OPT_OK);
    CX_ASSERT_INT_EQ(n, 3);
    CX_ASSERT_NEAR(steps[0].answer_rate, 0.82, 1e-9);
    CX_ASSERT_INT_EQ(steps[0].max_concurrent_calls, 88);
    CX_ASSERT_INT_EQ(steps[0].call_interval_ms, 108);
    CX_ASSERT_INT_EQ(steps[1].max_concurrent_calls, 96);
    CX_ASSERT_INT_EQ(steps[1].call_interval_ms, 100);
    CU_ASSERT(opt_params_equal(&steps[2], &t));
    opt_params prev = cur;
    for (int i = 0; i < n; i++) {
        CX_ASSERT_INT_EQ(opt_validate(&steps[i], &prev, &c, 0.03, NULL, &err), OPT_OK);
        prev = steps[i];
    }
    CX_ASSERT_INT_EQ(opt_plan_ramp(&cur, &t, &c, 0.03, steps, 2, &n, &err), OPT_EVALIDATION);
    CX_ASSERT_CONTAINS(err.msg, "more than 2 steps");
    t.answer_rate = 0.99; /* out of bounds: no ramp can reach it */
    CX_ASSERT_INT_EQ(opt_plan_ramp(&cur, &t, &c, 0.03, steps, 16, &n, &err), OPT_EVALIDATION);
    CX_ASSERT_CONTAINS(err.msg, "answerRate: 0.99 is outside");
    CX_ASSERT_INT_EQ(opt_plan_ramp(&cur, &cur, &c, 0.03, steps, 16, &n, &err), OPT_OK);
    CX_ASSERT_INT_EQ(n, 0);
}

static void test_dials_harder(void)
{
    opt_params cur = opt_params_seed(), t = cur;
    CU_ASSERT(!opt_dials_harder(&cur, &t));
    t.answer_rate = 0.70;
    CU_ASSERT(opt_dials_harder(&cur, &t));
    t = cur;
    t.answer_rate = 0.75;
    t.max_concurrent_calls = 70;
    CU_ASSERT(!opt_dials_harder(&cur, &t));
    t = cur;
    t.call_interval_ms = 110;
    CU_ASSERT(opt_dials_harder(&cur, &t));
    t = cur;
    t.strategy = OPT_STRATEGY_PROGRESSIVE;
    CU_ASSERT(!opt_dials_harder(&cur, &t));
    CU_ASSERT(opt_dials_harder(&t, &cur));
}

static cJSON *parse(const char *s)
{
    cJSON *j = cJSON_Parse(s);
    CX_REQUIRE(j != NULL);
    return j;
}

static void test_params_json(void)
{
    cx_error err = {0};
    opt_params p = opt_params_seed();
    cJSON *j = parse("{\"answerRate\":0.8,\"strategy\":\"power\"}");
    CX_ASSERT_INT_EQ(opt_params_from_json(j, "t.json", "target", true, &p, &err), OPT_OK);
    CX_ASSERT_NEAR(p.answer_rate, 0.8, 0);
    CX_ASSERT_INT_EQ(p.strategy, OPT_STRATEGY_POWER);
    CX_ASSERT_INT_EQ(p.max_concurrent_calls, 80);
    CX_ASSERT_INT_EQ(opt_params_from_json(j, "t.json", "target", false, &p, &err), OPT_EINVAL);
    CX_ASSERT_STR_EQ(err.msg, "t.json: target.abandonRate: required key is missing");
    cJSON_Delete(j);
    j = parse("{\"answerRate\":\"0.8\"}");
    CX_ASSERT_INT_EQ(opt_params_from_json(j, "t.json", "", true, &p, &err), OPT_EINVAL);
    CX_ASSERT_STR_EQ(err.msg, "t.json: answerRate: expected a number, got a string");
    cJSON_Delete(j);
    j = parse("{\"answerRate\":0.8,\"maxCalls\":3}");
    CX_ASSERT_INT_EQ(opt_params_from_json(j, "t.json", "", true, &p, &err), OPT_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "t.json: maxCalls: unknown key");
    cJSON_Delete(j);
    p = seed_target();
    j = opt_params_to_json(&p);
    char *s = cJSON_PrintUnformatted(j);
    CX_ASSERT_STR_EQ(s, "{\"answerRate\":0.85,\"abandonRate\":0.02,\"maxConcurrentCalls\":100,"
                        "\"callInterval\":100,\"strategy\":\"predictive\",\"warmUpPeriod\":30}");
    free(s);
    opt_params back = opt_params_seed();
    CX_ASSERT_INT_EQ(opt_params_from_json(j, "", "", false, &back, &err), OPT_OK);
    CU_ASSERT(opt_params_equal(&back, &p));
    cJSON_Delete(j);
}

static void test_constraints_file(void)
{
    char *dir = cx_test_tmpdir("constraints");
    CX_REQUIRE(dir != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/c.json", dir);
    FILE *f = fopen(path, "w");
    CX_REQUIRE(f != NULL);
    fputs("{\"maxAdjustmentDelta\":0.2,\"strategies\":[\"predictive\",\"bogus\"]}", f);
    fclose(f);
    opt_constraints c = opt_constraints_seed();
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_constraints_load(path, &c, &err), OPT_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "c.json: strategies[1]: expected one of");
    CX_ASSERT_NEAR(c.max_adjustment_delta, 0.10, 0); /* untouched on failure */
    f = fopen(path, "w");
    fputs("{\"maxAdjustmentDelta\":0.2,\"minCallInterval\":600}", f);
    fclose(f);
    CX_ASSERT_INT_EQ(opt_constraints_load(path, &c, &err), OPT_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "c.json: minCallInterval: 600 is above maxCallInterval 500");
    f = fopen(path, "w");
    fputs("{\"maxAdjustmentDelta\":0.2,\"strategies\":[\"progressive\"]}", f);
    fclose(f);
    CX_ASSERT_INT_EQ(opt_constraints_load(path, &c, &err), OPT_OK);
    CX_ASSERT_NEAR(c.max_adjustment_delta, 0.2, 0);
    CX_ASSERT_INT_EQ(c.strategies, 1u << OPT_STRATEGY_PROGRESSIVE);
    CX_ASSERT_INT_EQ(c.max_concurrent_calls, 150);
    cx_test_rmtree(dir);
    free(dir);
}

static void test_retry_after_forms(void)
{
    double d = -1, now = 784111777.0; /* Sun, 06 Nov 1994 08:49:37 GMT */
    CX_ASSERT_INT_EQ(opt__retry_after_parse("120", now, &d), 0);
    CX_ASSERT_NEAR(d, 120, 0);
    CX_ASSERT_INT_EQ(opt__retry_after_parse(" 0 ", now, &d), 0);
    CX_ASSERT_NEAR(d, 0, 0);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sun, 06 Nov 1994 08:49:47 GMT", now, &d), 0);
    CX_ASSERT_NEAR(d, 10, 0);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sunday, 06-Nov-94 08:50:37 GMT", now, &d), 0);
    CX_ASSERT_NEAR(d, 60, 0);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sun Nov  6 08:49:39 1994", now, &d), 0);
    CX_ASSERT_NEAR(d, 2, 0);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sun, 06 Nov 1994 08:00:00 GMT", now, &d), 0);
    CX_ASSERT_NEAR(d, 0, 0); /* in the past: go now */
    CX_ASSERT_INT_EQ(opt__retry_after_parse("-5", now, &d), -1);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("1.5", now, &d), -1);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("soon", now, &d), -1);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sun, 06 Foo 1994 08:49:47 GMT", now, &d), -1);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("Sun, 06 Nov 1994 08:49:47 UTC", now, &d), -1);
    CX_ASSERT_INT_EQ(opt__retry_after_parse("", now, &d), -1);
}

static void test_backoff_full_jitter(void)
{
    opt_retry_policy p = opt_retry_default();
    CX_ASSERT_NEAR(opt__backoff_delay(&p, 0, 0.999999), 0.5, 1e-5);
    CX_ASSERT_NEAR(opt__backoff_delay(&p, 3, 0.5), 2.0, 1e-9);
    CX_ASSERT_NEAR(opt__backoff_delay(&p, 20, 1.0), 30.0, 1e-9); /* capped */
    CX_ASSERT_NEAR(opt__backoff_delay(&p, 2, 0.0), 0.0, 0);
    uint64_t rng = 42;
    double lo = 1, hi = 0;
    for (int i = 0; i < 10000; i++) {
        double u = opt__rand01(&rng);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    CX_ASSERT_LE(lo, 0.01);
    CX_ASSERT_GE(hi, 0.99);
    CU_ASSERT(hi < 1.0 && lo >= 0.0);
}

struct script {
    int calls;
    opt__verdict verdicts[8];
    double after[8];
};

static opt__verdict scripted(void *ud, int attempt, double *retry_after)
{
    struct script *s = ud;
    CX_ASSERT_INT_EQ(attempt, s->calls + 1);
    int i = s->calls++;
    *retry_after = s->after[i];
    return s->verdicts[i];
}

static void test_retry_loop_virtual_time(void)
{
    cx_clock *clk = cx_clock_virtual_create(1000);
    opt_retry_policy p = opt_retry_default();
    uint64_t rng = 7;
    opt__retry_log log;
    struct script s = {0, {OPT__RETRY_AFTER, OPT__RETRY_BACKOFF, OPT__DONE}, {7, 0, 0}};
    CX_ASSERT_INT_EQ(opt__retry_run(&p, clk, &rng, scripted, &s, &log), OPT__DONE);
    CX_ASSERT_INT_EQ(log.attempts, 3);
    CU_ASSERT(!log.gave_up);
    /* 7 s as asked, then at most base * 2^1 = 1 s of jitter. */
    CU_ASSERT(log.waited_s >= 7.0 && log.waited_s <= 8.0);
    CX_ASSERT_NEAR(cx_clock_now(clk), 1000 + log.waited_s, 1e-9);

    struct script all_fail = {0, {OPT__RETRY_BACKOFF, OPT__RETRY_BACKOFF, OPT__RETRY_BACKOFF,
                                  OPT__RETRY_BACKOFF, OPT__RETRY_BACKOFF}, {0}};
    CX_ASSERT_INT_EQ(opt__retry_run(&p, clk, &rng, scripted, &all_fail, &log), OPT__RETRY_BACKOFF);
    CX_ASSERT_INT_EQ(all_fail.calls, 4);
    CU_ASSERT(log.gave_up);
    CX_ASSERT_STR_EQ(log.why, "gave up after 4 attempts");

    struct script too_long = {0, {OPT__RETRY_AFTER, OPT__DONE}, {500, 0}};
    double before = cx_clock_now(clk);
    CX_ASSERT_INT_EQ(opt__retry_run(&p, clk, &rng, scripted, &too_long, &log), OPT__RETRY_AFTER);
    CX_ASSERT_INT_EQ(too_long.calls, 1);
    CX_ASSERT_CONTAINS(log.why, "would pass the 120 s deadline");
    CX_ASSERT_NEAR(cx_clock_now(clk), before, 0); /* did not sleep in vain */
    cx_clock_destroy(clk);
}

static void test_uuid4(void)
{
    char a[OPT_UUID_LEN], b[OPT_UUID_LEN];
    CX_ASSERT_INT_EQ(opt__uuid4(a), 0);
    CX_ASSERT_INT_EQ(opt__uuid4(b), 0);
    CX_ASSERT_INT_EQ(strlen(a), 36);
    CU_ASSERT(a[14] == '4');
    CU_ASSERT(strchr("89ab", a[19]) != NULL);
    CU_ASSERT(strcmp(a, b) != 0);
}

static void test_signature_vector(void)
{
    /* The Standard Webhooks reference test vector. */
    const char *body = "{\"test\": 2432232314}";
    char sig[OPT_SIGNATURE_LEN];
    CX_ASSERT_INT_EQ(opt__webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                       "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                                       strlen(body), sig),
                     0);
    CX_ASSERT_STR_EQ(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    CX_ASSERT_INT_EQ(opt__webhook_verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                         "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                                         strlen(body), "v1,bogus v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                     1);
    CX_ASSERT_INT_EQ(opt__webhook_verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                         "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body,
                                         strlen(body), sig),
                     0);
    CX_ASSERT_INT_EQ(opt__webhook_sign("whsec_!!!", "id", 1, "", 0, sig), -1);
    CX_ASSERT_INT_EQ(opt__webhook_sign("plain secret", "id", 1, "x", 1, sig), 0);
    CX_ASSERT_INT_EQ(opt__webhook_verify("plain secret", "id", 1, "x", 1, sig), 1);
}

static void test_audit_lines(void)
{
    char *dir = cx_test_tmpdir("audit");
    CX_REQUIRE(dir != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/sub/dir/audit.jsonl", dir);
    opt__audit *a = NULL;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt__audit_open(path, &a, &err), OPT_OK);
    CX_REQUIRE(a != NULL);
    for (int i = 0; i < 3; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "cycle", i);
        cJSON_AddStringToObject(r, "outcome", "applied");
        CX_ASSERT_INT_EQ(opt__audit_append(a, r, &err), OPT_OK);
        cJSON_Delete(r);
    }
    opt__audit_close(a);
    struct stat st;
    CX_ASSERT_INT_EQ(stat(path, &st), 0);
    CX_ASSERT_INT_EQ(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    CX_REQUIRE(f != NULL);
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        cJSON *r = cJSON_Parse(line);
        CX_REQUIRE(r != NULL);
        CX_ASSERT_INT_EQ(cJSON_GetObjectItem(r, "cycle")->valueint, n);
        cJSON_Delete(r);
        CU_ASSERT(line[strlen(line) - 1] == '\n');
        n++;
    }
    fclose(f);
    CX_ASSERT_INT_EQ(n, 3);
    /* Reopening appends rather than truncating, and each record is synced
     * to the disk before the append returns. */
    CX_ASSERT_INT_EQ(opt__audit_open(path, &a, &err), OPT_OK);
    CX_ASSERT_INT_EQ(stat(path, &st), 0);
    fsync_watch = st.st_ino;
    fsync_seen = 0;
    cJSON *r = cJSON_CreateObject();
    CX_ASSERT_INT_EQ(opt__audit_append(a, r, &err), OPT_OK);
    CX_ASSERT_GE(fsync_seen, 1);
    fsync_watch = 0;
    cJSON_Delete(r);
    opt__audit_close(a);
    CX_ASSERT_INT_EQ(stat(path, &st), 0);
    CX_ASSERT_INT_EQ(st.st_size, 3 * (long)strlen("{\"cycle\":0,\"outcome\":\"applied\"}\n") + 3);
    CX_ASSERT_INT_EQ(opt__audit_open("/proc/nope/audit.jsonl", &a, &err), OPT_EIO);
    CX_ASSERT_CONTAINS(err.msg, "audit log /proc/nope/audit.jsonl");
    cx_test_rmtree(dir);
    free(dir);
}


/* An optimizer that never connects (create sends nothing), for the gate. */
static opt_optimizer *gate_optimizer(char **dir, bool predict, bool require_stats)
{
    *dir = cx_test_tmpdir("gate");
    char audit[512];
    snprintf(audit, sizeof audit, "%s/a.jsonl", *dir);
    opt_settings s;
    opt_settings_defaults(&s);
    s.client_id = "id";
    s.client_secret = "secret";
    s.auth_url = "http://127.0.0.1:9/auth";
    s.api_url = "http://127.0.0.1:9";
    s.campaign_id = "c";
    s.audit_path = audit;
    s.predict = predict;
    s.require_stats = require_stats;
    s.predict_hours = 0.5;
    s.predict_replications = 4;
    s.predict_max_replications = 8;
    opt_optimizer *o = NULL;
    cx_error err = {0};
    CX_REQUIRE(opt_optimizer_create(&s, &o, &err) == OPT_OK);
    return o;
}

static void test_harder_fields(void)
{
    opt_params cur = opt_params_seed(), t = cur;
    char buf[96];
    CX_ASSERT_INT_EQ(opt_harder_fields(&cur, &t, buf, sizeof buf), 0);
    CX_ASSERT_STR_EQ(buf, "");
    t.answer_rate = 0.70;            /* lower: harder */
    t.abandon_rate = 0.02;           /* lower: softer */
    t.max_concurrent_calls = 81;     /* higher: harder */
    t.call_interval_ms = 200;        /* longer: softer */
    t.warm_up_s = 10;                /* shorter: harder */
    CX_ASSERT_INT_EQ(opt_harder_fields(&cur, &t, buf, sizeof buf), 3);
    CX_ASSERT_STR_EQ(buf, "answerRate, maxConcurrentCalls, warmUpPeriod");
    t = cur;
    t.strategy = OPT_STRATEGY_PREVIEW;
    CU_ASSERT(!opt_dials_harder(&cur, &t));
    CU_ASSERT(opt_dials_harder(&t, &cur)); /* preview -> predictive */
    CX_ASSERT_INT_EQ(opt_harder_fields(&t, &cur, buf, sizeof buf), 1);
    CX_ASSERT_STR_EQ(buf, "strategy");
}

/* The rule without simulation: retreats, the measured window, the words. */
static void test_gate_rule_measured(void)
{
    CX_ASSERT_NEAR(opt__wilson_upper(30, 1000), 0.0425034, 1e-6);
    char *dir;
    opt_optimizer *o = gate_optimizer(&dir, false, false);
    cx_error err = {0};
    opt_params cur = opt_params_seed(), harder = cur, softer = cur;
    harder.answer_rate = 0.70;
    softer.answer_rate = 0.75;
    opt_compliance c;
    opt_prediction p;
    /* 3.50% over 2000 live answers: measurable and over the limit */
    opt_stats st = {.available = true, .attempts = 4000, .live_answers = 2000, .abandoned = 70};
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "refused");
    CU_ASSERT(!c.allowed && c.measurable && c.over_limit && !p.done);
    CX_ASSERT_CONTAINS(c.reason, "dials harder (answerRate) while the window's abandon rate is "
                                 "3.50% (70 of 2000 live answers), over the 3.00% limit");
    /* a retreat from the same window: allowed, and called remediation */
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &softer, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "remediation");
    CU_ASSERT(c.allowed && !p.done);
    CX_ASSERT_CONTAINS(c.reason, "3.50% (70 of 2000 live answers), over the 3.00% limit");
    /* 2.95% measured: a census, so within (the old Wilson bound, 3.8%, refused it) */
    st.abandoned = 59;
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &softer, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "compliant");
    CX_ASSERT_CONTAINS(c.reason, "2.95% (59 of 2000 live answers), within the limit");
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "compliant");
    /* 1 of 4: not yet measurable; a retreat is labelled by the point rate */
    st = (opt_stats){.available = true, .attempts = 8, .live_answers = 4, .abandoned = 1};
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
    CU_ASSERT(c.allowed && !c.measurable);
    CX_ASSERT_CONTAINS(c.reason, "not yet measurable: 4 live answers");
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &softer, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "remediation");
    /* a target over the limit */
    opt_params over = cur;
    over.abandon_rate = 0.035;
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &over, &st, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "refused");
    CX_ASSERT_CONTAINS(c.reason, "the abandon target 3.50% is over the 3.00% limit");
    opt_optimizer_destroy(o);
    cx_test_rmtree(dir);
    free(dir);
    /* no window stats and they are required: a harder change is refused, a
     * retreat is still allowed */
    o = gate_optimizer(&dir, false, true);
    opt_stats none = {.available = false};
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &none, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "refused");
    CX_ASSERT_CONTAINS(c.reason, "dials harder (answerRate) and compliance not measured: the API "
                                 "reports no window stats, and --require-stats asks for them");
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &softer, &none, &c, &p, &err), OPT_OK);
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "compliant");
    opt_optimizer_destroy(o);
    cx_test_rmtree(dir);
    free(dir);
}

/* The rule with simulation: the projection's arithmetic, and the verdict
 * follows the numbers whatever the simulator predicts. */
static void test_gate_projection(void)
{
    char *dir;
    opt_optimizer *o = gate_optimizer(&dir, true, false);
    cx_error err = {0};
    opt_params cur = opt_params_seed(), harder = cur;
    harder.max_concurrent_calls = 84;
    opt_compliance c;
    opt_prediction p;
    /* a fresh campaign: 0 of 4 live answers; the prediction decides */
    opt_stats st = {.available = true, .window_s = 86400, .covered_s = 60, .attempts = 9,
                    .live_answers = 4, .abandoned = 0, .agents = 20};
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
    CU_ASSERT(p.done && c.projected && !c.measurable);
    CX_ASSERT_NEAR(c.horizon_s, 900, 0);
    CX_ASSERT_NEAR(c.known_live, 4, 1e-9);
    CX_ASSERT_NEAR(c.pred_live, p.live_answers_per_hour * 0.25, 1e-9);
    CX_ASSERT_NEAR(c.pred_abandoned, p.abandon_upper95 * c.pred_live, 1e-9);
    CX_ASSERT_NEAR(c.projected_rate, c.pred_abandoned / (4 + c.pred_live), 1e-12);
    CX_ASSERT_CONTAINS(c.reason, "not yet measurable: 4 live answers");
    bool ok = p.abandon_upper95 <= 0.03 && c.projected_rate <= 0.03;
    CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), ok ? "compliant" : "refused");
    /* a full window at 2.95%: half of it rolls out within H, its live answers
     * go and every abandon stays (the cautious side) */
    st = (opt_stats){.available = true, .window_s = 7200, .covered_s = 7200, .attempts = 40000,
                     .live_answers = 20000, .abandoned = 590, .agents = 20};
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c, &p, &err), OPT_OK);
    CU_ASSERT(c.measurable && !c.over_limit && c.projected);
    CX_ASSERT_NEAR(c.known_live, 20000 * (7200.0 - 900) / 7200, 1e-6);
    CX_ASSERT_NEAR(c.known_abandoned, 590, 0);
    double want = (590 + c.pred_abandoned) / (c.known_live + c.pred_live);
    CX_ASSERT_NEAR(c.projected_rate, want, 1e-12);
    if (p.abandon_upper95 > 0.03) {
        CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "refused");
        CX_ASSERT_CONTAINS(c.reason, "is predicted to abandon up to");
    } else if (want > 0.03) {
        CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "refused");
        CX_ASSERT_CONTAINS(c.reason, "the window projected to now + 15 min is");
    } else {
        CX_ASSERT_STR_EQ(opt_verdict_name(c.verdict), "compliant");
    }
    /* compliant never stands next to a rate over the limit */
    if (c.verdict == OPT_VERDICT_COMPLIANT)
        CU_ASSERT(p.abandon_upper95 <= 0.03 && c.projected_rate <= 0.03 &&
                  c.measured_rate <= 0.03);
    /* the same inputs, the same seed and numbers; another target in the same
     * state, the same random numbers; another state, another seed */
    opt_prediction p2;
    opt_compliance c2;
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &harder, &st, &c2, &p2, &err), OPT_OK);
    CU_ASSERT(p2.seed == p.seed && p2.abandon_mean == p.abandon_mean &&
              p2.replications == p.replications && c2.verdict == c.verdict);
    CU_ASSERT(p.seed_derived);
    CU_ASSERT(p.seed == opt__decision_seed("c", &cur, &st));
    opt_params other = harder;
    other.max_concurrent_calls = 85;
    CX_ASSERT_INT_EQ(opt__gate(o, &cur, &other, &st, &c2, &p2, &err), OPT_OK);
    CU_ASSERT(p2.seed == p.seed);
    opt_stats later = st;
    later.live_answers++;
    CU_ASSERT(opt__decision_seed("c", &cur, &later) != p.seed);
    CU_ASSERT(opt__decision_seed("c", &other, &st) != p.seed);
    CU_ASSERT(opt__decision_seed("c-2", &cur, &st) != p.seed);
    opt_optimizer_destroy(o);
    cx_test_rmtree(dir);
    free(dir);
}

/* Replications go on until the half-width goal or the cap, and say which. */
static void test_prediction_replications(void)
{
    char *dir;
    opt_optimizer *o = gate_optimizer(&dir, true, false);
    cx_error err = {0};
    opt_params cur = opt_params_seed();
    opt_prediction p;
    opt_stats st = {.available = false};
    CX_ASSERT_INT_EQ(opt__predict(o, &cur, &cur, &st, &p, &err), OPT_OK);
    CU_ASSERT(p.done);
    CX_ASSERT_INT_EQ(p.max_replications, 8);
    CX_ASSERT_GE(p.replications, 4);
    CX_ASSERT_LE(p.replications, 8);
    CX_ASSERT_NEAR(p.half_width, p.abandon_upper95 - p.abandon_mean, 1e-12);
    /* the thread count does not change the answer */
    opt_prediction one;
    o->s.predict_threads = 1;
    CX_ASSERT_INT_EQ(opt__predict(o, &cur, &cur, &st, &one, &err), OPT_OK);
    CU_ASSERT(one.seed == p.seed && one.replications == p.replications &&
              one.abandon_mean == p.abandon_mean && one.abandon_upper95 == p.abandon_upper95);
    /* a rising answer rate shows in the last period before the window: the
     * higher of the two bounds is simulated */
    opt_stats drift = {.available = true, .attempts = 4000, .live_answers = 2000,
                       .period_attempts = 400, .period_live_answers = 240, .agents = 20};
    opt_prediction pd;
    CX_ASSERT_INT_EQ(opt__predict(o, &cur, &cur, &drift, &pd, &err), OPT_OK);
    CX_ASSERT_NEAR(pd.live_probability, opt__wilson_upper(240, 400), 1e-6);
    /* more than the model's other outcomes leave room for: the most they
     * leave (0.68 here: machines 0.25, busy 0.03, invalid 0.04), not a failure */
    drift.period_live_answers = 390;
    CX_ASSERT_INT_EQ(opt__predict(o, &cur, &cur, &drift, &pd, &err), OPT_OK);
    CX_ASSERT_NEAR(pd.live_probability, 0.68, 1e-6);
    drift.period_live_answers = 100; /* falling: the window's bound stands */
    CX_ASSERT_INT_EQ(opt__predict(o, &cur, &cur, &drift, &pd, &err), OPT_OK);
    CX_ASSERT_NEAR(pd.live_probability, opt__wilson_upper(2000, 4000), 1e-6);
    /* stopped early only when the goal was met; else at the cap */
    if (p.replications < 8)
        CX_ASSERT_LE(p.half_width, 0.001);
    else
        CU_ASSERT(p.half_width <= 0.001 || p.replications == 8);
    opt_optimizer_destroy(o);
    cx_test_rmtree(dir);
    free(dir);
}

/* The seed's defaults and bounds are written once, in dialsim; what the
 * optimizer calls the seed's must be exactly that, member by member. */
static void test_seed_defaults_from_sim(void)
{
    sim_bounds b = sim_seed_bounds();
    opt_constraints c = opt_constraints_seed();
    CX_ASSERT_NEAR(c.min_answer_rate, b.min_answer_rate, 0);
    CX_ASSERT_NEAR(c.max_answer_rate, b.max_answer_rate, 0);
    CX_ASSERT_NEAR(c.max_abandon_rate, b.max_abandon_rate, 0);
    CX_ASSERT_INT_EQ(c.min_concurrent_calls, b.min_concurrent_calls);
    CX_ASSERT_INT_EQ(c.max_concurrent_calls, b.max_concurrent_calls);
    CX_ASSERT_INT_EQ(c.min_call_interval, b.min_call_interval);
    CX_ASSERT_INT_EQ(c.max_call_interval, b.max_call_interval);
    CX_ASSERT_INT_EQ(c.min_warm_up, b.min_warm_up);
    CX_ASSERT_INT_EQ(c.max_warm_up, b.max_warm_up);
    CX_ASSERT_NEAR(b.min_answer_rate, 0.05, 0); /* real contact rates can be set */
    /* the engine's part goes back out member by member: give each a value
     * of its own so a crossed pair shows */
    c.min_answer_rate = 0.11, c.max_answer_rate = 0.88, c.max_abandon_rate = 0.021;
    c.min_concurrent_calls = 7, c.max_concurrent_calls = 77, c.min_call_interval = 61;
    c.max_call_interval = 444, c.min_warm_up = 3, c.max_warm_up = 333;
    sim_bounds o = opt_constraints_bounds(&c);
    CX_ASSERT_NEAR(o.min_answer_rate, 0.11, 0);
    CX_ASSERT_NEAR(o.max_answer_rate, 0.88, 0);
    CX_ASSERT_NEAR(o.max_abandon_rate, 0.021, 0);
    CX_ASSERT_INT_EQ(o.min_concurrent_calls, 7);
    CX_ASSERT_INT_EQ(o.max_concurrent_calls, 77);
    CX_ASSERT_INT_EQ(o.min_call_interval, 61);
    CX_ASSERT_INT_EQ(o.max_call_interval, 444);
    CX_ASSERT_INT_EQ(o.min_warm_up, 3);
    CX_ASSERT_INT_EQ(o.max_warm_up, 333);

    sim_dialer d = sim_dialer_default();
    opt_params p = opt_params_seed();
    CX_ASSERT_NEAR(p.answer_rate, d.answer_rate, 0);
    CX_ASSERT_NEAR(p.abandon_rate, d.abandon_rate, 0);
    CX_ASSERT_INT_EQ(p.max_concurrent_calls, d.max_concurrent_calls);
    CX_ASSERT_NEAR(p.call_interval_ms, d.call_interval_ms, 0);
    CX_ASSERT_NEAR(p.warm_up_s, d.warm_up_s, 0);
    CX_ASSERT_STR_EQ(opt_strategy_name(p.strategy), sim_strategy_name(d.strategy));
    /* and back, for every strategy the API carries */
    for (int s = 0; s < OPT_STRATEGY_COUNT; s++) {
        opt_params q = {.answer_rate = 0.31, .abandon_rate = 0.012, .max_concurrent_calls = 42,
                        .call_interval_ms = 77, .strategy = (opt_strategy)s, .warm_up_s = 600};
        sim_dialer sd = opt_params_to_sim(&q);
        CX_ASSERT_STR_EQ(sim_strategy_name(sd.strategy), opt_strategy_name(q.strategy));
        opt_params back = opt_params_from_sim(&sd);
        CU_ASSERT(opt_params_equal(&back, &q));
    }
}

static const cx_test_case validate_cases[] = {
    {"seed_example_breaks_delta", test_seed_example_breaks_delta},
    {"bounds_every_field", test_bounds_every_field},
    {"seed_defaults_from_sim", test_seed_defaults_from_sim},
    {"ramp_seed_example", test_ramp_seed_example},
    {"dials_harder", test_dials_harder},
    {"params_json", test_params_json},
    {"constraints_file", test_constraints_file},
    {"harder_fields", test_harder_fields},
    {"gate_rule_measured", test_gate_rule_measured},
    {"gate_projection", test_gate_projection},
    {"prediction_replications", test_prediction_replications},
    {NULL, NULL},
};
static const cx_test_case retry_cases[] = {
    {"retry_after_forms", test_retry_after_forms},
    {"backoff_full_jitter", test_backoff_full_jitter},
    {"retry_loop_virtual_time", test_retry_loop_virtual_time},
    {NULL, NULL},
};
/* The built-in mapping is optimizer/cxone-mapping.json, records included. */
static void test_mapping_file_is_the_default(void)
{
    char path[1024];
    opt__mapping file, builtin;
    cx_error err = {0};
    memset(&file, 0, sizeof file);
    CX_REQUIRE(opt__mapping_load(cx_test_src(path, sizeof path, "optimizer/cxone-mapping.json"),
                                 &file, &err) == OPT_OK);
    opt__mapping_default(&builtin);
    CU_ASSERT(builtin.has_records && file.has_records);
    CU_ASSERT(memcmp(&file, &builtin, sizeof file) == 0);
}

/* One page of completed contacts into the fit. A contact becomes the
 * fit's field texts (mapped fields in the fit's order, a disposition as its
 * outcome, an unlisted one otherOutcome, nulls absent); inbound contacts are
 * left out; the fit judges each record, and a refusal names the record, the
 * field, the column and what was expected: among them the fuzz smoke's four
 * findings (infinite seconds, no start and no hour, a disposition id too
 * large, an empty start), once ruled on by the converter and the fit apart. */
static opt_status add_page(const opt__records_map *m, const char *json, long first, long *rows,
                           long *inbound, cx_error *err)
{
    cJSON *page = cJSON_Parse(json), *map = opt__records_fit_map(m);
    sim_fit *fit = NULL;
    CX_REQUIRE(page && map && sim_fit_create(map, "map", &fit, err) == SIM_OK);
    *rows = *inbound = 0;
    opt_status st = opt__records_add(m, page, first, "GET page", fit, rows, inbound, err);
    sim_fit_destroy(fit);
    cJSON_Delete(map);
    cJSON_Delete(page);
    return st;
}

static void test_records_into_fit(void)
{
    opt__records_map m;
    opt__records_map_default(&m);
    cJSON *rec = cJSON_Parse(
        "{\"contactId\":1,\"isOutbound\":true,\"contactStartDate\":\"2026-11-24T06:00:01Z\","
        "\"primaryDispositionId\":1,\"preQueueSeconds\":7.5,\"inQueueSeconds\":0.2,"
        "\"abandoned\":false,\"agentSeconds\":95,\"acwSeconds\":12,\"agentId\":100003}");
    opt__record r;
    cx_error err = {0};
    CX_REQUIRE(opt__record_text(&m, rec, "GET page", 0, &r, &err) == OPT_OK);
    static const char *const want[OPT__REC_COLUMNS] = {
        "2026-11-24T06:00:01Z", NULL, "live", "7.5", NULL, NULL, "0.2", "false", "95", "12",
        "100003"};
    for (int k = 0; k < OPT__REC_COLUMNS; k++) {
        if (!want[k]) {
            CU_ASSERT_PTR_NULL(r.value[k]);
        } else {
            CX_ASSERT_STR_EQ(r.value[k] ? r.value[k] : "(none)", want[k]);
        }
    }
    cJSON_Delete(rec);
    rec = cJSON_Parse("{\"primaryDispositionId\":\"20\",\"inQueueSeconds\":null}");
    CX_REQUIRE(opt__record_text(&m, rec, "GET page", 0, &r, &err) == OPT_OK);
    CX_ASSERT_STR_EQ(r.value[OPT__REC_OUTCOME], "no-answer");
    CU_ASSERT_PTR_NULL(r.value[OPT__REC_WAIT]);
    CU_ASSERT_PTR_NULL(r.value[OPT__REC_START]);
    cJSON_Delete(rec);

    long rows, inbound;
    CX_REQUIRE(add_page(&m,
                        "[{\"contactId\":1,\"isOutbound\":true,\"contactStartDate\":"
                        "\"2026-11-24T06:00:01Z\",\"primaryDispositionId\":1,\"agentId\":7},"
                        "{\"contactId\":2,\"isOutbound\":false,\"primaryDispositionId\":1},"
                        "{\"contactId\":3,\"contactStartDate\":\"2026-11-24T06:00:02Z\","
                        "\"primaryDispositionId\":\"20\",\"preQueueSeconds\":25,"
                        "\"inQueueSeconds\":null,\"abandoned\":false,\"agentSeconds\":null}]",
                        100, &rows, &inbound, &err) == OPT_OK);
    CX_ASSERT_INT_EQ(rows, 2);
    CX_ASSERT_INT_EQ(inbound, 1);

    static const struct {
        long first;
        const char *page, *msg;
    } refused[] = {
        {7, "[{\"contactStartDate\":\"2026-11-24T06:00:01Z\",\"primaryDispositionId\":15,"
            "\"agentSeconds\":\"95s\"}]",
         "GET page: completedContacts[7].agentSeconds: expected a number of seconds >= 0, "
         "or none (mapped to the fit's talk)"},
        {5, "[{\"contactStartDate\":\"2026-11-24T06:00:01Z\",\"primaryDispositionId\":15},"
            "{\"contactStartDate\":\"2026-11-24T06:00:01Z\",\"primaryDispositionId\":15,"
            "\"acwSeconds\":1e999}]",
         "GET page: completedContacts[6].acwSeconds: expected a number of seconds >= 0, "
         "or none (mapped to the fit's wrap)"},
        /* a record without its start cannot be placed in the day */
        {3, "[{\"primaryDispositionId\":15}]",
         "GET page: completedContacts[3].contactStartDate: expected a start or an hour, found "
         "neither (mapped to the fit's start)"},
        {4, "[{\"contactStartDate\":\"\",\"primaryDispositionId\":15}]",
         "GET page: completedContacts[4].contactStartDate: expected a start or an hour, found "
         "neither (mapped to the fit's start)"},
        {2, "[{\"contactStartDate\":\"yesterday\",\"primaryDispositionId\":15}]",
         "GET page: completedContacts[2].contactStartDate: expected seconds or an RFC 3339 time "
         "(mapped to the fit's start)"},
        {0, "[{\"contactStartDate\":1,\"primaryDispositionId\":1e300}]",
         "GET page: completedContacts[0].primaryDispositionId: expected a disposition id (a "
         "whole number or a string) (mapped to the fit's outcome)"},
        {0, "[{\"contactStartDate\":1,\"primaryDispositionId\":15,\"agentId\":{}}]",
         "GET page: completedContacts[0].agentId: expected a number, a string, true, false or "
         "null (mapped to the fit's agent)"},
        {0, "[{\"contactStartDate\":1,\"abandoned\":2,\"primaryDispositionId\":15}]",
         "GET page: completedContacts[0].abandoned: expected 0, 1, true or false (mapped to the "
         "fit's abandoned)"},
        {9, "[{\"contactStartDate\":1}]",
         "GET page: completedContacts[9].primaryDispositionId: expected live, machine, busy, "
         "no-answer or invalid, found none (mapped to the fit's outcome)"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        memset(&err, 0, sizeof err);
        CU_ASSERT(add_page(&m, refused[i].page, refused[i].first, &rows, &inbound, &err) ==
                  OPT_EAPI);
        CX_ASSERT_STR_EQ(err.msg, refused[i].msg);
    }
    /* without otherOutcome an unlisted disposition is an error */
    m.other[0] = '\0';
    CU_ASSERT(add_page(&m, "[{\"contactStartDate\":\"2026-11-24T06:00:01Z\","
                           "\"primaryDispositionId\":3}]",
                       0, &rows, &inbound, &err) == OPT_EAPI);
    CX_ASSERT_CONTAINS(err.msg, "completedContacts[0].primaryDispositionId: expected a "
                                "disposition listed in outcomeValues, got 3");
}

static const cx_test_case misc_cases[] = {
    {"mapping_file_is_the_default", test_mapping_file_is_the_default},
    {"records_into_fit", test_records_into_fit},
    {"uuid4", test_uuid4},
    {"signature_vector", test_signature_vector},
    {"audit_lines", test_audit_lines},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"validate", NULL, NULL, validate_cases},
    {"retry", NULL, NULL, retry_cases},
    {"misc", NULL, NULL, misc_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
