/* test_mockcxone_cli.c - the mockcxone program: one "listening on" line,
 * a real server behind it, a graceful stop on SIGTERM and SIGINT, --help,
 * and exit 2 on bad arguments or a bad faults file. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cxhttp.h"
#include "cxproc.h"
#include "cxtest.h"

/* the program, as cx_spawn starts it */
#define MOCK "mockcxone/mockcxone"

static void run_and_stop(int sig)
{
    char line[256];
    int fd;
    pid_t pid = cx_spawn((char *const[]){MOCK, "--port", "0", "--campaign", "alpha", "--campaign",
                                         "beta", "--client-secret", "not-the-default", NULL},
                         false, line, sizeof line, &fd);
    CX_ASSERT_CONTAINS(line, "listening on http://127.0.0.1:");
    unsigned port = 0;
    CU_ASSERT(sscanf(line, "listening on http://127.0.0.1:%u", &port) == 1 && port > 0);
    char url[128];
    cx_http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/__admin/health", port);
    CX_ASSERT_INT_EQ(cx_http("GET", url, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/auth/token", port);
    const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    CX_ASSERT_INT_EQ(cx_http("POST", url, form,
                             "grant_type=client_credentials&client_id=cxopt-dev&client_secret="
                             "not-the-default",
                             &r),
                     200);
    cx_http_resp_free(&r);
    /* exactly one line on stdout */
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    char rest[64];
    ssize_t more = read(fd, rest, sizeof rest);
    close(fd);
    CX_ASSERT_INT_EQ(more, 0);
    CU_ASSERT(WIFEXITED(status));
    CX_ASSERT_INT_EQ(WEXITSTATUS(status), 0);
}

static void test_sigterm(void) { run_and_stop(SIGTERM); }
static void test_sigint(void) { run_and_stop(SIGINT); }

/* Waits up to `bound_s` for pid to end; returns its wait status, or -1
 * (after killing it) when it did not end. */
static int wait_bounded(pid_t pid, double bound_s)
{
    int status = 0;
    for (int i = 0; i < (int)(bound_s * 50); i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return status;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

static unsigned port_of(const char *line)
{
    unsigned port = 0;
    if (sscanf(line, "listening on http://127.0.0.1:%u", &port) != 1)
        return 0;
    return port;
}

/* A second server on a port in use fails, naming the port, exit 2; the
 * first keeps it and answers alone. */
static void test_port_in_use(void)
{
    char line[256];
    int fd;
    pid_t pid = cx_spawn((char *const[]){MOCK, "--port", "0", NULL}, false, line, sizeof line, &fd);
    unsigned port = port_of(line);
    CX_REQUIRE(port > 0);
    char ps[16], second[256], want[64];
    snprintf(ps, sizeof ps, "%u", port);
    int fd2;
    pid_t pid2 =
        cx_spawn((char *const[]){MOCK, "--port", ps, NULL}, true, second, sizeof second, &fd2);
    snprintf(want, sizeof want, "127.0.0.1:%u: the port is in use", port);
    CX_ASSERT_CONTAINS(second, want);
    if (strstr(second, "listening"))
        kill(pid2, SIGTERM);
    int st2 = wait_bounded(pid2, 10);
    CU_ASSERT(st2 != -1 && WIFEXITED(st2) && WEXITSTATUS(st2) == 2);
    close(fd2);
    char url[128];
    cx_http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/__admin/health", port);
    CX_ASSERT_INT_EQ(cx_http("GET", url, NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    kill(pid, SIGTERM);
    CX_ASSERT_INT_EQ(wait_bounded(pid, 10), 0);
    close(fd);
}

/* SIGTERM or SIGINT ends the server while a fault's 600 s delay holds a
 * request (the bound below is generous on purpose: it tells "stops" from
 * "waits for the delay", it measures nothing). */
static void stop_while_held(int sig, const char *rule)
{
    char *dir = cx_test_tmpdir("mockhold");
    char faults[512];
    snprintf(faults, sizeof faults, "%s/f.json", dir);
    FILE *f = fopen(faults, "w");
    CX_REQUIRE(f != NULL);
    fprintf(f, "{\"faults\":[%s]}", rule);
    fclose(f);
    char line[256];
    int fd;
    pid_t pid = cx_spawn((char *const[]){MOCK, "--port", "0", "--faults", faults, NULL}, false,
                         line, sizeof line, &fd);
    unsigned port = port_of(line);
    CX_REQUIRE(port > 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    CX_REQUIRE(connect(c, (struct sockaddr *)&to, sizeof to) == 0);
    const char *req = "GET /api/v2/campaigns/c-1001 HTTP/1.1\r\nHost: x\r\n\r\n";
    CX_REQUIRE(send(c, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
    /* wait until the rule has fired: the request is held */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/__admin/faults", port);
    bool held = false;
    for (int i = 0; i < 500 && !held; i++) {
        cx_http_resp r;
        if (cx_http("GET", url, NULL, NULL, &r) == 200 && strstr(r.body, "\"fired\":1"))
            held = true;
        cx_http_resp_free(&r);
        if (!held)
            usleep(10000);
    }
    CU_ASSERT(held);
    kill(pid, sig);
    int status = wait_bounded(pid, 10);
    CU_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(c);
    close(fd);
    cx_test_rmtree(dir);
    free(dir);
}

#define HELD "{\"path\":\"/api/**\",\"delayMs\":600000}"
static void test_sigterm_while_held(void) { stop_while_held(SIGTERM, HELD); }
static void test_sigint_while_held(void) { stop_while_held(SIGINT, HELD); }
/* hang: accepted and never answered, yet a stop ends it */
static void test_sigterm_while_hanging(void)
{
    stop_while_held(SIGTERM, "{\"path\":\"/api/**\",\"action\":\"hang\"}");
}

/* --record keeps its file whole: after each exchange, and when SIGTERM
 * comes while one is in flight (held 600 s upstream), which the stop does
 * not wait for (the bound is generous: it tells "stops" from "waits"). */
static void test_record_whole_on_sigterm(void)
{
    char *dir = cx_test_tmpdir("mockrec");
    char faults[512], session[512], line[256];
    snprintf(faults, sizeof faults, "%s/f.json", dir);
    snprintf(session, sizeof session, "%s/session.json", dir);
    FILE *f = fopen(faults, "w");
    CX_REQUIRE(f != NULL);
    fputs("{\"faults\":[{\"path\":\"/api/v2/campaigns/slow\",\"delayMs\":600000}]}", f);
    fclose(f);
    int ufd, rfd;
    pid_t up = cx_spawn((char *const[]){MOCK, "--port", "0", "--faults", faults, NULL}, false,
                        line, sizeof line, &ufd);
    unsigned uport = port_of(line);
    CX_REQUIRE(uport > 0);
    char upstream[64];
    snprintf(upstream, sizeof upstream, "http://127.0.0.1:%u", uport);
    pid_t rec = cx_spawn((char *const[]){MOCK, "--port", "0", "--record", upstream, "--out",
                                         session, NULL},
                         false, line, sizeof line, &rfd);
    unsigned rport = port_of(line);
    CX_REQUIRE(rport > 0);
    char url[128];
    cx_http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/auth/token", rport);
    const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    CX_ASSERT_INT_EQ(cx_http("POST", url, form,
                             "grant_type=client_credentials&client_id=cxopt-dev&client_secret="
                             "cxopt-dev-secret",
                             &r),
                     200);
    cx_http_resp_free(&r);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v2/campaigns/c-1001", rport);
    CX_ASSERT_INT_EQ(cx_http("GET", url, NULL, NULL, &r), 401); /* no token: recorded too */
    cx_http_resp_free(&r);
    /* after each exchange the file is whole */
    char *text = cx_slurp(session);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "exchanges")), 2);
    CX_ASSERT_NOT_CONTAINS(text, "cxopt-dev-secret");
    cJSON_Delete(doc);
    free(text);
    /* one in flight: a raw request the upstream holds */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)rport)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    CX_REQUIRE(connect(c, (struct sockaddr *)&to, sizeof to) == 0);
    const char *req = "GET /api/v2/campaigns/slow HTTP/1.1\r\nHost: x\r\n\r\n";
    CX_REQUIRE(send(c, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
    snprintf(url, sizeof url, "http://127.0.0.1:%u/__admin/faults", uport);
    bool held = false;
    for (int i = 0; i < 500 && !held; i++) {
        if (cx_http("GET", url, NULL, NULL, &r) == 200 && strstr(r.body, "\"fired\":1"))
            held = true;
        cx_http_resp_free(&r);
        if (!held)
            usleep(10000);
    }
    CU_ASSERT(held);
    kill(rec, SIGTERM);
    int status = wait_bounded(rec, 10);
    CU_ASSERT(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(c);
    text = cx_slurp(session);
    doc = text ? cJSON_Parse(text) : NULL;
    CU_ASSERT(doc != NULL);
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "exchanges")), 2);
    cJSON_Delete(doc);
    free(text);
    /* nothing else left beside it: no temporary file */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *ls = popen(cmd, "r");
    char n[16] = "";
    CU_ASSERT(ls && fgets(n, sizeof n, ls));
    if (ls)
        pclose(ls);
    CX_ASSERT_INT_EQ(atoi(n), 0);
    kill(up, SIGTERM);
    CU_ASSERT(wait_bounded(up, 10) != -1);
    close(ufd);
    close(rfd);
    cx_test_rmtree(dir);
    free(dir);
}

static void test_help_and_bad_args(void)
{
    char out[8192], err[2048];
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"mockcxone/mockcxone", "--help", NULL}, NULL, out,
                            sizeof out, err, sizeof err),
                     0);
    CX_ASSERT_CONTAINS(out, "--client-secret S       its secret (cxopt-dev-secret)");
    CX_ASSERT_CONTAINS(out, "--faults FILE.json");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"mockcxone/mockcxone", "--port", "70000", NULL},
                            NULL, out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "--port: expected a number in [0, 65535]");
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"mockcxone/mockcxone", "--frobnicate", NULL}, NULL,
                            out, sizeof out, err, sizeof err),
                     2);
    char *dir = cx_test_tmpdir("mockcli");
    char path[512];
    snprintf(path, sizeof path, "%s/f.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"faults\":[{\"path\":\"/x\",\"status\":503,\"times\":-2}]}", f);
    fclose(f);
    CX_ASSERT_INT_EQ(cx_run((char *const[]){"mockcxone/mockcxone", "--faults", path, NULL}, NULL,
                            out, sizeof out, err, sizeof err),
                     2);
    CX_ASSERT_CONTAINS(err, "f.json: faults[0].times: must be >= 0, got -2");
    CX_ASSERT_STR_EQ(out, "");
    cx_test_rmtree(dir);
    free(dir);
}

static const cx_test_case cases[] = {
    {"sigterm", test_sigterm},
    {"sigint", test_sigint},
    {"help_and_bad_args", test_help_and_bad_args},
    {"port_in_use", test_port_in_use},
    {"sigterm_while_held", test_sigterm_while_held},
    {"sigterm_while_hanging", test_sigterm_while_hanging},
    {"record_whole_on_sigterm", test_record_whole_on_sigterm},
    {"sigint_while_held", test_sigint_while_held},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"program", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
