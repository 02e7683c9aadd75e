#!/bin/sh
# bench/sim/run.sh BUILD_DIR - libdialsim against SimPy and a bare GSL heap
# loop on the same open-loop model, in one run:
#   - in-process: bench_sim (sim_run with every statistic: batches, series,
#     histogram) against bench_sim_bare, 2,000 simulated hours, best of 5;
#   - whole process: `dialsim run CONFIG --json` of 20,000 simulated hours
#     (start-up, config, run and the streamed report with its 80,000-point
#     series included) against the bare loop's whole process for the same
#     hours, best of 5;
#   - SimPy 2.3 (python3-simpy), 100 hours;
# Times are CPU seconds of one core (each side is one thread): this 2-core
# machine is shared, and wall time measured the neighbours as much as the
# code. Then dialsim's peak memory at 2,000 and 20,000 hours, with the default
# 15-minute series and with none (intervalMinutes 0); then 1000 agents for
# 30 days. Prints attempts per second and the ratios. Needs python3-simpy.
set -eu
B=${1:-build-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/cxbench-sim-XXXXXX)
trap 'rm -rf "$W"' EXIT
best() { # best of 5 runs of a command printing "attempts seconds ..."
    for i in 1 2 3 4 5; do "$@"; done | awk '{r = $1 / $2; if (r > m) {m = r; a = $1; s = $2}} END {printf "%d %.0f\n", a, m}'
}
config() { # config HOURS INTERVAL_MINUTES: the open-loop model as a dialsim config
    printf '{"campaign":{"agents":10,"liveAnswerProbability":0.8333,"ringTime":{"dist":"exponential","mean":10},"talkTime":{"dist":"exponential","mean":80},"wrapTime":0,"abandonThreshold":0},"dialer":{"strategy":"fixed-rate","dialRate":0.1,"maxConcurrentCalls":1000000,"callInterval":0},"hours":%s,"seed":1,"intervalMinutes":%s}\n' "$1" "$2"
}
whole() { # whole CMD...: "attempts seconds" of a whole process (its CPU time, start-up included)
    /usr/bin/time -f "%U %S" -o "$W/time" "$@" > "$W/out"
    att=$(awk '/"attempts":/ {gsub(/[^0-9.]/, "", $2); print $2; exit} NR == 1 && $1 ~ /^[0-9]+$/ {print $1; exit}' "$W/out")
    echo "$att $(awk '{print $1 + $2}' "$W/time")"
}
config 20000 15 > "$W/20000.json"
set -- $(best "$B/bench/sim/bench_sim" 2000);      dial_att=$1; dial=$2
set -- $(best "$B/bench/sim/bench_sim_bare" 2000); bare_att=$1; bare=$2
set -- $(best whole "$B/sim/dialsim" run "$W/20000.json" --json); wdial_att=$1; wdial=$2
set -- $(best whole "$B/bench/sim/bench_sim_bare" 20000);         wbare_att=$1; wbare=$2
set -- $(best /usr/bin/python3 "$HERE/simpy_model.py" 100); simpy_att=$1; simpy=$2
echo "open-loop model (10 agents, 0.1 dial/s, p 0.8333, ring 10 s, talk 80 s, zero patience)"
echo " in-process, 2,000 simulated hours:"
printf "  %-34s %12s attempts/s  (%s attempts)\n" "libdialsim (all statistics)" "$dial" "$dial_att"
printf "  %-34s %12s attempts/s  (%s attempts)\n" "bare heap loop (same GSL)" "$bare" "$bare_att"
printf "  %-34s %12s attempts/s  (%s attempts)\n" "SimPy (100 h)" "$simpy" "$simpy_att"
echo " whole process, 20,000 simulated hours:"
printf "  %-34s %12s attempts/s  (%s attempts)\n" "dialsim run CONFIG --json" "$wdial" "$wdial_att"
printf "  %-34s %12s attempts/s  (%s attempts)\n" "bare heap loop's process" "$wbare" "$wbare_att"
awk -v d="$dial" -v b="$bare" -v s="$simpy" -v wd="$wdial" -v wb="$wbare" 'BEGIN {
    printf "  libdialsim / bare loop  = %.2f in-process, %.2f whole process (target >= 0.8)\n", d / b, wd / wb
    printf "  libdialsim / SimPy      = %.1fx (target >= 25x)\n", d / s }'
echo "dialsim run --json, peak memory (max RSS):"
for h in 2000 20000; do
    for iv in 15 0; do
        config $h $iv > "$W/m.json"
        /usr/bin/time -f "%M" -o "$W/rss" "$B/sim/dialsim" run "$W/m.json" --json > /dev/null
        printf "  %6s h, intervalMinutes %2s: %6s KiB\n" "$h" "$iv" "$(cat "$W/rss")"
    done
done
echo "1000 agents, 30 simulated days, one core:"
/usr/bin/time -f "  wall %e s, max RSS %M KiB" "$B/bench/sim/bench_sim" --big 30 |
    awk '{printf "  %d attempts, abandon rate %.4f\n", $1, $3}'
/usr/bin/time -f "  (3 days for comparison: wall %e s, max RSS %M KiB)" "$B/bench/sim/bench_sim" --big 3 >/dev/null
