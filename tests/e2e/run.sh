#!/bin/sh
# End-to-end: coinsim run — the printed table, the output files of
# docs/model.md §6 (exact headers, row counts, 6-decimal money, the ledger identities of
# §5 recomputed from the files), --check and the ledger fault hook.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/run.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
FIX=tests/fixtures/e2e
S=$FIX/small              # 20 steps, 2000 viewers, 50 creators
STEPS=20
RUNS=3
. tests/e2e/lib.sh

# The metrics of docs/model.md §6: every time-series column, then the derived ones.
TS_COLS="cash_in_usd store_fees_usd payouts_gross_usd payout_fees_usd payouts_net_usd
platform_cash_usd coins_sold coins_bonus coins_gifted coins_breakage wallet_coins
diamonds_credited diamonds_withdrawn pending_diamonds purchases gifts lost_intents
active_viewers payers live_creators cashouts coins_granted coins_sunk sinks
lost_sinks sessions_watched sessions_missed web_cash_in_usd fx_fees_usd"
DERIVED="arppu_usd payer_rate platform_take_rate creator_share_of_spend breakage_rate
lost_intent_rate creator_gini top1pct_creator_share top20pct_payer_spend_share
creators_cashed_out creator_earnings_usd coin_liability_usd diamond_liability_usd
platform_margin_usd web_share_of_revenue missed_session_rate opening_wallet_coins
opening_pending_diamonds opening_platform_cash_usd app_purchases web_purchases"
METRICS=$(echo $TS_COLS $DERIVED)
TS_HEADER="run,step,$(echo $TS_COLS | tr ' ' ',')"
SUMMARY_HEADER="metric,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs"
# Columns in USD or diamonds, written with exactly 6 decimals.
DEC_COLS="cash_in_usd store_fees_usd payouts_gross_usd payout_fees_usd payouts_net_usd
platform_cash_usd diamonds_credited diamonds_withdrawn pending_diamonds"
# Columns that are whole counts in timeseries.csv (and totals in runs.csv).
INT_COLS="coins_sold coins_bonus coins_gifted coins_breakage wallet_coins purchases
gifts lost_intents active_viewers payers live_creators cashouts"

# --- the printed table --------------------------------------------------------

O=$T/o
run "$COINSIM" run "$S" --headless --runs $RUNS --seed 5 --out "$O"
cp "$T/out" "$T/table"
if [ "$rc" -eq 0 ]; then ok "run --headless --out: exit 0"; else notok "run --headless --out: exit 0"; fi

table_header() {
    want="small: $RUNS runs x $STEPS steps, 2000 viewers, 50 creators, seed 5"
    [ "$(sed -n 1p "$T/table")" = "$want" ] || { echo "first line is not: $want"; return 1; }
}
check "table: first line names scenario, runs, steps, population, seed" table_header

# table_line M: exactly one line "M   MEAN   [LOW, HIGH]" in the table.
table_line() {
    n=$(grep -Ec "^$1 +-?[0-9]+(\\.[0-9]+)? +\\[-?[0-9.]+, -?[0-9.]+\\] *\$" "$T/table")
    [ "$n" -eq 1 ] || { echo "$n lines \"$1 MEAN [LOW, HIGH]\", expected 1"; grep "^$1 " "$T/table"; return 1; }
}
for m in $METRICS; do
    check "table: one line for $m, with mean and 95% CI" table_line "$m"
done

# --- output files -------------------------------------------------------------

files_exist() {
    for f in summary.csv timeseries.csv runs.csv; do
        [ -f "$O/$f" ] || { echo "$O/$f missing"; return 1; }
    done
    # Files are written under temporary names, then renamed: none may remain.
    left=$(ls -A "$O" | grep '^\.')
    [ -z "$left" ] || { echo "temporary files left: $left"; return 1; }
}
check "--out writes summary.csv, timeseries.csv, runs.csv, no temporary file left" files_exist

first_line_is() {
    got=$(sed -n 1p "$1" 2>/dev/null)
    [ "$got" = "$2" ] || { echo "got:  $got"; echo "want: $2"; return 1; }
}
check "summary.csv header is exactly $SUMMARY_HEADER" first_line_is "$O/summary.csv" "$SUMMARY_HEADER"
check "timeseries.csv header is exactly run,step, then the §6 columns in order" \
    first_line_is "$O/timeseries.csv" "$TS_HEADER"

summary_rows() {
    [ -f "$O/summary.csv" ] || { echo "no summary.csv"; return 1; }
    got=$(sed 1d "$O/summary.csv" | cut -d, -f1 | sort)
    want=$(printf '%s\n' $METRICS | sort)
    [ "$got" = "$want" ] || { echo "metric column differs from the §6 list:"; printf '%s\n' "$got" | tr '\n' ' '; return 1; }
}
check "summary.csv: one row per §6 metric, each once" summary_rows

summary_cells() {
    [ -f "$O/summary.csv" ] || { echo "no summary.csv"; return 1; }
    awk -F, -v runs=$RUNS -v dec=" $(echo $DEC_COLS) arppu_usd " '
        NR == 1 { next }
        NF != 9 { print "line " NR ": " NF " cells"; bad = 1; next }
        $9 != runs { print "line " NR ": runs " $9 ", expected " runs; bad = 1 }
        {
            for (i = 2; i <= 8; i++) {
                if ($i !~ /^-?[0-9]+\.[0-9]+$/) { print "line " NR " cell " i ": not a number: " $i; bad = 1 }
                else if (index(dec, " " $1 " ") && $i !~ /\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) {
                    print "line " NR " (" $1 ") cell " i ": not 6 decimals: " $i; bad = 1 }
            }
        }
        END { exit bad }' "$O/summary.csv"
}
check "summary.csv: 9 cells a row, runs = $RUNS, money and diamonds with 6 decimals" summary_cells

ts_rows() {
    [ -f "$O/timeseries.csv" ] || { echo "no timeseries.csv"; return 1; }
    awk -F, -v runs=$RUNS -v steps=$STEPS '
        NR == 1 { next }
        {
            k = NR - 2
            r = int(k / steps) + 1; s = k % steps
            if ($1 != r || $2 != s) { print "line " NR ": run,step " $1 "," $2 ", expected " r "," s; exit 1 }
        }
        END { if (NR - 1 != runs * steps) { print NR - 1 " rows, expected " runs * steps; exit 1 } }' "$O/timeseries.csv"
}
check "timeseries.csv: runs x steps rows ($RUNS x $STEPS), run 1.. then step 0.. in order" ts_rows

# cells FILE: every money/diamond cell has exactly 6 decimals, every count
# column is a whole number, found by header name.
cells() {
    [ -f "$1" ] || { echo "no $1"; return 1; }
    awk -F, -v dec=" $(echo $DEC_COLS) $2 " -v ints=" $(echo $INT_COLS) " -v skip=" $3 " '
        NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; n = NF; next }
        NF != n { print "line " NR ": " NF " cells, header has " n; bad = 1; next }
        {
            for (i = 1; i <= NF; i++) {
                c = " " name[i] " "
                if (index(skip, c)) continue
                if (index(dec, c)) {
                    if ($i !~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) { print "line " NR " " name[i] ": not 6 decimals: " $i; bad = 1 }
                } else if (index(ints, c)) {
                    if ($i !~ /^[0-9]+$/) { print "line " NR " " name[i] ": not a whole number: " $i; bad = 1 }
                }
            }
            if (bad) exit 1
        }
        END { exit bad }' "$1"
}
check "timeseries.csv: money and diamond cells with exactly 6 decimals, counts whole" \
    cells "$O/timeseries.csv" "" ""
# In runs.csv active_viewers and live_creators are means per step.
check "runs.csv: money and diamond cells (arppu_usd too) with exactly 6 decimals, totals whole" \
    cells "$O/runs.csv" "arppu_usd" "active_viewers live_creators"

runs_rows() {
    [ -f "$O/runs.csv" ] || { echo "no runs.csv"; return 1; }
    h=$(sed -n 1p "$O/runs.csv")
    case $h in run,*) ;; *) echo "header does not start with run,: $h"; return 1 ;; esac
    for m in $METRICS; do
        case ",$h," in *",$m,"*) ;; *) echo "no column $m"; return 1 ;; esac
    done
    got=$(sed 1d "$O/runs.csv" | cut -d, -f1 | tr '\n' ' ')
    want=$(seq 1 $RUNS | tr '\n' ' ')
    [ "$got" = "$want" ] || { echo "run column: $got, expected $want"; return 1; }
}
check "runs.csv: run then every metric; one row per run, runs 1..$RUNS" runs_rows

# The ledger identities (docs/model.md §5) recomputed from the files in integer
# units: "9815.170000" -> 9815170000 µUSD. awk's numbers are doubles, exact
# below 2^53; larger values fail the check rather than pass by rounding.
AWK_UNITS='
BEGIN { CONVFMT = OFMT = "%.17g" }
function u(x,  y) {
    y = x; sub(/\./, "", y)
    if (y !~ /^[0-9]+$/ || length(y) > 15) { print "line " NR ": cannot use \"" x "\" exactly"; bad = 1; exit 1 }
    return y + 0
}
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
function v(name) {
    if (!(name in c)) { print "no column " name; bad = 1; exit 1 }
    return u($(c[name]))
}'

ts_identities() {
    [ -f "$O/timeseries.csv" ] || { echo "no timeseries.csv"; return 1; }
    awk -F, "$AWK_UNITS"'
    {
        if ($1 != run) {        # a new run: flows start again
            run = $1; cin = fee = net = pfee = gross = sold = bonus = gifted = brk = cred = wd = 0
        }
        cin += v("cash_in_usd"); fee += v("store_fees_usd"); net += v("payouts_net_usd")
        pfee += v("payout_fees_usd"); gross += v("payouts_gross_usd")
        sold += v("coins_sold"); bonus += v("coins_bonus"); gifted += v("coins_gifted")
        brk += v("coins_breakage"); cred += v("diamonds_credited"); wd += v("diamonds_withdrawn")
        where = "run " $1 " step " $2 ": "
        if (cin != fee + net + pfee + v("platform_cash_usd")) {
            print where "money: cash in " cin " != fees " fee " + net " net " + payout fees " pfee " + platform " v("platform_cash_usd"); exit 1 }
        if (gross != net + pfee) { print where "payouts: gross " gross " != net " net " + fees " pfee; exit 1 }
        if (sold + bonus != gifted + brk + v("wallet_coins")) {
            print where "coins: sold " sold " + bonus " bonus " != gifted " gifted " + breakage " brk " + wallets " v("wallet_coins"); exit 1 }
        if (cred != wd + v("pending_diamonds")) {
            print where "diamonds: credited " cred " != withdrawn " wd " + pending " v("pending_diamonds"); exit 1 }
        rows++
    }
    END { if (!bad && NR <= 1) { print "no rows"; exit 1 } }' "$O/timeseries.csv"
}
check "timeseries.csv: the ledger identities hold after every step of every run (sums of flows, stocks as of the step)" \
    ts_identities

runs_identities() {
    [ -f "$O/runs.csv" ] || { echo "no runs.csv"; return 1; }
    awk -F, "$AWK_UNITS"'
    {
        where = "run " $1 ": "
        if (v("cash_in_usd") != v("store_fees_usd") + v("payouts_net_usd") + v("payout_fees_usd") + v("platform_cash_usd")) {
            print where "money identity broken"; exit 1 }
        if (v("payouts_gross_usd") != v("payouts_net_usd") + v("payout_fees_usd")) { print where "gross != net + fees"; exit 1 }
        if (v("coins_sold") + v("coins_bonus") != v("coins_gifted") + v("coins_breakage") + v("wallet_coins")) {
            print where "coins identity broken"; exit 1 }
        if (v("diamonds_credited") != v("diamonds_withdrawn") + v("pending_diamonds")) {
            print where "diamonds identity broken"; exit 1 }
        rows++
    }
    END { if (!bad && NR <= 1) { print "no rows"; exit 1 } }' "$O/runs.csv"
}
check "runs.csv: the ledger identities hold for every run" runs_identities

# runs.csv totals are the timeseries' sums (flows) and last values (stocks).
runs_match_ts() {
    [ -f "$O/runs.csv" ] && [ -f "$O/timeseries.csv" ] || { echo "files missing"; return 1; }
    awk -F, -v stocks=" platform_cash_usd wallet_coins pending_diamonds " \
        -v exact=" $(echo $TS_COLS | sed 's/active_viewers//; s/live_creators//; s/payers//') " '
    BEGIN { CONVFMT = OFMT = "%.17g" }
    function u(x,  y) { y = x; sub(/\./, "", y); return y + 0 }
    FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
    FILENAME == ts {
        split(exact, names, " ")
        for (k in names) {
            n = names[k]; x = u($(col[ts, n]))
            if (index(stocks, " " n " ")) tot[$1, n] = x; else tot[$1, n] += x
        }
        next
    }
    {
        split(exact, names, " ")
        for (k in names) {
            n = names[k]
            if (!((FILENAME, n) in col)) { print "runs.csv has no column " n; exit 1 }
            if (u($(col[FILENAME, n])) != tot[$1, n]) {
                print "run " $1 " " n ": runs.csv " $(col[FILENAME, n]) " vs timeseries " tot[$1, n]; exit 1 }
        }
        rows++
    }
    END { if (rows == 0) { print "no rows"; exit 1 } }' ts="$O/timeseries.csv" "$O/timeseries.csv" "$O/runs.csv"
}
check "runs.csv totals = timeseries.csv sums of flows and last stocks" runs_match_ts

# derived UPD: runs.csv's derived metrics from its own totals (docs/model.md §6),
# to the 6 decimals written; UPD is usd_per_diamond. Means per step from
# timeseries.csv.
derived() {
    [ -f "$O/runs.csv" ] && [ -f "$O/timeseries.csv" ] || { echo "files missing"; return 1; }
    awk -F, -v upd="$1" -v steps=$STEPS -v ts="$O/timeseries.csv" '
    function near(name, got, want) {
        if (got - want > 0.0000006 || want - got > 0.0000006) {
            print "run " $1 " " name ": " got ", expected " want; bad = 1 }
    }
    FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME == ts { av[$1] += $(c[ts, "active_viewers"]); lc[$1] += $(c[ts, "live_creators"]); next }
    function v(n) { if (!((FILENAME, n) in c)) { print "no column " n; bad = 1; exit 1 } return $(c[FILENAME, n]) + 0 }
    {
        cin = v("cash_in_usd")
        near("arppu_usd", v("arppu_usd"), v("payers") ? cin / v("payers") : 0)
        near("platform_take_rate", v("platform_take_rate"), cin ? v("platform_cash_usd") / cin : 0)
        near("creator_share_of_spend", v("creator_share_of_spend"),
             cin ? (v("payouts_gross_usd") + v("pending_diamonds") * upd) / cin : 0)
        sb = v("coins_sold") + v("coins_bonus")
        near("breakage_rate", v("breakage_rate"), sb ? v("coins_breakage") / sb : 0)
        it = v("gifts") + v("lost_intents")
        near("lost_intent_rate", v("lost_intent_rate"), it ? v("lost_intents") / it : 0)
        near("active_viewers", v("active_viewers"), av[$1] / steps)
        near("live_creators", v("live_creators"), lc[$1] / steps)
        if (v("creators_cashed_out") > v("cashouts")) { print "run " $1 ": more creators cashed out than cash-outs"; bad = 1 }
        if (v("payer_rate") <= 0 || v("payer_rate") > 1) { print "run " $1 ": payer_rate " v("payer_rate"); bad = 1 }
        g = v("creator_gini"); if (g < 0 || g > 1) { print "run " $1 ": creator_gini " g; bad = 1 }
        rows++
    }
    END { if (!bad && rows == 0) { print "no rows"; bad = 1 } exit bad }' "$O/timeseries.csv" "$O/runs.csv"
}
check "runs.csv: arppu, take rate, creator share, breakage and lost-intent rates, means per step agree with the totals" \
    derived 0.005

# summary.csv from runs.csv: mean, sample sd, Student-t 95% CI (for 3 runs,
# 2 degrees of freedom: t = 0.95 sqrt(2 / 0.0975) = 4.3026527...), the
# median, and p5 <= p50 <= p95 within the runs' range.
summary_vs_runs() {
    [ -f "$O/runs.csv" ] && [ -f "$O/summary.csv" ] || { echo "files missing"; return 1; }
    awk -F, '
    BEGIN { t = 0.95 * sqrt(2 / 0.0975) }
    function near(a, b, what) {
        if (a - b > 0.000005 + 1e-9 * (b < 0 ? -b : b) || b - a > 0.000005 + 1e-9 * (b < 0 ? -b : b)) {
            printf "%s %s: %s, expected %.6f\n", m, what, a, b; bad = 1 }
    }
    FILENAME ~ /runs.csv$/ {
        if (FNR == 1) { for (i = 2; i <= NF; i++) name[i] = $i; nf = NF; next }
        n++
        for (i = 2; i <= nf; i++) x[name[i], n] = $i + 0
        next
    }
    FNR == 1 { next }
    {
        m = $1
        if (!((m, 1) in x)) { print m ": not in runs.csv"; bad = 1; next }
        s = 0; lo = hi = x[m, 1]
        for (k = 1; k <= n; k++) { s += x[m, k]; if (x[m, k] < lo) lo = x[m, k]; if (x[m, k] > hi) hi = x[m, k] }
        mean = s / n
        v = 0
        for (k = 1; k <= n; k++) v += (x[m, k] - mean) ^ 2
        sd = sqrt(v / (n - 1))
        # the median of 3
        a = x[m, 1]; b = x[m, 2]; c = x[m, 3]
        med = a + b + c - (a < b ? (a < c ? a : c) : (b < c ? b : c)) - (a > b ? (a > c ? a : c) : (b > c ? b : c))
        near($2, mean, "mean"); near($3, sd, "sd")
        near($4, mean - t * sd / sqrt(n), "ci95_low"); near($5, mean + t * sd / sqrt(n), "ci95_high")
        near($7, med, "p50")
        if (!($6 <= $7 + 0.000001 && $7 <= $8 + 0.000001 && $6 >= lo - 0.000001 && $8 <= hi + 0.000001)) {
            print m ": p5 " $6 " p50 " $7 " p95 " $8 " not ordered within [" lo ", " hi "]"; bad = 1 }
        rows++
    }
    END { if (n != 3) { print n " runs in runs.csv, expected 3"; bad = 1 } if (!rows) { print "no rows"; bad = 1 } exit bad }' \
        "$O/runs.csv" "$O/summary.csv"
}
check "summary.csv: mean, sd, Student-t CI and median agree with runs.csv; p5 <= p50 <= p95 within the runs' range" \
    summary_vs_runs

# The same files and identities with every fee non-zero, bonus coins and
# rates that do not divide evenly (floors everywhere, docs/model.md §2).
O=$T/fees
run "$COINSIM" run "$S" --headless --runs $RUNS --seed 9 --out "$O" \
    --set payout_fee_usd=0.25 --set payout_fee_rate=0.023 --set min_withdrawal_usd=1 \
    --set commission=0.333333 --set usd_per_diamond=0.007 --set store_fee_app=0.299999 \
    --set packs.app65.bonus_coins=7 --set packs.web350.bonus_coins=35 --set segments.casual.p_churn=0.05
if [ "$rc" -eq 0 ]; then ok "fees, bonus, churn: exit 0"; else notok "fees, bonus, churn: exit 0"; fi
nonzero() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { f += $(c["payout_fees_usd"]); b += $(c["coins_bonus"]); k += $(c["coins_breakage"]); w += $(c["cashouts"]) }
        END { if (!(f > 0 && b > 0 && k > 0 && w > 0)) { print "payout fees " f ", bonus " b ", breakage " k ", cashouts " w; exit 1 } }' \
        "$O/timeseries.csv"
}
check "fees, bonus, churn: payout fees, bonus coins, breakage and cash-outs all occur" nonzero
check "fees, bonus, churn: timeseries.csv money and diamond cells with exactly 6 decimals" cells "$O/timeseries.csv" "" ""
check "fees, bonus, churn: the ledger identities hold after every step (timeseries.csv)" ts_identities
check "fees, bonus, churn: the ledger identities hold for every run (runs.csv)" runs_identities
check "fees, bonus, churn: runs.csv totals = timeseries.csv sums and last stocks" runs_match_ts
check "fees, bonus, churn: derived metrics agree with the totals" derived 0.007
O=$T/o

# --- --check and the ledger fault hook ----------------------------------------

run "$COINSIM" run "$S" --headless --runs 2 --check
if [ "$rc" -eq 0 ] && grep -q '^cash_in_usd ' "$T/out"; then
    ok "run --check on a good scenario: exit 0 with the table"
else
    notok "run --check on a good scenario: exit 0 with the table"
fi

# An --out holding a summary.csv from before must be left as it was.
prior() {
    rm -rf "$T/prev"
    mkdir "$T/prev"
    printf 'metric,mean\nkeep,me\n' >"$T/prev/summary.csv"
}
untouched() {
    [ "$(cat "$T/prev/summary.csv")" = "$(printf 'metric,mean\nkeep,me')" ] || { echo "summary.csv was changed"; return 1; }
    [ "$(ls -A "$T/prev")" = summary.csv ] || { echo "files in --out: $(ls -A "$T/prev" | tr '\n' ' ')"; return 1; }
}

prior
COINSIM_TEST_FAULT_STEP=3 run "$COINSIM" run "$S" --headless --runs 2 --threads 1 --check --out "$T/prev"
first=$(sed -n 1p "$T/err")
case $first in
"coinsim: ledger identity broken in run 1 after step 3: "*) ok "fault at step 3, --check: message names run 1, step 3, \"ledger identity broken\"" ;;
*) notok "fault at step 3, --check: message names run 1, step 3, \"ledger identity broken\"" ;;
esac
if [ "$rc" -eq 3 ]; then ok "fault at step 3, --check: exit 3"; else notok "fault at step 3, --check: exit 3"; fi
check "fault at step 3, --check: no output file under --out" untouched
if [ ! -s "$T/out" ]; then ok "fault at step 3, --check: no table on stdout"; else notok "fault at step 3, --check: no table on stdout"; fi

# With several threads the failing run may be any; the step is still 3.
COINSIM_TEST_FAULT_STEP=3 run "$COINSIM" run "$S" --headless --runs 4 --threads 2 --check
if [ "$rc" -eq 3 ] && grep -q '^coinsim: ledger identity broken in run [1-4] after step 3: ' "$T/err"; then
    ok "fault at step 3, --check, 2 threads: exit 3 naming step 3"
else
    notok "fault at step 3, --check, 2 threads: exit 3 naming step 3"
fi

prior
COINSIM_TEST_FAULT_STEP=3 run "$COINSIM" run "$S" --headless --runs 2 --threads 1 --out "$T/prev"
if [ "$rc" -eq 3 ] && grep -q '^coinsim: ledger identity broken in run 1 after step 19: ' "$T/err"; then
    ok "fault at step 3, no --check: exit 3, caught at the end of the run (step 19)"
else
    notok "fault at step 3, no --check: exit 3, caught at the end of the run (step 19)"
fi
check "fault at step 3, no --check: no output file under --out" untouched

rm -rf "$T/fresh"
COINSIM_TEST_FAULT_STEP=0 run "$COINSIM" run "$S" --headless --runs 1 --out "$T/fresh"
if [ "$rc" -eq 3 ] && [ -z "$(ls -A "$T/fresh" 2>/dev/null)" ]; then
    ok "fault at step 0 with a new --out: exit 3, the directory holds no file"
else
    notok "fault at step 0 with a new --out: exit 3, the directory holds no file"
fi

# The hook is what fails the run: a step the run never reaches breaks nothing.
COINSIM_TEST_FAULT_STEP=$STEPS run "$COINSIM" run "$S" --headless --runs 1 --check
if [ "$rc" -eq 0 ]; then ok "fault step beyond the last step: exit 0"; else notok "fault step beyond the last step: exit 0"; fi

# Stopping by a signal (SIGINT, SIGTERM, twice) is tested in interrupt.sh;
# bench, which times each scenario in a child process, below.

# --- bench: a signal stops the child's runs too --------------------------------

# bench_child: the pid of bench's child once it catches SIGTERM (bit 15 of
# SigCgt in /proc/PID/status: it is simulating); polls for up to 120 s,
# fails if bench ended first.
bench_child() {
    n=0
    while [ $n -lt 1200 ] && kill -0 "$pid" 2>/dev/null; do
        for c in $(pgrep -P "$pid" 2>/dev/null); do
            cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$c/status" 2>/dev/null)
            low=${cgt#"${cgt%????}"}
            [ -n "$low" ] && [ $((0x$low & 0x4000)) -ne 0 ] && { child=$c; return 0; }
        done
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}
for sig in TERM INT; do
    want=$([ $sig = TERM ] && echo 143 || echo 130)
    name="bench, SIG$sig while a scenario is timed: exit $want, the child stopped, one line saying so"
    "$COINSIM" bench scenarios/bench-mc >"$T/out" 2>"$T/err" &
    pid=$!
    child=
    if bench_child; then
        kill -$sig "$pid"
        wait "$pid"
        rc=$?
        last=$(tail -n 1 "$T/err")
        want_line="coinsim: interrupted while timing scenarios/bench-mc (the rows above are complete); nothing was written"
        if [ "$rc" -eq "$want" ] && [ "$last" = "$want_line" ] && ! kill -0 "$child" 2>/dev/null &&
            [ "$(wc -l <"$T/out")" -eq 1 ]; then
            ok "$name"
        else
            notok "$name" "expected exit $want, last line: $want_line"
        fi
    else
        wait "$pid"
        rc=$?
        notok "$name" "bench's child never got ready"
    fi
done

# --- format tolerance: CRLF and a BOM give the same results -------------------

mkdir "$T/crlf"
for f in "$S"/*.csv; do
    b=$(basename "$f")
    { [ "$b" = packs.csv ] && printf '\357\273\277'; sed 's/$/\r/' "$f"; } >"$T/crlf/$b"
done
run "$COINSIM" run "$T/crlf" --headless --runs $RUNS --seed 5 --out "$T/crlf_out"
same=1
for f in summary.csv timeseries.csv runs.csv; do cmp -s "$O/$f" "$T/crlf_out/$f" || same=0; done
if [ "$rc" -eq 0 ] && [ $same -eq 1 ]; then
    ok "the scenario with CRLF line ends and a BOM gives the same bytes"
else
    notok "the scenario with CRLF line ends and a BOM gives the same bytes"
fi

[ "$fails" -eq 0 ]
