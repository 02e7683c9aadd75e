#!/bin/sh
# check_parallel.sh BUILD SRC CASE - the parallel map as its users meet it
# (issue 16): results that do not depend on the number of workers, threads
# or MPI ranks, and CI shards that merge into one run.
#
#   threads      dialsim sweep --threads 1 and 4: the same CSV and plot, byte
#                for byte; cxopt run --jobs 1 and 4: the same JUnit, JSON and
#                HTML report;
#                cxopt compare --jobs 1 and 4: the same table and plot
#   shards       cxopt run --shard K/N for N = 3 and 7 (more shards than
#                scenarios: some are empty), merged with cxopt merge, equal
#                one run; bad --shard values and bad merge inputs exit 2
#   mpi-sweep    mpirun -n 3 dialsim sweep: the single process's CSV and plot
#   mpi-compare  mpirun -n 3 cxopt compare: the same table and plot
#   mpi-run      mpirun -n 3 cxopt run: the same table's verdicts, JUnit, JSON
#                and HTML report; a scenario failing on a rank fails the job
#   mpi-refused  (a build without MPI) mpirun -n 3 dialsim or cxopt: refused,
#                exit 2, nothing written
#
# Byte for byte, except the fields that measure wall time, which no two runs
# share (JUnit's time="..." and the JSON's latencyMs p50/p95/p99): those are
# blanked in both files before the comparison, nothing else.
set -eu
BUILD=$1
SRC=$2
CASE=$3
DIALSIM=$BUILD/sim/dialsim
CXOPT=$BUILD/optimizer/cxopt
T=$(mktemp -d "${TMPDIR:-/tmp}/cx-par.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same() { # same A B WHAT: byte-identical
    cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 >&2; fail "$3: $1 and $2 differ"; }
}
nowall() { sed -E 's/time="[0-9.]+"/time="-"/g; s/"p(50|95|99)":[[:space:]]+[0-9.e+-]+/"p\1": -/g' "$1"; }
same_but_wall() { # same_but_wall A B WHAT
    nowall "$1" >"$1.n"
    nowall "$2" >"$2.n"
    same "$1.n" "$2.n" "$3 (wall-time fields blanked)"
}
# Five small scenarios (the runner's tiny one with other names, seeds and
# lengths), so the checks take seconds and do not hang on the library's.
LIB=$T/lib
mkdir "$LIB"
for i in 1 2 3 4 5; do
    sed -e "s/\"name\": \"tiny\"/\"name\": \"tiny-$i\"/" -e "s/\"seed\": 3/\"seed\": $((i * 7))/" \
        -e "s/\"count\": 6/\"count\": $((4 + i))/" "$SRC/tests/scenarios/data/tiny.json" \
        >"$LIB/tiny-$i.json"
done
grep -q '"name": "tiny-5"' "$LIB/tiny-5.json" || fail "tiny.json changed shape: re-point this test"
SWEEP="$SRC/tests/sim/data/sweep.json --vary dialer.answerRate=0.6:0.8:0.1 --vary campaign.agents=10:30:10 --replications 3"
MPIRUN="mpirun --oversubscribe -n 3"
if [ "$(id -u)" = 0 ]; then # CI runs as root; OpenMPI refuses that unless told
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

run_lib() { # run_lib OUTPREFIX [ARGS...]: JUnit, JSON and the HTML report
    p=$1
    shift
    rc=0
    "$@" run "$LIB" --quiet --junit "$p.xml" --report "$p.report" --json >"$p.json" || rc=$?
    [ "$rc" = 0 ] || fail "$* run: exit $rc"
    [ -s "$p.report/index.html" ] || fail "$* run: no report"
}
same_dir() { # same_dir A B WHAT: every file byte-identical
    diff -r "$1" "$2" >"$T/dirdiff" || { head -20 "$T/dirdiff" >&2; fail "$3: $1 and $2 differ"; }
}

case $CASE in
threads)
    # shellcheck disable=SC2086
    "$DIALSIM" sweep $SWEEP --quiet --threads 1 --out "$T/one.csv" --plot "$T/one.svg"
    # shellcheck disable=SC2086
    "$DIALSIM" sweep $SWEEP --quiet --threads 4 --out "$T/four.csv" --plot "$T/four.svg"
    same "$T/one.csv" "$T/four.csv" "sweep CSV, 1 and 4 threads"
    same "$T/one.svg" "$T/four.svg" "sweep plot, 1 and 4 threads"
    [ "$(wc -l <"$T/one.csv")" = 10 ] || fail "sweep: expected 9 points and a header"
    run_lib "$T/j1" "$CXOPT" --jobs 1
    run_lib "$T/j4" "$CXOPT" --jobs 4
    same_but_wall "$T/j1.xml" "$T/j4.xml" "run JUnit, 1 and 4 jobs"
    same_but_wall "$T/j1.json" "$T/j4.json" "run JSON, 1 and 4 jobs"
    same_dir "$T/j1.report" "$T/j4.report" "run HTML report, 1 and 4 jobs"
    [ "$(grep -c '<testcase' "$T/j1.xml")" = 5 ] || fail "run: expected 5 testcases"
    for j in 1 4; do
        "$CXOPT" compare "$LIB/tiny-2.json" --policies adaptive,do-nothing --seeds 3 --jobs $j \
            --quiet --plot "$T/c$j.svg" | sed "s/c$j.svg/c.svg/" >"$T/c$j.txt"
    done
    same "$T/c1.txt" "$T/c4.txt" "compare table, 1 and 4 jobs"
    same "$T/c1.svg" "$T/c4.svg" "compare plot, 1 and 4 jobs"
    grep -q '3/3' "$T/c1.txt" || fail "compare: no row with 3 seeds"
    ;;
shards)
    run_lib "$T/one" "$CXOPT"
    for n in 3 7; do
        k=1
        jsons="" xmls=""
        while [ $k -le $n ]; do
            "$CXOPT" run "$LIB" --quiet --shard $k/$n --junit "$T/s$k.xml" --json >"$T/s$k.json" ||
                fail "run --shard $k/$n failed"
            jsons="$jsons $T/s$k.json"
            xmls="$xmls $T/s$k.xml"
            k=$((k + 1))
        done
        # shellcheck disable=SC2086
        "$CXOPT" merge $jsons --out "$T/m$n.json" || fail "merge of $n JSON shards: exit $?"
        # shellcheck disable=SC2086
        "$CXOPT" merge $xmls >"$T/m$n.xml" || fail "merge of $n JUnit shards: exit $?"
        same_but_wall "$T/one.json" "$T/m$n.json" "$n JSON shards merged against one run"
        same_but_wall "$T/one.xml" "$T/m$n.xml" "$n JUnit shards merged against one run"
    done
    # shards are disjoint: 7 shards of 5 scenarios leave two empty
    [ "$(grep -c '<testcase' "$T/s1.xml")" = 0 ] || fail "shard 1/7 of 5 should be empty"
    for bad in 0/3 4/3 3 a/b 1/0 2/-1 1/3x ' 1/3' 1/10001; do
        rc=0
        "$CXOPT" run "$LIB" --quiet --shard "$bad" >"$T/out" 2>"$T/err" || rc=$?
        [ "$rc" = 2 ] || fail "--shard '$bad': exit $rc, want 2"
        grep -q -- "--shard" "$T/err" || fail "--shard '$bad': the error does not name --shard"
        [ ! -s "$T/out" ] || fail "--shard '$bad': something ran"
    done
    # a failing scenario: its shard exits 1, and so does the merge, which
    # keeps its <failure> and counts it
    cp "$SRC/tests/scenarios/data/unreachable.json" "$LIB/tiny-3.json"
    for k in 1 2; do
        rc=0
        "$CXOPT" run "$LIB" --quiet --shard $k/2 --junit "$T/f$k.xml" >/dev/null || rc=$?
        [ "$rc" = $((k - 1)) ] || fail "shard $k/2 with the failing scenario: exit $rc"
    done
    rc=0
    "$CXOPT" merge "$T/f1.xml" "$T/f2.xml" --out "$T/f.xml" || rc=$?
    [ "$rc" = 1 ] || fail "merge of a failing shard: exit $rc, want 1"
    grep -q '<testsuites tests="5" failures="1"' "$T/f.xml" || fail "merged totals: $(head -2 "$T/f.xml")"
    grep -q '<failure message="minApplied' "$T/f.xml" || fail "the merge lost the failure"
    rc=0
    "$CXOPT" compare "$LIB/tiny-1.json" --shard 1/2 2>"$T/err" || rc=$?
    [ "$rc" = 2 ] && grep -q 'is for run' "$T/err" || fail "compare --shard: exit $rc"
    rc=0
    "$CXOPT" merge "$T/s2.json" "$T/s2.xml" 2>"$T/err" || rc=$?
    [ "$rc" = 2 ] && grep -q 'one kind at a time' "$T/err" || fail "mixed merge: exit $rc"
    echo '{"not": "a report"}' >"$T/bad.json"
    rc=0
    "$CXOPT" merge "$T/bad.json" 2>"$T/err" || rc=$?
    [ "$rc" = 2 ] && grep -q 'bad.json' "$T/err" || fail "merge of a non-report: exit $rc"
    ;;
mpi-sweep)
    # shellcheck disable=SC2086
    "$DIALSIM" sweep $SWEEP --quiet --out "$T/one.csv" --plot "$T/one.svg"
    # shellcheck disable=SC2086
    $MPIRUN "$DIALSIM" sweep $SWEEP --out "$T/mpi.csv" --plot "$T/mpi.svg" >"$T/out"
    grep -q 'spread over 3 MPI ranks' "$T/out" || fail "the sweep did not run on 3 ranks: $(cat "$T/out")"
    same "$T/one.csv" "$T/mpi.csv" "sweep CSV, one process and 3 ranks"
    same "$T/one.svg" "$T/mpi.svg" "sweep plot, one process and 3 ranks"
    ;;
mpi-compare)
    for how in one mpi; do
        launch=""
        [ $how = mpi ] && launch=$MPIRUN
        $launch "$CXOPT" compare "$LIB/tiny-3.json" --policies adaptive,do-nothing,oracle --seeds 3 \
            --quiet --plot "$T/$how.svg" | sed "s/$how.svg/c.svg/" >"$T/$how.txt"
    done
    same "$T/one.txt" "$T/mpi.txt" "compare table, one process and 3 ranks"
    same "$T/one.svg" "$T/mpi.svg" "compare plot, one process and 3 ranks"
    grep -q '^oracle ' "$T/mpi.txt" || fail "compare under mpirun printed no table"
    ;;
mpi-run)
    run_lib "$T/one" "$CXOPT"
    $MPIRUN "$CXOPT" run "$LIB" --junit "$T/mpi.xml" >"$T/table" ||
        fail "mpirun cxopt run: exit $?"
    grep -q 'on each of 3 MPI ranks' "$T/table" || fail "run did not spread over 3 ranks: $(cat "$T/table")"
    # the table: the latency column (wall ms) and the last line (wall s) aside
    "$CXOPT" run "$LIB" >"$T/table1" || fail "cxopt run: exit $?"
    for f in table table1; do
        sed -E -e 's# +[0-9.]+/[0-9.]+/[0-9.]+ # - #' -e '$d' "$T/$f" >"$T/$f.n"
    done
    same "$T/table1.n" "$T/table.n" "run table, one process and 3 ranks"
    $MPIRUN "$CXOPT" run "$LIB" --quiet --json --report "$T/mpi.report" >"$T/mpi.json" ||
        fail "mpirun cxopt run --json"
    same_dir "$T/one.report" "$T/mpi.report" "run HTML report, one process and 3 ranks"
    same_but_wall "$T/one.xml" "$T/mpi.xml" "run JUnit, one process and 3 ranks"
    same_but_wall "$T/one.json" "$T/mpi.json" "run JSON, one process and 3 ranks"
    # a scenario that fails on rank 1 fails the job: mpirun exits 1
    cp "$SRC/tests/scenarios/data/unreachable.json" "$LIB/tiny-1.json"
    rc=0
    $MPIRUN "$CXOPT" run "$LIB" >"$T/table" 2>/dev/null || rc=$?
    [ "$rc" = 1 ] || fail "a failing scenario under mpirun: exit $rc, want 1"
    grep -q '^4 of 5 scenarios passed' "$T/table" || fail "no verdict: $(cat "$T/table")"
    ;;
mpi-refused)
    # a build without MPI started as 3 processes refuses, rather than run
    # the whole job three times
    rc=0
    # shellcheck disable=SC2086
    $MPIRUN "$DIALSIM" sweep $SWEEP --quiet --out "$T/x.csv" 2>"$T/err" || rc=$?
    [ "$rc" = 2 ] || fail "dialsim without MPI under mpirun: exit $rc, want 2"
    grep -q 'this build has no MPI' "$T/err" || fail "no reason given: $(cat "$T/err")"
    [ ! -e "$T/x.csv" ] || fail "it wrote the CSV anyway"
    rc=0
    $MPIRUN "$CXOPT" run "$LIB" --quiet 2>"$T/err" >/dev/null || rc=$?
    [ "$rc" = 2 ] && grep -q 'this build has no MPI' "$T/err" || fail "cxopt without MPI: exit $rc"
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo "ok: $CASE"
