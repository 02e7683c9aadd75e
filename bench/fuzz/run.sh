#!/bin/sh
# bench/fuzz/run.sh [SECONDS] [BUILD_DIR] - runs every libFuzzer target for
# SECONDS (default 300, issue 7's five minutes), two at a time, and prints
# per target: executions, executions/s, new inputs, peak RSS, and the
# verdict. Builds the fuzz build (clang) when missing. Findings are kept in
# bench/fuzz/findings/<target>/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-300}
build=${2:-$root/build-fuzz}
if [ ! -x "$build/tests/fuzz/fuzz_scenario" ]; then
    CC=clang-14 cmake -S "$root" -B "$build" -DCX_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j "$(nproc)" >/dev/null
logs=$(mktemp -d)
targets=$(cd "$build/tests/fuzz" && ls fuzz_* | grep -v '\.' )
run_one() {
    t=$1
    dict=""
    case $t in
    fuzz_mock_http) dict=$root/tests/fuzz/http.dict ;;
    fuzz_retry_after) ;;
    *) dict=$root/tests/fuzz/json.dict ;;
    esac
    mkdir -p "$here/findings/$t"
    CX_FUZZ_ARTIFACTS=$here/findings/$t sh "$root/tests/fuzz/fuzz.sh" \
        "$build/tests/fuzz/$t" "$root/tests/fuzz/corpus/$t" "$secs" $dict >"$logs/$t.log" 2>&1 &&
        echo ok >"$logs/$t.verdict" || echo FINDING >"$logs/$t.verdict"
}
set -- $targets
while [ $# -gt 0 ]; do
    run_one "$1" &
    if [ $# -gt 1 ]; then run_one "$2" & shift; fi
    shift
    wait
done
printf '%-18s %8s %12s %10s %8s %8s  %s\n' target seconds executions exec/s new rss_mb verdict
for t in $targets; do
    stat() { sed -n "s/^stat::$1: *//p" "$logs/$t.log" | tail -1; }
    printf '%-18s %8s %12s %10s %8s %8s  %s\n' "$t" "$secs" "$(stat number_of_executed_units)" \
        "$(stat average_exec_per_sec)" "$(stat new_units_added)" "$(stat peak_rss_mb)" \
        "$(cat "$logs/$t.verdict")"
done
echo "logs: $logs"
! grep -q FINDING "$logs"/*.verdict
