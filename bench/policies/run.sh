#!/bin/sh
# bench/policies/run.sh [BUILD_DIR] [SEEDS] [PROFILE] [KEEP_DIR] - outcome
# quality: every scenario of the library under do-nothing (the campaign's
# starting settings on dialsim's predictive pacer, left alone), static (the
# seed's settings, opt_params_seed_target, on the same pacer), vicidial (the
# campaign run by VICIdial's own adaptive dialer, left alone), adaptive and
# oracle, with the same SEEDS (20) seeds each, side by side. Per scenario and
# policy: the worst regulatory window (the truth, as a regulator counts) as
# the mean over seeds of each run's worst with its 95% interval (Student's t
# over the seeds) and the worst of all seeds; the mean occupancy with its 95%
# interval; how many runs met every expectation. Then adaptive's occupancy
# gain over each baseline, paired seed by seed (mean and 95% interval, and
# the smallest gain over do-nothing, from which a scenario's
# minOccupancyGainOverDoNothing is set). Scenarios run JOBS (2) at a time;
# KEEP_DIR keeps each scenario's `cxopt compare --json`.
set -eu
B=${1:-build}
SEEDS=${2:-20}
PROFILE=${3:-seed}
KEEP=${4:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ls "$ROOT"/scenarios/*.json | grep -v '/schema\.json$' |
    xargs -P "${JOBS:-2}" -I{} sh -c '"$1/optimizer/cxopt" compare "$2" \
        --policies do-nothing,static,vicidial,adaptive,oracle --seeds "$3" --profile "$4" \
        --json --quiet >"$5/$(basename "$2")" || true' sh "$B" {} "$SEEDS" "$PROFILE" "$out"
[ -n "$KEEP" ] && mkdir -p "$KEEP" && cp "$out"/*.json "$KEEP"/
python3 - "$out" <<'PY'
import glob, json, math, os, sys
from statistics import mean, stdev
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 14: 2.145, 19: 2.093, 29: 2.045}
def half(xs):
    n = len(xs)
    if n < 2:
        return float("nan")
    t = T975.get(n - 1) or T975[max(k for k in T975 if k <= n - 1)]
    return t * stdev(xs) / math.sqrt(n)
POLS = ("do-nothing", "static", "vicidial", "adaptive", "oracle")
print("%-22s %-10s %17s %8s %16s %7s" % ("scenario", "policy", "worst % (95% CI)", "max %",
                                         "occup % (95% CI)", "passed"))
gains = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    name = os.path.basename(path)[:-5]
    try:
        runs = json.load(open(path))
    except ValueError:
        print("%-22s (no result: cxopt compare failed)" % name)
        continue
    by = {}
    for pol in POLS:
        rs = sorted((r for r in runs if r["policy"] == pol), key=lambda r: r["seed"])
        if not rs:
            continue
        by[pol] = rs
        w = [100 * r["maxWindowAbandonRate"] for r in rs]
        o = [100 * r["occupancy"] for r in rs]
        print("%-22s %-10s %7.2f +- %-6.2f %8.2f %6.1f +- %-5.1f %4d/%d" % (
            name, pol, mean(w), half(w), max(w), mean(o), half(o),
            sum(r["passed"] for r in rs), len(rs)))
    g = {}
    for base in ("do-nothing", "static", "vicidial", "oracle"):
        if "adaptive" in by and base in by:
            d = [100 * (a["occupancy"] - b["occupancy"])
                 for a, b in zip(by["adaptive"], by[base]) if a["seed"] == b["seed"]]
            g[base] = d
    gains.append((name, g))
print()
print("adaptive's occupancy minus each baseline's, points, paired by seed (mean +- 95%; min)")
print("%-22s %20s %16s %16s %16s" % ("scenario", "do-nothing (min)", "static", "vicidial",
                                     "oracle"))
for name, g in gains:
    def cell(k, with_min=False):
        d = g.get(k)
        if not d:
            return "-"
        s = "%+.2f +- %.2f" % (mean(d), half(d))
        return s + (" (%+.2f)" % min(d) if with_min else "")
    print("%-22s %20s %16s %16s %16s" % (name, cell("do-nothing", True), cell("static"),
                                         cell("vicidial"), cell("oracle")))
PY
