/* mock_park.c - see mock_park.h. One timer thread per server; the parked
 * connections wait in a list sorted by when they are due. */
#include "mock_park.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct item {
    struct MHD_Connection *conn;
    double due;            /* monotonic ms */
    mock__wire_run *wire;  /* NULL: a delay */
    atomic_bool *cut;
    struct item *next;
} item;

struct mock__park {
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* on CLOCK_MONOTONIC */
    item *due;             /* sorted, earliest first */
    bool stopping, running;
    pthread_t thread;
};

double mock__now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Under the lock. Returns whether `it` became the earliest. */
static bool insert(mock__park *p, item *it)
{
    item **at = &p->due;
    while (*at && (*at)->due <= it->due)
        at = &(*at)->next;
    it->next = *at;
    *at = it;
    return p->due == it;
}

/* Outside the lock: the connection goes back to libmicrohttpd. */
static void release(item *it, bool cut)
{
    if (cut)
        atomic_store(it->cut, true);
    mock__wire_free(it->wire);
    MHD_resume_connection(it->conn);
    free(it);
}

static void *run(void *arg)
{
    mock__park *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        double now = mock__now_ms();
        item *it = p->due;
        if (!it) {
            pthread_cond_wait(&p->wake, &p->lock);
            continue;
        }
        if (it->due > now) {
            struct timespec until;
            double left = it->due - now;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += (time_t)(left / 1e3);
            until.tv_nsec += (long)((left - 1e3 * (double)(time_t)(left / 1e3)) * 1e6);
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p->wake, &p->lock, &until);
            continue;
        }
        p->due = it->next;
        pthread_mutex_unlock(&p->lock);
        double next = it->wire ? mock__wire_step(it->wire, now) : -1;
        pthread_mutex_lock(&p->lock);
        if (next >= 0 && !p->stopping) {
            it->due = next;
            insert(p, it);
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        release(it, next >= 0); /* still due more: the stop cut it */
        pthread_mutex_lock(&p->lock);
    }
    item *all = p->due;
    p->due = NULL;
    pthread_mutex_unlock(&p->lock);
    while (all) {
        item *it = all;
        all = it->next;
        release(it, true);
    }
    return NULL;
}

mock_status mock__park_create(mock__park **out, cx_error *err)
{
    *out = NULL;
    mock__park *p = calloc(1, sizeof *p);
    pthread_condattr_t ca;
    if (!p || pthread_condattr_init(&ca) != 0) {
        free(p);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    bool ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
              pthread_cond_init(&p->wake, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) {
        free(p);
        return cx_error_set(err, MOCK_ENOMEM, "cannot make the timer's condition");
    }
    pthread_mutex_init(&p->lock, NULL);
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return cx_error_set(err, MOCK_ENOMEM, "cannot start the timer thread");
    }
    p->running = true;
    *out = p;
    return MOCK_OK;
}

void mock__park_stop(mock__park *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    bool join = p->running;
    p->stopping = true;
    p->running = false;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (join)
        pthread_join(p->thread, NULL); /* it resumes what is parked, then ends */
}

void mock__park_destroy(mock__park *p)
{
    if (!p)
        return;
    mock__park_stop(p);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

bool mock__park_add(mock__park *p, struct MHD_Connection *conn, long ms, mock__wire_run *wire,
                    atomic_bool *cut)
{
    item *it = calloc(1, sizeof *it);
    if (it) {
        it->conn = conn;
        it->due = mock__now_ms() + (double)(ms > 0 ? ms : 0);
        it->wire = wire;
        it->cut = cut;
    }
    pthread_mutex_lock(&p->lock);
    bool ok = it && !p->stopping;
    if (ok) {
        /* under the lock: a stop either sees this connection parked, and
         * resumes it, or has begun and it is never suspended */
        MHD_suspend_connection(conn);
        if (insert(p, it))
            pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    if (!ok) {
        mock__wire_free(wire);
        free(it);
    }
    return ok;
}
