/* bench_sim_bare.c - the floor libdialsim is measured against: a bare
 * binary-heap event loop for the open-loop model (Poisson launches, live
 * answers with probability p after an exponential ring, exponential talk,
 * c agents, zero patience), making the same GSL calls per attempt and
 * keeping no statistics but the counts.
 *
 *   bench_sim_bare HOURS   -> prints "attempts seconds" */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct ev {
    double t;
    unsigned long seq;
    int kind; /* 0 arrival, 1 answer or no answer, 2 talk end */
    int live;
} ev;

static ev *heap;
static size_t n, cap;
static unsigned long seq;

static int before(const ev *a, const ev *b) { return a->t < b->t || (a->t == b->t && a->seq < b->seq); }

static void push(double t, int kind, int live)
{
    if (n == cap) {
        cap = cap ? cap * 2 : 1024;
        heap = realloc(heap, cap * sizeof *heap);
    }
    ev e = {t, seq++, kind, live};
    size_t i = n++;
    while (i && before(&e, &heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = e;
}

static ev pop(void)
{
    ev top = heap[0], last = heap[--n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && before(&heap[l + 1], &heap[l]) ? l + 1 : l;
        if (!before(&heap[m], &last))
            break;
        heap[i] = heap[m];
        i = m;
    }
    if (n)
        heap[i] = last;
    return top;
}

int main(int argc, char **argv)
{
    double hours = argc > 1 ? atof(argv[1]) : 1000;
    const int c = 10;
    const double rate = 0.1, p = 0.8333, ring = 10, talk = 80, end = hours * 3600;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    int free_agents = c;
    unsigned long attempts = 0, lost = 0;
    push(gsl_ran_exponential(r, 1 / rate), 0, 0);
    while (n) {
        ev e = pop();
        if (e.t > end)
            break;
        switch (e.kind) {
        case 0: {
            attempts++;
            int live = gsl_rng_uniform(r) < p;
            push(e.t + (live ? gsl_ran_exponential(r, ring) : 25), 1, live);
            push(e.t + gsl_ran_exponential(r, 1 / rate), 0, 0);
            break;
        }
        case 1:
            if (e.live) {
                if (free_agents > 0) {
                    free_agents--;
                    push(e.t + gsl_ran_exponential(r, talk), 2, 0);
                } else {
                    lost++;
                }
            }
            break;
        case 2:
            free_agents++;
            break;
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%lu %.6f %lu\n", attempts, s, lost);
    gsl_rng_free(r);
    free(heap);
    return 0;
}
