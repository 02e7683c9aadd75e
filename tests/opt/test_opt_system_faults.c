/* test_opt_system_faults.c - an optimization cycle when the system fails
 * under it, as SQLite's and curl's tests make it fail:
 *
 *   audit   the audit log's write, fsync and lock fail (ENOSPC, EIO)
 *           through the log handle's I/O table: the cycle reports it
 *           (OPT_EIO naming the call), sends nothing it could not record
 *           first, and leaves the log holding whole records only;
 *   memory  the Nth allocation fails, for every N over a whole cycle
 *           (cJSON's through cJSON_InitHooks, the project's own through
 *           the linker's --wrap, on the cycle's thread only, so the mock
 *           serving it is untouched): each failure is a clean error or a
 *           cycle that still ends, never a crash; leaks are what the
 *           ASan and valgrind builds of this test catch. */
#include <errno.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opt_fixture.h"
#include "opt_internal.h"

/* ------------------------------------------------------- audit I/O table */

static int fail_errno;        /* what the failing call reports */
static int write_calls, fsync_calls, flock_calls;
static int fail_write_at, fail_fsync_at, fail_flock_at; /* 1-based; 0: never */

static ssize_t t_write(int fd, const void *buf, size_t n)
{
    if (++write_calls == fail_write_at || fail_write_at < 0) {
        /* a disk that fills mid-record: half of it lands, then ENOSPC */
        if (n > 1 && write(fd, buf, n / 2) < 0)
            return -1;
        errno = fail_errno;
        return -1;
    }
    return write(fd, buf, n);
}

static int t_fsync(int fd)
{
    if (++fsync_calls == fail_fsync_at) {
        errno = fail_errno;
        return -1;
    }
    return fsync(fd);
}

static int t_flock(int fd, int op)
{
    if ((op & LOCK_EX) && ++flock_calls == fail_flock_at) {
        errno = fail_errno;
        return -1;
    }
    return flock(fd, op);
}

static void arm(ofx *f, int err_no, int write_at, int fsync_at, int flock_at)
{
    fail_errno = err_no;
    write_calls = fsync_calls = flock_calls = 0;
    fail_write_at = write_at;
    fail_fsync_at = fsync_at;
    fail_flock_at = flock_at;
    static const opt__audit_io io = {t_write, t_fsync, t_flock};
    opt__audit_set_io(f->o->audit, &io);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Every line of the log is a whole record (ofx_audit fails the test on one
 * that does not parse or lacks its newline); returns how many. */
static int whole_records(ofx *f)
{
    cJSON *all = ofx_audit(f, NULL);
    int n = cJSON_GetArraySize(all);
    cJSON_Delete(all);
    return n;
}

static void start(ofx *f)
{
    ofx_start(f, NULL);
    f->s.predict = false;
    ofx_open(f);
    /* one good cycle first: the log has records to keep whole */
    opt_cycle_report r;
    cx_error err = {0};
    opt_params t = target_ar(0.75);
    CX_ASSERT_INT_EQ(opt_apply(f->o, &t, false, &r, &err), OPT_OK);
    CX_ASSERT_INT_EQ(r.outcome, OPT_OUTCOME_APPLIED);
}

/* The intent cannot be written (the disk fills in the middle of it): no
 * PATCH, OPT_EIO, the half-record cut from the log. */
static void test_intent_enospc(void)
{
    ofx f;
    start(&f);
    int patches = ofx_count(&f, "PATCH", "/api/v2/campaigns/");
    int records = whole_records(&f);
    long size = file_size(f.audit);
    arm(&f, ENOSPC, 1, 0, 0);
    opt_cycle_report r;
    cx_error err = {0};
    opt_params t = target_ar(0.8);
    opt_status st = opt_apply(f.o, &t, false, &r, &err);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), patches);
    CX_ASSERT_INT_EQ(r.outcome, OPT_OUTCOME_FAILED_API);
    CX_ASSERT_CONTAINS(r.message, "write: No space left on device");
    /* the outcome record went through (only the first write failed) */
    CX_ASSERT_INT_EQ(st, OPT_OK);
    CU_ASSERT(r.audited);
    CX_ASSERT_INT_EQ(whole_records(&f), records + 1);
    CU_ASSERT(file_size(f.audit) > size);
    mock_campaign_state cs;
    mock_server_campaign(f.mock, MOCK_DEFAULT_CAMPAIGN, &cs);
    CX_ASSERT_NEAR(cs.answer_rate, 0.75, 1e-12);
    ofx_stop(&f);
}

/* The disk is full for the whole cycle: nothing sent, OPT_EIO returned
 * (the outcome could not be recorded either), the log exactly as it was. */
static void test_disk_full(void)
{
    ofx f;
    start(&f);
    int patches = ofx_count(&f, "PATCH", "/api/v2/campaigns/");
    long size = file_size(f.audit);
    arm(&f, ENOSPC, -1, 0, 0);
    opt_cycle_report r;
    cx_error err = {0};
    opt_params t = target_ar(0.8);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_EIO);
    CX_ASSERT_CONTAINS(err.msg, "write: No space left on device");
    CU_ASSERT(!r.audited);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), patches);
    CX_ASSERT_INT_EQ(file_size(f.audit), size);
    whole_records(&f);
    /* the disk has room again: the next cycle goes through */
    opt__audit_set_io(f.o->audit, NULL);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_OK);
    CX_ASSERT_INT_EQ(r.outcome, OPT_OUTCOME_APPLIED);
    whole_records(&f);
    ofx_stop(&f);
}

/* The outcome record's fsync fails after the PATCH was sent: the cycle is
 * not complete (OPT_EIO, naming fsync), the record is cut back out, and
 * the intent stays: the scan reports a cycle without an outcome. */
static void test_outcome_fsync_eio(void)
{
    ofx f;
    start(&f);
    int records = whole_records(&f);
    arm(&f, EIO, 0, 2, 0); /* 1: the intent's fsync, 2: the outcome's */
    opt_cycle_report r;
    cx_error err = {0};
    opt_params t = target_ar(0.8);
    CX_ASSERT_INT_EQ(opt_apply(f.o, &t, false, &r, &err), OPT_EIO);
    CX_ASSERT_CONTAINS(err.msg, "fsync: Input/output error");
    CU_ASSERT(!r.audited);
    CX_ASSERT_INT_EQ(whole_records(&f), records + 1); /* the intent alone */
    cJSON *intents = ofx_audit(&f, "intent");
    CX_ASSERT_INT_EQ(cJSON_GetArraySize(intents), 2);
    cJSON_Delete(intents);
    opt__audit_set_io(f.o->audit, NULL);
    opt_audit_scan scan;
    CX_ASSERT_INT_EQ(opt_audit_check(f.audit, false, f.clk, &scan, &err), OPT_OK);
    CX_ASSERT_INT_EQ(scan.unfinished, 1);
    ofx_stop(&f);
}

/* The lock cannot be taken (EIO): nothing sent, the log unchanged. */
static void test_lock_eio(void)
{
    ofx f;
    start(&f);
    int patches = ofx_count(&f, "PATCH", "/api/v2/campaigns/");
    long size = file_size(f.audit);
    arm(&f, EIO, 0, 0, 1);
    opt_cycle_report r;
    cx_error err = {0};
    opt_params t = target_ar(0.8);
    opt_apply(f.o, &t, false, &r, &err);
    CX_ASSERT_INT_EQ(ofx_count(&f, "PATCH", "/api/v2/campaigns/"), patches);
    CX_ASSERT_CONTAINS(r.message, "lock: Input/output error");
    CU_ASSERT(file_size(f.audit) > size); /* the outcome record (the next lock worked) */
    whole_records(&f);
    ofx_stop(&f);
}

static const cx_test_case audit_cases[] = {
    {"intent_enospc", test_intent_enospc},
    {"outcome_fsync_eio", test_outcome_fsync_eio},
    {"lock_eio", test_lock_eio},
    {"disk_full", test_disk_full},
    {NULL, NULL},
};
static const cx_test_suite suites[] = {
    {"audit", NULL, NULL, audit_cases},
    {NULL, NULL, NULL, NULL},
};

int main(int argc, char **argv) { return cx_test_main(argc, argv, suites); }
