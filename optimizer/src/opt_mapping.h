/* opt_mapping.h - how the seed's concepts map onto CXone's real fields
 * (internal). Data, not code: a JSON file users edit without recompiling.
 *
 *   {"answerRate":   {"block": "generalSettings", "field": "maximumRatio",
 *                     "transform": "reciprocal"},
 *    "abandonRate":  {"block": "generalSettings", "field": "abandonRateThreshold",
 *                     "transform": "percent"},
 *    "maxConcurrentCalls": {"block": "generalSettings",
 *                     "field": "maxConcurrentCallsPerAgent", "transform": "per-agent"},
 *    "callInterval": null, "strategy": null, "warmUpPeriod": null}
 *
 * A null concept has no real field: its value is assumed to be the seed's and
 * a change to it is refused. Blocks: generalSettings (PUT .../general-settings)
 * and cpaSettings (PUT .../cpa-management). Transforms, seed value -> field:
 * identity, percent (x100), reciprocal (1/x), per-agent (/ staffed agents).
 * An optional "records" object maps completed contacts onto the fit's call
 * records for `cxopt calibrate` (opt_records.h). */
#ifndef OPT_MAPPING_H
#define OPT_MAPPING_H

#include <stdbool.h>

#include "cxopt.h"
#include "opt_records.h"

struct cJSON;

typedef enum opt__concept {
    OPT__ANSWER_RATE = 0,
    OPT__ABANDON_RATE,
    OPT__MAX_CALLS,
    OPT__CALL_INTERVAL,
    OPT__STRATEGY,
    OPT__WARM_UP,
    OPT__CONCEPTS
} opt__concept;

typedef enum opt__transform {
    OPT__IDENTITY = 0,
    OPT__PERCENT,
    OPT__RECIPROCAL,
    OPT__PER_AGENT
} opt__transform;

typedef struct opt__field_map {
    bool mapped;
    char block[32];  /* generalSettings or cpaSettings */
    char field[64];
    opt__transform transform;
} opt__field_map;

typedef struct opt__mapping {
    opt__field_map f[OPT__CONCEPTS];
    bool has_records;           /* the file's "records" (opt_records.h) */
    opt__records_map records;
} opt__mapping;

/* The seed's names of the concepts, in opt__concept order. */
extern const char *const opt__concept_names[OPT__CONCEPTS + 1];

void opt__mapping_default(opt__mapping *m);
opt_status opt__mapping_load(const char *path, opt__mapping *m, cx_error *err);
opt_status opt__mapping_parse(const struct cJSON *root, const char *file, opt__mapping *m,
                              cx_error *err);

/* A concept's numeric value (strategy excluded) as a double. */
double opt__concept_value(const opt_params *p, opt__concept c);
/* Sets a concept from a double (rounding the integer ones). */
void opt__concept_set(opt_params *p, opt__concept c, double v);
/* seed value -> field value, and back; agents for per-agent (>= 1). */
double opt__to_field(const opt__field_map *f, double v, int agents);
double opt__from_field(const opt__field_map *f, double v, int agents);
bool opt__mapping_needs_agents(const opt__mapping *m);

#endif
