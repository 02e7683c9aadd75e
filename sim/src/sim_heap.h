/* sim_heap.h - the event queue: a binary min-heap ordered by (time, seq).
 *
 * The sequence number breaks ties in insertion order (as libuv's timers do),
 * so two events at the same instant always run in the same order and a
 * seed always gives the same run. Push and pop are O(log n); the array grows
 * by doubling and is bounded by the events pending at once (a few per line
 * and agent), not by the length of the run. */
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
/* Returns 0, or -1 when out of memory. */
int sim__heap_push(sim__heap *h, double t, uint32_t kind, uint32_t id, uint32_t gen);
/* The earliest event; the heap must not be empty. */
static inline const sim__event *sim__heap_top(const sim__heap *h) { return &h->a[0]; }
void sim__heap_pop(sim__heap *h);

#endif
