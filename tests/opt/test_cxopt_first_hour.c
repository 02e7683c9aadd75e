/* test_cxopt_first_hour.c - what a first-time user of cxopt and mockcxone
 * meets (issue 15): bad arguments refused before any work, safer defaults
 * and refusals, a stopped ramp on record, messages that say what happened.
 * Every check runs the real programs against a real mock on loopback. */
#include "cxproc.h"
#include "opt_fixture.h"
#include "opt_http.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char out[1 << 16], err[1 << 16];

/* Runs a program of the build tree; stdout in `out`, stderr in `err`. */
static int run(char *const argv[], char *const envp[])
{
    out[0] = err[0] = '\0';
    return cx_run(argv, envp, out, sizeof out, err, sizeof err);
}

static char *const empty_env[] = {"HOME=/nonexistent", NULL};

/* ----------------------------------------------- 3: check before running */

static void test_bad_arguments_before_work(void)
{
    const char *scen = cx_src("scenarios/drifting-answer-rate.json");
    const char *junit = cx_tmp("results.xml");
    /* an unknown policy: refused once, before any scenario runs */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "run", (char *)cx_src("scenarios"),
                                         "--policy", "bogus", "--junit", (char *)junit, NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "--policy bogus: unknown policy \"bogus\"");
    CX_ASSERT_INT_EQ(cx_count(err, "unknown policy"), 1);
    CX_ASSERT_STR_EQ(out, ""); /* no table: nothing ran */
    struct stat st;
    CU_ASSERT(stat(junit, &st) != 0);
    /* the README's compare, its static policy given a target with a field
     * out of range: refused once, naming the scenario's file and the key
     * path, before the 20 runs (without a target static takes the seed's) */
    char *text = cx_slurp(scen);
    CX_REQUIRE(text != NULL);
    char *pol = strstr(text, "\"policy\": \"adaptive\"");
    CX_REQUIRE(pol != NULL);
    char bad[8192];
    snprintf(bad, sizeof bad, "%.*s\"policy\": {\"name\": \"static\", \"target\": "
             "{\"answerRate\": 1.5}}%s",
             (int)(pol - text), text, pol + strlen("\"policy\": \"adaptive\""));
    free(text);
    const char *badscen = cx_write_tmp("static-target.json", bad);
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "compare", (char *)badscen,
                                         "--policies", "static,adaptive,vicidial,oracle",
                                         "--seeds", "5", "--plot",
                                         (char *)cx_tmp("compare.svg"), NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "static-target.json: policy.target.answerRate");
    CX_ASSERT_INT_EQ(cx_count(err, "policy.target.answerRate"), 1);
    CX_ASSERT_STR_EQ(out, "");
    CU_ASSERT(stat(cx_tmp("compare.svg"), &st) != 0);
    /* other bad arguments, each before any work */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "compare", (char *)scen,
                                         "--policies", "adaptive,turbo", NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "--policies turbo: unknown policy \"turbo\"");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "compare", (char *)scen, "--plot",
                                         (char *)cx_tmp("compare.pdf"), NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "compare.pdf: the file must end in .svg or .png");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "run", (char *)scen, "--audit-dir",
                                         (char *)cx_tmp("no/such/dir"), NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "--audit-dir");
    CX_ASSERT_CONTAINS(err, "no such directory");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "run", (char *)scen, "--profile",
                                         "genesys", NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "unknown API profile \"genesys\"");
    CX_ASSERT_STR_EQ(out, "");
}

/* ------------------------------------ 4: safer defaults and refusals */

static char env_buf[8][512];

/* The seed's variables pointing at `base` (NULL: a port nobody listens on);
 * `auth` overrides the token URL when given. */
static char *const *env_for(const char *base, const char *auth)
{
    static char *envp[10];
    const char *b = base ? base : "http://127.0.0.1:9";
    int k = 0;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CLIENT_ID=%s", MOCK_DEFAULT_CLIENT_ID), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CLIENT_SECRET=%s",
             MOCK_DEFAULT_CLIENT_SECRET), k++;
    if (auth)
        snprintf(env_buf[k], sizeof env_buf[k], "CXONE_AUTH_URL=%s", auth), k++;
    else
        snprintf(env_buf[k], sizeof env_buf[k], "CXONE_AUTH_URL=%s/auth/token", b), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_API_URL=%s", b), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CAMPAIGN_ID=%s", MOCK_DEFAULT_CAMPAIGN), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "HOME=%s", cx_scratch()), k++;
    for (int i = 0; i < k; i++)
        envp[i] = env_buf[i];
    envp[k] = NULL;
    return envp;
}

static void test_refusals(void)
{
    const char *target = cx_write_tmp("t.json", "{\"answerRate\":0.7}");
    const char *audit = cx_tmp("audit.jsonl");
    /* --help states the ramp's default wait */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "--help", NULL}, empty_env), 0);
    CX_ASSERT_CONTAINS(out, "--ramp-interval seconds between steps (default");
    CX_ASSERT_CONTAINS(out, "900: one 15-minute stats period");
    /* a URL without a scheme would go out over plain http, credentials and all */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)target,
                                         "--audit", (char *)audit, NULL},
                         env_for(NULL, "127.0.0.1:9/auth/token")),
                     2);
    CX_ASSERT_CONTAINS(err, "the token URL (CXONE_AUTH_URL, --auth-url) \"127.0.0.1:9/auth/token\" "
                            "has no scheme");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "show", "--api-url",
                                         "cxone.example.com", NULL},
                         env_for(NULL, NULL)),
                     2);
    CX_ASSERT_CONTAINS(err, "the API URL (CXONE_API_URL, --api-url) \"cxone.example.com\" has no "
                            "scheme: write https://cxone.example.com");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "show", "--api-url",
                                         "ftp://cxone.example.com", NULL},
                         env_for(NULL, NULL)),
                     2);
    CX_ASSERT_CONTAINS(err, "only http:// and https:// are spoken");
    /* --audit '' */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)target,
                                         "--audit", "", NULL},
                         env_for(NULL, NULL)),
                     2);
    CX_ASSERT_CONTAINS(err, "--audit: the path is empty");
    /* --audit in a directory that does not exist: refused, not created */
    const char *missing = cx_tmp("nodir/sub/audit.jsonl");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)target,
                                         "--audit", (char *)missing, NULL},
                         env_for(NULL, NULL)),
                     2);
    CX_ASSERT_CONTAINS(err, "does not exist");
    struct stat st;
    CU_ASSERT(stat(cx_tmp("nodir"), &st) != 0);
    /* a device is not a log */
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)target,
                                         "--audit", "/dev/full", NULL},
                         env_for(NULL, NULL)),
                     2);
    CX_ASSERT_CONTAINS(err, "audit log /dev/full: not a regular file");
}

/* The audit log is read as a bounded tail: a log whose start is one line
 * far longer than the tail is not read whole, and the cycle cut short at
 * its end is still found. */
static void test_audit_tail_bounded(void)
{
    const char *log = cx_tmp("big.jsonl");
    FILE *f = fopen(log, "w");
    CX_REQUIRE(f != NULL);
    static char junk[1 << 16];
    memset(junk, 'x', sizeof junk);
    for (long n = 0; n < 2 * OPT_AUDIT_SCAN_TAIL; n += (long)sizeof junk)
        fwrite(junk, 1, sizeof junk, f); /* one 16 MiB line, no newline yet */
    fputs("\n{\"type\":\"cycle\",\"cycle_id\":\"a\"}\n"
          "{\"type\":\"intent\",\"cycle_id\":\"b\",\"time\":\"2026-12-01T10:00:00Z\"}\n",
          f);
    fclose(f);
    opt_audit_scan scan;
    cx_error e = {0};
    CX_ASSERT_INT_EQ(opt_audit_check(log, false, NULL, &scan, &e), OPT_OK);
    CX_ASSERT_GE(scan.skipped_bytes, OPT_AUDIT_SCAN_TAIL);
    CX_ASSERT_INT_EQ(scan.unfinished, 1);
    CX_ASSERT_STR_EQ(scan.unfinished_id[0], "b");
    CX_ASSERT_INT_EQ(scan.records, 2);
    CX_ASSERT_LE(scan.lines, 3);
    CX_ASSERT_INT_EQ(opt_audit_check("/dev/full", false, NULL, &scan, &e), OPT_EUSAGE);
    CX_ASSERT_CONTAINS(e.msg, "not a regular file");
}

/* ------------------------------------------------- 5: stops are recorded */

static pid_t spawn_cxopt(char *const argv[], char *const envp[], const char *log)
{
    char bin[1024];
    cx_bin(bin, sizeof bin, "optimizer/cxopt");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execve(bin, argv, envp);
        _exit(127);
    }
    return pid;
}

static int count_in_file(const char *path, const char *needle)
{
    char *text = cx_slurp(path);
    int n = text ? cx_count(text, needle) : 0;
    free(text);
    return n;
}

static void stop_ramp_with(int sig, int want_status)
{
    ofx f;
    ofx_start(&f, NULL);
    char audit[1200], log[1200], target[1200];
    snprintf(audit, sizeof audit, "%s/audit-%d.jsonl", cx_scratch(), sig);
    snprintf(log, sizeof log, "%s/out-%d.txt", cx_scratch(), sig);
    snprintf(target, sizeof target, "%s", cx_write_tmp("ramp.json", "{\"answerRate\":0.42}"));
    char *argv[] = {"cxopt", "apply", "--target", target, "--ramp", "--ramp-interval", "600",
                    "--no-predict", "--audit", audit, NULL};
    pid_t pid = spawn_cxopt(argv, env_for(f.base, NULL), log);
    CX_REQUIRE(pid > 0);
    /* the first step lands, then the ramp waits its interval */
    for (int i = 0; i < 4000 && count_in_file(audit, "\"type\":\"cycle\"") < 1; i++)
        usleep(50000);
    CX_ASSERT_INT_EQ(count_in_file(audit, "\"type\":\"cycle\""), 1);
    kill(pid, sig);
    int status = 0;
    CX_REQUIRE(waitpid(pid, &status, 0) == pid);
    CU_ASSERT(WIFEXITED(status));
    CX_ASSERT_INT_EQ(WEXITSTATUS(status), want_status);
    char *text = cx_slurp(audit);
    CX_REQUIRE(text != NULL);
    CX_ASSERT_CONTAINS(text, "\"type\":\"stopped\"");
    CX_ASSERT_CONTAINS(text, sig == SIGINT ? "\"signal\":\"SIGINT\"" : "\"signal\":\"SIGTERM\"");
    CX_ASSERT_CONTAINS(text, "\"step\":1,\"steps\":3");
    CX_ASSERT_CONTAINS(text, "\"message\":\"ramp stopped before its end\"");
    free(text);
    char *said = cx_slurp(log);
    CX_REQUIRE(said != NULL);
    CX_ASSERT_CONTAINS(said, "stopped by ");
    CX_ASSERT_CONTAINS(said, "after step 1 of 3");
    free(said);
    /* one write landed, and the campaign holds it */
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), 1);
    mock_campaign_state cs;
    CX_ASSERT_INT_EQ(mock_server_campaign(f.mock, MOCK_DEFAULT_CAMPAIGN, &cs), MOCK_OK);
    CX_ASSERT_NEAR(cs.answer_rate, 0.62, 1e-9);
    ofx_stop(&f);
}

static void test_sigint_stops_ramp(void) { stop_ramp_with(SIGINT, 130); }
static void test_sigterm_stops_ramp(void) { stop_ramp_with(SIGTERM, 143); }

/* ------------------------------------------------------ 6: messages */

static void test_redirect_and_oversize_named(void)
{
    ofx f;
    mock_options mo;
    mock_options_default(&mo);
    mo.body_max = 4u << 20; /* room for a fault rule with a body over the client's cap */
    ofx_start(&f, &mo);
    ofx_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/*\","
                   "\"status\":302,\"headers\":{\"Location\":\"http://elsewhere.invalid/x\"},"
                   "\"times\":1}]}");
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "show", NULL}, env_for(f.base, NULL)),
                     1);
    CX_ASSERT_CONTAINS(err, "is a redirect (302) to http://elsewhere.invalid/x; cxopt does not "
                            "follow redirects");
    /* an answer over the cap */
    size_t big = OPT_HTTP_BODY_MAX + 1000;
    char *body = malloc(big + 200);
    CX_REQUIRE(body != NULL);
    int n = snprintf(body, 200, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/*\","
                                "\"status\":200,\"body\":\"");
    memset(body + n, 'a', big);
    strcpy(body + n + big, "\",\"times\":1}]}");
    ofx_faults(&f, body);
    free(body);
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "show", NULL}, env_for(f.base, NULL)),
                     1);
    CX_ASSERT_CONTAINS(err, "/api/v2/campaigns/c-1001 is over 1048576 bytes");
    CX_ASSERT_NOT_CONTAINS(err, "Failure writing output");
    ofx_stop(&f);
}

/* A server that accepts connections and never answers: each attempt that
 * times out is said as it happens. */
static void test_silent_server_said(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CX_REQUIRE(s >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CX_REQUIRE(bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 8) == 0 &&
               getsockname(s, (struct sockaddr *)&a, &len) == 0);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%u", ntohs(a.sin_port));
    CX_ASSERT_INT_EQ(run((char *const[]){"optimizer/cxopt", "show", "--timeout", "300",
                                         "--retry-attempts", "2", "--retry-base", "0.05", NULL},
                         env_for(base, NULL)),
                     1);
    close(s);
    CX_ASSERT_CONTAINS(err, "attempt 1 of 2 got no answer");
    CX_ASSERT_CONTAINS(err, "attempt 2 of 2 got no answer");
    CX_ASSERT_CONTAINS(err, "timed out");
    CX_ASSERT_NOT_CONTAINS(err, MOCK_DEFAULT_CLIENT_SECRET);
}

static void test_mock_model_file_named(void)
{
    const char *model = cx_write_tmp("model.json", "{\"agents\": 5}");
    CX_ASSERT_INT_EQ(run((char *const[]){"mockcxone/mockcxone", "--port", "0", "--model",
                                         (char *)model, NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "model.json: liveAnswerProbability: required key is missing");
    const char *slow = cx_write_tmp("slow.json", "{\"agents\": 5, \"liveAnswerProbability\": 0.2, "
                                               "\"noAnswerTimeout\": 10}");
    CX_ASSERT_INT_EQ(run((char *const[]){"mockcxone/mockcxone", "--port", "0", "--model",
                                         (char *)slow, NULL},
                         empty_env),
                     2);
    CX_ASSERT_CONTAINS(err, "slow.json: noAnswerTimeout: must be >= 15 s: the FCC's minimum ring");
}

static const cx_test_case cases[] = {
    {"bad_arguments_before_work", test_bad_arguments_before_work},
    {"refusals", test_refusals},
    {"audit_tail_bounded", test_audit_tail_bounded},
    {"sigint_stops_ramp", test_sigint_stops_ramp},
    {"sigterm_stops_ramp", test_sigterm_stops_ramp},
    {"redirect_and_oversize_named", test_redirect_and_oversize_named},
    {"silent_server_said", test_silent_server_said},
    {"mock_model_file_named", test_mock_model_file_named},
    {NULL, NULL},
};

static int setup(void) { return cx_scratch_open("first"); }

static const cx_test_suite suites[] = {
    {"first_hour", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
