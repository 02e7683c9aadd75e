/* sim_fit.c - the campaign model fitted to call records: accumulation in
 * fixed memory (counts, duration statistics, agents per hour), patience,
 * and the model and report (see dialsim_fit.h and sim/README.md); the
 * durations' maximum likelihood is sim_fit_dist.c's. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_fit.h"

#define Z95 1.959963984540054
#define RES 0.0005 /* below the records' millisecond */

int sim__fit_bin(double x)
{
    if (!(x > 1e-3))
        return 0;
    int b = (int)((log10(x) + 3.0) * 500.0);
    return b >= SIM__FIT_BINS ? SIM__FIT_BINS - 1 : b;
}

double sim__fit_bin_lo(int b) { return pow(10.0, b / 500.0 - 3.0); }

void sim__dstat_init(sim__dstat *d)
{
    memset(d, 0, sizeof *d);
    d->min = INFINITY;
    d->max = -INFINITY;
}

void sim__dstat_add(sim__dstat *d, double x)
{
    double l = log(x > RES ? x : RES);
    d->n++;
    d->s1 += x;
    d->slog += l;
    d->slog2 += l * l;
    d->min = fmin(d->min, x);
    d->max = fmax(d->max, x);
    d->hist[sim__fit_bin(x)]++;
}

/* ------------------------------------------------------------- agents */

static void hourset_close(sim_fit *f, sim__hourset *h)
{
    if (h->key >= 0 && h->n) {
        f->agents_sum[h->hod] += h->n;
        f->agents_hours[h->hod]++;
    }
    h->key = -1;
    h->n = 0;
    if (h->ids)
        memset(h->ids, 0, h->cap * sizeof *h->ids);
}

static int hourset_add(sim__hourset *h, int64_t id)
{
    if (2 * (h->n + 1) > h->cap) {
        uint32_t cap = h->cap ? 2 * h->cap : 64;
        int64_t *a = calloc(cap, sizeof *a);
        if (!a)
            return -1;
        for (uint32_t i = 0; i < h->cap; i++)
            if (h->ids[i]) {
                uint32_t j = (uint32_t)((uint64_t)h->ids[i] * 0x9e3779b97f4a7c15ULL >> 40) & (cap - 1);
                while (a[j])
                    j = (j + 1) & (cap - 1);
                a[j] = h->ids[i];
            }
        free(h->ids);
        h->ids = a;
        h->cap = cap;
    }
    int64_t k = id + 1;
    uint32_t j = (uint32_t)((uint64_t)k * 0x9e3779b97f4a7c15ULL >> 40) & (h->cap - 1);
    while (h->ids[j]) {
        if (h->ids[j] == k)
            return 0;
        j = (j + 1) & (h->cap - 1);
    }
    h->ids[j] = k;
    h->n++;
    return 0;
}

static int agent_seen(sim_fit *f, const sim__row *r)
{
    int64_t key = isnan(r->start) ? r->hour : (int64_t)floor(r->start / 3600.0);
    sim__hourset *slot = NULL, *oldest = NULL;
    int64_t newest = -1;
    for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++) {
        sim__hourset *h = &f->open[i];
        if (h->key == key)
            slot = h;
        if (h->key > newest)
            newest = h->key;
        if (!oldest || h->key < oldest->key)
            oldest = h;
    }
    if (!slot) {
        if (newest >= 0 && key <= newest - SIM__FIT_OPEN_HOURS) {
            f->late_agent_rows++;
            return 0;
        }
        for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++) /* hours now out of the window */
            if (f->open[i].key >= 0 && f->open[i].key <= key - SIM__FIT_OPEN_HOURS)
                hourset_close(f, &f->open[i]);
        oldest = NULL;
        for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++)
            if (!oldest || f->open[i].key < oldest->key)
                oldest = &f->open[i];
        hourset_close(f, oldest);
        slot = oldest;
        slot->key = key;
        slot->hod = r->hour;
    }
    return hourset_add(slot, r->agent);
}

/* --------------------------------------------------------------- rows */

int sim__fit_row(sim_fit *f, const sim__row *r)
{
    f->rows++;
    f->by_hour[r->hour][r->outcome]++;
    bool answered = r->outcome == SIM__O_LIVE || r->outcome == SIM__O_MACHINE;
    if (!isnan(r->ring)) {
        if (answered)
            sim__dstat_add(&f->ring, r->ring);
        else if (r->outcome == SIM__O_NOANSWER)
            sim__dstat_add(&f->noanswer, r->ring);
        else if (r->outcome == SIM__O_INVALID)
            sim__dstat_add(&f->invalid, r->ring);
        else
            sim__dstat_add(&f->busy, r->ring);
    }
    if (answered && r->amd >= 0) {
        f->amd_calls[r->outcome][r->amd]++;
        if (r->amd > 0 && !isnan(r->amd_s))
            sim__dstat_add(&f->amd_s, r->amd_s);
    }
    if (!isnan(r->wait) && r->amd != 2) {
        f->waits++;
        f->wait_sum += r->wait;
        if (r->abandoned == 1) {
            f->abandons++;
            f->ev_min = fmin(f->ev_min, r->wait);
            f->ev_max = fmax(f->ev_max, r->wait);
            if (r->wait > 1e-3)
                f->ev_hist[sim__fit_bin(r->wait)]++;
            else
                f->zero_ev++;
        } else {
            f->cens_max = fmax(f->cens_max, r->wait);
            if (r->wait > 1e-3)
                f->cens_hist[sim__fit_bin(r->wait)]++;
            else
                f->zero_cens++;
        }
    }
    if (!isnan(r->talk)) {
        if (r->outcome == SIM__O_MACHINE)
            sim__dstat_add(&f->machine, r->talk);
        else
            sim__dstat_add(&f->talk, r->talk);
    }
    if (!isnan(r->wrap) && r->outcome == SIM__O_LIVE)
        sim__dstat_add(&f->wrap, r->wrap);
    if (r->agent >= 0 && agent_seen(f, r) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ patience */

static void fit_patience(const sim_fit *f, cJSON *model, cJSON *report)
{
    cJSON *rep = cJSON_AddObjectToObject(report, "patience");
    cJSON_AddNumberToObject(rep, "waits", (double)f->waits);
    cJSON_AddNumberToObject(rep, "abandons", (double)f->abandons);
    if (!f->waits)
        return;
    /* Kaplan-Meier on the binned waits (censored counted after events) */
    double at_risk = (double)f->waits, S = 1, median = NAN;
    cJSON *km = cJSON_AddArrayToObject(rep, "kaplanMeier");
    uint32_t ev0 = f->zero_ev, ce0 = f->zero_cens;
    for (int b = -1; b < SIM__FIT_BINS; b++) {
        uint32_t ev = b < 0 ? ev0 : f->ev_hist[b], ce = b < 0 ? ce0 : f->cens_hist[b];
        if (ev && at_risk > 0) {
            S *= 1 - ev / at_risk;
            cJSON *pt = cJSON_CreateObject();
            cJSON_AddNumberToObject(pt, "t", b < 0 ? 0 : sim__fit_bin_lo(b + 1));
            cJSON_AddNumberToObject(pt, "survival", S);
            cJSON_AddItemToArray(km, pt);
            if (isnan(median) && S <= 0.5)
                median = b < 0 ? 0 : sim__fit_bin_lo(b + 1);
        }
        at_risk -= ev + ce;
    }
    if (f->abandons) { /* censored exponential: events / exposure */
        double m = f->wait_sum / (double)f->abandons, k = sqrt((double)f->abandons);
        sim__fit_est(rep, "exponentialMean", m, m * exp(-Z95 / k), m * exp(Z95 / k));
    }
    double tau;
    if (!f->abandons) {
        tau = 1e9;
        cJSON_AddStringToObject(rep, "note", "nobody abandoned: patience is not identified "
                                             "beyond the longest wait; the model lets nobody "
                                             "abandon (abandonThreshold 1e9)");
    } else if (f->ev_max - f->ev_min <= 0.002 && !(f->cens_max > f->ev_max + 0.001)) {
        tau = f->ev_max;
        sim__fit_est(rep, "threshold", tau, f->ev_min, f->ev_max);
        cJSON_AddStringToObject(rep, "note",
                                "every abandon at the same wait and no connection after it: a "
                                "fixed threshold (the two-second rule); only the threshold is "
                                "identified, not how long people would have waited beyond it");
    } else {
        tau = isnan(median) ? f->ev_max : median;
        cJSON_AddStringToObject(rep, "note",
                                "abandons spread over waits: the model's patience is a fixed "
                                "threshold, written as the Kaplan-Meier median");
    }
    cJSON_AddNumberToObject(model, "abandonThreshold", tau);
}

/* -------------------------------------------------------------- result */

sim_status sim_fit_result(const sim_fit *f, cJSON **model_out, cJSON **report_out,
                          cx_error *err)
{
    *model_out = *report_out = NULL;
    if (!f->rows)
        return cx_error_set(err, SIM_EINVAL, "no records: nothing to fit");
    sim_fit *g = malloc(sizeof *g); /* closing the open hours changes the counts */
    if (!g)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    memcpy(g, f, sizeof *g);
    for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++)
        if (g->open[i].key >= 0) {
            g->agents_sum[g->open[i].hod] += g->open[i].n;
            g->agents_hours[g->open[i].hod]++;
        }
    cJSON *model = cJSON_CreateObject(), *rep = cJSON_CreateObject();
    cJSON_AddNumberToObject(rep, "records", (double)f->rows);
    /* agents */
    int hours_with = 0, amin = 1 << 30, amax = 0;
    int agents[24];
    for (int h = 0; h < 24; h++) {
        agents[h] = g->agents_hours[h] ? (int)lround(g->agents_sum[h] / g->agents_hours[h]) : -1;
        if (agents[h] >= 0) {
            hours_with++;
            amin = agents[h] < amin ? agents[h] : amin;
            amax = agents[h] > amax ? agents[h] : amax;
        }
    }
    free(g);
    if (!hours_with || amax < 1) {
        cJSON_Delete(model);
        cJSON_Delete(rep);
        return cx_error_set(err, SIM_EINVAL,
                            "no agent ids in the records: agents staffed cannot be fitted");
    }
    cJSON *ra = cJSON_AddArrayToObject(rep, "agents");
    cJSON *sched = amin == amax ? NULL : cJSON_CreateArray();
    for (int h = 0; h < 24; h++) {
        if (agents[h] < 0)
            continue;
        cJSON *pt = cJSON_CreateObject();
        cJSON_AddNumberToObject(pt, "hour", h);
        cJSON_AddNumberToObject(pt, "agents", agents[h]);
        cJSON_AddItemToArray(ra, cJSON_Duplicate(pt, true));
        if (sched)
            cJSON_AddItemToArray(sched, pt);
        else
            cJSON_Delete(pt);
    }
    if (sched)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(model, "agents"), "schedule", sched);
    else
        cJSON_AddNumberToObject(model, "agents", amax);
    cJSON_AddNumberToObject(rep, "lateAgentRows", (double)f->late_agent_rows);
    /* shares per hour */
    uint64_t tot[SIM__O_COUNT] = {0}, all = 0;
    double pmax = 0;
    cJSON *hourly = cJSON_AddArrayToObject(rep, "hourly");
    cJSON *prof = cJSON_CreateArray();
    static const char *const on[] = {"live", "machine", "busy", "noAnswer", "invalid"};
    for (int h = 0; h < 24; h++) {
        uint64_t n = 0;
        for (int o = 0; o < SIM__O_COUNT; o++)
            n += f->by_hour[h][o], tot[o] += f->by_hour[h][o];
        all += n;
        if (!n)
            continue;
        cJSON *hr = cJSON_CreateObject();
        cJSON_AddNumberToObject(hr, "hour", h);
        cJSON_AddNumberToObject(hr, "attempts", (double)n);
        for (int o = 0; o < SIM__O_COUNT; o++) {
            double p, lo, hi;
            sim__fit_wilson(f->by_hour[h][o], n, &p, &lo, &hi);
            sim__fit_est(hr, on[o], p, lo, hi);
            if (o == SIM__O_LIVE) {
                cJSON *pt = cJSON_CreateObject();
                cJSON_AddNumberToObject(pt, "hour", h);
                cJSON_AddNumberToObject(pt, "value", p);
                cJSON_AddItemToArray(prof, pt);
                pmax = fmax(pmax, p);
            }
        }
        cJSON_AddItemToArray(hourly, hr);
    }
    cJSON *live = cJSON_AddObjectToObject(model, "liveAnswerProbability");
    cJSON_AddItemToObject(live, "profile", prof);
    cJSON_AddStringToObject(live, "interpolate", "step");
    double pm, pb, pi, lo, hi;
    sim__fit_wilson(tot[SIM__O_MACHINE], all, &pm, &lo, &hi);
    sim__fit_est(rep, "machineProbability", pm, lo, hi);
    sim__fit_wilson(tot[SIM__O_BUSY], all, &pb, &lo, &hi);
    sim__fit_est(rep, "busyProbability", pb, lo, hi);
    sim__fit_wilson(tot[SIM__O_INVALID], all, &pi, &lo, &hi);
    sim__fit_est(rep, "invalidProbability", pi, lo, hi);
    if (pmax + pm + pb + pi > 1) /* the hourly live peak with the day's other shares */
        pm = fmax(0, 1 - pmax - pb - pi);
    cJSON_AddNumberToObject(model, "machineProbability", pm);
    cJSON_AddNumberToObject(model, "busyProbability", pb);
    if (tot[SIM__O_INVALID])
        cJSON_AddNumberToObject(model, "invalidProbability", pi);
    /* AMD */
    cJSON *amd = cJSON_AddObjectToObject(rep, "amd");
    uint64_t lj = f->amd_calls[0][1] + f->amd_calls[0][2],
             mj = f->amd_calls[1][1] + f->amd_calls[1][2];
    if (lj + mj == 0) {
        cJSON_AddStringToObject(amd, "note", "no AMD decision in the records: no AMD");
    } else {
        double det, fp;
        cJSON *ma = cJSON_AddObjectToObject(model, "amd");
        sim__fit_wilson(f->amd_calls[1][2], mj, &det, &lo, &hi);
        cJSON *e = sim__fit_est(amd, "detection", det, lo, hi);
        sim__fit_wilson(f->amd_calls[0][2], lj, &fp, &lo, &hi);
        cJSON *e2 = sim__fit_est(amd, "falsePositive", fp, lo, hi);
        cJSON_AddBoolToObject(amd, "identifiable", f->truth);
        if (!f->truth) {
            cJSON_AddStringToObject(e, "note", "not identifiable: the outcome is the ACD's "
                                               "disposition, which calls every AMD hang-up a "
                                               "machine; this is the share of answers AMD hung up on "
                                               "among those dispositioned machines");
            cJSON_AddStringToObject(e2, "note", "not identifiable without the truth; the model "
                                                "writes 0");
            fp = 0;
        }
        cJSON_AddNumberToObject(ma, "detection", det);
        cJSON_AddNumberToObject(ma, "falsePositive", fp);
        sim__fit_duration(&f->amd_s, "decisionTime", ma, amd);
    }
    /* durations */
    sim__fit_duration(&f->ring, "ringTime", model, rep);
    sim__fit_duration(&f->talk, "talkTime", model, rep);
    sim__fit_duration(&f->wrap, "wrapTime", model, rep);
    if (f->noanswer.n) {
        /* 47 CFR 64.1200(a)(6): an unanswered call rings at least 15 s, and
         * the model refuses less. Records that ring less (a dialer set under
         * the rule, or a network that gave up first) are reported as they
         * are; the model rings the legal minimum, the nearest it can. */
        double mean = f->noanswer.s1 / (double)f->noanswer.n;
        cJSON *e = sim__fit_est(rep, "noAnswerTimeout", mean, f->noanswer.min, f->noanswer.max);
        if (mean < SIM_MIN_NO_ANSWER_RING) {
            char note[320];
            snprintf(note, sizeof note,
                     "unanswered calls rang %.3g s on average (%.3g s at the least), under the "
                     "15 s an unanswered call must ring (47 CFR 64.1200(a)(6)); the model rings "
                     "%g s, the least it accepts",
                     mean, f->noanswer.min, SIM_MIN_NO_ANSWER_RING);
            cJSON_AddStringToObject(e, "note", note);
            mean = SIM_MIN_NO_ANSWER_RING;
        }
        cJSON_AddNumberToObject(model, "noAnswerTimeout", mean);
    }
    if (f->invalid.n) {
        double mean = f->invalid.s1 / (double)f->invalid.n;
        cJSON_AddNumberToObject(model, "invalidTime", mean);
        sim__fit_est(rep, "invalidTime", mean, f->invalid.min, f->invalid.max);
    }
    if (f->busy.n) {
        cJSON_AddNumberToObject(model, "busyTime", f->busy.s1 / (double)f->busy.n);
        sim__fit_est(rep, "busyTime", f->busy.s1 / (double)f->busy.n, f->busy.min, f->busy.max);
    }
    if (f->machine.n) {
        cJSON_AddNumberToObject(model, "machineHandleTime", f->machine.s1 / (double)f->machine.n);
        sim__fit_est(rep, "machineHandleTime", f->machine.s1 / (double)f->machine.n, f->machine.min,
            f->machine.max);
    }
    fit_patience(f, model, rep);
    *model_out = model;
    *report_out = rep;
    return SIM_OK;
}
