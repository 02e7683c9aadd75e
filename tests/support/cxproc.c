/* cxproc.c - running programs from tests and capturing what they print. */
#include "cxproc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *cx_bin(char *buf, size_t n, const char *rel)
{
    const char *root = getenv("CX_BINARY_DIR");
    snprintf(buf, n, "%s/%s", root && *root ? root : ".", rel);
    return buf;
}

static void drain(int fd, char *buf, size_t n)
{
    size_t got = 0;
    char sink[4096];
    for (;;) {
        ssize_t r = buf && got + 1 < n ? read(fd, buf + got, n - 1 - got)
                                        : read(fd, sink, sizeof sink);
        if (r <= 0)
            break;
        if (buf && got + 1 < n)
            got += (size_t)r;
    }
    if (buf && n)
        buf[got] = '\0';
}

int cx_run(char *const argv[], char *const envp[], char *out, size_t out_n, char *err,
           size_t err_n)
{
    char path[1024];
    cx_bin(path, sizeof path, argv[0]);
    char tmpl_o[] = "/tmp/cxrun-out-XXXXXX", tmpl_e[] = "/tmp/cxrun-err-XXXXXX";
    int fo = mkstemp(tmpl_o), fe = mkstemp(tmpl_e);
    if (fo < 0 || fe < 0)
        return -1;
    unlink(tmpl_o);
    unlink(tmpl_e);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        if (envp)
            execve(path, argv, envp);
        else
            execv(path, argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    lseek(fo, 0, SEEK_SET);
    lseek(fe, 0, SEEK_SET);
    drain(fo, out, out_n);
    drain(fe, err, err_n);
    close(fo);
    close(fe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cx_spawn(char *const argv[], bool with_stderr, char *line, size_t n, int *out_fd)
{
    char path[1024];
    cx_bin(path, sizeof path, argv[0]);
    int p[2];
    if (pipe(p) != 0)
        return -1;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        if (with_stderr)
            dup2(p[1], 2);
        close(p[0]);
        execv(path, argv);
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    size_t k = 0;
    char ch;
    while (k + 1 < n && read(p[0], &ch, 1) == 1 && ch != '\n')
        line[k++] = ch;
    if (n)
        line[k] = '\0';
    *out_fd = p[0];
    return pid;
}

int cx_in_child(int (*fn)(void *arg), void *arg)
{
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0)
        _exit(fn(arg) & 0xff);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *cx_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (len + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                buf = NULL;
            }
            buf = b;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int cx_count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}
