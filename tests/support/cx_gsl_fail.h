/* cx_gsl_fail.h - fails the allocations GSL's own code asks for, so a test
 * can make GSL report an error (GSL_ENOMEM, through its error handler)
 * inside a real prediction, run or fit. One test program includes it once:
 * it defines the program's malloc, which every malloc of the process comes
 * to (libgsl's too, through its PLT); while cx_gsl_fail_on is set, one
 * whose caller is libgsl's code returns NULL, and cx_gsl_failed counts it.
 * The program is built with _GNU_SOURCE (dladdr names the caller).
 *
 * ASan and ThreadSanitizer replace malloc themselves, and valgrind's
 * replacement would not see this one: there (CX_GSL_FAIL 0) nothing is
 * defined, nothing fails, and a test checks only that its calls succeed;
 * the normal build checks the failures. */
#ifndef CX_GSL_FAIL_H
#define CX_GSL_FAIL_H

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(CX_NO_MALLOC_SEAM)
#define CX_GSL_FAIL 0
static volatile int cx_gsl_fail_on, cx_gsl_failed;
#else
#define CX_GSL_FAIL 1
static volatile int cx_gsl_fail_on; /* armed by the test */
static volatile int cx_gsl_failed;  /* allocations failed so far */
static __thread int cx_gsl_in_malloc;

extern void *__libc_malloc(size_t n);

void *malloc(size_t n);
void *malloc(size_t n)
{
    if (cx_gsl_fail_on && !cx_gsl_in_malloc) {
        cx_gsl_in_malloc = 1; /* dladdr may allocate */
        Dl_info info;
        int gsl = dladdr(__builtin_return_address(0), &info) && info.dli_fname &&
                  strstr(info.dli_fname, "libgsl") != NULL;
        cx_gsl_in_malloc = 0;
        if (gsl) {
            cx_gsl_failed++;
            errno = ENOMEM;
            return NULL;
        }
    }
    return __libc_malloc(n);
}
#endif

#endif
