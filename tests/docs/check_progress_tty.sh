#!/bin/sh
# check_progress_tty.sh BUILD SRC: progress shows on a terminal only (issue
# 15, point 2). Each long command runs under a pseudo-terminal (script(1),
# util-linux) and must draw its progress line on stderr; with --quiet, or
# with stderr not a terminal, it must not. Also: cxopt run's footer gives the
# wall time, and apply --ramp shows its steps.
set -eu
BUILD=$1
SRC=$2
DIR=$(mktemp -d)
MOCK=
cleanup() {
    [ -n "$MOCK" ] && kill "$MOCK" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
on_tty() { script -qec "$1" /dev/null </dev/null; }

CXOPT=$BUILD/optimizer/cxopt
DIALSIM=$BUILD/sim/dialsim
SCEN=$SRC/scenarios/small-team-5.json

# cxopt run
out=$(on_tty "$CXOPT run $SCEN")
echo "$out" | grep -q "cxopt run: 1 of 1 done (100%)" || fail "run: no progress on a terminal: $out"
echo "$out" | grep -q "scenarios passed in .* s (wall clock" || fail "run: no wall time: $out"
out=$(on_tty "$CXOPT run $SCEN --quiet")
echo "$out" | grep -q "done (" && fail "run --quiet drew progress: $out"
"$CXOPT" run "$SCEN" >"$DIR/out" 2>"$DIR/err"
grep -q "done (" "$DIR/err" && fail "run drew progress into a file"

# cxopt compare
out=$(on_tty "$CXOPT compare $SCEN --policies adaptive,vicidial")
echo "$out" | grep -q "cxopt compare: 2 of 2 done (100%)" || fail "compare: no progress: $out"
out=$(on_tty "$CXOPT compare $SCEN --policies adaptive,vicidial -q")
echo "$out" | grep -q "done (" && fail "compare -q drew progress: $out"

# dialsim sweep
SWEEP="$DIALSIM sweep $SRC/sim/examples/typical.json --vary dialer.answerRate=0.2:0.3:0.1 --out $DIR/s.csv"
out=$(on_tty "$SWEEP")
echo "$out" | grep -q "dialsim sweep: 2 of 2 done (100%)" || fail "sweep: no progress: $out"
echo "$out" | grep -q "dialsim: wrote $DIR/s.csv" || fail "sweep: did not say what it wrote: $out"
out=$(on_tty "$SWEEP --quiet")
echo "$out" | grep -q "done (" && fail "sweep --quiet drew progress: $out"
$SWEEP >"$DIR/out" 2>"$DIR/err"
[ -s "$DIR/err" ] && fail "sweep wrote to stderr with no terminal: $(cat "$DIR/err")"

# cxopt apply --ramp, against a mock
"$BUILD/mockcxone/mockcxone" --port 0 >"$DIR/mock.out" 2>&1 &
MOCK=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    grep -q listening "$DIR/mock.out" && break
    sleep 0.2
done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$DIR/mock.out")
[ -n "$URL" ] || fail "mock did not start: $(cat "$DIR/mock.out")"
echo '{"answerRate": 0.52}' >"$DIR/t.json"
export CXONE_CLIENT_ID=cxopt-dev CXONE_CLIENT_SECRET=cxopt-dev-secret \
       CXONE_AUTH_URL=$URL/auth/token CXONE_API_URL=$URL CXONE_CAMPAIGN_ID=c-1001
out=$(on_tty "$CXOPT apply --target $DIR/t.json --ramp --ramp-interval 1 --no-predict --audit $DIR/a.jsonl")
echo "$out" | grep -q "cxopt apply --ramp: 1 of 2 done" || fail "apply --ramp: no progress: $out"
echo "$out" | grep -q "next step in 1 s, the last in about 1 s" || fail "apply --ramp: no countdown: $out"
echo "progress shows on a terminal only"
