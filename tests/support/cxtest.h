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
