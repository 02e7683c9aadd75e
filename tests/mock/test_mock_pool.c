/* test_mock_pool.c - the server's thread pool: a fault's delay holds its
 * own connection, never a thread. With one event-loop thread (threads = 1)
 * a delay slept in a handler would hold every other connection until it
 * ended; parked (mock_park.h), it holds none. Real sockets on loopback. */
#include <pthread.h>
#include <stdatomic.h>

#include "mock_fixture.h"

/* two campaigns: a fault holds one, the other is read meanwhile */
#define DELAYED "/api/v2/campaigns/c-slow"
#define FAST "/api/v2/campaigns/c-fast"

static atomic_int done_order; /* 1, 2, ...: the order requests complete in */

typedef struct client {
    fixture *f;
    const char *path;
    int n;            /* requests to make, one after another */
    int ok;           /* how many were answered 200 */
    int last_done;    /* done_order when the last of them completed */
} client;

static void *run_client(void *arg)
{
    client *c = arg;
    for (int i = 0; i < c->n; i++) {
        cx_http_resp r;
        long st = fx_call(c->f, "GET", c->path, NULL, NULL, &r);
        c->last_done = atomic_fetch_add(&done_order, 1) + 1;
        c->ok += st == 200;
        cx_http_resp_free(&r);
    }
    return NULL;
}

/* How many times fault rule 0 has fired, from the admin API. */
static long fired(fixture *f)
{
    cx_http_resp r;
    long n = -1;
    if (cx_http("GET", fx_url(f, "/__admin/faults"), NULL, NULL, &r) == 200) {
        cJSON *j = cx_http_json(&r);
        const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "faults"), 0);
        const cJSON *k = cJSON_GetObjectItem(rule, "fired");
        n = cJSON_IsNumber(k) ? (long)k->valuedouble : -1;
        cJSON_Delete(j);
    }
    cx_http_resp_free(&r);
    return n;
}

/* Starts one request to DELAYED and returns once the server holds it. */
static void start_delayed(fixture *f, client *slow, pthread_t *tid)
{
    *slow = (client){.f = f, .path = DELAYED, .n = 1};
    CX_REQUIRE(pthread_create(tid, NULL, run_client, slow) == 0);
    for (int i = 0; i < 3000 && fired(f) < 1; i++)
        usleep(10000);
    CX_REQUIRE(fired(f) == 1);
}

/* A mock of `threads` event-loop threads with c-fast and c-slow, logged in,
 * with `rule` (a fault rule's JSON) on DELAYED, and one request to DELAYED
 * held by it. */
static void start_with_delay(fixture *f, unsigned threads, const char *rule, client *slow,
                             pthread_t *tid)
{
    static const mock_campaign_def camps[] = {{.id = "c-fast"}, {.id = "c-slow"}};
    mock_options o;
    mock_options_default(&o);
    o.campaigns = camps;
    o.n_campaigns = 2;
    o.threads = threads;
    fx_start(f, &o);
    CX_ASSERT_INT_EQ(fx_login_default(f), 200);
    char faults[256];
    snprintf(faults, sizeof faults, "{\"faults\":[%s]}", rule);
    CX_ASSERT_INT_EQ(fx_admin_faults(f, faults), 200);
    atomic_store(&done_order, 0);
    start_delayed(f, slow, tid);
}

static void test_delay_holds_no_thread(void)
{
    fixture f;
    client slow;
    pthread_t slow_tid;
    start_with_delay(&f, 1, "{\"method\":\"GET\",\"path\":\"" DELAYED "\",\"delayMs\":2000}",
                     &slow, &slow_tid);
    /* while the one thread's connection is held, others come and go */
    enum { T = 4, N = 16 };
    client fast[T];
    pthread_t tid[T];
    for (int i = 0; i < T; i++) {
        fast[i] = (client){.f = &f, .path = FAST, .n = N};
        CX_REQUIRE(pthread_create(&tid[i], NULL, run_client, &fast[i]) == 0);
    }
    int ok = 0, last_fast = 0;
    for (int i = 0; i < T; i++) {
        pthread_join(tid[i], NULL);
        ok += fast[i].ok;
        if (fast[i].last_done > last_fast)
            last_fast = fast[i].last_done;
    }
    pthread_join(slow_tid, NULL);
    CX_ASSERT_INT_EQ(ok, T * N);         /* every one answered ... */
    CX_ASSERT_INT_EQ(slow.ok, 1);        /* the delayed one too, in the end ... */
    CU_ASSERT(slow.last_done > last_fast); /* ... after all of them */
    CX_ASSERT_INT_EQ(slow.last_done, T * N + 1);
    CX_ASSERT_INT_EQ((long)mock_server_journal_length(f.s), T * N + 2); /* the login too */
    fx_stop(&f);
}

static void test_stop_cuts_a_parked_delay(void)
{
    fixture f;
    client slow;
    pthread_t tid;
    start_with_delay(&f, 2, "{\"path\":\"" DELAYED "\",\"delayMs\":600000}", &slow, &tid);
    mock_server_stop(f.s); /* does not wait out the 600 s */
    pthread_join(tid, NULL);
    CX_ASSERT_INT_EQ(slow.ok, 0); /* closed unanswered */
    /* and journaled as such, with the rule that held it */
    cJSON *j = mock_server_journal(f.s);
    const cJSON *e = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
    const cJSON *path = cJSON_GetObjectItem(e, "path"), *status = cJSON_GetObjectItem(e, "status"),
                *fault = cJSON_GetObjectItem(e, "fault");
    CX_REQUIRE(cJSON_IsString(path) && cJSON_IsString(status) && cJSON_IsString(fault));
    CX_ASSERT_STR_EQ(path->valuestring, DELAYED);
    CX_ASSERT_STR_EQ(status->valuestring, "reset");
    CX_ASSERT_STR_EQ(fault->valuestring, "rule 0");
    cJSON_Delete(j);
    fx_stop(&f);
}

static const cx_test_case cases[] = {
    {"delay_holds_no_thread", test_delay_holds_no_thread},
    {"stop_cuts_a_parked_delay", test_stop_cuts_a_parked_delay},
    {NULL, NULL}};

static const cx_test_suite suites[] = {
    {"pool", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
