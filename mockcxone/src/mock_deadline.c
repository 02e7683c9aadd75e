/* mock_deadline.c - see mock_deadline.h. */
#include "mock_deadline.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define TICK_MS 200

typedef struct track {
    int fd;
    double deadline; /* monotonic seconds */
    bool handling;   /* a whole request is being answered: no deadline */
    bool cut;
    struct track *prev, *next;
} track;

struct mock__deadlines {
    double timeout_s;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    track *head;
    bool stop;
    long cut;
    pthread_t thread;
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *watch(void *arg)
{
    mock__deadlines *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->stop) {
        double now = mono();
        for (track *t = d->head; t; t = t->next)
            if (!t->handling && !t->cut && now > t->deadline) {
                /* the connection's own thread sees the socket fail and closes it;
                 * the CLOSED notification (under this lock) frees the track */
                shutdown(t->fd, SHUT_RDWR);
                t->cut = true;
                d->cut++;
            }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->wake, &d->lock, &until);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

mock_status mock__deadlines_create(double timeout_s, mock__deadlines **out, cx_error *err)
{
    *out = NULL;
    mock__deadlines *d = calloc(1, sizeof *d);
    if (!d)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    d->timeout_s = timeout_s;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    if (timeout_s > 0 && pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return cx_error_set(err, MOCK_ENOMEM, "cannot start the request watchdog");
    }
    *out = d;
    return MOCK_OK;
}

void mock__deadlines_destroy(mock__deadlines *d)
{
    if (!d)
        return;
    if (d->timeout_s > 0) {
        pthread_mutex_lock(&d->lock);
        d->stop = true;
        pthread_cond_signal(&d->wake);
        pthread_mutex_unlock(&d->lock);
        pthread_join(d->thread, NULL);
    }
    /* the daemon has stopped: every connection has been notified closed */
    while (d->head) {
        track *t = d->head;
        d->head = t->next;
        free(t);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void mock__deadlines_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code)
{
    mock__deadlines *d = cls;
    if (!d || d->timeout_s <= 0)
        return;
    pthread_mutex_lock(&d->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        track *t = fd ? calloc(1, sizeof *t) : NULL;
        if (t) {
            t->fd = fd->connect_fd;
            t->deadline = mono() + d->timeout_s;
            t->next = d->head;
            if (d->head)
                d->head->prev = t;
            d->head = t;
        }
        *socket_context = t;
    } else if (*socket_context) {
        track *t = *socket_context;
        if (t->prev)
            t->prev->next = t->next;
        else
            d->head = t->next;
        if (t->next)
            t->next->prev = t->prev;
        free(t);
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&d->lock);
}

static track *of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

void mock__deadlines_arrived(mock__deadlines *d, struct MHD_Connection *c)
{
    if (!d || d->timeout_s <= 0)
        return;
    pthread_mutex_lock(&d->lock);
    track *t = of(c);
    if (t)
        t->handling = true;
    pthread_mutex_unlock(&d->lock);
}

void mock__deadlines_answered(mock__deadlines *d, struct MHD_Connection *c)
{
    if (!d || d->timeout_s <= 0)
        return;
    pthread_mutex_lock(&d->lock);
    track *t = of(c);
    if (t) {
        t->handling = false;
        t->deadline = mono() + d->timeout_s;
    }
    pthread_mutex_unlock(&d->lock);
}

long mock__deadlines_cut(mock__deadlines *d)
{
    if (!d)
        return 0;
    pthread_mutex_lock(&d->lock);
    long n = d->cut;
    pthread_mutex_unlock(&d->lock);
    return n;
}
