/* test_audit_crash.c - the audit log survives kill -9.
 *
 * A real cxopt process ramps a campaign on a real mockcxone (in this
 * process, so it outlives every kill) and is killed with SIGKILL at a
 * random moment, many times over. Afterwards: every line of the audit log is
 * a whole JSON record; every PATCH the mock accepted has the intent record
 * written before it (matched by its If-Match version, which names exactly
 * one write); every intent left without an outcome is reported by the next
 * run, once. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cxproc.h"
#include "opt_fixture.h"

/* Under valgrind (CX_VALGRIND set by the build) every run is some forty
 * times slower and mostly valgrind's own start-up, so kills land where no
 * record is written: fewer kills, the same checks of what the log holds,
 * and none of how much of a run the kills covered. */
static bool under_valgrind(void) { return getenv("CX_VALGRIND") != NULL; }
static int kills(void) { return under_valgrind() ? 20 : 200; }

/* envp[] from NUL-separated strings ended by an empty one. */
static void env_list(char *buf, char **envp, int max)
{
    int k = 0;
    for (char *p = buf; *p && k < max - 1; p += strlen(p) + 1)
        envp[k++] = p;
    envp[k] = NULL;
}

static pid_t spawn_cxopt(const ofx *f, const char *target, char *env_buf, size_t env_n)
{
    char bin[1024];
    cx_bin(bin, sizeof bin, "optimizer/cxopt");
    char *argv[] = {bin,       "apply",        "--target", (char *)target, "--ramp",
                    "--ramp-interval", "0",    "--no-predict", "--audit", (char *)f->audit,
                    "--retry-attempts", "1",   NULL};
    /* the connection in the environment, as a user would set it */
    snprintf(env_buf, env_n,
             "CXONE_CLIENT_ID=" MOCK_DEFAULT_CLIENT_ID "%cCXONE_CLIENT_SECRET="
             MOCK_DEFAULT_CLIENT_SECRET "%cCXONE_AUTH_URL=%s%cCXONE_API_URL=%s%c"
             "CXONE_CAMPAIGN_ID=" MOCK_DEFAULT_CAMPAIGN "%cHOME=/nonexistent%c",
             0, 0, f->auth_url, 0, f->base, 0, 0, 0); /* an empty string ends the list */
    char *envp[8];
    env_list(env_buf, envp, 8);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    if (posix_spawn(&pid, bin, &fa, NULL, argv, envp) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The log's intents, in order, the cycles that ended, and the intents a
 * later run reported as unfinished (caller frees all three). */
static void read_log(ofx *f, cJSON **intents, cJSON **ended, cJSON **acked)
{
    *intents = cJSON_CreateArray();
    *ended = cJSON_CreateObject();
    *acked = cJSON_CreateObject();
    cJSON *all = ofx_audit(f, NULL); /* fails the test on a line that does not parse */
    const cJSON *r;
    cJSON_ArrayForEach(r, all)
    {
        const char *type = cJSON_GetObjectItem(r, "type")->valuestring;
        const char *id = cJSON_GetObjectItem(r, "cycle_id")->valuestring;
        cJSON *set = strcmp(type, "cycle") == 0        ? *ended
                     : strcmp(type, "unfinished") == 0 ? *acked
                                                       : NULL;
        if (strcmp(type, "intent") == 0)
            cJSON_AddItemToArray(*intents, cJSON_Duplicate(r, 1));
        else if (set && !cJSON_HasObjectItem(set, id))
            cJSON_AddTrueToObject(set, id);
    }
    cJSON_Delete(all);
}

/* Whether an intent was written for this If-Match and this answer rate. */
static bool has_intent(const cJSON *intents, const char *if_match, double answer_rate)
{
    const cJSON *in;
    cJSON_ArrayForEach(in, intents)
    {
        const cJSON *m = cJSON_GetObjectItem(in, "if_match");
        const cJSON *p = cJSON_GetObjectItem(in, "new_parameters");
        if (cJSON_IsString(m) && strcmp(m->valuestring, if_match) == 0 &&
            fabs(cJSON_GetObjectItem(p, "answerRate")->valuedouble - answer_rate) < 1e-12)
            return true;
    }
    return false;
}

/* Whether `line` is the start of one of the records cxopt writes: an
 * intent, a cycle's outcome, or the "unfinished" note a run appends for an
 * intent an earlier kill left without outcome. A kill inside the move to
 * .torn may cut the fragment itself shorter than its type. */
static bool starts_a_record(const char *line)
{
    static const char *const kinds[] = {"{\"type\":\"intent\"", "{\"type\":\"cycle\"",
                                        "{\"type\":\"unfinished\""};
    size_t len = strlen(line);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i]);
        if (strncmp(line, kinds[i], len < k ? len : k) == 0)
            return true;
    }
    return false;
}

static void test_kill_9_at_random_points(void)
{
    ofx f;
    ofx_start(&f, NULL);
    char down[600], up[600], env[2048];
    snprintf(down, sizeof down, "%s/down.json", f.dir);
    snprintf(up, sizeof up, "%s/up.json", f.dir);
    FILE *fp = fopen(down, "w");
    CX_REQUIRE(fp != NULL);
    fputs("{\"answerRate\": 0.45}", fp); /* three steps from 0.72 */
    fclose(fp);
    fp = fopen(up, "w");
    CX_REQUIRE(fp != NULL);
    fputs("{\"answerRate\": 0.92}", fp); /* five steps from 0.45 */
    fclose(fp);

    /* a PATCH that takes a while to answer widens the moment between an
     * intent and its outcome, where a crash matters most */
    ofx_faults(&f, "{\"faults\":[{\"method\":\"PATCH\",\"path\":\"/api/v2/campaigns/*\","
                   "\"delayMs\":4}]}");
    /* how long a whole ramp takes here, so the kills land all along it */
    double t0 = now_s();
    int status = 0;
    pid_t pid = spawn_cxopt(&f, down, env, sizeof env);
    CX_REQUIRE(pid > 0);
    waitpid(pid, &status, 0);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    double whole = now_s() - t0;
    fprintf(stderr, "\n    a whole ramp: %.1f ms\n", whole * 1e3);

    /* Kill at a uniform moment of a whole run. A loaded machine slows the
     * runs, so every 20 kills one run goes to its end to measure again. */
    unsigned seed = 20261124;
    int killed = 0;
    const int n_kills = kills();
    for (int i = 0; i < n_kills; i++) {
        pid = spawn_cxopt(&f, i % 2 ? down : up, env, sizeof env);
        CX_REQUIRE(pid > 0);
        if (i % 20 == 19) {
            t0 = now_s();
            waitpid(pid, &status, 0);
            whole = fmax(whole, now_s() - t0);
            continue;
        }
        double at = whole * 1.2 * rand_r(&seed) / RAND_MAX;
        struct timespec ts = {(time_t)at, (long)((at - (double)(time_t)at) * 1e9)};
        nanosleep(&ts, NULL);
        if (kill(pid, SIGKILL) == 0)
            killed++;
        waitpid(pid, &status, 0);
    }
    CU_ASSERT(killed > n_kills / 2);

    /* What the last kill left: at most a torn tail, and the intents the
     * next run must report. */
    opt_audit_scan before;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, NULL, &before, &err), OPT_OK);
    CU_ASSERT(before.torn == 0 || (before.torn == 1 && before.first_torn_line == before.lines));
    /* the next run reports each of them */
    char out[4096], errs[32768];
    char *argv[] = {"optimizer/cxopt", "apply", "--target", up,    "--ramp", "--ramp-interval",
                    "0",               "--no-predict", "--audit", f.audit, NULL};
    char *envp[8];
    env_list(env, envp, 8);
    CX_ASSERT_INT_EQ(cx_run(argv, envp, out, sizeof out, errs, sizeof errs), 0);
    int reported = cx_count(errs, "but no outcome");
    CX_ASSERT_INT_EQ(reported, before.unfinished < OPT_AUDIT_SCAN_IDS ? before.unfinished
                                                                      : OPT_AUDIT_SCAN_IDS);
    /* once: they are acknowledged in the log */
    CX_ASSERT_INT_EQ(cx_run(argv, envp, out, sizeof out, errs, sizeof errs), 0);
    CX_ASSERT_NOT_CONTAINS(errs, "but no outcome");

    /* 1. every line is a whole record (ofx_audit asserts it line by line);
     * what a kill cut short inside its write(2) is in .torn, and is the
     * start of an intent, an outcome or an "unfinished" note */
    cJSON *intents, *ended, *acked;
    read_log(&f, &intents, &ended, &acked);
    opt_audit_scan scan;
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.torn, 0);
    CX_ASSERT_INT_EQ(scan.unfinished, 0);
    CU_ASSERT(under_valgrind() || scan.records > n_kills);
    char torn_path[600];
    snprintf(torn_path, sizeof torn_path, "%s.torn", f.audit);
    char *torn = cx_slurp(torn_path);
    int fragments = 0;
    for (char *line = torn ? strtok(torn, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        fragments++;
        if (!starts_a_record(line)) {
            CU_FAIL("a line of AUDIT.torn is not the start of a record");
            fprintf(stderr, "in %s: %.80s\n", torn_path, line);
        }
    }
    free(torn);

    /* 2. every PATCH the mock accepted has its intent, with that target */
    cJSON *journal = ofx_journal(&f);
    int accepted = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, journal)
    {
        if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, "PATCH") != 0 ||
            !cJSON_IsNumber(cJSON_GetObjectItem(e, "status")) ||
            cJSON_GetObjectItem(e, "status")->valueint != 200)
            continue;
        accepted++;
        const char *m =
            cJSON_GetObjectItem(cJSON_GetObjectItem(e, "headers"), "If-Match")->valuestring;
        cJSON *body = cJSON_Parse(cJSON_GetObjectItem(e, "body")->valuestring);
        double sent = cJSON_GetObjectItem(cJSON_GetObjectItem(body, "predictiveDialer"),
                                          "answerRate")
                          ->valuedouble;
        cJSON_Delete(body);
        if (!has_intent(intents, m, sent)) {
            CU_FAIL("an accepted PATCH has no intent record");
            fprintf(stderr, "no intent for the PATCH with If-Match %s, answerRate %g\n", m, sent);
        }
    }
    cJSON_Delete(journal);
    /* the kills did not all land before any work */
    CU_ASSERT(under_valgrind() || accepted >= n_kills / 10);

    /* 3. every intent without an outcome was reported by the run after it,
     * which recorded that it did */
    int cut = 0;
    cJSON *counted = cJSON_CreateObject();
    const cJSON *in;
    cJSON_ArrayForEach(in, intents)
    {
        const char *id = cJSON_GetObjectItem(in, "cycle_id")->valuestring;
        if (cJSON_HasObjectItem(ended, id) || cJSON_HasObjectItem(counted, id))
            continue;
        cJSON_AddTrueToObject(counted, id);
        cut++;
        CU_ASSERT(cJSON_HasObjectItem(acked, id));
    }
    cJSON_Delete(counted);
    /* some kills did land between an intent and its outcome */
    CU_ASSERT(under_valgrind() || cut > 0);
    cJSON_Delete(intents);
    cJSON_Delete(ended);
    cJSON_Delete(acked);
    fprintf(stderr,
            "    %d kills, %d accepted PATCHes, %d cut between intent and outcome, %d records "
            "cut inside their write (moved to .torn), %ld whole records\n",
            killed, accepted, cut, fragments, scan.records);
    ofx_stop(&f);
}

/* What a process killed inside its write(2) leaves: `text`, no newline. */
static void append(const char *path, const char *text)
{
    FILE *fp = fopen(path, "a");
    CX_REQUIRE(fp != NULL);
    fputs(text, fp);
    fclose(fp);
}

static void test_torn_tail_moved_aside(void)
{
    /* a record cut short (a process killed inside its write) is reported by
     * a scan with its line number; the next writer moves it to PATH.torn,
     * so the log is whole records again and the fragment is not lost */
    ofx f;
    ofx_start(&f, NULL);
    FILE *fp = fopen(f.audit, "w");
    CX_REQUIRE(fp != NULL);
    fputs("{\"type\":\"intent\",\"cycle_id\":\"c-1\",\"time\":\"2026-11-24T00:00:00Z\"}\n"
          "{\"type\":\"cycle\",\"cycle_id\":\"c-1\"}\n"
          "{\"type\":\"intent\",\"cycle_id\":\"c-2\",\"time\":\"2026-11-24T00:01:00Z\"}\n"
          "{\"type\":\"cycle\",\"cyc",
          fp);
    fclose(fp);
    opt_audit_scan scan;
    cx_error err = {0};
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.records, 3);
    CX_ASSERT_INT_EQ(scan.torn, 1);
    CX_ASSERT_INT_EQ(scan.first_torn_line, 4);
    CX_ASSERT_INT_EQ(scan.unfinished, 1);
    CX_ASSERT_STR_EQ(scan.unfinished_id[0], "c-2");
    CX_ASSERT_STR_EQ(scan.unfinished_time[0], "2026-11-24T00:01:00Z");
    /* the optimizer opens the log: the fragment goes aside */
    f.s.predict = false;
    ofx_open(&f);
    char torn[600];
    snprintf(torn, sizeof torn, "%s.torn", f.audit);
    char *frag = cx_slurp(torn);
    CX_REQUIRE(frag != NULL);
    CX_ASSERT_STR_EQ(frag, "{\"type\":\"cycle\",\"cyc\n");
    free(frag);
    opt_cycle_report r;
    opt_params t = target_ar(0.78);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_OK);
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, true, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.torn, 0);
    CX_ASSERT_INT_EQ(scan.records, 5); /* + the new intent and cycle */
    CX_ASSERT_INT_EQ(scan.unfinished, 1);
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.unfinished, 0); /* acknowledged */
    CX_ASSERT_INT_EQ(scan.records, 6);
    char *text = cx_slurp(f.audit);
    CX_REQUIRE(text != NULL);
    CX_ASSERT_NOT_CONTAINS(text, "\"cyc\n");
    CX_ASSERT_CONTAINS(text, "\"type\":\"unfinished\",\"cycle_id\":\"c-2\"");
    free(text);

    /* a writer already running meets a fragment another process left */
    append(f.audit, "{\"type\":\"inte");
    t = target_ar(0.8);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_OK);
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, NULL, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.torn, 0);
    CX_ASSERT_INT_EQ(scan.records, 8);
    frag = cx_slurp(torn);
    CX_ASSERT_STR_EQ(frag, "{\"type\":\"cycle\",\"cyc\n{\"type\":\"inte\n");
    free(frag);

    /* a kill inside an earlier move left .torn itself cut short: the next
     * fragment still starts a line of its own */
    append(torn, "{\"ty");
    append(f.audit, "{\"type\":\"unfin");
    t = target_ar(0.78);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_OK);
    frag = cx_slurp(torn);
    CX_ASSERT_STR_EQ(frag, "{\"type\":\"cycle\",\"cyc\n{\"type\":\"inte\n{\"ty\n"
                           "{\"type\":\"unfin\n");
    free(frag);
    ofx_stop(&f);
}

static const cx_test_case cases[] = {
    {"torn_tail_moved_aside", test_torn_tail_moved_aside},
    {"kill_9_at_random_points", test_kill_9_at_random_points},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"audit_crash", NULL, NULL, cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
