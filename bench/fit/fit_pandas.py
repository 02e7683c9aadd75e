#!/usr/bin/env python3
"""The peer of `dialsim fit` for bench/fit/run.sh: the same fits with pandas
and scipy on a dialsim records file (Debian python3-pandas, python3-scipy;
bench only, never a build dependency). Prints a short summary."""
import sys, time
import numpy as np
import pandas as pd
from scipy import stats

Z = 1.959963984540054


def wilson(k, n):
    p = k / n
    c = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    w = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return p, c - w, c + w


def fit_duration(x):
    x = np.maximum(np.asarray(x, dtype=float), 0.0005)
    best = None
    for name, dist in (("exponential", stats.expon), ("gamma", stats.gamma),
                       ("lognormal", stats.lognorm), ("weibull", stats.weibull_min)):
        params = dist.fit(x, floc=0)
        ll = np.sum(dist.logpdf(x, *params))
        k = 1 if name == "exponential" else 2
        aic = 2 * k - 2 * ll
        ks = stats.kstest(x, dist.cdf, args=params).statistic
        if best is None or aic < best[1]:
            best = (name, aic, ks, params)
    return best


def main(path):
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    out = {}
    counts = df.groupby(["hour", "outcome"]).size().unstack(fill_value=0)
    n = counts.sum(axis=1)
    out["live"] = [wilson(counts.loc[h, "live"], n[h]) for h in counts.index]
    answered = df[df.outcome.isin(["live", "machine"])]
    live = df[df.outcome == "live"]
    out["ring"] = fit_duration(answered.ring)
    out["talk"] = fit_duration(live.talk.dropna())
    out["wrap"] = fit_duration(live.wrap.dropna())
    waits = df[df.wait.notna() & (df.amd != "machine")]
    ev = waits.abandoned.to_numpy() == 1
    w = waits.wait.to_numpy()
    order = np.argsort(w, kind="stable")
    w, ev = w[order], ev[order]
    at_risk = len(w) - np.arange(len(w))
    km = np.cumprod(1 - ev / at_risk)           # Kaplan-Meier
    out["patience_mean_exp"] = w.sum() / max(ev.sum(), 1)  # censored exponential MLE
    a = answered[answered.amd != "none"]
    out["amd_detection"] = wilson(((a.outcome == "machine") & (a.amd == "machine")).sum(),
                                  (a.outcome == "machine").sum())
    out["amd_fp"] = wilson(((a.outcome == "live") & (a.amd == "machine")).sum(),
                           (a.outcome == "live").sum())
    ag = df[df.agent.notna()]
    out["agents"] = ag.groupby((ag.start // 3600).astype(int)).agent.nunique().mean()
    t2 = time.perf_counter()
    print(f"pandas+scipy: {len(df)} rows, read {t1 - t0:.2f} s, fits {t2 - t1:.2f} s, "
          f"total {t2 - t0:.2f} s; talk {out['talk'][0]}, ring {out['ring'][0]}, "
          f"wrap {out['wrap'][0]}, KM at the end {km[-1]:.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
