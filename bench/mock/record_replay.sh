#!/bin/sh
# bench/mock/record_replay.sh BUILD_DIR [SECONDS] - what recording and
# replaying cost, in one run on this machine: wrk (one thread, 16
# connections) against GET /api/v2/campaigns/{id} of mockcxone itself, of a
# second mockcxone recording it (--record: libcurl to the first, the file
# rewritten whole after each exchange), and of a third replaying a session
# (--replay: matched among 1000 exchanges). Ratios to the mock itself.
set -eu
B=${1:-build-bench}
SECS=${2:-10}
T=$(mktemp -d /tmp/cxbench-rr-XXXXXX)
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT
start() { # start NAME ARGS...: a mockcxone in the background; sets URL
    name=$1; shift
    "$B/mockcxone/mockcxone" --port 0 --no-sim --per-ip-limit 1024 "$@" > "$T/$name.out" &
    PIDS="$PIDS $!"
    for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening "$T/$name.out" && break; sleep 0.2; done
    URL=$(sed 's/listening on //' "$T/$name.out")
}
measure() { # measure NAME URL
    wrk -t1 -c16 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$2" > "$T/$1.txt"
    awk '/Requests\/sec/ {print $2}' "$T/$1.txt"
}
start mock; MOCK=$URL
TOKEN=$(curl -s -X POST "$MOCK/auth/token" -d grant_type=client_credentials \
        -d client_id=cxopt-dev -d client_secret=cxopt-dev-secret |
        sed 's/.*"access_token":"\([^"]*\)".*/\1/')
direct=$(measure mock "$MOCK/api/v2/campaigns/c-1001")
# a session of 1000 exchanges, the campaign's GET the last of them
start rec --record "$MOCK" --out "$T/session.json"; REC=$URL
for i in $(seq 1 999); do curl -s -o /dev/null "$REC/api/v2/campaigns/c-$i"; done
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$REC/api/v2/campaigns/c-1001"
start rep --replay "$T/session.json"; REP=$URL
replay=$(measure rep "$REP/api/v2/campaigns/c-1001")
record=$(measure rec "$REC/api/v2/campaigns/c-1001")
echo "mock itself:        $direct req/s"
echo "replay (1000 kept): $replay req/s ($(echo "$replay / $direct" | bc -l | cut -c1-4)x)"
echo "record (proxy):     $record req/s ($(echo "$record / $direct" | bc -l | cut -c1-4)x; the file grows with each)"
