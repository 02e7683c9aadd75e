/* cxtest.c - runs the suites of one test executable with CUnit. */
#include "cxtest.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void cx__assert_fmt(int ok, unsigned line, const char *file, const char *fmt, ...)
{
    char msg[1024];
    if (ok) {
        CU_assertImplementation(CU_TRUE, line, "ok", file, "", CU_FALSE);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
}

const char *cx_test_src(char *buf, size_t n, const char *rel)
{
    const char *root = getenv("CX_SOURCE_DIR");
    snprintf(buf, n, "%s/%s", root && *root ? root : ".", rel);
    return buf;
}

char *cx_test_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/cxtest-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    char *dir = mkdtemp(tmpl);
    return dir ? strdup(dir) : NULL;
}

void cx_test_rmtree(const char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                cx_test_rmtree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

int cx_test_main(int argc, char **argv, const cx_test_suite *suites)
{
    const char *only_suite = argc > 1 ? argv[1] : NULL;
    const char *only_test = argc > 2 ? argv[2] : NULL;
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return 2;
    }
    int added = 0;
    for (const cx_test_suite *s = suites; s->name; s++) {
        if (only_suite && strcmp(only_suite, s->name) != 0)
            continue;
        CU_pSuite suite = CU_add_suite(s->name, s->init, s->cleanup);
        if (!suite) {
            fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
            CU_cleanup_registry();
            return 2;
        }
        for (const cx_test_case *c = s->cases; c->name; c++) {
            if (only_test && strcmp(only_test, c->name) != 0)
                continue;
            if (!CU_add_test(suite, c->name, c->fn)) {
                fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
                CU_cleanup_registry();
                return 2;
            }
            added++;
        }
    }
    if (added == 0) {
        fprintf(stderr, "no test matches%s%s%s%s\n", only_suite ? " " : "",
                only_suite ? only_suite : "", only_test ? " " : "", only_test ? only_test : "");
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed() +
                      CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
