#!/bin/sh
# End-to-end: SIGINT or SIGTERM stops a headless job within a second, with
# one line saying what was and was not written, and the process then ends
# by that signal (status 130 or 143, as a shell sees it); files already in
# --out stay as they were and no temporary file is left; a second signal
# ends the process at once.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/interrupt.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# An --out directory holding an earlier result.
prior() {
    rm -rf "$T/prev"
    mkdir "$T/prev"
    printf 'metric,mean\nkeep,me\n' >"$T/prev/$1"
}
# The earlier result untouched and nothing else there (no temporary file).
prior_intact() {
    [ "$(ls -A "$T/prev")" = "$1" ] && [ "$(sed -n 2p "$T/prev/$1")" = keep,me ]
}

# start CMD...: run it in the background, its pid in $pid.
start() {
    "$@" >"$T/out" 2>"$T/err" &
    pid=$!
}
# threads_at_least N: wait (up to 20 s) until the process runs N threads,
# which it does once its workers are simulating.
threads_at_least() {
    n=0
    while [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -lt "$1" ]; do
        [ $n -ge 200 ] && return 1
        sleep 0.1
        n=$((n + 1))
    done
}
# appears GLOB: wait (up to 20 s) until a file matching GLOB exists.
appears() {
    n=0
    while ! ls $1 >/dev/null 2>&1; do
        [ $n -ge 200 ] && return 1
        sleep 0.1
        n=$((n + 1))
    done
}
# stop SIG: send SIG, wait for the exit; its status in $rc, the status
# dying of SIG gives in $want_rc (128 + 2 or 15), and the time from the
# signal to the exit in $ms.
stop() {
    t0=$(now_ms)
    kill -"$1" "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
    ms=$(($(now_ms) - t0))
    case $1 in INT) want_rc=130 ;; TERM) want_rc=143 ;; esac
}
# held SIG...: with the process stopped, send each SIG, then let it go on,
# so that the signals land where it was, however fast the machine; its
# status in $rc and the time from going on to its exit in $ms.
held() {
    kill -STOP "$pid"
    for sig; do kill -"$sig" "$pid"; done
    t0=$(now_ms)
    kill -CONT "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
    ms=$(($(now_ms) - t0))
}
first_line() { sed -n 1p "$T/err"; }

# --- a large world: 10 M viewers, two runs on two threads -------------------------

prior summary.csv
start "$COINSIM" run scenarios/bench-10m --headless --runs 2 --threads 2 --out "$T/prev"
threads_at_least 3 && sleep 0.5
stop INT
want="coinsim: interrupted after 0 of 2 runs; nothing was written to $T/prev (files already there are unchanged)"
name="SIGINT in bench-10m (10M viewers): ends by SIGINT within a second, what was written said, --out as it was"
if [ "$rc" -ne 130 ]; then
    notok "$name" "expected status 130 (SIGINT)"
elif [ "$ms" -gt 1000 ]; then
    notok "$name" "took $ms ms from the signal to the exit"
elif [ "$(first_line)" != "$want" ]; then
    notok "$name" "expected: $want"
elif ! prior_intact summary.csv; then
    notok "$name" "--out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
elif [ -s "$T/out" ]; then
    notok "$name" "expected nothing on stdout"
else
    ok "$name ($ms ms)"
fi

# --- many short runs: SIGTERM the same ---------------------------------------------

prior summary.csv
start "$COINSIM" run scenarios/baseline --headless --runs 2000 --threads 2 --out "$T/prev" --events "$T/ev.csv"
threads_at_least 3 && sleep 1
stop TERM
name="SIGTERM among 2000 runs: ends by SIGTERM (143) within a second; neither --out nor --events written"
case $(first_line) in
"coinsim: interrupted after "[0-9]*" of 2000 runs; nothing was written to $T/prev (files already there are unchanged) and $T/ev.csv was not written")
    line_ok=1 ;;
*) line_ok=0 ;;
esac
if [ "$rc" -eq 143 ] && [ "$ms" -le 1000 ] && [ $line_ok = 1 ] && prior_intact summary.csv && [ ! -e "$T/ev.csv" ]; then
    ok "$name ($ms ms)"
else
    notok "$name" "took $ms ms; --out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
fi

# --- no --out: nothing was written ----------------------------------------------------

start "$COINSIM" run scenarios/baseline --headless --runs 2000 --threads 2
threads_at_least 3 && sleep 0.5
stop INT
case $(first_line) in
"coinsim: interrupted after "[0-9]*" of 2000 runs; nothing was written") line_ok=1 ;;
*) line_ok=0 ;;
esac
if [ "$rc" -eq 130 ] && [ $line_ok = 1 ] && [ ! -s "$T/out" ]; then
    ok "SIGINT without --out: status 130, \"nothing was written\""
else
    notok "SIGINT without --out: status 130, \"nothing was written\""
fi

# --- while the event log is being written: after the runs ----------------------------

prior summary.csv
rm -f "$T/ev.csv"
start "$COINSIM" run scenarios/promo-bonus --headless --runs 1 --threads 1 --out "$T/prev" --events "$T/ev.csv"
# Held as soon as the log's temporary file appears.
appears "$T/.ev.csv.*"
held INT
want="coinsim: interrupted while writing the event log (all 1 runs were done); nothing was written to $T/prev (files already there are unchanged) and $T/ev.csv was not written"
name="SIGINT while the event log is written: status 130, neither file written, no temporary file left"
if [ "$rc" -eq 130 ] && [ "$(first_line)" = "$want" ] && prior_intact summary.csv && [ ! -e "$T/ev.csv" ] &&
    [ -z "$(ls -A "$T" | grep '^\.ev\.csv')" ]; then
    ok "$name"
else
    notok "$name" "expected: $want"
fi

# --- while the output files are being written -----------------------------------------

# 3000 runs of 300 steps write a timeseries.csv of about 100 MB, for a
# second or so: the process is held as soon as its temporary file shows.
prior summary.csv
start "$COINSIM" run tests/fixtures/e2e/small --headless --runs 3000 --set steps=300 --set viewers=10 --set creators=5 \
    --threads 2 --out "$T/prev"
n=0
while ! ls "$T/prev"/.timeseries.csv.* >/dev/null 2>&1 && [ $n -lt 3000 ]; do
    sleep 0.01
    n=$((n + 1))
done
held INT
want="coinsim: interrupted while writing the output files; nothing was written to $T/prev (files already there are unchanged)"
name="SIGINT while timeseries.csv is written: stops within a second, no file renamed, temporary files removed"
if [ "$rc" -eq 130 ] && [ "$ms" -le 1000 ] && [ "$(first_line)" = "$want" ] && prior_intact summary.csv; then
    ok "$name ($ms ms)"
else
    notok "$name" "took $ms ms; --out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
fi

# --- a second signal: at once ---------------------------------------------------------

# Held stopped, the process gets SIGINT and SIGTERM together: the second
# handled ends it before the first could be acted on, whatever the timing.
prior summary.csv
rm -f "$T/ev.csv"
start "$COINSIM" run scenarios/promo-bonus --headless --runs 1 --threads 1 --out "$T/prev" --events "$T/ev.csv"
appears "$T/.ev.csv.*"
held INT TERM
name="a second signal: ends at once by it (130 or 143), \"interrupted again\", temporary files removed"
if { [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; } && grep -q '^coinsim: interrupted again: stopped at once; files not complete were removed$' "$T/err" &&
    [ "$ms" -le 500 ] && prior_intact summary.csv && [ ! -e "$T/ev.csv" ] &&
    [ -z "$(ls -A "$T" | grep '^\.ev\.csv')" ]; then
    ok "$name ($ms ms)"
else
    notok "$name" "took $ms ms; left: $(ls -A "$T" | tr '\n' ' ')"
fi

# --- compare, sweep and replay stop the same way --------------------------------------

# stopped_ok NAME PATTERN FILE: exit 130 within a second of the signal, the
# first stderr line matching the shell pattern PATTERN, and --out holding
# only its earlier FILE.
stopped_ok() {
    # shellcheck disable=SC2254 # $2 is a pattern on purpose
    case $(first_line) in $2) line_ok=1 ;; *) line_ok=0 ;; esac
    if [ "$rc" -eq "$want_rc" ] && [ "$ms" -le 1000 ] && [ $line_ok = 1 ] && prior_intact "$3"; then
        ok "$1 ($ms ms)"
    else
        notok "$1" "took $ms ms; first line: $(first_line)"
    fi
}
nothing_in_prev="nothing was written to $T/prev (files already there are unchanged)"

prior compare.csv
start "$COINSIM" compare scenarios/baseline scenarios/price-cut --runs 2000 --threads 2 --out "$T/prev"
threads_at_least 3 && sleep 0.5
stop INT
stopped_ok "compare: SIGINT stops it within a second, compare.csv as it was" \
    "coinsim: interrupted after [0-9]* pairs of runs (in [AB]'s runs [0-9]* to [0-9]*); $nothing_in_prev" compare.csv

prior sweep.csv
start "$COINSIM" sweep scenarios/baseline --vary commission=0.3:0.6:0.05 --runs 200 --threads 2 --out "$T/prev"
threads_at_least 3 && sleep 0.5
stop TERM
stopped_ok "sweep: SIGTERM stops it within a second, sweep.csv as it was" \
    "coinsim: interrupted after [0-9]* of 1400 runs; $nothing_in_prev" sweep.csv

# A log of a year of the baseline (about 4 million events) replays for
# seconds: stopped between two steps.
"$COINSIM" run scenarios/baseline --headless --runs 1 --set steps=365 --events "$T/year.csv" >/dev/null 2>&1
prior summary.csv
start "$COINSIM" replay "$T/year.csv" --scenario scenarios/baseline --set steps=365 --out "$T/prev"
sleep 0.5
stop INT
stopped_ok "replay: SIGINT stops it within a second, --out as it was" \
    "coinsim: interrupted after [0-9]* of 365 steps; $nothing_in_prev" summary.csv

[ "$fails" -eq 0 ]
