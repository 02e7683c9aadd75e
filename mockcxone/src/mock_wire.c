/* mock_wire.c - the wire faults: answers broken on the socket itself.
 *
 * libmicrohttpd writes only well-formed HTTP, so a wire fault writes its
 * bytes straight on the connection's socket while the connection is
 * parked (suspended: libmicrohttpd leaves its socket alone; mock_park.h),
 * and then has libmicrohttpd close the connection. Nothing here blocks:
 * the timer thread calls mock__wire_step whenever bytes fall due, and
 * every wait ends when the client goes away (looked at every
 * WAIT_SLICE_MS) or the server stops. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mock_internal.h"

#define WAIT_SLICE_MS 100 /* how often a wait looks whether the client left */
#define RETRY_MS 5        /* a full socket buffer: try again this much later */

struct mock__wire_run {
    int fd;
    int action;
    cx_buf out;            /* every byte to send */
    size_t sent;
    size_t head;           /* dribble: the status line and headers, sent with piece 1 */
    int pieces;            /* dribble: the body in this many */
    double pause_ms;       /* dribble: between pieces */
    long bps;              /* bandwidth: bytes a second, a tenth of a second's worth at a time */
    double hold_ms;        /* after the last byte, hold the connection this long; < 0:
                              until the client leaves (hang) */
    double start, done_at; /* when the delivery began, and when its last byte went */
};

/* Whether the client has closed its side (or the socket failed). */
static bool client_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLERR | POLLHUP | POLLRDHUP))
        return true;
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static const char *reason(int status)
{
    switch (status / 100) {
    case 2: return "OK";
    case 4: return "Client Error";
    case 5: return "Server Error";
    default: return "Status";
    }
}

/* The status line and headers; `length` < 0: none (chunked or to the close). */
static void head(cx_buf *b, const mock__resp *r, long long length, bool chunked)
{
    (void)cx_buf_printf(b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nConnection: close\r\n",
                        r->status, reason(r->status), r->content_type);
    for (int i = 0; i < r->n_headers; i++)
        (void)cx_buf_printf(b, "%s: %s\r\n", r->hname[i], r->hvalue[i]);
    if (length >= 0)
        (void)cx_buf_printf(b, "Content-Length: %lld\r\n", length);
    if (chunked)
        (void)cx_buf_printf(b, "Transfer-Encoding: chunked\r\n");
    (void)cx_buf_printf(b, "\r\n");
}

static unsigned long long next_rand(unsigned long long *s)
{
    unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

mock__wire_run *mock__wire_prepare(const mock__resp *r, int fd)
{
    mock__wire_run *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    const mock__wire *f = &r->wire;
    const char *body = r->body.data ? r->body.data : "";
    size_t len = r->body.len;
    w->fd = fd;
    w->action = f->action;
    w->start = mock__now_ms();
    cx_buf_init(&w->out, len + 8192);
    cx_buf *b = &w->out;
    int rc = 0;
    switch ((mock__action)f->action) {
    case MOCK_ACT_HANG:
        w->hold_ms = -1; /* nothing sent, never closed by the server */
        break;
    case MOCK_ACT_RANDOM_DATA: {
        /* bytes no HTTP parser takes for a status line */
        unsigned long long seed = f->seed;
        char junk[512];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (char)(next_rand(&seed) & 0xff);
        junk[0] = '\x9f';
        rc = cx_buf_append(b, junk, sizeof junk);
        break;
    }
    case MOCK_ACT_TRUNCATED_BODY:
        /* the length of the whole, half of it (and nothing of an empty body) */
        head(b, r, (long long)(len ? len : 1), false);
        rc = cx_buf_append(b, body, len / 2);
        break;
    case MOCK_ACT_MALFORMED_CHUNK:
        /* the first half as a good chunk, then a chunk whose size is not hex */
        head(b, r, -1, true);
        if (len / 2)
            (void)cx_buf_printf(b, "%zx\r\n%.*s\r\n", len / 2, (int)(len / 2), body);
        rc = cx_buf_printf(b, "zz;broken\r\n%s\r\n", body + len / 2);
        break;
    case MOCK_ACT_DRIBBLE:
        head(b, r, (long long)len, false);
        w->head = b->len;
        w->pieces = f->chunks > 0 ? f->chunks : 1;
        w->pause_ms = w->pieces > 1 ? (double)f->duration_ms / (w->pieces - 1) : 0;
        rc = cx_buf_append(b, body, len);
        break;
    case MOCK_ACT_BANDWIDTH:
        /* headers and body alike go at the rate */
        head(b, r, (long long)len, false);
        w->bps = f->bytes_per_s > 0 ? f->bytes_per_s : 1;
        rc = cx_buf_append(b, body, len);
        break;
    case MOCK_ACT_SLOW_CLOSE:
        /* no length: the body ends at the close, which comes late */
        head(b, r, -1, false);
        w->hold_ms = (double)f->duration_ms;
        rc = cx_buf_append(b, body, len);
        break;
    default: /* empty-response: nothing at all */
        break;
    }
    if (rc != 0) {
        mock__wire_free(w);
        return NULL;
    }
    return w;
}

void mock__wire_free(mock__wire_run *w)
{
    if (!w)
        return;
    cx_buf_free(&w->out);
    free(w);
}

/* How many bytes of the answer are due by `now`, and when more will be
 * (*more < 0: no more). */
static size_t due_by(const mock__wire_run *w, double now, double *more)
{
    size_t all = w->out.len;
    double t = now - w->start;
    *more = -1;
    if (w->action == MOCK_ACT_DRIBBLE && w->pieces > 1 && w->pause_ms > 0) {
        long k = (long)(t / w->pause_ms) + 1; /* pieces due */
        if (k >= w->pieces)
            return all;
        *more = w->start + (double)k * w->pause_ms;
        return w->head + (all - w->head) * (size_t)k / (size_t)w->pieces;
    }
    if (w->action == MOCK_ACT_BANDWIDTH) {
        size_t step = (size_t)(w->bps / 10 > 0 ? w->bps / 10 : 1);
        double per_step = (double)step * 1e3 / (double)w->bps;
        size_t k = (size_t)(t / per_step) + 1; /* steps due */
        if (k * step >= all)
            return all;
        *more = w->start + (double)k * per_step;
        return k * step;
    }
    return all;
}

double mock__wire_step(mock__wire_run *w, double now)
{
    double more;
    size_t due = due_by(w, now, &more);
    while (w->sent < due) {
        ssize_t k = send(w->fd, w->out.data + w->sent, due - w->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return now + RETRY_MS; /* the client reads slowly: the rest later */
        if (k <= 0)
            return -1; /* the client left */
        w->sent += (size_t)k;
    }
    if (more < 0) { /* all sent: then held, if the fault says so */
        if (w->done_at == 0)
            w->done_at = now;
        if (w->hold_ms == 0)
            return -1;
        more = w->hold_ms < 0 ? now + WAIT_SLICE_MS : w->done_at + w->hold_ms;
        if (more <= now)
            return -1;
    }
    /* a wait, which the client may end by leaving */
    if (client_gone(w->fd))
        return -1;
    return more < now + WAIT_SLICE_MS ? more : now + WAIT_SLICE_MS;
}
