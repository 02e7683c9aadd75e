/* test_mock_hostile.c - slow clients (slowloris) cannot starve mockcxone.
 *
 * Many connections from two other loopback addresses (127.0.0.2 and
 * 127.0.0.3) hold requests open: one sends half its headers and stops, the
 * other sends its headers and a few bytes of a long body and stops. A
 * normal client on 127.0.0.1 is served all along, because one address may
 * hold only so many connections (the rest are closed at once), and the
 * server closes what stays idle past its connection timeout. A client that
 * trickles a byte more often than that timeout is cut at its request
 * deadline; one that is merely slow but finishes in time is answered. A
 * body announced far past the limit is refused before it is sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mock_fixture.h"

#define SLOW 40     /* connections per hostile address */
#define PER_IP 8    /* what the server lets one address hold */
#define TIMEOUT_S 5 /* the server's idle timeout: long enough that the slow ones
                     * are still held after a round served, even under valgrind */

/* A connection from `src` that sends `bytes` and then nothing; -1 when the
 * connection could not even be opened. */
static int hold(const char *src, unsigned port, const char *bytes)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in from = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &from.sin_addr);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    if (send(fd, bytes, strlen(bytes), MSG_NOSIGNAL) < 0) {
        /* closed already: counted as such below */
    }
    return fd;
}

/* Whether the server has closed the connection (waits up to `wait_ms`). */
static bool closed(int fd, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, wait_ms) > 0) {
        char buf[512];
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            return true;
        if (r < 0)
            return false;
        /* an answer (an error status): read on to the close */
    }
    return false;
}

static int count_open(const int *fds, int n)
{
    int open = 0;
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0 && !closed(fds[i], 0))
            open++;
    return open;
}

static void served(fixture *f)
{
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(f, "/__admin/health"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_login_default(f), 200);
    CX_ASSERT_INT_EQ(fx_call(f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
}

static void test_slow_clients_cannot_starve(void)
{
    mock_options o;
    mock_options_default(&o);
    o.connection_limit = 64;
    o.per_ip_limit = PER_IP;
    o.connection_timeout_s = TIMEOUT_S;
    fixture f;
    fx_start(&f, &o);
    unsigned port = mock_server_port(f.s);
    int headers[SLOW], bodies[SLOW];
    for (int i = 0; i < SLOW; i++) {
        headers[i] = hold("127.0.0.2", port,
                          "GET /api/v2/campaigns/c-1001 HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        bodies[i] = hold("127.0.0.3", port,
                         "POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         "application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
                         "grant_type=");
    }
    /* the server keeps at most PER_IP of each address and closes the rest */
    int held_h = 0, held_b = 0;
    for (int tries = 0; tries < 50; tries++) {
        held_h = count_open(headers, SLOW);
        held_b = count_open(bodies, SLOW);
        if (held_h <= PER_IP && held_b <= PER_IP)
            break;
        usleep(100000);
    }
    fprintf(stderr, "\n    held by the server: %d slow-header, %d slow-body (of %d each)\n", held_h,
            held_b, SLOW);
    CU_ASSERT(held_h >= 1 && held_h <= PER_IP);
    CU_ASSERT(held_b >= 1 && held_b <= PER_IP);
    /* while they hold theirs, a normal client is served, again and again;
     * after its first round the slow ones are still held (it was served
     * beside them, not once the server had dropped them) */
    for (int i = 0; i < 10; i++) {
        served(&f);
        if (i == 0) {
            int still_h = count_open(headers, SLOW), still_b = count_open(bodies, SLOW);
            fprintf(stderr, "    still held after a round served: %d slow-header, %d slow-body\n",
                    still_h, still_b);
            CX_ASSERT_INT_EQ(still_h, held_h);
            CX_ASSERT_INT_EQ(still_b, held_b);
        }
    }
    /* and the server closes the idle ones itself (well within 20 s) */
    int left = 0;
    for (int i = 0; i < SLOW; i++) {
        if (headers[i] >= 0 && !closed(headers[i], 20000))
            left++;
        if (bodies[i] >= 0 && !closed(bodies[i], 20000))
            left++;
    }
    CX_ASSERT_INT_EQ(left, 0);
    for (int i = 0; i < SLOW; i++) {
        if (headers[i] >= 0)
            close(headers[i]);
        if (bodies[i] >= 0)
            close(bodies[i]);
    }
    /* nothing half-read reached a handler or the journal */
    cx_http_resp r;
    cx_http("GET", fx_url(&f, "/__admin/journal/summary"), NULL, NULL, &r);
    cJSON *j = cx_http_json(&r);
    /* the admin API is not journaled: a token and a read per round */
    CX_ASSERT_INT_EQ(cJSON_GetObjectItem(j, "total")->valueint, 10 * 2);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    served(&f);
    fx_stop(&f);
}

/* Whether the server has closed the connection, leaving any answer unread. */
static bool peek_closed(int fd)
{
    char c;
    ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* Sends `text` a byte at a time, `gap_ms` apart; false when the server
 * closed the connection before it was all sent. */
static bool trickle(int fd, const char *text, int gap_ms)
{
    for (const char *p = text; *p; p++) {
        if (send(fd, p, 1, MSG_NOSIGNAL) != 1 || peek_closed(fd))
            return false;
        usleep((useconds_t)gap_ms * 1000);
    }
    return true;
}

static void test_trickle_cut_at_deadline(void)
{
    mock_options o;
    mock_options_default(&o);
    o.connection_timeout_s = 2;  /* idle: never reached by a byte every 0.3 s */
    o.request_timeout_s = 2;
    fixture f;
    fx_start(&f, &o);
    unsigned port = mock_server_port(f.s);
    /* a header that never ends, a byte every 0.3 s: cut after about 2 s */
    int fd = hold("127.0.0.4", port, "GET /__admin/health HTTP/1.1\r\n");
    CX_REQUIRE(fd >= 0);
    char endless[200];
    memset(endless, 'a', sizeof endless - 1);
    endless[sizeof endless - 1] = '\0';
    memcpy(endless, "X-Slow: ", 8);
    CU_ASSERT(!trickle(fd, endless, 300)); /* 60 s if never cut */
    close(fd);
    /* slow, but whole within the deadline: answered */
    fd = hold("127.0.0.4", port, "");
    CX_REQUIRE(fd >= 0);
    CU_ASSERT(trickle(fd, "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n", 10));
    char buf[256] = "";
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CU_ASSERT(poll(&p, 1, 5000) == 1 && recv(fd, buf, sizeof buf - 1, 0) > 0);
    CX_ASSERT_CONTAINS(buf, "HTTP/1.1 200");
    /* and the same connection may take its time over the next one too */
    CU_ASSERT(trickle(fd, "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n", 10));
    memset(buf, 0, sizeof buf);
    CU_ASSERT(poll(&p, 1, 5000) == 1 && recv(fd, buf, sizeof buf - 1, 0) > 0);
    CX_ASSERT_CONTAINS(buf, "HTTP/1.1 200");
    close(fd);
    served(&f);
    fx_stop(&f);
}

static void test_huge_body_refused_unread(void)
{
    /* a client announcing a gigabyte is answered 413 at once, without the
     * server waiting for (or reading) any of it; bodies just over the limit
     * are read and discarded first (test_mock_api's sizes_methods_paths) */
    fixture f;
    fx_start(&f, NULL);
    int fd = hold("127.0.0.1", mock_server_port(f.s),
                  "PATCH /api/v2/campaigns/c-1001 HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{");
    CX_REQUIRE(fd >= 0);
    char buf[512] = "";
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CU_ASSERT(poll(&p, 1, 10000) == 1 && recv(fd, buf, sizeof buf - 1, 0) > 0);
    CX_ASSERT_CONTAINS(buf, "HTTP/1.1 413");
    CX_ASSERT_CONTAINS(buf, "payload_too_large");
    close(fd);
    served(&f);
    fx_stop(&f);
}

static const cx_test_case cases[] = {
    {"slow_clients_cannot_starve", test_slow_clients_cannot_starve},
    {"trickle_cut_at_deadline", test_trickle_cut_at_deadline},
    {"huge_body_refused_unread", test_huge_body_refused_unread},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"hostile", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
