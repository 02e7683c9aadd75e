#!/bin/sh
# tests/mutate.sh [WORK_DIR] - the suite must catch deliberate breakages.
#
# Each mutation below breaks one thing the project promises, in a copy of
# the tree (WORK_DIR/src, default build-mutate/src; the checkout itself is
# never touched). One at a time: the copy's file is patched, only the
# targets the mutation's tests need are rebuilt (WORK_DIR/build, kept
# between runs so a rebuild is one object and a link), only those tests run,
# and they must FAIL. The file is then restored. A mutation whose tests all
# pass is a hole in the suite: the script says which and exits 1. A mutation
# whose pattern is no longer found exactly as often as it says (the code
# moved on) is an error too: the script says so and exits 2, so that a
# mutation never silently stops applying. Then re-point the entry.
#
# Time: the first run builds the copy (about as long as a normal build);
# after that each mutation costs a rebuild of one file and its tests' run.
# ./dev test runs it after the normal ctest pass, within MUTATE_BUDGET_S.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-$ROOT/build-mutate}
SRC=$WORK/src
BLD=$WORK/build
JOBS=$(nproc 2>/dev/null || echo 2)

# ----------------------------------------------------------- the mutations
#
# mutation NAME FILE COUNT PATTERN REPLACEMENT TARGETS TESTS
#   FILE         relative to the tree
#   COUNT        how many times PATTERN (a literal string) must occur in FILE
#   REPLACEMENT  what every occurrence becomes
#   TARGETS      cmake targets the tests need (space-separated)
#   TESTS        a ctest -R regex: the tests that must fail
# Keep each entry small: when the code it patches changes, re-point it here.
mutations() {
    # the compliance gate (optimizer/src/opt_gate.c: where its verdict
    # becomes the cycle's permission)
    mutation "the gate always passes" \
        optimizer/src/opt_gate.c 1 \
        'c->allowed = c->verdict != OPT_VERDICT_REFUSED;' \
        'c->allowed = true;' \
        "test_opt_cycle" '^test_opt_cycle$'
    mutation "the retry loop gives up at once" \
        optimizer/src/opt_retry.c 1 \
        'if (attempt >= max_attempts) {' \
        'if (attempt >= 1 || attempt >= max_attempts) {' \
        "test_opt_units test_opt_cycle" '^(test_opt_units|test_opt_cycle)$'
    mutation "the audit fsync is removed" \
        optimizer/src/opt_audit.c 1 \
        'else if (a->io.fsync(a->fd) != 0)' \
        'else if (0)' \
        "test_opt_units" '^test_opt_units$'
    mutation "Retry-After is ignored" \
        optimizer/src/opt_client.c 1 \
        'return OPT__RETRY_AFTER;' \
        'return OPT__RETRY_BACKOFF;' \
        "test_opt_cycle" '^test_opt_cycle$'
    mutation "the mock's window statistic is reported as zero" \
        mockcxone/src/mock_campaign.c 1 \
        'span_json(&w0, &now, window_s, fmin(window_s, t - w0.time), truth)' \
        'span_json(&now, &now, window_s, 0 * w0.time, truth)' \
        "test_mock_api cxopt-bin" '^(test_mock_api|scenario_small-team-5)$'
    # the dialer's pacing (sim/src/sim_pacer.c: where the abandon control
    # reads d->abandon_rate, its abandon target)
    mutation "the dialer ignores abandonRate" \
        sim/src/sim_pacer.c 1 \
        'double target = d->abandon_rate;' \
        'double target = 0.03 + 0 * d->abandon_rate;' \
        "test_sim_behaviour test_sim_pacing" '^(test_sim_behaviour|test_sim_pacing)$'
    # the adaptive policy's budget (optimizer/src/opt_policy_adaptive.c:
    # two standard errors of the next period's own abandon count kept in
    # hand, without which baseline-20's window reached 3.02% on seed 20)
    mutation "the budget keeps none of the next period's noise" \
        optimizer/src/opt_policy_adaptive.c 1 \
        'double next_sd = sqrt(cap * dl);' \
        'double next_sd = 0 * sqrt(cap * dl);' \
        "test_opt_ofcom" '^test_opt_ofcom$'
    # the mock's lock rule (mockcxone/src/mock_api_cxone.c, put_block: the
    # check of a field against the stored extras is decided under the lock;
    # here the item's pointer is kept and read after the unlock, where the
    # seam's concurrent PUT has freed it)
    mutation "put_block reads the extras after the unlock" \
        mockcxone/src/mock_api_cxone.c 1 \
        'known = NULL;
        mock__seam_fn seam = s->seam;
        void *seam_arg = s->seam_arg;
        pthread_mutex_unlock(&s->extras_lock);
        if (seam) /* mock_seam.h: a concurrent PUT, made certain */
            seam(seam_arg);' \
        'mock__seam_fn seam = s->seam;
        void *seam_arg = s->seam_arg;
        pthread_mutex_unlock(&s->extras_lock);
        if (seam)
            seam(seam_arg);
        same_type = known && cJSON_IsNumber(known) == cJSON_IsNumber(f) &&
                    cJSON_IsString(known) == cJSON_IsString(f) &&
                    cJSON_IsBool(known) == cJSON_IsBool(f);' \
        "test_mock_cxone" '^test_mock_cxone$'
    # no library ends the process (sim/src/sim_run.c: GSL's handler)
    mutation "GSL's abort()ing handler is left on" \
        sim/src/sim_run.c 1 \
        'static void gsl_quiet(void) { gsl_set_error_handler_off(); }' \
        'static void gsl_quiet(void) { }' \
        "test_sim_gsl test_opt_gsl" '^(test_sim_gsl|test_opt_gsl)$'
    # the sweep's CSV (sim/tools/sweep.c: a rate's interval within [0, 1])
    mutation "the sweep's interval is not clipped at 0" \
        sim/tools/sweep.c 1 \
        'static double rate_bound(double x) { return fmin(1.0, fmax(0.0, x)); }' \
        'static double rate_bound(double x) { return x; }' \
        "dialsim-bin test_dialsim_cli" '^test_dialsim_cli$'
}

# ------------------------------------------------------------------ driver

say() { printf '== mutate: %s\n' "$*" >&2; }

mutated=""
restore() {
    if [ -n "$mutated" ]; then
        cp "$ROOT/$mutated" "$SRC/$mutated" # a new mtime: the next build recompiles it
        mutated=""
    fi
}
trap restore EXIT
trap 'restore; exit 130' INT TERM

survivors=0
report=""

mutation() { # NAME FILE COUNT PATTERN REPLACEMENT TARGETS TESTS
    name=$1 file=$2 count=$3 pattern=$4 replacement=$5 targets=$6 tests=$7
    t0=$(date +%s)
    found=$(python3 - "$SRC/$file" "$pattern" <<'PY'
import sys
print(open(sys.argv[1]).read().count(sys.argv[2]))
PY
)
    if [ "$found" != "$count" ]; then
        echo "mutate: \"$name\" no longer applies: $file has its pattern $found times," \
            "not $count:" >&2
        echo "    $pattern" >&2
        echo "  re-point the entry in tests/mutate.sh" >&2
        exit 2
    fi
    mutated=$file
    python3 - "$SRC/$file" "$pattern" "$replacement" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
open(path, "w").write(text.replace(old, new))
PY
    # shellcheck disable=SC2086
    if ! cmake --build "$BLD" -j "$JOBS" --target $targets >"$WORK/build.log" 2>&1; then
        cat "$WORK/build.log" >&2
        echo "mutate: \"$name\" does not compile; fix its replacement" >&2
        exit 2
    fi
    if (cd "$BLD" && ctest --no-tests=error --output-on-failure --timeout 600 -j "$JOBS" \
        -R "$tests") \
        >"$WORK/ctest.log" 2>&1; then
        failed="NONE: the mutation survived"
        survivors=$((survivors + 1))
    else
        # each failed test, with the CUnit cases that failed in it
        failed=$(sed -n -e 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*/\1/p' \
            -e 's/^[[:space:]]*Test: \([A-Za-z0-9_]*\) \.\.\.FAILED.*/ \1/p' "$WORK/ctest.log" |
            tr '\n' ' ')
        [ -n "$failed" ] || {
            cat "$WORK/ctest.log" >&2
            echo "mutate: \"$name\": ctest failed without naming a failed test" >&2
            exit 2
        }
    fi
    restore
    t=$(($(date +%s) - t0))
    say "$name: failed $failed(${t} s)"
    report="$report$(printf '%-50s %4s s  %s' "$name" "$t" "$failed")
"
}

start=$(date +%s)
mkdir -p "$SRC" "$BLD"
# the copy: every file git knows or would add. Only a file whose content
# differs is written (with a new mtime, so it is rebuilt); an unchanged one
# keeps its mtime and is not. Files gone from the tree leave the copy.
say "copying the tree to $SRC"
(cd "$ROOT" && git ls-files -co --exclude-standard -z) | python3 -c '
import os, shutil, sys
root, dst = sys.argv[1:3]
files = [f for f in sys.stdin.buffer.read().decode().split("\0") if f]
keep = set(files)
for f in files:
    a, b = os.path.join(root, f), os.path.join(dst, f)
    if not os.path.isfile(a):
        continue
    try:
        same = open(a, "rb").read() == open(b, "rb").read()
    except OSError:
        same = False
    if not same:
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copyfile(a, b)
        shutil.copymode(a, b)
for d, _, names in os.walk(dst):
    for n in names:
        rel = os.path.relpath(os.path.join(d, n), dst)
        if rel not in keep:
            os.remove(os.path.join(d, n))
' "$ROOT" "$SRC"
cmake -S "$SRC" -B "$BLD" >/dev/null
# every target any mutation needs, unmutated (./dev test runs this after
# the normal pass, so the same tests are known to pass unmutated: a test
# that already failed would "catch" every mutation)
say "building the copy"
cmake --build "$BLD" -j "$JOBS" --target test_opt_cycle test_opt_units test_mock_api \
    test_sim_behaviour cxopt-bin test_mock_cxone test_sim_gsl test_opt_gsl dialsim-bin \
    test_dialsim_cli >"$WORK/build.log" 2>&1 || {
    cat "$WORK/build.log" >&2
    exit 2
}

mutations
total=$(($(date +%s) - start))
printf '%-50s %6s  %s\n' "mutation" "time" "tests that failed" >&2
printf '%s' "$report" >&2
if [ "$survivors" -gt 0 ]; then
    echo "mutate: $survivors mutation(s) survived: the suite cannot see them ($total s)" >&2
    exit 1
fi
say "every mutation was caught ($total s)"
