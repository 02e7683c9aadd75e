/* fuzz_mock_http.c - mockcxone's request handling, through the real server:
 * the input is the raw bytes of an HTTP request (method, path, query,
 * headers, body), sent over loopback to a live server, seed profile or
 * cxone profile by the first byte. "$TOKEN" in the input becomes a valid
 * bearer token, so the fuzzer reaches past authentication. The admin API
 * is left out (it would let one input change what the next one meets);
 * its fault rules have their own target. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz.h"
#include "mockcxone.h"

typedef struct server {
    cx_clock *clk;
    mock_server *s;
    unsigned port;
    char token[1024];
} server;

static server servers[2];

/* Sends `len` bytes and reads the answer until the server closes (or 2 s
 * pass); returns the bytes read into out (NUL-ended). */
static size_t exchange(unsigned port, const char *req, size_t len, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        abort();
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    /* closing with a reset leaves no TIME_WAIT: thousands of connections a
     * second would otherwise run out of local ports */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    int rc, tries = 0;
    while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 && errno == EADDRNOTAVAIL &&
           tries++ < 100)
        usleep(10000); /* local ports still in use: wait for some */
    if (rc != 0 && errno == EINTR) {
        /* libFuzzer's timers interrupt: the connection goes on; wait for it */
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int e = 0;
        socklen_t el = sizeof e;
        while ((rc = poll(&p, 1, 2000)) < 0 && errno == EINTR)
            ;
        rc = rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0 ? 0 : -1;
        if (rc != 0)
            errno = e ? e : ETIMEDOUT;
    }
    if (rc != 0) {
        fprintf(stderr, "fuzz_mock_http: connect to port %u: %s\n", port, strerror(errno));
        abort(); /* the server is gone: a finding */
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = send(fd, req + done, len - done, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* the server may close early on a bad request */
        done += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    for (;;) {
        char sink[4096];
        char *dst = got + 1 < cap ? out + got : sink;
        size_t room = got + 1 < cap ? cap - 1 - got : sizeof sink;
        ssize_t r = recv(fd, dst, room, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (dst != sink)
            got += (size_t)r;
    }
    if (cap)
        out[got] = '\0';
    close(fd);
    return got;
}

static void take_token(server *sv, const char *request)
{
    char resp[8192];
    exchange(sv->port, request, strlen(request), resp, sizeof resp);
    const char *t = strstr(resp, "\"access_token\":\"");
    if (!t) {
        fprintf(stderr, "fuzz_mock_http: no token from the server: %s\n", resp);
        abort();
    }
    t += 16;
    size_t n = strcspn(t, "\"");
    if (n >= sizeof sv->token)
        abort();
    memcpy(sv->token, t, n);
    sv->token[n] = '\0';
}

static void start(server *sv, mock_profile profile)
{
    mock_options o;
    mock_options_default(&o);
    o.profile = profile;
    sv->clk = cx_clock_virtual_create(1795500000.0);
    o.clock = sv->clk;
    o.journal_max = 1000;
    cx_error err = {0};
    if (mock_server_create(&o, &sv->s, &err) != MOCK_OK || mock_server_start(sv->s, &err) != MOCK_OK) {
        fprintf(stderr, "fuzz_mock_http: %s\n", err.msg);
        abort();
    }
    sv->port = mock_server_port(sv->s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    start(&servers[0], MOCK_PROFILE_SEED);
    start(&servers[1], MOCK_PROFILE_CXONE);
    static const char *const bodies[2] = {
        "grant_type=client_credentials",
        "grant_type=password&username=MOCKACCESSKEY0001%3D%3D%3D%3D&"
        "password=mock%2Baccess%2Fkey%2Bsecret%3D%3D%3D%3D"};
    for (int i = 0; i < 2; i++) {
        char req[1024];
        /* base64("cxopt-dev:cxopt-dev-secret") */
        snprintf(req, sizeof req,
                 "POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 "application/x-www-form-urlencoded\r\nAuthorization: Basic "
                 "Y3hvcHQtZGV2OmN4b3B0LWRldi1zZWNyZXQ=\r\nContent-Length: %zu\r\nConnection: "
                 "close\r\n\r\n%s",
                 strlen(bodies[i]), bodies[i]);
        take_token(&servers[i], req);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    /* nor an escaped way round the renaming ("/%5F_admin" decodes to it) */
    for (size_t i = 0; i + 3 <= size; i++)
        if (data[i] == '%' && data[i + 1] == '5' && (data[i + 2] | 0x20) == 'f')
            return 0;
    server *sv = &servers[data[0] & 1];
    /* the request, with "$TOKEN" made real and the admin API renamed away */
    size_t tlen = strlen(sv->token);
    size_t cap = size * (tlen / 6 + 1) + 1; /* every 6 bytes may become a token */
    char *req = malloc(cap), *p = req;
    if (!req)
        abort();
    const char *in = (const char *)data + 1, *end = (const char *)data + size;
    while (in < end) {
        if (end - in >= 6 && memcmp(in, "$TOKEN", 6) == 0) {
            memcpy(p, sv->token, tlen);
            p += tlen;
            in += 6;
        } else if (end - in >= 3 && memcmp(in, "/__", 3) == 0) {
            memcpy(p, "/_x", 3);
            p += 3;
            in += 3;
        } else {
            *p++ = *in++;
        }
    }
    char resp[256];
    exchange(sv->port, req, (size_t)(p - req), resp, sizeof resp);
    free(req);
    /* every answer is HTTP (or nothing: a reset, or a request MHD dropped) */
    if (resp[0] && strncmp(resp, "HTTP/1.", 7) != 0)
        abort();
    return 0;
}
