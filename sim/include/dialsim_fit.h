/*
 * dialsim_fit.h - call records in and out of libdialsim, and the campaign
 * model fitted to them (`dialsim run --records`, `dialsim fit`).
 *
 * THE RECORDS FILE. CSV, one row per dial attempt, a header first:
 *   start        launch, seconds (dialsim: since the start of the run); or
 *                an RFC 3339 UTC time ("2026-11-24T14:16:37.123Z")
 *   hour         hour of the day, 0-23 (derived from start when absent)
 *   outcome      live | machine | busy | no-answer | invalid
 *   ring         seconds from launch to the answer (busy, no answer: to the end)
 *   amd          none | human | machine (AMD's decision)
 *   amd_seconds  AMD's listening time
 *   wait         seconds at the ACD (AMD passed the call) before an agent or
 *                the drop; empty when the call never reached the ACD
 *   abandoned    1 when dropped by the ACD or a person hung up on by AMD
 *   talk, wrap   a person's talk and wrap; for a machine an agent took,
 *                talk is the agent's time on it; empty otherwise
 *   agent        the agent's id; empty when no agent took the call
 * Other column names map through a JSON object (`--columns`):
 *   {"columns": {"start": "contactStartDate", "agent": "agentId", ...},
 *    "outcomeValues": {"19": "machine", "15": "busy", ...},
 *    "truth": false}
 * A field mapped to null is absent. "truth" says whether `outcome` is the
 * truth even for calls AMD hung up on (dialsim's records: true, the
 * default) or the ACD's disposition (a real ACD marks every AMD hang-up a
 * machine): without the truth, AMD's detection and false-positive rates
 * cannot be identified, and the fit says so.
 *
 * THE FIT. One pass over the rows, in memory that does not grow with them:
 * counts per hour of the day; for each duration (ring, talk, wrap, AMD's
 * listening time, a machine's handling, busy ring), its count, sum, sum of
 * logs and of squared logs (sufficient statistics for the exponential,
 * gamma and lognormal maximum likelihood), minimum and maximum (uniform),
 * and a histogram of 4,000 logarithmic bins from 1 ms to 10^5 s (0.46%
 * wide): the Weibull likelihood and every KS distance are computed on it,
 * an approximation far below the sampling error. Values under 1 ms are
 * taken as 0.5 ms (the records' resolution). Agents: distinct agent ids per
 * hour, over the last 8 open hours (rows more than 8 hours out of order are
 * not counted for agents, and reported). See sim/README.md for what each
 * estimate is and which are not identifiable.
 */
#ifndef DIALSIM_FIT_H
#define DIALSIM_FIT_H

#include "dialsim.h"

/* The header line of dialsim's records (with its newline). */
#define SIM_RECORD_HEADER                                                                      \
    "start,hour,outcome,ring,amd,amd_seconds,wait,abandoned,talk,wrap,agent\n"
/* The longest row sim_record_format writes, terminator included. */
#define SIM_RECORD_MAX 320

/* Writes a's row (with its newline) into buf (SIM_RECORD_MAX bytes);
 * returns its length. Times to the millisecond. */
size_t sim_record_format(const sim_attempt *a, char *buf);

typedef struct sim_fit sim_fit;

/* The fields of a record, in SIM_RECORD_HEADER's order. */
typedef enum sim_record_field {
    SIM_REC_START, SIM_REC_HOUR, SIM_REC_OUTCOME, SIM_REC_RING, SIM_REC_AMD, SIM_REC_AMD_S,
    SIM_REC_WAIT, SIM_REC_ABANDONED, SIM_REC_TALK, SIM_REC_WRAP, SIM_REC_AGENT, SIM_REC_FIELDS
} sim_record_field;

/* A fit of records whose columns follow `map` (the object above; NULL:
 * dialsim's own), read from `map_file` (for errors). */
sim_status sim_fit_create(const struct cJSON *map, const char *map_file, sim_fit **out,
                          cx_error *err);
void sim_fit_destroy(sim_fit *f);
/* Adds every row of a CSV file. A malformed row is SIM_EINVAL naming
 * "file:line:column"; SIM_EIO when the file cannot be read. */
sim_status sim_fit_add_file(sim_fit *f, const char *path, cx_error *err);
/* Adds rows from a buffer holding whole lines, the first the header
 * (`name` names it in errors). */
sim_status sim_fit_add_text(sim_fit *f, const char *text, size_t len, const char *name,
                            cx_error *err);
/* Adds one record given field by field: the fit is the one judge of a
 * valid record, whether it comes from a file or from a converter of some
 * other source (cxopt calibrate's CXone contacts). value[k] is field k's
 * text as a records file holds it (the same rule as a file's row), NULL or
 * "" when absent; a field the column map sets to null is ignored, and an
 * outcome goes through its outcomeValues. A bad record is SIM_EINVAL, with
 * *field the bad field (SIM_REC_FIELDS when it has neither a start nor an
 * hour) and err saying what was expected without naming the field, for
 * the caller to name it as its source does. */
sim_status sim_fit_add_record(sim_fit *f, const char *const value[SIM_REC_FIELDS], int *field,
                              cx_error *err);
/* Fits what was added. *model is a new "campaign" object (what dialsim,
 * mockcxone --model and cxopt --model read); *report a new object with
 * every estimate, its 95% interval, the candidates' AIC and KS, and what
 * could not be identified. SIM_EINVAL when the records cannot make a model
 * (no attempt, no agent). The caller deletes both. */
sim_status sim_fit_result(const sim_fit *f, struct cJSON **model, struct cJSON **report,
                          cx_error *err);

#endif /* DIALSIM_FIT_H */
