/* sim_heap.c - binary min-heap of events keyed by (time, sequence). */
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

static inline int before(const sim__event *x, const sim__event *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

int sim__heap_push(sim__heap *h, double t, uint32_t kind, uint32_t id, uint32_t gen)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 256;
        sim__event *a = realloc(h->a, cap * sizeof *a);
        if (!a)
            return -1;
        h->a = a;
        h->cap = cap;
    }
    sim__event e = {t, h->next_seq++, kind, id, gen};
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &h->a[parent]))
            break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = e;
    return 0;
}

void sim__heap_pop(sim__heap *h)
{
    sim__event last = h->a[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + 1 < n && before(&h->a[l + 1], &h->a[l]) ? l + 1 : l;
        if (!before(&h->a[m], &last))
            break;
        h->a[i] = h->a[m];
        i = m;
    }
    if (n)
        h->a[i] = last;
}
