/* cx_mpi.c - the parallel map's MPI backend (cx_mpi.h).
 *
 * One collective per map: each rank runs its share (units i with
 * i mod size == rank) on threads, packs its results into one message
 *     [u32 status][u32 message length][message]
 *     then per unit: [u64 index][u64 length][bytes]
 * and MPI_Gatherv brings every message to rank 0, which checks that each
 * unit came exactly once from the rank it belonged to and unpacks it. A
 * rank whose share failed (out of memory) still takes part, sending its
 * status and message, so no rank is left waiting. Rank 0's own units are
 * already in place and are not sent. */
#include "cx_mpi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CX_HAVE_MPI
#include <limits.h>
#include <mpi.h>
#include <time.h>
#endif

struct cx_mpi {
    int rank, size;
    bool joined;               /* MPI_Init_thread was called */
    int *lens, *displs;        /* rank 0: each rank's message, for the gathers */
    cx_map_backend backend;
};

static const char *launcher_var(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i]))
            return vars[i];
    return NULL;
}

int cx_mpi_rank(const cx_mpi *m) { return m ? m->rank : 0; }
int cx_mpi_size(const cx_mpi *m) { return m ? m->size : 1; }
bool cx_mpi_root(const cx_mpi *m) { return cx_mpi_rank(m) == 0; }

const cx_map_backend *cx_mpi_backend(cx_mpi *m)
{
    return m && m->size > 1 ? &m->backend : NULL;
}

#ifdef CX_HAVE_MPI

/* Waits for a nonblocking collective without spinning: a rank whose share
 * is done sleeps between tests instead of taking a core from the ranks still
 * working (OpenMPI's blocking calls poll, and a cluster node, or this 2-core
 * machine under --oversubscribe, may run more ranks than cores). */
static int wait_polite(MPI_Request *req)
{
    int done = 0, rc;
    while ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done) {
        struct timespec ts = {0, 1000000}; /* 1 ms: nothing next to a unit's run */
        nanosleep(&ts, NULL);
    }
    return rc;
}

static int put(cx_buf *b, const void *p, size_t n) { return cx_buf_append(b, p, n); }

/* This rank's message; 0, or -1 when out of memory. */
static int pack_share(const cx_map_job *job, const size_t *idx, size_t count, int st,
                      const cx_error *why, cx_buf *out)
{
    uint32_t status = (uint32_t)st, len = st ? (uint32_t)strlen(why->msg) : 0;
    if (put(out, &status, sizeof status) || put(out, &len, sizeof len) ||
        put(out, why->msg, len))
        return -1;
    cx_buf one;
    for (size_t k = 0; st == CX_MAP_OK && k < count; k++) {
        cx_buf_init(&one, SIZE_MAX / 2);
        uint64_t i = idx[k], n;
        int bad = job->pack(job->ctx, idx[k], &one);
        n = one.len;
        bad = bad || put(out, &i, sizeof i) || put(out, &n, sizeof n) ||
              (n && put(out, one.data, n));
        cx_buf_free(&one);
        if (bad)
            return -1;
    }
    return 0;
}

static int read_at(const char *p, size_t len, size_t *at, void *dst, size_t n)
{
    if (len - *at < n)
        return -1;
    memcpy(dst, p + *at, n);
    *at += n;
    return 0;
}

/* Rank 0: unpacks rank r's message. */
static int unpack_share(const cx_map_job *job, int r, int size, const char *p, size_t len,
                        unsigned char *seen, cx_error *err)
{
    size_t at = 0;
    uint32_t status, mlen;
    if (read_at(p, len, &at, &status, sizeof status) ||
        read_at(p, len, &at, &mlen, sizeof mlen) || len - at < mlen)
        return cx_error_set(err, CX_MAP_EIO, "parallel map (mpi): rank %d sent a cut message", r);
    if (status != CX_MAP_OK)
        return cx_error_set(err, (int)status, "rank %d: %.*s", r, (int)mlen, p + at);
    at += mlen;
    while (at < len) {
        uint64_t i, n;
        if (read_at(p, len, &at, &i, sizeof i) || read_at(p, len, &at, &n, sizeof n) ||
            len - at < n || i >= job->n || (int)(i % (uint64_t)size) != r || seen[i])
            return cx_error_set(err, CX_MAP_EIO,
                                "parallel map (mpi): rank %d sent a malformed or foreign unit", r);
        seen[i] = 1;
        cx_error why = {0};
        if (job->unpack(job->ctx, (size_t)i, p + at, (size_t)n, &why) != 0)
            return cx_error_set(err, CX_MAP_EIO, "parallel map (mpi): unit %llu from rank %d: %s",
                                (unsigned long long)i, r, why.msg);
        at += n;
    }
    return CX_MAP_OK;
}

static int mpi_map(void *self, const cx_map_job *job, cx_error *err)
{
    cx_mpi *m = self;
    if (!job || !job->run || !job->pack || !job->unpack)
        return cx_error_set(err, CX_MAP_EINVAL,
                            "parallel map (mpi): the job cannot leave its process (no pack "
                            "and unpack)");
    size_t size = (size_t)m->size, rank = (size_t)m->rank;
    size_t count = job->n > rank ? (job->n - rank + size - 1) / size : 0;
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    cx_error local = {0};
    int st = idx ? CX_MAP_OK : cx_error_set(&local, CX_MAP_ENOMEM, "out of memory");
    for (size_t k = 0; idx && k < count; k++)
        idx[k] = rank + k * size;
    if (st == CX_MAP_OK)
        st = cx_map_threads(job, idx, count, &local);
    cx_buf msg;
    cx_buf_init(&msg, (size_t)INT_MAX);
    if (m->rank != 0 && pack_share(job, idx, count, st, &local, &msg) != 0) {
        cx_buf_reset(&msg);
        st = cx_error_set(&local, CX_MAP_ENOMEM, "out of memory packing its results");
        if (pack_share(job, idx, 0, st, &local, &msg) != 0) /* a few bytes */
            st = CX_MAP_ENOMEM;
    }
    free(idx);
    /* every rank reaches the collectives, whatever happened above */
    int mine = (int)msg.len, *lens = m->lens, *displs = m->displs;
    char *all = NULL;
    MPI_Request req;
    int rc = MPI_Igather(&mine, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    if (rc == MPI_SUCCESS)
        rc = wait_polite(&req);
    long long total = 0;
    int go = rc == MPI_SUCCESS;
    if (m->rank == 0 && go) {
        for (size_t r = 0; r < size; r++) {
            displs[r] = (int)total;
            total += lens[r];
        }
        go = go && total <= INT_MAX && (all = malloc(total ? (size_t)total : 1)) != NULL;
    }
    if (rc == MPI_SUCCESS && (rc = MPI_Ibcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD, &req)) ==
                                 MPI_SUCCESS)
        rc = wait_polite(&req);
    if (rc == MPI_SUCCESS && go &&
        (rc = MPI_Igatherv(msg.data ? msg.data : "", mine, MPI_BYTE, all, lens, displs,
                           MPI_BYTE, 0, MPI_COMM_WORLD, &req)) == MPI_SUCCESS)
        rc = wait_polite(&req);
    cx_buf_free(&msg);
    int out = CX_MAP_OK;
    if (m->rank != 0) {
        out = rc != MPI_SUCCESS ? cx_error_set(err, CX_MAP_EIO, "parallel map (mpi): the "
                                                                "gather failed")
                                : st;
    } else if (rc != MPI_SUCCESS) {
        out = cx_error_set(err, CX_MAP_EIO, "parallel map (mpi): the gather failed");
    } else if (!go) {
        out = cx_error_set(err, total > INT_MAX ? CX_MAP_EINVAL : CX_MAP_ENOMEM,
                           total > INT_MAX ? "parallel map (mpi): the results pass 2 GiB"
                                           : "out of memory");
    } else if (st != CX_MAP_OK) {
        out = st;
        if (err)
            *err = local;
    } else {
        unsigned char *seen = calloc(job->n ? job->n : 1, 1);
        out = seen ? CX_MAP_OK : cx_error_set(err, CX_MAP_ENOMEM, "out of memory");
        for (size_t i = 0; seen && i < job->n; i += size)
            seen[i] = 1; /* rank 0's own */
        for (size_t r = 1; out == CX_MAP_OK && r < size; r++)
            out = unpack_share(job, (int)r, (int)size, all + displs[r], (size_t)lens[r], seen,
                               err);
        for (size_t i = 0; out == CX_MAP_OK && i < job->n; i++)
            if (!seen[i])
                out = cx_error_set(err, CX_MAP_EIO, "parallel map (mpi): unit %zu never came "
                                                    "back",
                                   i);
        free(seen);
    }
    free(all);
    return out;
}

int cx_mpi_start(int *argc, char ***argv, cx_mpi **out, cx_error *err)
{
    *out = NULL;
    cx_mpi *m = calloc(1, sizeof *m);
    if (!m)
        return cx_error_set(err, CX_MAP_ENOMEM, "out of memory");
    m->size = 1;
    m->backend = (cx_map_backend){.name = "mpi", .self = m, .run = mpi_map};
    if (launcher_var()) {
        int provided = 0;
        if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            free(m);
            return cx_error_set(err, CX_MAP_EIO, "MPI_Init_thread failed");
        }
        m->joined = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &m->size);
        /* rank 0's arrays for the gathers, now: a map must not fail to
         * allocate them once the other ranks wait in a collective */
        if (m->rank == 0 && (!(m->lens = calloc((size_t)m->size, sizeof *m->lens)) ||
                             !(m->displs = calloc((size_t)m->size, sizeof *m->displs)))) {
            MPI_Abort(MPI_COMM_WORLD, 1); /* the other ranks have nobody to report to */
        }
        if (m->rank != 0 && (!freopen("/dev/null", "w", stdout) ||
                             !freopen("/dev/null", "w", stderr))) {
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
    }
    *out = m;
    return 0;
}

void cx_mpi_end(cx_mpi *m)
{
    if (m && m->joined)
        MPI_Finalize();
    if (m) {
        free(m->lens);
        free(m->displs);
    }
    free(m);
}

#else /* no MPI: one process */

int cx_mpi_start(int *argc, char ***argv, cx_mpi **out, cx_error *err)
{
    (void)argc;
    (void)argv;
    *out = NULL;
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (!n)
        n = getenv("PMI_SIZE");
    char *end = NULL;
    long size = n ? strtol(n, &end, 10) : 0;
    if (n && end != n && size > 1)
        return cx_error_set(err, CX_MAP_EINVAL,
                            "started as %s processes (%s), but this build has no MPI: each "
                            "would run the whole job; install libopenmpi-dev and configure with "
                            "-DCX_MPI=ON",
                            n, launcher_var() ? launcher_var() : "PMI_SIZE");
    cx_mpi *m = calloc(1, sizeof *m);
    if (!m)
        return cx_error_set(err, CX_MAP_ENOMEM, "out of memory");
    m->size = 1;
    *out = m;
    return 0;
}

void cx_mpi_end(cx_mpi *m) { free(m); }

#endif
