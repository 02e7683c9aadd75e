#!/bin/sh
# bench/mock/run.sh BUILD_DIR [SECONDS] - wrk against mockcxone's
# GET /api/v2/campaigns/{id} (keep-alive, 64 connections, one wrk thread so
# the load generator leaves the server a core of this 2-core machine), in
# one run beside two peers serving the same GET:
#   - WireMock (the npm package `wiremock`'s standalone jar on Debian's
#     default-jre-headless), from a stub holding the body mockcxone served,
#     with WireMock's defaults (its request journal on); two warm-up runs
#     let its JIT compile the hot path, then the best of its next
#     CX_BENCH_WM_RUNS (2) runs counts, so the comparison is fair to it;
#   - @stoplight/prism-cli mocking mockcxone/openapi.yaml.
# mockcxone runs as users run it: the campaign a live simulation, the journal
# recording every request (the bench reads the journal's count back).
# Peers are bench-only: installed with npm into scratch directories outside
# the repository (never build dependencies); a peer that cannot be found or
# installed is skipped with the reason. Java comes from apt:
#   apt-get install default-jre-headless
set -eu
B=${1:-build-bench}
SECS=${2:-15}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCRATCH=${CX_BENCH_SCRATCH:-/tmp/cxbench}
W=$(mktemp -d /tmp/cxbench-run-XXXXXX)
MOCK= PRISM= WM=
trap 'for p in $MOCK $PRISM $WM; do kill $p 2>/dev/null || true; done; rm -rf "$W"' EXIT

# Placement: on a machine of 2+ cores with taskset, the server under test
# (mockcxone with one event-loop thread, or WireMock's whole JVM) gets core 0
# and wrk core 1, so neither steals the other's core and the scheduler's
# migrations stay out of the tail. WireMock is also measured with every core
# open to it (its threads moved with taskset -a), and its best run counts:
# the placement most generous to the peer. CX_BENCH_PIN=0 turns placement off.
SRV= GEN= MOCK_THREADS=
if [ "${CX_BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SRV="taskset -c 0" GEN="taskset -c 1" MOCK_THREADS="--threads 1"
fi
$SRV "$B/mockcxone/mockcxone" --port 0 --per-ip-limit 1024 $MOCK_THREADS > "$W/mock.out" &
MOCK=$!
for i in $(seq 1 50); do grep -q listening "$W/mock.out" && break; sleep 0.1; done
URL=$(sed 's/listening on //' "$W/mock.out")
TOKEN=$(curl -s -X POST "$URL/auth/token" -d grant_type=client_credentials \
        -d client_id=cxopt-dev -d client_secret=cxopt-dev-secret |
        sed 's/.*"access_token":"\([^"]*\)".*/\1/')
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$TOKEN" > "$W/auth.lua"
PATH_GET=/api/v2/campaigns/c-1001

measure() { # measure NAME URL: wrk's req/s and p99 (ms) into NAME_rps, NAME_p99
    $GEN wrk -t1 -c64 -d"${SECS}s" --latency -s "$W/auth.lua" "$2" > "$W/$1.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$W/$1.txt")
    p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
                            else if (v ~ /s$/) v = v * 1000; print v}' "$W/$1.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$W/$1.txt")
    printf "  %-20s %10s req/s   p99 %8.2f ms   non-2xx %s\n" "$1" "$rps" "$p99" "${non2xx:-0}"
    eval "$1_rps=$rps; $1_p99=$p99"
}

echo "wrk -t1 -c64 -d${SECS}s GET $PATH_GET (keep-alive); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  (placement: ${SRV:+server on core 0 (mockcxone --threads 1), wrk on core 1}${SRV:-none})"
before=$(curl -s "$URL/__admin/journal/summary" | sed 's/.*"total":\([0-9]*\).*/\1/')
measure mockcxone "$URL$PATH_GET"
after=$(curl -s "$URL/__admin/journal/summary" | sed 's/.*"total":\([0-9]*\).*/\1/')
simulated=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL$PATH_GET" | grep -c '"simulated":true' || true)
echo "    (journal recorded $((after - before)) requests; campaign simulated: $([ "$simulated" = 1 ] && echo yes || echo NO))"
curl -s -H "Authorization: Bearer $TOKEN" "$URL$PATH_GET" > "$W/body.json"

# WireMock: the same body from a stub (the Authorization header required)
JAR=${CX_WIREMOCK_JAR:-$(ls "$SCRATCH"/wiremock/node_modules/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -1)}
if [ -z "$JAR" ] && command -v npm >/dev/null; then
    mkdir -p "$SCRATCH/wiremock"
    (cd "$SCRATCH/wiremock" && npm install --silent --no-audit --no-fund wiremock >/dev/null 2>&1) || true
    JAR=$(ls "$SCRATCH"/wiremock/node_modules/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -1)
fi
if ! command -v java >/dev/null; then
    echo "  wiremock             skipped: no java (apt-get install default-jre-headless)"
elif [ -z "$JAR" ]; then
    echo "  wiremock             skipped: no standalone jar (npm install wiremock failed or no npm)"
else
    mkdir -p "$W/wm/mappings"
    python3 - "$W/body.json" "$W/wm/mappings/campaign.json" "$PATH_GET" <<'PY'
import json, sys
body = open(sys.argv[1]).read()
json.dump({"request": {"method": "GET", "url": sys.argv[3],
                       "headers": {"Authorization": {"matches": "Bearer .+"}}},
           "response": {"status": 200, "body": body,
                        "headers": {"Content-Type": "application/json", "ETag": '"v1"'}}},
          open(sys.argv[2], "w"))
PY
    $SRV java -jar "$JAR" --port 4020 --root-dir "$W/wm" --disable-banner > "$W/wm.log" 2>&1 &
    WM=$!
    for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:4020/__admin/mappings && break; sleep 0.2; done
    echo "  ($(basename "$JAR"), $(java -version 2>&1 | head -1); two runs warm its JIT:)"
    measure wiremock_warmup1 "http://127.0.0.1:4020$PATH_GET"
    measure wiremock_warmup2 "http://127.0.0.1:4020$PATH_GET"
    best=
    runs=$(seq 1 "${CX_BENCH_WM_RUNS:-2}")
    [ -n "$SRV" ] && runs="$runs $(seq 1 "${CX_BENCH_WM_RUNS:-2}" | sed 's/^/all/')"
    for k in $runs; do
        case $k in all1) taskset -a -p -c 0-$(($(nproc) - 1)) "$WM" > /dev/null
                         echo "  (WireMock's threads now on every core)" ;; esac
        measure "wiremock_$k" "http://127.0.0.1:4020$PATH_GET"
        eval "r=\$wiremock_${k}_rps; p=\$wiremock_${k}_p99"
        if [ -z "$best" ] || awk -v a="$r" -v b="$wiremock_rps" 'BEGIN {exit !(a > b)}'; then
            best=$k wiremock_rps=$r wiremock_p99=$p
        fi
    done
    echo "    (WireMock counted: its best run, $best: $wiremock_rps req/s, p99 $wiremock_p99 ms)"
    kill $WM 2>/dev/null || true
    WM=
fi

if [ -n "${CX_BENCH_NO_PRISM:-}" ]; then
    echo "  prism                skipped: CX_BENCH_NO_PRISM set"
else
    if [ ! -x "$SCRATCH/prism/node_modules/.bin/prism" ] && command -v npm >/dev/null; then
        mkdir -p "$SCRATCH/prism"
        (cd "$SCRATCH/prism" && npm install --silent --no-audit --no-fund @stoplight/prism-cli >/dev/null 2>&1) || true
    fi
    if [ -x "$SCRATCH/prism/node_modules/.bin/prism" ]; then
        $SRV "$SCRATCH/prism/node_modules/.bin/prism" mock -p 4010 "$ROOT/mockcxone/openapi.yaml" > "$W/prism.log" 2>&1 &
        PRISM=$!
        for i in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:4010/ && break; sleep 0.2; done
        measure prism "http://127.0.0.1:4010$PATH_GET"
    else
        echo "  prism                skipped: npm install @stoplight/prism-cli failed or no npm"
    fi
fi

[ -n "${wiremock_rps:-}" ] && awk -v a="$mockcxone_rps" -v b="$wiremock_rps" \
    'BEGIN {printf "  mockcxone / WireMock = %.2fx the throughput (target >= 2.5x)\n", a / b}'
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
[ -n "${mockcxone_p99:-}" ] && awk -v p="$mockcxone_p99" \
    'BEGIN {printf "  mockcxone p99 %.2f ms (target < 2 ms)\n", p}'
[ -n "${prism_rps:-}" ] && awk -v a="$mockcxone_rps" -v b="$prism_rps" \
    'BEGIN {printf "  mockcxone / Prism = %.1fx\n", a / b}'
exit 0
