#!/bin/sh
# End-to-end: SIGINT or SIGTERM stops a headless job promptly, with one
# line saying what was and was not written, and the process then ends by
# that signal (status 130 or 143, as a shell sees it); files already in
# --out stay as they were and no temporary file is left; a second signal
# ends the process at once.
#
# Nothing here asserts a time, not even one relative to a measured slice
# of the job: load from other work on the machine comes and goes between
# the measure and the stop, and such a check once failed for that alone. A
# job is signalled only once it is ready (its handlers are installed, which
# /proc/PID/status shows, and its workers run), never after a bare sleep.
# "Promptly" is counted in work: the line the job leaves says how much of
# it was done (runs, pairs, steps), and that must be a small part of the
# whole, or nothing beyond the step under way. The stop's own speed is a
# figure of make bench (tools/stop-bench.sh), not a test.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/interrupt.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh


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
# ready [N]: wait until the process is coinsim (not the shell's child it
# is forked as: that child still has the script's INT and TERM trap until
# it execs, and a signal it caught there would be lost), catches SIGINT
# and SIGTERM (bits 2 and 15 of SigCgt in /proc/PID/status) and, with N,
# runs at least N threads (its workers are simulating). Polls for up to
# 120 s; fails if the process ended first.
EXE=$(readlink -f "$COINSIM")
ready() {
    n=0
    while :; do
        cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
        [ -z "$cgt" ] && return 1                   # gone
        low=${cgt#"${cgt%????}"}                    # the last 16 signals
        if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$EXE" ] &&
            [ $((0x$low & 0x4002)) -eq $((0x4002)) ] &&
            [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -ge "${1:-1}" ]; then
            return 0
        fi
        [ $n -ge 1200 ] && return 1
        sleep 0.1
        n=$((n + 1))
    done
}
# appears GLOB: wait (up to 120 s) until a file matching GLOB exists.
appears() {
    n=0
    while ! ls $1 >/dev/null 2>&1; do
        [ $n -ge 12000 ] && return 1
        sleep 0.01
        n=$((n + 1))
    done
}
# stop SIG: send SIG, wait for the exit; its status in $rc, the status
# dying of SIG gives in $want_rc (128 + 2 or 15).
stop() {
    kill -"$1" "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
    case $1 in INT) want_rc=130 ;; TERM) want_rc=143 ;; esac
}
# held SIG...: with the process stopped, send each SIG, then let it go on,
# so that the signals land where it was, however fast the machine; its
# status in $rc.
held() {
    kill -STOP "$pid"
    for sig; do kill -"$sig" "$pid"; done
    kill -CONT "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
}
first_line() { sed -n 1p "$T/err"; }
# done_under MAX: whether the first stderr line, "coinsim: interrupted
# after N ...", counts N below MAX: the work done before the stop.
done_under() {
    n_done=$(first_line | sed -n 's/^coinsim: interrupted after \([0-9]*\) .*/\1/p')
    [ -n "$n_done" ] && [ "$n_done" -lt "$1" ]
}

# --- a large world: 10 M viewers, two runs on two threads -------------------------

# One step over 10M viewers whose records are touched for the first time
# takes seconds: the engine must give it up within the step. Each run is
# that one step, so "0 of 2 runs" says neither run got to its end.
BIG="run scenarios/bench-10m --headless --set steps=1 --runs 2 --threads 2"
prior summary.csv
# shellcheck disable=SC2086
start "$COINSIM" $BIG --out "$T/prev"
ready 3
stop INT
want="coinsim: interrupted after 0 of 2 runs; nothing was written to $T/prev (files already there are unchanged)"
name="SIGINT within the first step of bench-10m (10M viewers): ends by SIGINT inside that step, what was written said, --out as it was"
if [ "$rc" -ne 130 ]; then
    notok "$name" "expected status 130 (SIGINT)"
elif [ "$(first_line)" != "$want" ]; then
    notok "$name" "expected: $want"
elif ! prior_intact summary.csv; then
    notok "$name" "--out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
elif [ -s "$T/out" ]; then
    notok "$name" "expected nothing on stdout"
else
    ok "$name"
fi

# --- many short runs: SIGTERM the same ---------------------------------------------

# Signalled as soon as its workers run, the job must stop with under a
# tenth of its runs done.
prior summary.csv
start "$COINSIM" run scenarios/baseline --headless --runs 2000 --threads 2 --out "$T/prev" --events "$T/ev.csv"
ready 3
stop TERM
name="SIGTERM among 2000 runs: ends by SIGTERM (143) with under 200 runs done; neither --out nor --events written"
case $(first_line) in
"coinsim: interrupted after "[0-9]*" of 2000 runs; nothing was written to $T/prev (files already there are unchanged) and $T/ev.csv was not written")
    line_ok=1 ;;
*) line_ok=0 ;;
esac
if [ "$rc" -eq 143 ] && done_under 200 && [ $line_ok = 1 ] && prior_intact summary.csv && [ ! -e "$T/ev.csv" ]; then
    ok "$name ($n_done done)"
else
    notok "$name" "first line: $(first_line); --out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
fi

# --- no --out: nothing was written ----------------------------------------------------

start "$COINSIM" run scenarios/baseline --headless --runs 2000 --threads 2
ready 3
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

# --- while the event log is being written: as its run goes ---------------------------

prior summary.csv
rm -f "$T/ev.csv"
start "$COINSIM" run scenarios/promo-bonus --headless --runs 1 --threads 1 --out "$T/prev" --events "$T/ev.csv"
# The log is written by the run it records, from its first step: held as
# soon as the log's temporary file appears, the run is under way.
appears "$T/.ev.csv.*"
held INT
want="coinsim: interrupted after 0 of 1 runs; nothing was written to $T/prev (files already there are unchanged) and $T/ev.csv was not written"
name="SIGINT while the event log is written: status 130, neither file written, no temporary file left"
if [ "$rc" -eq 130 ] && [ "$(first_line)" = "$want" ] && prior_intact summary.csv && [ ! -e "$T/ev.csv" ] &&
    [ -z "$(ls -A "$T" | grep '^\.ev\.csv')" ]; then
    ok "$name"
else
    notok "$name" "expected: $want"
fi

# --- while the output files are being written -----------------------------------------

# 3000 runs of 300 steps write a timeseries.csv of about 100 MB: held the
# moment its temporary file shows and signalled, the job must stop the
# writing (its line says so) and rename nothing.
SMALL="run tests/fixtures/e2e/small --headless --runs 3000 --set steps=300 --set viewers=10 --set creators=5 --threads 2"
prior summary.csv
# shellcheck disable=SC2086
start "$COINSIM" $SMALL --out "$T/prev"
appears "$T/prev/.timeseries.csv.*"
held INT
want="coinsim: interrupted while writing the output files; nothing was written to $T/prev (files already there are unchanged)"
name="SIGINT while timeseries.csv is written: the writing stops, no file renamed, temporary files removed"
if [ "$rc" -eq 130 ] && [ "$(first_line)" = "$want" ] && prior_intact summary.csv; then
    ok "$name"
else
    notok "$name" "first line: $(first_line); --out holds: $(ls -A "$T/prev" | tr '\n' ' ')"
fi

# --- a second signal: at once ---------------------------------------------------------

# Held stopped, the process gets SIGINT and SIGTERM together: the second
# handled ends it before the first could be acted on, whatever the timing;
# its own line says so.
prior summary.csv
rm -f "$T/ev.csv"
start "$COINSIM" run scenarios/promo-bonus --headless --runs 1 --threads 1 --out "$T/prev" --events "$T/ev.csv"
appears "$T/.ev.csv.*"
held INT TERM
name="a second signal: ends at once by it (130 or 143), \"interrupted again\", temporary files removed"
if { [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; } && grep -q '^coinsim: interrupted again: stopped at once; files not complete were removed$' "$T/err" &&
    prior_intact summary.csv && [ ! -e "$T/ev.csv" ] && [ -z "$(ls -A "$T" | grep '^\.ev\.csv')" ]; then
    ok "$name"
else
    notok "$name" "left: $(ls -A "$T" | tr '\n' ' ')"
fi

# --- compare, sweep and replay stop the same way --------------------------------------

# stopped_ok NAME PATTERN FILE MAX: the status of dying by the signal,
# the first stderr line matching the shell pattern PATTERN and counting
# under MAX done, and --out holding only its earlier FILE.
stopped_ok() {
    # shellcheck disable=SC2254 # $2 is a pattern on purpose
    case $(first_line) in $2) line_ok=1 ;; *) line_ok=0 ;; esac
    if [ "$rc" -eq "$want_rc" ] && done_under "$4" && [ $line_ok = 1 ] && prior_intact "$3"; then
        ok "$1 ($n_done done)"
    else
        notok "$1" "first line: $(first_line)"
    fi
}
nothing_in_prev="nothing was written to $T/prev (files already there are unchanged)"

# The job is 2000 pairs: stopped with under 200 done.
prior compare.csv
start "$COINSIM" compare scenarios/baseline scenarios/price-cut --runs 2000 --threads 2 --out "$T/prev"
ready 3
stop INT
stopped_ok "compare: SIGINT stops it with under a tenth of the pairs done, compare.csv as it was" \
    "coinsim: interrupted after [0-9]* pairs of runs (in the pairs [0-9]* to [0-9]*); $nothing_in_prev" compare.csv 200

# The job is 1400 runs: stopped with under 140 done.
prior sweep.csv
start "$COINSIM" sweep scenarios/baseline --vary commission=0.3:0.6:0.05 --runs 200 --threads 2 --out "$T/prev"
ready 3
stop TERM
stopped_ok "sweep: SIGTERM stops it with under a tenth of the runs done, sweep.csv as it was" \
    "coinsim: interrupted after [0-9]* of 1400 runs; $nothing_in_prev" sweep.csv 140

# A log of a year of the baseline (about 4 million events) replays for
# seconds: stopped between two steps with under a quarter of them done.
"$COINSIM" run scenarios/baseline --headless --runs 1 --set steps=365 --events "$T/year.csv" >/dev/null 2>&1
prior summary.csv
start "$COINSIM" replay "$T/year.csv" --scenario scenarios/baseline --set steps=365 --out "$T/prev"
ready
stop INT
stopped_ok "replay: SIGINT stops it with under a quarter of the steps done, --out as it was" \
    "coinsim: interrupted after [0-9]* of 365 steps; $nothing_in_prev" summary.csv 92

# --- the same signal, the same status, in every command ------------------------------

# Each long command, once ready, ends by SIGINT with 130 and by SIGTERM with
# 143 (the dashboard's pair is in dashboard.sh). A log for replay first.
"$COINSIM" run scenarios/baseline --headless --runs 1 --set steps=30 --events "$T/sig.csv" >/dev/null 2>&1
statuses=""
for sig in INT TERM; do
    for cmd in "run scenarios/baseline --headless --runs 2000 --threads 2" \
        "compare scenarios/baseline scenarios/price-cut --runs 2000 --threads 2" \
        "sweep scenarios/baseline --vary commission=0.3,0.5 --runs 1000 --threads 2" \
        "replay $T/sig.csv --scenario scenarios/baseline --set steps=30 --headless" \
        "bench scenarios/bench-mc"; do
        # shellcheck disable=SC2086 # the command's words
        start "$COINSIM" $cmd
        if ready; then
            stop $sig
        else
            rc=none
            want_rc=ready
        fi
        [ "$rc" = "$want_rc" ] || statuses="$statuses ${cmd%% *}:$sig:$rc"
    done
done
if [ -z "$statuses" ]; then
    ok "run, compare, sweep, replay and bench: SIGINT ends each with 130, SIGTERM with 143"
else
    notok "run, compare, sweep, replay and bench: SIGINT ends each with 130, SIGTERM with 143" "command:signal:status$statuses"
fi

[ "$fails" -eq 0 ]
