/* mock_journal.c - the bounded ring of request records. */
#include "mock_journal.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mock__journal {
    pthread_mutex_t lock;
    cJSON **ring;
    size_t cap, head, len;
    long seq;
    size_t dropped;
    size_t by_status[600]; /* 0 = no response (reset) */
};

mock_status mock__journal_create(size_t cap, mock__journal **out, cx_error *err)
{
    *out = NULL;
    mock__journal *j = calloc(1, sizeof *j);
    if (!j)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    j->cap = cap ? cap : 1;
    j->ring = calloc(j->cap, sizeof *j->ring);
    if (!j->ring || pthread_mutex_init(&j->lock, NULL) != 0) {
        free(j->ring);
        free(j);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    *out = j;
    return MOCK_OK;
}

void mock__journal_clear(mock__journal *j)
{
    pthread_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->len; i++)
        cJSON_Delete(j->ring[(j->head + i) % j->cap]);
    j->head = j->len = 0;
    j->seq = 0;
    j->dropped = 0;
    memset(j->by_status, 0, sizeof j->by_status);
    pthread_mutex_unlock(&j->lock);
}

void mock__journal_destroy(mock__journal *j)
{
    if (!j)
        return;
    mock__journal_clear(j);
    pthread_mutex_destroy(&j->lock);
    free(j->ring);
    free(j);
}

void mock__journal_add(mock__journal *j, cJSON *entry, int status)
{
    /* allocation and freeing stay outside the lock: with a thread per
     * connection, a thread preempted while holding it stalls every other
     * request (the entry's "seq" is made here, numbered under the lock,
     * before anyone can see the entry; the evicted entry is freed after) */
    cJSON *seq = entry ? cJSON_CreateNumber(0) : NULL;
    if (entry && (!seq || !cJSON_AddItemToObject(entry, "seq", seq))) {
        cJSON_Delete(seq);
        cJSON_Delete(entry);
        entry = NULL;
    }
    cJSON *evicted = NULL;
    pthread_mutex_lock(&j->lock);
    j->seq++;
    if (status >= 0 && status < 600)
        j->by_status[status]++;
    if (entry) {
        cJSON_SetNumberValue(seq, (double)j->seq);
        if (j->len == j->cap) {
            evicted = j->ring[j->head];
            j->head = (j->head + 1) % j->cap;
            j->len--;
            j->dropped++;
        }
        j->ring[(j->head + j->len++) % j->cap] = entry;
    } else {
        j->dropped++; /* could not even record it: still counted */
    }
    pthread_mutex_unlock(&j->lock);
    cJSON_Delete(evicted);
}

cJSON *mock__journal_list(mock__journal *j, long since)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return NULL;
    pthread_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->len; i++) {
        cJSON *e = j->ring[(j->head + i) % j->cap];
        const cJSON *seq = cJSON_GetObjectItemCaseSensitive(e, "seq");
        if (seq && seq->valuedouble <= (double)since)
            continue;
        cJSON *copy = cJSON_Duplicate(e, 1);
        if (!copy)
            break;
        cJSON_AddItemToArray(arr, copy);
    }
    pthread_mutex_unlock(&j->lock);
    return arr;
}

cJSON *mock__journal_summary(mock__journal *j)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *by = cJSON_CreateObject();
    if (!o || !by) {
        cJSON_Delete(o);
        cJSON_Delete(by);
        return NULL;
    }
    pthread_mutex_lock(&j->lock);
    cJSON_AddNumberToObject(o, "total", (double)j->seq);
    cJSON_AddNumberToObject(o, "kept", (double)j->len);
    cJSON_AddNumberToObject(o, "dropped", (double)j->dropped);
    for (int s = 0; s < 600; s++) {
        if (!j->by_status[s])
            continue;
        char key[16];
        snprintf(key, sizeof key, "%d", s);
        cJSON_AddNumberToObject(by, s == 0 ? "reset" : key, (double)j->by_status[s]);
    }
    pthread_mutex_unlock(&j->lock);
    cJSON_AddItemToObject(o, "byStatus", by);
    return o;
}

size_t mock__journal_total(mock__journal *j)
{
    pthread_mutex_lock(&j->lock);
    size_t n = (size_t)j->seq;
    pthread_mutex_unlock(&j->lock);
    return n;
}
