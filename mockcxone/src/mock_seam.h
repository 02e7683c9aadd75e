/* mock_seam.h - a test's seam into the server's lock discipline (internal).
 *
 * "Nothing borrowed escapes a lock" (mock_internal.h) is a rule a race
 * breaks only now and then. This seam makes the race happen every time: a
 * test sets a function that put_block calls with no lock held, just after
 * it has checked a body's field against the stored extras and before it
 * acts on what it decided. That is the window in which a concurrent PUT
 * may replace (and free) the item just checked. The function may do
 * anything a client could, such as that PUT (tests/mock/test_mock_cxone.c,
 * case put_unlocked_window). Code that carried a pointer into the extras
 * past the unlock reads freed memory there, which the test's poisoning
 * allocator (cJSON's hooks) turns into a wrong answer in every build.
 *
 * No server sets it but a test's: NULL is the default and costs a load
 * under a lock the handler already holds. */
#ifndef MOCK_SEAM_H
#define MOCK_SEAM_H

#include "mockcxone.h"

typedef void (*mock__seam_fn)(void *arg);

/* Sets (fn NULL: clears) the function put_block calls in its unlocked
 * window. Safe while the server runs; arg is the test's. */
void mock__seam_set(mock_server *s, mock__seam_fn fn, void *arg);

#endif
