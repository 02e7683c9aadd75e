/* sim_run.c - replications, their estimates and intervals, predictions and
 * live simulations.
 *
 * Estimates: with several replications, each metric's mean over them and a
 * Student-t 95% interval; with one, the whole run's value and an interval
 * from 20 batch means (consecutive calls are correlated, batches much less),
 * scaled to the whole run for counts. Replication i runs on a stream seeded
 * from (seed, i) alone, so results do not depend on the thread count. */
#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim_engine.h"
#include "sim_pacer.h"

#define BATCHES 20

/* GSL's default error handler calls abort(), and no library may end the
 * process: every entry point that reaches GSL (sim_run, sim_predict,
 * sim_live_create, sim_fit_create) switches it off, once per process, so no
 * caller can forget. GSL's results are checked here instead (a quantile that is not
 * finite is SIM_ENUM). The handler is GSL's one process-wide setting; "off"
 * is the only value any program of this project wants. */
static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

static void gsl_quiet(void) { gsl_set_error_handler_off(); }

void sim__gsl_init(void) { pthread_once(&gsl_once, gsl_quiet); }

/* ------------------------------------------------------------- metrics */

enum metric {
    M_ATTEMPTS, M_LIVE, M_MACHINE, M_NOANSWER, M_BUSY, M_INVALID, M_BLOCKED, M_CONNECTED,
    M_ABANDONED, M_AMD_FP, M_MACH_AGENT, M_MACH_DROPPED, M_OBS_LIVE, M_OBS_ABANDONED,
    M_ABANDON_RATE, M_OBS_RATE, M_OFCOM, M_WAITED, M_OCCUPANCY, M_CPAH,
    M_MEAN_WAIT, M_BUSY_AGENTS, M_CONNECT_RATE, M_P50, M_P90, M_P95, M_P99, M_COUNT
};

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

/* The ACD's book: drops (live people and undetected machines alike, but no
 * AMD false positive) among the live answers it connected or dropped. */
static double obs_abandoned(const sim__tally *t)
{
    return (double)(t->abandoned - t->amd_fp + t->machines_dropped);
}

/* A metric of a tally covering `dur` seconds. Percentiles are not tally
 * metrics (they come from the histogram). */
static double metric(enum metric m, const sim__tally *t, double dur)
{
    switch (m) {
    case M_ATTEMPTS: return (double)t->attempts;
    case M_LIVE: return (double)t->live_answers;
    case M_MACHINE: return (double)t->machine_answers;
    case M_NOANSWER: return (double)t->no_answers;
    case M_BUSY: return (double)t->busy;
    case M_INVALID: return (double)t->invalid;
    case M_BLOCKED: return (double)t->blocked;
    case M_CONNECTED: return (double)t->connected;
    case M_ABANDONED: return (double)t->abandoned;
    case M_AMD_FP: return (double)t->amd_fp;
    case M_MACH_AGENT: return (double)t->machines_to_agents;
    case M_MACH_DROPPED: return (double)t->machines_dropped;
    case M_OBS_LIVE: return (double)t->connected + obs_abandoned(t);
    case M_OBS_ABANDONED: return obs_abandoned(t);
    case M_ABANDON_RATE: return ratio((double)t->abandoned, (double)t->live_answers);
    case M_OBS_RATE: return ratio(obs_abandoned(t), (double)t->connected + obs_abandoned(t));
    case M_OFCOM: {
        /* from the ACD's book: drops_adj = drops (1 - AM/(AM + live));
         * rate = drops_adj/(live + drops_adj) */
        double am = (double)t->machines_to_agents, live = (double)t->connected;
        double adj = obs_abandoned(t) * (1 - ratio(am, am + live));
        return ratio(adj, live + adj);
    }
    case M_WAITED: return ratio((double)t->waited, (double)t->live_answers);
    case M_OCCUPANCY: return ratio(t->busy_s, t->staffed_s);
    case M_CPAH: return ratio((double)t->connected, t->staffed_s / 3600.0);
    case M_MEAN_WAIT: return ratio(t->wait_sum, (double)t->connected);
    case M_BUSY_AGENTS: return ratio(t->busy_s, dur);
    case M_CONNECT_RATE: return ratio((double)t->connected, dur);
    default: return 0;
    }
}

static bool is_count(enum metric m) { return m <= M_OBS_ABANDONED; }

/* The result of one replication. */
typedef struct rep {
    double v[M_COUNT];
    double batch[BATCHES][M_COUNT];
    int n_batches;
    double mean_handle;
    sim_point *series;
    size_t n_series;
    sim_status st;
    cx_error err;
} rep;

static sim_status run_one(const sim_config *cfg, int index, bool batches, rep *out)
{
    memset(out, 0, sizeof *out);
    double discard = cfg->discard_hours * 3600.0, dur = cfg->hours * 3600.0;
    sim__engine_opts o = {.discard_s = discard,
                          .horizon_s = discard + dur,
                          .interval_s = cfg->interval_minutes * 60.0,
                          .batches = batches ? BATCHES : 0,
                          .hook = cfg->records,
                          /* replication i on whole days of its own */
                          .record_offset = index * 86400.0 * ceil((discard + dur) / 86400.0)};
    sim__engine *e = NULL;
    uint64_t seed = sim__mix(cfg->seed ^ sim__mix((uint64_t)index + 0x632be59bd9b4e019ULL));
    sim_status st = sim__engine_create(cfg->model, &cfg->dialer, seed, &o, &e, &out->err);
    if (st == SIM_OK)
        st = sim__engine_advance(e, discard + dur, &out->err);
    /* records: the calls in flight at the end run on to their end, counted
     * nowhere, so that no attempt's record is lost (the last minutes' long
     * calls, people talking most of all, would be) */
    for (double t = discard + dur; st == SIM_OK && cfg->records &&
                                   sim__engine_in_flight(e, discard + dur) > 0;)
        st = sim__engine_advance(e, t += 60, &out->err);
    if (st != SIM_OK) {
        sim__engine_destroy(e);
        return out->st = st;
    }
    const sim__tally *t = sim__engine_total(e);
    for (int m = 0; m < M_P50; m++)
        out->v[m] = metric((enum metric)m, t, dur);
    const uint64_t *h = sim__engine_hist(e);
    out->v[M_P50] = sim__hist_quantile(h, 0.50);
    out->v[M_P90] = sim__hist_quantile(h, 0.90);
    out->v[M_P95] = sim__hist_quantile(h, 0.95);
    out->v[M_P99] = sim__hist_quantile(h, 0.99);
    out->mean_handle = ratio(t->handle_s, (double)t->handled);
    if (batches) {
        int nb;
        const sim__tally *bt = sim__engine_batches(e, &nb);
        for (int b = 0; b < nb; b++)
            for (int m = 0; m < M_P50; m++)
                out->batch[b][m] = metric((enum metric)m, &bt[b], dur / nb) *
                                   (is_count((enum metric)m) ? nb : 1);
        out->n_batches = nb;
    }
    size_t ns;
    const sim__bucket *s = sim__engine_series(e, &ns);
    if (ns && o.interval_s > 0) {
        out->series = calloc(ns, sizeof *out->series);
        if (!out->series) {
            sim__engine_destroy(e);
            return out->st = cx_error_set(&out->err, SIM_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < ns; i++) {
            sim_point *p = &out->series[i];
            p->t0 = discard + (double)i * o.interval_s;
            p->t1 = fmin(p->t0 + o.interval_s, discard + dur);
            const sim__tally b = {.attempts = s[i].attempts,
                                  .live_answers = s[i].live_answers,
                                  .connected = s[i].connected,
                                  .abandoned = s[i].abandoned,
                                  .amd_fp = s[i].amd_fp,
                                  .machines_dropped = s[i].machines_dropped,
                                  .busy_s = s[i].busy_s,
                                  .staffed_s = s[i].staffed_s};
            p->attempts = (double)b.attempts;
            p->live_answers = (double)b.live_answers;
            p->abandoned = (double)b.abandoned;
            p->abandon_rate = metric(M_ABANDON_RATE, &b, 0);
            p->observed_abandon_rate = metric(M_OBS_RATE, &b, 0);
            p->occupancy = metric(M_OCCUPANCY, &b, 0);
            p->agents = ratio(b.staffed_s, p->t1 - p->t0);
        }
        out->n_series = ns;
    }
    sim__engine_destroy(e);
    return SIM_OK;
}

/* ------------------------------------- replications, on the parallel map */

typedef struct reps_job {
    const sim_config *cfg;
    rep *reps;
    bool batches;
} reps_job;

static void run_rep(void *ctx, size_t i)
{
    reps_job *j = ctx;
    run_one(j->cfg, (int)i, j->batches, &j->reps[i]);
}

static void estimate(const double *x, int n, sim_estimate *out, double whole)
{
    double mean = 0, var = 0;
    for (int i = 0; i < n; i++)
        mean += x[i];
    mean /= n;
    for (int i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    double half = 0;
    if (n > 1) {
        var /= n - 1;
        half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var / n);
    }
    double centre = isnan(whole) ? mean : whole;
    out->mean = centre;
    out->lo = centre - half;
    out->hi = centre + half;
}

static sim_estimate *field(sim_report *r, enum metric m)
{
    switch (m) {
    case M_ATTEMPTS: return &r->attempts;
    case M_LIVE: return &r->live_answers;
    case M_MACHINE: return &r->machine_answers;
    case M_NOANSWER: return &r->no_answers;
    case M_BUSY: return &r->busy;
    case M_INVALID: return &r->invalid;
    case M_BLOCKED: return &r->blocked;
    case M_CONNECTED: return &r->connected;
    case M_ABANDONED: return &r->abandoned;
    case M_AMD_FP: return &r->amd_false_positives;
    case M_MACH_AGENT: return &r->machines_to_agents;
    case M_MACH_DROPPED: return &r->machines_dropped;
    case M_OBS_LIVE: return &r->observed_live_answers;
    case M_OBS_ABANDONED: return &r->observed_abandoned;
    case M_OBS_RATE: return &r->observed_abandon_rate;
    case M_ABANDON_RATE: return &r->abandon_rate;
    case M_OFCOM: return &r->abandon_rate_ofcom;
    case M_WAITED: return &r->waited_fraction;
    case M_OCCUPANCY: return &r->occupancy;
    case M_CPAH: return &r->connects_per_agent_hour;
    case M_MEAN_WAIT: return &r->mean_wait;
    case M_BUSY_AGENTS: return &r->busy_agents;
    case M_CONNECT_RATE: return &r->connect_rate;
    case M_P50: return &r->wait_p50;
    case M_P90: return &r->wait_p90;
    case M_P95: return &r->wait_p95;
    case M_P99: return &r->wait_p99;
    case M_COUNT: break;
    }
    return NULL;
}

double sim_config_memory(const sim_config *cfg, int threads)
{
    if (!(cfg->interval_minutes > 0))
        return 0;
    double ns = ceil(cfg->hours * 60.0 / cfg->interval_minutes);
    int reps = cfg->replications > 0 ? cfg->replications : 1;
    int live = threads < 1 ? 1 : (threads < reps ? threads : reps);
    /* each replication keeps its points; each one running grows a tally
     * array by doubling (up to twice the need); the report has its own */
    return ns * ((double)reps * sizeof(sim_point) + live * 2.0 * sizeof(sim__bucket) +
                 sizeof(sim_point));
}

sim_status sim_config_check_memory(const sim_config *cfg, int threads, cx_error *err)
{
    double need = sim_config_memory(cfg, threads);
    if (need <= SIM_MEMORY_BUDGET)
        return SIM_OK;
    return cx_error_set(err, SIM_EINVAL,
                        "intervalMinutes: the per-interval series would need about %.3g GB "
                        "(%.0f intervals of %g min over %g h, %d replication%s), over the "
                        "budget of %.3g GB: raise intervalMinutes or shorten hours",
                        need / 1e9, ceil(cfg->hours * 60.0 / cfg->interval_minutes),
                        cfg->interval_minutes, cfg->hours, cfg->replications,
                        cfg->replications == 1 ? "" : "s", SIM_MEMORY_BUDGET / 1e9);
}

sim_status sim_run(const sim_config *cfg, int threads, sim_report **out, cx_error *err)
{
    sim__gsl_init();
    *out = NULL;
    if (!cfg->model)
        return cx_error_set(err, SIM_EINVAL, "the config has no campaign model");
    sim_status st = sim_dialer_check(&cfg->dialer, err);
    if (st != SIM_OK)
        return st;
    if ((st = sim_config_check_memory(cfg, threads, err)) != SIM_OK)
        return st;
    int n = cfg->replications;
    reps_job p = {.cfg = cfg, .batches = n == 1};
    p.reps = calloc((size_t)n, sizeof *p.reps);
    sim_report *r = calloc(1, sizeof *r);
    if (!p.reps || !r) {
        free(p.reps);
        free(r);
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    }
    /* records: in order, on this thread */
    cx_map_job job = {.n = (size_t)n, .threads = cfg->records ? 1 : threads, .ctx = &p,
                      .run = run_rep};
    cx_error merr = {0};
    if (cx_map_run(NULL, &job, &merr) != CX_MAP_OK) {
        free(p.reps);
        free(r);
        return cx_error_set(err, SIM_ENOMEM, "%s", merr.msg);
    }
    for (int i = 0; i < n; i++)
        if (p.reps[i].st != SIM_OK) {
            st = p.reps[i].st;
            if (err)
                *err = p.reps[i].err;
            break;
        }
    if (st == SIM_OK) {
        r->seed = cfg->seed;
        r->replications = n;
        r->hours = cfg->hours;
        double *x = malloc(sizeof(double) * (size_t)(n > BATCHES ? n : BATCHES));
        if (!x) {
            st = cx_error_set(err, SIM_ENOMEM, "out of memory");
        } else if (n == 1) {
            r->ci_method = "batch means";
            for (int m = 0; m < M_COUNT; m++) {
                if (m >= M_P50) { /* percentiles: no interval */
                    *field(r, (enum metric)m) = (sim_estimate){p.reps[0].v[m], p.reps[0].v[m],
                                                               p.reps[0].v[m]};
                    continue;
                }
                for (int b = 0; b < p.reps[0].n_batches; b++)
                    x[b] = p.reps[0].batch[b][m];
                estimate(x, p.reps[0].n_batches, field(r, (enum metric)m), p.reps[0].v[m]);
            }
        } else {
            r->ci_method = "replications";
            for (int m = 0; m < M_COUNT; m++) {
                for (int i = 0; i < n; i++)
                    x[i] = p.reps[i].v[m];
                estimate(x, n, field(r, (enum metric)m), NAN);
            }
        }
        free(x);
        double mh = 0;
        for (int i = 0; i < n; i++)
            mh += p.reps[i].mean_handle;
        r->mean_handle_s = mh / n;
        /* the series: means over replications, point by point */
        size_t ns = p.reps[0].n_series;
        for (int i = 1; i < n; i++)
            if (p.reps[i].n_series < ns)
                ns = p.reps[i].n_series;
        if (st == SIM_OK && ns && n == 1) { /* its own points: the mean of one */
            r->series = p.reps[0].series;
            p.reps[0].series = NULL;
            r->n_series = ns;
        } else if (st == SIM_OK && ns) {
            r->series = calloc(ns, sizeof *r->series);
            if (!r->series)
                st = cx_error_set(err, SIM_ENOMEM, "out of memory");
            for (size_t k = 0; r->series && k < ns; k++) {
                sim_point *d = &r->series[k];
                *d = p.reps[0].series[k];
                for (int i = 1; i < n; i++) {
                    const sim_point *s = &p.reps[i].series[k];
                    d->attempts += s->attempts;
                    d->live_answers += s->live_answers;
                    d->abandoned += s->abandoned;
                    d->abandon_rate += s->abandon_rate;
                    d->observed_abandon_rate += s->observed_abandon_rate;
                    d->occupancy += s->occupancy;
                    d->agents += s->agents;
                }
                d->attempts /= n;
                d->live_answers /= n;
                d->abandoned /= n;
                d->abandon_rate /= n;
                d->observed_abandon_rate /= n;
                d->occupancy /= n;
                d->agents /= n;
            }
            r->n_series = r->series ? ns : 0;
        }
    }
    for (int i = 0; i < n; i++)
        free(p.reps[i].series);
    free(p.reps);
    if (st != SIM_OK) {
        sim_report_destroy(r);
        return st;
    }
    *out = r;
    return SIM_OK;
}

void sim_report_destroy(sim_report *r)
{
    if (!r)
        return;
    free(r->series);
    free(r);
}

/* ---------------------------------------------------------------- JSON */

static double round_to(double x, double unit) { return round(x / unit) * unit; }

static void add_est(cJSON *o, cJSON *ci, const char *name, const sim_estimate *e, double unit)
{
    cJSON_AddNumberToObject(o, name, round_to(e->mean, unit));
    cJSON *pair = cJSON_CreateArray();
    cJSON_AddItemToArray(pair, cJSON_CreateNumber(round_to(e->lo, unit)));
    cJSON_AddItemToArray(pair, cJSON_CreateNumber(round_to(e->hi, unit)));
    cJSON_AddItemToObject(ci, name, pair);
}

cJSON *sim_report_to_json(const sim_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *ci = cJSON_CreateObject();
    cJSON *wait = cJSON_CreateObject();
    cJSON *wci = cJSON_CreateObject();
    cJSON *series = cJSON_CreateArray();
    if (!o || !ci || !wait || !wci || !series) {
        cJSON_Delete(o);
        cJSON_Delete(ci);
        cJSON_Delete(wait);
        cJSON_Delete(wci);
        cJSON_Delete(series);
        return NULL;
    }
    const double C = 1e-3, R = 1e-6;
    cJSON_AddNumberToObject(o, "seed", (double)r->seed);
    cJSON_AddNumberToObject(o, "replications", r->replications);
    cJSON_AddNumberToObject(o, "hours", r->hours);
    add_est(o, ci, "attempts", &r->attempts, C);
    add_est(o, ci, "liveAnswers", &r->live_answers, C);
    add_est(o, ci, "machineAnswers", &r->machine_answers, C);
    add_est(o, ci, "noAnswers", &r->no_answers, C);
    add_est(o, ci, "busy", &r->busy, C);
    add_est(o, ci, "invalid", &r->invalid, C);
    add_est(o, ci, "blocked", &r->blocked, C);
    add_est(o, ci, "connected", &r->connected, C);
    add_est(o, ci, "abandoned", &r->abandoned, C);
    add_est(o, ci, "amdFalsePositives", &r->amd_false_positives, C);
    add_est(o, ci, "machinesToAgents", &r->machines_to_agents, C);
    add_est(o, ci, "machinesDropped", &r->machines_dropped, C);
    add_est(o, ci, "observedLiveAnswers", &r->observed_live_answers, C);
    add_est(o, ci, "observedAbandoned", &r->observed_abandoned, C);
    add_est(o, ci, "abandonRate", &r->abandon_rate, R);
    add_est(o, ci, "observedAbandonRate", &r->observed_abandon_rate, R);
    add_est(o, ci, "abandonRateOfcom", &r->abandon_rate_ofcom, R);
    add_est(o, ci, "waitedFraction", &r->waited_fraction, R);
    add_est(o, ci, "occupancy", &r->occupancy, R);
    add_est(o, ci, "connectsPerAgentHour", &r->connects_per_agent_hour, C);
    add_est(wait, wci, "p50", &r->wait_p50, R);
    add_est(wait, wci, "p90", &r->wait_p90, R);
    add_est(wait, wci, "p95", &r->wait_p95, R);
    add_est(wait, wci, "p99", &r->wait_p99, R);
    add_est(wait, wci, "mean", &r->mean_wait, R);
    cJSON_AddItemToObject(o, "connectWait", wait);
    cJSON_AddItemToObject(ci, "connectWait", wci);
    cJSON_AddStringToObject(ci, "method", r->ci_method);
    cJSON_AddItemToObject(o, "ci95", ci);
    for (size_t i = 0; i < r->n_series; i++) {
        const sim_point *p = &r->series[i];
        cJSON *pt = cJSON_CreateObject();
        if (!pt)
            break;
        cJSON_AddNumberToObject(pt, "start", p->t0);
        cJSON_AddNumberToObject(pt, "end", p->t1);
        cJSON_AddNumberToObject(pt, "attempts", round_to(p->attempts, C));
        cJSON_AddNumberToObject(pt, "liveAnswers", round_to(p->live_answers, C));
        cJSON_AddNumberToObject(pt, "abandoned", round_to(p->abandoned, C));
        cJSON_AddNumberToObject(pt, "abandonRate", round_to(p->abandon_rate, R));
        cJSON_AddNumberToObject(pt, "observedAbandonRate",
                                round_to(p->observed_abandon_rate, R));
        cJSON_AddNumberToObject(pt, "occupancy", round_to(p->occupancy, R));
        cJSON_AddNumberToObject(pt, "agents", round_to(p->agents, C));
        cJSON_AddItemToArray(series, pt);
    }
    cJSON_AddItemToObject(o, "series", series);
    return o;
}

/* ---------------------------------------------------------- prediction */

sim_status sim_predict(const sim_model *m, const sim_dialer *d, double hours,
                       double discard_hours, int replications, uint64_t seed,
                       sim_prediction *out, cx_error *err)
{
    sim__gsl_init();
    sim_config cfg;
    sim_status st = sim_config_init(&cfg, m, d, hours, seed, replications < 2 ? 2 : replications,
                                    err);
    if (st != SIM_OK)
        return st;
    cfg.interval_minutes = 0; /* no series */
    cfg.discard_hours = discard_hours > 0 ? discard_hours : 0;
    sim_report *r = NULL;
    st = sim_run(&cfg, 1, &r, err);
    sim_config_free(&cfg);
    if (st != SIM_OK)
        return st;
    out->abandon_mean = r->abandon_rate.mean;
    out->abandon_upper95 = r->abandon_rate.hi;
    out->occupancy_mean = r->occupancy.mean;
    out->occupancy_lo95 = r->occupancy.lo;
    out->occupancy_hi95 = r->occupancy.hi;
    out->live_answers_mean = r->live_answers.mean;
    sim_report_destroy(r);
    return SIM_OK;
}

/* ---------------------------------------------------------------- live */

struct sim_live {
    sim__engine *e;
    sim_model *model;
};

sim_status sim_live_create(const sim_model *m, const sim_dialer *d, uint64_t seed,
                           sim_live **out, cx_error *err)
{
    sim__gsl_init();
    *out = NULL;
    sim_status st = sim_dialer_check(d, err);
    if (st != SIM_OK)
        return st;
    sim_live *l = calloc(1, sizeof *l);
    if (!l)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    sim__engine_opts o = {.discard_s = 0, .horizon_s = INFINITY, .interval_s = 0, .batches = 0};
    if ((st = sim_model_clone(m, &l->model, err)) != SIM_OK ||
        (st = sim__engine_create(m, d, seed, &o, &l->e, err)) != SIM_OK) {
        sim_live_destroy(l);
        return st;
    }
    *out = l;
    return SIM_OK;
}

void sim_live_destroy(sim_live *l)
{
    if (!l)
        return;
    sim__engine_destroy(l->e);
    sim_model_destroy(l->model);
    free(l);
}

sim_status sim_live_set_dialer(sim_live *l, const sim_dialer *d, cx_error *err)
{
    sim_status st = sim_dialer_check(d, err);
    if (st == SIM_OK)
        sim__engine_set_dialer(l->e, d);
    return st;
}

sim_status sim_live_advance(sim_live *l, double t, cx_error *err)
{
    return sim__engine_advance(l->e, t, err);
}

void sim_live_counters(const sim_live *l, sim_counters *c)
{
    const sim__tally *t = sim__engine_total(l->e);
    memset(c, 0, sizeof *c);
    c->time = sim__engine_now(l->e);
    c->attempts = t->attempts;
    c->live_answers = t->live_answers;
    c->machine_answers = t->machine_answers;
    c->no_answers = t->no_answers;
    c->busy = t->busy;
    c->invalid = t->invalid;
    c->blocked = t->blocked;
    c->connected = t->connected;
    c->abandoned = t->abandoned;
    c->amd_false_positives = t->amd_fp;
    c->machines_to_agents = t->machines_to_agents;
    c->machines_dropped = t->machines_dropped;
    c->observed_abandoned = t->abandoned - t->amd_fp + t->machines_dropped;
    c->observed_live_answers = t->connected + c->observed_abandoned;
    c->waited = t->waited;
    c->busy_agent_s = t->busy_s;
    c->staffed_agent_s = t->staffed_s;
    c->handle_s = t->handle_s;
    c->handled = t->handled;
    c->agents_now = sim__engine_agents(l->e);
    c->peak_lines = sim__engine_peak_lines(l->e);
    const sim__pacer *p = sim__engine_pacer(l->e);
    c->pacing_level = p->u;
    c->hit_rate_estimate = sim__pacer_hit_rate(p);
    c->dial_level = sim__engine_dial_level(l->e);
}

const sim_model *sim_live_model(const sim_live *l) { return l->model; }

void sim_live_set_records(sim_live *l, const sim_record_hook *hook)
{
    sim__engine_set_records(l->e, hook);
}
