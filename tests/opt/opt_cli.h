/* opt_cli.h - running the cxopt program from tests, against the fixture's
 * mock (see opt_fixture.h). One test executable includes it once. */
#ifndef OPT_CLI_H
#define OPT_CLI_H

#include "cxproc.h"
#include "opt_fixture.h"

#include <stdio.h>
#include <stdlib.h>

/* Runs cxopt (argv[0] is ignored) and returns its status; stdout and
 * stderr together land in out. */
static int run(char *const argv[], char *const envp[], char *out, size_t n)
{
    char *args[48];
    int i = 0;
    args[i++] = "optimizer/cxopt";
    for (int k = 1; argv[k] && i < 47; k++)
        args[i++] = argv[k];
    args[i] = NULL;
    static char err[8192];
    int rc = cx_run(args, envp, out, n, err, sizeof err);
    size_t len = strlen(out);
    snprintf(out + len, n - len, "%s", err);
    return rc;
}

/* Writes text to the scratch directory's NAME (cxtest.h), its path kept in
 * path (n bytes) for as long as the caller needs it. */
static void write_file(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s", cx_write_tmp(name, text));
}

static char *mock_env[16];
static char env_buf[10][512];

/* The seed's variables pointing at the fixture's mock (its webhook sink
 * included), HOME at `home`. */
static void make_env(const ofx *f, const char *home)
{
    int k = 0;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CLIENT_ID=%s", MOCK_DEFAULT_CLIENT_ID), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CLIENT_SECRET=%s", MOCK_DEFAULT_CLIENT_SECRET), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_AUTH_URL=%s", f->auth_url), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_API_URL=%s", f->base), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_CAMPAIGN_ID=%s", MOCK_DEFAULT_CAMPAIGN), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_WEBHOOK_URL=%s", f->webhook_url), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "CXONE_WEBHOOK_SECRET=%s", WEBHOOK_SECRET), k++;
    snprintf(env_buf[k], sizeof env_buf[k], "HOME=%s", home), k++;
    for (int i = 0; i < k; i++)
        mock_env[i] = env_buf[i];
    mock_env[k] = NULL;
}

/* A fresh mock for cxopt processes: the fixture started with `mo` (NULL:
 * defaults) and mock_env pointing at it, HOME its directory. The programs
 * are given --audit f->audit, the log ofx_audit reads. */
static void cli_start(ofx *f, mock_options *mo)
{
    ofx_start(f, mo);
    make_env(f, f->dir);
}

#endif
