/* test_mock_http.c - what mockcxone accepts and answers at the HTTP level,
 * over loopback: JSON bodies holding an escaped NUL or bytes that are not
 * UTF-8 are 400 invalid_json (and nothing changes), a body that is not JSON
 * by its media type is 415, HEAD is GET without the body, "Bearer" may be
 * followed by more than one space, an injected 401 challenges as the
 * server's own do, and a malformed Content-Length never reaches a route. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock_fixture.h"

#define CAMPAIGN "/api/v2/campaigns/c-1001"

/* Sends `len` raw bytes on a new connection and reads the whole answer
 * (until the server closes or 5 s pass). Caller frees. */
static char *raw(unsigned port, const char *bytes, size_t len, size_t *out_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CX_REQUIRE(fd >= 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    CX_REQUIRE(connect(fd, (struct sockaddr *)&to, sizeof to) == 0);
    CX_REQUIRE(send(fd, bytes, len, MSG_NOSIGNAL) == (ssize_t)len);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    CX_REQUIRE(buf != NULL);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (n < cap && poll(&p, 1, 5000) > 0) {
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    close(fd);
    if (out_len)
        *out_len = n;
    return buf;
}

static void patch_raw(fixture *f, const char *body, size_t len, const char *content_type,
                      cx_http_resp *r)
{
    /* cx_http sends a C string: build the request by hand for any bytes */
    char head[2048];
    int h = snprintf(head, sizeof head,
                     "PATCH " CAMPAIGN " HTTP/1.1\r\nHost: x\r\n%s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     f->auth, content_type, len);
    char *req = malloc((size_t)h + len);
    CX_REQUIRE(req != NULL);
    memcpy(req, head, (size_t)h);
    memcpy(req + h, body, len);
    size_t n = 0;
    char *resp = raw(mock_server_port(f->s), req, (size_t)h + len, &n);
    free(req);
    memset(r, 0, sizeof *r);
    sscanf(resp, "HTTP/1.1 %ld", &r->status);
    const char *b = strstr(resp, "\r\n\r\n");
    r->body = strdup(b ? b + 4 : "");
    r->len = strlen(r->body);
    cx_copy(r->headers, sizeof r->headers, resp);
    free(resp);
}

static void expect_status(fixture *f, const char *want_status)
{
    mock_campaign_state st;
    CX_ASSERT_INT_EQ(mock_server_campaign(f->s, "c-1001", &st), MOCK_OK);
    CX_ASSERT_STR_EQ(st.status, want_status);
    CX_ASSERT_INT_EQ(st.version, 1);
}

/* {"status\u0000junk":"paused"} once paused the campaign: the key read as
 * "status". */
static void test_escaped_nul_refused(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, "{\"status\\u0000junk\":\"paused\"}", NULL,
                             &r),
                     400);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"invalid_json\"");
    CX_ASSERT_CONTAINS(r.body, "line 1, column 9: an escaped NUL");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, "{\"status\":\"paused\\u0000x\"}", NULL, &r),
                     400);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"invalid_json\"");
    cx_http_resp_free(&r);
    expect_status(&f, "active");
    /* the admin API reads JSON through the same parser */
    CX_ASSERT_INT_EQ(cx_http("POST", fx_url(&f, "/__admin/faults"), NULL,
                             "{\"faults\":[{\"path\\u0000\":\"/x\",\"status\":503}]}", &r),
                     400);
    CX_ASSERT_CONTAINS(r.body, "an escaped NUL");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* printf '{"\xff\xfe":1}' once got a 422 echoing the bytes: not JSON. */
static void test_invalid_utf8_refused(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    cx_http_resp r;
    static const char bad[] = "{\"\xff\xfe\":1}";
    patch_raw(&f, bad, sizeof bad - 1, "application/json", &r);
    CX_ASSERT_INT_EQ(r.status, 400);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"invalid_json\"");
    CX_ASSERT_CONTAINS(r.body, "line 1, column 3: not UTF-8");
    /* what comes back is JSON itself */
    cx_error err = {0};
    cJSON *j = cx_json_parse(r.body, r.len, "response", &err);
    cx__assert_fmt(j != NULL, __LINE__, __FILE__, "response not JSON: %s", err.msg);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    static const char in_value[] = "{\"status\":\"pa\xc0\xafused\"}"; /* overlong '/' */
    patch_raw(&f, in_value, sizeof in_value - 1, "application/json", &r);
    CX_ASSERT_INT_EQ(r.status, 400);
    CX_ASSERT_CONTAINS(r.body, "not UTF-8");
    cx_http_resp_free(&r);
    expect_status(&f, "active");
    /* a path that decodes to bytes that are not UTF-8 gets a UTF-8 404 */
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", "/api/v9/%FF%FE", NULL, NULL, &r), 404);
    CU_ASSERT(cx_utf8_valid(r.body, r.len, NULL));
    cx_http_resp_free(&r);
    /* and the journal, which keeps what was sent, stays JSON */
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/journal"), NULL, NULL, &r), 200);
    size_t at = 0;
    cx__assert_fmt(cx_utf8_valid(r.body, r.len, &at), __LINE__, __FILE__,
                   "journal not UTF-8 at byte %zu", at);
    j = cx_json_parse(r.body, r.len, "journal", &err);
    CU_ASSERT_PTR_NOT_NULL(j);
    cJSON_Delete(j);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static void test_media_type(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    const char *patch = "{\"predictiveDialer\":{\"answerRate\":0.8}}";
    cx_http_resp r;
    patch_raw(&f, patch, strlen(patch), "text/plain", &r);
    CX_ASSERT_INT_EQ(r.status, 415);
    CX_ASSERT_CONTAINS(r.body, "\"error\":\"unsupported_media_type\"");
    cx_http_resp_free(&r);
    patch_raw(&f, patch, strlen(patch), "application/x-www-form-urlencoded", &r);
    CX_ASSERT_INT_EQ(r.status, 415);
    cx_http_resp_free(&r);
    expect_status(&f, "active");
    patch_raw(&f, patch, strlen(patch), "application/merge-patch+json", &r);
    CX_ASSERT_INT_EQ(r.status, 200);
    cx_http_resp_free(&r);
    patch = "{\"predictiveDialer\":{\"answerRate\":0.75}}";
    patch_raw(&f, patch, strlen(patch), "Application/JSON; charset=utf-8", &r);
    CX_ASSERT_INT_EQ(r.status, 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* HEAD answers what GET answers, without the body. */
static void test_head(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    cx_http_resp g;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &g), 200);
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "HEAD " CAMPAIGN " HTTP/1.1\r\nHost: x\r\n%s\r\nConnection: close\r\n\r\n",
                     f.auth);
    size_t len = 0;
    char *resp = raw(mock_server_port(f.s), req, (size_t)n, &len);
    CX_ASSERT_CONTAINS(resp, "HTTP/1.1 200");
    CX_ASSERT_CONTAINS(resp, "ETag: \"v1\"");
    char want[64];
    snprintf(want, sizeof want, "Content-Length: %zu\r\n", g.len);
    CX_ASSERT_CONTAINS(resp, want);
    const char *end = strstr(resp, "\r\n\r\n");
    CX_REQUIRE(end != NULL);
    CX_ASSERT_STR_EQ(end + 4, ""); /* no body */
    free(resp);
    cx_http_resp_free(&g);
    /* a 405 lists HEAD beside GET */
    CX_ASSERT_INT_EQ(fx_call(&f, "DELETE", CAMPAIGN, NULL, NULL, &g), 405);
    char allow[64];
    CX_ASSERT_STR_EQ(cx_http_header(&g, "Allow", allow, sizeof allow), "GET, HEAD, PATCH");
    cx_http_resp_free(&g);
    fx_stop(&f);
}

/* RFC 6750 2.1: credentials = "Bearer" 1*SP b64token. */
static void test_bearer_spaces(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    char auth[1200];
    snprintf(auth, sizeof auth, "Authorization: Bearer   %s", f.token);
    const char *h[] = {auth, NULL};
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, CAMPAIGN), h, NULL, &r), 200);
    cx_http_resp_free(&r);
    const char *empty[] = {"Authorization: Bearer   ", NULL};
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, CAMPAIGN), empty, NULL, &r), 401);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* A 401 from a fault rule carries a challenge, as the server's own do;
 * one the rule gives wins. */
static void test_injected_401_challenges(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_ASSERT_INT_EQ(fx_login_default(&f), 200);
    CX_ASSERT_INT_EQ(
        fx_admin_faults(&f, "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/**\",\"status\":401,"
                            "\"times\":1},{\"method\":\"PATCH\",\"path\":\"/api/**\",\"status\":"
                            "401,\"headers\":{\"WWW-Authenticate\":\"Bearer realm=\\\"x\\\"\"}}]}"),
        200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(&f, "GET", CAMPAIGN, NULL, NULL, &r), 401);
    char v[256];
    CX_ASSERT_CONTAINS(cx_http_header(&r, "WWW-Authenticate", v, sizeof v),
                       "Bearer realm=\"mockcxone\", error=\"invalid_token\"");
    cx_http_resp_free(&r);
    CX_ASSERT_INT_EQ(fx_call(&f, "PATCH", CAMPAIGN, "{}", NULL, &r), 401);
    CX_ASSERT_STR_EQ(cx_http_header(&r, "WWW-Authenticate", v, sizeof v), "Bearer realm=\"x\"");
    cx_http_resp_free(&r);
    fx_stop(&f);
}

/* libmicrohttpd answers a malformed Content-Length itself, before any
 * callback of ours runs (README: "HTTP details" says why the mock does not
 * answer it): it is refused, closed, and never reaches a route. */
static void test_bad_content_length_never_routed(void)
{
    fixture f;
    fx_start(&f, NULL);
    size_t before = mock_server_journal_length(f.s);
    static const char *const bad[] = {"abc", "-1", "5, 6", "+5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char req[512];
        int n = snprintf(req, sizeof req,
                         "PATCH " CAMPAIGN " HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n"
                         "Connection: close\r\n\r\n{\"a\":1}",
                         bad[i]);
        char *resp = raw(mock_server_port(f.s), req, (size_t)n, NULL);
        CX_ASSERT_CONTAINS(resp, "HTTP/1.1 400 ");
        free(resp);
    }
    CX_ASSERT_INT_EQ(mock_server_journal_length(f.s), before);
    expect_status(&f, "active");
    /* and the server goes on serving */
    cx_http_resp r;
    CX_ASSERT_INT_EQ(cx_http("GET", fx_url(&f, "/__admin/health"), NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
    fx_stop(&f);
}

static const cx_test_case cases[] = {
    {"escaped_nul_refused", test_escaped_nul_refused},
    {"invalid_utf8_refused", test_invalid_utf8_refused},
    {"media_type", test_media_type},
    {"head", test_head},
    {"bearer_spaces", test_bearer_spaces},
    {"injected_401_challenges", test_injected_401_challenges},
    {"bad_content_length_never_routed", test_bad_content_length_never_routed},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"http", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
