/* cx_plot.c - see cx_plot.h. */
#include "cx_plot.h"

#include <string.h>
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
    fprintf(p->g, "set output '%s'\n", p->out);
    return p->g;
}

int cx_plot_end(cx_plot *p)
{
    int rc = p->g ? pclose(p->g) : -1;
    p->g = NULL;
    drop_data(p);
    if (rc != 0) {
        fprintf(stderr, "%s: gnuplot failed (status %d)\n", p->prog, rc);
        return -1;
    }
    return 0;
}
