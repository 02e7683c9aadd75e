/* sim_fit.c - the campaign model fitted to call records: accumulation in
 * fixed memory and the estimates (see dialsim_fit.h and sim/README.md).
 *
 * Durations: maximum likelihood among exponential, gamma, lognormal and
 * Weibull (uniform too: dialsim's own models use it), chosen by AIC; the
 * first three from exact sufficient statistics (gamma's shape by Newton on
 * log k - psi(k) = log mean - mean log), Weibull's shape by Brent's method
 * (GSL) on its profile likelihood over the histogram. Intervals: the
 * inverse of the numerically differentiated observed information, carried
 * to the model's parameters by the delta method; uniform's ends by their
 * exact one-sided law. Shares: Wilson intervals. */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
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

static double bin_mid(int b) { return pow(10.0, (b + 0.5) / 500.0 - 3.0); }

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

/* ------------------------------------------------------- distributions */

enum fam { F_EXP, F_GAMMA, F_LOGN, F_WEIB, F_UNIF, F_COUNT };
static const char *const fam_names[] = {"exponential", "gamma", "lognormal", "weibull",
                                        "uniform"};

typedef struct fitres {
    bool ok;
    double p[2]; /* exp: mean; gamma: shape, scale; logn: mu, sigma; weib: shape, scale; unif: a, b */
    double ll, aic, ks;
} fitres;

static double cdf(enum fam f, const double *p, double x)
{
    if (x <= 0)
        return 0;
    switch (f) {
    case F_EXP: return 1 - exp(-x / p[0]);
    case F_GAMMA: return gsl_sf_gamma_inc_P(p[0], x / p[1]);
    case F_LOGN: return 0.5 * erfc(-(log(x) - p[0]) / (p[1] * M_SQRT2));
    case F_WEIB: return 1 - exp(-pow(x / p[1], p[0]));
    case F_UNIF: return x <= p[0] ? 0 : (x >= p[1] ? 1 : (x - p[0]) / (p[1] - p[0]));
    default: return 0;
    }
}

/* the log-likelihood of d under f at p */
static double loglik(enum fam f, const double *p, const sim__dstat *d)
{
    double n = (double)d->n;
    switch (f) {
    case F_EXP: return -n * log(p[0]) - d->s1 / p[0];
    case F_GAMMA:
        return (p[0] - 1) * d->slog - d->s1 / p[1] - n * p[0] * log(p[1]) - n * lgamma(p[0]);
    case F_LOGN:
        return -d->slog - n * log(p[1]) - 0.5 * n * log(2 * M_PI) -
               (d->slog2 - 2 * p[0] * d->slog + n * p[0] * p[0]) / (2 * p[1] * p[1]);
    case F_WEIB: {
        double s = 0;
        for (int b = 0; b < SIM__FIT_BINS; b++)
            if (d->hist[b])
                s += d->hist[b] * pow(bin_mid(b) / p[1], p[0]);
        return n * log(p[0]) - n * p[0] * log(p[1]) + (p[0] - 1) * d->slog - s;
    }
    case F_UNIF: return -n * log(p[1] - p[0]);
    default: return -INFINITY;
    }
}

static double weib_profile(double k, void *arg)
{
    const sim__dstat *d = arg;
    double sk = 0, skl = 0, c = d->s1 / (double)d->n; /* scaled by the mean */
    for (int b = 0; b < SIM__FIT_BINS; b++)
        if (d->hist[b]) {
            double x = bin_mid(b) / c, xk = pow(x, k);
            sk += d->hist[b] * xk;
            skl += d->hist[b] * xk * log(x);
        }
    return 1 / k + (d->slog / (double)d->n - log(c)) - skl / sk;
}

static double ks(enum fam f, const double *p, const sim__dstat *d)
{
    double cum = 0, worst = 0, n = (double)d->n;
    for (int b = 0; b < SIM__FIT_BINS; b++) {
        if (!d->hist[b])
            continue;
        double lo = b ? sim__fit_bin_lo(b) : 0, hi = sim__fit_bin_lo(b + 1);
        worst = fmax(worst, fabs(cum / n - cdf(f, p, lo)));
        cum += d->hist[b];
        worst = fmax(worst, fabs(cum / n - cdf(f, p, hi)));
    }
    return worst;
}

static fitres fit_one(enum fam f, const sim__dstat *d)
{
    fitres r = {0};
    double n = (double)d->n, m = d->s1 / n;
    if (d->n < 2 || !(m > 0))
        return r;
    switch (f) {
    case F_EXP: r.p[0] = m; break;
    case F_LOGN:
        r.p[0] = d->slog / n;
        r.p[1] = sqrt(fmax(d->slog2 / n - r.p[0] * r.p[0], 1e-300));
        break;
    case F_GAMMA: {
        double s = log(m) - d->slog / n;
        if (!(s > 0))
            return r;
        double k = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
        for (int i = 0; i < 50; i++) {
            double g = log(k) - gsl_sf_psi(k) - s, dg = 1 / k - gsl_sf_psi_1(k);
            double nk = k - g / dg;
            k = nk > 0 ? nk : k / 2;
            if (fabs(g) < 1e-12)
                break;
        }
        r.p[0] = k;
        r.p[1] = m / k;
        break;
    }
    case F_WEIB: {
        gsl_function fn = {weib_profile, (void *)d};
        double lo = 0.05, hi = 50;
        if (!(weib_profile(lo, (void *)d) > 0 && weib_profile(hi, (void *)d) < 0))
            return r;
        gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!s || gsl_root_fsolver_set(s, &fn, lo, hi) != GSL_SUCCESS) {
            gsl_root_fsolver_free(s);
            return r;
        }
        for (int i = 0; i < 100; i++) {
            gsl_root_fsolver_iterate(s);
            lo = gsl_root_fsolver_x_lower(s);
            hi = gsl_root_fsolver_x_upper(s);
            if (gsl_root_test_interval(lo, hi, 0, 1e-10) == GSL_SUCCESS)
                break;
        }
        double k = gsl_root_fsolver_root(s);
        gsl_root_fsolver_free(s);
        double sk = 0;
        for (int b = 0; b < SIM__FIT_BINS; b++)
            if (d->hist[b])
                sk += d->hist[b] * pow(bin_mid(b) / m, k);
        r.p[0] = k;
        r.p[1] = m * pow(sk / n, 1 / k);
        break;
    }
    case F_UNIF:
        if (!(d->max > d->min))
            return r;
        r.p[0] = d->min;
        r.p[1] = d->max;
        break;
    default: return r;
    }
    r.ll = loglik(f, r.p, d);
    r.aic = 2 * (f == F_EXP ? 1 : 2) - 2 * r.ll;
    r.ks = ks(f, r.p, d);
    r.ok = isfinite(r.ll);
    return r;
}

/* covariance of the 2 parameters from the numerical observed information */
static bool covariance(enum fam f, const double *p, const sim__dstat *d, double cov[2][2])
{
    double h[2] = {1e-4 * p[0], 1e-4 * p[1]}, H[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double q[2], s = 0;
            for (int a = -1; a <= 1; a += 2)
                for (int b = -1; b <= 1; b += 2) {
                    q[0] = p[0];
                    q[1] = p[1];
                    q[i] += a * h[i];
                    q[j] += b * h[j];
                    s += a * b * loglik(f, q, d);
                }
            H[i][j] = -s / (4 * h[i] * h[j]);
        }
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    if (!(det > 0))
        return false;
    cov[0][0] = H[1][1] / det;
    cov[1][1] = H[0][0] / det;
    cov[0][1] = cov[1][0] = -H[0][1] / det;
    return true;
}

static void mean_sd(enum fam f, const double *p, double *m, double *s)
{
    if (f == F_GAMMA) {
        *m = p[0] * p[1];
        *s = sqrt(p[0]) * p[1];
    } else {
        *m = exp(p[0] + p[1] * p[1] / 2);
        *s = *m * sqrt(expm1(p[1] * p[1]));
    }
}

static cJSON *est(cJSON *o, const char *name, double v, double lo, double hi)
{
    cJSON *e = cJSON_AddObjectToObject(o, name);
    cJSON_AddNumberToObject(e, "value", v);
    cJSON *ci = cJSON_AddArrayToObject(e, "ci95");
    cJSON_AddItemToArray(ci, cJSON_CreateNumber(lo));
    cJSON_AddItemToArray(ci, cJSON_CreateNumber(hi));
    return e;
}

static void wilson(uint64_t k, uint64_t n, double *p, double *lo, double *hi)
{
    if (!n) {
        *p = *lo = *hi = 0;
        return;
    }
    double ph = (double)k / (double)n, z2 = Z95 * Z95, nn = (double)n;
    double c = (ph + z2 / (2 * nn)) / (1 + z2 / nn);
    double w = Z95 * sqrt(ph * (1 - ph) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *p = ph;
    *lo = fmax(0, c - w);
    *hi = fmin(1, c + w);
}

/* Fits a duration; writes the model's distribution into model[key] and the
 * details into report[key]. A fixed value when every sample is the same. */
static void fit_duration(const sim__dstat *d, const char *key, cJSON *model, cJSON *report)
{
    cJSON *rep = cJSON_AddObjectToObject(report, key);
    cJSON_AddNumberToObject(rep, "n", (double)d->n);
    if (d->n == 0) {
        cJSON_AddStringToObject(rep, "note", "no sample: the model keeps dialsim's default");
        return;
    }
    if (d->max - d->min <= 1e-9 * fmax(1, d->max) || d->n < 2) {
        cJSON_AddNumberToObject(model, key, d->s1 / (double)d->n);
        cJSON_AddStringToObject(rep, "chosen", "fixed");
        est(rep, "value", d->s1 / (double)d->n, d->min, d->max);
        return;
    }
    fitres r[F_COUNT];
    int best = -1;
    cJSON *cands = cJSON_AddArrayToObject(rep, "candidates");
    for (int f = 0; f < F_COUNT; f++) {
        r[f] = fit_one((enum fam)f, d);
        if (!r[f].ok)
            continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "dist", fam_names[f]);
        cJSON_AddNumberToObject(c, "aic", r[f].aic);
        cJSON_AddNumberToObject(c, "ks", r[f].ks);
        cJSON_AddItemToArray(cands, c);
        if (best < 0 || r[f].aic < r[best].aic)
            best = f;
    }
    if (best < 0) {
        cJSON_AddNumberToObject(model, key, d->s1 / (double)d->n);
        cJSON_AddStringToObject(rep, "chosen", "fixed");
        return;
    }
    enum fam f = (enum fam)best;
    const double *p = r[best].p;
    double n = (double)d->n;
    cJSON_AddStringToObject(rep, "chosen", fam_names[f]);
    cJSON_AddNumberToObject(rep, "ks", r[best].ks);
    /* the empirical and fitted CDFs at about every 1% of the sample, for plots */
    cJSON *pts = cJSON_AddArrayToObject(rep, "cdf");
    double cum = 0, next = 0;
    for (int b = 0; b < SIM__FIT_BINS; b++) {
        if (!d->hist[b])
            continue;
        cum += d->hist[b];
        if (cum / n + 1e-12 < next && cum < n)
            continue;
        next = cum / n + 0.01;
        double t = sim__fit_bin_lo(b + 1);
        cJSON *pt = cJSON_CreateArray();
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(t));
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(cum / n));
        cJSON_AddItemToArray(pt, cJSON_CreateNumber(cdf(f, p, t)));
        cJSON_AddItemToArray(pts, pt);
    }
    cJSON *md = cJSON_AddObjectToObject(model, key);
    cJSON_AddStringToObject(md, "dist", fam_names[f]);
    if (f == F_EXP) {
        cJSON_AddNumberToObject(md, "mean", p[0]);
        est(rep, "mean", p[0], p[0] * (1 - Z95 / sqrt(n)), p[0] * (1 + Z95 / sqrt(n)));
    } else if (f == F_UNIF) {
        double s = (p[1] - p[0]) * (1 - pow(0.05, 1 / n));
        cJSON_AddNumberToObject(md, "min", p[0]);
        cJSON_AddNumberToObject(md, "max", p[1]);
        est(rep, "min", p[0], p[0] - s, p[0]);
        est(rep, "max", p[1], p[1], p[1] + s);
    } else {
        double cov[2][2] = {{0}};
        bool ok = covariance(f, p, d, cov);
        if (f == F_WEIB) {
            cJSON_AddNumberToObject(md, "shape", p[0]);
            cJSON_AddNumberToObject(md, "scale", p[1]);
            for (int i = 0; i < 2; i++) {
                double h = ok ? Z95 * sqrt(cov[i][i]) : 0;
                est(rep, i ? "scale" : "shape", p[i], p[i] - h, p[i] + h);
            }
        } else {
            double m, s, g[2][2]; /* gradients of mean and sd */
            mean_sd(f, p, &m, &s);
            for (int j = 0; j < 2; j++) {
                double q[2] = {p[0], p[1]}, hj = 1e-6 * fmax(fabs(p[j]), 1e-3), m2, s2;
                q[j] += hj;
                mean_sd(f, q, &m2, &s2);
                g[0][j] = (m2 - m) / hj;
                g[1][j] = (s2 - s) / hj;
            }
            cJSON_AddNumberToObject(md, "mean", m);
            cJSON_AddNumberToObject(md, "sd", s);
            double v[2];
            for (int i = 0; i < 2; i++) {
                v[i] = 0;
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        v[i] += g[i][a] * cov[a][b] * g[i][b];
            }
            est(rep, "mean", m, m - Z95 * sqrt(v[0]), m + Z95 * sqrt(v[0]));
            est(rep, "sd", s, s - Z95 * sqrt(v[1]), s + Z95 * sqrt(v[1]));
        }
    }
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
        est(rep, "exponentialMean", m, m * exp(-Z95 / k), m * exp(Z95 / k));
    }
    double tau;
    if (!f->abandons) {
        tau = 1e9;
        cJSON_AddStringToObject(rep, "note", "nobody abandoned: patience is not identified "
                                             "beyond the longest wait; the model lets nobody "
                                             "abandon (abandonThreshold 1e9)");
    } else if (f->ev_max - f->ev_min <= 0.002 && !(f->cens_max > f->ev_max + 0.001)) {
        tau = f->ev_max;
        est(rep, "threshold", tau, f->ev_min, f->ev_max);
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
            wilson(f->by_hour[h][o], n, &p, &lo, &hi);
            est(hr, on[o], p, lo, hi);
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
    double pm, pb, lo, hi;
    wilson(tot[SIM__O_MACHINE], all, &pm, &lo, &hi);
    est(rep, "machineProbability", pm, lo, hi);
    wilson(tot[SIM__O_BUSY] + tot[SIM__O_INVALID], all, &pb, &lo, &hi);
    est(rep, "busyProbability", pb, lo, hi);
    if (tot[SIM__O_INVALID])
        cJSON_AddStringToObject(rep, "invalidNote", "invalid numbers fail fast like busy "
                                                    "lines: the model counts them as busy");
    if (pmax + pm + pb > 1)
        pm = fmax(0, 1 - pmax - pb);
    cJSON_AddNumberToObject(model, "machineProbability", pm);
    cJSON_AddNumberToObject(model, "busyProbability", pb);
    /* AMD */
    cJSON *amd = cJSON_AddObjectToObject(rep, "amd");
    uint64_t lj = f->amd_calls[0][1] + f->amd_calls[0][2],
             mj = f->amd_calls[1][1] + f->amd_calls[1][2];
    if (lj + mj == 0) {
        cJSON_AddStringToObject(amd, "note", "no AMD decision in the records: no AMD");
    } else {
        double det, fp;
        cJSON *ma = cJSON_AddObjectToObject(model, "amd");
        wilson(f->amd_calls[1][2], mj, &det, &lo, &hi);
        cJSON *e = est(amd, "detection", det, lo, hi);
        wilson(f->amd_calls[0][2], lj, &fp, &lo, &hi);
        cJSON *e2 = est(amd, "falsePositive", fp, lo, hi);
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
        fit_duration(&f->amd_s, "decisionTime", ma, amd);
    }
    /* durations */
    fit_duration(&f->ring, "ringTime", model, rep);
    fit_duration(&f->talk, "talkTime", model, rep);
    fit_duration(&f->wrap, "wrapTime", model, rep);
    if (f->noanswer.n) {
        cJSON_AddNumberToObject(model, "noAnswerTimeout", f->noanswer.s1 / (double)f->noanswer.n);
        est(rep, "noAnswerTimeout", f->noanswer.s1 / (double)f->noanswer.n, f->noanswer.min,
            f->noanswer.max);
    }
    if (f->busy.n) {
        cJSON_AddNumberToObject(model, "busyTime", f->busy.s1 / (double)f->busy.n);
        est(rep, "busyTime", f->busy.s1 / (double)f->busy.n, f->busy.min, f->busy.max);
    }
    if (f->machine.n) {
        cJSON_AddNumberToObject(model, "machineHandleTime", f->machine.s1 / (double)f->machine.n);
        est(rep, "machineHandleTime", f->machine.s1 / (double)f->machine.n, f->machine.min,
            f->machine.max);
    }
    fit_patience(f, model, rep);
    *model_out = model;
    *report_out = rep;
    return SIM_OK;
}
