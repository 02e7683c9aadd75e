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
PY=${PYTHON:-/usr/bin/python3} # Debian's, with its python3-pandas and python3-scipy
HERE=$(cd "$(dirname "$0")" && pwd)
DIALSIM=$BUILD/sim/dialsim
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# records: one 8-hour shift of 100 agents gives about 100,000 attempts
records() { # N FILE
    reps=$(( $1 / 95000 + 1 ))
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

secs() { date +%s.%N; }

records "$PEER_N" "$TMP/peer.csv"
n=$(( $(wc -l < "$TMP/peer.csv") - 1 ))
cat "$TMP/peer.csv" > /dev/null # warm the page cache for both
t0=$(secs)
"$DIALSIM" fit "$TMP/peer.csv" --out "$TMP/m.json" --report "$TMP/r.json"
t1=$(secs)
"$PY" "$HERE/fit_pandas.py" "$TMP/peer.csv"
t2=$(secs)
awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
    c = t1 - t0; p = t2 - t1
    printf "%d records, wall time of each program: dialsim fit %.2f s (%.2f M records/s), " \
           "pandas+scipy %.2f s (%.3f M records/s, imports included): ratio %.1f\n",
           n, c, n / c / 1e6, p, n / p / 1e6, p / c }'
rm -f "$TMP/peer.csv"

records "$BIG_N" "$TMP/big.csv"
n=$(( $(wc -l < "$TMP/big.csv") - 1 ))
cat "$TMP/big.csv" > /dev/null
/usr/bin/time -f "%e %U %M" -o "$TMP/time" "$DIALSIM" fit "$TMP/big.csv" --out "$TMP/m.json" \
    --report "$TMP/r.json"
read -r s u kb < "$TMP/time"
awk -v n="$n" -v s="$s" -v u="$u" -v kb="$kb" -v b="$(stat -c %s "$TMP/big.csv")" 'BEGIN {
    printf "%d records (%d bytes): dialsim fit %.2f s wall (%.2f M records/s), %.2f s of CPU " \
           "(%.2f M records/s on one core), peak memory %.1f MiB\n",
           n, b, s, n / s / 1e6, u, n / u / 1e6, kb / 1024 }'
