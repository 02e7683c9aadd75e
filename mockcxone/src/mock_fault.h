/* mock_fault.h - fault rules: parsed, matched, counted (internal).
 *
 * Matching is in rule order; the first rule whose method and path match,
 * whose time window holds, and which has firings left decides. `after`
 * skips that many matches first; `probability` fires at random (seeded).
 * A rule with a probability that does not fire lets later rules try. */
#ifndef MOCK_FAULT_H
#define MOCK_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "mock_http.h"

struct cJSON;

/* The fault actions: one table drives the enum, the rule parser's names,
 * GET /__admin/faults and the journal's label. patch-campaign: another
 * process changes the campaign (the rule's "patch"). From empty-response
 * on, the wire faults (mock_wire.c writes their bytes on the socket):
 *   empty-response   the request is read, the connection closed, no bytes
 *   random-data      garbage, then close
 *   hang             accepted, never answered (until the client leaves)
 *   malformed-chunk  the answer chunked, broken midway by a bad chunk
 *   truncated-body   Content-Length promises the whole, half is sent
 *   dribble          the answer in `chunks` pieces over `durationMs`
 *   bandwidth        the answer at `bytesPerSecond`
 *   slow-close       the answer without a length, the close `durationMs` late
 * The last five deliver the route's answer (or the rule's status): the
 * request has done its work, a write has landed. */
#define MOCK_ACTIONS(X)                                                                    \
    X(NONE, "none")                                                                        \
    X(RESET, "reset")                                                                      \
    X(EXPIRE_TOKENS, "expire-tokens")                                                      \
    X(LOCK_CAMPAIGN, "lock-campaign")                                                      \
    X(PATCH_CAMPAIGN, "patch-campaign")                                                    \
    X(EMPTY_RESPONSE, "empty-response")                                                    \
    X(RANDOM_DATA, "random-data")                                                          \
    X(HANG, "hang")                                                                        \
    X(MALFORMED_CHUNK, "malformed-chunk")                                                  \
    X(TRUNCATED_BODY, "truncated-body")                                                    \
    X(DRIBBLE, "dribble")                                                                  \
    X(BANDWIDTH, "bandwidth")                                                              \
    X(SLOW_CLOSE, "slow-close")

typedef enum mock__action {
#define MOCK__ACTION_ENUM(id, name) MOCK_ACT_##id,
    MOCK_ACTIONS(MOCK__ACTION_ENUM)
#undef MOCK__ACTION_ENUM
    MOCK_ACT_COUNT
} mock__action;

/* "reset", "patch-campaign", ...; "?" for a value out of range. */
const char *mock__action_name(mock__action a);

/* Whether the action delivers the route's answer broken on the wire. */
static inline bool mock__action_delivers(mock__action a)
{
    return a >= MOCK_ACT_MALFORMED_CHUNK && a <= MOCK_ACT_SLOW_CLOSE;
}

/* A rule's delay: fixed, or drawn for each firing (WireMock's
 * delayDistribution: uniform lower..upper, lognormal median and sigma). */
typedef enum mock__delay_kind {
    MOCK_DELAY_FIXED,
    MOCK_DELAY_UNIFORM,
    MOCK_DELAY_LOGNORMAL
} mock__delay_kind;

/* What a fired rule does (a copy: rules may change meanwhile). */
typedef struct mock__effect {
    bool fired;
    int rule;              /* its index */
    long delay_ms;         /* drawn from the rule's distribution at the firing */
    mock__action action;
    mock__wire wire;       /* the wire faults' parameters (wire.action = action) */
    int status;            /* 0: answer normally */
    int n_headers;
    char hname[MOCK_MAX_HEADERS][48];
    char hvalue[MOCK_MAX_HEADERS][256];
    char *body;            /* owned; NULL: a default JSON error */
    bool body_json;
    char *patch;           /* owned: patch-campaign's merge patch (JSON text) */
} mock__effect;

typedef struct mock__faults mock__faults;

mock_status mock__faults_create(uint64_t seed, mock__faults **out, cx_error *err);
void mock__faults_destroy(mock__faults *f);
/* Replaces (or with `append`, extends) the rules from {"faults":[...]};
 * on error nothing changes and err names the file (may be "") and key path. */
mock_status mock__faults_load(mock__faults *f, const struct cJSON *doc, const char *file,
                              bool append, cx_error *err);
void mock__faults_clear(mock__faults *f);
/* `t` is seconds since the server started, on its clock. */
void mock__faults_match(mock__faults *f, const char *method, const char *path, double t,
                        mock__effect *out);
void mock__effect_free(mock__effect *e);
/* Switches rule `index` (0-based, as listed) off or back on; a rule that is
 * off is skipped by matching and keeps its counts. MOCK_ENOENT: no such rule. */
mock_status mock__faults_enable(mock__faults *f, int index, bool on);
/* The rules with their counts, as JSON (caller frees). */
struct cJSON *mock__faults_json(mock__faults *f);

/* Glob match: `*` one path segment, `**` the rest of the path. */
bool mock__glob(const char *pattern, const char *path);

#endif
