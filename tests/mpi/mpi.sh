#!/bin/sh
# make test-mpi: ./coinsim-mpi under mpirun against ./coinsim, one process.
# For 1, 2 and 3 ranks (oversubscribed: this machine may have 2 cores),
# every output file and stdout are the same bytes as one process's: run
# (with an event log), compare with --until-ci, sweep and fit. Then the
# faults: a rank that breaks a ledger identity (status 3), a rank that is
# killed, bad input, SIGINT on mpirun; and what stays on one machine.
#
# Byte identity is checked whole, manifest.csv included: each side runs in
# its own directory as ./coinsim (a link to its binary), with the same
# absolute scenario path and the same relative --out, so even the command
# line each manifest records is the same.
# usage (from the repository root): COINSIM=./coinsim COINSIM_MPI=./coinsim-mpi sh tests/mpi/mpi.sh
set -u
. tests/e2e/lib.sh
ROOT=$(pwd)
ONE=$(cd "$(dirname "${COINSIM:-./coinsim}")" && pwd)/$(basename "${COINSIM:-./coinsim}")
MANY=$(cd "$(dirname "${COINSIM_MPI:-./coinsim-mpi}")" && pwd)/$(basename "${COINSIM_MPI:-./coinsim-mpi}")
S=$ROOT/tests/fixtures/e2e/small
B=$ROOT/scenarios/baseline
# No test here is timed; a bound far above any job's length only keeps a
# hang from blocking what runs after it.
MPIRUN="timeout -k 20 1200 mpirun --oversubscribe"
[ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"

mkdir -p "$T/one" "$T/many"
ln -s "$ONE" "$T/one/coinsim"
ln -s "$MANY" "$T/many/coinsim"

# one NAME ARGS...: ./coinsim ARGS in $T/one/NAME; many NAME NP ARGS...:
# mpirun -np NP ./coinsim ARGS in $T/many/NAME (the MPI build).
one() {
    d=$T/one/$1
    shift
    rm -rf "$d" && mkdir -p "$d" && ln -s ../coinsim "$d/coinsim"
    (cd "$d" && ./coinsim "$@" >stdout 2>stderr)
    echo $? >"$d/rc"
}
many() {
    d=$T/many/$1 np=$2
    shift 2
    rm -rf "$d" && mkdir -p "$d" && ln -s ../coinsim "$d/coinsim"
    (cd "$d" && $MPIRUN -np "$np" ./coinsim "$@" >stdout 2>stderr)
    echo $? >"$d/rc"
}
# same A B: both ran with status 0, wrote the same files (every byte, the
# manifests and the saved scenarios too) and printed the same stdout.
same() {
    a=$T/one/$1 b=$T/many/$2
    [ "$(cat "$a/rc")" = 0 ] || { echo "one process: status $(cat "$a/rc"): $(head -c 300 "$a/stderr")"; return 1; }
    [ "$(cat "$b/rc")" = 0 ] || { echo "mpirun: status $(cat "$b/rc"): $(head -c 300 "$b/stderr")"; return 1; }
    [ -d "$a/out" ] && [ -n "$(ls "$a/out")" ] || { echo "one process wrote nothing in out/"; return 1; }
    diff -r "$a/out" "$b/out" >"$T/d" 2>&1 || { echo "the files differ:"; head -n 6 "$T/d"; return 1; }
    cmp "$a/stdout" "$b/stdout" || { diff "$a/stdout" "$b/stdout" | head -n 6; return 1; }
    for f in "$a"/*.csv; do # an event log beside out/
        [ -f "$f" ] || continue
        cmp "$f" "$b/$(basename "$f")" || return 1
    done
}

# --- byte identity ------------------------------------------------------------

# at123 NAME WHAT ARGS...: ARGS in one process (NAME), then under mpirun
# at 1, 2 and 3 ranks (NAME1, NAME2, NAME3), each checked against it.
# (Shell functions share their variables: these names are at123's own.)
at123() {
    at_name=$1 at_what=$2
    shift 2
    one "$at_name" "$@"
    for at_np in 1 2 3; do
        many "$at_name$at_np" "$at_np" "$@"
        check "$at_what: $at_np rank(s) write what one process does, byte for byte" \
            same "$at_name" "$at_name$at_np"
    done
}

RUN="run $S --runs 7 --out out --events ev.csv --events-run 5"
# shellcheck disable=SC2086 # the arguments are words
at123 run "run, 7 runs of 2 threads, events of run 5" $RUN --threads 2
# Another thread count: the same bytes but for the threads manifest.csv
# records (its threads row, and --threads in its command line).
# shellcheck disable=SC2086
many run3t1 3 $RUN --threads 1
sed -i -e 's/^threads,1$/threads,2/' -e 's/ --threads 1$/ --threads 2/' "$T/many/run3t1/out/manifest.csv"
check "run: 3 ranks of 1 thread write what one process of 2 threads does (but the threads recorded)" \
    same run run3t1

CMP="compare $S --set-b commission=0.45 --runs 4 --until-ci 5 --threads 2 --out out"
# shellcheck disable=SC2086
at123 cmp "compare --until-ci 5, batches of 4 (the same runs before it stops)" $CMP
check "compare --until-ci took several batches (else it tests no agreement)" \
    sh -c "grep -q 'reached after [0-9]* runs' '$T/one/cmp/stdout' && ! grep -q 'after 4 runs' '$T/one/cmp/stdout'"

SWP="sweep $S --vary commission=0.3:0.7:0.1 --vary p_cashout=0.1:0.3:0.1 --runs 5 --threads 2 --out out"
# shellcheck disable=SC2086
at123 swp "sweep, 15 points of 5 runs" $SWP

# Progress: rank 0's stderr goes through mpirun (no terminal), so the
# whole job's progress is a line at each tenth.
check "sweep under mpirun: rank 0 reports the whole job's progress, a line a tenth, up to 100%" \
    sh -c "grep -q '^coinsim: sweep 75 of 75 runs (100%)\$' '$T/many/swp2/stderr' &&
        [ \$(grep -c '^coinsim: sweep ' '$T/many/swp2/stderr') -le 11 ]"

# The issue's own check: the baseline, five commissions, 12 runs each.
DONE="sweep $B --vary commission=0.3:0.7:0.1 --runs 12 --out out"
# shellcheck disable=SC2086
one done $DONE
# shellcheck disable=SC2086
many done3 3 $DONE
check "sweep of the baseline, commission 0.3 to 0.7, 12 runs: mpirun -np 3 writes what one process does" same done done3

FIT="fit $S --runs 8 --seed 1 --target payer_rate=0.06 --target segments.casual.payer_rate=0.03
    --set segments.casual.alpha=-7 --free segments.casual.alpha=-8:-3 --max-evals 30 --threads 2 --out out"
# shellcheck disable=SC2086
one fit $FIT
# shellcheck disable=SC2086
many fit2 2 $FIT
check "fit, 30 evaluations: 2 ranks search the same points and write the same fit" same fit fit2

# Without mpirun, the MPI build is the plain program.
rm -rf "$T/plain" && mkdir -p "$T/plain" && ln -s "$MANY" "$T/plain/coinsim"
(cd "$T/plain" && ./coinsim run "$S" --runs 7 --out out --events ev.csv --events-run 5 --threads 2 \
    >stdout 2>stderr; echo $? >rc)
rm -rf "$T/many/plain" && mv "$T/plain" "$T/many/plain"
check "without mpirun, ./coinsim-mpi is ./coinsim: same bytes" same run plain

# --- faults: loud, whole, nothing written --------------------------------------

# untouched DIR: DIR holds exactly the file "old" with "before".
untouched() {
    [ "$(ls -A "$1")" = old ] && [ "$(cat "$1/old")" = before ] || { ls -A "$1"; return 1; }
}
prior() { rm -rf "$T/prev" && mkdir -p "$T/prev" && echo before >"$T/prev/old"; }
# No rank of a job may outlive it: wait for every coinsim-mpi process whose
# working directory is under $T to end (polled; a generous bound).
gone() {
    i=0
    while [ $i -lt 600 ]; do
        left=""
        for p in $(pgrep -x coinsim 2>/dev/null); do
            case $(readlink "/proc/$p/cwd" 2>/dev/null) in "$T"/*) left="$left $p" ;; esac
        done
        [ -z "$left" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "still running:$left"
    return 1
}

# mpi [VAR=VALUE...] ARGS...: run (lib.sh) mpirun ARGS in $T/many, where
# ./coinsim is the MPI build.
mpi() {
    cd "$T/many" || exit 1
    run env "$@"
    cd "$ROOT" || exit 1
}

prior
# Rank 0 hands the runs out as the ranks ask, so which runs rank 1 takes
# depends on timing, and the run named is any of them. Rank 1 asks at once
# and rank 0 answers within milliseconds: 30 runs of the baseline (seconds
# of work) are far more than rank 0 could run before the answer.
mpi COINSIM_TEST_FAULT_STEP=3 COINSIM_TEST_FAULT_RANK=1 $MPIRUN -np 3 ./coinsim run "$B" --runs 30 \
    --threads 1 --check --out "$T/prev"
if [ "$rc" -eq 3 ] && grep -q '^coinsim: ledger identity broken in run [0-9]* after step 3: ' "$T/err"; then
    ok "a rank that breaks a ledger identity: the job ends with status 3 and the identity named"
else
    notok "a rank that breaks a ledger identity: the job ends with status 3 and the identity named"
fi
check "a rank that breaks a ledger identity: --out is as it was" untouched "$T/prev"
check "a rank that breaks a ledger identity: its message is printed once (rank 0 speaks)" \
    test "$(grep -c 'ledger identity broken' "$T/err")" = 1
check "a rank that breaks a ledger identity: no rank is left running" gone

# Every run broken (a fault on every rank): the lowest failing run is
# named, as one process names it, whichever rank ran it.
COINSIM_TEST_FAULT_STEP=3 "$ONE" run "$S" --runs 6 --check --threads 2 >/dev/null 2>"$T/err1"
mpi COINSIM_TEST_FAULT_STEP=3 $MPIRUN -np 3 ./coinsim run "$S" --runs 6 --check --threads 2
check "every run broken: 3 ranks stop with status 3 and name the run one process names (run 1)" \
    sh -c "[ $rc -eq 3 ] && grep -q '^coinsim: ledger identity broken in run 1 after step 3: ' '$T/err1' &&
        grep '^coinsim: ledger' '$T/err' | cmp -s - '$T/err1'"

prior
mpi COINSIM_TEST_KILL_RANK=1 $MPIRUN -np 3 ./coinsim run "$S" --runs 6 --out "$T/prev" --events "$T/prev/ev.csv"
if [ "$rc" -ne 0 ] && grep -q 'rank 1 .*exited on signal 9' "$T/err"; then
    ok "a rank that is killed (as by the OOM killer): the job fails, mpirun names the rank"
else
    notok "a rank that is killed (as by the OOM killer): the job fails, mpirun names the rank"
fi
check "a rank that is killed: --out is as it was, no event log" untouched "$T/prev"
check "a rank that is killed: no rank is left running" gone

mpi $MPIRUN -np 2 ./coinsim run "$S" --runs 0
if [ "$rc" -eq 2 ] && [ "$(grep -c -- '--runs' "$T/err")" = 1 ]; then
    ok "a bad argument under mpirun: status 2, said once"
else
    notok "a bad argument under mpirun: status 2, said once"
fi
mkdir -p "$T/badsc" && cp "$S"/*.csv "$T/badsc/" && sed -i 's/^steps,.*/steps,-4/' "$T/badsc/params.csv"
mpi $MPIRUN -np 2 ./coinsim run "$T/badsc" --out "$T/prev"
if [ "$rc" -eq 2 ] && [ "$(grep -c 'params.csv:[0-9]*: ' "$T/err")" = 1 ]; then
    ok "a scenario that does not validate under mpirun: status 2, FILE:LINE said once"
else
    notok "a scenario that does not validate under mpirun: status 2, FILE:LINE said once"
fi

# Ranks that read different scenarios (a node with another copy): one rank
# runs the small scenario, the other the same with another commission.
mkdir -p "$T/other" && cp "$S"/*.csv "$T/other/" && sed -i 's/^commission,.*/commission,0.45/' "$T/other/params.csv"
mpi $MPIRUN -np 1 ./coinsim run "$S" --runs 4 --out "$T/prev" : -np 1 ./coinsim run "$T/other" --runs 4 --out "$T/prev"
if [ "$rc" -eq 2 ] && grep -q '^coinsim: the ranks of the MPI job were given different work' "$T/err"; then
    ok "ranks given different scenarios: status 2, said, nothing run"
else
    notok "ranks given different scenarios: status 2, said, nothing run"
fi

# interrupt WHAT READY ARGS...: mpirun -np 2 ./coinsim ARGS --out $T/prev
# in the background (prior to it, $T/prev holds "old"), SIGINT to mpirun
# once the shell test READY holds (polled, at most 5 minutes), then: a
# failing status, --out as it was, no rank left. (Rank 0 says "coinsim:
# interrupted ..." but mpirun, ending, may not pass it on.)
interrupt() {
    int_what=$1 int_ready=$2
    shift 2
    prior
    cd "$T/many" || exit 1
    $MPIRUN -np 2 ./coinsim "$@" --out "$T/prev" >"$T/out" 2>"$T/err" &
    job=$!
    cd "$ROOT" || exit 1
    i=0
    until eval "$int_ready" || [ $i -ge 3000 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -INT $job
    wait $job
    rc=$?
    if [ $i -lt 3000 ] && [ "$rc" -ne 0 ]; then
        ok "SIGINT on mpirun during $int_what: the job ends with a failing status"
    else
        notok "SIGINT on mpirun during $int_what: the job ends with a failing status" "waited $i tenths of a second"
    fi
    check "SIGINT on mpirun during $int_what: --out is as it was (no file, no temporary file)" \
        untouched "$T/prev"
    check "SIGINT on mpirun during $int_what: no rank is left running" gone
}

# The runs, once under way: the event log's temporary file grows as run 1
# is simulated on rank 0.
interrupt "the runs" '[ -n "$(find "$T/prev" -name ".ev.csv.*" -size +0 2>/dev/null)" ]' \
    run "$B" --runs 2000 --threads 1 --events "$T/prev/ev.csv"
# A fit, once its second evaluation is reported: one process would write
# its best point so far; under mpirun, whose SIGKILL follows its SIGTERM,
# nothing is written.
interrupt "a fit" 'grep -q "^coinsim: fit evaluation 2:" "$T/err" 2>/dev/null' \
    fit "$B" --runs 20 --threads 1 --target payer_rate=0.06 --free segments.casual.alpha=-8:-3 \
    --max-evals 200

# --- what stays on one machine -------------------------------------------------

mpi $MPIRUN -np 2 ./coinsim run "$S" --runs 2
if [ "$rc" -eq 0 ] && [ "$(grep -c 'the dashboard runs on one machine only' "$T/err")" = 1 ] &&
    grep -q '^payer_rate ' "$T/out"; then
    ok "run under mpirun -np 2 without --headless: says the dashboard is local, prints the table"
else
    notok "run under mpirun -np 2 without --headless: says the dashboard is local, prints the table"
fi
for c in tour bench; do
    mpi $MPIRUN -np 2 ./coinsim $c "$S"
    if [ "$rc" -eq 2 ] && [ "$(grep -c "^coinsim $c: runs on one machine only" "$T/err")" = 1 ]; then
        ok "$c under mpirun -np 2: refused with status 2, said once"
    else
        notok "$c under mpirun -np 2: refused with status 2, said once"
    fi
done

exit $((fails > 0))
