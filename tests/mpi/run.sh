#!/bin/sh
# make test-mpi: tests/mpi/mpi.sh, counted as tests/run.sh counts: one
# closing line "N passed, N failed, N skipped"; fails if anything failed or
# nothing passed.
# usage: tests/mpi/run.sh BIN MPI_BIN
set -u
log=$(mktemp)
trap 'rm -f "$log"' EXIT
COINSIM=${1:-./coinsim} COINSIM_MPI=${2:-./coinsim-mpi} sh tests/mpi/mpi.sh >"$log" 2>&1
rc=$?
cat "$log"
p=$(grep -c '^ok - ' "$log")
s=$(grep -c -i '^ok - .*# skip' "$log")
f=$(grep -c '^not ok - ' "$log")
if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
    echo "not ok - tests/mpi/mpi.sh exited $rc"
    f=1
fi
echo "$((p - s)) passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ $((p - s)) -gt 0 ]
