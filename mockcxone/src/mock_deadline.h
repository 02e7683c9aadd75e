/* mock_deadline.h - a deadline per request, against slow clients
 * (internal).
 *
 * libmicrohttpd's connection timeout is an idle timeout: a client that
 * sends one byte of its headers or body every few seconds never trips it
 * (slowloris). Here each request must arrive whole within `timeout_s` of
 * its connection opening or of the previous answer on it; a watchdog
 * thread shuts down the socket of any that does not, and libmicrohttpd
 * then closes the connection. The clock stops while a request is handled
 * and answered. Real time, whatever the server's clock. */
#ifndef MOCK_DEADLINE_H
#define MOCK_DEADLINE_H

#include <microhttpd.h>

#include "mockcxone.h"

typedef struct mock__deadlines mock__deadlines;

/* timeout_s 0: off (no thread, every call below does nothing). */
mock_status mock__deadlines_create(double timeout_s, mock__deadlines **out, cx_error *err);
/* Stops the watchdog; call after the daemon has stopped. */
void mock__deadlines_destroy(mock__deadlines *d);
/* For MHD_OPTION_NOTIFY_CONNECTION, with `d` as its closure. */
void mock__deadlines_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code);
/* The connection's request has arrived whole: its clock stops. */
void mock__deadlines_arrived(mock__deadlines *d, struct MHD_Connection *c);
/* The request was answered: the next request's clock starts. */
void mock__deadlines_answered(mock__deadlines *d, struct MHD_Connection *c);
/* How many connections the watchdog has cut. */
long mock__deadlines_cut(mock__deadlines *d);

#endif
