#!/bin/sh
# End-to-end: regions and currencies (docs/model.md §8). A pack priced at one
# dollar in every currency brings in exactly one dollar; an exchange-rate
# move halves what a local pack brings in from its step on, and converts
# cash-outs at the new rate; FX fees are a flow of the money identity; a
# scenario whose regions.csv holds one USD region gives the figures of the
# same scenario without it; bad regions inputs each get their message (exit
# 2); --set, --vary, compare and replay with regions, an older log without
# the region columns under a scenario with regions.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/regions.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
F=tests/fixtures/regions
. tests/e2e/lib.sh

# col FILE NAME: the index of column NAME in FILE's header.
col() { awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) print i; exit }' "$1"; }
# brk DIR REGION FIGURE: the mean of FIGURE for REGION in DIR/regions.csv.
brk() { awk -F, -v r="$2" -v f="$3" '$1 == r && $3 == f { print $4; found = 1 } END { exit !found }' "$1/regions.csv"; }
# metric DIR NAME: the mean of NAME in DIR/summary.csv.
metric() { awk -F, -v m="$2" '$1 == m { print $2; found = 1 } END { exit !found }' "$1/summary.csv"; }

# --- 1. one dollar in every currency ----------------------------------------

run "$COINSIM" run "$F/dollar" --headless --check --events "$T/dollar.csv" --out "$T/dollar"
if [ "$rc" -eq 0 ]; then ok "dollar: runs with --check (every identity at every step)"; else notok "dollar: runs with --check"; fi
dollar_rows() {
    u=$(col "$T/dollar.csv" usd)
    awk -F, -v u="$u" '$3 == "purchase" { n++; if ($u != "1.000000") { print "line " NR ": usd " $u; bad = 1 } }
        END { if (n < 100) { print "only " n " purchases"; bad = 1 } exit bad }' "$T/dollar.csv"
}
check "dollar: every purchase in USD, IDR 16,321.5, JPY 151.37 and GBP 0.793468 brings in usd 1.000000 on its log row" dollar_rows
dollar_regions() {
    for r in us id jp gb; do
        n=$(brk "$T/dollar" $r purchases) u=$(brk "$T/dollar" $r cash_in_usd) || { echo "no $r row"; return 1; }
        [ "$n" = "$u" ] || { echo "$r: purchases $n, cash in $u"; return 1; }
        awk -v n="$n" 'BEGIN { exit !(n > 10) }' || { echo "$r: $n purchases"; return 1; }
    done
}
check "dollar: each region's mean cash_in_usd equals its mean purchases, exactly" dollar_regions
dollar_local() {
    # the local cash in is the purchases times the rate, digit for digit
    for r in "id 16321.5" "jp 151.37" "gb 0.793468"; do
        set -- $r
        n=$(brk "$T/dollar" "$1" purchases) l=$(brk "$T/dollar" "$1" cash_in_local)
        w=$(awk -v n="$n" -v k="$2" 'BEGIN { printf "%.6f", n * k }')
        [ "$l" = "$w" ] || { echo "$1: cash_in_local $l, purchases x rate $w"; return 1; }
    done
}
check "dollar: cash_in_local is purchases x the rate in IDR, JPY and GBP" dollar_local

# --- 2. an exchange-rate move -----------------------------------------------

run "$COINSIM" run "$F/halve" --headless --runs 2 --check --events "$T/halve.csv" --out "$T/halve"
if [ "$rc" -eq 0 ]; then ok "halve: runs with --check"; else notok "halve: runs with --check"; fi
halve_purchases() {
    awk -F, '$3 == "purchase" && $6 == "id_app65" {
        if ($2 < 10) { b++; if ($8 != "0.796495") { print "step " $2 ": usd " $8 ", expected 0.796495 (13000 / 16321.5)"; bad = 1 } }
        else { a++; if ($8 != "0.398247") { print "step " $2 ": usd " $8 ", expected 0.398247 (13000 / 32643)"; bad = 1 } }
        if ($12 != "13000.000000") { print "local " $12; bad = 1 } }
        END { if (!b || !a) { print b + 0 " before, " a + 0 " after: expected both"; bad = 1 } exit bad }' "$T/halve.csv"
}
check "halve: id_app65 (Rp13,000) brings in \$0.796495 before step 10 and \$0.398247, half floored, from it" halve_purchases
halve_cashouts() {
    # no payout fee in this fixture: net = gross; FX fee 3% floored; the bank
    # gets (net - fee) x per_usd, floored, in µ-units (exact in awk's doubles)
    awk -F, '$3 == "cashout" && $10 == "id" {
        g = $8; sub(/\./, "", g); g += 0
        fx = int(g * 3 / 100); k = $2 < 10 ? 16321.5 : 32643
        want = sprintf("%.6f", int((g - fx) * k) / 1000000)
        n[$2 < 10]++
        if ($12 != want) { print "step " $2 ": local " $12 ", expected " want; bad = 1 } }
        END { if (!n[0] || !n[1]) { print "cash-outs before/after step 10: " n[1] + 0 "/" n[0] + 0; bad = 1 } exit bad }' "$T/halve.csv"
}
check "halve: every id cash-out's local amount is (gross - 3% FX fee) x the step's rate, floored, before and after the move" halve_cashouts

# --- 3. FX fees in the money identity ---------------------------------------

money_identity() {
    for d in dollar halve; do
        awk -F, -v d="$d" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            { g = $(c["payouts_gross_usd"]); f = $(c["payout_fees_usd"]); x = $(c["fx_fees_usd"]); n = $(c["payouts_net_usd"])
              gsub(/\./, "", g); gsub(/\./, "", f); gsub(/\./, "", x); gsub(/\./, "", n)
              if (g + 0 != f + x + n) { print d " run " $1 ": gross " g " != fees " f " + FX " x " + net " n; bad = 1 }
              if (x > 0) fx = 1 }
            END { if (!fx) { print d ": no FX fee at all"; bad = 1 } exit bad }' "$T/$d/runs.csv" || return 1
    done
}
check "FX fees: in every run gross payouts = payout fees + FX fees + net payouts, to the µUSD, with FX fees > 0" money_identity
fx_sum() {
    # each mean is printed rounded to the µUSD: four of them may sum to the
    # total's mean give or take four half-µUSD, and the total's own half
    s=0
    for r in us id jp gb; do s=$(awk -v s="$s" -v x="$(brk "$T/dollar" $r fx_fees_usd)" 'BEGIN { printf "%.6f", s + x }'); done
    t=$(metric "$T/dollar" fx_fees_usd)
    awk -v s="$s" -v t="$t" 'BEGIN { d = s - t; exit !(d <= 0.0000025 && d >= -0.0000025 && t > 0) }' ||
        { echo "regions sum $s, summary $t"; return 1; }
    [ "$(brk "$T/dollar" us fx_fees_usd)" = 0.000000 ] || { echo "us (no FX fee) has $(brk "$T/dollar" us fx_fees_usd)"; return 1; }
}
check "FX fees: the regions' fx_fees_usd add up to summary.csv's; the USD region with no FX fee has none" fx_sum

# --- 4. one region is the economy without regions ---------------------------

run "$COINSIM" run tests/fixtures/e2e/small --headless --events "$T/small.csv" --out "$T/small"
run "$COINSIM" run "$F/one" --headless --events "$T/one.csv" --out "$T/one"
one_same() {
    for f in summary.csv timeseries.csv runs.csv pack_sales.csv segments.csv channels.csv gifts.csv creators.csv regions.csv; do
        cmp "$T/small/$f" "$T/one/$f" || { diff "$T/small/$f" "$T/one/$f" | head -4; return 1; }
    done
    # the log: the same events; the one with regions.csv names them
    cut -d, -f1-9 "$T/one.csv" | cmp - "$T/small.csv" || { echo "the logs' events differ"; return 1; }
    head -1 "$T/one.csv" | grep -qx 'run,step,type,viewer,creator,item,coins,usd,channel,region,currency,local' ||
        { echo "header $(head -1 "$T/one.csv")"; return 1; }
    head -1 "$T/small.csv" | grep -qx 'run,step,type,viewer,creator,item,coins,usd,channel' ||
        { echo "header $(head -1 "$T/small.csv")"; return 1; }
}
check "one region (all, USD, rate 1, no FX fee): every output file byte-identical to the scenario without regions.csv, the same events" one_same
one_region_row() {
    grep -q '^all,USD,cash_in_usd,' "$T/small/regions.csv" || { echo "no all,USD row"; return 1; }
    [ "$(brk "$T/small" all cash_in_usd)" = "$(metric "$T/small" cash_in_usd)" ] || { echo "the region's cash in is not the total"; return 1; }
    [ "$(metric "$T/small" fx_fees_usd)" = 0.000000 ] || { echo "fx_fees_usd $(metric "$T/small" fx_fees_usd)"; return 1; }
}
check "without regions.csv: regions.csv has the one region all in USD, whose cash in is the total; fx_fees_usd 0" one_region_row

# --- 5. bad inputs ------------------------------------------------------------

# bad NAME DIR FIRST-LINE: validate DIR exits 2 and its first stderr line is FIRST-LINE.
bad() {
    run "$COINSIM" validate "$2"
    got=$(head -1 "$T/err")
    if [ "$rc" -eq 2 ] && [ "$got" = "$3" ]; then ok "bad input: $1"; else notok "bad input: $1" "expected: $3"; fi
}
bad "a pack's unknown region" "$F/badpack" \
    "$F/badpack/packs.csv: column region: pack app65: region \"xx\" is not in $F/badpack/regions.csv (expected one of its names)"
bad "a segment's unknown region" "$F/badseg" \
    "$F/badseg/segments.csv: column region: segment whale: region \"mars\" is not in $F/badseg/regions.csv (expected one of its names)"
bad "creator shares not summing to 1" "$F/share" \
    "$F/share/regions.csv: column creator_share: creator shares sum to 0.9 (expected exactly 1)"
bad "a zero rate" "$F/zero" \
    "$F/zero/regions.csv:3: column per_usd: out of range \"0\" (expected the units of the currency one US dollar buys from 0.000001 to 1000000000 with at most 6 decimals)"
bad "a missing currency" "$F/nocur" \
    "$F/nocur/regions.csv:3: column currency: empty value (expected a non-empty name without '.')"
bad "both price and price_usd" "$F/both" \
    "$F/both/packs.csv:1: column price: both \"price\" and \"price_usd\" in the header (expected one of them: price in the region's currency, price_usd where that is USD)"
bad "neither price nor price_usd" "$F/nocol" \
    "$F/nocol/packs.csv:1: column price: required column missing (expected \"price\" or \"price_usd\" in the header: price in the region's currency, price_usd where that is USD)"
bad "price_usd for a region that pays in IDR" "$F/usdcol" \
    "$F/usdcol/packs.csv: column price_usd: pack id_app65 has a price_usd, but its region id pays in IDR (expected its price in the price column, in IDR)"
bad "a local price worth more than 1,000,000 USD" "$F/dear" \
    "$F/dear/packs.csv: column price: pack id_gold costs 16321500001 IDR, more than 1000000 USD at 16321.5 IDR to the dollar (expected a price worth at most 1000000 USD)"
run "$COINSIM" validate "$F/two" --set regions.id.per_usd=0.01
if [ "$rc" -eq 2 ] && head -1 "$T/err" | grep -qF -- '--set regions.id.per_usd=0.01: column price: pack id_app65 costs 13000 IDR, more than 1000000 USD at 0.01 IDR to the dollar'; then
    ok "bad input: --set of a rate that puts a pack past 1,000,000 USD names the --set"
else notok "bad input: --set of a rate that puts a pack past 1,000,000 USD names the --set"; fi
run "$COINSIM" validate "$F/two" --set regions.mars.per_usd=2
if [ "$rc" -eq 2 ] && grep -q 'no region named "mars"' "$T/err"; then ok "bad input: --set of an unknown region"; else notok "bad input: --set of an unknown region"; fi

# --- 6. --set, --vary, compare ------------------------------------------------

run "$COINSIM" run "$F/two" --headless --runs 2 --set regions.id.fx_fee_rate=0 --out "$T/nofx"
nofx() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(metric "$T/nofx" fx_fees_usd)" = 0.000000 ] || { echo "fx_fees_usd $(metric "$T/nofx" fx_fees_usd)"; return 1; }
}
check "--set regions.id.fx_fee_rate=0: no FX fee at all" nofx
run "$COINSIM" sweep "$F/two" --vary regions.id.per_usd=16321.5:32643:16321.5 --runs 3 --out "$T/sweep"
sweep_regions() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    a=$(awk -F, '$1 == 0 && $3 == "id" && $5 == "cash_in_usd" { print $6 }' "$T/sweep/sweep_regions.csv")
    b=$(awk -F, '$1 == 1 && $3 == "id" && $5 == "cash_in_usd" { print $6 }' "$T/sweep/sweep_regions.csv")
    l0=$(awk -F, '$1 == 0 && $3 == "id" && $5 == "cash_in_local" { print $6 }' "$T/sweep/sweep_regions.csv")
    l1=$(awk -F, '$1 == 1 && $3 == "id" && $5 == "cash_in_local" { print $6 }' "$T/sweep/sweep_regions.csv")
    [ -n "$a" ] && [ -n "$b" ] || { echo "no id cash_in_usd rows"; return 1; }
    [ "$l0" = "$l1" ] || { echo "local cash in $l0 and $l1: the same purchases expected"; return 1; }
    # the same purchases at twice the rate: half the dollars, less the floors
    awk -v a="$a" -v b="$b" 'BEGIN { exit !(b < a / 2 + 0.01 && b > a / 2 - 1) }' || { echo "id cash in $a then $b"; return 1; }
}
check "--vary regions.id.per_usd: sweep_regions.csv has id at each point; twice the rate, the same local cash in, half the dollars" sweep_regions
# 12 paired runs: every run's local payouts rise, but by very different
# amounts (20 creators in id), so 4 runs do not make the interval exclude 0
run "$COINSIM" compare "$F/two" "$F/halve" --runs 12 --out "$T/cmp"
cmp_regions() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    awk -F, '$1 == "id" && $3 == "cash_in_usd" { if ($6 >= 0 || $10 != "yes") { print "id cash_in_usd: " $0; bad = 1 } f++ }
        $1 == "id" && $3 == "payouts_local" { if ($6 <= 0 || $10 != "yes") { print "id payouts_local: " $0; bad = 1 } f++ }
        $1 == "us" && $3 == "cash_in_usd" { if ($6 != "0.000000") { print "us cash_in_usd: " $0; bad = 1 } f++ }
        END { if (f != 3) { print f " rows found"; bad = 1 } exit bad }' "$T/cmp/compare_regions.csv"
}
check "compare two halve: compare_regions.csv, id dollar cash in down and local payouts up (significant), us unchanged" cmp_regions

# --- 7. replay ------------------------------------------------------------------

run "$COINSIM" run "$F/halve" --headless --runs 1 --events "$T/h1.csv" --out "$T/h1"
run "$COINSIM" replay "$T/h1.csv" --scenario "$F/halve" --out "$T/rh1" --check
replay_regions() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    grep -v -e ',viewers,' -e ',payer_rate,' "$T/h1/regions.csv" >"$T/a"
    grep -v -e ',viewers,' -e ',payer_rate,' "$T/rh1/regions.csv" >"$T/b"
    cmp "$T/a" "$T/b" || { diff "$T/a" "$T/b" | head -4; return 1; }
    [ "$(awk -F, '$1 == "local_differs" { print $2 }' "$T/rh1/replay.csv")" = 0 ] || { echo "local_differs not 0"; return 1; }
    [ "$(awk -F, '$1 == "price_differs" { print $2 }' "$T/rh1/replay.csv")" = 0 ] || { echo "price_differs not 0"; return 1; }
}
check "replay of halve's log (a rate move at step 10): regions.csv = the run's but viewers and payer_rate; no price or local amount differs" replay_regions
old_log() {
    cut -d, -f1-9 "$T/h1.csv" >"$T/old.csv"
    "$COINSIM" replay "$T/old.csv" --scenario "$F/halve" --out "$T/rold" --check >"$T/out" 2>"$T/err" || { echo "exit $?"; head -3 "$T/err"; return 1; }
    # known packs keep their region and price; cash-outs, without a region, are the first region's (no FX fee)
    [ "$(brk "$T/rold" id cash_in_usd)" = "$(brk "$T/h1" id cash_in_usd)" ] || { echo "id cash in differs"; return 1; }
    [ "$(metric "$T/rold" fx_fees_usd)" = 0.000000 ] || { echo "fx_fees_usd $(metric "$T/rold" fx_fees_usd)"; return 1; }
    [ "$(brk "$T/rold" us payouts_gross_usd)" = "$(metric "$T/h1" payouts_gross_usd)" ] || { echo "every cash-out should be us's"; return 1; }
}
check "an older log without region, currency and local: replays under regions, its cash-outs in the first region (no FX fee), its packs' sales in their own" old_log
bad_log() {
    awk -F, 'BEGIN { OFS = "," } NR > 1 && $3 == "cashout" && !done { $10 = "mars"; done = 1 } { print }' "$T/h1.csv" >"$T/mars.csv"
    "$COINSIM" replay "$T/mars.csv" --scenario "$F/halve" --out "$T/rmars" >"$T/out" 2>"$T/err" && { echo "exit 0"; return 1; }
    grep -q 'region "mars" is not in the scenario' "$T/err" || { head -2 "$T/err"; return 1; }
    [ ! -e "$T/rmars" ] || { echo "output written"; return 1; }
}
check "a log row naming an unknown region: exit 2 with the line, nothing written" bad_log

exit $((fails > 0))
