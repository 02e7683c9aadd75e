/* test_opt_oom.c - a whole optimization cycle (create the optimizer, read,
 * validate, predict, gate, apply, notify, audit, destroy) with its Nth
 * allocation failing, for N = 1, 2, ... until a cycle makes fewer than N,
 * as SQLite's OOM tests and curl's torture mode do. Every failure must be a
 * clean error (a status with a message, or a cycle that still ends with an
 * outcome), never a crash; the audit log keeps whole records only. Leaks
 * are caught where this test runs under ASan (./dev test) or valgrind.
 *
 * The seam is this test program alone, not the libraries: the linker's
 * --wrap (tests/opt/CMakeLists.txt) routes the malloc family called by the
 * project's own code (its static libraries, linked here) to the wrappers
 * below, and cJSON_InitHooks routes cJSON's. Nothing in a production build
 * can reach the counter. Only allocations made on the cycle's thread
 * count, so the mock serving it from its own threads is never failed;
 * libcurl's own allocations (a shared library) are not failed either. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "opt_fixture.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static __thread bool armed; /* this thread's allocations count */
static long counted, fail_at;
static int failures;

/* Whether this allocation is the one to fail. */
static bool fail_now(void)
{
    if (!armed)
        return false;
    if (++counted == fail_at) {
        failures++;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fail_now() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : __real_strndup(s, n); }

static void *json_malloc(size_t n) { return __wrap_malloc(n); }

/* One whole cycle towards an answer rate the campaign does not have (both
 * cautious enough for the gate to pass them). */
static void one_cycle(ofx *f, long n, int *completed)
{
    mock_campaign_state cs;
    CX_REQUIRE(mock_server_campaign(f->mock, MOCK_DEFAULT_CAMPAIGN, &cs) == MOCK_OK);
    opt_params t = target_ar(cs.answer_rate > 0.69 ? 0.68 : 0.70);
    cx_error err = {0};
    opt_cycle_report r;
    opt_optimizer *o = NULL;
    counted = 0;
    fail_at = n;
    int before = failures;
    armed = true;
    opt_status st = opt_optimizer_create(&f->s, &o, &err);
    if (st == OPT_OK)
        st = opt_apply(o, &t, false, &r, &err);
    opt_optimizer_destroy(o);
    armed = false;
    bool failed = failures > before;
    if (st != OPT_OK) {
        cx__assert_fmt(failed && err.msg[0], __LINE__, __FILE__,
                       "allocation %ld: status %d with message \"%s\"", n, (int)st, err.msg);
    } else {
        /* the cycle ran to its end: its outcome says what happened */
        cx__assert_fmt(r.outcome == OPT_OUTCOME_APPLIED || failed, __LINE__, __FILE__,
                       "allocation %ld: nothing failed, yet outcome %d: %s", n, (int)r.outcome,
                       r.message);
        if (r.outcome == OPT_OUTCOME_APPLIED)
            (*completed)++;
    }
}

static void test_every_allocation_fails_once(void)
{
    ofx f;
    ofx_start(&f, NULL);
    /* the prediction runs (short), and a limit it passes, so every cycle
     * goes all the way: intent, PATCH, read-back, webhook, outcome */
    f.s.predict_hours = 0.5;
    f.s.predict_replications = 3;
    f.s.limit = 0.10;
    cJSON_Hooks hooks = {json_malloc, free};
    cJSON_InitHooks(&hooks);
    int completed = 0;
    long n;
    const long max = getenv("CX_VALGRIND") ? 4000 : 40000;
    /* with CX_VALGRIND every 7th allocation only: the same paths, 7x sooner */
    const long step = getenv("CX_VALGRIND") ? 7 : 1;
    for (n = 1; n < max; n += step) {
        one_cycle(&f, n, &completed);
        if (counted < n) /* the whole cycle made fewer than n: all tried */
            break;
    }
    cJSON_InitHooks(NULL);
    printf("\n    %ld allocations in a whole cycle, each failed in turn; %d cycles still "
           "applied\n",
           counted, completed);
    CU_ASSERT(n < max);          /* the loop reached a cycle with no failure */
    CU_ASSERT(counted > 100);    /* and the hook saw the cycle's allocations */
    CX_ASSERT_INT_EQ(failures, (int)((n - 1) / step)); /* each run but the last failed one */
    cJSON *all = ofx_audit(&f, NULL); /* every line a whole record */
    CU_ASSERT(cJSON_GetArraySize(all) > 0);
    /* and no record went out with a part missing */
    const cJSON *rec;
    int incomplete = 0;
    cJSON_ArrayForEach(rec, all)
    {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "type"));
        static const char *const intent_keys[] = {"cycle_id", "time", "campaign_id",
                                                  "old_parameters", "new_parameters", NULL};
        static const char *const cycle_keys[] = {"cycle_id", "campaign_id", "outcome",
                                                 "profile", NULL};
        const char *const *keys = !type                        ? NULL
                                  : strcmp(type, "intent") == 0 ? intent_keys
                                  : strcmp(type, "cycle") == 0  ? cycle_keys
                                                                : NULL;
        for (int k = 0; keys && keys[k]; k++)
            if (!cJSON_GetObjectItem(rec, keys[k])) {
                fprintf(stderr, "%s record without %s\n", type, keys[k]);
                incomplete++;
            }
    }
    CX_ASSERT_INT_EQ(incomplete, 0);
    cJSON_Delete(all);
    ofx_stop(&f);
}

static const cx_test_case cases[] = {
    {"every_allocation_fails_once", test_every_allocation_fails_once},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"oom", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
