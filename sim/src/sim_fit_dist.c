/* sim_fit_dist.c - durations by maximum likelihood among exponential, gamma,
 * lognormal, Weibull and uniform, chosen by AIC, with KS distances and 95%
 * intervals; and the small estimate helpers of the fit's report.
 *
 * The first three from exact sufficient statistics (gamma's shape by
 * Newton on log k - psi(k) = log mean - mean log), Weibull's shape by
 * Brent's method (GSL) on its profile likelihood over the histogram.
 * Intervals: the inverse of the numerically differentiated observed
 * information, carried to the model's parameters by the delta method;
 * uniform's ends by their exact one-sided law. Shares: Wilson intervals. */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <string.h>

#include "sim_fit.h"

#define Z95 1.959963984540054

static double bin_mid(int b) { return pow(10.0, (b + 0.5) / 500.0 - 3.0); }

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

cJSON *sim__fit_est(cJSON *o, const char *name, double v, double lo, double hi)
{
    cJSON *e = cJSON_AddObjectToObject(o, name);
    cJSON_AddNumberToObject(e, "value", v);
    cJSON *ci = cJSON_AddArrayToObject(e, "ci95");
    cJSON_AddItemToArray(ci, cJSON_CreateNumber(lo));
    cJSON_AddItemToArray(ci, cJSON_CreateNumber(hi));
    return e;
}

void sim__fit_wilson(uint64_t k, uint64_t n, double *p, double *lo, double *hi)
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

void sim__fit_duration(const sim__dstat *d, const char *key, cJSON *model, cJSON *report)
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
        sim__fit_est(rep, "value", d->s1 / (double)d->n, d->min, d->max);
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
        sim__fit_est(rep, "mean", p[0], p[0] * (1 - Z95 / sqrt(n)), p[0] * (1 + Z95 / sqrt(n)));
    } else if (f == F_UNIF) {
        double s = (p[1] - p[0]) * (1 - pow(0.05, 1 / n));
        cJSON_AddNumberToObject(md, "min", p[0]);
        cJSON_AddNumberToObject(md, "max", p[1]);
        sim__fit_est(rep, "min", p[0], p[0] - s, p[0]);
        sim__fit_est(rep, "max", p[1], p[1], p[1] + s);
    } else {
        double cov[2][2] = {{0}};
        bool ok = covariance(f, p, d, cov);
        if (f == F_WEIB) {
            cJSON_AddNumberToObject(md, "shape", p[0]);
            cJSON_AddNumberToObject(md, "scale", p[1]);
            for (int i = 0; i < 2; i++) {
                double h = ok ? Z95 * sqrt(cov[i][i]) : 0;
                sim__fit_est(rep, i ? "scale" : "shape", p[i], p[i] - h, p[i] + h);
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
            sim__fit_est(rep, "mean", m, m - Z95 * sqrt(v[0]), m + Z95 * sqrt(v[0]));
            sim__fit_est(rep, "sd", s, s - Z95 * sqrt(v[1]), s + Z95 * sqrt(v[1]));
        }
    }
}

