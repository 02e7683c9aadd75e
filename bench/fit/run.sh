#!/bin/sh
# bench/fit/run.sh - `dialsim fit` against pandas + scipy doing the same fits
# (hourly shares with Wilson intervals; ring, talk and wrap by maximum
# likelihood among exponential, gamma, lognormal and Weibull with AIC and
# KS; Kaplan-Meier and the censored exponential; AMD rates; agents per
# hour) on the same records file, in one run; then dialsim fit alone on a
# larger file, with its peak memory.
#
#   bench/fit/run.sh [BUILD_DIR] [PEER_RECORDS] [BIG_RECORDS]
#
# Defaults: build, 2,000,000 records for the comparison (pandas holds them
# all in memory), 10,000,000 for dialsim alone. Needs python3-pandas and
# python3-scipy (bench only). Prints figures; asserts nothing.
set -eu
BUILD=${1:-build}
PEER_N=${2:-2000000}
BIG_N=${3:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
DIALSIM=$BUILD/sim/dialsim
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# records: one 8-hour shift of 100 agents gives about 300,000 attempts
records() { # N FILE
    reps=$(( ($1 + 299999) / 300000 ))
    cat > "$TMP/cfg.json" <<JSON
{"campaign":{"agents":100,"liveAnswerProbability":{"profile":[{"hour":0,"value":0.2},
 {"hour":3,"value":0.15},{"hour":6,"value":0.25}],"interpolate":"step"},
 "machineProbability":0.25,"busyProbability":0.05,
 "amd":{"detection":0.85,"falsePositive":0.02},
 "ringTime":{"dist":"lognormal","mean":9,"sd":4},"talkTime":{"dist":"gamma","mean":120,"sd":60},
 "wrapTime":{"dist":"weibull","shape":1.5,"scale":15},"noAnswerTimeout":25},
 "dialer":{"answerRate":0.2,"abandonRate":0.03,"maxConcurrentCalls":1000},
 "hours":8,"seed":1,"replications":$reps,"intervalMinutes":480}
JSON
    "$DIALSIM" run "$TMP/cfg.json" --records "$TMP/all.csv" > /dev/null
    head -n $(( $1 + 1 )) "$TMP/all.csv" > "$2"
    rm -f "$TMP/all.csv"
}

secs() { python3 -c 'import time; print(time.perf_counter())'; }

records "$PEER_N" "$TMP/peer.csv"
n=$(( $(wc -l < "$TMP/peer.csv") - 1 ))
cat "$TMP/peer.csv" > /dev/null # warm the page cache for both
t0=$(secs)
"$DIALSIM" fit "$TMP/peer.csv" --out "$TMP/m.json" --report "$TMP/r.json"
t1=$(secs)
python3 "$HERE/fit_pandas.py" "$TMP/peer.csv"
t2=$(secs)
python3 - "$n" "$t0" "$t1" "$t2" <<'PY'
import sys
n, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
c, p = t1 - t0, t2 - t1
print(f"{n} records: dialsim fit {c:.2f} s ({n / c / 1e6:.2f} M records/s), "
      f"pandas+scipy {p:.2f} s ({n / p / 1e6:.3f} M records/s): dialsim fit is {p / c:.1f}x faster")
PY
rm -f "$TMP/peer.csv"

records "$BIG_N" "$TMP/big.csv"
n=$(( $(wc -l < "$TMP/big.csv") - 1 ))
cat "$TMP/big.csv" > /dev/null
/usr/bin/time -f "%e %M" -o "$TMP/time" "$DIALSIM" fit "$TMP/big.csv" --out "$TMP/m.json" \
    --report "$TMP/r.json"
read -r s kb < "$TMP/time"
python3 -c "import sys; n,s,kb=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); \
print(f'{n} records ({sys.argv[4]} bytes): dialsim fit {s:.2f} s, {n/s/1e6:.2f} M records/s, peak memory {kb/1024:.1f} MiB')" \
    "$n" "$s" "$kb" "$(stat -c %s "$TMP/big.csv")"
