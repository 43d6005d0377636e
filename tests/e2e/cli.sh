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
    'coinsim: unknown command "frobnicate" (the commands are run, tour, compare, sweep, fit, replay, report, bench, validate and help; see coinsim --help)'

run "$COINSIM" help frobnicate
expect_fail "help of an unknown command: exit 2" 2 \
    'coinsim: no command "frobnicate" (the commands are run, tour, compare, sweep, fit, replay, report, bench, validate and help; see coinsim --help)'

run "$COINSIM" run "$GOOD" --fast
expect_fail "run: unknown option: exit 2" 2 \
    'coinsim run: unknown option "--fast" (see coinsim run --help)'

# --- GNU habits: --option=value, suggestions, "--" -----------------------------

run "$COINSIM" run "$GOOD" --headless --runs 2 --seed 7 --set commission=0.4
cp "$T/out" "$T/spaced"
run "$COINSIM" run "$GOOD" --headless --runs=2 --seed=7 --set=commission=0.4
if [ "$rc" -eq 0 ] && [ -s "$T/out" ] && cmp -s "$T/out" "$T/spaced"; then
    ok "run --runs=2 --seed=7 --set=commission=0.4: the same table as with spaces"
else
    notok "run --runs=2 --seed=7 --set=commission=0.4: the same table as with spaces"
fi

run "$COINSIM" run "$GOOD" --headles
expect_fail "run --headles: unknown, --headless suggested" 2 \
    'coinsim run: unknown option "--headles" (did you mean --headless? see coinsim run --help)'
run "$COINSIM" run "$GOOD" --headless=yes
expect_fail "run --headless=yes: a flag takes no value" 2 \
    'coinsim run: --headless takes no value (got "--headless=yes")'
run "$COINSIM" sweep "$GOOD" --vary commission=0.3,0.4 --runs=
expect_fail "sweep --runs= (empty value): refused as a value" 2 \
    '--runs : column value: empty value for params.runs (expected a whole number from 1 to 1000000)'
run "$COINSIM" rnu "$GOOD"
expect_fail "coinsim rnu: unknown, run suggested" 2 \
    'coinsim: unknown command "rnu" (did you mean run? the commands are run, tour, compare, sweep, fit, replay, report, bench, validate and help; see coinsim --help)'
run "$COINSIM" compare "$GOOD" "$GOOD" --metric platform_cash --runs 2
if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] &&
    [ "$(sed -n 1p "$T/err")" = 'coinsim compare: --metric "platform_cash": no such metric (did you mean platform_cash_usd?)' ] &&
    sed -n 2p "$T/err" | grep -q '^coinsim compare: the metrics (those of summary.csv) are: cash_in_usd, .*, platform_cash_usd, .*, web_purchases$'; then
    ok "compare --metric platform_cash: platform_cash_usd suggested, every metric listed"
else
    notok "compare --metric platform_cash: platform_cash_usd suggested, every metric listed"
fi
run "$COINSIM" help help
if [ "$rc" -eq 0 ] && grep -q '^usage: coinsim COMMAND' "$T/out" && [ ! -s "$T/err" ]; then
    ok "coinsim help help: the usage, exit 0"
else
    notok "coinsim help help: the usage, exit 0"
fi
run "$COINSIM" tour --headless
expect_fail "tour --headless: the tour takes only its own options" 2 \
    'coinsim tour: unknown option "--headless" (see coinsim tour --help)'

# After "--" a word starting with a dash is an argument, not an option.
run "$COINSIM" validate -- --no-such-dir
expect_fail "validate -- --no-such-dir: a directory, not an option" 2 \
    '--no-such-dir: No such file or directory (expected a scenario directory)'

# Every command named in the list that the unknown-command message gives
# has a line in coinsim --help, and every option each command's help
# documents is one it takes, in the --option=value form too.
run "$COINSIM" frobnicate
cmds=$(sed -n 's/.*(the commands are \(.*\); see coinsim --help)$/\1/p' "$T/err" | sed 's/,//g; s/ and / /')
"$COINSIM" --help >"$T/help"
missing=""
for c in $cmds; do
    grep -q "^  $c\( \|\$\)" "$T/help" || missing="$missing $c"
done
if [ -n "$cmds" ] && [ -z "$missing" ]; then
    ok "coinsim --help lists every command ($(echo $cmds | wc -w))"
else
    notok "coinsim --help lists every command ($(echo $cmds | wc -w))" "not listed:${missing:- (no command list)}"
fi
unknown=""
n=0
for c in run tour compare sweep replay report bench validate; do
    for o in $("$COINSIM" "$c" --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | sort -u); do
        [ "$o" = --help ] && continue
        n=$((n + 1))
        "$COINSIM" "$c" "$o=1" </dev/null >/dev/null 2>"$T/err"
        st=$?
        # Taken: refused, if at all, for something else than the option,
        # with a message and a status of bad input, not a crash.
        if [ $st -gt 2 ] || grep -q 'unknown option' "$T/err" || { [ $st -ne 0 ] && [ ! -s "$T/err" ]; }; then
            unknown="$unknown $c$o(exit $st)"
        fi
    done
done
if [ "$n" -gt 30 ] && [ -z "$unknown" ]; then
    ok "each of the $n options the commands' help texts document is taken as --option=VALUE"
else
    notok "each of the $n options the commands' help texts document is taken as --option=VALUE" "refused:$unknown"
fi

# Every help text is made from the command's table: an options list, then
# the exit statuses the command may end with, one a line; no line is wider
# than 79 columns. coinsim --help lists every status, as README.md does.
helps_ok() {
    for c in run tour compare sweep replay report bench validate; do
        "$COINSIM" "$c" --help >"$T/h" || { echo "$c --help: exit $?"; return 1; }
        grep -qx 'options:' "$T/h" || { echo "$c: no options list"; return 1; }
        grep -qx '  -h, --help        this text' "$T/h" || { echo "$c: no -h, --help line"; return 1; }
        [ "$(sed -n '/^exit status:$/,$p' "$T/h" | sed -n 2p | cut -c1-7)" = "  0    " ] ||
            { echo "$c: no exit status list starting with 0"; return 1; }
        wide=$(awk 'length > 79 { print FILENAME ": " length " columns: " $0 }' "$T/h")
        [ -z "$wide" ] || { echo "$c: $wide"; return 1; }
    done
    for st in 2 3 4 5 130 143; do
        grep -q "^  $st " "$T/run_help" || { echo "run --help: no status $st"; return 1; }
    done
    [ "$(sed -n '/^exit status:$/,$p' "$T/validate_help" | grep -c '^  [0-9]')" -eq 2 ] ||
        { echo "validate --help lists other statuses than 0 and 2"; return 1; }
    "$COINSIM" --help >"$T/h"
    for st in 0 1 2 3 4 5 130 143; do
        grep -q "^  $st  *[a-z(]" "$T/h" || { echo "coinsim --help: no status $st"; return 1; }
        grep -q "^| $st |\|^| [0-9, ]*$st[0-9, ]* |" README.md || { echo "README.md: no row for status $st"; return 1; }
    done
}
check "every help text: options and exit statuses from the tables, no line over 79 columns; README lists every status" helps_ok

run "$COINSIM" sweep "$GOOD" --vary a=1 --vary b=1 --vary c=1 --vary d=1 --vary e=1 --vary f=1 --vary g=1 --vary h=1 --vary i=1
expect_fail "sweep: a ninth --vary: exit 2" 2 'coinsim sweep: more than 8 --vary options'
run "$COINSIM" run "$GOOD" --threads=0
expect_fail "run --threads=0: exit 2, the range named" 2 'coinsim run: --threads "0": expected a whole number from 1 to 256'
run "$COINSIM" compare "$GOOD" --set-b commission=0.4 --max-runs 1
expect_fail "compare --max-runs 1: exit 2, the range named" 2 'coinsim compare: --max-runs "1": expected a whole number from 2 to 1000000'

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
    grep -q "^small: valid — 14 packs, 32 gifts, 0 sinks, 4 segments, 0 timeline rows; 2000 viewers, 50 creators, 20 steps (after 0 of warm-up), 4 runs\$" "$T/out" &&
    [ ! -s "$T/err" ]; then
    ok "validate of a good scenario: exit 0, one line \"NAME: valid ...\""
else
    notok "validate of a good scenario: exit 0, one line \"NAME: valid ...\""
fi

run "$COINSIM" validate "$BAD"
# Every problem, each on its own line (any order).
cat >"$T/want" <<EOF
$BAD/packs.csv:3: column price_usd: more than 6 decimal places "0.7400001" (expected an amount in USD from 0 to 1000000 with at most 6 decimals)
$BAD/packs.csv:3: column channel: unknown channel "store" (expected app or web)
$BAD/gifts.csv:3: column coins: not a number "lots" (expected a whole number from 1 to 1000000)
$BAD/segments.csv:3: column web_aware: out of range "1.2" (expected a decimal from 0 to 1 with at most 6 places)
$BAD/params.csv:5: column key: unknown key "comission" (expected one of name, extends, steps, runs, seed, viewers, creators, coin_value_usd, commission, usd_per_diamond, store_fee_app, store_fee_web, min_withdrawal_usd, daily_withdrawal_limit_usd, payout_fee_usd, payout_fee_rate, p_cashout, creator_zipf, live_prob, live_elasticity, reference_take_usd, p_switch, warmup_steps)
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

# validate and run name a scenario alike: its name, with its directory when
# the directory is called otherwise.
mkdir -p "$T/renamed"
printf 'key,value\nextends,%s\nname,other-name\n' "$(pwd)/$GOOD" >"$T/renamed/params.csv"
v=$("$COINSIM" validate "$T/renamed" 2>/dev/null | sed 's/: valid — .*//')
r=$("$COINSIM" run "$T/renamed" --headless --runs 1 2>/dev/null | sed -n '1s/: 1 runs x .*//p')
v2=$("$COINSIM" validate "$GOOD/" 2>/dev/null | sed 's/: valid — .*//')
r2=$("$COINSIM" run "$GOOD/" --headless --runs 1 2>/dev/null | sed -n '1s/: 1 runs x .*//p')
if [ "$v" = "other-name ($T/renamed)" ] && [ "$r" = "$v" ] && [ "$v2" = small ] && [ "$r2" = small ]; then
    ok "validate and run name a scenario alike: \"other-name (DIR)\" when the directory differs, \"small\" when not"
else
    notok "validate and run name a scenario alike" "validate: $v / $v2; run: $r / $r2"
fi

# --set is checked by validate like a table cell.
run "$COINSIM" validate "$GOOD" --set commission=0.4
if [ "$rc" -eq 0 ] && grep -q "^small: valid" "$T/out"; then
    ok "validate --set commission=0.4 of a good scenario: valid"
else
    notok "validate --set commission=0.4 of a good scenario: valid"
fi
run "$COINSIM" validate "$GOOD" --set commission=1.5
expect_fail "validate --set commission=1.5: exit 2" 2 \
    '--set commission=1.5: column value: out of range "1.5" (expected a decimal from 0 to 1 with at most 6 places)'

[ "$fails" -eq 0 ]
