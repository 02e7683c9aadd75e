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
 * process changes the campaign (the rule's "patch"). */
#define MOCK_ACTIONS(X)                                                                    \
    X(NONE, "none")                                                                        \
    X(RESET, "reset")                                                                      \
    X(EXPIRE_TOKENS, "expire-tokens")                                                      \
    X(LOCK_CAMPAIGN, "lock-campaign")                                                      \
    X(PATCH_CAMPAIGN, "patch-campaign")

typedef enum mock__action {
#define MOCK__ACTION_ENUM(id, name) MOCK_ACT_##id,
    MOCK_ACTIONS(MOCK__ACTION_ENUM)
#undef MOCK__ACTION_ENUM
    MOCK_ACT_COUNT
} mock__action;

/* "reset", "patch-campaign", ...; "?" for a value out of range. */
const char *mock__action_name(mock__action a);

/* What a fired rule does (a copy: rules may change meanwhile). */
typedef struct mock__effect {
    bool fired;
    int rule;              /* its index */
    long delay_ms;
    mock__action action;
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
