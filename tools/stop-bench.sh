#!/bin/sh
# How fast a signal stops a job: part of make bench, not a test (the suite
# only checks that a stop takes a small part of the job; see
# tests/e2e/interrupt.sh). For each case the job is started, signalled with
# SIGINT as soon as it is ready (handlers installed, workers running), and
# the time from the signal to the process's exit is taken; the median of
# REPEAT (default 5) tries is printed beside the job's own time to the end,
# measured once.
# usage: tools/stop-bench.sh [BIN]
set -u
bin=${1:-./coinsim}
repeat=${REPEAT:-5}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ready N: the process at $pid catches SIGINT and SIGTERM and runs N threads.
ready() {
    while :; do
        cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
        [ -z "$cgt" ] && return 1
        low=${cgt#"${cgt%????}"}
        [ $((0x$low & 0x4002)) -eq $((0x4002)) ] &&
            [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -ge "$1" ] && return 0
        sleep 0.01
    done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# case NAME THREADS ARGS...: one row.
bench_case() {
    name=$1 nthreads=$2
    shift 2
    t0=$(now_ms)
    "$bin" "$@" >/dev/null 2>&1
    whole=$(($(now_ms) - t0))
    : >"$T/ms"
    i=0
    while [ $i -lt "$repeat" ]; do
        "$bin" "$@" >/dev/null 2>&1 &
        pid=$!
        if ready "$nthreads"; then
            t0=$(now_ms)
            kill -INT "$pid"
            wait "$pid" 2>/dev/null
            echo $(($(now_ms) - t0)) >>"$T/ms"
        else
            wait "$pid" 2>/dev/null
        fi
        i=$((i + 1))
    done
    printf '%-44s %10s %10s\n' "$name" "$(median <"$T/ms")" "$whole"
}

printf '%-44s %10s %10s\n' "signal to exit (median of $repeat)" "stop_ms" "job_ms"
bench_case "bench-10m, first step, 2 runs on 2 threads" 3 \
    run scenarios/bench-10m --headless --set steps=1 --runs 2 --threads 2
bench_case "baseline, 200 runs on 2 threads" 3 \
    run scenarios/baseline --headless --runs 200 --threads 2
bench_case "compare baseline price-cut, 100 pairs" 3 \
    compare scenarios/baseline scenarios/price-cut --runs 100 --threads 2
