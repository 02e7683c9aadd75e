/* test_mock_wire.c - the wire faults, read byte by byte off a raw socket
 * (what a client gets, not what a client library makes of it), the delay
 * distributions drawn many times, and the rules' errors and listing. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "../../mockcxone/src/mock_fault.h"
#include "mock_fixture.h"

/* What came back for one request: every byte to the close, and in how many
 * reads it came. */
typedef struct wire_got {
    char data[65536];
    size_t len;
    int reads;
    bool closed;   /* the server closed (else: gave up waiting) */
} wire_got;

static void wire_get(fixture *f, const char *path, int wait_ms, wire_got *g)
{
    memset(g, 0, sizeof *g);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)mock_server_port(f->s))};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    CX_REQUIRE(connect(c, (struct sockaddr *)&to, sizeof to) == 0);
    char req[2048];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n", path, f->auth);
    CX_REQUIRE(send(c, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
    for (;;) {
        struct pollfd p = {.fd = c, .events = POLLIN};
        if (poll(&p, 1, wait_ms) <= 0)
            break;
        ssize_t n = recv(c, g->data + g->len, sizeof g->data - 1 - g->len, 0);
        if (n <= 0) {
            g->closed = true;
            break;
        }
        g->len += (size_t)n;
        g->reads++;
    }
    g->data[g->len] = '\0';
    close(c);
}

/* The body after the headers, and the Content-Length (-1: none). */
static const char *body_of(const wire_got *g, long *length)
{
    const char *end = strstr(g->data, "\r\n\r\n");
    const char *cl = strstr(g->data, "Content-Length: ");
    *length = cl && end && cl < end ? atol(cl + 16) : -1;
    return end ? end + 4 : NULL;
}

static void start_with(fixture *f, const char *rule)
{
    fx_start(f, NULL);
    CX_REQUIRE(fx_login_default(f) == 200);
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{\"faults\":[{\"method\":\"GET\",\"path\":\"/api/v2/campaigns/*\",%s}]}", rule);
    CX_REQUIRE(fx_admin_faults(f, doc) == 200);
}

/* The journal labels the request with the rule's action by name. */
static void assert_journal_says(fixture *f, const char *label)
{
    cJSON *j = mock_server_journal(f->s);
    const cJSON *last = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
    const cJSON *fault = cJSON_GetObjectItem(last, "fault");
    CX_ASSERT_STR_EQ(cJSON_IsString(fault) ? fault->valuestring : "", label);
    cJSON_Delete(j);
}

/* The fault's own checks, past what every case checks. */

static void not_http(fixture *f, const wire_got *g)
{
    (void)f;
    CU_ASSERT(strncmp(g->data, "HTTP/", 5) != 0);
}

/* half of what the length promises, then the close */
static void half_the_body(fixture *f, const wire_got *g)
{
    (void)f;
    CX_ASSERT_CONTAINS(g->data, "HTTP/1.1 200 ");
    long length;
    const char *body = body_of(g, &length);
    CX_REQUIRE(body != NULL);
    CU_ASSERT(length > 100);
    CX_ASSERT_INT_EQ((long)strlen(body), length / 2);
    CX_ASSERT_CONTAINS(body, "{\"id\":\"c-1001\"");
}

/* a good chunk (hex size), then a size line that is not hex, no last chunk */
static void broken_chunk(fixture *f, const wire_got *g)
{
    (void)f;
    CX_ASSERT_CONTAINS(g->data, "Transfer-Encoding: chunked\r\n");
    long length;
    const char *body = body_of(g, &length);
    CX_REQUIRE(body != NULL);
    CX_ASSERT_INT_EQ(length, -1);
    char *end;
    long first = strtol(body, &end, 16);
    CU_ASSERT(first > 0 && strncmp(end, "\r\n", 2) == 0);
    CX_ASSERT_CONTAINS(body, "\r\nzz;broken\r\n");
    CX_ASSERT_NOT_CONTAINS(body, "\r\n0\r\n\r\n");
}

/* the answer came whole: as long as its Content-Length says (-1: it has
 * none, which `length` expects), and a JSON object */
static void whole(const wire_got *g, bool length)
{
    long n;
    const char *body = body_of(g, &n);
    CX_REQUIRE(body != NULL);
    CX_ASSERT_INT_EQ(length ? (long)strlen(body) : -1, n);
    cJSON *j = cJSON_Parse(body);
    CU_ASSERT(cJSON_IsObject(j));
    cJSON_Delete(j);
}

static void whole_with_length(fixture *f, const wire_got *g)
{
    (void)f;
    whole(g, true);
}

/* 100 bytes a tenth of a second: the answer (over 300 bytes) in 3 reads or more */
static void whole_over_300(fixture *f, const wire_got *g)
{
    whole_with_length(f, g);
    CU_ASSERT(g->len > 300);
}

static void whole_without_length(fixture *f, const wire_got *g)
{
    (void)f;
    whole(g, false);
}

/* a client that gives up frees the connection: the next request is answered */
static void next_answered(fixture *f, const wire_got *g)
{
    (void)g;
    CX_REQUIRE(fx_admin_faults(f, "{\"faults\":[]}") == 200);
    cx_http_resp r;
    CX_ASSERT_INT_EQ(fx_call(f, "GET", "/api/v2/campaigns/c-1001", NULL, NULL, &r), 200);
    cx_http_resp_free(&r);
}

/* Each wire fault on a GET of the campaign, read off a raw socket: whether
 * the server closes (slow-close and hang do not: the client gives up after
 * wait_ms), how many bytes come, in at least how many reads (dribble and
 * bandwidth deliver the whole answer in pieces, with pauses between them),
 * the fault's own checks, and the journal's label for the request. And a
 * stop does not wait for a slow close's 600 s. */
static void test_each_fault(void)
{
    static const struct {
        const char *rule;
        int wait_ms;
        int closed;    /* 1 closed, 0 not, -1 either */
        long len;      /* -1: any */
        int min_reads;
        void (*more)(fixture *f, const wire_got *g);
        const char *label; /* NULL: not checked */
    } cases[] = {
        {"\"action\":\"empty-response\"", 5000, 1, 0, 0, NULL, "rule 0: empty-response"},
        {"\"action\":\"random-data\"", 5000, 1, 512, 0, not_http, "rule 0: random-data"},
        {"\"action\":\"truncated-body\"", 5000, 1, -1, 0, half_the_body,
         "rule 0: truncated-body"},
        {"\"action\":\"malformed-chunk\"", 5000, 1, -1, 0, broken_chunk,
         "rule 0: malformed-chunk"},
        {"\"action\":\"dribble\",\"chunks\":4,\"durationMs\":900", 10000, -1, -1, 4,
         whole_with_length, "rule 0: dribble"},
        {"\"action\":\"bandwidth\",\"bytesPerSecond\":1000", 10000, -1, -1, 3, whole_over_300,
         NULL},
        {"\"action\":\"slow-close\",\"durationMs\":600000", 500, 0, -1, 0, whole_without_length,
         NULL},
        {"\"action\":\"hang\"", 500, 0, 0, 0, next_answered, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        printf("\n    %s", cases[i].rule);
        fixture f;
        start_with(&f, cases[i].rule);
        wire_got g;
        wire_get(&f, "/api/v2/campaigns/c-1001", cases[i].wait_ms, &g);
        if (cases[i].closed >= 0)
            CX_ASSERT_INT_EQ(g.closed, cases[i].closed);
        if (cases[i].len >= 0)
            CX_ASSERT_INT_EQ((long)g.len, cases[i].len);
        CX_ASSERT_GE(g.reads, cases[i].min_reads);
        if (cases[i].more)
            cases[i].more(&f, &g);
        if (cases[i].label)
            assert_journal_says(&f, cases[i].label);
        fx_stop(&f);
    }
}

/* A write the wire fault breaks has landed: the version rose. */
static void test_write_lands_under_truncation(void)
{
    fixture f;
    fx_start(&f, NULL);
    CX_REQUIRE(fx_login_default(&f) == 200);
    CX_REQUIRE(fx_admin_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/**\","
                                   "\"action\":\"truncated-body\"}]}") == 200);
    cx_http_resp r;
    long st = fx_call(&f, "PATCH", "/api/v2/campaigns/c-1001",
                      "{\"predictiveDialer\":{\"answerRate\":0.5}}", NULL, &r);
    cx_http_resp_free(&r);
    CU_ASSERT(st != 200); /* the client library saw a broken answer */
    mock_campaign_state cs;
    CX_REQUIRE(mock_server_campaign(f.s, "c-1001", &cs) == MOCK_OK);
    CX_ASSERT_INT_EQ(cs.version, 2);
    fx_stop(&f);
}

static void test_rule_errors(void)
{
    static const struct {
        const char *rule, *says;
    } bad[] = {
        {"{\"action\":\"dribble\",\"chunks\":3}", "faults[0].durationMs: dribble needs durationMs"},
        {"{\"action\":\"bandwidth\"}", "faults[0].bytesPerSecond: bandwidth needs"},
        {"{\"action\":\"hang\",\"status\":503}", "faults[0].status: hang sends no response"},
        {"{\"action\":\"reset\",\"chunks\":3}", "faults[0].chunks: only dribble takes chunks"},
        {"{\"delayMs\":5,\"delayDistribution\":{\"type\":\"fixed\",\"milliseconds\":5}}",
         "not both"},
        {"{\"delayDistribution\":{\"type\":\"uniform\",\"lower\":50,\"upper\":10}}",
         "faults[0].delayDistribution.upper: must not be below lower"},
        {"{\"delayDistribution\":{\"type\":\"lognormal\",\"median\":50}}",
         "faults[0].delayDistribution.sigma"},
        {"{\"delayDistribution\":{\"type\":\"gamma\"}}", "faults[0].delayDistribution.type"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "{\"faults\":[%s]}", bad[i].rule);
        cJSON *j = cJSON_Parse(doc);
        cx_error err = {0};
        CX_ASSERT_INT_EQ(mock_faults_check(cJSON_GetObjectItem(j, "faults"), "f.json", "faults",
                                           &err),
                         MOCK_EINVAL);
        CX_ASSERT_CONTAINS(err.msg, bad[i].says);
        cJSON_Delete(j);
    }
}

/* Every new field shows in the listing as read and loads back unchanged. */
static void test_listing_round_trip(void)
{
    fixture f;
    fx_start(&f, NULL);
    const char *doc =
        "{\"faults\":[{\"action\":\"dribble\",\"chunks\":3,\"durationMs\":200},"
        "{\"action\":\"bandwidth\",\"bytesPerSecond\":512},"
        "{\"action\":\"slow-close\",\"durationMs\":100},"
        "{\"delayDistribution\":{\"type\":\"lognormal\",\"median\":80,\"sigma\":0.4}},"
        "{\"delayDistribution\":{\"type\":\"uniform\",\"lower\":15,\"upper\":25}},"
        "{\"action\":\"malformed-chunk\",\"status\":500}]}";
    CX_REQUIRE(fx_admin_faults(&f, doc) == 200);
    cx_http_resp r;
    CX_REQUIRE(cx_http("GET", fx_url(&f, "/__admin/faults"), NULL, NULL, &r) == 200);
    CX_ASSERT_CONTAINS(r.body, "\"chunks\":3,\"durationMs\":200");
    CX_ASSERT_CONTAINS(r.body, "\"bytesPerSecond\":512");
    CX_ASSERT_CONTAINS(r.body, "\"delayDistribution\":{\"type\":\"lognormal\",\"median\":80,"
                               "\"sigma\":0.4}");
    CX_ASSERT_CONTAINS(r.body, "\"type\":\"uniform\",\"lower\":15,\"upper\":25");
    CX_ASSERT_CONTAINS(r.body, "\"action\":\"malformed-chunk\"");
    /* less the counts, it loads back and lists the same */
    cJSON *j = cx_http_json(&r);
    cx_http_resp_free(&r);
    cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(j, "faults"))
    {
        cJSON_DeleteItemFromObject(rule, "matched");
        cJSON_DeleteItemFromObject(rule, "fired");
    }
    char *again = cJSON_PrintUnformatted(j);
    CX_REQUIRE(fx_admin_faults(&f, again) == 200);
    CX_REQUIRE(cx_http("GET", fx_url(&f, "/__admin/faults"), NULL, NULL, &r) == 200);
    cJSON *k = cx_http_json(&r);
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(k, "faults"))
    {
        cJSON_DeleteItemFromObject(rule, "matched");
        cJSON_DeleteItemFromObject(rule, "fired");
    }
    CU_ASSERT(cJSON_Compare(j, k, true));
    cJSON_Delete(k);
    cx_http_resp_free(&r);
    free(again);
    cJSON_Delete(j);
    fx_stop(&f);
}

/* The distributions, drawn 4000 times each (no time passes: the draw is
 * what a firing would wait). */
static void draws(const char *dist, double *out, int n)
{
    mock__faults *fl;
    cx_error err = {0};
    CX_REQUIRE(mock__faults_create(7, &fl, &err) == MOCK_OK);
    char doc[256];
    snprintf(doc, sizeof doc, "{\"faults\":[{\"delayDistribution\":%s}]}", dist);
    cJSON *j = cJSON_Parse(doc);
    CX_REQUIRE(mock__faults_load(fl, j, "", false, &err) == MOCK_OK);
    for (int i = 0; i < n; i++) {
        mock__effect fx;
        mock__faults_match(fl, "GET", "/x", 0, &fx);
        CU_ASSERT(fx.fired);
        out[i] = (double)fx.delay_ms;
        mock__effect_free(&fx);
    }
    cJSON_Delete(j);
    mock__faults_destroy(fl);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_delay_distributions(void)
{
    enum { N = 4000 };
    static double d[N];
    draws("{\"type\":\"uniform\",\"lower\":15,\"upper\":25}", d, N);
    double sum = 0, lo = 1e9, hi = -1;
    for (int i = 0; i < N; i++) {
        sum += d[i];
        lo = fmin(lo, d[i]);
        hi = fmax(hi, d[i]);
    }
    CU_ASSERT(lo >= 15 && hi <= 25 && hi - lo >= 9);
    CX_ASSERT_NEAR(sum / N, 20.0, 0.3);
    /* lognormal: the median is the median, log-delays spread by sigma */
    draws("{\"type\":\"lognormal\",\"median\":200,\"sigma\":0.5}", d, N);
    qsort(d, N, sizeof *d, cmp_d);
    CX_ASSERT_NEAR(d[N / 2], 200.0, 12.0);
    double m = 0, v = 0;
    for (int i = 0; i < N; i++)
        m += log(d[i]) / N;
    for (int i = 0; i < N; i++)
        v += (log(d[i]) - m) * (log(d[i]) - m) / (N - 1);
    CX_ASSERT_NEAR(sqrt(v), 0.5, 0.03);
    draws("{\"type\":\"fixed\",\"milliseconds\":42}", d, 3);
    CX_ASSERT_NEAR(d[0], 42, 0);
    CX_ASSERT_NEAR(d[2], 42, 0);
}

static const cx_test_case wire_cases[] = {
    {"each_fault", test_each_fault},
    {"write_lands_under_truncation", test_write_lands_under_truncation},
    {NULL, NULL}};

static const cx_test_case rule_cases[] = {
    {"rule_errors", test_rule_errors},
    {"listing_round_trip", test_listing_round_trip},
    {"delay_distributions", test_delay_distributions},
    {NULL, NULL}};

static const cx_test_suite suites[] = {
    {"wire_faults", NULL, NULL, wire_cases}, {"fault_rules", NULL, NULL, rule_cases}, {NULL}};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
