#!/bin/sh
# bench/mock/run.sh BUILD_DIR [SECONDS] - wrk against mockcxone's
# GET /api/v2/campaigns/{id} (keep-alive, 64 connections, one wrk thread so
# the load generator leaves the server a core of this 2-core machine), and
# against @stoplight/prism-cli serving mockcxone/openapi.yaml, in one run.
# Prism is installed with npm into a scratch directory outside the repository.
set -eu
B=${1:-build-bench}
SECS=${2:-15}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCRATCH=${CX_BENCH_SCRATCH:-/tmp/cxbench-prism}

"$B/mockcxone/mockcxone" --port 0 --no-sim --per-ip-limit 1024 > /tmp/cxbench-mock.out &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true; [ -n "${PRISM:-}" ] && kill $PRISM 2>/dev/null || true' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q listening /tmp/cxbench-mock.out && break; sleep 0.2; done
URL=$(sed 's/listening on //' /tmp/cxbench-mock.out)
TOKEN=$(curl -s -X POST "$URL/auth/token" -d grant_type=client_credentials \
        -d client_id=cxopt-dev -d client_secret=cxopt-dev-secret |
        sed 's/.*"access_token":"\([^"]*\)".*/\1/')
cat > /tmp/cxbench-auth.lua <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

measure() { # measure NAME URL
    wrk -t1 -c64 -d"${SECS}s" --latency -s /tmp/cxbench-auth.lua "$2" > "/tmp/cxbench-$1.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "/tmp/cxbench-$1.txt")
    p99=$(awk '$1 == "99%" {print $2}' "/tmp/cxbench-$1.txt")
    non2xx=$(awk '/Non-2xx/ {print $5}' "/tmp/cxbench-$1.txt")
    printf "  %-10s %12s req/s   p99 %8s   non-2xx %s\n" "$1" "$rps" "$p99" "${non2xx:-0}"
    eval "$1_rps=$rps"
}

echo "wrk -t1 -c64 -d${SECS}s GET /api/v2/campaigns/c-1001 (keep-alive)"
measure mockcxone "$URL/api/v2/campaigns/c-1001"

if [ ! -x "$SCRATCH/node_modules/.bin/prism" ]; then
    mkdir -p "$SCRATCH"
    (cd "$SCRATCH" && npm install --silent --no-audit --no-fund @stoplight/prism-cli >/dev/null 2>&1)
fi
"$SCRATCH/node_modules/.bin/prism" mock -p 4010 "$ROOT/mockcxone/openapi.yaml" > /tmp/cxbench-prism.log 2>&1 &
PRISM=$!
for i in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:4010/ && break; sleep 0.2; done
measure prism "http://127.0.0.1:4010/api/v2/campaigns/c-1001"
awk -v a="$mockcxone_rps" -v b="$prism_rps" 'BEGIN {printf "  mockcxone / Prism = %.1fx (target >= 10x)\n", a / b}'
