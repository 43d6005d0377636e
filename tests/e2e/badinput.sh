#!/bin/sh
# End-to-end: bad input is refused with exit 2 and a clear first message
# line, nothing on stdout, and nothing written into --out (an --out holding
# a summary.csv from before keeps it as it was, and gains no file).
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/badinput.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
FIX=tests/fixtures/e2e
S=$FIX/small
ROOT=$(pwd)
case $COINSIM in /*) ABS=$COINSIM ;; *) ABS=$ROOT/$COINSIM ;; esac
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fails=0
PRIOR='metric,mean
keep,me'

ok() { echo "ok - $1"; }
bad() {
    echo "not ok - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    echo "# exit status: $rc"
    sed -n '1,4s/^/# stdout: /p' "$T/out"
    sed -n '1,4s/^/# stderr: /p' "$T/err"
    fails=$((fails + 1))
}

# scenario NAME: a fresh copy of the small scenario in $T/NAME.
scenario() {
    rm -rf "${T:?}/$1"
    mkdir "$T/$1"
    cp "$S"/*.csv "$T/$1/"
}
# edit FILE SED-SCRIPT: edit FILE in place (POSIX sed has no -i).
edit() {
    sed "$2" "$1" >"$1.new" && mv "$1.new" "$1"
    cmp -s "$1" "$S/$(basename "$1")" && echo "edit of $1 changed nothing" >&2
}

# refused NAME RC FIRST-LINE ARGS...: run coinsim ARGS with an --out that
# holds an old summary.csv; expect exit RC, that exact first line on
# stderr, nothing on stdout and the --out directory as it was.
refused() {
    name=$1 want_rc=$2 want_first=$3
    shift 3
    rm -rf "$T/prev"
    mkdir "$T/prev"
    printf '%s\n' "$PRIOR" >"$T/prev/summary.csv"
    "$COINSIM" "$@" --out "$T/prev" >"$T/out" 2>"$T/err"
    rc=$?
    first=$(sed -n 1p "$T/err")
    if [ "$rc" -ne "$want_rc" ]; then
        bad "$name" "expected exit $want_rc"
    elif [ "$first" != "$want_first" ]; then
        bad "$name" "expected first line: $want_first"
    elif [ -s "$T/out" ]; then
        bad "$name" "expected nothing on stdout"
    elif [ "$(cat "$T/prev/summary.csv")" != "$PRIOR" ]; then
        bad "$name" "the old summary.csv in --out was changed"
    elif [ "$(ls -A "$T/prev")" != summary.csv ]; then
        bad "$name" "files appeared in --out: $(ls -A "$T/prev" | tr '\n' ' ')"
    else
        ok "$name"
    fi
}
# The second (last) line of a scenario problem: the count.
count_line() { echo "coinsim: 1 problem in $1; nothing was run"; }
last_is() {
    if [ "$(tail -n 1 "$T/err")" = "$2" ]; then ok "$1"; else bad "$1" "expected last line: $2"; fi
}

# --- the scenario directory ---------------------------------------------------

refused "missing directory: exit 2" 2 \
    "$T/nowhere: No such file or directory (expected a scenario directory)" \
    run "$T/nowhere" --headless
last_is "missing directory: ends with the count" "$(count_line "$T/nowhere")"

refused "an empty directory name: exit 2, the name shown as \"\"" 2 \
    '"": an empty name (expected a scenario directory)' \
    run "" --headless
last_is "an empty directory name: ends with the count" 'coinsim: 1 problem in ""; nothing was run'

refused "a file instead of a directory: exit 2" 2 \
    "$S/packs.csv: not a directory (expected a scenario directory)" \
    run "$S/packs.csv" --headless

scenario nopacks
rm "$T/nopacks/packs.csv"
refused "missing table packs.csv: exit 2" 2 \
    "$T/nopacks/packs.csv: required table missing (expected packs.csv in the scenario directory or its base)" \
    run "$T/nopacks" --headless
last_is "missing table: ends with the count" "$(count_line "$T/nopacks")"

# --- cells --------------------------------------------------------------------

scenario type
edit "$T/type/packs.csv" 's/^app65,65,/app65,sixtyfive,/'
refused "wrong type (coins \"sixtyfive\"): exit 2" 2 \
    "$T/type/packs.csv:3: column coins: not a number \"sixtyfive\" (expected a whole number from 1 to 1000000000)" \
    run "$T/type" --headless

scenario neg
edit "$T/neg/params.csv" 's/^viewers,2000$/viewers,-5/'
refused "negative count (viewers -5): exit 2" 2 \
    "$T/neg/params.csv:7: column value: viewers: negative \"-5\" (expected a whole number from 1 to 1000000000)" \
    run "$T/neg" --headless

scenario negpack
edit "$T/negpack/packs.csv" 's/^app330,330,0,/app330,330,-1,/'
refused "negative count (bonus_coins -1): exit 2" 2 \
    "$T/negpack/packs.csv:4: column bonus_coins: negative \"-1\" (expected a whole number from 0 to 1000000000)" \
    run "$T/negpack" --headless

scenario shares
edit "$T/shares/segments.csv" 's/^lurker,0.80,/lurker,0.79,/'
refused "shares summing to 0.99: exit 2" 2 \
    "$T/shares/segments.csv: column share: shares sum to 0.99 (expected exactly 1)" \
    run "$T/shares" --headless

scenario quote
edit "$T/quote/gifts.csv" 's/^rose,1,30$/"rose,1,30/'
refused "unterminated quote: exit 2" 2 \
    "$T/quote/gifts.csv:3: unterminated quoted field (a closing \" was expected before the end of the file)" \
    run "$T/quote" --headless

# 2000 bytes taken once from /dev/urandom, kept as a fixture so that the
# message is known (extends ../small supplies the other tables).
refused "binary garbage as packs.csv (fixture): exit 2" 2 \
    "$FIX/binary/packs.csv:1: text is not valid UTF-8 (expected UTF-8 text)" \
    run "$FIX/binary" --headless

# And fresh garbage every time: any message, as long as it names the file.
scenario random
head -c 2000 /dev/urandom >"$T/random/packs.csv"
rm -rf "$T/prev" && mkdir "$T/prev" && printf '%s\n' "$PRIOR" >"$T/prev/summary.csv"
"$COINSIM" run "$T/random" --headless --out "$T/prev" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "^$T/random/packs.csv:[0-9]*: " "$T/err" && [ ! -s "$T/out" ] &&
    [ "$(ls -A "$T/prev")" = summary.csv ] && [ "$(cat "$T/prev/summary.csv")" = "$PRIOR" ]; then
    ok "fresh /dev/urandom bytes as packs.csv: exit 2, FILE:LINE: message, --out untouched"
else
    bad "fresh /dev/urandom bytes as packs.csv: exit 2, FILE:LINE: message, --out untouched"
    od -c "$T/random/packs.csv" | head -n 4 | sed 's/^/# input: /'
fi

scenario nul
printf 'name,coins,bonus_coins,price_usd,channel,enabled\napp65,65,0,0.99,app,1\nap\000p,330,0,4.99,app,1\n' \
    >"$T/nul/packs.csv"
refused "a NUL byte in packs.csv: exit 2" 2 \
    "$T/nul/packs.csv:3: binary data (a NUL byte) where CSV text was expected" \
    run "$T/nul" --headless

scenario big
edit "$T/big/packs.csv" 's/^app65,65,/app65,99999999999999999999999,/'
refused "a number too large (coins 10^23): exit 2" 2 \
    "$T/big/packs.csv:3: column coins: number too large \"99999999999999999999999\" (expected a whole number from 1 to 1000000000)" \
    run "$T/big" --headless

scenario bigseed
edit "$T/bigseed/params.csv" 's/^seed,1$/seed,18446744073709551616/'
refused "a seed of 2^64: exit 2" 2 \
    "$T/bigseed/params.csv:6: column value: seed: number too large \"18446744073709551616\" (expected a whole number from 0 to 18446744073709551615)" \
    run "$T/bigseed" --headless

scenario dec7
edit "$T/dec7/packs.csv" 's/^app65,65,0,0.99,/app65,65,0,0.9900001,/'
refused "7 decimals in a price: exit 2" 2 \
    "$T/dec7/packs.csv:3: column price_usd: more than 6 decimal places \"0.9900001\" (expected an amount in USD from 0 to 1000000 with at most 6 decimals)" \
    run "$T/dec7" --headless

scenario rate7
edit "$T/rate7/params.csv" 's/^commission,0.50$/commission,0.5000001/'
refused "7 decimals in a rate: exit 2" 2 \
    "$T/rate7/params.csv:10: column value: commission: more than 6 decimal places \"0.5000001\" (expected a decimal from 0 to 1 with at most 6 places)" \
    run "$T/rate7" --headless

# --- the command line -----------------------------------------------------------

refused "--set of an unknown key: exit 2" 2 \
    '--set comission=0.4: column target: unknown key "comission" (expected one of name, extends, steps, runs, seed, viewers, creators, coin_value_usd, commission, usd_per_diamond, store_fee_app, store_fee_web, min_withdrawal_usd, daily_withdrawal_limit_usd, payout_fee_usd, payout_fee_rate, p_cashout, creator_zipf, live_prob, live_elasticity, reference_take_usd, p_switch, warmup_steps)' \
    run "$S" --headless --set comission=0.4

refused "--set of an unknown pack: exit 2" 2 \
    '--set packs.p65.price_usd=0.89: column target: no pack named "p65" (expected a name from packs.csv)' \
    run "$S" --headless --set packs.p65.price_usd=0.89

refused "--set of an unknown table: exit 2" 2 \
    '--set viewers.x.y=1: column target: unknown table "viewers" in "viewers.x.y" (expected params, packs, gifts, segments, sinks or regions)' \
    run "$S" --headless --set viewers.x.y=1

refused "--set of a bad value: exit 2" 2 \
    '--set commission=abc: column value: not a number "abc" (expected a decimal from 0 to 1 with at most 6 places)' \
    run "$S" --headless --set commission=abc

refused "--set without =: exit 2" 2 \
    '--set commission: "commission" is not TARGET=VALUE (for example commission=0.4 or packs.app65.price_usd=0.89)' \
    run "$S" --headless --set commission

refused "--threads 0: exit 2" 2 \
    'coinsim run: --threads "0": expected a whole number from 1 to 256' \
    run "$S" --headless --threads 0

refused "--threads x: exit 2" 2 \
    'coinsim run: --threads "x": expected a whole number from 1 to 256' \
    run "$S" --headless --threads x

refused "--runs 0: exit 2" 2 \
    '--runs 0: column value: out of range "0" (expected a whole number from 1 to 1000000)' \
    run "$S" --headless --runs 0

refused "--seed -1: exit 2" 2 \
    '--seed -1: column value: not a whole non-negative number "-1" (expected a whole number from 0 to 18446744073709551615)' \
    run "$S" --headless --seed -1

# Bad input does not create a missing --out either.
"$COINSIM" run "$T/nowhere" --headless --out "$T/newout" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$T/newout" ]; then
    ok "bad input: a missing --out directory is not created"
else
    bad "bad input: a missing --out directory is not created"
fi

# --- an --out that cannot be made: exit 5 (I/O) before running -----------------------

: >"$T/plainfile"
# The fault hook at step 0 would exit 3 if anything ran.
COINSIM_TEST_FAULT_STEP=0 "$COINSIM" run "$S" --headless --out "$T/plainfile/sub" >"$T/out" 2>"$T/err"
rc=$?
want="coinsim: $T/plainfile/sub: cannot create directory: Not a directory; nothing was run"
if [ "$rc" -ne 5 ]; then
    bad "--out under a regular file: exit 5 before running" "expected exit 5"
elif [ "$(sed -n 1p "$T/err")" != "$want" ]; then
    bad "--out under a regular file: exit 5 before running" "expected first line: $want"
elif [ -s "$T/out" ]; then
    bad "--out under a regular file: exit 5 before running" "expected nothing on stdout"
else
    ok "--out under a regular file: exit 5 before running"
fi

# --out naming a regular file: exit 5, the file is left alone.
printf 'data\n' >"$T/plainfile2"
COINSIM_TEST_FAULT_STEP=0 "$COINSIM" run "$S" --headless --out "$T/plainfile2" >"$T/out" 2>"$T/err"
rc=$?
case $(sed -n 1p "$T/err") in
"coinsim: $T/plainfile2"*"; nothing was run") first_ok=1 ;;
*) first_ok=0 ;;
esac
if [ "$rc" -eq 5 ] && [ $first_ok = 1 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/plainfile2")" = data ]; then
    ok "--out naming a regular file: exit 5 before running, the file untouched"
else
    bad "--out naming a regular file: exit 5 before running, the file untouched" \
        "expected a first line \"coinsim: $T/plainfile2...; nothing was run\""
fi

# An empty --out: refused with a message, before running (exit 5 or 2).
mkdir "$T/emptyout"
(cd "$T/emptyout" && COINSIM_TEST_FAULT_STEP=0 "$ABS" run "$ROOT/$S" --headless --out "" >"$T/out" 2>"$T/err")
rc=$?
if { [ "$rc" -eq 5 ] || [ "$rc" -eq 2 ]; } && sed -n 1p "$T/err" | grep -q '^coinsim' && [ ! -s "$T/out" ] &&
    [ -z "$(ls -A "$T/emptyout")" ]; then
    ok "--out \"\": refused with a message (exit 5 or 2), nothing run or written"
else
    bad "--out \"\": refused with a message (exit 5 or 2), nothing run or written"
fi

# "files replaced only when complete": if one of them cannot take its name
# (runs.csv is a directory here), the old summary.csv must stay, as the
# message "no output file was replaced" says.
rm -rf "$T/prev"
mkdir -p "$T/prev/runs.csv"
printf '%s\n' "$PRIOR" >"$T/prev/summary.csv"
"$COINSIM" run "$S" --headless --runs 2 --out "$T/prev" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -ne 5 ]; then
    bad "--out whose runs.csv is a directory: exit 5, no file replaced" "expected exit 5"
elif ! grep -q "^coinsim: $T/prev/runs.csv[: ].*; no output file was replaced\$" "$T/err"; then
    bad "--out whose runs.csv is a directory: exit 5, no file replaced" "expected a message naming runs.csv"
elif [ "$(cat "$T/prev/summary.csv")" != "$PRIOR" ] || [ -e "$T/prev/timeseries.csv" ]; then
    bad "--out whose runs.csv is a directory: exit 5, no file replaced" \
        "summary.csv or timeseries.csv was replaced: $(ls -A "$T/prev" | tr '\n' ' ')"
elif [ -n "$(ls -A "$T/prev" | grep '^\.')" ]; then
    bad "--out whose runs.csv is a directory: exit 5, no file replaced" "temporary files left"
else
    ok "--out whose runs.csv is a directory: exit 5, no file replaced"
fi

[ "$fails" -eq 0 ]
