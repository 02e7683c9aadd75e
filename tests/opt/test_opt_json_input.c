/* test_opt_json_input.c - the optimizer reads JSON from the network and
 * from its audit log through the common parser, so an escaped NUL (which
 * cJSON would read as a key cut short: "access_token\u0000x" as
 * "access_token") or bytes that are not UTF-8 are refused there too. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "cxtest.h"
#include "opt_audit.h"
#include "opt_auth.h"

static void test_token_response(void)
{
    opt__grant g;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt__grant_parse("{\"access_token\":\"t0k\",\"token_type\":\"Bearer\","
                                      "\"expires_in\":60}",
                                      &g, &err),
                     OPT_OK);
    CX_ASSERT_STR_EQ(g.access, "t0k");
    CX_ASSERT_INT_EQ(opt__grant_parse("{\"access_token\\u0000x\":\"t0k\",\"token_type\":"
                                      "\"Bearer\",\"expires_in\":60}",
                                      &g, &err),
                     OPT_EAUTH);
    CX_ASSERT_CONTAINS(err.msg, "token endpoint response: invalid JSON at line 1, column 15: "
                                "an escaped NUL");
    CX_ASSERT_INT_EQ(opt__grant_parse("{\"access_token\":\"t\xff\",\"expires_in\":60}", &g, &err),
                     OPT_EAUTH);
    CX_ASSERT_CONTAINS(err.msg, "not UTF-8");
}

static void test_audit_scan(void)
{
    char *dir = cx_test_tmpdir("jsonin");
    CX_REQUIRE(dir != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/audit.jsonl", dir);
    FILE *f = fopen(path, "w");
    CX_REQUIRE(f != NULL);
    fputs("{\"type\":\"intent\",\"cycle_id\":\"c1\",\"time\":\"2026-12-01T00:00:00.000Z\"}\n", f);
    fputs("{\"type\":\"cycle\",\"cycle_id\\u0000\":\"c1\"}\n", f);
    fclose(f);
    opt_audit_scan scan;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_audit_check(path, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.torn, 1);      /* the second line is no record */
    CX_ASSERT_INT_EQ(scan.unfinished, 1); /* so c1 has no outcome */
    cx_test_rmtree(dir);
    free(dir);
}

/* A server's text quoted in a record may hold bytes that are not UTF-8:
 * the log stays JSON, and its reader takes the record for one. */
static void test_audit_keeps_utf8(void)
{
    char *dir = cx_test_tmpdir("jsonin");
    CX_REQUIRE(dir != NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/audit.jsonl", dir);
    opt__audit *a = NULL;
    cx_error err = {0};
    CX_REQUIRE(opt__audit_open(path, &a, &err) == OPT_OK);
    cJSON *r = cJSON_Parse("{\"type\":\"cycle\",\"cycle_id\":\"c9\"}");
    cJSON_AddStringToObject(r, "message", "503: \xff\xfe upstream says no");
    CX_ASSERT_INT_EQ(opt__audit_append(a, r, &err), OPT_OK);
    cJSON_Delete(r);
    opt__audit_close(a);
    FILE *f = fopen(path, "rb");
    char line[512] = "";
    CX_REQUIRE(f && fgets(line, sizeof line, f));
    fclose(f);
    CU_ASSERT(cx_utf8_valid(line, strlen(line), NULL));
    CX_ASSERT_CONTAINS(line, "503: \xef\xbf\xbd\xef\xbf\xbd upstream says no");
    opt_audit_scan scan;
    CX_ASSERT_INT_EQ(opt_audit_check(path, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.torn, 0);
    cx_test_rmtree(dir);
    free(dir);
}

static const cx_test_case cases[] = {
    {"token_response", test_token_response},
    {"audit_scan", test_audit_scan},
    {"audit_keeps_utf8", test_audit_keeps_utf8},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"json_input", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
