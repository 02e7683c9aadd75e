#!/bin/sh
# bench/par/scaling.sh BUILD [REPEATS] - dialsim sweep's wall time on 1, 2, 4
# and 8 MPI ranks (--oversubscribe, one thread per rank), the speed-up as
# ratios of the same run, and the per-run cost behind the README's
# projection. Each rank count runs REPEATS times (default 3), interleaved,
# and the median is kept, so load from other work lands on every count.
# The grid: 16 abandon-rate settings x 4 replications of 48 simulated hours
# of the 50-agent example campaign (64 runs); every rank count writes the
# same CSV (checked: cmp).
set -eu
BUILD=${1:?usage: scaling.sh BUILD [REPEATS]}
REPEATS=${2:-3}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/cx-scaling.XXXXXX")
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
POINTS=16 REPS=4 HOURS=48
sweep() { # sweep RANKS OUT
    timed "$1" mpirun --oversubscribe -n "$1" "$BUILD/sim/dialsim" sweep "$SRC/sim/examples/abandon-sweep.json" \
        --vary dialer.abandonRate=0.005:0.05:0.003 --vary hours=$HOURS:$HOURS:1 \
        --replications $REPS --threads 1 --quiet --out "$2"
}
# timed LABEL CMD...: appends "LABEL wall cpu" (cpu: user + system of every
# process the command waited for, the ranks included)
timed() {
    label=$1
    shift
    python3 - "$@" >>"$T/times" <<PY
import resource, subprocess, sys, time
t0 = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("$label", time.monotonic() - t0, ru.ru_utime + ru.ru_stime)
PY
}
# start-up: mpirun and one rank's sweep of one point of 6 simulated minutes
startup() {
    timed s mpirun --oversubscribe -n 1 "$BUILD/sim/dialsim" sweep \
        "$SRC/sim/examples/abandon-sweep.json" --vary hours=0.1:0.1:1 --replications 1 \
        --threads 1 --quiet --out "$T/s0.csv"
}
echo "cores online: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$REPEATS"); do
    startup
    for n in 1 2 4 8; do
        sweep $n "$T/out$n.csv"
    done
done
for n in 2 4 8; do
    cmp -s "$T/out1.csv" "$T/out$n.csv" || { echo "the CSV of $n ranks differs" >&2; exit 1; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# median LABEL [FIELD]: FIELD 2 wall (default), 3 CPU
median() { grep "^$1 " "$T/times" | cut -d' ' -f"${2:-2}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t1=$(median 1)
runs=$((POINTS * REPS))
printf 'ranks  wall s (median of %s)  speed-up  CPU s (all ranks)\n' "$REPEATS"
for n in 1 2 4 8; do
    tn=$(median $n)
    printf '%5d  %22.2f  %7.2fx  %17.2f\n' "$n" "$tn" "$(echo "$t1 / $tn" | bc -l)" "$(median $n 3)"
done
s0=$(median s)
# the cost of a run in CPU seconds: what a dedicated core spends on it (the
# wall clock of this machine is shared with other work)
c=$(echo "($(median 1 3) - $(median s 3)) / $runs" | bc -l)
printf 'start-up s0 (mpirun -n 1, a 6-minute sweep) = %.2f s wall\n' "$s0"
printf 'per-run cost c = (CPU(1 rank) - CPU(start-up)) / %d runs = %.4f s\n' "$runs" "$c"
printf 'projection T(P) = s0 + ceil(G / P) x R x c (G grid points, R replications, one point per rank at a time)\n'
printf '  this grid on 64 cores: %.2f s\n' "$(echo "$s0 + 1 * $REPS * $c" | bc -l)"
# the issue's study: 30 simulated days of a 150-agent campaign per run
python3 -c "
import json, sys
c = json.load(open(sys.argv[1]))
c['campaign']['agents'] = 150
c.update(hours=720, replications=1, intervalMinutes=1440)
json.dump(c, open(sys.argv[2], 'w'))" "$SRC/sim/examples/abandon-sweep.json" "$T/month.json"
timed m "$BUILD/sim/dialsim" run "$T/month.json" --json --threads 1
cm=$(median m 3)
printf 'one run of 30 simulated days, 150 agents: %.2f s CPU (%.2f s wall)\n' "$cm" "$(median m)"
printf '  10^5 grid points (5 keys x 10 values) x 20 replications: %.0f h on one core, %.1f h on 64\n' \
    "$(echo "100000 * 20 * $cm / 3600" | bc -l)" "$(echo "($s0 + 1563 * 20 * $cm) / 3600" | bc -l)"
