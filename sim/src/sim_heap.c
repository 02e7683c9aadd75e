/* sim_heap.c - binary min-heap of events keyed by (time, sequence): the
 * allocation; push and pop are inline in sim_heap.h. */
#include "sim_heap.h"

#include <stdlib.h>

void sim__heap_init(sim__heap *h)
{
    h->a = NULL;
    h->n = h->cap = 0;
    h->next_seq = 0;
}

void sim__heap_free(sim__heap *h)
{
    free(h->a);
    sim__heap_init(h);
}

int sim__heap_grow(sim__heap *h)
{
    size_t cap = h->cap ? h->cap * 2 : 256;
    sim__event *a = realloc(h->a, cap * sizeof *a);
    if (!a)
        return -1;
    h->a = a;
    h->cap = cap;
    return 0;
}
