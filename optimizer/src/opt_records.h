/* opt_records.h - CXone's completed contacts as call records for the fit
 * (internal; `cxopt calibrate`, opt_calibrate.c).
 *
 * The mapping file's "records" object says which field of a completed
 * contact (GET .../contacts/completed, ../shared/CXONE.md "Call records for
 * calibration") carries each of the fit's columns (dialsim_fit.h), how sure
 * that is, and which disposition means which outcome:
 *
 *   "records": {
 *     "columns": {"start": {"field": "contactStartDate", "confidence": "doc"},
 *                 "ring":  {"field": "preQueueSeconds", "confidence": "guess",
 *                           "note": "..."},
 *                 "amd": null, ...},                 (every column named)
 *     "outcomeValues": {"15": "busy", "19": "machine", ...},
 *     "otherOutcome": "live",    (a disposition not listed: an agent's own)
 *     "outcomeConfidence": "guess"}
 *
 * Confidence is ../shared/CXONE.md's: doc, doc*, sdk, 3p or guess. A column
 * mapped to null is not in CXone's records: the fit goes without it (and
 * says what it cannot identify). Every record is converted to the fit's
 * field texts and handed to the fit, which judges it: the rule of a valid
 * record lives in libdialsim alone. A page at a time, so nothing grows
 * with the pull. */
#ifndef OPT_RECORDS_H
#define OPT_RECORDS_H

#include <stdbool.h>

#include "cxcommon.h"
#include "cxopt.h"

struct cJSON;
struct sim_fit;

enum { OPT__REC_START, OPT__REC_HOUR, OPT__REC_OUTCOME, OPT__REC_RING, OPT__REC_AMD,
       OPT__REC_AMD_S, OPT__REC_WAIT, OPT__REC_ABANDONED, OPT__REC_TALK, OPT__REC_WRAP,
       OPT__REC_AGENT, OPT__REC_COLUMNS };

#define OPT__REC_VALUES 48

typedef struct opt__rec_column {
    bool mapped;
    char field[64];
    char confidence[8];  /* doc, doc*, sdk, 3p, guess */
} opt__rec_column;

typedef struct opt__records_map {
    opt__rec_column col[OPT__REC_COLUMNS];
    int n_values;
    char value_from[OPT__REC_VALUES][24];
    char value_to[OPT__REC_VALUES][12];
    char other[12];              /* outcome of an unlisted disposition; "" = an error */
    char outcome_confidence[8];
} opt__records_map;

/* The fit's column names (dialsim_fit.h), in the enum's order. */
extern const char *const opt__rec_names[OPT__REC_COLUMNS + 1];

/* The built-in mapping (optimizer/cxone-mapping.json's "records"). */
void opt__records_map_default(opt__records_map *m);
/* Parses the "records" object; errors name file and key path. */
opt_status opt__records_map_parse(const struct cJSON *records, const char *file,
                                  opt__records_map *m, cx_error *err);

/* The column map sim_fit_create takes for the records opt__records_add hands
 * (new object; the caller deletes it). */
struct cJSON *opt__records_fit_map(const opt__records_map *m);

/* One completed contact as the fit's field texts (dialsim_fit.h's
 * sim_fit_add_record): value[k] is column k's text, NULL when the contact
 * has no such field (or null); strings are the contact's own, numbers are
 * written in number[k], a disposition is its outcome. */
typedef struct opt__record {
    const char *value[OPT__REC_COLUMNS];
    char number[OPT__REC_COLUMNS][32];
} opt__record;

/* Converts one contact (completedContacts[index] of `what`); borrows from
 * rec. A disposition the mapping cannot translate, or a value that is no
 * text (an object, an array), is OPT_EAPI naming `what`, the record, the
 * field and the column it maps to. Whether the texts make a valid record is
 * the fit's to say, not this. */
opt_status opt__record_text(const opt__records_map *m, const struct cJSON *rec, const char *what,
                            long index, opt__record *out, cx_error *err);

/* Adds one page of completed contacts (the array) to the fit, record by
 * record (*rows counts them); inbound contacts are left out (*inbound
 * counts them). The fit judges each record (sim_fit_add_record); a record
 * it refuses, or that cannot be converted, is OPT_EAPI naming `what`, the
 * record (completedContacts[first + i]), the field and the column it maps
 * to, and what was expected. Records before it stay added. */
opt_status opt__records_add(const opt__records_map *m, const struct cJSON *contacts, long first,
                            const char *what, struct sim_fit *fit, long *rows, long *inbound,
                            cx_error *err);

#endif
