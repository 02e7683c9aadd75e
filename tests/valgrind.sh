#!/bin/sh
# valgrind.sh PROGRAM [ARGS...] - runs a test under valgrind memcheck, with
# every program of ours it starts (cxopt, mockcxone, dialsim), and fails it
# when any of them reads or writes memory it should not, uses an
# uninitialised value, or leaks (definitely or indirectly lost). The
# reports go to stderr, one block per process. Programs outside the build
# (python3, gnuplot, sh) are not traced.
set -u
logs=$(mktemp -d "${TMPDIR:-/tmp}/cxvg.XXXXXX") || exit 1
valgrind -q --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --trace-children=yes --trace-children-skip='/usr/*,/bin/*,/sbin/*' \
    --log-file="$logs/vg.%p" "$@"
rc=$?
bad=0
for f in "$logs"/vg.*; do
    [ -s "$f" ] || continue # -q: a clean process writes nothing
    bad=1
    echo "== valgrind report ($f)" >&2
    cat "$f" >&2
done
rm -rf "$logs"
if [ "$bad" -ne 0 ] && [ "$rc" -eq 0 ]; then
    rc=99
fi
exit "$rc"
