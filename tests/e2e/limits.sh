#!/bin/sh
# End-to-end: the limits. Validation takes every sized input at its bound
# and refuses one past it with a message naming the bound; totals past
# int64 fail the run loudly (exit 1) and write nothing; a job too large
# for memory (ulimit -v) fails up front with "needs about X MB for N
# viewers" and exit 4, also before the dashboard would take the terminal.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/limits.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh
S=tests/fixtures/e2e/small
OVF=tests/fixtures/e2e/overflow

# --- validation at the bound and one past it -------------------------------------

# bound NAME TARGET AT PAST EXPECTED: --set TARGET=AT validates; TARGET=PAST
# is refused with exit 2 and the first line '--set TARGET=PAST: column value:
# out of range "PAST" (expected EXPECTED)'.
bound() {
    run "$COINSIM" validate "$S" --set "$2=$3"
    if [ "$rc" -ne 0 ]; then
        notok "$1 $3 (at the bound) validates" "exit $rc"
        return
    fi
    run "$COINSIM" validate "$S" --set "$2=$4"
    want="--set $2=$4: column value: $6 \"$4\" (expected $5)"
    if [ "$rc" -eq 2 ] && [ "$(sed -n 1p "$T/err")" = "$want" ]; then
        ok "$1: $3 validates, $4 is refused naming the bound"
    else
        notok "$1: $3 validates, $4 is refused naming the bound" "expected: $want"
    fi
}
bound viewers viewers 1000000000 1000000001 "a whole number from 1 to 1000000000" "out of range"
bound creators creators 100000000 100000001 "a whole number from 1 to 100000000" "out of range"
bound steps steps 100000 100001 "a whole number from 1 to 100000" "out of range"
bound runs runs 1000000 1000001 "a whole number from 1 to 1000000" "out of range"
bound "pack price" packs.app65.price_usd 1000000 1000000.000001 \
    "an amount in USD from 0 to 1000000 with at most 6 decimals" "out of range"
bound "pack coins" packs.app65.coins 1000000000 1000000001 "a whole number from 1 to 1000000000" "out of range"
bound "bonus coins" packs.app65.bonus_coins 1000000000 1000000001 "a whole number from 0 to 1000000000" "out of range"
bound "gift coins" gifts.rose.coins 1000000 1000001 "a whole number from 1 to 1000000" "out of range"
bound "gifts a session" segments.fan.gifts_per_session 1000 1000.000001 \
    "a decimal from 0 to 1000" "out of range"
bound "daily limit" daily_withdrawal_limit_usd 1000000000 1000000000.000001 \
    "an amount in USD from 0 to 1000000000 with at most 6 decimals" "out of range"
bound "coin value" coin_value_usd 1 1.000001 "an amount in USD from 0 to 1 with at most 6 decimals" "out of range"

# A number past int64 itself is "too large", not wrapped.
run "$COINSIM" validate "$S" --set viewers=9223372036854775808
want='--set viewers=9223372036854775808: column value: number too large "9223372036854775808" (expected a whole number from 1 to 1000000000)'
if [ "$rc" -eq 2 ] && [ "$(sed -n 1p "$T/err")" = "$want" ]; then
    ok "viewers 2^63: refused as too large"
else
    notok "viewers 2^63: refused as too large" "expected: $want"
fi

# --- totals past int64: the run fails, naming the total and the bound ---------------

mkdir "$T/prev"
printf 'metric,mean\nkeep,me\n' >"$T/prev/summary.csv"
run "$COINSIM" run "$OVF" --headless --threads 2 --out "$T/prev"
want="coinsim: run 1, step 0: cash in went past 9223372036854.775807 USD, the most a 64-bit total holds; no output file was written"
if [ "$rc" -eq 1 ] && [ "$(sed -n 1p "$T/err")" = "$want" ] && [ "$(ls -A "$T/prev")" = summary.csv ] &&
    [ "$(sed -n 2p "$T/prev/summary.csv")" = keep,me ] && [ ! -s "$T/out" ]; then
    ok "cash in past int64: exit 1, named with its bound, --out as it was"
else
    notok "cash in past int64: exit 1, named with its bound, --out as it was" "expected: $want"
fi

# The event log is written as its run goes: packs of 10^6 coins keep it to
# one purchase a gift (1-coin packs would log 10^10 purchases first), and
# the failed run leaves neither the log nor its temporary file.
run "$COINSIM" run "$OVF" --headless --set coin_value_usd=1 --set commission=0 --set usd_per_diamond=0.0001 \
    --set packs.penny.price_usd=0.000001 --set packs.penny.coins=1000000 --events "$T/ev.csv"
want="coinsim: run 1, step 0: diamonds credited went past 9223372036854.775807 diamonds, the most a 64-bit total holds; no output file was written"
if [ "$rc" -eq 1 ] && [ "$(sed -n 1p "$T/err")" = "$want" ] && [ ! -e "$T/ev.csv" ] &&
    [ -z "$(find "$T" -name '.ev.csv*')" ]; then
    ok "diamonds credited past int64: exit 1, named with its bound, no event log, no temporary file"
else
    notok "diamonds credited past int64: exit 1, named with its bound, no event log, no temporary file" "expected: $want"
fi

# The same flood of purchases at a millionth of a dollar fits: no false alarm.
run "$COINSIM" run "$OVF" --headless --set packs.penny.price_usd=0.000001
if [ "$rc" -eq 0 ]; then
    ok "the overflow scenario at \$0.000001 a pack runs (exit 0)"
else
    notok "the overflow scenario at \$0.000001 a pack runs (exit 0)"
fi

# A log has no bound on its rows: its sums are checked too. One purchase
# of 10^9 coins, then gifts of 10^6 coins at $1 a coin, no commission and
# $0.0001 a diamond credit 10^16 µD each; the 923rd passes int64.
{
    echo "run,step,type,viewer,creator,item,coins,usd,channel"
    echo "1,0,purchase,ann,,big,1000000000,1.000000,app"
    i=0
    while [ $i -lt 1000 ]; do
        echo "1,0,gift,ann,cat,mega,1000000,10000.000000,"
        i=$((i + 1))
    done
} >"$T/ovf.csv"
run "$COINSIM" replay "$T/ovf.csv" --scenario tests/fixtures/replay/tiny --set coin_value_usd=1 --set commission=0 \
    --set usd_per_diamond=0.0001 --headless
want="$T/ovf.csv:925: a creator's pending diamonds went past 9223372036854.775807 diamonds, the most a 64-bit total holds (expected a log whose totals fit)"
if [ "$rc" -eq 2 ] && [ "$(sed -n 1p "$T/err")" = "$want" ]; then
    ok "replay: a log whose diamonds pass int64 is refused at the row (exit 2)"
else
    notok "replay: a log whose diamonds pass int64 is refused at the row (exit 2)" "expected: $want"
fi

# The dashboard: the same message once it has put the terminal back.
if command -v tmux >/dev/null 2>&1; then
    SOCK=coinsim-ovf-$$
    case $COINSIM in /*) BIN=$COINSIM ;; *) BIN=$PWD/$COINSIM ;; esac
    tmux -f /dev/null -L "$SOCK" new-session -d -x 200 -y 24 \
        "sh -c '\"$BIN\" run $OVF --threads 1; echo EXIT=\$?; sleep 30'"
    n=0
    while [ $n -lt 50 ] && ! tmux -L "$SOCK" capture-pane -p | grep -q 'EXIT='; do
        sleep 0.2
        n=$((n + 1))
    done
    tmux -L "$SOCK" capture-pane -p >"$T/screen"
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    want="coinsim: run 1, step 0: cash in went past 9223372036854.775807 USD, the most a 64-bit total holds"
    if grep -qx "$want" "$T/screen" && grep -q '^EXIT=1$' "$T/screen"; then
        ok "dashboard: a total past int64 ends it with the same message, exit 1"
    else
        notok "dashboard: a total past int64 ends it with the same message, exit 1" "screen: $(head -n 3 "$T/screen" | tr '\n' '|')"
    fi
fi

# --- memory: refused up front under ulimit -v ---------------------------------------

# A sanitizer build reserves terabytes of address space for its shadow
# memory and cannot start under ulimit -v at all: these checks belong to the
# plain build (make test), and are reported as skipped here.
if (ulimit -v 300000 && exec "$COINSIM" --help) 2>&1 | grep -q AddressSanitizer; then
    echo "# skipped: the ulimit -v checks (this binary is built with AddressSanitizer)"
    [ "$fails" -eq 0 ]
    exit
fi

# need_line: the message's shape, with the sizes left open.
need_re="^coinsim: bench-10m needs about [0-9]* MB for 10000000 viewers and 100000 creators ([0-9]* MB a run in progress, 2 at a time), more than the [0-9]* MB the address-space limit (ulimit -v) leaves; lower viewers, creators, runs or --threads; nothing was run\$"
rm -rf "$T/prev" && mkdir "$T/prev" && printf 'metric,mean\nkeep,me\n' >"$T/prev/summary.csv"
(ulimit -v 300000 && exec "$COINSIM" run scenarios/bench-10m --headless --runs 2 --threads 2 --out "$T/prev") \
    >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 4 ] && grep -q "$need_re" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    [ "$(ls -A "$T/prev")" = summary.csv ] && [ ! -s "$T/out" ]; then
    ok "10M viewers on 2 threads under ulimit -v 300 MB: exit 4 up front, \"needs about X MB for N viewers\""
else
    notok "10M viewers on 2 threads under ulimit -v 300 MB: exit 4 up front, \"needs about X MB for N viewers\""
fi

# compare and sweep check the same way, before running.
for cmd in "compare scenarios/bench-10m scenarios/bench-10m" "sweep scenarios/bench-10m --vary commission=0.4,0.5"; do
    # shellcheck disable=SC2086 # the command's words
    (ulimit -v 300000 && exec "$COINSIM" $cmd --runs 2 --threads 2) >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -eq 4 ] && grep -q "$need_re" "$T/err" && [ ! -s "$T/out" ]; then
        ok "${cmd%% *} under ulimit -v 300 MB: exit 4 up front, \"needs about X MB\""
    else
        notok "${cmd%% *} under ulimit -v 300 MB: exit 4 up front, \"needs about X MB\""
    fi
done

# The estimate is not far below the truth: a job given what it says it
# needs, plus 64 MB, runs.
need_of() {
    (ulimit -v 150000 && exec "$COINSIM" run scenarios/bench-1m --headless --set steps=3 "$@") 2>&1 >/dev/null |
        sed -n 's/.*needs about \([0-9]*\) MB.*/\1/p'
}
need=$(need_of --threads 1 --set viewers=4000000)
if [ -n "$need" ]; then
    (ulimit -v $(((need + 64) * 1024)) &&
        exec "$COINSIM" run scenarios/bench-1m --headless --threads 1 --set steps=3 --set viewers=4000000) \
        >"$T/out" 2>"$T/err"
    rc=$?
else
    rc=none
fi
if [ "$rc" = 0 ]; then
    ok "4M viewers: runs under ulimit -v of its own estimate ($need MB) plus 64 MB"
else
    notok "4M viewers: runs under ulimit -v of its own estimate ($need MB) plus 64 MB" "estimate \"$need\", exit $rc"
fi

# The same with the population in creators (5M, all live): their arrays
# are counted right too.
CR="--threads 1 --set viewers=1000 --set creators=5000000 --set live_prob=1 --set steps=2"
# shellcheck disable=SC2086 # CR is words
need=$( (ulimit -v 50000 && exec "$COINSIM" run scenarios/bench-1m --headless $CR) 2>&1 >/dev/null |
    sed -n 's/.*needs about \([0-9]*\) MB.*/\1/p')
if [ -n "$need" ]; then
    # shellcheck disable=SC2086
    (ulimit -v $(((need + 64) * 1024)) && exec "$COINSIM" run scenarios/bench-1m --headless $CR) >"$T/out" 2>"$T/err"
    rc=$?
else
    rc=none
fi
if [ "$rc" = 0 ]; then
    ok "5M creators: runs under ulimit -v of its own estimate ($need MB) plus 64 MB"
else
    notok "5M creators: runs under ulimit -v of its own estimate ($need MB) plus 64 MB" "estimate \"$need\", exit $rc"
fi

# No false refusals: eight threads under a data limit that their stacks and
# eight small worlds fit (an arena's reserve is not data), and a compare of
# one run a side, which uses one thread whatever --threads says.
(ulimit -d 150000 && exec "$COINSIM" run scenarios/baseline --headless --runs 8 --threads 8 --set steps=5) >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ]; then
    ok "8 threads under ulimit -d 150 MB: runs"
else
    notok "8 threads under ulimit -d 150 MB: runs"
fi
(ulimit -v 600000 && exec "$COINSIM" compare scenarios/bench-10m scenarios/bench-10m --runs 1 --threads 4 --set steps=2) \
    >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ]; then
    ok "compare of one run a side with --threads 4 under ulimit -v 600 MB: runs (one world at a time)"
else
    notok "compare of one run a side with --threads 4 under ulimit -v 600 MB: runs (one world at a time)"
fi

# The dashboard: refused before it takes the terminal, which stays usable.
if command -v tmux >/dev/null 2>&1; then
    SOCK=coinsim-limits-$$
    tm() { tmux -f /dev/null -L "$SOCK" "$@"; }
    case $COINSIM in /*) BIN=$COINSIM ;; *) BIN=$PWD/$COINSIM ;; esac
    tm new-session -d -x 80 -y 24 "sh -c 'ulimit -v 300000; \"$BIN\" run scenarios/bench-10m --runs 2 --threads 2; echo EXIT=\$?; sleep 30'"
    n=0
    while [ $n -lt 50 ] && ! tm capture-pane -p | grep -q 'EXIT='; do
        sleep 0.2
        n=$((n + 1))
    done
    tm capture-pane -p >"$T/screen"
    tm kill-server >/dev/null 2>&1
    if grep -q '^EXIT=4$' "$T/screen" && grep -q 'needs about' "$T/screen" && [ "$(sed -n 1p "$T/screen" | cut -c1-16)" = "coinsim: bench-1" ]; then
        ok "dashboard under ulimit -v 300 MB: the message on a plain terminal, exit 4"
    else
        notok "dashboard under ulimit -v 300 MB: the message on a plain terminal, exit 4" "screen: $(head -n 3 "$T/screen" | tr '\n' '|')"
    fi
else
    notok "tmux is installed (the dashboard test needs it)"
fi

[ "$fails" -eq 0 ]
