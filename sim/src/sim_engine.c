/* sim_engine.c - the discrete-event simulation of a dialer and its agents.
 *
 * Model and pacing rules are documented in dialsim.h; this file implements
 * them. Assumptions: agents are interchangeable (they are counts, not
 * individuals); a call's outcome is drawn when it is launched, from the
 * live-answer probability at that instant; calls waiting at the ACD are served
 * first come, first served; every random number comes from the engine's own
 * gsl_rng, in an order fixed by the event queue's (time, seq) order.
 *
 * A call's life:
 *   RINGING --resolve--> busy | invalid | no answer                   -> ends
 *           \--> answered (live or machine) --AMD decision time--> SCREENING
 *                 AMD hangs up: a detected machine                     -> ends
 *                               a live person (false positive)        -> abandoned
 *                 passed to the ACD (a person or an undetected machine):
 *                   idle agent?  yes -> TALKING -> wrap -> agent free
 *                                       (a machine: its agent for machineHandleTime)
 *                                no  -> WAITING --agent--> as above
 *                                                \--threshold--> dropped
 * The predictive pacer (sim_pacer.c) is told every attempt's end, every
 * connection and every drop, as a real dialer would be.
 *
 * Cost: O(log n) per event for the heap, O(1) for everything else; memory is
 * bounded by the lines and agents in use, not by the simulated duration
 * (except the per-interval series, which the caller asks for).
 *
 * One translation unit on purpose, though long: every event passes through
 * push, launch, resolve, connect and pace, and the compiler inlines them
 * only within a file; the heap (sim_heap.c), the model (sim_model.c), the
 * predictive pacer (sim_pacer.c) and the runs and replications (sim_run.c)
 * live apart. */
#include "sim_engine.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_heap.h"
#include "sim_pacer.h"
#include "sim_vicidial.h"

enum ev_kind {
    EV_RESOLVE,     /* a ringing line ends: id = call */
    EV_ABANDON,     /* a waiting call runs out of patience: id = call */
    EV_TALK_END,    /* id = call */
    EV_WRAP_END,    /* an agent finishes wrap-up */
    EV_MACHINE_END, /* an agent is done with an undetected machine: id = call */
    EV_PACE,        /* the call-interval gate opens, or warm-up ends */
    EV_CONTROL,     /* the abandon control's tick */
    EV_ARRIVAL,     /* fixed-rate: a launch */
    EV_SCHEDULE,    /* the staffed agent count changes */
    EV_PREVIEW_END, /* an agent has previewed a record */
    EV_SCREENED,    /* AMD has decided on an answered call: id = call */
    EV_VICI_SECOND, /* vicidial: the once-a-second loop: gen = vici_gen */
    EV_VICI_ROUND   /* vicidial: a launch round: gen = vici_gen */
};

#define VICI_ROUND 2.5 /* seconds between the auto-dialer's launch rounds */
#define VICI_MINUTE 60

enum call_state { C_FREE, C_RINGING, C_SCREENING, C_WAITING, C_TALKING, C_MACHINE };
enum outcome { O_LIVE, O_MACHINE, O_BUSY, O_INVALID, O_NOANSWER };
/* what records call them */
static const sim_outcome public_outcome[] = {[O_LIVE] = SIM_OUTCOME_LIVE,
                                             [O_MACHINE] = SIM_OUTCOME_MACHINE,
                                             [O_BUSY] = SIM_OUTCOME_BUSY,
                                             [O_INVALID] = SIM_OUTCOME_INVALID,
                                             [O_NOANSWER] = SIM_OUTCOME_NOANSWER};

#define NO_BATCH UINT32_MAX

typedef struct call {
    double t_launch, t_answer, t_connect;
    double t_acd;  /* AMD passed it to the ACD */
    uint32_t gen;
    uint32_t batch;
    int32_t agent; /* its agent's slot once connected */
    uint8_t state, outcome, amd;
} call;

/* power dialing: the lines launched for one waiting agent */
typedef struct batch {
    int to_launch;   /* lines still to launch */
    int out;         /* launched, not yet resolved */
    bool connected;  /* a live answer (or machine) reached the agent */
    bool done;       /* no line out and none to launch */
    bool in_fifo;    /* still listed in the launch FIFO */
    bool used;
} batch;

typedef struct qentry {
    uint32_t id, gen;
} qentry;

struct sim__engine {
    sim_model m;
    sim_dialer d;
    gsl_rng *rng;
    sim__heap heap;
    sim__engine_opts o;
    bool oom;
    /* the event being handled is still the heap's top: the first push
     * replaces it (one sift instead of a pop and a push) */
    bool top_spent;
    /* events due at the instant they are pushed (a zero wrap-up, a round
     * due now), in push order: they need no sift, and the loop merges them
     * with the heap by (time, seq), so the order is the heap's own */
    sim__event *nowq;
    size_t nq_head, nq_len, nq_cap;

    double now;
    double t_acc; /* time integrals are accrued up to */

    /* agents: staffed = idle + busy + previewing */
    int staffed, idle, busy, previewing, leaving;
    /* agent slots, for records: the idle ones longest-idle first (a ring of
     * n_slots), and those of agents who left; n_slots = the most ever staffed */
    int32_t *idle_slot, *spare_slot;
    int n_slots, idle_head, n_spare, next_slot;
    /* lines */
    int lines, ringing;
    int peak_lines;     /* the most lines ever in use at once */
    int pending_launch; /* preview: lines requested after a preview */

    /* calls */
    call *calls;
    uint32_t n_calls, cap_calls;
    uint32_t *free_ids;
    uint32_t n_free;

    /* waiting live answers, FIFO; entries may be stale (abandoned) */
    qentry *q;
    size_t q_head, q_len, q_cap;
    int queued;

    /* power batches */
    batch *batches;
    uint32_t n_batches_alloc;
    uint32_t *launch_fifo; /* batch ids with lines to launch */
    size_t lf_head, lf_len, lf_cap;
    int active_batches;    /* agents waiting on a batch */

    /* the pacer's tick: an event while the strategy is predictive; for the
     * others (whose pacing never reads it) the tick due next is kept here,
     * with the sequence number its event would have had, and run when the
     * event loop passes it: the same ticks in the same order, at no cost to
     * the heap. */
    bool tick_lazy;
    double tick_t;
    uint64_t tick_seq;

    /* pacing */
    double next_launch;
    bool pace_pending;
    sim__pacer pacer;     /* predictive */
    uint32_t arrival_gen; /* fixed-rate arrivals of an older setting are stale */

    /* vicidial: the controller, its loops, and what its log would show */
    sim__vici vici;
    uint32_t vici_gen;   /* the loops of an older setting are stale */
    bool vici_running;
    long vici_ticks;     /* seconds since the loops started */
    int vici_budget;     /* lines left to launch in this round */
    int wrapping;        /* agents in wrap-up (VICIdial: paused to disposition) */
    uint32_t vici_dials[VICI_MINUTE], vici_drops[VICI_MINUTE];
    long vici_stamp[VICI_MINUTE]; /* the second each slot counts */
    long vici_day;
    uint64_t vici_dials_today, vici_answers_today, vici_drops_today;

    /* statistics: counts go to the tallies of the current segment, the span
     * of time up to the next boundary (discard, horizon, batch, bucket) */
    double seg_end;
    bool seg_counting;
    int seg_batch;     /* -1: none */
    long seg_series;   /* -1: none */
    sim__tally *seg_t[2]; /* the tallies this segment counts in: total, batch */
    int seg_n;
    sim__bucket *seg_bucket; /* and its interval of the series (NULL: none) */
    /* the segment's counts and sums so far, added to its tallies when it
     * ends and when advance returns: one tally to add to per event instead
     * of three (the sums of times are grouped by segment, which moves
     * their last bits, not the rounded figures a report shows) */
    sim__tally cnt;
    sim__tally total;
    sim__tally *bt; /* batches */
    sim__bucket *series;
    size_t n_series, cap_series;
    uint64_t hist[SIM_HIST_BINS];
};

uint64_t sim__mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* ------------------------------------------------ what vicidial's log shows
 * Kept only while the vicidial strategy runs (nothing on other dialers' hot
 * paths); it starts empty when the strategy comes in. */

/* The per-second slot of the last minute for the current second, cleared
 * when it last counted an older second; also rolls "today" over. */
static int vici_slot(sim__engine *e)
{
    long s = (long)floor(e->now);
    long day = (long)floor(e->now / 86400.0);
    if (day != e->vici_day) {
        e->vici_day = day;
        e->vici_dials_today = e->vici_answers_today = e->vici_drops_today = 0;
    }
    int i = (int)(s % VICI_MINUTE);
    if (e->vici_stamp[i] != s) {
        e->vici_stamp[i] = s;
        e->vici_dials[i] = e->vici_drops[i] = 0;
    }
    return i;
}

static void vici_log_dial(sim__engine *e)
{
    if (!e->vici_running)
        return;
    e->vici_dials[vici_slot(e)]++;
    e->vici_dials_today++;
}

/* An answer passed on as live (a person AMD let through, or an undetected
 * machine): what VICIdial counts as answered. */
static void vici_log_answer(sim__engine *e)
{
    if (!e->vici_running)
        return;
    vici_slot(e);
    e->vici_answers_today++;
}

/* An answer dropped for want of an agent (VICIdial's DROP status). */
static void vici_log_drop(sim__engine *e)
{
    if (!e->vici_running)
        return;
    e->vici_drops[vici_slot(e)]++;
    e->vici_drops_today++;
}

/* ---------------------------------------------------------- statistics */

static int hist_bin(double w)
{
    if (w < 1e-3)
        return 0;
    int b = 1 + (int)floor((log10(w) + 3.0) * 100.0);
    return b < 1 ? 1 : (b >= SIM_HIST_BINS ? SIM_HIST_BINS - 1 : b);
}

double sim__hist_quantile(const uint64_t *hist, double q)
{
    uint64_t n = 0;
    for (int i = 0; i < SIM_HIST_BINS; i++)
        n += hist[i];
    if (n == 0)
        return 0;
    double target = q * (double)n;
    uint64_t cum = 0;
    for (int i = 0; i < SIM_HIST_BINS; i++) {
        cum += hist[i];
        if ((double)cum >= target && hist[i]) {
            if (i == 0)
                return 0;
            /* geometric centre of the bin */
            return pow(10.0, (i - 1 + 0.5) / 100.0 - 3.0);
        }
    }
    return pow(10.0, (SIM_HIST_BINS - 1.5) / 100.0 - 3.0);
}

static bool counting(const sim__engine *e, double t)
{
    return t >= e->o.discard_s && t < e->o.horizon_s;
}

/* Makes sure series bucket i exists; false when memory ran out. */
static bool series_reserve(sim__engine *e, size_t i)
{
    while (e->n_series <= i) {
        if (e->n_series == e->cap_series) {
            size_t cap = e->cap_series ? e->cap_series * 2 : 64;
            sim__bucket *s = realloc(e->series, cap * sizeof *s);
            if (!s) {
                e->oom = true;
                return false;
            }
            e->series = s;
            e->cap_series = cap;
        }
        e->series[e->n_series++] = (sim__bucket){0};
    }
    return true;
}

static void segment_tallies(sim__engine *e)
{
    int n = 0;
    if (e->seg_counting) {
        e->seg_t[n++] = &e->total;
        if (e->seg_batch >= 0)
            e->seg_t[n++] = &e->bt[e->seg_batch];
    }
    e->seg_n = n;
    e->seg_bucket = n && e->seg_series >= 0 ? &e->series[e->seg_series] : NULL;
}

static void enter_segment_at(sim__engine *e, double t);

/* Enters the segment that starts at t: which tallies count, and until when. */
static void enter_segment(sim__engine *e, double t)
{
    enter_segment_at(e, t);
    segment_tallies(e);
}

static void enter_segment_at(sim__engine *e, double t)
{
    const sim__engine_opts *o = &e->o;
    e->seg_counting = counting(e, t);
    e->seg_batch = -1;
    e->seg_series = -1;
    if (t < o->discard_s) {
        e->seg_end = o->discard_s;
        return;
    }
    if (!e->seg_counting) {
        e->seg_end = INFINITY;
        return;
    }
    e->seg_end = o->horizon_s;
    double from = t - o->discard_s;
    if (o->interval_s > 0) {
        double k = floor(from / o->interval_s);
        e->seg_end = fmin(e->seg_end, o->discard_s + (k + 1) * o->interval_s);
        if (series_reserve(e, (size_t)k))
            e->seg_series = (long)k;
    }
    if (o->batches > 0 && isfinite(o->horizon_s)) {
        double span = (o->horizon_s - o->discard_s) / o->batches;
        double k = floor(from / span);
        int b = k < 0 ? 0 : (k >= o->batches ? o->batches - 1 : (int)k);
        e->seg_batch = b;
        e->seg_end = fmin(e->seg_end, o->discard_s + (k + 1) * span);
    }
    if (!(e->seg_end > t)) /* rounding at a boundary: move on */
        e->seg_end = nextafter(t, INFINITY);
}

#define COUNT(e, field) ((e)->cnt.field += (e)->seg_n != 0)

/* Adds the segment's counts and sums to its tallies. */
static void flush_counts(sim__engine *e)
{
    sim__tally *c = &e->cnt;
    for (int i = 0; i < e->seg_n; i++) {
        sim__tally *T = e->seg_t[i];
        T->attempts += c->attempts;
        T->live_answers += c->live_answers;
        T->machine_answers += c->machine_answers;
        T->no_answers += c->no_answers;
        T->busy += c->busy;
        T->invalid += c->invalid;
        T->blocked += c->blocked;
        T->connected += c->connected;
        T->abandoned += c->abandoned;
        T->amd_fp += c->amd_fp;
        T->machines_to_agents += c->machines_to_agents;
        T->waited += c->waited;
        T->handled += c->handled;
        T->machines_dropped += c->machines_dropped;
        T->busy_s += c->busy_s;
        T->staffed_s += c->staffed_s;
        T->wait_sum += c->wait_sum;
        T->handle_s += c->handle_s;
    }
    sim__bucket *B = e->seg_bucket;
    if (B) {
        B->attempts += c->attempts;
        B->live_answers += c->live_answers;
        B->connected += c->connected;
        B->abandoned += c->abandoned;
        B->amd_fp += c->amd_fp;
        B->machines_dropped += c->machines_dropped;
        B->busy_s += c->busy_s;
        B->staffed_s += c->staffed_s;
    }
    *c = (sim__tally){0};
}

static void accrue_segments(sim__engine *e, double t);

/* Integrates busy and staffed agents from t_acc to t, segment by segment
 * (inline for the common case: t within the current segment). */
static inline void accrue(sim__engine *e, double t)
{
    if (!(e->t_acc < t))
        return;
    if (t < e->seg_end) {
        double dt = t - e->t_acc;
        if (e->seg_n) {
            e->cnt.busy_s += e->busy * dt;
            e->cnt.staffed_s += e->staffed * dt;
        }
        e->t_acc = t;
        return;
    }
    accrue_segments(e, t);
}

static void accrue_segments(sim__engine *e, double t)
{
    while (e->t_acc < t) {
        double end = t < e->seg_end ? t : e->seg_end;
        double dt = end - e->t_acc;
        if (e->seg_n) {
            e->cnt.busy_s += e->busy * dt;
            e->cnt.staffed_s += e->staffed * dt;
        }
        e->t_acc = end;
        if (end >= e->seg_end) {
            flush_counts(e);
            enter_segment(e, end);
        }
    }
}

/* --------------------------------------------------------------- calls */

/* A ring buffer of `len` items of `size` bytes from `*head`, moved into a
 * fresh array of twice its capacity (`first` when empty), unwrapped to start
 * at 0. On no memory it stays as it was and returns false. */
static __attribute__((noinline)) bool ring_grow(void **ring, size_t *head, size_t len,
                                                size_t *cap, size_t first, size_t size)
{
    size_t n = *cap ? *cap * 2 : first;
    char *a = malloc(n * size);
    if (!a)
        return false;
    size_t tail = *cap - *head < len ? *cap - *head : len; /* the part before the wrap */
    if (len) {
        memcpy(a, (char *)*ring + *head * size, tail * size);
        memcpy(a + tail * size, *ring, (len - tail) * size);
    }
    free(*ring);
    *ring = a;
    *head = 0;
    *cap = n;
    return true;
}

/* Doubles the FIFO of events due now (out of line: push_now stays lean). */
static __attribute__((noinline)) void nowq_grow(sim__engine *e)
{
    void *r = e->nowq;
    if (!ring_grow(&r, &e->nq_head, e->nq_len, &e->nq_cap, 16, sizeof *e->nowq))
        e->oom = true;
    e->nowq = r;
}

static inline void push_now(sim__engine *e, enum ev_kind k, uint32_t id, uint32_t gen)
{
    if (e->nq_len == e->nq_cap) {
        nowq_grow(e);
        if (e->nq_len == e->nq_cap)
            return;
    }
    size_t i = e->nq_head + e->nq_len++;
    e->nowq[i >= e->nq_cap ? i - e->nq_cap : i] =
        (sim__event){e->now, e->heap.next_seq++, (uint32_t)k, id, gen};
}

static __attribute__((noinline)) void push_heap(sim__engine *e, double t, enum ev_kind k,
                                               uint32_t id, uint32_t gen)
{
    if (sim__heap_push(&e->heap, t, (uint32_t)k, id, gen) != 0)
        e->oom = true;
}

/* Schedules an event (inline: every event pushes one or two). */
static inline __attribute__((always_inline)) void push(sim__engine *e, double t,
                                                       enum ev_kind k, uint32_t id,
                                                       uint32_t gen)
{
    if (t == e->now) {
        push_now(e, k, id, gen);
        return;
    }
    if (e->top_spent) {
        e->top_spent = false;
        sim__heap_replace_top(&e->heap, t, (uint32_t)k, id, gen);
        return;
    }
    push_heap(e, t, k, id, gen);
}

/* Agent slots: a FIFO of idle agents (longest idle first) beside the count. */
static void slot_idle(sim__engine *e, int32_t s)
{
    int i = e->idle_head + e->idle - 1; /* idle already counts it; below 2 n_slots */
    e->idle_slot[i >= e->n_slots ? i - e->n_slots : i] = s;
}

static int32_t slot_take(sim__engine *e) /* before idle-- */
{
    int32_t s = e->idle_slot[e->idle_head];
    if (++e->idle_head == e->n_slots)
        e->idle_head = 0;
    return s;
}

static int32_t slot_new(sim__engine *e)
{
    return e->n_spare ? e->spare_slot[--e->n_spare] : e->next_slot++;
}

/* Reports a finished attempt to the records hook. */
static void record(sim__engine *e, const call *c, double wait, bool abandoned, double talk,
                   double wrap)
{
    if (!e->o.hook || !counting(e, c->t_launch))
        return;
    bool answered = c->outcome == O_LIVE || c->outcome == O_MACHINE;
    sim_attempt a = {
        .start = c->t_launch + e->o.record_offset,
        .outcome = public_outcome[c->outcome],
        .ring_s = (answered ? c->t_answer : e->now) - c->t_launch,
        .amd = (sim_amd_call)c->amd,
        .amd_s = answered && e->m.amd ? (isnan(c->t_acd) ? e->now : c->t_acd) - c->t_answer : 0,
        .wait_s = wait,
        .abandoned = abandoned,
        .talk_s = talk,
        .wrap_s = wrap,
        .agent = isnan(talk) ? -1 : c->agent,
    };
    e->o.hook->attempt(e->o.hook->ctx, &a);
}

static uint32_t call_alloc(sim__engine *e)
{
    if (e->n_free)
        return e->free_ids[--e->n_free];
    if (e->n_calls == e->cap_calls) {
        uint32_t cap = e->cap_calls ? e->cap_calls * 2 : 256;
        call *c = realloc(e->calls, cap * sizeof *c);
        uint32_t *f = realloc(e->free_ids, cap * sizeof *f);
        if (c)
            e->calls = c;
        if (f)
            e->free_ids = f;
        if (!c || !f) {
            e->oom = true;
            return UINT32_MAX;
        }
        e->cap_calls = cap;
    }
    uint32_t id = e->n_calls++;
    e->calls[id].gen = 0;
    return id;
}

/* The call ends: its line is free, its id reusable, its events stale. */
static void call_end(sim__engine *e, uint32_t id)
{
    call *c = &e->calls[id];
    c->state = C_FREE;
    c->gen++;
    e->lines--;
    e->free_ids[e->n_free++] = id;
}

static int fifo_push_batch(sim__engine *e, uint32_t b)
{
    if (e->lf_len == e->lf_cap) {
        size_t cap = e->lf_cap ? e->lf_cap * 2 : 64;
        uint32_t *a = malloc(cap * sizeof *a);
        if (!a) {
            e->oom = true;
            return -1;
        }
        for (size_t i = 0; i < e->lf_len; i++)
            a[i] = e->launch_fifo[(e->lf_head + i) % e->lf_cap];
        free(e->launch_fifo);
        e->launch_fifo = a;
        e->lf_head = 0;
        e->lf_cap = cap;
    }
    e->launch_fifo[(e->lf_head + e->lf_len++) % e->lf_cap] = b;
    return 0;
}

static void queue_push(sim__engine *e, uint32_t id)
{
    if (e->q_len == e->q_cap) {
        void *r = e->q;
        bool grown = ring_grow(&r, &e->q_head, e->q_len, &e->q_cap, 64, sizeof *e->q);
        e->q = r;
        if (!grown) {
            e->oom = true;
            return;
        }
    }
    e->q[(e->q_head + e->q_len++) % e->q_cap] = (qentry){id, e->calls[id].gen};
    e->queued++;
}

/* The oldest call still waiting, or UINT32_MAX. */
static uint32_t queue_pop(sim__engine *e)
{
    while (e->q_len) {
        qentry q = e->q[e->q_head];
        e->q_head = (e->q_head + 1) % e->q_cap;
        e->q_len--;
        call *c = &e->calls[q.id];
        if (c->gen == q.gen && c->state == C_WAITING) {
            e->queued--;
            return q.id;
        }
    }
    return UINT32_MAX;
}

static uint32_t batch_alloc(sim__engine *e)
{
    for (uint32_t i = 0; i < e->n_batches_alloc; i++)
        if (!e->batches[i].used) {
            e->batches[i] = (batch){.used = true};
            return i;
        }
    uint32_t cap = e->n_batches_alloc ? e->n_batches_alloc * 2 : 64;
    batch *b = realloc(e->batches, cap * sizeof *b);
    if (!b) {
        e->oom = true;
        return NO_BATCH;
    }
    memset(b + e->n_batches_alloc, 0, (cap - e->n_batches_alloc) * sizeof *b);
    e->batches = b;
    uint32_t id = e->n_batches_alloc;
    e->n_batches_alloc = cap;
    e->batches[id] = (batch){.used = true};
    return id;
}

static void batch_maybe_done(sim__engine *e, uint32_t b)
{
    batch *x = &e->batches[b];
    if (x->done || x->out > 0 || x->to_launch > 0)
        return;
    x->done = true;
    if (!x->connected)
        e->active_batches--; /* the agent still waits: a new batch follows */
    if (!x->in_fifo)
        x->used = false;
}

/* A line of batch b resolved (or reached the agent). */
static void batch_line_done(sim__engine *e, uint32_t b)
{
    if (b == NO_BATCH)
        return;
    e->batches[b].out--;
    batch_maybe_done(e, b);
}

/* The batch reached its agent: stop dialing for it. */
static void batch_connect(sim__engine *e, uint32_t b)
{
    batch *x = &e->batches[b];
    x->connected = true;
    x->to_launch = 0;
    e->active_batches--;
    batch_line_done(e, b);
}

/* Pops the front of the launch FIFO. */
static void fifo_pop(sim__engine *e)
{
    uint32_t b = e->launch_fifo[e->lf_head];
    e->lf_head = (e->lf_head + 1) % e->lf_cap;
    e->lf_len--;
    batch *x = &e->batches[b];
    x->in_fifo = false;
    if (x->done)
        x->used = false;
}

static void launch(sim__engine *e, uint32_t b)
{
    uint32_t id = call_alloc(e);
    if (id == UINT32_MAX)
        return;
    call *c = &e->calls[id];
    c->t_launch = e->now;
    c->t_acd = NAN;
    c->batch = b;
    c->state = C_RINGING;
    c->amd = SIM_AMD_NONE;
    c->agent = -1;
    double u = gsl_rng_uniform(e->rng);
    double p = sim__profile_at(&e->m.live, e->now);
    double dur;
    double u0 = e->m.busy_p + e->m.invalid_p; /* invalid_p 0: the draws of old */
    if (u < e->m.busy_p) {
        c->outcome = O_BUSY;
        dur = sim__dist_sample(&e->m.busy_time, e->rng);
    } else if (u < u0) {
        c->outcome = O_INVALID;
        dur = sim__dist_sample(&e->m.invalid_time, e->rng);
    } else if (u < u0 + p) {
        c->outcome = O_LIVE;
        dur = sim__dist_sample(&e->m.ring, e->rng);
    } else if (u < u0 + p + e->m.machine_p) {
        c->outcome = O_MACHINE;
        dur = sim__dist_sample(&e->m.ring, e->rng);
    } else {
        c->outcome = O_NOANSWER;
        dur = e->m.no_answer_timeout;
    }
    e->lines++;
    if (e->lines > e->peak_lines)
        e->peak_lines = e->lines;
    e->ringing++;
    if (b != NO_BATCH)
        e->batches[b].out++;
    COUNT(e, attempts);
    vici_log_dial(e);
    push(e, e->now + dur, EV_RESOLVE, id, c->gen);
}

/* ---------------------------------------------------------------- agents */

static void connect(sim__engine *e, uint32_t id)
{
    call *c = &e->calls[id];
    c->agent = slot_take(e);
    e->idle--;
    e->busy++;
    c->t_connect = e->now;
    if (c->outcome == O_MACHINE) { /* the agent hears a machine and hangs up */
        COUNT(e, machines_to_agents);
        c->state = C_MACHINE;
        push(e, e->now + sim__dist_sample(&e->m.machine_handle, e->rng), EV_MACHINE_END, id,
             c->gen);
        return;
    }
    double wait = e->now - c->t_answer;
    c->state = C_TALKING;
    c->t_connect = e->now;
    sim__pacer_connected(&e->pacer, &e->d, e->idle + e->busy,
                         e->lines >= e->d.max_concurrent_calls);
    if (e->seg_n) {
        e->cnt.connected++;
        e->cnt.wait_sum += wait;
        e->hist[hist_bin(wait)]++;
    }
    push(e, e->now + sim__dist_sample(&e->m.talk, e->rng), EV_TALK_END, id, c->gen);
}

/* An agent (slot s) finishes a call (after wrap-up, or an undetected machine). */
static void agent_free(sim__engine *e, int32_t s)
{
    e->busy--;
    if (e->leaving > 0) {
        e->leaving--;
        e->staffed--;
        e->spare_slot[e->n_spare++] = s;
        return;
    }
    e->idle++;
    slot_idle(e, s);
    uint32_t id = queue_pop(e);
    if (id != UINT32_MAX)
        connect(e, id);
}

/* The ACD drops a call that reached it (live or an undetected machine: it
 * cannot tell them apart, so both are abandons in its book). */
static void drop(sim__engine *e, uint32_t id)
{
    if (e->calls[id].outcome == O_MACHINE)
        COUNT(e, machines_dropped);
    else
        COUNT(e, abandoned);
    sim__pacer_dropped(&e->pacer, &e->d, e->idle + e->busy);
    vici_log_drop(e);
    record(e, &e->calls[id], e->now - e->calls[id].t_acd, true, NAN, NAN);
    call_end(e, id);
}

/* AMD passed the call (or there is no AMD): it reaches the ACD, which
 * connects it to an idle agent or queues it for abandonThreshold. */
static void reach_acd(sim__engine *e, uint32_t id)
{
    call *c = &e->calls[id];
    bool live = c->outcome == O_LIVE;
    uint32_t b = c->batch;
    vici_log_answer(e);
    if (b != NO_BATCH) {
        if (e->batches[b].connected) { /* power, no pooling: the batch's agent is taken */
            if (live)
                COUNT(e, waited);
            batch_line_done(e, b);
            drop(e, id);
            return;
        }
        batch_connect(e, b);
    }
    if (e->idle > 0) {
        connect(e, id);
        return;
    }
    if (live)
        COUNT(e, waited);
    if (e->m.abandon_threshold <= 0) {
        drop(e, id);
        return;
    }
    c->state = C_WAITING;
    queue_push(e, id);
    if (e->m.abandon_threshold < 1e8)
        push(e, e->now + e->m.abandon_threshold, EV_ABANDON, id, c->gen);
}

/* AMD's decision on an answered call (at once when there is no AMD). */
static void screened(sim__engine *e, uint32_t id)
{
    call *c = &e->calls[id];
    e->ringing--;
    bool live = c->outcome == O_LIVE;
    bool hang_up = live ? e->m.amd_false_positive > 0 &&
                              gsl_rng_uniform(e->rng) < e->m.amd_false_positive
                        : e->m.amd_detection > 0 && gsl_rng_uniform(e->rng) < e->m.amd_detection;
    /* the dialer sees a hang-up as a machine either way */
    sim__pacer_attempt(&e->pacer, !hang_up, e->now - c->t_launch);
    if (e->m.amd)
        c->amd = hang_up ? SIM_AMD_MACHINE : SIM_AMD_HUMAN;
    if (!hang_up) {
        c->t_acd = e->now;
        reach_acd(e, id);
        return;
    }
    record(e, c, NAN, live, NAN, NAN);
    if (live) { /* a person hung up on: abandoned in truth, invisible to the ACD */
        COUNT(e, amd_fp);
        COUNT(e, abandoned);
    }
    batch_line_done(e, c->batch);
    call_end(e, id);
}

static void resolve(sim__engine *e, uint32_t id)
{
    call *c = &e->calls[id];
    switch (c->outcome) {
    case O_BUSY:
    case O_INVALID:
    case O_NOANSWER:
        if (c->outcome == O_BUSY)
            COUNT(e, busy);
        else if (c->outcome == O_INVALID)
            COUNT(e, invalid);
        else
            COUNT(e, no_answers);
        e->ringing--;
        sim__pacer_attempt(&e->pacer, false, 0);
        record(e, c, NAN, false, NAN, NAN);
        batch_line_done(e, c->batch);
        call_end(e, id);
        return;
    case O_MACHINE:
    case O_LIVE:
        if (c->outcome == O_LIVE)
            COUNT(e, live_answers);
        else
            COUNT(e, machine_answers);
        c->t_answer = e->now;
        if (!e->m.amd) {
            screened(e, id);
            return;
        }
        c->state = C_SCREENING;
        push(e, e->now + sim__dist_sample(&e->m.amd_decision, e->rng), EV_SCREENED, id, c->gen);
        return;
    }
}

/* -------------------------------------------------------------- pacing */

static bool warming(const sim__engine *e)
{
    return e->now < e->d.warm_up_s &&
           (e->d.strategy == SIM_PREDICTIVE || e->d.strategy == SIM_POWER);
}

/* Lines the rule wants launched now (before the gate and the line cap). */
static int wanted(sim__engine *e)
{
    if (warming(e) || e->d.strategy == SIM_PROGRESSIVE)
        return e->idle - e->ringing;
    switch (e->d.strategy) {
    case SIM_PREVIEW:
        return e->pending_launch;
    case SIM_POWER:
        return (int)e->lf_len;
    case SIM_PREDICTIVE: {
        double want = sim__pacer_lines(&e->pacer, e->idle, e->busy, e->queued);
        return (int)floor(want + 0.5) - e->ringing;
    }
    case SIM_VICIDIAL:
        return e->vici_budget;
    default:
        return 0;
    }
}

/* Launches the next line the rule wants; false when there was none after
 * all (a power batch cancelled meanwhile). */
static bool launch_one(sim__engine *e)
{
    if (!warming(e) && e->d.strategy == SIM_PREVIEW) {
        e->pending_launch--;
        launch(e, NO_BATCH);
    } else if (!warming(e) && e->d.strategy == SIM_POWER) {
        while (e->lf_len && e->batches[e->launch_fifo[e->lf_head]].to_launch <= 0)
            fifo_pop(e);
        if (!e->lf_len)
            return false;
        uint32_t b = e->launch_fifo[e->lf_head];
        batch *x = &e->batches[b];
        x->to_launch--;
        if (x->to_launch == 0)
            fifo_pop(e);
        launch(e, b);
    } else {
        if (e->d.strategy == SIM_VICIDIAL)
            e->vici_budget--;
        launch(e, NO_BATCH);
    }
    return true;
}

/* The least time between two launches. */
static double launch_gap(const sim__engine *e)
{
    double gap = e->d.call_interval_ms / 1000.0;
    if (e->d.strategy == SIM_VICIDIAL)
        gap = fmax(gap, 1.0 / e->d.vicidial.calls_per_second);
    return gap;
}

static void pace(sim__engine *e)
{
    if (e->d.strategy == SIM_FIXED_RATE)
        return;
    if (!warming(e)) {
        if (e->d.strategy == SIM_PREVIEW) {
            /* an idle agent with no line working for it starts a preview */
            while (e->idle - e->ringing - e->pending_launch > 0) {
                int32_t s = slot_take(e);
                e->idle--;
                e->previewing++;
                push(e, e->now + sim__dist_sample(&e->m.preview, e->rng), EV_PREVIEW_END,
                     (uint32_t)s, 0);
            }
        } else if (e->d.strategy == SIM_POWER) {
            int n = (int)fmax(1.0, floor(1.0 / e->d.answer_rate + 0.5));
            while (e->idle - e->active_batches > 0) {
                uint32_t b = batch_alloc(e);
                if (b == NO_BATCH || fifo_push_batch(e, b) != 0)
                    return;
                e->batches[b].to_launch = n;
                e->batches[b].in_fifo = true;
                e->active_batches++;
            }
        }
    }
    while (e->lines < e->d.max_concurrent_calls && wanted(e) > 0 && !e->oom) {
        if (e->now < e->next_launch) {
            if (!e->pace_pending) {
                e->pace_pending = true;
                push(e, e->next_launch, EV_PACE, 0, 0);
            }
            return;
        }
        if (!launch_one(e))
            continue;
        e->next_launch = e->now + launch_gap(e);
    }
}

/* ------------------------------------------------------------ vicidial */

/* The once-a-second loop of AST_VDadapt.pl: sample, then every 60 s the
 * drop counts (first on the first loop), then every 15 s the level. */
static void vici_second(sim__engine *e)
{
    e->vici_ticks++;
    int agents = e->staffed - e->leaving;
    sim__vici_sample(&e->vici, e->idle, e->queued, agents);
    if (e->vici_ticks % VICI_MINUTE == 1) {
        vici_slot(e); /* rolls the day over */
        sim__vici_drops d = {0};
        long s = (long)floor(e->now);
        for (int i = 0; i < VICI_MINUTE; i++)
            if (e->vici_stamp[i] > s - VICI_MINUTE) {
                d.calls_one += e->vici_dials[i];
                d.drops_one += e->vici_drops[i];
            }
        d.calls_today = e->vici_dials_today;
        d.answers_today = e->vici_answers_today;
        d.drops_today = e->vici_drops_today;
        sim__vici_drops_set(&e->vici, &d);
    }
    if (e->vici_ticks % 15 == 0) {
        double day_h = (e->now - floor(e->now / 86400.0) * 86400.0) / 3600.0;
        sim__vici_adjust(&e->vici, e->d.vicidial.shift_end_h - day_h);
    }
    push(e, e->now + 1.0, EV_VICI_SECOND, 0, e->vici_gen);
}

/* A launch round of the auto-dialer: level x non-paused agents (READY,
 * QUEUE, INCALL, DONE: an agent in wrap-up is paused at the disposition
 * screen), less every call in progress (ringing, waiting, or with an agent:
 * auto_calls with status SENT, RINGING, LIVE, XFER or CLOSER). So level 1.0
 * is one line per available agent. */
static void vici_round(sim__engine *e)
{
    int nonpaused = e->staffed - e->leaving - e->wrapping;
    e->vici_budget = sim__vici_to_launch(&e->vici, nonpaused < 0 ? 0 : nonpaused, e->lines);
    push(e, e->now + VICI_ROUND, EV_VICI_ROUND, 0, e->vici_gen);
}

/* Starts (or stops) VICIdial's loops as the strategy comes or goes; the
 * controller starts afresh at its initial level. */
static void vici_switch(sim__engine *e)
{
    bool on = e->d.strategy == SIM_VICIDIAL;
    if (on == e->vici_running)
        return;
    e->vici_gen++;
    e->vici_running = on;
    e->vici_budget = 0;
    if (!on)
        return;
    sim__vici_init(&e->vici, &e->d.vicidial, e->d.abandon_rate);
    e->vici_ticks = 0;
    e->vici_day = -1; /* the log starts afresh */
    for (int i = 0; i < VICI_MINUTE; i++)
        e->vici_stamp[i] = -1;
    push(e, e->now + 1.0, EV_VICI_SECOND, 0, e->vici_gen);
    push(e, e->now, EV_VICI_ROUND, 0, e->vici_gen);
}

/* ------------------------------------------------------------ schedule */

static void set_staff(sim__engine *e, int want)
{
    int have = e->staffed - e->leaving;
    if (want > have) {
        int add = want - have;
        int cancel = add < e->leaving ? add : e->leaving;
        e->leaving -= cancel;
        add -= cancel;
        e->staffed += add;
        for (int i = 0; i < add; i++) {
            e->idle++;
            slot_idle(e, slot_new(e));
        }
        for (uint32_t id; add > 0 && (id = queue_pop(e)) != UINT32_MAX; add--)
            connect(e, id);
    } else if (want < have) {
        int drop = have - want;
        int from_idle = drop < e->idle ? drop : e->idle;
        for (int i = 0; i < from_idle; i++) /* the longest idle leave first */
            e->spare_slot[e->n_spare++] = slot_take(e), e->idle--;
        e->staffed -= from_idle;
        e->leaving += drop - from_idle;
    }
}

static void schedule_next(sim__engine *e)
{
    const sim__profile *p = &e->m.agents;
    if (p->n == 0)
        return;
    double day = floor(e->now / 86400.0) * 86400.0;
    double h = (e->now - day) / 3600.0;
    for (int i = 0; i < p->n; i++)
        if (p->hour[i] * 3600.0 + day > e->now + 1e-9 && p->hour[i] > h) {
            push(e, day + p->hour[i] * 3600.0, EV_SCHEDULE, 0, 0);
            return;
        }
    push(e, day + 86400.0 + p->hour[0] * 3600.0, EV_SCHEDULE, 0, 0);
}

/* ------------------------------------------------------------- driving */

/* The pacer's next tick at t: an event for the predictive dialer, else kept
 * aside (tick_lazy) with the sequence number the event would take. */
static void schedule_tick(sim__engine *e, double t)
{
    e->tick_lazy = e->d.strategy != SIM_PREDICTIVE;
    if (!e->tick_lazy) {
        push(e, t, EV_CONTROL, 0, 0);
        return;
    }
    e->tick_t = t;
    e->tick_seq = e->heap.next_seq++;
}

/* Runs the kept-aside ticks that come before (t, seq) in the event order,
 * as their events would have: for these strategies a tick only discounts
 * the hit-rate window and keeps the control still, and leaves pace()
 * nothing to do. */
static void run_lazy_ticks(sim__engine *e, double t, uint64_t seq)
{
    while (e->tick_lazy && (e->tick_t < t || (e->tick_t == t && e->tick_seq < seq))) {
        sim__pacer_tick(&e->pacer, true);
        e->tick_t += SIM_PACER_TICK;
        e->tick_seq = e->heap.next_seq++;
    }
}

/* Whether an event is due now besides the one being handled: one pushed
 * now would run after it. (The handled event, when it came from the heap,
 * is still its top until the first push.) */
static bool other_due_now(const sim__engine *e)
{
    if (e->nq_len || e->oom || (e->tick_lazy && e->tick_t <= e->now))
        return true;
    const sim__event *a = e->heap.a;
    size_t n = e->heap.n;
    if (!e->top_spent)
        return n > 0 && a[0].t <= e->now;
    return (n > 1 && a[1].t <= e->now) || (n > 2 && a[2].t <= e->now);
}

/* An agent's zero wrap-up ends at once, as its event would have run next,
 * after the pacing that follows each event: the same steps in the same
 * order without a round through the event queue (one connected call in
 * five of a run's events, when wrap-up takes no time). */
static void wrap_end_now(sim__engine *e, int32_t agent)
{
    if (e->d.strategy != SIM_FIXED_RATE)
        pace(e);
    e->wrapping--;
    agent_free(e, agent);
}

static void handle(sim__engine *e, const sim__event *ev)
{
    call *c = (ev->kind <= EV_MACHINE_END && ev->kind != EV_WRAP_END) || ev->kind == EV_SCREENED
                  ? &e->calls[ev->id]
                  : NULL;
    if (c && c->gen != ev->gen)
        return; /* stale: the call ended or changed since */
    switch ((enum ev_kind)ev->kind) {
    case EV_RESOLVE:
        resolve(e, ev->id);
        break;
    case EV_ABANDON:
        if (c->state == C_WAITING) {
            e->queued--;
            drop(e, ev->id);
            if (e->queued == 0) /* every entry left is stale */
                e->q_len = 0;
        }
        break;
    case EV_TALK_END: {
        double wrap = sim__dist_sample(&e->m.wrap, e->rng);
        double handle = (e->now - c->t_connect) + wrap;
        if (e->seg_n) {
            e->cnt.handled++;
            e->cnt.handle_s += handle;
        }
        sim__pacer_handled(&e->pacer, handle);
        record(e, c, c->t_connect - c->t_acd, false, e->now - c->t_connect, wrap);
        e->wrapping++;
        if (wrap == 0 && !other_due_now(e)) { /* its wrap-up end would run next */
            int32_t agent = c->agent;
            call_end(e, ev->id);
            wrap_end_now(e, agent);
            break;
        }
        push(e, e->now + wrap, EV_WRAP_END, (uint32_t)c->agent, 0);
        call_end(e, ev->id);
        break;
    }
    case EV_WRAP_END:
        e->wrapping--;
        agent_free(e, (int32_t)ev->id);
        break;
    case EV_MACHINE_END:
        record(e, c, c->t_connect - c->t_acd, false, e->now - c->t_connect, NAN);
        call_end(e, ev->id);
        agent_free(e, c->agent);
        break;
    case EV_PACE:
        e->pace_pending = false;
        break;
    case EV_CONTROL:
        sim__pacer_tick(&e->pacer, warming(e) || e->d.strategy != SIM_PREDICTIVE);
        schedule_tick(e, e->now + SIM_PACER_TICK);
        break;
    case EV_ARRIVAL:
        if (e->d.strategy == SIM_FIXED_RATE && ev->gen == e->arrival_gen) {
            if (e->lines < e->d.max_concurrent_calls)
                launch(e, NO_BATCH);
            else
                COUNT(e, blocked);
            push(e, e->now + gsl_ran_exponential(e->rng, 1.0 / e->d.dial_rate), EV_ARRIVAL, 0,
                 e->arrival_gen);
        }
        break;
    case EV_SCHEDULE:
        set_staff(e, (int)sim__profile_at(&e->m.agents, e->now));
        schedule_next(e);
        break;
    case EV_PREVIEW_END:
        e->previewing--;
        e->idle++;
        slot_idle(e, (int32_t)ev->id);
        e->pending_launch++;
        break;
    case EV_SCREENED:
        screened(e, ev->id);
        break;
    case EV_VICI_SECOND:
        if (e->vici_running && ev->gen == e->vici_gen)
            vici_second(e);
        break;
    case EV_VICI_ROUND:
        if (e->vici_running && ev->gen == e->vici_gen)
            vici_round(e);
        break;
    }
}

sim_status sim__engine_advance(sim__engine *e, double t, cx_error *err)
{
    for (;;) {
        const sim__event *top = e->heap.n ? sim__heap_top(&e->heap) : NULL;
        const sim__event *nq = e->nq_len ? &e->nowq[e->nq_head] : NULL;
        bool from_heap = top && (!nq || sim__heap_before(top, nq));
        const sim__event *next = from_heap ? top : nq;
        if (!next || next->t > t || e->oom)
            break;
        sim__event ev = *next;
        if (e->tick_lazy &&
            (e->tick_t < ev.t || (e->tick_t == ev.t && e->tick_seq < ev.seq)))
            run_lazy_ticks(e, ev.t, ev.seq);
        if (from_heap) {
            e->top_spent = true; /* popped by the first push, or below */
        } else {
            if (++e->nq_head == e->nq_cap)
                e->nq_head = 0;
            e->nq_len--;
        }
        accrue(e, ev.t);
        e->now = ev.t;
        handle(e, &ev);
        if (e->d.strategy != SIM_FIXED_RATE)
            pace(e);
        if (e->top_spent) {
            e->top_spent = false;
            sim__heap_pop(&e->heap);
        }
    }
    if (e->oom)
        return cx_error_set(err, SIM_ENOMEM, "out of memory in the simulation");
    run_lazy_ticks(e, t, UINT64_MAX);
    if (t > e->now) {
        accrue(e, t);
        e->now = t;
    }
    flush_counts(e); /* the tallies are read between advances */
    return SIM_OK;
}

static void start_arrivals(sim__engine *e)
{
    e->arrival_gen++;
    if (e->d.strategy == SIM_FIXED_RATE && e->d.dial_rate > 0)
        push(e, e->now + gsl_ran_exponential(e->rng, 1.0 / e->d.dial_rate), EV_ARRIVAL, 0,
             e->arrival_gen);
}

void sim__engine_set_dialer(sim__engine *e, const sim_dialer *d)
{
    run_lazy_ticks(e, e->now, UINT64_MAX);
    bool restart = d->strategy == SIM_FIXED_RATE &&
                   (e->d.strategy != SIM_FIXED_RATE || e->d.dial_rate != d->dial_rate);
    bool vici_changed = e->vici_running && d->strategy == SIM_VICIDIAL &&
                        memcmp(&e->d.vicidial, &d->vicidial, sizeof d->vicidial) != 0;
    sim__pacer_set_dialer(&e->pacer, &e->d, d);
    e->d = *d;
    if (e->tick_lazy && d->strategy == SIM_PREDICTIVE) { /* its tick becomes an event */
        e->tick_lazy = false;
        if (sim__heap_push_seq(&e->heap, e->tick_t, e->tick_seq, EV_CONTROL, 0, 0) != 0)
            e->oom = true;
    }
    if (restart)
        start_arrivals(e);
    if (vici_changed) { /* new parameters: keep the level, within them */
        e->vici.p = d->vicidial;
        e->vici.level = fmin(fmax(e->vici.level, 1.0), d->vicidial.max_level);
    }
    e->vici.drop_limit = d->abandon_rate;
    vici_switch(e);
    if (d->warm_up_s > e->now)
        push(e, d->warm_up_s, EV_PACE, 0, 0);
    pace(e);
}

sim_status sim__engine_create(const sim_model *m, const sim_dialer *d, uint64_t seed,
                              const sim__engine_opts *o, sim__engine **out, cx_error *err)
{
    *out = NULL;
    sim__engine *e = calloc(1, sizeof *e);
    if (!e)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    e->m = *m;
    e->d = *d;
    e->o = *o;
    e->rng = gsl_rng_alloc(gsl_rng_mt19937); /* GSL_ENOMEM: NULL, the handler is off */
    if (!e->rng) {
        sim__engine_destroy(e);
        return cx_error_set(err, SIM_ENOMEM,
                            "out of memory for the random number generator (GSL: %s)",
                            gsl_strerror(GSL_ENOMEM));
    }
    if (e->o.batches > 0)
        e->bt = calloc((size_t)e->o.batches, sizeof *e->bt);
    e->n_slots = (int)sim__profile_max(&m->agents);
    e->idle_slot = malloc((size_t)e->n_slots * sizeof *e->idle_slot);
    e->spare_slot = malloc((size_t)e->n_slots * sizeof *e->spare_slot);
    if (e->o.interval_s > 0 && isfinite(e->o.horizon_s) && e->o.horizon_s > e->o.discard_s) {
        /* the whole series at once: no doubling's slack, no copying */
        double n = ceil((e->o.horizon_s - e->o.discard_s) / e->o.interval_s);
        if (n < 1e9 && (e->series = malloc((size_t)n * sizeof *e->series)) != NULL)
            e->cap_series = (size_t)n;
    }
    if ((e->o.batches > 0 && !e->bt) || !e->idle_slot || !e->spare_slot) {
        sim__engine_destroy(e);
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    }
    gsl_rng_set(e->rng, (unsigned long)sim__mix(seed));
    sim__heap_init(&e->heap);
    sim__pacer_init(&e->pacer, d, m->ring.mean + (m->amd ? m->amd_decision.mean : 0),
                    m->talk.mean + m->wrap.mean);
    e->staffed = (int)sim__profile_at(&m->agents, 0);
    for (int i = 0; i < e->staffed; i++) {
        e->idle++;
        slot_idle(e, slot_new(e));
    }
    enter_segment(e, 0);
    schedule_next(e);
    schedule_tick(e, SIM_PACER_TICK);
    if (d->warm_up_s > 0)
        push(e, d->warm_up_s, EV_PACE, 0, 0);
    start_arrivals(e);
    vici_switch(e);
    pace(e);
    flush_counts(e);
    if (e->oom) {
        sim__engine_destroy(e);
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    }
    *out = e;
    return SIM_OK;
}

void sim__engine_destroy(sim__engine *e)
{
    if (!e)
        return;
    gsl_rng_free(e->rng);
    sim__heap_free(&e->heap);
    free(e->nowq);
    free(e->calls);
    free(e->free_ids);
    free(e->q);
    free(e->batches);
    free(e->launch_fifo);
    free(e->bt);
    free(e->series);
    free(e->idle_slot);
    free(e->spare_slot);
    free(e);
}

int sim__engine_in_flight(const sim__engine *e, double t)
{
    int n = 0;
    for (uint32_t i = 0; i < e->n_calls; i++)
        n += e->calls[i].state != C_FREE && e->calls[i].t_launch < t;
    return n;
}

void sim__engine_set_records(sim__engine *e, const sim_record_hook *hook) { e->o.hook = hook; }

double sim__engine_now(const sim__engine *e) { return e->now; }
int sim__engine_agents(const sim__engine *e) { return e->staffed - e->leaving; }
int sim__engine_peak_lines(const sim__engine *e) { return e->peak_lines; }
const sim__pacer *sim__engine_pacer(const sim__engine *e) { return &e->pacer; }
double sim__engine_dial_level(const sim__engine *e)
{
    return e->vici_running ? e->vici.level : 0.0;
}
const sim__tally *sim__engine_total(const sim__engine *e) { return &e->total; }
const sim__tally *sim__engine_batches(const sim__engine *e, int *n)
{
    *n = e->o.batches;
    return e->bt;
}
const sim__bucket *sim__engine_series(const sim__engine *e, size_t *n)
{
    *n = e->n_series;
    return e->series;
}
const uint64_t *sim__engine_hist(const sim__engine *e) { return e->hist; }

size_t sim__engine_footprint(const sim__engine *e)
{
    return sizeof *e + e->heap.cap * sizeof *e->heap.a + e->nq_cap * sizeof *e->nowq +
           e->cap_calls * (sizeof *e->calls + sizeof *e->free_ids) + e->q_cap * sizeof *e->q +
           e->n_batches_alloc * sizeof *e->batches + e->lf_cap * sizeof *e->launch_fifo +
           (size_t)e->o.batches * sizeof *e->bt + e->cap_series * sizeof *e->series +
           2 * (size_t)e->n_slots * sizeof *e->idle_slot;
}
