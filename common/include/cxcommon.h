/*
 * cxcommon.h - the few things every layer of cxdialer shares.
 *
 *   cx_error  a caller-provided buffer for the human message behind a
 *             library's status code (callers branch on the code, show the text)
 *   cx_clock  the one source of time: real (wall clock) or virtual (moved by
 *             whoever drives a scenario; sleeping on it advances it at once)
 *   cx_buf    a growable byte buffer with a hard cap
 *   cx_jobj   a reader for JSON objects that names the file and key path of
 *             every problem ("scen.json: campaign.talkTime.mean: must be >= 0")
 *   cx_map    one parallel map: units 0..n-1, each run once, on threads (or,
 *             through a program's backend, on MPI ranks as well)
 *
 * Nothing here keeps global mutable state; every object has one owner, and
 * every destroy/free function accepts NULL.
 */
#ifndef CXCOMMON_H
#define CXCOMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct cJSON;

#if defined(__GNUC__)
#define CX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define CX_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define CX_PRINTF(f, a)
#define CX_WARN_UNUSED
#endif

/* ---------------------------------------------------------------- errors */

#define CX_ERROR_MAX 512

/* The human message that goes with a failed call. `code` is the library's
 * own status value (sim_status, mock_status, opt_status...), copied here so a
 * message can travel up a layer with its cause. */
typedef struct cx_error {
    int code;
    char msg[CX_ERROR_MAX];
} cx_error;

/* Fills `err` (which may be NULL) and returns `code`, so a failing function
 * can `return cx_error_set(err, SIM_EINVAL, "...", ...);`. */
int cx_error_set(cx_error *err, int code, const char *fmt, ...) CX_PRINTF(3, 4);
int cx_error_setv(cx_error *err, int code, const char *fmt, va_list ap) CX_PRINTF(3, 0);
/* Prefixes the existing message: "ctx: old message". Keeps err->code. */
void cx_error_prefix(cx_error *err, const char *fmt, ...) CX_PRINTF(2, 3);
void cx_error_clear(cx_error *err);

/* Copies src into dst (size n > 0), always NUL-terminates; returns false when
 * src did not fit (dst then holds a truncated copy). */
bool cx_copy(char *dst, size_t n, const char *src);

/* ----------------------------------------------------------------- clock */

/* Time in seconds since the Unix epoch, as a double (microsecond resolution
 * is enough for everything here).
 *
 * Real clock: now() reads CLOCK_REALTIME, sleep() sleeps, monotonic() reads
 * CLOCK_MONOTONIC.
 * Virtual clock: now() returns the simulated time, which only moves through
 * cx_clock_advance() or cx_clock_sleep() (which advances it by the requested
 * amount and returns at once); monotonic() equals now(). A virtual clock is
 * shared by threads (the mock's HTTP workers read it while the scenario
 * runner moves it) and is safe to use from any thread. */
typedef struct cx_clock cx_clock;

/* Returns NULL only when out of memory. */
cx_clock *cx_clock_real_create(void);
cx_clock *cx_clock_virtual_create(double start_epoch_seconds);
void cx_clock_destroy(cx_clock *clk);

bool cx_clock_is_virtual(const cx_clock *clk);
double cx_clock_now(const cx_clock *clk);
double cx_clock_monotonic(const cx_clock *clk);
void cx_clock_sleep(cx_clock *clk, double seconds);
/* Virtual clocks only: moves time forward by `seconds` (>= 0). Returns 0, or
 * -1 for a real clock or a negative step. */
int cx_clock_advance(cx_clock *clk, double seconds);

/* Wall-clock monotonic seconds, for measuring real latency whatever clock a
 * component runs on. */
double cx_wall_monotonic(void);

/* Formats t (epoch seconds) as RFC 3339 UTC with milliseconds,
 * "2026-11-24T14:16:37.123Z"; buf needs 32 bytes. */
void cx_format_rfc3339(double t, char *buf, size_t n);

/* ---------------------------------------------------------------- buffer */

/* A byte buffer that grows up to `cap` bytes and refuses to grow past it, so
 * a hostile or faulty peer cannot make it take unbounded memory. data is
 * always NUL-terminated (the terminator is not counted in len). */
typedef struct cx_buf {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap;
} cx_buf;

void cx_buf_init(cx_buf *b, size_t cap);
/* Returns 0, or -1 when the append would pass the cap or memory ran out (the
 * buffer is then unchanged). */
int cx_buf_append(cx_buf *b, const void *data, size_t len) CX_WARN_UNUSED;
int cx_buf_printf(cx_buf *b, const char *fmt, ...) CX_PRINTF(2, 3);
void cx_buf_reset(cx_buf *b);
/* Hands the data to the caller (free() it; may be NULL when nothing was
 * appended) and leaves the buffer empty. */
char *cx_buf_steal(cx_buf *b);
void cx_buf_free(cx_buf *b);

/* ------------------------------------------------------------------ JSON */

/* Parses text (len bytes, need not be NUL-terminated). On failure returns
 * NULL and sets err to "<name>: invalid JSON at line L, column C: <hint>".
 * The caller owns the result (cJSON_Delete). */
struct cJSON *cx_json_parse(const char *text, size_t len, const char *name,
                            cx_error *err);
/* Whether s (len bytes) is well-formed UTF-8 (RFC 3629); when not, *bad_at
 * (may be NULL) receives the offset of the first byte that is not. */
bool cx_utf8_valid(const char *s, size_t len, size_t *bad_at);
/* Appends s to out with each byte that is not part of well-formed UTF-8
 * replaced by U+FFFD, so text from a peer can be put into JSON. Returns 0,
 * or -1 when out's cap was reached (out then holds a prefix). */
int cx_utf8_sanitize(const char *s, size_t len, cx_buf *out);
/* Reads and parses a file (at most 16 MiB); errors name the file. */
struct cJSON *cx_json_load_file(const char *path, cx_error *err);

/* A cursor over one JSON object. Every accessor checks the member's type
 * and range and, on a problem, sets err to
 *     "<file>: <path>.<key>: <problem>"
 * (for example `dial.json: campaign.talkTime.mean: must be >= 0, got -3`)
 * and returns -1. Absent optional members leave *out untouched and return 0,
 * so callers pre-load defaults. The cursor borrows the cJSON tree. */
typedef struct cx_jobj {
    const struct cJSON *node;
    const char *file;          /* borrowed; "" when the JSON is not a file */
    char path[256];            /* "" at the root, else "campaign.talkTime" */
    cx_error *err;
    int code;                  /* the status code errors carry */
} cx_jobj;

/* Starts a cursor on `node`, which must be an object (else -1 with an error
 * naming `path`). `code` is the status code put into err on failure. */
int cx_jobj_init(cx_jobj *o, const struct cJSON *node, const char *file,
                 const char *path, int code, cx_error *err);
/* Fails on any member whose name is not in `allowed` (NULL-terminated). */
int cx_jobj_only(cx_jobj *o, const char *const *allowed);
/* Member accessors; `required` makes absence an error. */
int cx_jobj_num(cx_jobj *o, const char *key, bool required, double min,
                double max, double *out);
int cx_jobj_int(cx_jobj *o, const char *key, bool required, long min, long max,
                long *out);
int cx_jobj_bool(cx_jobj *o, const char *key, bool required, bool *out);
/* *out borrows the string inside the tree. */
int cx_jobj_str(cx_jobj *o, const char *key, bool required, const char **out);
/* Like cx_jobj_str, but the value must be one of `choices` (NULL-terminated);
 * *index receives its position. */
int cx_jobj_enum(cx_jobj *o, const char *key, bool required,
                 const char *const *choices, int *index);
/* Opens member `key` as a child cursor (it must be an object). Returns 1 when
 * opened, 0 when absent and optional, -1 on error. */
int cx_jobj_child(cx_jobj *o, const char *key, bool required, cx_jobj *child);
/* The raw member, or NULL when absent. */
const struct cJSON *cx_jobj_get(const cx_jobj *o, const char *key);
/* Sets an error at "<file>: <path>.<key>: <message>" and returns -1; for
 * checks the accessors above cannot express. key may be NULL (the object
 * itself). */
int cx_jobj_fail(cx_jobj *o, const char *key, const char *fmt, ...) CX_PRINTF(3, 4);
/* Writes "<path>.<key>" (or "<path>[i]" when key is NULL) into buf. */
void cx_jobj_subpath(const cx_jobj *o, const char *key, int index, char *buf,
                     size_t n);

/* ---------------------------------------------------------- parallel map */

/* One parallel map: runs units 0..n-1 of a job, each exactly once, in any
 * order, on any worker. It is the project's only pool of workers (sweep
 * points, replications, scenarios).
 *
 * Results do not depend on the number of workers because a unit depends on
 * its index alone: run(ctx, i) reads what is shared read-only, writes only
 * unit i's own slot in ctx, and takes its random numbers from a seed derived
 * from i. The map makes no promise about order; it promises that when
 * cx_map_run returns, every unit that was due here has run.
 *
 * A failing unit records its failure in its own slot (a status and a
 * cx_error beside its result); the map goes on with the others. The map's
 * own status says only whether it could run the job at all.
 *
 * Backends. NULL is the threads backend: up to job->threads threads of this
 * process (the calling thread is one of them; <= 1 runs every unit on it, in
 * index order). A program may pass another backend, such as the MPI one of
 * cxdialer's programs (common/tools/cx_mpi.h), which splits the units among
 * processes, runs each process's share on job->threads threads, and gathers
 * every result into one process with pack and unpack. A job without pack and
 * unpack cannot leave its process: such a backend refuses it (CX_MAP_EINVAL).
 */
typedef enum cx_map_status {
    CX_MAP_OK = 0,
    CX_MAP_EINVAL, /* no run function, or a job the backend cannot carry */
    CX_MAP_ENOMEM,
    CX_MAP_EIO     /* a backend's transport failed (the text says how) */
} cx_map_status;

typedef struct cx_map_job {
    size_t n;                  /* units 0..n-1 */
    int threads;               /* workers in each process; <= 1: one */
    void *ctx;
    /* Runs unit i (on a worker thread). */
    void (*run)(void *ctx, size_t i);
    /* Optional: unit i has finished in this process; calls are serialised
     * (the map holds its lock), for a progress line. */
    void (*done)(void *ctx, size_t i);
    /* Optional, for backends that run units in other processes: appends
     * unit i's result (its failure included) to out as bytes (0, or -1 when
     * out of memory), and, in the gathering process, puts those bytes back
     * into unit i's slot (0, or -1 with err set). */
    int (*pack)(void *ctx, size_t i, cx_buf *out);
    int (*unpack)(void *ctx, size_t i, const void *data, size_t len, cx_error *err);
} cx_map_job;

/* "out of memory", ... for a cx_map_status (the cx_error says more). */
const char *cx_map_strerror(int st);

/* A way to run a job. `run` returns a cx_map_status and fills err. */
typedef struct cx_map_backend {
    const char *name;          /* "threads", "mpi" */
    void *self;
    int (*run)(void *self, const cx_map_job *job, cx_error *err);
} cx_map_backend;

/* Runs the job on `backend` (NULL: the threads backend). */
int cx_map_run(const cx_map_backend *backend, const cx_map_job *job, cx_error *err);
/* The threads backend itself, for backends built on it: runs the units
 * `index[0..count-1]` (or 0..job->n-1 when index is NULL). */
int cx_map_threads(const cx_map_job *job, const size_t *index, size_t count, cx_error *err);

#endif /* CXCOMMON_H */
