/* cx_progress.c - see cx_progress.h. */
#include "cx_progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cx_progress_duration(char *buf, size_t n, double s)
{
    if (s < 60)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, n, "%d min %02d s", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%d h %02d min", (int)(s / 3600), ((int)s % 3600) / 60);
}

static void draw(cx_progress *p, const char *what)
{
    double el = now_s() - p->t0;
    char elapsed[32], left[48] = "";
    cx_progress_duration(elapsed, sizeof elapsed, el);
    if (!p->own_eta && p->done > 0 && p->done < p->total) {
        char eta[32];
        cx_progress_duration(eta, sizeof eta, el / p->done * (p->total - p->done));
        snprintf(left, sizeof left, ", about %s left", eta);
    }
    char line[256];
    int w = snprintf(line, sizeof line, "%s: %d of %d done (%d%%), %s elapsed%s%s%s", p->label,
                     p->done, p->total, p->total ? 100 * p->done / p->total : 100, elapsed, left,
                     what ? "; " : "", what ? what : "");
    if (w < 0)
        return;
    if (w >= (int)sizeof line)
        w = (int)sizeof line - 1;
    fprintf(stderr, "\r%s%*s", line, p->width > w ? p->width - w : 0, "");
    fflush(stderr);
    p->width = w;
}

void cx_progress_start(cx_progress *p, const char *label, int total, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(STDERR_FILENO);
    p->total = total;
    p->t0 = now_s();
    snprintf(p->label, sizeof p->label, "%s", label);
    if (p->on)
        draw(p, NULL);
}

void cx_progress_step(cx_progress *p, const char *what)
{
    p->done++;
    if (p->on)
        draw(p, what);
}

void cx_progress_note(cx_progress *p, const char *what)
{
    if (p->on)
        draw(p, what);
}

void cx_progress_end(cx_progress *p)
{
    if (p->on && p->width > 0)
        fprintf(stderr, "\r%*s\r", p->width, "");
    p->width = 0;
}
