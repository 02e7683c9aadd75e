#!/bin/sh
# fuzz.sh BINARY SEED_CORPUS SECONDS [DICT] - runs one libFuzzer target for
# SECONDS from the seed corpus (read only: new inputs go to a temporary
# directory), fails on any finding, and keeps what it found in
# $CX_FUZZ_ARTIFACTS (default: the temporary directory, printed).
set -eu
bin=$1 seeds=$2 secs=$3 dict=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/cxfuzz-$(basename "$bin")-XXXXXX")
out=${CX_FUZZ_ARTIFACTS:-$work}
mkdir -p "$out"
set -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
       -print_final_stats=1 -artifact_prefix="$out/"
[ -n "$dict" ] && set -- "$@" -dict="$dict"
if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
   UBSAN_OPTIONS=print_stacktrace=1 "$bin" "$@" "$work" "$seeds"; then
    [ -n "${CX_FUZZ_ARTIFACTS:-}" ] || rm -rf "$work"
    exit 0
fi
echo "$(basename "$bin"): a finding; the input is in $out" >&2
exit 1
