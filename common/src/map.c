/* map.c - the parallel map's threads backend (cxcommon.h, "parallel map").
 *
 * Workers take the next unit from a shared counter under a mutex, so a slow
 * unit never holds up the rest; the calling thread is one of the workers.
 * Units write only their own slots, so which worker ran which unit leaves
 * no trace in the results. */
#include <pthread.h>
#include <stdlib.h>

#include "cxcommon.h"

typedef struct pool {
    const cx_map_job *job;
    const size_t *index; /* NULL: 0..count-1 */
    size_t count, next;
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t k = p->next < p->count ? p->next++ : p->count;
        pthread_mutex_unlock(&p->lock);
        if (k == p->count)
            return NULL;
        size_t i = p->index ? p->index[k] : k;
        p->job->run(p->job->ctx, i);
        if (p->job->done) {
            pthread_mutex_lock(&p->lock);
            p->job->done(p->job->ctx, i);
            pthread_mutex_unlock(&p->lock);
        }
    }
}

int cx_map_threads(const cx_map_job *job, const size_t *index, size_t count, cx_error *err)
{
    if (!job || !job->run)
        return cx_error_set(err, CX_MAP_EINVAL, "parallel map: the job has no run function");
    pool p = {.job = job, .index = index, .count = index ? count : job->n};
    if (pthread_mutex_init(&p.lock, NULL) != 0)
        return cx_error_set(err, CX_MAP_ENOMEM, "parallel map: cannot create a mutex");
    size_t extra = job->threads > 1 ? (size_t)job->threads - 1 : 0;
    if (extra >= p.count)
        extra = p.count ? p.count - 1 : 0;
    pthread_t *tid = extra ? malloc(extra * sizeof *tid) : NULL;
    size_t started = 0;
    /* fewer threads than asked (none, even) is slower, never wrong */
    while (tid && started < extra && pthread_create(&tid[started], NULL, worker, &p) == 0)
        started++;
    worker(&p);
    for (size_t k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    free(tid);
    pthread_mutex_destroy(&p.lock);
    return CX_MAP_OK;
}

const char *cx_map_strerror(int st)
{
    switch ((cx_map_status)st) {
    case CX_MAP_OK: return "ok";
    case CX_MAP_EINVAL: return "a job the backend cannot run";
    case CX_MAP_ENOMEM: return "out of memory";
    case CX_MAP_EIO: return "the backend's transport failed";
    }
    return "unknown parallel map status";
}

int cx_map_run(const cx_map_backend *backend, const cx_map_job *job, cx_error *err)
{
    if (backend && backend->run)
        return backend->run(backend->self, job, err);
    return cx_map_threads(job, NULL, 0, err);
}
