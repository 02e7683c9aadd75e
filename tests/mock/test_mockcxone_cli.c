/* test_mockcxone_cli.c - the mockcxone program: one "listening on" line,
 * a real server behind it, a graceful stop on SIGTERM and SIGINT, --help,
 * and exit 2 on bad arguments or a bad faults file. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cxhttp.h"
#include "cxproc.h"
#include "cxtest.h"

/* Starts mockcxone with args; returns its pid and the first stdout line. */
static pid_t spawn(char *const args[], char *line, size_t n, int *out_fd)
{
    int p[2];
    CX_REQUIRE(pipe(p) == 0);
    char path[1024];
    cx_bin(path, sizeof path, "mockcxone/mockcxone");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        execv(path, args);
        _exit(127);
    }
    close(p[1]);
    size_t k = 0;
    char ch;
    while (k + 1 < n && read(p[0], &ch, 1) == 1 && ch != '\n')
        line[k++] = ch;
    line[k] = '\0';
    *out_fd = p[0];
    return pid;
}

static void run_and_stop(int sig)
{
    char line[256];
    int fd;
    pid_t pid = spawn((char *const[]){"mockcxone", "--port", "0", "--campaign", "alpha",
                                      "--campaign", "beta", "--client-secret", "not-the-default",
                                      NULL},
                      line, sizeof line, &fd);
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
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"program", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
