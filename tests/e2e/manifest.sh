#!/bin/sh
# End-to-end: docs/outputs.md "manifest.csv and scenario/: what ran". Every
# --out of run, compare, sweep and replay holds manifest.csv (every key,
# with its value) and the scenario as it ran; run of that scenario gives
# the same summary.csv byte for byte; two identical jobs give identical
# bytes in every file; the manifest and scenario/ are part of the atomic
# set (a failed or interrupted write leaves an older --out whole, and no
# temporary name); the command line is quoted so that sh reads back the
# same words.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/manifest.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh

S=tests/fixtures/e2e/small
VERSION=$("$COINSIM" --version | sed 's/^coinsim //')

# val FILE KEY: the values of KEY's rows, one a line, CSV quoting undone
# (values of one line only).
val() { sed -n "s/^$2,//p" "$1" | sed 's/^"\(.*\)"$/\1/; s/""/"/g'; }
# hidden DIR: the names in DIR that start with a dot (temporary names).
hidden() { ls -A "$1" | grep '^\.'; }
# --- run: every key ---------------------------------------------------------------

run "$COINSIM" run "$S" --headless --set commission=0.45 --set packs.app65.price_usd=0.89 \
    --runs 3 --seed 9 --threads 2 --out "$T/r"
cat >"$T/want" <<EOF
key,value
coinsim_version,$VERSION
model_version,2
command,run
command_line,$COINSIM run $S --headless --set commission=0.45 --set packs.app65.price_usd=0.89 --runs 3 --seed 9 --threads 2 --out $T/r
scenario_name,small
scenario_path,$S
seed,9
runs,3
steps,20
warmup_steps,0
threads,2
set,commission=0.45
set,packs.app65.price_usd=0.89
timeline_rows,0
EOF
run_manifest() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    diff "$T/want" "$T/r/manifest.csv" || return 1
    grep -q "^wrote $T/r/summary.csv, timeseries.csv, runs.csv, pack_sales.csv, segments.csv, channels.csv, gifts.csv, regions.csv, creators.csv, manifest.csv, scenario/\$" "$T/out" ||
        { echo "no wrote line naming manifest.csv and scenario/"; return 1; }
    [ -z "$(hidden "$T/r")" ] || { echo "left: $(hidden "$T/r")"; return 1; }
}
check "run: manifest.csv holds every key with its value, in order; the wrote line names it" run_manifest
steps_of() { "$COINSIM" validate "$1" 2>&1 | sed -n 's/.* \([0-9]*\) steps.*/\1/p'; }
scenario_applied() {
    [ "$(val "$T/r/scenario/params.csv" commission)" = 0.45 ] || { echo "commission: $(val "$T/r/scenario/params.csv" commission)"; return 1; }
    [ "$(val "$T/r/scenario/params.csv" runs)" = 3 ] || { echo "runs not 3"; return 1; }
    [ "$(val "$T/r/scenario/params.csv" seed)" = 9 ] || { echo "seed not 9"; return 1; }
    grep -q '^app65,.*,0\.89\(0*\)\?,' "$T/r/scenario/packs.csv" || { echo "app65's price not 0.89"; return 1; }
    "$COINSIM" validate "$T/r/scenario" >/dev/null 2>&1 || { echo "scenario/ does not validate"; return 1; }
}
check "run: scenario/ is the scenario with every --set, --runs and --seed applied, and validates" scenario_applied

# --- the round trip ---------------------------------------------------------------

# roundtrip NAME ARGS...: run ARGS --out $T/NAME, then run $T/NAME/scenario
# with no option: every result file the same bytes.
roundtrip() {
    rt=$1 # not $name: check's
    shift
    "$COINSIM" run "$@" --headless --out "$T/$rt" >/dev/null 2>"$T/err" || { echo "first run failed: $(head -n 2 "$T/err")"; return 1; }
    "$COINSIM" run "$T/$rt/scenario" --headless --out "$T/$rt.again" >/dev/null 2>"$T/err" ||
        { echo "run of scenario/ failed: $(head -n 2 "$T/err")"; return 1; }
    cmp "$T/$rt/summary.csv" "$T/$rt.again/summary.csv" || return 1
    for f in timeseries.csv runs.csv pack_sales.csv segments.csv channels.csv gifts.csv creators.csv; do
        cmp "$T/$rt/$f" "$T/$rt.again/$f" || return 1
    done
}
check "run DIR, then run OUT/scenario: the same summary.csv (and every result file)" roundtrip plain "$S"
check "the same with --set, --runs and --seed" roundtrip sets "$S" --set commission=0.35 \
    --set segments.whale.alpha=1.3 --set viewers=1500 --runs 5 --seed 77
check "the same with extends and a timeline (scenarios/price-cut, 2 runs)" roundtrip pc scenarios/price-cut --runs 2
# A directory whose name holds a comma and a quote: scenario/params.csv's
# comment row names it and must still read back as a comment.
mkdir -p "$T/odd/a,b\"c" && cp -r "$S"/. "$T/odd/a,b\"c/"
check "the same from a scenario directory whose name holds a comma and a quote" roundtrip odd "$T/odd/a,b\"c" --runs 2
flattened() {
    ! grep -q '^extends,' "$T/pc/scenario/params.csv" || { echo "extends is still there"; return 1; }
    n=$(($(grep -cv '^#' "$T/pc/scenario/timeline.csv") - 1))
    [ "$n" -gt 0 ] && [ "$n" = "$(val "$T/pc/manifest.csv" timeline_rows)" ] ||
        { echo "timeline.csv has $n rows, timeline_rows $(val "$T/pc/manifest.csv" timeline_rows)"; return 1; }
    [ "$(val "$T/pc/manifest.csv" scenario_name)" = price-cut ] &&
        [ "$(val "$T/pc/manifest.csv" scenario_path)" = scenarios/price-cut ] || { echo "not price-cut's name and path"; return 1; }
}
check "price-cut: scenario/ has no extends, its timeline rows are timeline_rows; the manifest names price-cut" flattened

# --- compare ----------------------------------------------------------------------

run "$COINSIM" compare "$S" scenarios/price-cut --set-b commission=0.4 --set viewers=1500 \
    --set-a payout_fee_usd=0.5 --runs 3 --seed 4 --threads 2 --out "$T/c"
compare_manifest() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    m=$T/c/manifest.csv
    for kv in command=compare seed=4 runs=3 threads=2 a_scenario_name=small a_scenario_path=$S \
        b_scenario_name=price-cut b_scenario_path=scenarios/price-cut a_steps=20 b_steps=90 \
        a_warmup_steps=0 b_warmup_steps=60 a_timeline_rows=0 b_timeline_rows=7 model_version=2 \
        coinsim_version=$VERSION; do
        [ "$(val "$m" "${kv%%=*}")" = "${kv#*=}" ] || { echo "${kv%%=*}: \"$(val "$m" "${kv%%=*}")\", expected \"${kv#*=}\""; return 1; }
    done
    got=$(grep '^set' "$m" | tr '\n' ' ')
    [ "$got" = "set_b,commission=0.4 set,viewers=1500 set_a,payout_fee_usd=0.5 " ] || { echo "set rows: $got"; return 1; }
    [ -d "$T/c/scenario_a" ] && [ -d "$T/c/scenario_b" ] && [ ! -e "$T/c/scenario" ] || { echo "files: $(ls -A "$T/c")"; return 1; }
    grep -q "^wrote $T/c/compare.csv, compare_segments.csv, compare_channels.csv, compare_gifts.csv, compare_creators.csv, compare_packs.csv, compare_regions.csv, manifest.csv, scenario_a/, scenario_b/\$" "$T/out" || { echo "no wrote line"; return 1; }
}
check "compare: manifest.csv (both sides, set, set_a, set_b in the order given), scenario_a/ and scenario_b/" compare_manifest
# Compare runs both sides on the same seed and runs: a run of scenario_b/
# alone gives B's means, of scenario_a/ A's.
side_means() {
    for k in a b; do
        "$COINSIM" run "$T/c/scenario_$k" --headless --out "$T/c$k" >/dev/null 2>&1 || { echo "run of scenario_$k failed"; return 1; }
    done
    [ "$(val "$T/c/scenario_b/params.csv" commission)" = 0.4 ] || { echo "scenario_b/ lacks --set-b commission=0.4"; return 1; }
    [ "$(val "$T/c/scenario_a/params.csv" payout_fee_usd)" = 0.5 ] || { echo "scenario_a/ lacks --set-a payout_fee_usd=0.5"; return 1; }
    [ "$(val "$T/c/scenario_b/params.csv" payout_fee_usd)" != 0.5 ] || { echo "scenario_b/ has A's change"; return 1; }
    awk -F, '!/^#/ && NR > 4 {print $1 "," $2}' "$T/c/compare.csv" >"$T/amean"
    awk -F, '!/^#/ && NR > 4 {print $1 "," $3}' "$T/c/compare.csv" >"$T/bmean"
    awk -F, 'NR > 1 {print $1 "," $2}' "$T/ca/summary.csv" | diff "$T/amean" - >/dev/null || { echo "A's means differ"; return 1; }
    awk -F, 'NR > 1 {print $1 "," $2}' "$T/cb/summary.csv" | diff "$T/bmean" - || { echo "B's means differ"; return 1; }
}
check "compare: scenario_b/ carries --set-b and runs to B's means, scenario_a/ to A's" side_means

# --- sweep and replay -------------------------------------------------------------

run "$COINSIM" sweep "$S" --vary commission=0.3,0.5 --vary viewers=1000:2000:1000 --set creators=40 \
    --runs 2 --threads 2 --out "$T/s"
sweep_manifest() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    m=$T/s/manifest.csv
    for kv in command=sweep scenario_name=small seed=1 runs=2 steps=20 threads=2 timeline_rows=0; do
        [ "$(val "$m" "${kv%%=*}")" = "${kv#*=}" ] || { echo "${kv%%=*}: \"$(val "$m" "${kv%%=*}")\""; return 1; }
    done
    [ "$(val "$m" vary | tr '\n' ' ')" = "commission=0.3,0.5 viewers=1000:2000:1000 " ] || { echo "vary rows: $(val "$m" vary)"; return 1; }
    grep -q '^vary,"commission=0.3,0.5"$' "$m" || { echo "a value with a comma is not CSV-quoted"; return 1; }
    [ "$(val "$m" set)" = creators=40 ] || { echo "set rows: $(val "$m" set)"; return 1; }
    [ "$(val "$T/s/scenario/params.csv" creators)" = 40 ] && [ "$(val "$T/s/scenario/params.csv" viewers)" = 2000 ] ||
        { echo "scenario/ is not the base with --set (and without --vary)"; return 1; }
    grep -q "^wrote $T/s/sweep.csv, sweep_channels.csv, sweep_regions.csv, manifest.csv, scenario/\$" "$T/out" || { echo "no wrote line"; return 1; }
}
check "sweep: manifest.csv with the vary rows in order; scenario/ is the base with --set" sweep_manifest
# With --objective: the objective, the direction and the engine's best
# point, which is the point the printed verdict names.
run "$COINSIM" sweep "$S" --vary commission=0.3,0.5,0.7 --objective platform_margin_usd --runs 2 --out "$T/sb"
sweep_best() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    m=$T/sb/manifest.csv
    [ "$(val "$m" objective)" = platform_margin_usd ] && [ "$(val "$m" minimize)" = no ] ||
        { echo "objective rows: $(val "$m" objective) $(val "$m" minimize)"; return 1; }
    best=$(val "$m" best_point)
    named=$(sed -n 's/^best point for platform_margin_usd (highest): commission=\([0-9.]*\),.*/\1/p' "$T/out")
    row=$(awk -F, -v k=$((best + 2)) 'NR == k { print $1 }' "$T/sb/sweep.csv")
    [ -n "$best" ] && [ -n "$named" ] && [ "$row" = "$named" ] ||
        { echo "best_point $best is commission=$row, the verdict names $named"; return 1; }
    # without --objective, no best point is recorded
    [ -z "$(val "$T/s/manifest.csv" best_point)" ] || { echo "best_point without an objective"; return 1; }
}
check "sweep --objective: manifest.csv records the objective and the engine's best point, the verdict's" sweep_best
# A page made from older files does not outlive them: a new --out without
# --report takes report.html away with the set; --report writes it anew.
run "$COINSIM" run "$S" --headless --runs 1 --out "$T/pg" --report
run "$COINSIM" run "$S" --headless --runs 2 --out "$T/pg"
stale_page() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ ! -e "$T/pg/report.html" ] || { echo "report.html of the 1-run files is still there"; return 1; }
    "$COINSIM" run "$S" --headless --runs 2 --out "$T/pg" --report >/dev/null 2>&1 &&
        grep -q "2 runs" "$T/pg/report.html" || { echo "--report did not write the page anew"; return 1; }
}
check "an older report.html goes with the files it was made from" stale_page

"$COINSIM" run "$S" --headless --runs 1 --set steps=5 --events "$T/ev.csv" >/dev/null 2>&1
run "$COINSIM" replay "$T/ev.csv" --scenario "$S" --set steps=5 --set commission=0.4 --out "$T/p"
replay_manifest() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    m=$T/p/manifest.csv
    for kv in command=replay scenario_name=small scenario_path=$S runs=1 steps=5 threads=1 log=$T/ev.csv; do
        [ "$(val "$m" "${kv%%=*}")" = "${kv#*=}" ] || { echo "${kv%%=*}: \"$(val "$m" "${kv%%=*}")\""; return 1; }
    done
    [ "$(val "$m" set | tr '\n' ' ')" = "steps=5 commission=0.4 " ] || { echo "set rows: $(val "$m" set)"; return 1; }
    [ "$(val "$T/p/scenario/params.csv" commission)" = 0.4 ] || { echo "scenario/ lacks the --set"; return 1; }
    [ -f "$T/p/replay.csv" ] || { echo "no replay.csv"; return 1; }
}
check "replay: manifest.csv (log, one run, one thread, the what-if --set) and scenario/" replay_manifest

# --- identical jobs, identical bytes ----------------------------------------------

# twice NAME ARGS...: the same command in two directories, --out out
# (the command line the same): every file the same bytes.
twice() {
    tw=$1 # not $name: check's
    shift
    for k in 1 2; do
        mkdir -p "$T/$tw$k"
        (cd "$T/$tw$k" && "$ROOT_BIN" "$@" --out out >/dev/null 2>&1) || { echo "job $k failed"; return 1; }
    done
    diff -r "$T/${tw}1/out" "$T/${tw}2/out" >"$T/diff" || { head -n 5 "$T/diff"; return 1; }
}
case $COINSIM in /*) ROOT_BIN=$COINSIM ;; *) ROOT_BIN=$(pwd)/$COINSIM ;; esac
ROOT=$(pwd)
check "run twice: every file (manifest.csv and scenario/ too) the same bytes" \
    twice runtw run "$ROOT/$S" --headless --runs 3 --set commission=0.4
check "compare twice: every file the same bytes" \
    twice cmptw compare "$ROOT/$S" --set-b commission=0.4 --runs 2
check "sweep twice: every file the same bytes" \
    twice swtw sweep "$ROOT/$S" --vary commission=0.3,0.4 --runs 2

# --- the command line, quoted -----------------------------------------------------

# An --out with a space, quotes and a dollar, a --set with a space: sh
# reads the recorded command line back as the same words.
Q="$T/it's a \"dir\" \$HOME"
run "$COINSIM" run "$S" --headless --runs 1 --set "name=a b" --out "$Q"
quoted() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    line=$(val "$Q/manifest.csv" command_line)
    printf '<%s>' "$COINSIM" run "$S" --headless --runs 1 --set "name=a b" --out "$Q" >"$T/want"
    eval "set -- $line"
    printf '<%s>' "$@" >"$T/got"
    cmp -s "$T/want" "$T/got" || { echo "recorded: $line"; echo "read back: $(cat "$T/got")"; return 1; }
    [ "$(val "$Q/manifest.csv" scenario_name)" = "a b" ] || { echo "scenario_name: $(val "$Q/manifest.csv" scenario_name)"; return 1; }
}
check "command_line: an argument with spaces, quotes and \$ is quoted so that sh reads back the same words" quoted

# --- the atomic set ---------------------------------------------------------------

# An older --out written whole (manifest.csv and scenario/ too), kept as a
# copy to compare with.
older() {
    rm -rf "$T/prev" "$T/prev.copy"
    "$COINSIM" run "$S" --headless --runs 2 --seed 3 --out "$T/prev" >/dev/null 2>&1
    cp -R "$T/prev" "$T/prev.copy"
}
untouched() {
    diff -r "$T/prev.copy" "$T/prev" >"$T/diff" 2>&1 || { head -n 5 "$T/diff"; return 1; }
    [ -z "$(hidden "$T/prev")" ] || { echo "left: $(hidden "$T/prev")"; return 1; }
}

# A write that fails inside scenario/: a file size limit (with SIGXFSZ
# ignored, a write past it fails with EFBIG) that the results stay under
# and the scenario's timeline (half a megabyte) does not.
mkdir -p "$T/big"
cp "$S"/*.csv "$T/big/"
awk 'BEGIN { print "step,target,value"; for (i = 0; i < 20000; i++) print "0,params.commission,0.5" }' >"$T/big/timeline.csv"
older
(
    trap '' XFSZ
    ulimit -f 100
    exec "$COINSIM" run "$T/big" --headless --runs 2 --out "$T/prev"
) >"$T/out" 2>"$T/err"
rc=$?
failed_write() {
    [ "$rc" -eq 5 ] || { echo "exit $rc, expected 5"; return 1; }
    grep -q "^coinsim: $T/prev/scenario/timeline.csv: write failed: .*; no output file was replaced\$" "$T/err" ||
        { echo "stderr: $(head -n 2 "$T/err")"; return 1; }
    untouched
}
check "a write that fails inside scenario/: exit 5, the older --out (manifest.csv, scenario/) as it was, no temporary name" failed_write

# scenario/ a plain file: refused before anything is renamed.
older
rm -rf "$T/prev/scenario" "$T/prev.copy/scenario"
echo "not a directory" >"$T/prev/scenario"
cp "$T/prev/scenario" "$T/prev.copy/scenario"
run "$COINSIM" run "$S" --headless --runs 2 --out "$T/prev"
not_a_dir() {
    [ "$rc" -eq 5 ] || { echo "exit $rc, expected 5"; return 1; }
    grep -q "^coinsim: $T/prev/scenario exists and is not a directory; no output file was replaced\$" "$T/err" ||
        { echo "stderr: $(head -n 2 "$T/err")"; return 1; }
    untouched
}
check "scenario a plain file in --out: exit 5, nothing replaced, no temporary name" not_a_dir

# The same set written again over an older one: scenario/ replaced whole
# (a stray file in the older one goes), nothing hidden left.
older
echo stray >"$T/prev/scenario/stray.csv"
run "$COINSIM" run "$S" --headless --runs 2 --seed 4 --out "$T/prev"
replaced() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ ! -e "$T/prev/scenario/stray.csv" ] || { echo "the older scenario/ was not replaced whole"; return 1; }
    [ "$(val "$T/prev/scenario/params.csv" seed)" = 4 ] && [ "$(val "$T/prev/manifest.csv" seed)" = 4 ] || { echo "not the new seed"; return 1; }
    [ -z "$(hidden "$T/prev")" ] || { echo "left: $(hidden "$T/prev")"; return 1; }
}
check "written over an older --out: scenario/ replaced whole, manifest.csv new, no temporary name" replaced

# Interrupted while the results are written (held at the moment
# timeseries.csv's temporary file shows, as interrupt.sh does): the older
# set whole. Nothing here is timed.
appears() {
    n=0
    while ! ls $1 >/dev/null 2>&1; do
        [ $n -ge 12000 ] && return 1
        sleep 0.01
        n=$((n + 1))
    done
}
BIGTS="run tests/fixtures/e2e/small --headless --runs 3000 --set steps=300 --set viewers=10 --set creators=5 --threads 2"
for sigs in INT "INT TERM"; do
    older
    # shellcheck disable=SC2086 # the command's words
    "$COINSIM" $BIGTS --out "$T/prev" >"$T/out" 2>"$T/err" &
    pid=$!
    if appears "$T/prev/.timeseries.csv.*"; then
        kill -STOP "$pid"
        # shellcheck disable=SC2086 # one or two signals
        for sig in $sigs; do kill -"$sig" "$pid"; done
        kill -CONT "$pid"
    fi
    wait "$pid"
    rc=$?
    interrupted() {
        [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ] || { echo "exit $rc"; return 1; }
        untouched
    }
    check "SIG$sigs while the files are written: the older --out (manifest.csv, scenario/) as it was, no temporary name" interrupted
done

[ "$fails" -eq 0 ]
