/* test_json_cli.c - dialsim and cxopt refuse JSON files holding an escaped
 * NUL or bytes that are not UTF-8: exit 2, naming the file and the
 * position (common/src/json.c reads every JSON file they load). */
#include <stdlib.h>

#include "cxproc.h"
#include "cxtest.h"

/* Runs argv and expects exit 2 with `want` (and the file's path) on stderr. */
static void bad_input(char *const argv[], const char *path, const char *want)
{
    char out[4096], err[4096];
    CX_ASSERT_INT_EQ(cx_run(argv, NULL, out, sizeof out, err, sizeof err), 2);
    CX_ASSERT_CONTAINS(err, path);
    CX_ASSERT_CONTAINS(err, want);
}

static void test_escaped_nul(void)
{
    const char *text = "{\"campaign\\u0000junk\":{}}";
    const char *p = cx_write_tmp("nul.json", text);
    const char *want = "invalid JSON at line 1, column 11: an escaped NUL";
    bad_input((char *const[]){"sim/dialsim", "run", (char *)p, NULL}, p, want);
    bad_input((char *const[]){"optimizer/cxopt", "run", (char *)p, NULL}, p, want);
    bad_input((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)p, "--dry-run",
                              NULL},
              p, want);
}

static void test_invalid_utf8(void)
{
    const char text[] = "{\n  \"hours\": 1,\n  \"\xff\xfe\": 2}";
    const char *p = cx_write_tmp("utf8.json", text);
    const char *want = "invalid JSON at line 3, column 4: not UTF-8";
    bad_input((char *const[]){"sim/dialsim", "run", (char *)p, NULL}, p, want);
    bad_input((char *const[]){"optimizer/cxopt", "run", (char *)p, NULL}, p, want);
    bad_input((char *const[]){"optimizer/cxopt", "apply", "--target", (char *)p, "--dry-run",
                              NULL},
              p, want);
}

static const cx_test_case cases[] = {
    {"escaped_nul", test_escaped_nul},
    {"invalid_utf8", test_invalid_utf8},
    {NULL, NULL},
};
static int setup(void) { return cx_scratch_open("jsoncli"); }

static const cx_test_suite suites[] = {
    {"json_files", setup, cx_scratch_close, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
