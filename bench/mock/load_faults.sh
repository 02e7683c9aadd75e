#!/bin/sh
# bench/mock/load_faults.sh [BUILD_DIR] [SECONDS] - issue 7's load with
# faults: wrk for SECONDS (60) at 64 connections against a live mockcxone
# (simulated campaign on) whose fault rules answer about 10% of requests
# with 429 (Retry-After), 503, a connection reset, or a 50 ms delay. Prints
# requests/s, the server's RSS at start, along the way and at the end, and
# what wrk counted beside what the server's journal and fault counters say.
# Exit 1 if the server died or the counts disagree by more than the
# connections in flight.
set -eu
B=${1:-build-bench}
SECS=${2:-60}
CONNS=64
W=$(mktemp -d /tmp/cxload-XXXXXX)
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$W"' EXIT

# rules are tried in order, so each probability is of what is left: 2.5% each
cat > "$W/faults.json" <<'JSON'
{"faults": [
  {"path": "/api/**", "status": 429, "headers": {"Retry-After": 1}, "probability": 0.025},
  {"path": "/api/**", "status": 503, "probability": 0.025641},
  {"path": "/api/**", "action": "reset", "probability": 0.026316},
  {"path": "/api/**", "delayMs": 50, "probability": 0.027027}
]}
JSON
"$B/mockcxone/mockcxone" --port 0 --faults "$W/faults.json" --per-ip-limit 1024 \
    > "$W/mock.out" &
MOCK=$!
for i in $(seq 1 50); do grep -q listening "$W/mock.out" && break; sleep 0.1; done
URL=$(sed 's/listening on //' "$W/mock.out")
TOKEN=$(curl -s -X POST "$URL/auth/token" -d grant_type=client_credentials \
        -d client_id=cxopt-dev -d client_secret=cxopt-dev-secret |
        sed 's/.*"access_token":"\([^"]*\)".*/\1/')
cat > "$W/count.lua" <<LUA
-- counts every status each thread sees; done() adds them up
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
wrk.headers["Authorization"] = "Bearer $TOKEN"
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("statuses")) do all[s] = (all[s] or 0) + n end
  end
  for s, n in pairs(all) do io.write(string.format("status %d %d\n", s, n)) end
  io.write(string.format("requests %d\nread_errors %d\nconnect_errors %d\ntimeouts %d\n",
    summary.requests, summary.errors.read, summary.errors.connect, summary.errors.timeout))
end
LUA
rss() { awk '/VmRSS/ {print $2}' "/proc/$MOCK/status"; }
RSS0=$(rss)
wrk -t1 -c$CONNS -d"${SECS}s" -s "$W/count.lua" "$URL/api/v2/campaigns/c-1001" > "$W/wrk.txt" &
WRK=$!
SAMPLES=""
while kill -0 $WRK 2>/dev/null; do
    sleep 10
    kill -0 $MOCK 2>/dev/null || { echo "mockcxone died under load" >&2; exit 1; }
    SAMPLES="$SAMPLES $(rss)"
done
wait $WRK
RSS1=$(rss)
curl -s "$URL/__admin/journal/summary" > "$W/summary.json"
curl -s "$URL/__admin/faults" > "$W/faults-count.json"

python3 - "$W" "$SECS" "$CONNS" "$RSS0" "$RSS1" "$SAMPLES" <<'PY'
import json, sys
w, secs, conns, rss0, rss1, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6].split()
wrk = {}
for line in open(w + "/wrk.txt"):
    p = line.split()
    if p and p[0] == "status": wrk[p[1]] = int(p[2])
    elif len(p) == 2 and p[0] in ("requests", "read_errors", "connect_errors", "timeouts"): wrk[p[0]] = int(p[1])
    elif line.strip().startswith("Requests/sec"): wrk["rps"] = float(p[1])
summ = json.load(open(w + "/summary.json"))
rules = json.load(open(w + "/faults-count.json"))["faults"]
by = summ["byStatus"]
fired = [r.get("fired", 0) for r in rules]
total = summ["total"]
print(f"wrk -t1 -c{conns} -d{secs}s GET /api/v2/campaigns/c-1001 with ~10% faults")
print(f"  requests/s (completed, wrk)   {wrk['rps']:.0f}")
print(f"  server RSS KiB                start {rss0}, every 10 s {' '.join(samples)}, end {rss1}")
print(f"  faults fired (server)         429: {fired[0]}, 503: {fired[1]}, reset: {fired[2]}, delay: {fired[3]} "
      f"= {100.0 * sum(fired) / max(total, 1):.1f}% of {total}")
rows = [("200", wrk.get("200", 0), by.get("200", 0)), ("429", wrk.get("429", 0), by.get("429", 0)),
        ("503", wrk.get("503", 0), by.get("503", 0)),
        ("reset", wrk.get("read_errors", 0), by.get("reset", 0))]
print("  %-8s %10s %10s %6s" % ("outcome", "wrk", "journal", "diff"))
ok = True
for name, a, b in rows:
    print("  %-8s %10d %10d %6d" % (name, a, b, b - a))
    # requests in flight when wrk stops are answered but not counted by wrk
    if abs(b - a) > conns: ok = False
others = {k: v for k, v in by.items() if k not in ("200", "429", "503", "reset")}
if others: print("  other statuses in the journal:", others); ok = False
print("  consistent:", "yes" if ok else "NO")
sys.exit(0 if ok else 1)
PY
