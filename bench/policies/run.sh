#!/bin/sh
# bench/policies/run.sh [BUILD_DIR] [SEEDS] [PROFILE] - issue 5's outcome
# quality: every scenario of the library under adaptive, vicidial and
# oracle with the same SEEDS (20) seeds each, side by side: the worst
# regulatory window over all seeds, mean and minimum occupancy. Then, per
# scenario, adaptive's occupancy minus VICIdial's and minus the oracle's.
set -eu
B=${1:-build}
SEEDS=${2:-20}
PROFILE=${3:-seed}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
for f in "$ROOT"/scenarios/*.json; do
    case $f in */schema.json) continue ;; esac
    "$B/optimizer/cxopt" compare "$f" --policies adaptive,vicidial,oracle --seeds "$SEEDS" \
        --profile "$PROFILE" --json >"$out.$(basename "$f")" || true
done
python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
rows = []
print("%-22s %-9s %8s %8s %8s %7s" % ("scenario", "policy", "worst %", "occup %", "min occ", "passed"))
for path in sorted(glob.glob(out + ".*.json")):
    runs = json.load(open(path))
    name = os.path.basename(path)[len(os.path.basename(out)) + 1:-5]
    occ = {}
    for pol in ("adaptive", "vicidial", "oracle"):
        rs = [r for r in runs if r["policy"] == pol]
        if not rs:
            continue
        o = [r["occupancy"] for r in rs]
        occ[pol] = sum(o) / len(o)
        print("%-22s %-9s %8.2f %8.1f %8.1f %4d/%d" % (name, pol,
              100 * max(r["maxWindowAbandonRate"] for r in rs), 100 * occ[pol], 100 * min(o),
              sum(r["passed"] for r in rs), len(rs)))
    rows.append((name, occ))
print()
print("%-22s %18s %18s" % ("scenario", "adaptive-vicidial", "adaptive-oracle"))
for name, occ in rows:
    print("%-22s %17.2f%% %17.2f%%" % (name, 100 * (occ["adaptive"] - occ["vicidial"]),
          100 * (occ["adaptive"] - occ["oracle"])))
PY
rm -f "$out" "$out".*
