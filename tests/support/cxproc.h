/* cxproc.h - running the project's programs from tests. */
#ifndef CXPROC_H
#define CXPROC_H

#include <stdbool.h>
#include <stddef.h>

/* Runs argv (argv[0] is a path relative to the build tree, e.g.
 * "sim/dialsim") with the given environment (NULL = inherit), stdin from
 * /dev/null; captures stdout and stderr (each up to n-1 bytes, NUL-ended;
 * either may be NULL). Returns the exit status, or -1 when it did not exit
 * normally. */
int cx_run(char *const argv[], char *const envp[], char *out, size_t out_n, char *err,
           size_t err_n);

/* Starts argv as cx_run does (argv[0] relative to the build tree, stdin
 * from /dev/null) without waiting for it, and reads the first line it
 * prints on stdout (on stdout or stderr, with `with_stderr`) into line (n
 * bytes, without its newline; "" when it printed none before closing).
 * Returns its pid, or -1 when it could not start; *out_fd is the read end
 * of the pipe it goes on printing into (the caller closes it). */
int cx_spawn(char *const argv[], bool with_stderr, char *line, size_t n, int *out_fd);

/* Runs fn(arg) in a forked child that exits with fn's return (0-255), so
 * that a crash or an abort() in fn is a result, not the end of the test
 * program. Returns the child's exit status, 128 + the signal that ended
 * it, or -1 when it could not fork. */
int cx_in_child(int (*fn)(void *arg), void *arg);

/* The absolute path of a program in the build tree. */
const char *cx_bin(char *buf, size_t n, const char *rel);

/* Reads a whole file (NULL when missing); the caller frees it. */
char *cx_slurp(const char *path);

/* How many times `needle` occurs in `text`. */
int cx_count(const char *text, const char *needle);

#endif
