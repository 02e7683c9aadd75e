/*
 * cxtest.h - CUnit glue shared by every test executable.
 *
 * A test file lists its suites in a NULL-terminated cx_test_suite array and
 * calls cx_test_main() from main(). Assertions print both sides on failure.
 * `test_x SUITE [TEST]` runs one suite (or one test) only.
 */
#ifndef CXTEST_H
#define CXTEST_H

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

typedef struct cx_test_case {
    const char *name;
    CU_TestFunc fn;
} cx_test_case;

typedef struct cx_test_suite {
    const char *name;
    int (*init)(void);
    int (*cleanup)(void);
    const cx_test_case *cases; /* terminated by {NULL, NULL} */
} cx_test_suite;

int cx_test_main(int argc, char **argv, const cx_test_suite *suites);

/* Path of a file in the source tree (CX_SOURCE_DIR set by ctest, else the
 * compile-time source dir); returns a static-per-call-site-free buffer the
 * caller provides. */
const char *cx_test_src(char *buf, size_t n, const char *rel);
/* A fresh empty directory under the build tree or $TMPDIR; the caller removes
 * it with cx_test_rmtree(). Returns NULL on failure. */
char *cx_test_tmpdir(const char *tag);
void cx_test_rmtree(const char *dir);

/* A test program's scratch directory and the paths tests use. One directory
 * a program: cx_scratch_open(TAG) in a suite's init makes it fresh and empty
 * (cx_test_tmpdir), cx_scratch_close (the suite's cleanup) removes it with
 * all it holds. The paths below come from a ring of CX_PATHS buffers: each
 * stays valid until CX_PATHS more have been made (copy one to keep it). */
#define CX_PATHS 16
int cx_scratch_open(const char *tag); /* 0, or -1 when it cannot be made */
int cx_scratch_close(void);           /* 0 */
const char *cx_scratch(void);         /* its path (NULL when none is open) */
/* SCRATCH/NAME, NAME printf-formatted */
const char *cx_tmp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a path in the source tree (cx_test_src), printf-formatted */
const char *cx_src(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes text to path, whole, or stops the test. */
void cx_write(const char *path, const char *text);
/* Writes text to SCRATCH/NAME, whole, or stops the test; its path. */
const char *cx_write_tmp(const char *name, const char *text);

void cx__assert_fmt(int ok, unsigned line, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CX_ASSERT_INT_EQ(actual, expected)                                           \
    do {                                                                            \
        long long a_ = (long long)(actual), e_ = (long long)(expected);             \
        cx__assert_fmt(a_ == e_, __LINE__, __FILE__, "%s == %s: got %lld, want %lld", \
                       #actual, #expected, a_, e_);                                 \
    } while (0)

#define CX_ASSERT_NEAR(actual, expected, tol)                                        \
    do {                                                                            \
        double a_ = (double)(actual), e_ = (double)(expected), t_ = (double)(tol);  \
        cx__assert_fmt(a_ - e_ <= t_ && e_ - a_ <= t_, __LINE__, __FILE__,           \
                       "%s ~ %s: got %.6g, want %.6g +/- %.3g", #actual, #expected, a_, \
                       e_, t_);                                                     \
    } while (0)

#define CX_ASSERT_LE(actual, bound)                                                  \
    do {                                                                            \
        double a_ = (double)(actual), b_ = (double)(bound);                         \
        cx__assert_fmt(a_ <= b_, __LINE__, __FILE__, "%s <= %s: got %.6g > %.6g",    \
                       #actual, #bound, a_, b_);                                    \
    } while (0)

#define CX_ASSERT_GE(actual, bound)                                                  \
    do {                                                                            \
        double a_ = (double)(actual), b_ = (double)(bound);                         \
        cx__assert_fmt(a_ >= b_, __LINE__, __FILE__, "%s >= %s: got %.6g < %.6g",    \
                       #actual, #bound, a_, b_);                                    \
    } while (0)

#define CX_ASSERT_STR_EQ(actual, expected)                                           \
    do {                                                                            \
        const char *a_ = (actual), *e_ = (expected);                                \
        cx__assert_fmt(a_ && e_ && strcmp(a_, e_) == 0, __LINE__, __FILE__,          \
                       "%s == %s: got \"%s\", want \"%s\"", #actual, #expected,      \
                       a_ ? a_ : "(null)", e_ ? e_ : "(null)");                     \
    } while (0)

#define CX_ASSERT_CONTAINS(haystack, needle)                                         \
    do {                                                                            \
        const char *h_ = (haystack), *n_ = (needle);                                \
        cx__assert_fmt(h_ && n_ && strstr(h_, n_) != NULL, __LINE__, __FILE__,       \
                       "%s contains \"%s\": got \"%.400s\"", #haystack, n_ ? n_ : "", \
                       h_ ? h_ : "(null)");                                         \
    } while (0)

#define CX_ASSERT_NOT_CONTAINS(haystack, needle)                                     \
    do {                                                                            \
        const char *h_ = (haystack), *n_ = (needle);                                \
        cx__assert_fmt(h_ && n_ && strstr(h_, n_) == NULL, __LINE__, __FILE__,       \
                       "%s must not contain \"%s\"", #haystack, n_ ? n_ : "");       \
    } while (0)

/* Stops the test when cond is false (for pointers later dereferenced). */
#define CX_REQUIRE(cond) CU_ASSERT_FATAL(cond)

#endif /* CXTEST_H */
