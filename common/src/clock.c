/* clock.c - real and virtual time behind one interface.
 *
 * The virtual clock is what lets a scenario run a simulated day in seconds:
 * every component asks the same clock, and sleeping on it moves it. It is
 * guarded by a mutex because the mock's HTTP worker threads read it while the
 * scenario runner (or a client backing off) moves it. */
#include "cxcommon.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

struct cx_clock_ops {
    double (*now)(cx_clock *clk);
    double (*monotonic)(cx_clock *clk);
    void (*sleep)(cx_clock *clk, double seconds);
    int (*advance)(cx_clock *clk, double seconds);
};

struct cx_clock {
    const struct cx_clock_ops *ops;
    pthread_mutex_t lock; /* virtual only */
    double vnow;          /* virtual only */
};

static double ts_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double cx_wall_monotonic(void) { return ts_seconds(CLOCK_MONOTONIC); }

static double real_now(cx_clock *clk)
{
    (void)clk;
    return ts_seconds(CLOCK_REALTIME);
}

static double real_monotonic(cx_clock *clk)
{
    (void)clk;
    return ts_seconds(CLOCK_MONOTONIC);
}

static void real_sleep(cx_clock *clk, double seconds)
{
    (void)clk;
    if (!(seconds > 0))
        return;
    struct timespec req;
    req.tv_sec = (time_t)seconds;
    req.tv_nsec = (long)((seconds - (double)req.tv_sec) * 1e9);
    while (nanosleep(&req, &req) != 0 && errno == EINTR)
        ;
}

static int real_advance(cx_clock *clk, double seconds)
{
    (void)clk;
    (void)seconds;
    return -1;
}

static double virt_now(cx_clock *clk)
{
    pthread_mutex_lock(&clk->lock);
    double t = clk->vnow;
    pthread_mutex_unlock(&clk->lock);
    return t;
}

static int virt_advance(cx_clock *clk, double seconds)
{
    if (!(seconds >= 0) || !isfinite(seconds))
        return -1;
    pthread_mutex_lock(&clk->lock);
    clk->vnow += seconds;
    pthread_mutex_unlock(&clk->lock);
    return 0;
}

static void virt_sleep(cx_clock *clk, double seconds)
{
    if (seconds > 0)
        (void)virt_advance(clk, seconds);
}

static const struct cx_clock_ops real_ops = {real_now, real_monotonic, real_sleep,
                                             real_advance};
static const struct cx_clock_ops virt_ops = {virt_now, virt_now, virt_sleep,
                                             virt_advance};

cx_clock *cx_clock_real_create(void)
{
    cx_clock *clk = calloc(1, sizeof *clk);
    if (clk)
        clk->ops = &real_ops;
    return clk;
}

cx_clock *cx_clock_virtual_create(double start_epoch_seconds)
{
    cx_clock *clk = calloc(1, sizeof *clk);
    if (!clk)
        return NULL;
    if (pthread_mutex_init(&clk->lock, NULL) != 0) {
        free(clk);
        return NULL;
    }
    clk->ops = &virt_ops;
    clk->vnow = start_epoch_seconds;
    return clk;
}

void cx_clock_destroy(cx_clock *clk)
{
    if (!clk)
        return;
    if (clk->ops == &virt_ops)
        pthread_mutex_destroy(&clk->lock);
    free(clk);
}

bool cx_clock_is_virtual(const cx_clock *clk) { return clk->ops == &virt_ops; }
double cx_clock_now(const cx_clock *clk) { return clk->ops->now((cx_clock *)clk); }
double cx_clock_monotonic(const cx_clock *clk)
{
    return clk->ops->monotonic((cx_clock *)clk);
}
void cx_clock_sleep(cx_clock *clk, double seconds) { clk->ops->sleep(clk, seconds); }
int cx_clock_advance(cx_clock *clk, double seconds)
{
    return clk->ops->advance(clk, seconds);
}

void cx_format_rfc3339(double t, char *buf, size_t n)
{
    time_t secs = (time_t)floor(t);
    int ms = (int)((t - floor(t)) * 1000.0);
    if (ms > 999)
        ms = 999;
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}
