/* mock_campaign.c - campaigns: GET, atomic merge-patch (checked by
 * mock_patch.c), live stats from their simulations. */
#include "mock_campaign.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"
#include "mock_contacts.h"
#include "mock_patch.h"

#define SNAP_EVERY 60.0
#define DEFAULT_PERIOD 900.0

/* short names for this file */
typedef mock__params params;
typedef mock__problems problems;

typedef struct snap {
    double t; /* simulated seconds since the campaign's start */
    sim_counters c;
} snap;

typedef struct campaign {
    pthread_mutex_t lock;
    params initial;       /* the config reset returns to */
    char id[128], name[256];
    char status[16];
    params p;
    long version;
    double updated;       /* clock time */
    /* simulation */
    bool vicidial_dialer; /* the tenant dials with VICIdial's own algorithm */
    sim_vicidial vicidial;
    sim_model *model;     /* owned, NULL when not simulated */
    sim_live *sim;
    double t0;            /* clock time of the simulation's start */
    double next_snap;
    snap *ring;
    size_t ring_cap, ring_max, ring_len, ring_head;
    /* the GET body as last printed, and the (version, updated) it shows:
     * every change of the campaign moves one of them (a reset returns to
     * version 1 with the initial settings: the same body at the same
     * time), so a GET between changes sends it again instead of building
     * and printing a tree per request */
    char *body;
    long body_version;
    double body_updated;
    mock__contacts contacts;  /* completed dial attempts, for CXone's reporting API */
} campaign;

struct mock__store {
    campaign *c;
    size_t n;
    mock_bounds b;
    cx_clock *clk;
    uint64_t seed;
    double window_s;
};


/* The seed's config is dialsim's default dialer. */
static params seed_params(void)
{
    sim_dialer d = sim_dialer_default();
    params p = {.answer_rate = d.answer_rate,
                .abandon_rate = d.abandon_rate,
                .max_concurrent_calls = d.max_concurrent_calls,
                .call_interval = lround(d.call_interval_ms),
                .warm_up = lround(d.warm_up_s),
                .strategy = (int)d.strategy}; /* same order as `mock__strategies` */
    return p;
}

/* The dialer the campaign's simulation runs: the API's settings, on the
 * tenant's own dialer (see mock_campaign_def.vicidial_dialer). */
static sim_dialer to_dialer(const campaign *c)
{
    const params *p = &c->p;
    sim_dialer d = sim_dialer_default();
    d.answer_rate = p->answer_rate;
    d.abandon_rate = p->abandon_rate;
    d.max_concurrent_calls = (int)p->max_concurrent_calls;
    d.call_interval_ms = (double)p->call_interval;
    d.warm_up_s = (double)p->warm_up;
    d.strategy = (sim_strategy)p->strategy; /* same order as `mock__strategies` */
    if (c->vicidial_dialer) {
        d.strategy = SIM_VICIDIAL;
        d.vicidial = c->vicidial;
    }
    return d;
}

/* (Re)starts a campaign's simulation at the clock's now. Lock held. */
static mock_status start_sim(mock__store *s, campaign *c, size_t index, cx_error *err)
{
    sim_live_destroy(c->sim);
    c->sim = NULL;
    c->ring_len = c->ring_head = 0;
    if (!c->model)
        return MOCK_OK;
    sim_dialer d = to_dialer(c);
    if (sim_live_create(c->model, &d, s->seed + 0x9e37u * (index + 1), &c->sim, err) != SIM_OK)
        return MOCK_EINVAL;
    mock__contacts_clear(&c->contacts);
    sim_live_set_records(c->sim, &c->contacts.hook);
    c->t0 = cx_clock_now(s->clk);
    c->next_snap = 0;
    return MOCK_OK;
}

static void push_snap(campaign *c, double t)
{
    if (c->ring_len == c->ring_cap && c->ring_cap < c->ring_max) {
        size_t cap = c->ring_cap ? c->ring_cap * 2 : 256;
        if (cap > c->ring_max)
            cap = c->ring_max;
        snap *r = malloc(cap * sizeof *r);
        if (!r)
            return; /* keep the old ring: stats lose resolution, not correctness */
        for (size_t i = 0; i < c->ring_len; i++)
            r[i] = c->ring[(c->ring_head + i) % c->ring_cap];
        free(c->ring);
        c->ring = r;
        c->ring_head = 0;
        c->ring_cap = cap;
    }
    if (c->ring_cap == 0)
        return;
    snap *dst;
    if (c->ring_len < c->ring_cap) {
        dst = &c->ring[(c->ring_head + c->ring_len++) % c->ring_cap];
    } else { /* full: overwrite the oldest */
        dst = &c->ring[c->ring_head];
        c->ring_head = (c->ring_head + 1) % c->ring_cap;
    }
    dst->t = t;
    sim_live_counters(c->sim, &dst->c);
}

/* Brings the simulation to the clock's now. Lock held. */
static void catch_up(mock__store *s, campaign *c)
{
    if (!c->sim)
        return;
    double target = cx_clock_now(s->clk) - c->t0;
    while (c->next_snap <= target) {
        if (sim_live_advance(c->sim, c->next_snap, NULL) != SIM_OK)
            return;
        push_snap(c, c->next_snap);
        c->next_snap += SNAP_EVERY;
    }
    sim_live_advance(c->sim, target, NULL);
}

mock_status mock__store_create(const mock_campaign_def *defs, size_t n, const mock_bounds *b,
                               cx_clock *clk, uint64_t seed, double window_s,
                               mock__store **out, cx_error *err)
{
    *out = NULL;
    mock__store *s = calloc(1, sizeof *s);
    if (!s)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    s->c = calloc(n, sizeof *s->c);
    if (!s->c) {
        free(s);
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    }
    s->b = *b;
    s->clk = clk;
    s->seed = seed;
    s->window_s = window_s;
    mock_status st = MOCK_OK;
    for (size_t i = 0; i < n && st == MOCK_OK; i++) {
        campaign *c = &s->c[i];
        pthread_mutex_init(&c->lock, NULL);
        mock__contacts_init(&c->contacts, MOCK_CONTACTS_MAX);
        s->n = i + 1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->c[k].id, defs[i].id) == 0)
                st = cx_error_set(err, MOCK_EINVAL, "campaign %s is defined twice", defs[i].id);
        if (st != MOCK_OK)
            break;
        if (!cx_copy(c->id, sizeof c->id, defs[i].id) || !defs[i].id[0]) {
            st = cx_error_set(err, MOCK_EINVAL, "campaign id \"%.40s\" is empty or too long",
                              defs[i].id);
            break;
        }
        c->vicidial_dialer = defs[i].vicidial_dialer;
        c->vicidial = defs[i].vicidial;
        if (defs[i].name)
            cx_copy(c->name, sizeof c->name, defs[i].name);
        else
            snprintf(c->name, sizeof c->name, "Campaign %s", defs[i].id);
        c->ring_max = (size_t)(window_s / SNAP_EVERY) + 2;
        c->initial = seed_params();
        if (defs[i].dialer) {
            cJSON *body = cJSON_CreateObject();
            problems pr = {cJSON_CreateArray(), 0};
            int changes = 0;
            char status[16] = "active";
            if (!body || !pr.list ||
                !cJSON_AddItemReferenceToObject(body, "predictiveDialer",
                                                (cJSON *)defs[i].dialer)) {
                st = cx_error_set(err, MOCK_ENOMEM, "out of memory");
            } else {
                mock__check_patch(&s->b, body, &c->initial, status, &pr, &changes);
                if (pr.n) {
                    const cJSON *e = cJSON_GetArrayItem(pr.list, 0);
                    st = cx_error_set(err, MOCK_EINVAL, "campaign %s: initial %s: %s", c->id,
                                      cJSON_GetObjectItem(e, "field")->valuestring,
                                      cJSON_GetObjectItem(e, "problem")->valuestring);
                }
            }
            cJSON_Delete(body);
            cJSON_Delete(pr.list);
            if (st != MOCK_OK)
                break;
        }
        if (defs[i].model) {
            char path[200];
            snprintf(path, sizeof path, "campaigns[%s].model", defs[i].id);
            if (sim_model_parse(defs[i].model, "", path, &c->model, err) != SIM_OK) {
                st = MOCK_EINVAL;
                if (err)
                    err->code = MOCK_EINVAL;
            }
        }
    }
    if (st == MOCK_OK)
        mock__store_reset(s);
    for (size_t i = 0; i < s->n && st == MOCK_OK; i++)
        if (s->c[i].model && !s->c[i].sim)
            st = cx_error_set(err, MOCK_EINVAL, "campaign %s: cannot start its simulation",
                              s->c[i].id);
    if (st != MOCK_OK) {
        mock__store_destroy(s);
        return st;
    }
    *out = s;
    return MOCK_OK;
}

void mock__store_destroy(mock__store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        sim_live_destroy(s->c[i].sim);
        sim_model_destroy(s->c[i].model);
        free(s->c[i].ring);
        free(s->c[i].body);
        mock__contacts_free(&s->c[i].contacts);
        pthread_mutex_destroy(&s->c[i].lock);
    }
    free(s->c);
    free(s);
}

void mock__store_reset(mock__store *s)
{
    for (size_t i = 0; i < s->n; i++) {
        campaign *c = &s->c[i];
        pthread_mutex_lock(&c->lock);
        c->p = c->initial;
        cx_copy(c->status, sizeof c->status, "active");
        c->version = 1;
        c->updated = cx_clock_now(s->clk);
        start_sim(s, c, i, NULL);
        pthread_mutex_unlock(&c->lock);
    }
}

static campaign *find(mock__store *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->c[i].id, id) == 0)
            return &s->c[i];
    return NULL;
}

bool mock__campaign_exists(mock__store *s, const char *id) { return find(s, id) != NULL; }

static cJSON *params_json(const params *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "answerRate", p->answer_rate);
    cJSON_AddNumberToObject(o, "abandonRate", p->abandon_rate);
    cJSON_AddNumberToObject(o, "maxConcurrentCalls", (double)p->max_concurrent_calls);
    cJSON_AddNumberToObject(o, "callInterval", (double)p->call_interval);
    cJSON_AddStringToObject(o, "strategy", mock__strategies[p->strategy]);
    cJSON_AddNumberToObject(o, "warmUpPeriod", (double)p->warm_up);
    return o;
}

/* The whole campaign, with its ETag. Lock held. */
static void answer_campaign(campaign *c, int status, mock__resp *r)
{
    if (!c->body || c->body_version != c->version || c->body_updated != c->updated) {
        cJSON *o = cJSON_CreateObject();
        if (o) {
            char when[32];
            cx_format_rfc3339(c->updated, when, sizeof when);
            cJSON_AddStringToObject(o, "id", c->id);
            cJSON_AddStringToObject(o, "name", c->name);
            cJSON_AddStringToObject(o, "status", c->status);
            cJSON_AddItemToObject(o, "predictiveDialer", params_json(&c->p));
            cJSON_AddNumberToObject(o, "version", (double)c->version);
            cJSON_AddStringToObject(o, "updatedAt", when);
            cJSON_AddBoolToObject(o, "simulated", c->sim != NULL);
        }
        char *text = o ? cJSON_PrintUnformatted(o) : NULL;
        cJSON_Delete(o);
        if (!text) {
            mock__resp_json(r, status, NULL); /* out of memory: a 500 */
            return;
        }
        free(c->body);
        c->body = strdup(text);
        cJSON_free(text);
        if (!c->body) {
            mock__resp_json(r, status, NULL);
            return;
        }
        c->body_version = c->version;
        c->body_updated = c->updated;
    }
    mock__resp_text(r, status, "application/json", c->body);
    mock__resp_header(r, "ETag", "\"v%ld\"", c->version);
}

void mock__campaign_get(mock__store *s, const char *id, mock__resp *r)
{
    campaign *c = find(s, id);
    if (!c) {
        mock__resp_error(r, 404, "not_found", "campaign %s does not exist", id);
        return;
    }
    pthread_mutex_lock(&c->lock);
    catch_up(s, c);
    answer_campaign(c, 200, r);
    pthread_mutex_unlock(&c->lock);
}

void mock__campaign_patch(mock__store *s, const char *id, const char *if_match,
                          const cJSON *body, mock__resp *r)
{
    campaign *c = find(s, id);
    if (!c) {
        mock__resp_error(r, 404, "not_found", "campaign %s does not exist", id);
        return;
    }
    pthread_mutex_lock(&c->lock);
    catch_up(s, c);
    if (if_match && !mock__etag_matches(if_match, c->version)) {
        mock__resp_error(r, 412, "precondition_failed",
                         "If-Match %.60s does not match the current ETag \"v%ld\": the campaign "
                         "changed since it was read",
                         if_match, c->version);
        mock__resp_header(r, "ETag", "\"v%ld\"", c->version);
        pthread_mutex_unlock(&c->lock);
        return;
    }
    params p = c->p;
    char status[16];
    cx_copy(status, sizeof status, c->status);
    problems pr = {cJSON_CreateArray(), 0};
    int changes = 0;
    mock__check_patch(&s->b, body, &p, status, &pr, &changes);
    if (pr.n) {
        cJSON *e = cJSON_CreateObject();
        if (e) {
            cJSON_AddStringToObject(e, "error", "validation_failed");
            const cJSON *first = cJSON_GetArrayItem(pr.list, 0);
            char msg[400];
            snprintf(msg, sizeof msg, "%d invalid field%s: %s %s%s", pr.n, pr.n == 1 ? "" : "s",
                     cJSON_GetObjectItem(first, "field")->valuestring,
                     cJSON_GetObjectItem(first, "problem")->valuestring,
                     pr.n > 1 ? " (and more, see fields)" : "");
            cJSON_AddStringToObject(e, "message", msg);
            cJSON_AddItemToObject(e, "fields", pr.list);
        } else {
            cJSON_Delete(pr.list);
        }
        mock__resp_json(r, 422, e);
        pthread_mutex_unlock(&c->lock);
        return;
    }
    cJSON_Delete(pr.list);
    bool dialer_change = cJSON_GetObjectItemCaseSensitive(body, "predictiveDialer") != NULL;
    if (strcmp(c->status, "locked") == 0) {
        mock__resp_error(r, 403, "campaign_locked",
                         "campaign %s is locked by another process: no change is accepted", id);
    } else if (strcmp(c->status, "archived") == 0) {
        mock__resp_error(r, 403, "campaign_archived",
                         "campaign %s is archived: no change is accepted", id);
    } else if (strcmp(c->status, "paused") == 0 && (dialer_change || strcmp(status, "active"))) {
        mock__resp_error(r, 403, "campaign_paused",
                         "campaign %s is paused: resume it ({\"status\":\"active\"}) before "
                         "changing its dialer",
                         id);
    } else {
        c->p = p;
        cx_copy(c->status, sizeof c->status, status);
        c->version++;
        c->updated = cx_clock_now(s->clk);
        if (c->sim) {
            sim_dialer d = to_dialer(c);
            sim_live_set_dialer(c->sim, &d, NULL);
        }
        answer_campaign(c, 200, r);
    }
    pthread_mutex_unlock(&c->lock);
}

/* --------------------------------------------------------------- stats */

/* The counters at or just before simulated time t (the start when t is
 * before the first snapshot). Lock held. */
static sim_counters counters_at(const campaign *c, double t)
{
    sim_counters z;
    memset(&z, 0, sizeof z);
    if (t <= 0 || c->ring_len == 0)
        return z;
    /* binary search over the ring, oldest first */
    size_t lo = 0, hi = c->ring_len;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->ring[(c->ring_head + mid) % c->ring_cap].t <= t)
            lo = mid;
        else
            hi = mid;
    }
    const snap *sn = &c->ring[(c->ring_head + lo) % c->ring_cap];
    return sn->t <= t ? sn->c : z;
}

#define DIFF(field) ((double)(b->field - a->field))

/* A span's counts. The ACD's book (truth false) is all a real dialer and its
 * ACD can report: calls dropped without telling people from undetected
 * machines, no AMD false positive, machines as AMD and agents marked them.
 * The truth (for the scenario runner, which judges as a regulator) adds what
 * only the simulation knows. */
static cJSON *span_json(const sim_counters *a, const sim_counters *b, double seconds,
                        double covered, bool truth)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    double live = truth ? DIFF(live_answers) : DIFF(observed_live_answers);
    double ab = truth ? DIFF(abandoned) : DIFF(observed_abandoned);
    double staffed = b->staffed_agent_s - a->staffed_agent_s;
    cJSON_AddNumberToObject(o, "seconds", round(seconds * 1000) / 1000);
    cJSON_AddNumberToObject(o, "coveredSeconds", round(covered * 1000) / 1000);
    cJSON_AddNumberToObject(o, "attempts", DIFF(attempts));
    cJSON_AddNumberToObject(o, "liveAnswers", live);
    cJSON_AddNumberToObject(o, "connected", DIFF(connected));
    cJSON_AddNumberToObject(o, "abandoned", ab);
    cJSON_AddNumberToObject(o, "machinesToAgents", DIFF(machines_to_agents));
    if (truth) {
        cJSON_AddNumberToObject(o, "amdFalsePositives", DIFF(amd_false_positives));
        cJSON_AddNumberToObject(o, "machinesDropped", DIFF(machines_dropped));
        cJSON_AddNumberToObject(o, "machineAnswers", DIFF(machine_answers));
    } else { /* the dialer takes its false positives for machines */
        cJSON_AddNumberToObject(o, "machineAnswers", DIFF(machine_answers) -
                                                         DIFF(machines_dropped) +
                                                         DIFF(amd_false_positives));
    }
    cJSON_AddNumberToObject(o, "abandonRate", live > 0 ? round(ab / live * 1e6) / 1e6 : 0);
    cJSON_AddNumberToObject(o, "occupancy",
                            staffed > 0
                                ? round((b->busy_agent_s - a->busy_agent_s) / staffed * 1e6) / 1e6
                                : 0);
    return o;
}

void mock__campaign_stats(mock__store *s, const char *id, double window_s, double period_s,
                          bool truth, mock__resp *r)
{
    campaign *c = find(s, id);
    if (!c) {
        mock__resp_error(r, 404, "not_found", "campaign %s does not exist", id);
        return;
    }
    if (window_s <= 0)
        window_s = s->window_s;
    if (period_s <= 0)
        period_s = DEFAULT_PERIOD;
    pthread_mutex_lock(&c->lock);
    if (!c->sim) {
        pthread_mutex_unlock(&c->lock);
        mock__resp_error(r, 404, "no_stats",
                         "campaign %s has no live simulation (give it a campaign model)", id);
        return;
    }
    catch_up(s, c);
    sim_counters now;
    sim_live_counters(c->sim, &now);
    double t = now.time;
    sim_counters w0 = counters_at(c, t - window_s), p0 = counters_at(c, t - period_s);
    sim_counters zero;
    memset(&zero, 0, sizeof zero);
    cJSON *o = cJSON_CreateObject();
    if (o) {
        char when[32];
        cx_format_rfc3339(cx_clock_now(s->clk), when, sizeof when);
        cJSON_AddStringToObject(o, "campaignId", c->id);
        cJSON_AddStringToObject(o, "time", when);
        cJSON_AddNumberToObject(o, "elapsedSeconds", round(t * 1000) / 1000);
        cJSON_AddItemToObject(o, "window",
                              span_json(&w0, &now, window_s, fmin(window_s, t - w0.time), truth));
        cJSON_AddItemToObject(o, "period",
                              span_json(&p0, &now, period_s, fmin(period_s, t - p0.time), truth));
        cJSON_AddItemToObject(o, "total", span_json(&zero, &now, t, t, truth));
        cJSON_AddNumberToObject(o, "agentsStaffed", now.agents_now);
        cJSON_AddNumberToObject(o, "averageHandleTime",
                                now.handled ? round(now.handle_s / (double)now.handled * 1000) /
                                                  1000
                                            : 0);
        cJSON_AddItemToObject(o, "predictiveDialer", params_json(&c->p));
    }
    mock__resp_json(r, 200, o);
    pthread_mutex_unlock(&c->lock);
}

mock_status mock__campaign_set_status(mock__store *s, const char *id, const char *status)
{
    campaign *c = find(s, id);
    if (!c)
        return MOCK_ENOENT;
    if (strcmp(status, "active") && strcmp(status, "paused") && strcmp(status, "archived") &&
        strcmp(status, "locked"))
        return MOCK_EINVAL;
    pthread_mutex_lock(&c->lock);
    catch_up(s, c);
    if (strcmp(c->status, status) != 0) {
        cx_copy(c->status, sizeof c->status, status);
        c->version++;
        c->updated = cx_clock_now(s->clk);
    }
    pthread_mutex_unlock(&c->lock);
    return MOCK_OK;
}

mock_status mock__campaign_state(mock__store *s, const char *id, mock_campaign_state *out)
{
    campaign *c = find(s, id);
    if (!c)
        return MOCK_ENOENT;
    pthread_mutex_lock(&c->lock);
    memset(out, 0, sizeof *out);
    cx_copy(out->status, sizeof out->status, c->status);
    out->answer_rate = c->p.answer_rate;
    out->abandon_rate = c->p.abandon_rate;
    out->max_concurrent_calls = (int)c->p.max_concurrent_calls;
    out->call_interval_ms = (int)c->p.call_interval;
    out->warm_up_s = (int)c->p.warm_up;
    cx_copy(out->strategy, sizeof out->strategy, mock__strategies[c->p.strategy]);
    out->dialer = to_dialer(c);
    out->version = c->version;
    out->simulated = c->sim != NULL;
    pthread_mutex_unlock(&c->lock);
    return MOCK_OK;
}

/* ------------------------------------------- for the other API profiles */

int mock__campaign_view(mock__store *s, const char *id, mock__view *v)
{
    campaign *c = find(s, id);
    if (!c)
        return 404;
    pthread_mutex_lock(&c->lock);
    catch_up(s, c);
    memset(v, 0, sizeof *v);
    cx_copy(v->id, sizeof v->id, c->id);
    cx_copy(v->name, sizeof v->name, c->name);
    cx_copy(v->status, sizeof v->status, c->status);
    v->answer_rate = c->p.answer_rate;
    v->abandon_rate = c->p.abandon_rate;
    v->max_concurrent_calls = c->p.max_concurrent_calls;
    v->call_interval_ms = c->p.call_interval;
    v->warm_up_s = c->p.warm_up;
    v->strategy = c->p.strategy;
    v->version = c->version;
    v->simulated = c->sim != NULL;
    v->started = c->t0;
    if (c->sim) {
        sim_counters now;
        sim_live_counters(c->sim, &now);
        v->agents = now.agents_now;
        v->elapsed_s = now.time;
    } else if (c->model) {
        v->agents = sim_model_agents(c->model, 0);
    }
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int mock__campaign_merge(mock__store *s, const char *id, const cJSON *patch, cJSON **fields,
                         char *why, size_t why_n)
{
    *fields = NULL;
    mock__resp r;
    mock__resp_init(&r);
    mock__campaign_patch(s, id, NULL, patch, &r);
    int status = r.status;
    cJSON *body = r.body.data ? cJSON_Parse(r.body.data) : NULL;
    if (status == 422 && body)
        *fields = cJSON_DetachItemFromObjectCaseSensitive(body, "fields");
    const cJSON *msg = body ? cJSON_GetObjectItemCaseSensitive(body, "message") : NULL;
    if (why && why_n)
        cx_copy(why, why_n, cJSON_IsString(msg) ? msg->valuestring : "");
    cJSON_Delete(body);
    mock__resp_free(&r);
    return status;
}

int mock__campaign_counts(mock__store *s, const char *id, double from, double to,
                          sim_counters *a, sim_counters *b)
{
    campaign *c = find(s, id);
    if (!c)
        return 404;
    pthread_mutex_lock(&c->lock);
    if (!c->sim) {
        pthread_mutex_unlock(&c->lock);
        return 409;
    }
    catch_up(s, c);
    sim_counters now;
    sim_live_counters(c->sim, &now);
    double t_from = from - c->t0, t_to = to - c->t0;
    *a = counters_at(c, t_from);
    *b = t_to >= now.time ? now : counters_at(c, t_to);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int mock__campaign_contacts(mock__store *s, const char *id, double from, double to, long skip,
                            long top, mock__contact_fn each, void *ud, long *total)
{
    campaign *c = find(s, id);
    if (!c)
        return 404;
    pthread_mutex_lock(&c->lock);
    if (!c->sim) {
        pthread_mutex_unlock(&c->lock);
        return 409;
    }
    catch_up(s, c);
    long n = 0;
    for (size_t i = 0; i < c->contacts.len; i++) {
        const mock__contact *k = mock__contacts_at(&c->contacts, i);
        double t = c->t0 + k->a.start;
        if (t < from || t >= to)
            continue;
        if (n >= skip && n < skip + top)
            each(ud, k->id, t, &k->a);
        n++;
    }
    *total = n;
    pthread_mutex_unlock(&c->lock);
    return 0;
}
