#!/bin/sh
# End-to-end: docs/model.md §7 — same binary, scenario and seed give the same
# bytes whatever the number of threads (but in manifest.csv, which records
# the threads and the command line); run r depends only on (seed, r).
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/determinism.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
ROOT=$(pwd)
case $COINSIM in /*) BIN=$COINSIM ;; *) BIN=$ROOT/$COINSIM ;; esac
S=$ROOT/tests/fixtures/e2e/small
BASE=$ROOT/scenarios/baseline
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fails=0
FILES="summary.csv timeseries.csv runs.csv pack_sales.csv" # at least these; every file is compared

ok() { echo "ok - $1"; }
bad() {
    echo "not ok - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    fails=$((fails + 1))
}

# go NAME ARGS...: run coinsim in its own directory $T/NAME with --out out,
# so that the printed "wrote out/..." line is the same for every NAME.
# Leaves stdout in $T/NAME/stdout, stderr in $T/NAME/stderr.
go() {
    name=$1
    shift
    mkdir -p "$T/$name"
    (cd "$T/$name" && "$BIN" run "$@" --headless --out out >stdout 2>stderr; echo $? >rc)
}
# same NAME A B [threads]: A's and B's output files (scenario/ too) and
# stdout are byte-identical, all but manifest.csv, which records how each
# job was invoked; with "threads" (the two differ in --threads alone),
# their manifests differ in no row but threads and command_line.
same() {
    why=
    for x in $2 $3; do
        [ "$(cat "$T/$x/rc")" = 0 ] || why="$why$x exited $(cat "$T/$x/rc"): $(head -n 2 "$T/$x/stderr" | tr -c "[:print:]" "?"); "
    done
    for f in $FILES manifest.csv scenario/params.csv; do
        [ -f "$T/$2/out/$f" ] || why="$why$2 wrote no $f; "
    done
    diff -r -x manifest.csv "$T/$2/out" "$T/$3/out" >"$T/diff" 2>&1 ||
        why="$why$(head -n 3 "$T/diff" | tr '\n' ' '); "
    if [ "${4:-}" = threads ]; then
        for x in $2 $3; do
            grep -v '^threads,\|^command_line,' "$T/$x/out/manifest.csv" >"$T/$x/manifest.rest"
            [ "$(grep -c '^threads,\|^command_line,' "$T/$x/out/manifest.csv")" = 2 ] ||
                why="$why$x's manifest.csv lacks threads or command_line; "
        done
        cmp -s "$T/$2/manifest.rest" "$T/$3/manifest.rest" ||
            why="${why}manifest.csv differs beyond threads and command_line: $(diff "$T/$2/manifest.rest" "$T/$3/manifest.rest" | sed -n 2p); "
    fi
    [ -s "$T/$2/stdout" ] || why="${why}no stdout; "
    cmp -s "$T/$2/stdout" "$T/$3/stdout" || why="${why}stdout differs; "
    if [ -z "$why" ]; then ok "$1"; else bad "$1" "$why"; fi
}

go t1 "$S" --runs 6 --seed 7 --threads 1
go t2 "$S" --runs 6 --seed 7 --threads 2
go t5 "$S" --runs 6 --seed 7 --threads 5
go t8 "$S" --runs 6 --seed 7 --threads 8
go t2b "$S" --runs 6 --seed 7 --threads 2
go dflt "$S" --runs 6 --seed 7
same "small, 6 runs, seed 7: --threads 1 and --threads 2 give the same bytes" t1 t2 threads
same "small, 6 runs, seed 7: --threads 1 and --threads 5 give the same bytes" t1 t5 threads
same "small, 6 runs, seed 7: --threads 8 (more threads than runs) gives the same bytes" t1 t8 threads
same "small, 6 runs, seed 7: --threads 2 twice gives the same bytes" t2 t2b threads
same "small, 6 runs, seed 7: default threads give the same bytes" t1 dflt threads

go s8 "$S" --runs 6 --seed 8 --threads 2
if [ -f "$T/s8/out/timeseries.csv" ] && [ -f "$T/t1/out/timeseries.csv" ] &&
    ! cmp -s "$T/s8/out/timeseries.csv" "$T/t1/out/timeseries.csv" &&
    ! cmp -s "$T/s8/out/summary.csv" "$T/t1/out/summary.csv"; then
    ok "seed 8 gives other figures than seed 7"
else
    bad "seed 8 gives other figures than seed 7" "timeseries.csv or summary.csv identical, or missing"
fi

# The seed may come from the scenario, --seed or --set seed=.
go setseed "$S" --runs 6 --set seed=7 --threads 2
same "--set seed=7 equals --seed 7" t1 setseed

go r3 "$S" --runs 3 --seed 7 --threads 2
go set3 "$S" --set runs=3 --seed 7 --threads 1
go prm3 "$S" --set params.runs=3 --seed 7 --threads 1
same "--set runs=3 equals --runs 3" r3 set3
same "--set params.runs=3 equals --runs 3" r3 prm3

# An option given twice: the last one counts. The long spellings make the
# second value's copy a different allocation size from the first's.
go r3twice "$S" --seed 7 --runs 2 --runs 00000000000000003 --threads 2
same "--runs 2 --runs 00000000000000003 equals --runs 3 (the last --runs counts)" r3 r3twice
go s7twice "$S" --runs 6 --seed 5 --seed 00000000000000007 --threads 1
same "--seed 5 --seed 00000000000000007 equals --seed 7 (the last --seed counts)" t1 s7twice

# Run r is a function of (seed, r) alone: the first 3 runs of a 6-run
# simulation are the 3 runs of a 3-run one, row for row.
prefix() {
    f=$1 n=$2
    [ -f "$T/r3/out/$f" ] && [ -f "$T/t1/out/$f" ] || { echo "missing $f"; return 1; }
    head -n "$n" "$T/t1/out/$f" >"$T/head6"
    cmp -s "$T/head6" "$T/r3/out/$f" || { cmp "$T/head6" "$T/r3/out/$f"; return 1; }
}
for pair in "runs.csv 4" "timeseries.csv 61"; do
    # shellcheck disable=SC2086
    set -- $pair
    if why=$(prefix "$1" "$2"); then
        ok "runs 1-3 of --runs 6 are the rows of --runs 3 in $1"
    else
        bad "runs 1-3 of --runs 6 are the rows of --runs 3 in $1" "$why"
    fi
done

# The full baseline scenario (100000 viewers, 1000 creators, 90 steps).
go b1 "$BASE" --runs 20 --seed 7 --threads 1
go b2 "$BASE" --runs 20 --seed 7 --threads 2
same "baseline, 20 runs, seed 7: --threads 1 and --threads 2 give the same bytes" b1 b2 threads

[ "$fails" -eq 0 ]
