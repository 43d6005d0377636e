#!/bin/sh
# End-to-end: the command line of coinsim (help texts, usage errors,
# validate). Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/cli.sh
# Prints "ok - NAME" or "not ok - NAME" (then "# " detail lines) per check;
# exits 1 if any check failed.
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
FIX=tests/fixtures/e2e
GOOD=$FIX/small
BAD=$FIX/invalid
. tests/e2e/lib.sh      # $T, ok, notok, run, check
# expect_fail NAME WANT_RC FIRST_STDERR_LINE: the last command failed with
# that status, that exact first line on stderr and nothing on stdout.
expect_fail() {
    first=$(sed -n 1p "$T/err")
    if [ "$rc" -ne "$2" ]; then
        notok "$1" "expected exit $2"
    elif [ "$first" != "$3" ]; then
        notok "$1" "expected first stderr line: $3"
    elif [ -s "$T/out" ]; then
        notok "$1" "expected nothing on stdout"
    else
        ok "$1"
    fi
}

# --- help texts -------------------------------------------------------------

run "$COINSIM" --help
if [ "$rc" -eq 0 ] && grep -q '^usage: coinsim COMMAND' "$T/out" &&
    grep -q '^  run DIR' "$T/out" && grep -q '^  validate DIR' "$T/out" &&
    grep -q '^  help' "$T/out" && [ ! -s "$T/err" ]; then
    ok "coinsim --help exits 0 and lists run, validate, help"
else
    notok "coinsim --help exits 0 and lists run, validate, help"
fi

run "$COINSIM" run --help
cp "$T/out" "$T/run_help"
if [ "$rc" -eq 0 ] && grep -q '^usage: coinsim run DIR' "$T/out" && [ ! -s "$T/err" ]; then
    ok "coinsim run --help exits 0 with its usage line on stdout"
else
    notok "coinsim run --help exits 0 with its usage line on stdout"
fi
for opt in --headless --runs --seed --threads --out --check --set; do
    # Documented = listed at the start of an option line of the help text.
    if grep -q "^  $opt\\( \\|\$\\)" "$T/run_help"; then
        ok "run --help documents $opt"
    else
        notok "run --help documents $opt" "no line starting with \"  $opt\""
    fi
done

run "$COINSIM" validate --help
cp "$T/out" "$T/validate_help"
if [ "$rc" -eq 0 ] && grep -q '^usage: coinsim validate DIR' "$T/out" &&
    grep -q -- '--set TARGET=VAL' "$T/out" && [ ! -s "$T/err" ]; then
    ok "coinsim validate --help exits 0 and documents --set"
else
    notok "coinsim validate --help exits 0 and documents --set"
fi

run "$COINSIM" help run
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/run_help"; then
    ok "coinsim help run exits 0 and prints run --help"
else
    notok "coinsim help run exits 0 and prints run --help"
fi

run "$COINSIM" help validate
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/validate_help"; then
    ok "coinsim help validate exits 0 and prints validate --help"
else
    notok "coinsim help validate exits 0 and prints validate --help"
fi

run "$COINSIM" run "$GOOD" --check -h
if [ "$rc" -eq 0 ] && cmp -s "$T/out" "$T/run_help"; then
    ok "run DIR ... -h prints the help and runs nothing"
else
    notok "run DIR ... -h prints the help and runs nothing"
fi

# --- usage errors: exit 2 with a message --------------------------------------

run "$COINSIM"
if [ "$rc" -eq 2 ] && grep -q '^usage: coinsim COMMAND' "$T/err" && [ ! -s "$T/out" ]; then
    ok "no command: exit 2, usage on stderr"
else
    notok "no command: exit 2, usage on stderr"
fi

run "$COINSIM" frobnicate "$GOOD"
expect_fail "unknown command: exit 2" 2 \
    'coinsim: unknown command "frobnicate" (expected run, validate, tour, compare, sweep, replay or help; see coinsim --help)'

run "$COINSIM" help frobnicate
expect_fail "help of an unknown command: exit 2" 2 \
    'coinsim: no command "frobnicate" (expected run, validate, tour, compare, sweep or replay)'

run "$COINSIM" run "$GOOD" --fast
expect_fail "run: unknown option: exit 2" 2 \
    'coinsim run: unknown option "--fast" (see coinsim run --help)'

run "$COINSIM" validate "$GOOD" --runs 3
expect_fail "validate: a run-only option is unknown: exit 2" 2 \
    'coinsim validate: unknown option "--runs" (see coinsim validate --help)'

for opt in --runs --seed --threads --out --set; do
    run "$COINSIM" run "$GOOD" "$opt"
    expect_fail "run: $opt without its value: exit 2" 2 \
        "coinsim run: $opt needs a value (see coinsim run --help)"
done

run "$COINSIM" validate "$GOOD" --set
expect_fail "validate: --set without its value: exit 2" 2 \
    'coinsim validate: --set needs a value (see coinsim validate --help)'

run "$COINSIM" run --headless --runs 2
expect_fail "run: no directory: exit 2" 2 \
    'coinsim run: no scenario directory given (see coinsim run --help)'

run "$COINSIM" validate
expect_fail "validate: no directory: exit 2" 2 \
    'coinsim validate: no scenario directory given (see coinsim validate --help)'

run "$COINSIM" run "$GOOD" "$GOOD"
expect_fail "run: two directories: exit 2" 2 \
    "coinsim run: one scenario directory expected, got \"$GOOD\" and \"$GOOD\""

# 256 --set options fill the list; a --runs after them either counts
# (exit 0, 3 runs) or is refused with a message -- never a silent exit 2.
sets=
i=0
while [ $i -lt 256 ]; do sets="$sets --set commission=0.4"; i=$((i + 1)); done
# shellcheck disable=SC2086
run "$COINSIM" run "$GOOD" $sets --runs 3
first=$(sed -n 1p "$T/err")
if { [ "$rc" -eq 0 ] && grep -q '^small: 3 runs x ' "$T/out"; } ||
    { [ "$rc" -eq 2 ] && [ -n "$first" ] && [ "${first#coinsim run: }" != "$first" ] && [ ! -s "$T/out" ]; }; then
    ok "256 --set and a --runs: 3 runs, or exit 2 with a message"
else
    notok "256 --set and a --runs: 3 runs, or exit 2 with a message"
fi
# shellcheck disable=SC2086
run "$COINSIM" run "$GOOD" $sets --set runs=3
expect_fail "257 --set: exit 2" 2 'coinsim run: more than 256 --set options'

# --- validate ---------------------------------------------------------------

run "$COINSIM" validate "$GOOD"
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 1 ] &&
    grep -q "^$GOOD: valid — 14 packs, 32 gifts, 4 segments, 0 timeline rows; 2000 viewers, 50 creators, 20 steps, 4 runs\$" "$T/out" &&
    [ ! -s "$T/err" ]; then
    ok "validate of a good scenario: exit 0, one line \"DIR: valid ...\""
else
    notok "validate of a good scenario: exit 0, one line \"DIR: valid ...\""
fi

run "$COINSIM" validate "$BAD"
# Every problem, each on its own line (any order).
cat >"$T/want" <<EOF
$BAD/packs.csv:3: column price_usd: more than 6 decimal places "0.7400001" (expected an amount in USD from 0 to 1000000 with at most 6 decimals)
$BAD/packs.csv:3: column channel: unknown channel "store" (expected app or web)
$BAD/gifts.csv:3: column coins: not a number "lots" (expected a whole number from 1 to 1000000)
$BAD/segments.csv:3: column web_share: out of range "1.2" (expected a decimal from 0 to 1 with at most 6 places)
$BAD/params.csv:5: column key: unknown key "comission" (expected one of name, extends, steps, runs, seed, viewers, creators, coin_value_usd, commission, usd_per_diamond, store_fee_app, store_fee_web, min_withdrawal_usd, daily_withdrawal_limit_usd, payout_fee_usd, payout_fee_rate, p_cashout, creator_zipf, live_prob)
$BAD/params.csv:6: column value: commission: out of range "1.5" (expected a decimal from 0 to 1 with at most 6 places)
$BAD/params.csv:7: column value: viewers: negative "-10" (expected a whole number from 1 to 1000000000)
EOF
if [ "$rc" -eq 2 ]; then
    ok "validate of a bad scenario: exit 2"
else
    notok "validate of a bad scenario: exit 2"
fi
if [ ! -s "$T/out" ]; then
    ok "validate of a bad scenario: nothing on stdout"
else
    notok "validate of a bad scenario: nothing on stdout"
fi
n=0
while IFS= read -r line; do
    n=$((n + 1))
    name=$(printf '%s\n' "$line" | cut -d: -f1-3)
    if grep -qxF -- "$line" "$T/err"; then
        ok "validate lists $name"
    else
        notok "validate lists $name" "missing line: $line"
    fi
done <"$T/want"
# Nothing beyond those problems and the closing count.
grep -v '^coinsim: ' "$T/err" >"$T/problems"
if [ "$(sort "$T/problems")" = "$(sort "$T/want")" ]; then
    ok "validate lists exactly the $n problems, no others"
else
    notok "validate lists exactly the $n problems, no others" "diff of want vs got:"
    diff "$T/want" "$T/problems" | sed 's/^/# /'
fi
if [ "$(tail -n 1 "$T/err")" = "coinsim: $n problems in $BAD; nothing was run" ]; then
    ok "validate ends with the count of problems"
else
    notok "validate ends with the count of problems" "last line: $(tail -n 1 "$T/err")"
fi

# A bad scenario does not run either (same loader, same problems).
run "$COINSIM" run "$BAD" --headless
if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && grep -v '^coinsim: ' "$T/err" | cmp -s - "$T/problems"; then
    ok "run of the bad scenario: exit 2, the same problems, nothing on stdout"
else
    notok "run of the bad scenario: exit 2, the same problems, nothing on stdout"
fi

# --set is checked by validate like a table cell.
run "$COINSIM" validate "$GOOD" --set commission=0.4
if [ "$rc" -eq 0 ] && grep -q "^$GOOD: valid" "$T/out"; then
    ok "validate --set commission=0.4 of a good scenario: valid"
else
    notok "validate --set commission=0.4 of a good scenario: valid"
fi
run "$COINSIM" validate "$GOOD" --set commission=1.5
expect_fail "validate --set commission=1.5: exit 2" 2 \
    '--set commission=1.5: column value: out of range "1.5" (expected a decimal from 0 to 1 with at most 6 places)'

[ "$fails" -eq 0 ]
