#!/bin/sh
# bench/policies/run.sh [BUILD_DIR] [SEEDS] [PROFILE] - outcome quality:
# every scenario of the library under do-nothing (the campaign's starting
# settings on dialsim's predictive pacer, left alone), static (the seed's
# settings, opt_params_seed_target, on the same pacer), vicidial (the campaign
# run by VICIdial's own adaptive dialer, left alone), adaptive and oracle,
# with the same SEEDS (20) seeds each, side by side: the worst regulatory
# window over all seeds (the truth, as a regulator counts), mean and minimum
# occupancy. Then, per scenario, adaptive's occupancy minus each baseline's.
set -eu
B=${1:-build}
SEEDS=${2:-20}
PROFILE=${3:-seed}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
for f in "$ROOT"/scenarios/*.json; do
    case $f in */schema.json) continue ;; esac
    "$B/optimizer/cxopt" compare "$f" --policies do-nothing,static,vicidial,adaptive,oracle --seeds "$SEEDS" \
        --profile "$PROFILE" --json >"$out.$(basename "$f")" || true
done
python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
rows = []
print("%-22s %-10s %8s %8s %8s %7s" % ("scenario", "policy", "worst %", "occup %", "min occ", "passed"))
for path in sorted(glob.glob(out + ".*.json")):
    runs = json.load(open(path))
    name = os.path.basename(path)[len(os.path.basename(out)) + 1:-5]
    occ = {}
    for pol in ("do-nothing", "static", "vicidial", "adaptive", "oracle"):
        rs = [r for r in runs if r["policy"] == pol]
        if not rs:
            continue
        o = [r["occupancy"] for r in rs]
        occ[pol] = sum(o) / len(o)
        print("%-22s %-10s %8.2f %8.1f %8.1f %4d/%d" % (name, pol,
              100 * max(r["maxWindowAbandonRate"] for r in rs), 100 * occ[pol], 100 * min(o),
              sum(r["passed"] for r in rs), len(rs)))
    rows.append((name, occ))
print()
print("%-22s %19s %18s %18s" % ("scenario", "adaptive-do-nothing", "adaptive-vicidial",
                                 "adaptive-oracle"))
for name, occ in rows:
    print("%-22s %18.2f%% %17.2f%% %17.2f%%" % (name, 100 * (occ["adaptive"] - occ["do-nothing"]),
          100 * (occ["adaptive"] - occ["vicidial"]), 100 * (occ["adaptive"] - occ["oracle"])))
PY
rm -f "$out" "$out".*
