#!/bin/sh
# make bench-mpi: how the MPI build scales (a measurement, not a test).
# Runs DIR (bench-mc) headless under mpirun on 1 rank and on 2 ranks, one
# worker thread each (oversubscription allowed: this may be a 2-core
# machine), in turn, BENCH_MPI_ROUNDS times (default 3), and prints each
# whole job's wall time, the speed-up over one rank (the median of the
# rounds' pairs) and the efficiency; then what docs/cluster.md's estimate for more
# ranks is made of: the cost of one run, mpirun's own start-up and end (a
# job of one short run) and what two ranks cost beyond half of one rank's
# time (rounds, the exchange of results, uneven shares).
# usage: tools/bench-mpi.sh ./coinsim-mpi scenarios/bench-mc
set -u
bin=${1:-./coinsim-mpi}
dir=${2:-scenarios/bench-mc}
# --bind-to none: Open MPI would pin one rank to the first core, and on a
# machine shared with other work that core may be the busier one; the
# kernel places every rank as it places one process.
mpirun="mpirun --oversubscribe --bind-to none"
[ "$(id -u)" = 0 ] && mpirun="$mpirun --allow-run-as-root"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
# timed NP ARGS...: the wall time of mpirun -np NP BIN ARGS, in seconds.
timed() {
    np=$1
    shift
    t0=$(now)
    if ! $mpirun -np "$np" "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "bench-mpi: mpirun -np $np $bin $* failed:" >&2
        sed -n '1,8p' "$tmp/err" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}
param() { awk -F, -v k="$2" '$1 == k { print $2 }' "$1/params.csv" | tail -n 1; }
runs=$(param "$dir" runs)
steps=$(param "$dir" steps)
[ -n "$steps" ] || steps=$(param "$dir/$(param "$dir" extends)" steps)

rounds=${BENCH_MPI_ROUNDS:-3}
echo "bench-mpi: $dir, $runs runs, one worker thread per rank, whole mpirun jobs;"
echo "1 rank and 2 ranks in turn, $rounds times (BENCH_MPI_ROUNDS): a shared machine's speed drifts,"
echo "so the speed-up is the median of each round's pair, and the walls are medians too"
printf '%-6s %9s %9s %9s\n' round 1rank_s 2ranks_s speed-up
: >"$tmp/rows"
i=1
while [ "$i" -le "$rounds" ]; do
    w1=$(timed 1 run "$dir" --headless --threads 1)
    w2=$(timed 2 run "$dir" --headless --threads 1)
    echo "$w1 $w2" >>"$tmp/rows"
    awk -v i="$i" -v a="$w1" -v b="$w2" 'BEGIN { printf "%-6s %9.2f %9.2f %9.2f\n", i, a, b, a / b }'
    i=$((i + 1))
done
start=$(timed 2 run tests/fixtures/e2e/small --headless --runs 2 --threads 1)
# median COLUMN: the median of a column of rows (1, 2, or 3: the ratio).
median() {
    awk -v c="$1" '{ print c == 3 ? $1 / $2 : $c }' "$tmp/rows" | sort -g |
        awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
m1=$(median 1) m2=$(median 2) ms=$(median 3)
echo
printf '%-6s %8s %9s %9s %11s\n' ranks threads wall_s speed-up efficiency
printf '%-6s %8s %9.2f %9.2f %10.0f%%\n' 1 1 "$m1" 1 100
awk -v b="$m2" -v s="$ms" 'BEGIN { printf "%-6s %8s %9.2f %9.2f %10.0f%%\n", 2, 1, b, s, 50 * s }'
awk -v a="$m1" -v b="$m2" -v r="$runs" -v s="$start" -v x="$ms" 'BEGIN {
    printf "one run on one thread: %.1f ms (1 rank: median wall / runs)\n", 1000 * a / r
    printf "mpirun start-up and end, 2 ranks (a job of 2 short runs): %.2f s\n", s
    printf "2 ranks beyond half of 1 rank: %.2f s (medians)\n", b - a / 2
    printf "target, 2 ranks of 1 thread >= 1.80x one rank: %s\n", (x >= 1.8) ? "met" : "NOT met"
}'
