#!/bin/sh
# Run every test: the cmocka unit binaries in BUILD/tests and the
# end-to-end scripts in tests/e2e (each prints "ok - ..." / "not ok - ...",
# or "ok - ... # SKIP reason" for a test that cannot run here, as in TAP).
# Prints one closing line "N passed, N failed, N skipped" and fails if
# anything failed or nothing passed; a skip is never counted as passed.
# usage: tests/run.sh BUILD BIN
set -u
build=${1:-build}
bin=${2:-./coinsim}
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${s:-0}))
    if [ $rc -ne 0 ] && [ "${f:-0}" = 0 ]; then
        echo "not ok - $t exited $rc"
        failed=$((failed + 1))
    fi
done

for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    [ "$t" = tests/e2e/lib.sh ] && continue     # shared helpers, not a test
    BUILD="$build" COINSIM="$bin" sh "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(grep -c '^ok - ' "$log")
    s=$(grep -c -i '^ok - .*# skip' "$log")
    f=$(grep -c '^not ok - ' "$log")
    passed=$((passed + p - s))
    skipped=$((skipped + s))
    failed=$((failed + f))
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
        echo "not ok - $t exited $rc"
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
