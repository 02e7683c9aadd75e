#!/bin/sh
# bench/interop/seed_go.sh SEED_DOCUMENT BUILD_DIR - the seed document's Go
# program against mockcxone, as a user would run it: its code blocks are
# assembled in a scratch directory (with the import list of its "Complete
# Working Example"), built with Debian's golang-go, and run with the seed's
# environment variables. Nothing of the seed's code is kept in this repository.
set -eu
DOC=$1
B=${2:-build}
W=$(mktemp -d)
trap 'rm -rf "$W"; [ -n "${MOCK:-}" ] && kill "$MOCK" 2>/dev/null || true' EXIT
# the Go blocks: code starts at package/import/type/func and runs while braces
# are open or lines are not prose; the first block's own import list is
# dropped for the complete example's
/usr/bin/python3 - "$DOC" > "$W/main.go" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
blocks, cur, depth, code = [], [], 0, False
for line in lines:
    if not code and re.match(r"^(package main|import \(|type |func )", line):
        code, cur, depth = True, [], 0
    if code:
        if depth == 0 and re.match(r"^[A-Z][a-z]", line) and not re.match(r"^(package|import|type|func)", line):
            blocks.append(cur); code = False; continue
        cur.append(line)
        depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
if code:
    blocks.append(cur)
text = "\n".join("\n".join(b) for b in blocks)
heads = list(re.finditer(r"package main\s*\nimport \((.*?)\n\)", text, re.S))
imports = heads[-1].group(0)            # the complete example's
text = re.sub(r"package main\s*\nimport \(.*?\n\)", "", text, flags=re.S)
print(imports + "\n" + text)
PY
printf 'module seedgo\n\ngo 1.19\n' > "$W/go.mod"
(cd "$W" && go build -o seed .)
"$B/mockcxone/mockcxone" --port 0 > "$W/mock.out" &
MOCK=$!
sleep 0.5
URL=$(sed 's/listening on //' "$W/mock.out")
CXONE_CLIENT_ID=cxopt-dev CXONE_CLIENT_SECRET=cxopt-dev-secret \
CXONE_AUTH_URL="$URL/auth/token" CXONE_API_URL="$URL" CXONE_CAMPAIGN_ID=c-1001 \
CXONE_WEBHOOK_URL="$URL/__webhook/seed" "$W/seed"
curl -s "$URL/__admin/journal/summary"; echo
