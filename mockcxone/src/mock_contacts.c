/* mock_contacts.c - a simulated campaign's completed contacts (see
 * mock_contacts.h). */
#include "mock_contacts.h"

#include <stdlib.h>
#include <string.h>

static void push(void *ctx, const sim_attempt *a)
{
    mock__contacts *k = ctx;
    if (k->len == k->cap && k->cap < k->max) { /* grow, oldest first again */
        size_t cap = k->cap ? k->cap * 2 : 4096;
        if (cap > k->max)
            cap = k->max;
        mock__contact *r = malloc(cap * sizeof *r);
        if (r) {
            for (size_t i = 0; i < k->len; i++)
                r[i] = k->ring[(k->head + i) % k->cap];
            free(k->ring);
            k->ring = r;
            k->head = 0;
            k->cap = cap;
        }
    }
    if (!k->cap)
        return; /* out of memory: this contact is not kept */
    mock__contact *dst;
    if (k->len < k->cap) {
        dst = &k->ring[(k->head + k->len++) % k->cap];
    } else { /* full: the oldest goes */
        dst = &k->ring[k->head];
        k->head = (k->head + 1) % k->cap;
    }
    dst->id = k->next_id++;
    dst->a = *a;
}

void mock__contacts_init(mock__contacts *k, size_t max)
{
    memset(k, 0, sizeof *k);
    k->max = max;
    k->next_id = 1;
    k->hook.attempt = push;
    k->hook.ctx = k;
}

void mock__contacts_free(mock__contacts *k)
{
    free(k->ring);
    k->ring = NULL;
    k->cap = k->len = k->head = 0;
}

void mock__contacts_clear(mock__contacts *k)
{
    k->len = k->head = 0;
}

const mock__contact *mock__contacts_at(const mock__contacts *k, size_t i)
{
    return &k->ring[(k->head + i) % k->cap];
}
