/* mock_park.h - connections parked while a fault holds them (internal).
 *
 * The server runs a small pool of event-loop threads (libmicrohttpd's epoll
 * thread pool), each serving many connections: a handler that slept would
 * stall every connection on its thread. So nothing sleeps in a handler. A
 * fault's delay, and a wire fault's bytes with the pauses between them,
 * park the connection instead: it is suspended (MHD_suspend_connection)
 * and handed to one timer thread, which waits, writes a wire fault's bytes
 * on the socket as they fall due, and resumes it (MHD_resume_connection);
 * libmicrohttpd then calls the access handler again, which carries on.
 *
 * A stop resumes every parked connection at once, marked cut, so a stop
 * never waits out a delay; after mock__park_stop nothing is parked and
 * nothing new can be. */
#ifndef MOCK_PARK_H
#define MOCK_PARK_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "mock_http.h"

typedef struct mock__park mock__park;

/* A wire fault's delivery in progress (mock_wire.c). */
typedef struct mock__wire_run mock__wire_run;

/* The answer `r` as its wire fault breaks it, for the socket `fd`; NULL
 * when out of memory. */
mock__wire_run *mock__wire_prepare(const mock__resp *r, int fd);
/* Sends what is due by `now_ms` (monotonic milliseconds) without blocking.
 * Returns when to call again, or a negative number when the delivery is
 * over (all sent and held as long as it must be, or the client left). */
double mock__wire_step(mock__wire_run *w, double now_ms);
void mock__wire_free(mock__wire_run *w);

mock_status mock__park_create(mock__park **out, cx_error *err);
/* Resumes every connection still parked (each marked cut) and ends the
 * timer thread; call before MHD_stop_daemon, which refuses to stop with
 * connections suspended. Idempotent. */
void mock__park_stop(mock__park *p);
void mock__park_destroy(mock__park *p);

/* From the access handler: suspends `conn` and resumes it `ms` later, or,
 * with `wire` (taken over, freed here), once the wire fault is delivered.
 * `cut` is set before the resume when a stop cut the wait short. Returns
 * false, with nothing suspended and `wire` freed, when the server is
 * stopping. */
bool mock__park_add(mock__park *p, struct MHD_Connection *conn, long ms, mock__wire_run *wire,
                    atomic_bool *cut);

/* Monotonic milliseconds. */
double mock__now_ms(void);

#endif
