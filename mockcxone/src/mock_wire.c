/* mock_wire.c - the wire faults: answers broken on the socket itself.
 *
 * libmicrohttpd writes only well-formed HTTP, so a wire fault writes its
 * bytes straight on the connection's socket (each connection has its own
 * thread, and the request has been read whole) and then has libmicrohttpd
 * close the connection. Every wait here is cut short by a stop of the
 * server (within WAIT_SLICE_MS) and by the client going away. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mock_internal.h"

#define WAIT_SLICE_MS 100

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static bool stopping(mock_server *s)
{
    pthread_mutex_lock(&s->stop_lock);
    bool st = s->stopping;
    pthread_mutex_unlock(&s->stop_lock);
    return st;
}

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

/* Waits `ms` (forever when < 0). False when the server stops or the client
 * leaves meanwhile. */
static bool wait_ms(mock_server *s, int fd, double ms)
{
    double end = now_ms() + ms;
    for (;;) {
        if (stopping(s) || client_gone(fd))
            return false;
        double left = ms < 0 ? WAIT_SLICE_MS : end - now_ms();
        if (left <= 0)
            return true;
        struct timespec t = {0, (long)((left < WAIT_SLICE_MS ? left : WAIT_SLICE_MS) * 1e6)};
        nanosleep(&t, NULL);
    }
}

static bool send_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
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

/* Sends `n` bytes at `bps` bytes a second (a tenth of a second's worth at
 * a time), or all at once when bps is 0. */
static bool send_paced(mock_server *s, int fd, const char *p, size_t n, long bps)
{
    if (!bps)
        return send_all(fd, p, n);
    size_t step = (size_t)(bps / 10 > 0 ? bps / 10 : 1);
    double start = now_ms();
    for (size_t sent = 0; sent < n;) {
        size_t k = n - sent < step ? n - sent : step;
        if (!send_all(fd, p + sent, k))
            return false;
        sent += k;
        double due = start + (double)sent * 1e3 / (double)bps;
        if (sent < n && !wait_ms(s, fd, due - now_ms()))
            return false;
    }
    return true;
}

void mock__wire_send(mock_server *s, struct MHD_Connection *conn, const mock__resp *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    int fd = ci->connect_fd;
    const mock__wire *w = &r->wire;
    const char *body = r->body.data ? r->body.data : "";
    size_t len = r->body.len;
    cx_buf b;
    cx_buf_init(&b, len + 8192);
    switch ((mock__action)w->action) {
    case MOCK_ACT_HANG:
        wait_ms(s, fd, -1);
        break;
    case MOCK_ACT_RANDOM_DATA: {
        /* bytes no HTTP parser takes for a status line */
        unsigned long long seed = w->seed;
        char junk[512];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (char)(next_rand(&seed) & 0xff);
        junk[0] = '\x9f';
        send_all(fd, junk, sizeof junk);
        break;
    }
    case MOCK_ACT_TRUNCATED_BODY:
        /* the length of the whole, half of it (and nothing of an empty body) */
        head(&b, r, (long long)(len ? len : 1), false);
        if (cx_buf_append(&b, body, len / 2) == 0)
            send_all(fd, b.data, b.len);
        break;
    case MOCK_ACT_MALFORMED_CHUNK:
        /* the first half as a good chunk, then a chunk whose size is not hex */
        head(&b, r, -1, true);
        if (len / 2)
            (void)cx_buf_printf(&b, "%zx\r\n%.*s\r\n", len / 2, (int)(len / 2), body);
        (void)cx_buf_printf(&b, "zz;broken\r\n%s\r\n", body + len / 2);
        send_all(fd, b.data, b.len);
        break;
    case MOCK_ACT_DRIBBLE: {
        head(&b, r, (long long)len, false);
        if (!send_all(fd, b.data, b.len))
            break;
        int n = w->chunks > 0 ? w->chunks : 1;
        double pause = n > 1 ? (double)w->duration_ms / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            size_t from = len * (size_t)i / (size_t)n, to = len * (size_t)(i + 1) / (size_t)n;
            if (!send_all(fd, body + from, to - from) ||
                (i + 1 < n && !wait_ms(s, fd, pause)))
                break;
        }
        break;
    }
    case MOCK_ACT_BANDWIDTH:
        /* headers and body alike go at the rate */
        head(&b, r, (long long)len, false);
        if (cx_buf_append(&b, body, len) == 0)
            send_paced(s, fd, b.data, b.len, w->bytes_per_s);
        break;
    case MOCK_ACT_SLOW_CLOSE:
        /* no length: the body ends at the close, which comes late */
        head(&b, r, -1, false);
        if (cx_buf_append(&b, body, len) == 0 && send_all(fd, b.data, b.len))
            wait_ms(s, fd, (double)w->duration_ms);
        break;
    default:
        break;
    }
    cx_buf_free(&b);
}
