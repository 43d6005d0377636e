#!/bin/sh
# Run every test: the cmocka unit binaries in BUILD/tests and the
# end-to-end scripts in tests/e2e (each prints "ok - ..." / "not ok - ...").
# Prints one closing line "N passed, N failed" and fails if anything failed.
# usage: tests/run.sh BUILD BIN
set -u
build=${1:-build}
bin=${2:-./coinsim}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
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
    f=$(grep -c '^not ok - ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
        echo "not ok - $t exited $rc"
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
