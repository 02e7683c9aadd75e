/* opt_policy_adaptive.c - our policy, and the oracle that bounds it.
 *
 * adaptive, each cycle:
 *  1. Estimate the true live-answer probability p from the observed stats as
 *     a discounted Beta posterior: a <- lambda*a + live, b <- lambda*b +
 *     (attempts - live) over the last period (lambda = 0.7: about three
 *     periods of memory, so a drifting or dropping rate is followed within a
 *     few cycles). Take p_hi, its upper Wilson bound half a standard error up,
 *     plus the rise of the per-period rate (least squares over the last six
 *     periods, counted only when more than twice its standard error) times
 *     the lag of the estimate (lambda/(1-lambda) + 1.5 periods): the cautious
 *     side, since a truth above the estimate means more answers than agents.
 *  2. Budget the regulatory window: with A abandoned out of L live answers so
 *     far and about dL live answers expected next period, the next period may
 *     abandon at most
 *         r = (c (L + dL) - A - 2 sd_FP - 2 sqrt(c dL)) / dL,   clamped to [0, c]
 *     with c = margin * limit (margin 0.95), so the whole window stays under
 *     the limit, past overshoot is paid back, and no period plans above the
 *     (margined) limit. Two kinds of noise are kept in hand, two standard
 *     errors each: sd_FP, of the AMD false positives no ACD sees (estimated
 *     over the window to the end of the next period), and sqrt(c dL), of the
 *     next period's own abandon count (a count of about c dL, as if it
 *     spent the whole cap). On the window the second is 2 sqrt(c dL)/(L + dL):
 *     large while the window is short (the first hours, when one unlucky
 *     period moves it most: on the first cycle, L = dL, it takes the whole
 *     budget of a 20-agent team), fading as it grows. (Without it, on
 *     baseline-20, seed 20, false positives at twice their rate in the first
 *     hours took the window to 3.02%; and the oracle, with the same budget,
 *     to 3.27% on amd-false-positives, seed 22.) Without stats there is no
 *     window to budget: the cap (adaptive does not move before it has
 *     observed anything).
 *  3. Steer the dialer's abandon target, which is what a predictive dialer
 *     that learns its hit rate and holds its setting regulates to
 *     (DOMAIN.md): 0.9 r less the AMD false positives its ACD never counts
 *     (its own control needs headroom under the budget). The answer-rate
 *     setting is only the prior its estimate starts from: p_hi. One
 *     prediction (the truth taken as p_hi, common random numbers) checks
 *     the target against r; over it, the target is scaled down by the
 *     excess. Moves smaller than a dead band (0.1 point of abandon target,
 *     15% of the answer-rate prior) are not made: no write, no simulation.
 *     (Until issue 13 this step searched the answer-rate setting by
 *     bisection, seven predictions a cycle; with a dialer that learns,
 *     the setting barely moves the predicted rate after the first minutes,
 *     and a 30-day scenario spent most of its time there.)
 *  4. Ask the compliance gate before proposing: a refused target changes
 *     nothing for a whole period, so when the gate (the same prediction on
 *     the same seed as the cycle's) would refuse the step, take the largest
 *     share of it the gate allows (bisection, to 1/16 of the step), or only
 *     its retreating parts.
 *
 * oracle: the same search, fed the simulation's true live-answer probability
 * averaged over the next period, with no estimation error: what no real
 * policy can beat with the same search. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_ofcom.h"
#include "opt_policy.h"

#define MARGIN 0.95
#define TARGET_SHARE 0.9 /* the dialer's own abandon target, as a share of the budget */
#define LAMBDA 0.7
#define Z_ESTIMATE 0.5 /* the cautious side of p: half a standard error (69%) */
#define Z_HOLD 2.0 /* standard errors of the budget's noises kept in hand */
#define GATE_STEPS 4
/* Changes smaller than these are not worth a write (and a gate's
 * simulation): the abandon target's, absolute; the answer-rate prior's,
 * relative to it */
#define ABANDON_DEADBAND 0.001
#define ANSWER_DEADBAND 0.15

#define TREND_PERIODS 6

typedef struct adaptive {
    double a, b;        /* Beta posterior of p (pseudo-counts) */
    double rates[TREND_PERIODS]; /* the last periods' own rates, oldest first */
    int n_rates;
    bool oracle;
} adaptive;

/* The rise of the per-period rate per period, by least squares over the last
 * periods; 0 unless it is significant (more than twice its standard error):
 * a noisy list must not read as a trend. */
static double significant_rise(const adaptive *s)
{
    int n = s->n_rates;
    if (n < 4)
        return 0;
    double mx = (n - 1) / 2.0, my = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++)
        my += s->rates[i] / n;
    for (int i = 0; i < n; i++) {
        sxx += (i - mx) * (i - mx);
        sxy += (i - mx) * (s->rates[i] - my);
    }
    double slope = sxy / sxx, sse = 0;
    for (int i = 0; i < n; i++) {
        double e = s->rates[i] - (my + slope * (i - mx));
        sse += e * e;
    }
    double se = sqrt(sse / (n - 2) / sxx);
    return slope > 2 * se ? slope : 0;
}

static opt_status init_common(opt_policy *p, bool oracle, cx_error *err)
{
    if (!(p->opts.period_s > 0))
        p->opts.period_s = 900;
    if (!(p->opts.window_s > 0))
        p->opts.window_s = 30 * 86400.0;
    if (oracle && !p->opts.truth)
        return cx_error_set(err, OPT_EUSAGE, "the oracle policy needs the simulation's truth");
    adaptive *s = calloc(1, sizeof *s);
    if (!s)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    s->oracle = oracle;
    p->state = s;
    return OPT_OK;
}

static opt_status adaptive_init(opt_policy *p, cx_error *err) { return init_common(p, false, err); }
static opt_status oracle_init(opt_policy *p, cx_error *err) { return init_common(p, true, err); }

static void fini(opt_policy *p) { free(p->state); }

/* Upper Wilson bound (z standard errors) of a proportion with (possibly
 * fractional) counts. */
static double upper_bound(double x, double n, double z)
{
    if (n <= 0)
        return 1.0;
    double ph = x / n;
    double centre = ph + z * z / (2 * n);
    double half = z * sqrt(ph * (1 - ph) / n + z * z / (4 * n * n));
    return fmin(1.0, (centre + half) / (1 + z * z / n));
}

/* The abandon rate the next period may spend (see the file comment), with
 * the window's counts as Ofcom estimates them from the ACD's book (AMD false
 * positives at the configured rate fp included, and two standard errors of
 * their binomial count kept in hand: at 2% false positives the estimate
 * missed the truth by enough to take amd-false-positives' window to 3.11%
 * on one seed of ten), and two standard errors of the next period's own
 * abandon count (see the file comment). */
double opt__period_budget(double limit, double fp, const opt_stats *s)
{
    double cap = MARGIN * limit;
    if (!s->available || s->period_live_answers <= 0)
        return cap;
    opt__ofcom w = opt__ofcom_estimate(s->live_answers - s->abandoned, s->abandoned,
                                       s->machines_to_agents, fp);
    double dl = (double)s->period_live_answers; /* the next period, like the last */
    /* the false positives are estimated, never seen: two standard errors of
     * their count by the end of the next period are kept in hand */
    double fp_sd = sqrt((w.live_answers + dl) * fp * (1 - fp));
    /* and so is the next period's own abandon count, were it to spend the
     * whole cap */
    double next_sd = sqrt(cap * dl);
    double r = (cap * (w.live_answers + dl) - w.abandoned - Z_HOLD * (fp_sd + next_sd)) / dl;
    return fmin(fmax(r, 0.0), cap);
}

/* The parts of `t` that do not dial harder than `cur`. */
static opt_params retreat_only(const opt_params *cur, const opt_params *t)
{
    opt_params r = *t;
    r.answer_rate = fmax(r.answer_rate, cur->answer_rate);
    r.abandon_rate = fmin(r.abandon_rate, cur->abandon_rate);
    if (r.max_concurrent_calls > cur->max_concurrent_calls)
        r.max_concurrent_calls = cur->max_concurrent_calls;
    return r;
}

/* The retreating parts of a step, if the gate passes them; else no change.
 * (A retreat predicted no better than the current settings is refused: with
 * a dialer that learns its hit rate, a higher answerRate alone often is.) */
static opt_status keep_if_passes(opt_optimizer *o, const opt__policy_in *in, opt_params *cand,
                                 const opt_params *retreat, cx_error *err)
{
    opt_compliance c;
    opt_prediction pr;
    *cand = *in->current;
    if (opt_params_equal(retreat, in->current))
        return OPT_OK;
    opt_status rc = opt__gate(o, in->current, retreat, in->stats, &c, &pr, err);
    if (rc == OPT_OK && c.allowed)
        *cand = *retreat;
    return rc;
}

/* A target the compliance gate refuses changes nothing, so the policy asks
 * the gate first (the same prediction, on the same seed, as the cycle's
 * gate will make) and, refused, takes the largest share of the step the
 * gate allows, found by bisection (GATE_STEPS gate calls: a share within
 * 1/16 of the step), or only the parts that retreat, or stays. */
static opt_status fit_gate(opt_optimizer *o, const opt__policy_in *in, opt_params *cand,
                           cx_error *err)
{
    if (!o->s.predict)
        return OPT_OK;
    const opt_params *cur = in->current;
    /* judged as it will be sent: clamped and rounded */
    opt__clamp_step(&o->s.constraints, o->s.limit, cur, cand);
    opt_compliance c;
    opt_prediction pr;
    opt_status rc = opt__gate(o, cur, cand, in->stats, &c, &pr, err);
    if (rc != OPT_OK || c.allowed)
        return rc;
    if (!c.dials_harder) { /* a retreat predicted no better: not worth a write */
        *cand = *cur;
        return OPT_OK;
    }
    opt_params best = retreat_only(cur, cand);
    if ((c.measurable && c.over_limit) || !c.target_ok)
        return keep_if_passes(o, in, cand, &best, err);
    /* the prediction refuses the whole step: the largest share it allows
     * (predicted abandons grow with the share) */
    double lo = 0, hi = 1;
    for (int i = 0; i < GATE_STEPS; i++) {
        double share = (lo + hi) / 2;
        opt_params part = *cand;
        part.answer_rate = cur->answer_rate + share * (cand->answer_rate - cur->answer_rate);
        part.abandon_rate = cur->abandon_rate + share * (cand->abandon_rate - cur->abandon_rate);
        opt__clamp_step(&o->s.constraints, o->s.limit, cur, &part);
        if ((rc = opt__gate(o, cur, &part, in->stats, &c, &pr, err)) != OPT_OK)
            return rc;
        if (c.allowed) {
            best = part;
            lo = share;
        } else {
            hi = share;
        }
    }
    if (lo > 0) {
        *cand = best;
        return OPT_OK;
    }
    return keep_if_passes(o, in, cand, &best, err);
}

static opt_status decide(opt_policy *p, const opt__policy_in *in, opt_params *target,
                         cx_error *err)
{
    adaptive *s = p->state;
    opt_optimizer *o = p->o;
    const opt_stats *st = in->stats;
    /* nobody staffed (a night, a shift's end): nothing to pace, nothing
     * learnt; hold */
    if (st->available && st->agents == 0)
        return OPT_OK;
    double p_hi;
    if (s->oracle) {
        /* the mean true probability over the coming period */
        double sum = 0;
        const int n = 16;
        for (int i = 0; i < n; i++)
            sum += p->opts.truth(p->opts.truth_ud, in->now + p->opts.period_s * (i + 0.5) / n);
        p_hi = sum / n;
    } else {
        if (st->available && st->period_attempts > 0) {
            s->a = LAMBDA * s->a + (double)st->period_live_answers;
            s->b = LAMBDA * s->b + (double)(st->period_attempts - st->period_live_answers);
            if (s->n_rates == TREND_PERIODS) {
                memmove(s->rates, s->rates + 1, (TREND_PERIODS - 1) * sizeof *s->rates);
                s->n_rates--;
            }
            s->rates[s->n_rates++] =
                (double)st->period_live_answers / (double)st->period_attempts;
        }
        if (s->a + s->b < 1) /* nothing observed yet: keep what the dialer believes */
            return OPT_OK;
        /* a rising rate is met where it will be: the posterior lags a trend by
         * lambda/(1-lambda) periods, the period average by half of one, and
         * the decision holds for the next */
        double lag = LAMBDA / (1 - LAMBDA) + 1.5;
        p_hi = fmin(1.0, upper_bound(s->a, s->a + s->b, Z_ESTIMATE) + lag * significant_rise(s));
    }
    double budget = opt__period_budget(o->s.limit, o->s.amd_false_positive, st);
    const opt_constraints *c = &o->s.constraints;
    opt_params cand = *in->current;
    /* The abandon target is what steers a dialer that learns its hit rate
     * and holds its setting: the budget, less the AMD false positives its
     * ACD never counts, with headroom for its control. */
    double fp = o->s.amd_false_positive;
    double cap = fmin(o->s.limit, c->max_abandon_rate);
    double abandon = fmin(TARGET_SHARE * fmax(budget - fp / (1 - fp), 0.0), cap);
    if (fabs(abandon - cand.abandon_rate) > ABANDON_DEADBAND)
        cand.abandon_rate = abandon;
    /* The answer-rate setting is only where the dialer's own estimate
     * starts (a prior it learns from): the cautious estimate of the truth,
     * when it has moved */
    double ar = fmin(fmax(p_hi, c->min_answer_rate), c->max_answer_rate);
    if (fabs(ar - cand.answer_rate) > ANSWER_DEADBAND * cand.answer_rate)
        cand.answer_rate = ar;
    /* Lines in flight must not be what limits the team. */
    if (st->available && st->agents > 0) {
        int want = (int)ceil(1.5 * st->agents / cand.answer_rate);
        if (want > cand.max_concurrent_calls)
            cand.max_concurrent_calls = want;
    }
    if (opt_params_equal(&cand, in->current))
        return OPT_OK; /* nothing worth a write: no prediction, no gate */
    /* One prediction checks the target against the budget, the truth taken
     * as p_hi (an upper bound in the truth's uncertainty); over it, the
     * target is scaled down by the excess once (the dialer's true rate
     * follows its setting). Long enough that the simulation's own noise
     * does not decide: about as many calls as two hours of twenty agents
     * (half an hour at least, two at most). */
    int staffed = st->available && st->agents > 0 ? st->agents : 20;
    double hours = fmin(2.0, fmax(0.5, 40.0 / staffed));
    uint64_t seed = o->seed ^ (0x51ed270b27ULL * (o->cycles + 1));
    int agents = st->available ? st->agents : 0;
    opt_prediction pr;
    opt_params judged = cand; /* as it will be sent: clamped and rounded */
    opt__clamp_step(c, o->s.limit, in->current, &judged);
    opt_status rc = opt__predict_with(o, &judged, p_hi, agents, hours, seed, 0, &pr, err);
    if (rc != OPT_OK)
        return rc;
    if (pr.abandon_mean > budget && pr.abandon_mean > 0)
        cand.abandon_rate *= budget / pr.abandon_mean;
    *target = cand;
    return fit_gate(o, in, target, err);
}

const opt__policy_ops opt__policy_adaptive = {"adaptive", adaptive_init, decide, fini};
const opt__policy_ops opt__policy_oracle = {"oracle", oracle_init, decide, fini};
