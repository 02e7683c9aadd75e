/* sim_heap.h - the event queue: a binary min-heap ordered by (time, seq).
 *
 * The sequence number breaks ties in insertion order (as libuv's timers do),
 * so two events at the same instant always run in the same order and a
 * seed always gives the same run. (time, seq) is a total order, so the
 * events come out in the same order whatever the heap's inner layout: a
 * push that replaces the top (sim__heap_replace_top) pops exactly what a
 * pop and then a push would. Push and pop are O(log n); the array grows by
 * doubling and is bounded by the events pending at once (a few per line and
 * agent), not by the length of the run. Push, pop and replace are inline:
 * the engine runs one of each per event, and a call across translation
 * units cost a tenth of its time. */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim__event {
    double t;
    uint64_t seq;
    uint32_t kind;
    uint32_t id;   /* call or batch index, by kind */
    uint32_t gen;  /* the call's generation when scheduled: stale if changed */
} sim__event;

typedef struct sim__heap {
    sim__event *a;
    size_t n, cap;
    uint64_t next_seq;
} sim__heap;

void sim__heap_init(sim__heap *h);
void sim__heap_free(sim__heap *h);
/* Doubles the array. Returns 0, or -1 when out of memory. */
int sim__heap_grow(sim__heap *h);

static inline int sim__heap_before(const sim__event *x, const sim__event *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

/* Moves e down from slot i to where it belongs among h->n events. */
static inline void sim__heap_sift_down(sim__heap *h, size_t i, sim__event e)
{
    size_t n = h->n;
    sim__event *a = h->a;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && sim__heap_before(&a[l + 1], &a[l]) ? l + 1 : l;
        if (!sim__heap_before(&a[m], &e))
            break;
        a[i] = a[m];
        i = m;
    }
    a[i] = e;
}

/* Pushes an event with a sequence number taken earlier (h->next_seq++):
 * it runs where it would have, had it been pushed then. Returns 0, or -1
 * when out of memory. */
static inline int sim__heap_push_seq(sim__heap *h, double t, uint64_t seq, uint32_t kind,
                                     uint32_t id, uint32_t gen)
{
    if (h->n == h->cap && sim__heap_grow(h) != 0)
        return -1;
    sim__event e = {t, seq, kind, id, gen};
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!sim__heap_before(&e, &h->a[parent]))
            break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = e;
    return 0;
}

/* Returns 0, or -1 when out of memory. */
static inline int sim__heap_push(sim__heap *h, double t, uint32_t kind, uint32_t id,
                                 uint32_t gen)
{
    if (sim__heap_push_seq(h, t, h->next_seq, kind, id, gen) != 0)
        return -1;
    h->next_seq++;
    return 0;
}

/* The earliest event; the heap must not be empty. */
static inline const sim__event *sim__heap_top(const sim__heap *h) { return &h->a[0]; }

static inline void sim__heap_pop(sim__heap *h)
{
    sim__event last = h->a[--h->n];
    if (h->n)
        sim__heap_sift_down(h, 0, last);
}

/* Pops the top and pushes (t, kind, id, gen) in one sift: the same order of
 * events as sim__heap_pop then sim__heap_push, at half the cost. */
static inline void sim__heap_replace_top(sim__heap *h, double t, uint32_t kind, uint32_t id,
                                         uint32_t gen)
{
    sim__event e = {t, h->next_seq++, kind, id, gen};
    sim__heap_sift_down(h, 0, e);
}

#endif
