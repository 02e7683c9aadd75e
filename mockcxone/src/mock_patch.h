/* mock_patch.h - a campaign's dialer settings and the checking of a merge
 * patch of them (internal). */
#ifndef MOCK_PATCH_H
#define MOCK_PATCH_H

#include <stdbool.h>

#include "mockcxone.h"

struct cJSON;

/* The strategies' names, in sim_strategy order; NULL-ended. */
extern const char *const mock__strategies[];

typedef struct mock__params {
    double answer_rate, abandon_rate;
    long max_concurrent_calls, call_interval, warm_up;
    int strategy; /* index in mock__strategies */
} mock__params;

/* The problems found in a patch, as the 422 body lists them. */
typedef struct mock__problems {
    struct cJSON *list; /* [{"field":..,"problem":..}] */
    int n;
} mock__problems;

/* Applies `body` ({"predictiveDialer":{...},"status":..}, RFC 7396) to *p
 * and status (>= 16 bytes) when each field is of the right type and within
 * the bounds; adds one problem per offending field (unknown ones too), and
 * counts the fields that change in *changes. An empty patch is a problem. */
void mock__check_patch(const mock_bounds *b, const struct cJSON *body, mock__params *p,
                       char *status, mock__problems *pr, int *changes);
/* Whether an If-Match list names version v ("v<N>", weak or strong, or *). */
bool mock__etag_matches(const char *if_match, long version);

#endif
