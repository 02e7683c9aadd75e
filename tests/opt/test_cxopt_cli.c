/* test_cxopt_cli.c - the cxopt program's handling of bad input: usage errors
 * exit 2 with a message naming the flag, variable, file or key; nothing is
 * sent and nothing is written. */
#include "opt_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *const empty_env[] = {"HOME=/nonexistent", NULL};

static void test_usage(void)
{
    char out[16384]; /* the whole --help (8 KB with calibrate, merge and --shard) */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", NULL}, empty_env, out, sizeof out), 2);
    CX_ASSERT_CONTAINS(out, "no command");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "frobnicate", NULL}, empty_env, out, sizeof out), 2);
    CX_ASSERT_CONTAINS(out, "unknown command \"frobnicate\"");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--retry-attempts", "many", NULL},
                         empty_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "--retry-attempts: expected a number");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--amd-false-positive", "1.5", NULL},
                         empty_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "--amd-false-positive: expected a number in [0, ");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "--help", NULL}, empty_env, out, sizeof out), 0);
    CX_ASSERT_CONTAINS(out, "CXONE_WEBHOOK_SECRET");
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", NULL}, empty_env, out, sizeof out), 2);
    CX_ASSERT_CONTAINS(out, "apply needs --target");
}

static void test_missing_variable_named(void)
{
    char out[4096], target[1200], audit[1200];
    write_file("t.json", "{\"answerRate\":0.75}", target, sizeof target);
    snprintf(audit, sizeof audit, "%s/audit.jsonl", cx_scratch());
    /* a live server that journals every request it gets: "nothing is sent"
     * is what it saw, not what a dead port could not */
    ofx f;
    ofx_start(&f, NULL);
    char auth_env[200], api_env[200];
    snprintf(auth_env, sizeof auth_env, "CXONE_AUTH_URL=%s", f.auth_url);
    snprintf(api_env, sizeof api_env, "CXONE_API_URL=%s", f.base);
    char *const env[] = {"HOME=/nonexistent", "CXONE_CLIENT_ID=abc", auth_env, NULL};
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, "--audit", audit,
                                         NULL},
                         env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "CXONE_CLIENT_SECRET");
    /* a flag fills it: the next missing one is named */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, "--audit", audit,
                                         "--client-secret", "s3cr3t-value", NULL},
                         env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "CXONE_API_URL");
    CX_ASSERT_NOT_CONTAINS(out, "s3cr3t-value");
    struct stat st;
    CU_ASSERT(stat(audit, &st) != 0); /* nothing written */
    CX_ASSERT_INT_EQ(mock_server_journal_length(f.mock), 0); /* nothing sent */
    /* the same server does see a command that gets as far as sending (its
     * credentials are wrong: refused, and journaled) */
    char *const env_sent[] = {"HOME=/nonexistent", "CXONE_CLIENT_ID=abc", auth_env, api_env,
                              "CXONE_CAMPAIGN_ID=c-1001", NULL};
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "show", "--client-secret", "wrong", NULL},
                         env_sent, out, sizeof out),
                     1);
    CX_ASSERT_GE(mock_server_journal_length(f.mock), 1);
    ofx_stop(&f);
}

static void test_bad_files_named(void)
{
    char out[4096], target[1200], cons[1200];
    write_file("bad.json", "{\"answerRate\": 0.8,\n \"strategy\": \"turbo\"}", target,
               sizeof target);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, NULL}, empty_env,
                         out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "bad.json: strategy: unknown value \"turbo\"");
    write_file("broken.json", "{\"answerRate\": 0.8,,}", target, sizeof target);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, NULL}, empty_env,
                         out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "broken.json: invalid JSON at line 1, column 21");
    write_file("wrapped.json", "{\"predictiveDialer\":{\"callInterval\":-1}}", target,
               sizeof target);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, NULL}, empty_env,
                         out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "wrapped.json: predictiveDialer.callInterval: must be >= 0");
    write_file("c.json", "{\"maxAnswerRate\": 1.5}", cons, sizeof cons);
    write_file("ok.json", "{\"answerRate\":0.75}", target, sizeof target);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, "--constraints",
                                         cons, NULL},
                         empty_env, out, sizeof out),
                     2);
    CX_ASSERT_CONTAINS(out, "c.json: maxAnswerRate: must be <= 1, got 1.5");
}


/* ------------------------------------------------- against a real mock */

static void test_against_mock(void)
{
    ofx f;
    cli_start(&f, NULL);
    char out[1 << 16], model[1024], target[1024], audit[1024];
    write_file("model.json", OFX_MODEL, model, sizeof model);
    write_file("seed.json",
               "{\"predictiveDialer\":{\"answerRate\":0.85,\"abandonRate\":0.02,"
               "\"maxConcurrentCalls\":100,\"callInterval\":100}}",
               target, sizeof target);
    snprintf(audit, sizeof audit, "%s/cli-audit.jsonl", f.dir);
    /* show */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "show", NULL}, mock_env, out, sizeof out), 0);
    CX_ASSERT_CONTAINS(out, "\"id\":\t\"c-1001\"");
    CX_ASSERT_CONTAINS(out, "\"answerRate\":\t0.72");
    /* the seed's own example breaks its own delta: refused with the numbers */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, "--model", model,
                                         "--audit", audit, NULL},
                         mock_env, out, sizeof out),
                     1);
    CX_ASSERT_CONTAINS(out, "rejected-validation");
    CX_ASSERT_CONTAINS(out, "refused  answerRate: 0.85 is 0.13 from the current 0.72; the "
                            "largest step allowed is 0.1");
    CX_ASSERT_CONTAINS(out, "refused  maxConcurrentCalls: 100 is 25.0% from the current 80");
    /* a dry run validates and predicts, and sends nothing */
    char step[1024];
    write_file("step.json", "{\"answerRate\":0.8}", step, sizeof step);
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", step, "--dry-run",
                                         "--json", "--model", model, "--audit", audit, NULL},
                         mock_env, out, sizeof out),
                     0);
    CX_ASSERT_CONTAINS(out, "\"outcome\":\t\"dry-run\"");
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), 0);
    /* --ramp: three audited steps, each within the delta */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", target, "--ramp",
                                         "--ramp-interval", "0", "--model", model, "--audit",
                                         audit, NULL},
                         mock_env, out, sizeof out),
                     0);
    CX_ASSERT_CONTAINS(out, "ramp step 3 of 3");
    CX_ASSERT_NOT_CONTAINS(out, MOCK_DEFAULT_CLIENT_SECRET);
    CX_ASSERT_NOT_CONTAINS(out, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    mock_campaign_state st;
    mock_server_campaign(f.mock, "c-1001", &st);
    CX_ASSERT_NEAR(st.answer_rate, 0.85, 1e-9);
    CX_ASSERT_INT_EQ(st.max_concurrent_calls, 100);
    CX_ASSERT_INT_EQ(st.call_interval_ms, 100);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), 3);
    snprintf(f.audit, sizeof f.audit, "%s", audit);
    cJSON *cycles = ofx_audit(&f, "cycle");
    int applied = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cycles) applied +=
        strcmp(cJSON_GetObjectItem(rec, "outcome")->valuestring, "applied") == 0;
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cycles), 5); /* refused, dry run, 3 steps */
    CX_ASSERT_INT_EQ(applied, 3);
    cJSON_Delete(cycles);
    /* the default audit path under $HOME when --audit is not given */
    CX_ASSERT_INT_EQ(run((char *const[]){"cxopt", "apply", "--target", step, "--model", model,
                                         NULL},
                         mock_env, out, sizeof out),
                     0);
    char def[1024];
    snprintf(def, sizeof def, "%s/.local/state/cxopt/audit.jsonl", f.dir);
    struct stat sb;
    CX_ASSERT_INT_EQ(stat(def, &sb), 0);
    ofx_stop(&f);
}

static const cx_test_case cases[] = {
    {"usage", test_usage},
    {"missing_variable_named", test_missing_variable_named},
    {"bad_files_named", test_bad_files_named},
    {"against_mock", test_against_mock},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("cli"); }

static const cx_test_suite suites[] = {
    {"cli", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
