/* test_mock_hostile.c - slow clients (slowloris) cannot starve mockcxone.
 *
 * Many connections from two other loopback addresses (127.0.0.2 and
 * 127.0.0.3) hold requests open: one sends half its headers and stops, the
 * other sends its headers and a few bytes of a long body and stops. A
 * normal client on 127.0.0.1 is served all along, because one address may
 * hold only so many connections (the rest are closed at once), and the
 * server closes what stays idle past its connection timeout. */
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
#define TIMEOUT_S 2 /* the server's idle timeout */

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
    /* while they hold theirs, a normal client is served, again and again */
    for (int i = 0; i < 10; i++)
        served(&f);
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

static const cx_test_case cases[] = {
    {"slow_clients_cannot_starve", test_slow_clients_cannot_starve},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"hostile", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
