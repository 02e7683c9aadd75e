/* cxtest.c - runs the suites of one test executable with CUnit. */
#include "cxtest.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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

static char *scratch; /* the program's scratch directory */
static char ring[CX_PATHS][1024];
static unsigned next_path;

int cx_scratch_open(const char *tag)
{
    if (scratch)
        return -1; /* one a program: a second would leak the first */
    scratch = cx_test_tmpdir(tag);
    return scratch ? 0 : -1;
}

int cx_scratch_close(void)
{
    cx_test_rmtree(scratch);
    free(scratch);
    scratch = NULL;
    return 0;
}

const char *cx_scratch(void) { return scratch; }

static const char *vpath(const char *root, const char *fmt, va_list ap)
{
    char *p = ring[next_path++ % CX_PATHS];
    int n = snprintf(p, sizeof ring[0], "%s/", root);
    int m = vsnprintf(p + n, sizeof ring[0] - (size_t)n, fmt, ap);
    CU_ASSERT_FATAL(n > 0 && m >= 0 && (size_t)(n + m) < sizeof ring[0]); /* no path cut short */
    return p;
}

const char *cx_tmp(const char *fmt, ...)
{
    CU_ASSERT_FATAL(scratch != NULL); /* the suite's init opens it */
    va_list ap;
    va_start(ap, fmt);
    const char *p = vpath(scratch, fmt, ap);
    va_end(ap);
    return p;
}

const char *cx_src(const char *fmt, ...)
{
    const char *root = getenv("CX_SOURCE_DIR");
    va_list ap;
    va_start(ap, fmt);
    const char *p = vpath(root && *root ? root : ".", fmt, ap);
    va_end(ap);
    return p;
}

void cx_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    size_t len = strlen(text);
    bool whole = fwrite(text, 1, len, f) == len;
    whole = fclose(f) == 0 && whole;
    CU_ASSERT_FATAL(whole);
}

const char *cx_write_tmp(const char *name, const char *text)
{
    const char *p = cx_tmp("%s", name);
    cx_write(p, text);
    return p;
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
