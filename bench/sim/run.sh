#!/bin/sh
# bench/sim/run.sh BUILD_DIR - libdialsim against SimPy and a bare heap loop
# on the same open-loop model, in one run; then 1000 agents for 30 days.
# Prints attempts per wall second and the ratios. Needs python3-simpy.
set -eu
B=${1:-build-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
best() { # best of 3 runs of a command printing "attempts seconds ..."
    for i in 1 2 3; do "$@"; done | awk '{r = $1 / $2; if (r > m) {m = r; a = $1; s = $2}} END {printf "%d %.0f\n", a, m}'
}
set -- $(best "$B/bench/sim/bench_sim" 2000);      dial_att=$1; dial=$2
set -- $(best "$B/bench/sim/bench_sim_bare" 2000); bare_att=$1; bare=$2
set -- $(best /usr/bin/python3 "$HERE/simpy_model.py" 100); simpy_att=$1; simpy=$2
echo "open-loop model (10 agents, 0.1 dial/s, p 0.8333, ring 10 s, talk 80 s, zero patience)"
printf "  %-28s %12s attempts/s  (%s attempts)\n" "libdialsim (all statistics)" "$dial" "$dial_att"
printf "  %-28s %12s attempts/s  (%s attempts)\n" "bare heap loop (same GSL)" "$bare" "$bare_att"
printf "  %-28s %12s attempts/s  (%s attempts)\n" "SimPy" "$simpy" "$simpy_att"
awk -v d="$dial" -v b="$bare" -v s="$simpy" 'BEGIN {
    printf "  libdialsim / SimPy      = %.1fx (target >= 20x)\n", d / s
    printf "  bare loop / libdialsim  = %.2fx (target <= 2x)\n", b / d }'
echo "1000 agents, 30 simulated days, one core:"
/usr/bin/time -f "  wall %e s, max RSS %M KiB" "$B/bench/sim/bench_sim" --big 30 |
    awk '{printf "  %d attempts, abandon rate %.4f\n", $1, $3}'
/usr/bin/time -f "  (3 days for comparison: wall %e s, max RSS %M KiB)" "$B/bench/sim/bench_sim" --big 3 >/dev/null
