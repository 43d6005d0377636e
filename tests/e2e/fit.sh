#!/bin/sh
# End-to-end: coinsim fit (issue #16). Parameter recovery: targets made by
# coinsim itself from the small scenario's own values are fitted back from
# perturbed starts (--set), landing within a tolerance derived from the fit's
# own output (each target's CI half-width over its sensitivity); the fitted
# means sit in their CIs and the fresh-seed check ran and agrees. A target no
# parameter moves is not reachable, a parameter no target moves not
# identified, a bound that excludes the truth is hit and flagged. Bad input:
# exit 2, one clear first line, nothing written. The fitted scenario extends
# the original, holds only what changed, validates and runs to the fitted
# means. The same fit twice, and on 1 or 2 threads, writes the same files.
# Every fit here is on fixed seeds (--seed 1, the check on seed 2).
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/fit.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
S=tests/fixtures/e2e/small
. tests/e2e/lib.sh

# metric DIR NAME: the mean of NAME in DIR/summary.csv.
metric() { awk -F, -v m="$2" '$1 == m { print $2; found = 1 } END { exit !found }' "$1/summary.csv"; }
# brk DIR FILE ROW FIGURE: the mean of FIGURE for ROW in DIR/FILE.csv.
brk() { awk -F, -v r="$3" -v f="$4" '$1 == r && $2 == f { print $3; found = 1 } END { exit !found }' "$1/$2.csv"; }
# cell FILE KEY COLUMN: COLUMN of the row whose first cell is KEY, in a CSV
# whose header is its first line that is not a comment (fit.csv,
# fit_params.csv, a scenario's segments.csv).
cell() {
    awk -F, -v k="$2" -v n="$3" '/^"?#/ { next } !h++ { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $1 == k && (n in c) { print $(c[n]); found = 1 } END { exit !found }' "$1"
}
# param FILE KEY: a value of a params.csv.
param() { awk -F, -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"; }
# near A B EPS: |A - B| <= EPS.
near() { awk -v a="$1" -v b="$2" -v e="$3" 'BEGIN { d = a - b; exit !(d <= e && -d <= e) }'; }

# --- the truth: the small scenario's own figures -----------------------------

# The scenario's known values, read from its files: a segment's alpha (its
# purchase utility) and a params key, so that both kinds of --free are fitted.
truth_alpha=$(cell "$S/segments.csv" casual alpha)
truth_pc=$(param "$S/params.csv" p_cashout)
run "$COINSIM" run "$S" --headless --runs 8 --seed 1 --out "$T/truth"
if [ "$rc" -eq 0 ]; then ok "truth: the small scenario runs 8 runs on seed 1"; else notok "truth: the small scenario runs 8 runs on seed 1"; fi
# casual.alpha moves the payer rates and ARPPU; p_cashout the cash-outs.
pr=$(metric "$T/truth" payer_rate) ar=$(metric "$T/truth" arppu_usd) co=$(metric "$T/truth" cashouts)
cc=$(metric "$T/truth" creators_cashed_out) cpr=$(brk "$T/truth" segments casual payer_rate)

# --- 1. parameter recovery ----------------------------------------------------

# Two parameters, five targets, from starts well away from the truth (alpha
# -7 for -5.5, p_cashout 0.3 for 0.15): the same runs and seed as the truth.
A_ARGS="--runs 8 --seed 1 --target payer_rate=$pr --target arppu_usd=$ar
    --target segments.casual.payer_rate=$cpr --target cashouts=$co --target creators_cashed_out=$cc
    --set segments.casual.alpha=-7 --set p_cashout=0.3
    --free segments.casual.alpha=-8:-3 --free params.p_cashout=0.02:0.5"
# shellcheck disable=SC2086 # A_ARGS is split on purpose
run "$COINSIM" fit "$S" $A_ARGS --threads 2 --out "$T/rec"
cp "$T/out" "$T/rec.out"
cp "$T/err" "$T/rec.err"
rec_ran() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    # the search ends by itself: converged, or no better point (the objective
    # is a step function at fine scales); not stopped, not out of evaluations
    grep -q -e '^converged after [0-9]* evaluations' -e '^no better point in the last evaluations after' "$T/rec.out" ||
        { echo "stdout: $(grep -m 1 . "$T/rec.out")"; return 1; }
    head -1 "$T/rec/fit.csv" | grep -q '^# fitted after [0-9]* evaluations' || { echo "fit.csv: $(head -1 "$T/rec/fit.csv")"; return 1; }
    [ "$(grep -c '^coinsim: fit evaluation [0-9]*: objective ' "$T/rec.err")" -gt 0 ] || { echo "no progress on stderr"; return 1; }
}
check "recovery: casual.alpha and p_cashout from -7 and 0.3, to five targets made on the truth: the search ends by itself, progress on stderr" rec_ran

# tolerance DIR PARAM: the tolerance on PARAM's fitted value, and the target
# that sets it. A target's CI half-width is how far its mean may be from the
# observed value by chance at these runs; its sensitivity in fit_params.csv
# is its move over the parameter's whole range in units of its scale (its
# tolerance, or |observed|: the report's own definition), so its slope is
# sensitivity x scale / (HI - LO), and a parameter moved by half-width /
# |slope| moves that target by its half-width: beyond that the target tells
# the values apart. The tolerance is the smallest over the targets that move
# the parameter (every target was made on the truth, so the tightest holds).
tolerance() {
    awk -F, -v p="$2" '
        FILENAME ~ /fit\.csv$/ { if (/^#/) next
            if (!h++) { for (i = 1; i <= NF; i++) c[$i] = i; next }
            t = $(c["target"]); s = $(c["tolerance"]) > 0 ? $(c["tolerance"]) : $(c["observed"])
            if (s < 0) s = -s
            sc[t] = s > 0 ? s : 1
            hw[t] = ($(c["fitted_ci95_high"]) - $(c["fitted_ci95_low"])) / 2; next }
        FNR == 1 { for (i = 1; i <= NF; i++) { n[i] = $i; d[$i] = i }; next }
        $1 == p { w = $(d["high"]) - $(d["low"]); best = -1
            for (i = 1; i <= NF; i++) if (n[i] ~ /^sensitivity_/) {
                t = substr(n[i], 13); m = $i < 0 ? -$i : $i
                if (m == 0 || !(t in hw)) continue
                x = hw[t] / (m * sc[t] / w)
                if (best < 0 || x < best) { best = x; by = t } }
            if (best > 0) { printf "%.9g %s\n", best, by; found = 1 } }
        END { exit !found }' "$1/fit.csv" "$1/fit_params.csv"
}
# recovered DIR PARAM TRUTH: PARAM's fitted value is within its tolerance of
# TRUTH, and its start was not (else the check could not fail).
recovered() {
    tl=$(tolerance "$1" "$2") || { echo "no target moves $2 in $1/fit_params.csv: no tolerance"; return 1; }
    set -- "$1" "$2" "$3" "${tl% *}" "${tl#* }"
    f=$(cell "$1/fit_params.csv" "$2" fitted) st=$(cell "$1/fit_params.csv" "$2" start) || { echo "no row $2"; return 1; }
    near "$f" "$3" "$4" || { echo "$2 fitted $f, truth $3: off by more than $4 (${5}'s CI half-width over its slope)"; return 1; }
    near "$st" "$3" "$4" && { echo "$2 started at $st, within $4 of the truth $3 already"; return 1; }
    [ "$(cell "$1/fit_params.csv" "$2" at_bound)" = no ] || { echo "$2 flagged at a bound"; return 1; }
    [ "$(cell "$1/fit_params.csv" "$2" identified)" = yes ] || { echo "$2 not identified"; return 1; }
}
check "recovery: casual.alpha within (CI half-width / slope) of its truth $truth_alpha, not at a bound, identified" \
    recovered "$T/rec" segments.casual.alpha "$truth_alpha"
check "recovery: p_cashout within (CI half-width / slope) of its truth $truth_pc, not at a bound, identified" \
    recovered "$T/rec" params.p_cashout "$truth_pc"
# in_ci DIR: every observed value in fit.csv lies in the fitted mean's CI.
in_ci() {
    awk -F, '/^#/ { next } !h++ { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { n++; o = $(c["observed"]); l = $(c["fitted_ci95_low"]); u = $(c["fitted_ci95_high"])
          if (!(o >= l && o <= u)) { print $1 ": observed " o " outside the fitted CI [" l ", " u "]"; bad = 1 } }
        END { if (n == 0) { print "no target rows"; bad = 1 } exit bad }' "$1/fit.csv"
}
check "recovery: each of the five observed values lies in its fitted mean's 95% CI (fit.csv)" in_ci "$T/rec"
# fresh DIR N: the fresh-seed check ran for all N targets and agrees, and it
# is another seed: some fresh mean differs from its fitted mean.
fresh() {
    grep -q '^check on a fresh seed (2):$' "$T/rec.out" || { echo "stdout names no fresh seed 2"; return 1; }
    awk -F, -v want="$2" '/^#/ { next } !h++ { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { n++; v = $(c["fresh_verdict"])
          if (v != "agrees") { print $1 ": fresh_verdict \"" v "\""; bad = 1 }
          if ($(c["fresh_mean"]) != $(c["fitted_mean"])) other = 1 }
        END { if (n != want) { print n " rows, expected " want; bad = 1 }
              if (!other) { print "every fresh mean equals its fitted mean: the same seed?"; bad = 1 }
              exit bad }' "$1/fit.csv"
}
check "recovery: the fresh-seed check (seed 2) ran for every target and agrees; its means are not the fit's own" fresh "$T/rec" 5

# A second fit, of one segment parameter: its scenario is checked in 5.
run "$COINSIM" fit "$S" --runs 8 --seed 1 --target payer_rate="$pr" --target arppu_usd="$ar" \
    --target segments.casual.payer_rate="$cpr" --set segments.casual.alpha=-7 \
    --free segments.casual.alpha=-8:-3 --out "$T/seg"
seg_ok() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    recovered "$T/seg" segments.casual.alpha "$truth_alpha" && in_ci "$T/seg"
}
check "recovery: casual.alpha alone, from -7 to three targets: within its tolerance, observed values in the CIs" seg_ok

# --- 2. a target no parameter moves; a parameter no target moves --------------

# The scenario has 50 creators whatever casual.alpha or p_cashout is: 60 is
# out of reach. payer_rate does not depend on p_cashout.
run "$COINSIM" fit "$S" --runs 8 --seed 1 --target payer_rate="$pr" --target creators.creators=60 \
    --free segments.casual.alpha=-8:-3 --free params.p_cashout=0.02:0.5 --out "$T/nr"
unreachable() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    v=$(cell "$T/nr/fit.csv" creators.creators verdict)
    [ "$v" = "not reachable: no free parameter moves it" ] || { echo "creators.creators verdict \"$v\""; return 1; }
    v=$(cell "$T/nr/fit.csv" payer_rate verdict)
    [ -z "$v" ] || { echo "payer_rate verdict \"$v\" (casual.alpha moves it)"; return 1; }
    grep -q '^creators\.creators .* 60 .* 50 .*  not reachable: no free parameter moves it$' "$T/out" ||
        { echo "stdout: $(grep -m 1 '^creators.creators' "$T/out")"; return 1; }
    for p in segments.casual.alpha params.p_cashout; do
        s=$(cell "$T/nr/fit_params.csv" $p sensitivity_creators.creators)
        [ "$s" = 0 ] || { echo "$p: sensitivity_creators.creators $s"; return 1; }
    done
}
check "not reachable: creators.creators=60 (50 creators whatever is fitted) in fit.csv and on stdout; payer_rate is reachable" unreachable
unidentified() {
    [ "$(cell "$T/nr/fit_params.csv" params.p_cashout identified)" = no ] || { echo "p_cashout identified"; return 1; }
    [ "$(cell "$T/nr/fit_params.csv" segments.casual.alpha identified)" = yes ] || { echo "casual.alpha not identified"; return 1; }
    grep -q '^params\.p_cashout .*  not identified: the targets barely move with it$' "$T/out" ||
        { echo "stdout: $(grep -m 1 '^params.p_cashout' "$T/out")"; return 1; }
    grep '^segments\.casual\.alpha ' "$T/out" | grep -q 'not identified' && { echo "casual.alpha said not identified"; return 1; }
    return 0
}
check "not identified: p_cashout, which payer_rate does not depend on, in fit_params.csv and on stdout; casual.alpha is" unidentified

# --- 3. a bound hit -----------------------------------------------------------

# The truth, -5.5, lies above the bounds -8:-7: from -7.8 the search must
# end at the upper bound. "At a bound" is the command's own rule: within
# 0.5% of the range of it, so here at -7.005 or above.
run "$COINSIM" fit "$S" --runs 8 --seed 1 --target payer_rate="$pr" --target segments.casual.payer_rate="$cpr" \
    --set segments.casual.alpha=-7.8 --free segments.casual.alpha=-8:-7 --out "$T/bound"
bound() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    [ "$(cell "$T/bound/fit_params.csv" segments.casual.alpha at_bound)" = yes ] || { echo "at_bound not yes"; return 1; }
    f=$(cell "$T/bound/fit_params.csv" segments.casual.alpha fitted)
    awk -v f="$f" 'BEGIN { exit !(f >= -7.005 && f <= -7) }' || { echo "fitted $f, not at the upper bound -7"; return 1; }
    grep -q '^segments\.casual\.alpha .*  AT A BOUND' "$T/out" || { echo "stdout: $(grep -m 1 '^segments.casual.alpha' "$T/out")"; return 1; }
    grep '^segments\.casual\.alpha ' "$T/rec.out" | grep -q 'AT A BOUND' && { echo "the recovery fit says AT A BOUND too"; return 1; }
    return 0
}
check "bound: casual.alpha in -8:-7 (truth -5.5) ends at -7, at_bound=yes and AT A BOUND on stdout (not in the recovery fit)" bound

# --- 4. bad input -------------------------------------------------------------

printf 'metric,value,weight\npayer_rate,0.1,-1\n' >"$T/neg.csv"
printf 'metric,value,weight\n' >"$T/empty.csv"
printf 'metric,value\npayer_rate,0.1\n' >"$T/nocol.csv"
printf 'metric,value,weight\npayer_rate,abc,1\n' >"$T/nan.csv"
# badfit NAME PREFIX SUFFIX ARGS...: fit exits 2, its first stderr line is
# PREFIX...SUFFIX (PREFIX alone where SUFFIX is empty), its second says
# nothing was run; nothing on stdout, no --out directory made.
badfit() {
    name=$1 pre=$2 suf=$3
    shift 3
    rm -rf "$T/bad"
    run "$COINSIM" fit "$S" "$@" --out "$T/bad"
    got=$(head -1 "$T/err") why=
    [ "$rc" -eq 2 ] || why="exit $rc, expected 2"
    if [ -z "$suf" ]; then [ "$got" = "$pre" ] || why="expected: $pre"
    else case $got in "$pre"*"$suf") ;; *) why="expected: $pre...$suf" ;; esac; fi
    [ "$(sed -n 2p "$T/err")" = "coinsim fit: nothing was run" ] || why="$why; no \"nothing was run\" line"
    [ -s "$T/out" ] && why="$why; output on stdout"
    [ -e "$T/bad" ] && why="$why; $T/bad was made"
    if [ -z "$why" ]; then ok "bad input: $name"; else notok "bad input: $name" "$why"; fi
}
F=segments.casual.alpha=-8:-3
badfit "an unknown metric" \
    '--target nosuch=1: "nosuch" is neither a metric of summary.csv nor a breakdown figure (expected a metric such as payer_rate, or FILE.ROW.FIGURE such as segments.whale.spend_share or creators.gini)' '' \
    --target nosuch=1 --free $F
badfit "a breakdown figure of an unknown row" \
    '--target segments.nosuch.payer_rate=1: "segments.nosuch.payer_rate": segments.csv has no row "nosuch" (expected FILE.ROW.FIGURE with a row of the scenario)' '' \
    --target segments.nosuch.payer_rate=1 --free $F
badfit "an unknown target in --free" \
    '--free segments.nosuch.alpha=-8:-3: no segment named "nosuch" (expected a name from segments.csv)' '' \
    --target payer_rate=0.1 --free segments.nosuch.alpha=-8:-3
badfit "LO above HI" '--free segments.casual.alpha=-3:-8: LO -3 is not below HI -8 (expected LO < HI)' '' \
    --target payer_rate=0.1 --free segments.casual.alpha=-3:-8
badfit "LO equal to HI" '--free segments.casual.alpha=-3:-3: LO -3 is not below HI -3 (expected LO < HI)' '' \
    --target payer_rate=0.1 --free segments.casual.alpha=-3:-3
badfit "a negative weight in a --targets file" "$T/neg.csv:2: column weight: \"-1\" (expected a number from 0)" '' \
    --targets "$T/neg.csv" --free $F
badfit "an empty --targets file (its header alone)" \
    "$T/empty.csv: no target in it (expected a header metric,value,weight and a row a target)" '' \
    --targets "$T/empty.csv" --free $F
badfit "a --targets file without its weight column" \
    "$T/nocol.csv:1: column weight: required column missing (expected metric,value,weight and optionally tolerance)" '' \
    --targets "$T/nocol.csv" --free $F
badfit "a value that is not a number in a --targets file" "$T/nan.csv:2: column value: \"abc\" (expected a number)" '' \
    --targets "$T/nan.csv" --free $F
badfit "a --target value that is not a number" '--target payer_rate=abc: "abc" is not a number' '' \
    --target payer_rate=abc --free $F

# --- 5. the fitted scenario ----------------------------------------------------

ext=$(cd "$S" && pwd -P)
# comments DIR: scenario/params.csv opens with its header and the three
# comment rows: fitted when (a date), after fit.csv's count of evaluations,
# with the runs and seed; to which targets; where the report is.
comments() {
    n=$(sed -n '1s/^# fitted after \([0-9]*\) evaluations.*/\1/p' "$1/fit.csv")
    p=$1/scenario/params.csv
    [ "$(sed -n 1p "$p")" = key,value ] || { echo "line 1: $(sed -n 1p "$p")"; return 1; }
    sed -n 2p "$p" | grep -qx "\"# fitted by coinsim fit on [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] (done after $n evaluations, 8 runs, seed 1)\"" ||
        { echo "line 2: $(sed -n 2p "$p")"; return 1; }
    sed -n 3p "$p" | grep -qx "\"# to the targets $2\"" || { echo "line 3: $(sed -n 3p "$p")"; return 1; }
    [ "$(sed -n 4p "$p")" = '"# see fit.csv and fit_params.csv beside this directory"' ] || { echo "line 4: $(sed -n 4p "$p")"; return 1; }
}
# rows DIR: scenario/params.csv's rows after the comments.
rows() { sed -n '5,$p' "$1/scenario/params.csv"; }
V='[-+.0-9e]*'
seg_scenario() {
    [ "$(ls "$T/seg/scenario")" = "params.csv
segments.csv" ] || { echo "files: $(ls "$T/seg/scenario" | tr '\n' ' ')"; return 1; }
    comments "$T/seg" "payer_rate=$V, arppu_usd=$V, segments.casual.payer_rate=$V" || return 1
    [ "$(rows "$T/seg")" = "extends,$ext
name,scenario" ] || { echo "rows: $(rows "$T/seg" | tr '\n' ' ')"; return 1; }
}
check "scenario/ of a segment fit: params.csv = three comment rows, extends the original, its name; segments.csv; nothing else" seg_scenario
# whole DIR: scenario/segments.csv has the original's rows in order, every
# original column at its value, but casual.alpha, which is the fitted value
# (fit_params.csv's %.9g of the value set as %.6f: within 5e-7).
whole() {
    f=$(cell "$T/seg/fit_params.csv" segments.casual.alpha fitted)
    awk -F, -v f="$f" '/^#/ { next }
        FILENAME == ARGV[1] { if (!h1++) { for (i = 1; i <= NF; i++) o[i] = $i; no = NF; next }
            for (i = 1; i <= no; i++) want[$1, o[i]] = $i; names = names $1 " "; next }
        !h2++ { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { got = got $1 " "
          for (i = 2; i <= no; i++) {
            if (!(o[i] in c)) { print "no column " o[i]; bad = 1; continue }
            v = $(c[o[i]]); w = ($1 == "casual" && o[i] == "alpha") ? f : want[$1, o[i]]
            d = v - w; if (d > 5e-7 || d < -5e-7) { print $1 "." o[i] ": " v ", expected " w; bad = 1 } } }
        END { if (got != names) { print "rows " got "expected " names; bad = 1 } exit bad }' \
        "$S/segments.csv" "$T/seg/scenario/segments.csv"
}
check "scenario/segments.csv is the whole table: every segment, every column as before, casual.alpha the fitted value" whole
# reruns DIR: scenario/ validates, runs headless as it stands, and on the
# fit's runs and seed gives fit.csv's fitted means: summary.csv rounds to
# 6 decimals (5e-7) and fit.csv holds 9 significant digits (5e-9 relative).
reruns() {
    "$COINSIM" validate "$1/scenario" >"$T/out" 2>"$T/err" || { echo "validate: exit $?"; head -2 "$T/err"; return 1; }
    "$COINSIM" run "$1/scenario" --headless >"$T/out" 2>"$T/err" || { echo "run: exit $?"; head -2 "$T/err"; return 1; }
    "$COINSIM" run "$1/scenario" --headless --runs 8 --seed 1 --out "$1/again" >"$T/out" 2>"$T/err" ||
        { echo "run --runs 8 --seed 1: exit $?"; head -2 "$T/err"; return 1; }
    for m in $2; do
        a=$(metric "$1/again" "$m") b=$(cell "$1/fit.csv" "$m" fitted_mean) || { echo "no $m"; return 1; }
        near "$a" "$b" "$(awk -v b="$b" 'BEGIN { printf "%.9g", 5e-7 + 5e-9 * (b < 0 ? -b : b) }')" ||
            { echo "$m: the fitted scenario's mean $a, fit.csv's $b"; return 1; }
    done
}
check "scenario/ of a segment fit validates, runs headless as it stands, and on 8 runs, seed 1 gives fit.csv's fitted means" \
    reruns "$T/seg" "payer_rate arppu_usd"

# A params key alone: p_cashout to 30 cash-outs (22.875 at 0.15).
run "$COINSIM" fit "$S" --runs 8 --seed 1 --target cashouts=30 --free params.p_cashout=0.02:0.5 --out "$T/key"
key_scenario() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    [ "$(ls "$T/key/scenario")" = params.csv ] || { echo "files: $(ls "$T/key/scenario" | tr '\n' ' ')"; return 1; }
    comments "$T/key" "cashouts=30" || return 1
    f=$(cell "$T/key/fit_params.csv" params.p_cashout fitted)
    rows "$T/key" | awk -F, -v e="extends,$ext" -v f="$f" -v o="$truth_pc" '
        { r[NR] = $0; k[NR] = $1; v[NR] = $2 }
        END { if (NR != 3 || r[1] != e || r[2] != "name,scenario" || k[3] != "p_cashout") { print "rows:"; for (i = 1; i <= NR; i++) print r[i]; exit 1 }
              d = v[3] - f; if (d > 5e-7 || d < -5e-7) { print "p_cashout " v[3] ", fitted " f; exit 1 }
              if (v[3] == o) { print "p_cashout is the original " o ": nothing fitted"; exit 1 } }' || return 1
}
check "scenario/ of a params key fit: params.csv alone, the comments, extends, its name and p_cashout at the fitted value" key_scenario
check "scenario/ of a params key fit validates, runs headless as it stands, and on 8 runs, seed 1 gives fit.csv's cashouts" \
    reruns "$T/key" cashouts
# --set changes that are not fitted are kept: a params key as a row, a
# segment's field as the whole segments.csv.
run "$COINSIM" fit "$S" --runs 8 --seed 1 --target cashouts=30 --set commission=0.45 \
    --set segments.whale.gamma=0.01 --free params.p_cashout=0.02:0.5 --out "$T/kept"
kept() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; head -3 "$T/err"; return 1; }
    [ "$(ls "$T/kept/scenario")" = "params.csv
segments.csv" ] || { echo "files: $(ls "$T/kept/scenario" | tr '\n' ' ')"; return 1; }
    [ "$(rows "$T/kept" | cut -d, -f1 | tr '\n' ' ')" = "extends name p_cashout commission " ] ||
        { echo "keys: $(rows "$T/kept" | cut -d, -f1 | tr '\n' ' ')"; return 1; }
    [ "$(param "$T/kept/scenario/params.csv" commission)" = 0.45 ] || { echo "commission not 0.45"; return 1; }
    [ "$(cell "$T/kept/scenario/segments.csv" whale gamma)" = 0.01 ] || { echo "whale gamma not 0.01"; return 1; }
    [ "$(cut -d, -f1 "$T/kept/scenario/segments.csv" | tr '\n' ' ')" = "name lurker casual fan whale " ] ||
        { echo "segments: $(cut -d, -f1 "$T/kept/scenario/segments.csv" | tr '\n' ' ')"; return 1; }
    reruns "$T/kept" cashouts
}
check "scenario/ keeps the --set changes not fitted: commission as a row, whale.gamma in the whole segments.csv; it reruns" kept
# The recovery fit's start was --set p_cashout=0.3 with --free params.p_cashout:
# the key is both a --set and a --free.
set_and_free() {
    n=$(grep -c '^p_cashout,' "$T/rec/scenario/params.csv")
    [ "$n" = 1 ] || { echo "p_cashout written $n times in scenario/params.csv"; return 1; }
    reruns "$T/rec" "payer_rate cashouts"
}
check "scenario/ of the recovery fit (--set p_cashout=0.3 and --free params.p_cashout): the key once; validates and reruns" set_and_free

# --- 6. reproducible ----------------------------------------------------------

# shellcheck disable=SC2086
run "$COINSIM" fit "$S" $A_ARGS --threads 2 --out "$T/rec2"
cp "$T/err" "$T/rec2.err"
# shellcheck disable=SC2086
run "$COINSIM" fit "$S" $A_ARGS --threads 1 --out "$T/rec1"
same() {
    for f in fit.csv fit_params.csv; do
        cmp "$T/rec/$f" "$T/$1/$f" || { diff "$T/rec/$f" "$T/$1/$f" | head -4; return 1; }
    done
    [ -z "${2:-}" ] || cmp "$T/rec.err" "$T/$2" || { echo "the progress on stderr differs"; return 1; }
}
check "reproducible: the recovery fit twice gives byte-identical fit.csv, fit_params.csv and progress" same rec2 rec2.err
check "reproducible: the recovery fit on 1 thread and on 2 gives byte-identical fit.csv and fit_params.csv" same rec1

# --- Ctrl-C: the best point so far, written as such -------------------------

# A long fit (the baseline, 2 runs an evaluation, up to 1000 evaluations,
# an ARPPU no segment's alpha reaches, so it does not converge soon):
# once its progress shows three evaluations done (polled, up to 120 s),
# SIGINT. It ends with 130, prints its best point marked as stopped, and
# writes it, fit.csv's first line saying so, the fitted scenario valid.
rm -rf "$T/stop"
"$COINSIM" fit scenarios/baseline --runs 2 --threads 2 --max-evals 1000 --target payer_rate=0.06 \
    --target arppu_usd=500 --free segments.casual.alpha=-9:-6 --free segments.fan.alpha=-6:-2 \
    --out "$T/stop" >"$T/stop.out" 2>"$T/stop.err" &
pid=$!
n=0
while ! grep -q '^coinsim: fit evaluation 3:' "$T/stop.err" 2>/dev/null && kill -0 "$pid" 2>/dev/null &&
    [ $n -lt 1200 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
stopped() {
    [ "$rc" -eq 130 ] || { echo "exit $rc, expected 130"; return 1; }
    grep -q '^STOPPED: the best point so far after [0-9]* evaluations' "$T/stop.out" ||
        { echo "stdout: $(sed -n 2p "$T/stop.out")"; return 1; }
    head -1 "$T/stop/fit.csv" | grep -q '^# stopped: the best point so far after [0-9]* evaluations' ||
        { echo "fit.csv: $(head -1 "$T/stop/fit.csv" 2>&1)"; return 1; }
    grep -q 'stopped: the best point so far' "$T/stop/scenario/params.csv" || { echo "the scenario's comment does not say stopped"; return 1; }
    "$COINSIM" validate "$T/stop/scenario" >/dev/null 2>&1 || { echo "the fitted scenario does not validate"; return 1; }
    tail -1 "$T/stop.err" | grep -q '^coinsim: interrupted during the search' || { echo "stderr: $(tail -1 "$T/stop.err")"; return 1; }
}
check "Ctrl-C during a long fit: exit 130, the best point so far printed and written marked as stopped, the fitted scenario valid" stopped

exit $((fails > 0))
