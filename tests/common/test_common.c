/* test_common.c - cx_error, cx_clock, cx_buf, the JSON reader and the parallel map. */
#include "cxcommon.h"
#include "cxtest.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>

static void test_parse_error_position(void)
{
    cx_error err = {0};
    const char *text = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    cJSON *j = cx_json_parse(text, strlen(text), "x.json", &err);
    CU_ASSERT_PTR_NULL(j);
    CX_ASSERT_CONTAINS(err.msg, "x.json: invalid JSON at line 3");
    cx_error_clear(&err);
    j = cx_json_parse("{\"a\":1} junk", 12, "y.json", &err);
    CU_ASSERT_PTR_NULL(j);
    CX_ASSERT_CONTAINS(err.msg, "y.json: invalid JSON at line 1, column 9");
    j = cx_json_parse("", 0, "empty.json", &err);
    CU_ASSERT_PTR_NULL(j);
    CX_ASSERT_CONTAINS(err.msg, "unexpected end of input");
    j = cx_json_parse("{\"a\":1}", 7, "ok.json", &err);
    CX_REQUIRE(j != NULL);
    cJSON_Delete(j);
}

/* Parses text and expects a refusal whose message contains `want`. */
static void refused(const char *text, size_t len, const char *want)
{
    cx_error err = {0};
    cJSON *j = cx_json_parse(text, len, "in.json", &err);
    cx__assert_fmt(j == NULL, __LINE__, __FILE__, "accepted %s", text);
    cJSON_Delete(j);
    CX_ASSERT_CONTAINS(err.msg, want);
}

static void accepted(const char *text)
{
    cx_error err = {0};
    cJSON *j = cx_json_parse(text, strlen(text), "in.json", &err);
    cx__assert_fmt(j != NULL, __LINE__, __FILE__, "refused %s: %s", text, err.msg);
    cJSON_Delete(j);
}

/* An escaped NUL would end the C string cJSON decodes into: the key
 * "status\u0000junk" would read as "status". Refused, with its position. */
static void test_parse_refuses_escaped_nul(void)
{
    const char *key = "{\"status\\u0000junk\":\"paused\"}";
    refused(key, strlen(key), "in.json: invalid JSON at line 1, column 9: an escaped NUL");
    const char *val = "{\n \"a\": \"x\\u0000\"}";
    refused(val, strlen(val), "at line 2, column 9: an escaped NUL");
    /* an escaped backslash before "u0000" is six ordinary characters */
    accepted("{\"a\":\"\\\\u0000\"}");
    accepted("{\"a\":\"\\u0001\\u00e9\"}");
}

/* RFC 8259 8.1: JSON text is UTF-8; anything else is refused where it is. */
static void test_parse_refuses_invalid_utf8(void)
{
    refused("{\"\xff\xfe\":1}", 8, "in.json: invalid JSON at line 1, column 3: not UTF-8");
    refused("{\"a\":\"\xc0\x80\"}", 10, "column 7: not UTF-8");   /* overlong NUL */
    refused("{\"a\":\"\xed\xa0\x80\"}", 11, "column 7: not UTF-8"); /* a surrogate */
    refused("{\"a\":\"\xf4\x90\x80\x80\"}", 12, "not UTF-8");    /* past U+10FFFF */
    refused("{\"a\":\"\xe2\x82\"}", 10, "not UTF-8");              /* cut short */
    refused("{\"a\":1} \x80", 9, "column 9: not UTF-8");             /* outside strings */
    accepted("{\"caf\xc3\xa9\":\"\xe2\x82\xac \xf0\x9f\x93\x9e\"}");
}

static void test_load_missing_file(void)
{
    cx_error err = {0};
    cJSON *j = cx_json_load_file("/nonexistent/dir/f.json", &err);
    CU_ASSERT_PTR_NULL(j);
    CX_ASSERT_CONTAINS(err.msg, "/nonexistent/dir/f.json: cannot open");
}

static void test_jobj_paths(void)
{
    const char *text = "{\"campaign\":{\"talkTime\":{\"mean\":-3,\"dist\":\"exp\"},"
                       "\"agents\":\"ten\"},\"extra\":1}";
    cx_error err = {0};
    cJSON *root = cx_json_parse(text, strlen(text), "dial.json", &err);
    CX_REQUIRE(root != NULL);
    cx_jobj top, camp, talk;
    CX_ASSERT_INT_EQ(cx_jobj_init(&top, root, "dial.json", "", 7, &err), 0);
    static const char *const allowed[] = {"campaign", "hours", NULL};
    CX_ASSERT_INT_EQ(cx_jobj_only(&top, allowed), -1);
    CX_ASSERT_STR_EQ(err.msg, "dial.json: extra: unknown key (expected one of: campaign, hours)");
    CX_ASSERT_INT_EQ(err.code, 7);
    CX_ASSERT_INT_EQ(cx_jobj_child(&top, "campaign", true, &camp), 1);
    CX_ASSERT_INT_EQ(cx_jobj_child(&camp, "talkTime", true, &talk), 1);
    double mean = 99;
    CX_ASSERT_INT_EQ(cx_jobj_num(&talk, "mean", true, 0, 1e9, &mean), -1);
    CX_ASSERT_STR_EQ(err.msg, "dial.json: campaign.talkTime.mean: must be >= 0, got -3");
    CX_ASSERT_NEAR(mean, 99, 0);
    long agents = 5;
    CX_ASSERT_INT_EQ(cx_jobj_int(&camp, "agents", true, 1, 100, &agents), -1);
    CX_ASSERT_STR_EQ(err.msg, "dial.json: campaign.agents: expected an integer, got a string");
    static const char *const dists[] = {"fixed", "exponential", NULL};
    int idx = -1;
    CX_ASSERT_INT_EQ(cx_jobj_enum(&talk, "dist", true, dists, &idx), -1);
    CX_ASSERT_CONTAINS(err.msg, "campaign.talkTime.dist: unknown value \"exp\"");
    double hours = 24;
    CX_ASSERT_INT_EQ(cx_jobj_num(&top, "hours", false, 0, 1e6, &hours), 0);
    CX_ASSERT_NEAR(hours, 24, 0);
    CX_ASSERT_INT_EQ(cx_jobj_num(&top, "hours", true, 0, 1e6, &hours), -1);
    CX_ASSERT_STR_EQ(err.msg, "dial.json: hours: required key is missing");
    cJSON_Delete(root);
}

static void test_jobj_duplicate_and_int(void)
{
    const char *text = "{\"a\":1.5,\"a\":2}";
    cx_error err = {0};
    cJSON *root = cx_json_parse(text, strlen(text), "d.json", &err);
    CX_REQUIRE(root != NULL);
    cx_jobj top;
    CX_ASSERT_INT_EQ(cx_jobj_init(&top, root, "d.json", "", 1, &err), 0);
    static const char *const allowed[] = {"a", NULL};
    CX_ASSERT_INT_EQ(cx_jobj_only(&top, allowed), -1);
    CX_ASSERT_STR_EQ(err.msg, "d.json: a: duplicate key");
    long v = 0;
    CX_ASSERT_INT_EQ(cx_jobj_int(&top, "a", true, 0, 10, &v), -1);
    CX_ASSERT_CONTAINS(err.msg, "expected an integer, got 1.5");
    cJSON_Delete(root);
}

static void test_buf_cap(void)
{
    cx_buf b;
    cx_buf_init(&b, 10);
    CX_ASSERT_INT_EQ(cx_buf_append(&b, "hello", 5), 0);
    CX_ASSERT_INT_EQ(cx_buf_printf(&b, "%d", 1234), 0);
    CX_ASSERT_STR_EQ(b.data, "hello1234");
    CX_ASSERT_INT_EQ(cx_buf_append(&b, "ab", 2), -1);
    CX_ASSERT_STR_EQ(b.data, "hello1234");
    CX_ASSERT_INT_EQ(cx_buf_append(&b, "a", 1), 0);
    CX_ASSERT_INT_EQ(b.len, 10);
    char *s = cx_buf_steal(&b);
    CX_ASSERT_STR_EQ(s, "hello1234a");
    free(s);
    cx_buf_free(&b);
}

static void *sleeper(void *arg)
{
    for (int i = 0; i < 1000; i++)
        cx_clock_sleep(arg, 0.5);
    return NULL;
}

static void test_virtual_clock(void)
{
    cx_clock *clk = cx_clock_virtual_create(1000.0);
    CX_REQUIRE(clk != NULL);
    CU_ASSERT(cx_clock_is_virtual(clk));
    CX_ASSERT_NEAR(cx_clock_now(clk), 1000.0, 0);
    /* an hour passes at once (a real sleep would be stopped by the test's
     * ctest timeout, not measured here: no wall time in a test) */
    cx_clock_sleep(clk, 3600.0);
    CX_ASSERT_NEAR(cx_clock_now(clk), 4600.0, 0);
    CX_ASSERT_INT_EQ(cx_clock_advance(clk, -1), -1);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, sleeper, clk);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CX_ASSERT_NEAR(cx_clock_now(clk), 4600.0 + 4 * 500.0, 1e-6);
    cx_clock_destroy(clk);

    cx_clock *real = cx_clock_real_create();
    CX_REQUIRE(real != NULL);
    CU_ASSERT(!cx_clock_is_virtual(real));
    CX_ASSERT_INT_EQ(cx_clock_advance(real, 1), -1);
    CX_ASSERT_GE(cx_clock_now(real), 1.7e9);
    cx_clock_destroy(real);
    cx_clock_destroy(NULL);
}

static void test_rfc3339(void)
{
    char buf[32];
    cx_format_rfc3339(0.25, buf, sizeof buf);
    CX_ASSERT_STR_EQ(buf, "1970-01-01T00:00:00.250Z");
    cx_format_rfc3339(1795529797.0, buf, sizeof buf);
    CX_ASSERT_STR_EQ(buf, "2026-11-24T14:16:37.000Z");
}

static void test_error_prefix(void)
{
    cx_error err;
    CX_ASSERT_INT_EQ(cx_error_set(&err, 3, "bad %s", "thing"), 3);
    cx_error_prefix(&err, "loading %s", "f.json");
    CX_ASSERT_STR_EQ(err.msg, "loading f.json: bad thing");
    CX_ASSERT_INT_EQ(err.code, 3);
    char small[4];
    CU_ASSERT(!cx_copy(small, sizeof small, "abcdef"));
    CX_ASSERT_STR_EQ(small, "abc");
}

/* ---------------------------------------------------------- parallel map */

typedef struct map_ctx {
    size_t n;
    int *runs;            /* per unit: how often it ran */
    unsigned long long *out;
    size_t *order;        /* the order units finished in */
    size_t done;
} map_ctx;

/* A unit whose result depends on its index alone: a long xorshift chain. */
static void map_unit(void *ctx, size_t i)
{
    map_ctx *m = ctx;
    unsigned long long x = 0x9e3779b97f4a7c15ULL ^ (i + 1);
    for (int k = 0; k < 20000; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    m->out[i] = x;
    m->runs[i]++;
}

static void map_done(void *ctx, size_t i)
{
    map_ctx *m = ctx; /* serialised by the map */
    m->order[m->done++] = i;
}

static void map_with(size_t n, int threads, map_ctx *m)
{
    m->n = n;
    m->done = 0;
    m->runs = calloc(n, sizeof *m->runs);
    m->out = calloc(n, sizeof *m->out);
    m->order = calloc(n, sizeof *m->order);
    CX_REQUIRE(m->runs && m->out && m->order);
    cx_map_job job = {.n = n, .threads = threads, .ctx = m, .run = map_unit, .done = map_done};
    cx_error err = {0};
    CX_ASSERT_INT_EQ(cx_map_run(NULL, &job, &err), CX_MAP_OK);
}

static void map_free(map_ctx *m)
{
    free(m->runs);
    free(m->out);
    free(m->order);
}

static void test_map_each_unit_once(void)
{
    static const int threads[] = {1, 2, 4, 8, 300};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        map_ctx m;
        map_with(257, threads[t], &m);
        for (size_t i = 0; i < m.n; i++)
            cx__assert_fmt(m.runs[i] == 1, __LINE__, __FILE__, "%d threads: unit %zu ran %d times",
                           threads[t], i, m.runs[i]);
        CX_ASSERT_INT_EQ((int)m.done, 257);
        if (threads[t] == 1) /* one worker: the calling thread, in index order */
            for (size_t i = 0; i < m.n; i++)
                CX_ASSERT_INT_EQ((int)m.order[i], (int)i);
        map_free(&m);
    }
    map_ctx none;
    map_with(0, 4, &none); /* nothing to do is not an error */
    CX_ASSERT_INT_EQ((int)none.done, 0);
    map_free(&none);
}

static void test_map_same_bytes_any_workers(void)
{
    map_ctx one, four;
    map_with(500, 1, &one);
    map_with(500, 4, &four);
    CU_ASSERT(memcmp(one.out, four.out, 500 * sizeof *one.out) == 0);
    map_free(&one);
    map_free(&four);
}

static int fake_backend_calls;

static int fake_backend(void *self, const cx_map_job *job, cx_error *err)
{
    (void)self;
    fake_backend_calls++;
    /* a backend built on the threads one: here, the odd units only */
    size_t idx[] = {1, 3, 5};
    return cx_map_threads(job, idx, 3, err);
}

static void test_map_backend_and_errors(void)
{
    map_ctx m = {0};
    m.runs = calloc(6, sizeof *m.runs);
    m.out = calloc(6, sizeof *m.out);
    m.order = calloc(6, sizeof *m.order);
    CX_REQUIRE(m.runs && m.out && m.order);
    cx_map_backend b = {.name = "fake", .run = fake_backend};
    cx_map_job job = {.n = 6, .threads = 3, .ctx = &m, .run = map_unit};
    cx_error err = {0};
    CX_ASSERT_INT_EQ(cx_map_run(&b, &job, &err), CX_MAP_OK);
    CX_ASSERT_INT_EQ(fake_backend_calls, 1);
    for (int i = 0; i < 6; i++)
        CX_ASSERT_INT_EQ(m.runs[i], i % 2);
    map_free(&m);
    job.run = NULL;
    CX_ASSERT_INT_EQ(cx_map_run(NULL, &job, &err), CX_MAP_EINVAL);
    CX_ASSERT_CONTAINS(err.msg, "no run function");
    CX_ASSERT_STR_EQ(cx_map_strerror(CX_MAP_ENOMEM), "out of memory");
}

static const cx_test_case json_cases[] = {
    {"parse_error_position", test_parse_error_position},
    {"parse_refuses_escaped_nul", test_parse_refuses_escaped_nul},
    {"parse_refuses_invalid_utf8", test_parse_refuses_invalid_utf8},
    {"load_missing_file", test_load_missing_file},
    {"jobj_paths", test_jobj_paths},
    {"jobj_duplicate_and_int", test_jobj_duplicate_and_int},
    {NULL, NULL},
};
static const cx_test_case misc_cases[] = {
    {"buf_cap", test_buf_cap},
    {"virtual_clock", test_virtual_clock},
    {"rfc3339", test_rfc3339},
    {"error_prefix", test_error_prefix},
    {NULL, NULL},
};
static const cx_test_case map_cases[] = {
    {"map_each_unit_once", test_map_each_unit_once},
    {"map_same_bytes_any_workers", test_map_same_bytes_any_workers},
    {"map_backend_and_errors", test_map_backend_and_errors},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"json", NULL, NULL, json_cases},
    {"misc", NULL, NULL, misc_cases},
    {"map", NULL, NULL, map_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
