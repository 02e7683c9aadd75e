/* cx_plot.c - see cx_plot.h. */
#include "cx_plot.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void cx_plot_init(cx_plot *p, const char *prog, const char *out)
{
    memset(p, 0, sizeof *p);
    p->prog = prog;
    p->out = out;
}

static void drop_data(cx_plot *p)
{
    if (p->d)
        fclose(p->d);
    p->d = NULL;
    if (p->data[0])
        unlink(p->data);
    p->data[0] = '\0';
}

FILE *cx_plot_data(cx_plot *p)
{
    snprintf(p->data, sizeof p->data, "%s.data.%ld", p->out, (long)getpid());
    p->d = fopen(p->data, "w");
    if (!p->d) {
        fprintf(stderr, "%s: %s: cannot write the plot's data\n", p->prog, p->data);
        p->data[0] = '\0';
    }
    return p->d;
}

FILE *cx_plot_start(cx_plot *p, int width, int height)
{
    if (p->d) {
        int bad = ferror(p->d);
        bad |= fclose(p->d) != 0;
        p->d = NULL;
        if (bad) {
            fprintf(stderr, "%s: %s: cannot write the plot's data\n", p->prog, p->data);
            drop_data(p);
            return NULL;
        }
    }
    fflush(NULL); /* nothing buffered is written twice by the child */
    p->g = popen("gnuplot", "w");
    if (!p->g) {
        fprintf(stderr, "%s: cannot run gnuplot (install gnuplot-nox)\n", p->prog);
        drop_data(p);
        return NULL;
    }
    const char *ext = strrchr(p->out, '.');
    if (ext && strcmp(ext, ".png") == 0)
        fprintf(p->g, "set terminal pngcairo size %d,%d background '#ffffff'\n", width, height);
    else
        fprintf(p->g, "set terminal svg size %d,%d dynamic background '#ffffff'\n", width,
                height);
    snprintf(p->tmp, sizeof p->tmp, "%s.tmp.%ld", p->out, (long)getpid());
    fprintf(p->g, "set output '%s'\n", p->tmp);
    return p->g;
}

int cx_plot_end(cx_plot *p)
{
    int rc = p->g ? pclose(p->g) : -1;
    p->g = NULL;
    drop_data(p);
    if (rc == 0 && rename(p->tmp, p->out) == 0)
        return 0;
    if (rc == 0)
        fprintf(stderr, "%s: %s: cannot write\n", p->prog, p->out);
    else if (rc > 0 && WIFEXITED(rc) && WEXITSTATUS(rc) == 127) /* the shell's "not found" */
        fprintf(stderr, "%s: cannot run gnuplot: it is not on the PATH (install gnuplot-nox)\n",
                p->prog);
    else if (rc > 0 && WIFEXITED(rc))
        fprintf(stderr, "%s: gnuplot failed (exit status %d): %s not written\n", p->prog,
                WEXITSTATUS(rc), p->out);
    else
        fprintf(stderr, "%s: gnuplot failed: %s not written\n", p->prog, p->out);
    unlink(p->tmp);
    return -1;
}
