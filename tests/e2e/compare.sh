#!/bin/sh
# End-to-end: coinsim compare (paired runs on common random numbers) and
# coinsim sweep (a grid on the same random numbers), README "coinsim compare
# A B" and "coinsim sweep DIR", docs/model.md §4 and §7.
#
# Fixtures in tests/fixtures/compare: base (tests/fixtures/e2e/small at 15
# steps, 3000 viewers, 6 runs, seed 3); same (extends base, changes
# nothing); reseeded (extends base with seed 99 and 2 runs); commission
# (extends base: commission 0.50 -> 0.30 at step 0); price (extends base:
# app330 $4.99 -> $6.99 at step 0); logit (a 1-coin gift, three packs:
# every decision from an empty wallet) and logit_up (every logit price
# x1.5). The whole script takes about a second. Most checks are exact: what a change cannot
# touch must come out identical to the unit, run by run. The rest compare
# the tool's own figures with each other (compare.csv against runs.csv and
# summary.csv of `coinsim run`, sweep.csv against the printed verdict).
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/compare.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
F=tests/fixtures/compare
. tests/e2e/lib.sh
exit0() { [ "$rc" -eq 0 ] || { echo "exit $rc: $(head -n 2 "$T/err")"; return 1; }; }
# exit_is RC LINE: the last command exited RC with LINE first on stderr.
exit_is() {
    [ "$rc" -eq "$1" ] && [ "$(sed -n 1p "$T/err")" = "$2" ] || { echo "exit $rc: $(head -n 2 "$T/err")"; return 1; }
}
# exit_line RC LINE: the last command exited RC with LINE on stdout.
exit_line() {
    [ "$rc" -eq "$1" ] && grep -qxF -- "$2" "$T/out" || { echo "exit $rc; stdout ends: $(tail -n 3 "$T/out" | tr '\n' '|')"; return 1; }
}

# The metrics of docs/model.md §6 in the order of summary.csv.
METRICS="cash_in_usd store_fees_usd payouts_gross_usd payout_fees_usd payouts_net_usd
platform_cash_usd coins_sold coins_bonus coins_gifted coins_breakage wallet_coins
diamonds_credited diamonds_withdrawn pending_diamonds purchases gifts lost_intents
active_viewers payers live_creators cashouts coins_granted coins_sunk sinks lost_sinks
sessions_watched sessions_missed web_cash_in_usd fx_fees_usd arppu_usd payer_rate platform_take_rate
creator_share_of_spend breakage_rate lost_intent_rate creator_gini top1pct_creator_share
top20pct_payer_spend_share creators_cashed_out creator_earnings_usd coin_liability_usd diamond_liability_usd
platform_margin_usd web_share_of_revenue missed_session_rate opening_wallet_coins
opening_pending_diamonds opening_platform_cash_usd app_purchases web_purchases"
CMP_HEADER="metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant"
# Demand: what viewers do. Nothing creators are paid feeds back into it.
DEMAND="cash_in_usd store_fees_usd coins_sold coins_gifted purchases gifts lost_intents
payers active_viewers live_creators arppu_usd payer_rate lost_intent_rate"
# The key figures of sweep.csv, in order (README, coinsim sweep DIR).
KEYS="cash_in_usd platform_cash_usd payouts_net_usd store_fees_usd purchases payers
arppu_usd creator_share_of_spend platform_take_rate platform_margin_usd creator_earnings_usd
web_share_of_revenue web_purchases live_creators missed_session_rate"
NUM='^-?[0-9]+\\.[0-9][0-9][0-9][0-9][0-9][0-9]$'

# body CSV: a compare.csv without the comment lines that open it (what A
# and B were).
body() { grep -v '^#' "$1"; }
# row CSV METRIC: the row of METRIC in a compare.csv.
row() { body "$1" | awk -F, -v m="$2" '$1 == m'; }
# cell CSV METRIC COLUMN: one cell of a compare.csv.
cell() {
    body "$1" | awk -F, -v m="$2" -v n="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $1 == m { print $(c[n]) }'
}
# col FILE COLUMN: COLUMN of a CSV with a header, one line per row.
col() {
    awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; if (!c) exit 1; next } { print $c }' "$1"
}

# cmp_csv CSV: the header, one row per §6 metric in order, 8 cells, each a
# number with 6 decimals (rel_change empty when A's mean is 0), yes/no.
cmp_csv() {
    [ -f "$1" ] || { echo "no $1"; return 1; }
    [ "$(sed -n 1p "$1" | cut -c1-4)" = "# A " ] && [ "$(sed -n 2p "$1" | cut -c1-4)" = "# B " ] ||
        { echo "no comment lines naming A and B: $(sed -n 1p "$1")"; return 1; }
    got=$(body "$1" | sed -n 1p)
    [ "$got" = "$CMP_HEADER" ] || { echo "header: $got"; return 1; }
    got=$(body "$1" | sed 1d | cut -d, -f1 | tr '\n' ' ')
    want=$(echo $METRICS)" "
    [ "$got" = "$want" ] || { echo "metric column: $got"; return 1; }
    body "$1" | awk -F, -v num="$NUM" 'NR == 1 { next }
        NF != 8 { print "line " NR ": " NF " cells"; bad = 1; next }
        {
            for (i = 2; i <= 6; i++) if ($i !~ num) { print "line " NR " cell " i ": " $i; bad = 1 }
            if ($7 != "" && $7 !~ num) { print "line " NR " rel_change: " $7; bad = 1 }
            if ($7 == "" && $2 != "0.000000") { print "line " NR ": no rel_change with A mean " $2; bad = 1 }
            if ($8 != "yes" && $8 != "no") { print "line " NR " significant: " $8; bad = 1 }
            if (!($5 <= $4 && $4 <= $6)) { print "line " NR ": B - A " $4 " outside its CI [" $5 ", " $6 "]"; bad = 1 }
            if (($8 == "yes") != ($5 > 0 || $6 < 0)) { print "line " NR ": significant " $8 " with CI [" $5 ", " $6 "]"; bad = 1 }
        }
        END { exit bad }'
}

# zero CSV METRIC...: each metric's difference and CI are 0.000000, not
# significant.
zero() {
    csv=$1
    shift
    [ -f "$csv" ] || { echo "no $csv"; return 1; }
    for m in "$@"; do
        r=$(row "$csv" "$m")
        case $r in
        "$m",*,*,0.000000,0.000000,0.000000,*,no) ;;
        *) echo "$m: ${r:-no row}"; return 1 ;;
        esac
    done
}

# ===================================================== a scenario with itself

# same extends base and changes nothing; reseeded extends base with seed 99
# and 2 runs, which compare replaces with A's seed 3 and 6 runs.
for b in base same reseeded; do
    O=$T/self_$b
    run "$COINSIM" compare $F/base $F/$b --threads 2 --out "$O"
    check "compare base $b: exit 0" exit0
    check "compare base $b: compare.csv has the header, a row per metric in order, numbers with 6 decimals" cmp_csv "$O/compare.csv"
    all_zero() {
        body "$O/compare.csv" | awk -F, 'NR == 1 { next }
            !($4 == "0.000000" && $5 == "0.000000" && $6 == "0.000000" && $8 == "no") { print; bad = 1 }
            $2 != $3 { print "A mean " $2 " != B mean " $3; bad = 1 }
            END { if (NR != 51) { print NR - 1 " rows"; bad = 1 } exit bad }'
    }
    check "compare base $b: every row has B - A 0.000000 in [0.000000, 0.000000], not significant, A mean = B mean" all_zero
    nonzero_fixture() {
        # The zeros must not come from an economy where nothing happens.
        for m in cash_in_usd payouts_net_usd gifts cashouts; do
            v=$(cell "$O/compare.csv" $m a_mean)
            case $v in "" | 0.000000) echo "$m: A mean ${v:-missing}"; return 1 ;; esac
        done
    }
    check "compare base $b: the fixture spends, gifts and cashes out (the zeros are not vacuous)" nonzero_fixture
    self_text() {
        want="compare: A = base, B = $b; 6 paired runs (run r of each on the same random numbers), seed 3"
        [ "$(sed -n 1p "$T/out")" = "$want" ] || { echo "first line: $(sed -n 1p "$T/out")"; return 1; }
        grep -qx '  No difference at all: every paired run gave the same figure.' "$T/out" || { echo "no 'No difference at all' line"; return 1; }
        ! grep -q 'Pairing:' "$T/out" || { echo "a Pairing line with nothing to pair"; return 1; }
        # Every metric row prints +0.00 (or +0.0, +0.0000) as B - A, "no", pairing "-".
        bad=$(awk 'NF >= 9 && $1 ~ /_/ && !($4 ~ /^\+0\.0+$/ && $(NF-1) == "no" && $NF == "-")' "$T/out" | grep -v '^metric ')
        [ -z "$bad" ] || { echo "rows: $bad"; return 1; }
    }
    check "compare base $b: first line names A, B, runs and seed; the verdict says no difference at all; no Pairing line" self_text
done
# B's runs and seed are A's through the one change mechanism, and are not
# changes the user made: the sides name none.
sides_plain() {
    [ "$(sed -n 2,3p "$T/out")" = "$(printf '  A = %s (base)\n  B = %s (reseeded)' $F/base $F/reseeded)" ] ||
        { echo "sides: $(sed -n 2,3p "$T/out" | tr '\n' '|')"; return 1; }
    [ "$(sed -n 2p "$T/self_reseeded/compare.csv")" = "# B = $F/reseeded (reseeded)" ] ||
        { echo "compare.csv: $(sed -n 2p "$T/self_reseeded/compare.csv")"; return 1; }
}
check "compare base reseeded: B runs on A's seed and runs, and neither side names a change" sides_plain

# =========================================== a commission change: demand fixed

O=$T/comm
run "$COINSIM" compare $F/base $F/commission --threads 2 --out "$O"
check "compare base commission: exit 0" exit0
check "compare base commission: compare.csv well formed" cmp_csv "$O/compare.csv"
check "compare base commission: every demand figure (cash in, purchases, coins sold, gifts, lost intents, payers, ...) has B - A exactly 0" \
    zero "$O/compare.csv" $DEMAND
creators_up() {
    for m in diamonds_credited payouts_net_usd payouts_gross_usd creator_share_of_spend; do
        r=$(row "$O/compare.csv" $m)
        echo "$r" | awk -F, '!($5 > 0 && $8 == "yes") { exit 1 }' || { echo "$m: ${r:-no row}"; return 1; }
    done
    r=$(row "$O/compare.csv" platform_cash_usd)
    echo "$r" | awk -F, '!($6 < 0 && $8 == "yes") { exit 1 }' || { echo "platform_cash_usd: $r"; return 1; }
}
check "compare base commission: creators' credit and payouts up, platform cash down, each significant" creators_up
# A coin credits 10000 x (10^6 - commission) / 5000 µD: 1.0 diamond at 0.50,
# 1.4 at 0.30, exactly, so B's mean is 1.4 x A's (to the 6 decimals printed).
times14() {
    a=$(cell "$O/compare.csv" diamonds_credited a_mean)
    b=$(cell "$O/compare.csv" diamonds_credited b_mean)
    awk -v a="$a" -v b="$b" 'BEGIN { d = b - 1.4 * a; if (a == "" || d > 0.000002 || d < -0.000002) { print "A " a ", B " b; exit 1 } }'
}
check "compare base commission: diamonds_credited B mean = 1.4 x A mean" times14

# The same change made on the command line: B is A with --set-b (A with
# --set-a), and the figures are those of the fixture that makes it in a
# timeline row at step 0, to the byte.
run "$COINSIM" compare $F/base --set-b commission=0.30 --threads 2 --out "$T/setb"
setb_same() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(body "$T/setb/compare.csv")" = "$(body "$O/compare.csv")" ] || { echo "figures differ from compare base commission"; return 1; }
    [ "$(sed -n 2p "$T/setb/compare.csv")" = "# B = $F/base (base) changed by --set-b commission=0.30" ] ||
        { echo "compare.csv line 2: $(sed -n 2p "$T/setb/compare.csv")"; return 1; }
    [ "$(sed -n 1p "$T/setb/compare.csv")" = "# A = $F/base (base)" ] || { echo "line 1: $(sed -n 1p "$T/setb/compare.csv")"; return 1; }
    [ "$(sed -n 3p "$T/setb/compare.csv")" = "# 6 paired runs, seed 3" ] || { echo "line 3: $(sed -n 3p "$T/setb/compare.csv")"; return 1; }
    grep -qx "  B = $F/base (base) changed by --set-b commission=0.30" "$T/out" || { echo "stdout does not name the change"; return 1; }
}
check "compare base --set-b commission=0.30: B defaults to A; the figures of compare base commission; compare.csv and stdout name the change" setb_same
run "$COINSIM" compare $F/commission $F/base --threads 2 --out "$T/rev"
run "$COINSIM" compare $F/base $F/base --set-a commission=0.30 --set runs=6 --threads 2 --out "$T/seta"
seta_same() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(body "$T/seta/compare.csv")" = "$(body "$T/rev/compare.csv")" ] || { echo "figures differ from compare commission base"; return 1; }
    [ "$(sed -n 1p "$T/seta/compare.csv")" = "# A = $F/base (base) changed by --set-a commission=0.30, --set runs=6" ] ||
        { echo "line 1: $(sed -n 1p "$T/seta/compare.csv")"; return 1; }
    [ "$(sed -n 2p "$T/seta/compare.csv")" = "# B = $F/base (base) changed by --set runs=6" ] ||
        { echo "line 2: $(sed -n 2p "$T/seta/compare.csv")"; return 1; }
}
check "compare base base --set-a commission=0.30 --set runs=6: the figures of compare commission base; each side's changes listed in order" seta_same
run "$COINSIM" compare $F/base $F/price --runs 1
one_run() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    grep -q '^  No conclusion: with one run there is no interval; use --runs 2 or more\.$' "$T/out" || { echo "no 'No conclusion' line"; return 1; }
    ! grep -q 'CI - to -\|No clear difference\|interval excludes' "$T/out" || { echo "a verdict from one run"; return 1; }
}
check "compare --runs 1: no interval and no conclusion" one_run

# B is A only when one side is changed; a side may not change the seed or
# the runs, which pair the two.
run "$COINSIM" compare $F/base --set commission=0.3
check "compare A --set (no B, no one-sided change): refused, A against itself says nothing" exit_is 2 \
    'coinsim compare: B is A unless given; with no --set-b or --set-a, A and B are the same (expected B, or --set-b TARGET=VAL)'
run "$COINSIM" compare $F/base --set-b seed=7
check "compare --set-b seed=7: refused, --seed is for both" exit_is 2 \
    'coinsim compare: --set-b seed=7: A and B run on the same seed and number of runs, which pairs them (expected --seed for both)'
run "$COINSIM" compare $F/base $F/price --set-a params.runs=3
check "compare --set-a params.runs=3: refused, --runs is for both" exit_is 2 \
    'coinsim compare: --set-a params.runs=3: A and B run on the same seed and number of runs, which pairs them (expected --runs for both)'

# ============================================== sweep: the edge of the grid

# Platform cash rises with the commission: at the top of 0.3..0.6 the best
# is on the edge, beyond the noise, and the grid should go higher; with
# --minimize at the bottom, lower. At 0.8..1 the top is commission's own
# bound. Along an axis the objective does not move (the creators' Gini
# under a commission change, which leaves every gift as it was), or with
# the best inside the grid, nothing is said.
edge() { grep -F 'edge of the grid' "$T/out"; grep -F 'the grid cannot be extended' "$T/out"; }
run "$COINSIM" sweep $F/base --vary commission=0.3:0.6:0.1 --runs 3 --objective platform_cash_usd
check "sweep, best at the top of the grid: warns, extend above 0.6" exit_line 0 \
    '  warning: the best point is on the edge of the grid: commission=0.6 is the highest value tried and beats commission=0.5, beyond the noise, so the best may lie beyond it; extend --vary commission above 0.6 (to 0.7, say).'
run "$COINSIM" sweep $F/base --vary commission=0.3:0.6:0.1 --runs 3 --objective platform_cash_usd --minimize
check "sweep --minimize, best at the bottom: warns, extend below 0.3" exit_line 0 \
    '  warning: the best point is on the edge of the grid: commission=0.3 is the lowest value tried and beats commission=0.4, beyond the noise, so the best may lie beyond it; extend --vary commission below 0.3 (to 0.2, say).'
run "$COINSIM" sweep $F/base --vary commission=0.8:1:0.1 --runs 3 --objective platform_cash_usd
check "sweep, best at commission=1: the target's own bound, no value beyond suggested" exit_line 0 \
    '  note: commission=1, the best point'"'"'s value, is the highest commission takes: the grid cannot be extended that way.'
run "$COINSIM" sweep $F/base --vary commission=0.3,0.4,0.5 --runs 3 --objective creator_gini
no_edge() { [ "$rc" -eq 0 ] && [ -z "$(edge)" ] || { echo "exit $rc; $(edge)"; return 1; }; }
check "sweep, an objective the axis does not move: no edge warning" no_edge
run "$COINSIM" sweep $F/base --vary commission=0.3,0.6,0.5 --runs 3 --objective platform_cash_usd --minimize
check "sweep, values listed out of order: the lowest is the edge" exit_line 0 \
    '  warning: the best point is on the edge of the grid: commission=0.3 is the lowest value tried and beats commission=0.5, beyond the noise, so the best may lie beyond it; extend --vary commission below 0.3 (to 0.1, say).'

# The same pairs, run by run, from `coinsim run` of each with the same seed
# and runs: runs.csv gives every run's figures.
run "$COINSIM" run $F/base --headless --threads 2 --out "$T/run_base"
check "run base: exit 0" exit0
run "$COINSIM" run $F/commission --headless --threads 2 --out "$T/run_comm"
check "run commission: exit 0" exit0
run "$COINSIM" run $F/price --headless --threads 2 --out "$T/run_price"
check "run price: exit 0" exit0

# same_cols A B COLUMN...: identical in every run of A's and B's runs.csv.
same_cols() {
    a=$1
    b=$2
    shift 2
    for c in "$@"; do
        x=$(col "$T/$a/runs.csv" "$c") && y=$(col "$T/$b/runs.csv" "$c") || { echo "no column $c"; return 1; }
        [ "$(echo "$x" | wc -l)" -eq 6 ] || { echo "$c: $(echo "$x" | wc -l) runs, expected 6"; return 1; }
        [ "$x" = "$y" ] || { echo "$c differs:"; echo "A: $(echo $x)"; echo "B: $(echo $y)"; return 1; }
    done
}
check "runs.csv, base vs commission: cash_in, purchases, coins_sold, gifts, lost_intents, payers identical in every run" \
    same_cols run_base run_comm cash_in_usd purchases coins_sold gifts lost_intents payers store_fees_usd active_viewers live_creators
credit_runs() {
    paste -d, "$T/run_base/runs.csv" "$T/run_comm/runs.csv" | awk -F, '
        NR == 1 { n = NF / 2; for (i = 1; i <= n; i++) if ($i == "diamonds_credited") c = i; if (!c) exit 1; next }
        { a = $c; b = $(c + n); sub(/\./, "", a); sub(/\./, "", b)
          if (a * 7 != b * 5 || a + 0 == 0) { print "run " NR - 1 ": A " $c ", B " $(c + n); bad = 1 } rows++ }
        END { exit bad || rows != 6 }'
}
check "runs.csv, base vs commission: diamonds_credited B = 1.4 x A in every run (so different in every run)" credit_runs
# compare runs what `run` runs: A's means are run base's summary means, B's
# are run commission's, for every metric, to the 6 decimals written.
means_match() {
    for m in $METRICS; do
        a=$(cell "$O/compare.csv" $m a_mean)
        b=$(cell "$O/compare.csv" $m b_mean)
        sa=$(awk -F, -v m=$m '$1 == m { print $2 }' "$T/run_base/summary.csv")
        sb=$(awk -F, -v m=$m '$1 == m { print $2 }' "$T/run_comm/summary.csv")
        [ -n "$a" ] && [ "$a" = "$sa" ] && [ "$b" = "$sb" ] || { echo "$m: compare $a / $b, run $sa / $sb"; return 1; }
    done
}
check "compare base commission: A and B means equal the summary.csv means of run base and run commission" means_match

# ================================================ one pack dearer: pairing

O=$T/price
run "$COINSIM" compare $F/base $F/price --metric cash_in_usd --threads 2 --out "$O"
cp "$T/out" "$T/price_stdout"
check "compare base price --metric cash_in_usd: exit 0" exit0
check "compare base price: active_viewers and live_creators B - A exactly 0" zero "$O/compare.csv" active_viewers live_creators
check "runs.csv, base vs price: active_viewers and live_creators identical in every run" \
    same_cols run_base run_price active_viewers live_creators
purchases_move() {
    d=$(cell "$O/compare.csv" purchases diff_mean)
    [ -n "$d" ] && [ "$d" != 0.000000 ] || { echo "purchases B - A: ${d:-missing}"; return 1; }
    x=$(col "$T/run_base/runs.csv" purchases)
    y=$(col "$T/run_price/runs.csv" purchases)
    [ "$x" != "$y" ] || { echo "purchases identical in every run"; return 1; }
}
check "compare base price: purchases change (mean difference, and in runs.csv)" purchases_move
# The Pairing line: sqrt((var A + var B) / var(B - A)) for cash_in_usd,
# recomputed from the two runs.csv (exact cents, sample variances over the
# 6 runs); the line prints it with one decimal, so within 0.05 + 1e-9.
pairing() {
    l=$(grep '^  Pairing: the CI is [0-9]*\.[0-9]x narrower than 6 independent runs of each would give (half-width ' "$T/price_stdout")
    [ -n "$l" ] || { echo "no Pairing line"; return 1; }
    x=$(echo "$l" | sed 's/^  Pairing: the CI is \([0-9.]*\)x.*/\1/')
    want=$(paste -d, "$T/run_base/runs.csv" "$T/run_price/runs.csv" | awk -F, '
        NR == 1 { n = NF / 2; for (i = 1; i <= n; i++) if ($i == "cash_in_usd") c = i; next }
        { a[NR] = $c; b[NR] = $(c + n); k++ }
        END {
            for (i = 2; i <= k + 1; i++) { ma += a[i] / k; mb += b[i] / k; md += (b[i] - a[i]) / k }
            for (i = 2; i <= k + 1; i++) { va += (a[i] - ma) ^ 2; vb += (b[i] - mb) ^ 2; vd += (b[i] - a[i] - md) ^ 2 }
            printf "%.6f\n", sqrt((va + vb) / vd)
        }')
    awk -v x="$x" -v w="$want" 'BEGIN { if (!(x > 1.0 && x - w <= 0.05 + 1e-9 && w - x <= 0.05 + 1e-9)) exit 1 }' ||
        { echo "printed ${x}x, from runs.csv ${want}x"; return 1; }
    # The table's pairing column for cash_in_usd says the same.
    t=$(awk '$1 == "cash_in_usd" { print $NF }' "$T/price_stdout")
    [ "$t" = "${x}x" ] || { echo "table pairing $t, Pairing line ${x}x"; return 1; }
}
check "compare base price: \"Pairing: the CI is N.Nx narrower\" with N.N > 1, = sqrt((var A + var B) / var(B - A)) from runs.csv" pairing
# compare.csv's B - A and its CI, recomputed from the two runs.csv: the
# mean of the paired differences, mean -+ t sd / sqrt(6) with t the 0.975
# quantile of Student's t with 5 degrees of freedom, 2.5705818366147. The
# runs.csv cells are exact (cents, counts), so the two agree to the 6
# decimals written: within 2e-6 plus 1e-9 relative.
ci_from_runs() {
    for m in cash_in_usd platform_cash_usd purchases payers payouts_net_usd; do
        want=$(paste -d, "$T/run_base/runs.csv" "$T/run_price/runs.csv" | awk -F, -v m=$m '
            NR == 1 { n = NF / 2; for (i = 1; i <= n; i++) if ($i == m) c = i; next }
            { d[NR] = $(c + n) - $c; k++ }
            END {
                for (i = 2; i <= k + 1; i++) md += d[i] / k
                for (i = 2; i <= k + 1; i++) v += (d[i] - md) ^ 2
                h = 2.5705818366147 * sqrt(v / (k - 1)) / sqrt(k)
                printf "%.9f %.9f %.9f\n", md, md - h, md + h
            }')
        got=$(cell "$O/compare.csv" $m diff_mean)" "$(cell "$O/compare.csv" $m diff_ci95_low)" "$(cell "$O/compare.csv" $m diff_ci95_high)
        echo "$want $got" | awk '{ for (i = 1; i <= 3; i++) { e = $i - $(i + 3); t = 0.000002 + 1e-9 * ($i < 0 ? -$i : $i)
            if (e > t || e < -t) exit 1 } }' || { echo "$m: compare.csv $got, from runs.csv $want"; return 1; }
    done
}
check "compare base price: B - A and its 95% CI in compare.csv = the paired differences of the runs.csv of run base and run price" ci_from_runs
verdict_cash() {
    grep -q '^verdict on cash_in_usd: B - A = ' "$T/price_stdout" || { echo "no verdict on cash_in_usd"; return 1; }
}
check "compare --metric cash_in_usd: the verdict is on cash_in_usd" verdict_cash

# Threads: the same bytes.
run "$COINSIM" compare $F/base $F/price --metric cash_in_usd --threads 1 --out "$T/price1"
same_threads() {
    exit0 || return 1
    cmp -s "$O/compare.csv" "$T/price1/compare.csv" || { echo "compare.csv differs"; return 1; }
    sed "s|$T/price1|DIR|" "$T/out" >"$T/a"
    sed "s|$O|DIR|" "$T/price_stdout" >"$T/b"
    cmp -s "$T/a" "$T/b" || { echo "stdout differs"; diff "$T/a" "$T/b" | head -n 4; return 1; }
}
check "compare base price: --threads 1 and --threads 2 give the same compare.csv and stdout" same_threads

# --seed: both use it, and it matters.
run "$COINSIM" compare $F/base $F/same --seed 9 --runs 2 --threads 2 --out "$T/seed9"
seed9() {
    exit0 || return 1
    [ "$(sed -n 1p "$T/out")" = "compare: A = base, B = same; 2 paired runs (run r of each on the same random numbers), seed 9" ] ||
        { echo "first line: $(sed -n 1p "$T/out")"; return 1; }
    zero "$T/seed9/compare.csv" $METRICS || return 1
    [ "$(cell "$T/seed9/compare.csv" cash_in_usd a_mean)" != "$(cell "$T/self_same/compare.csv" cash_in_usd a_mean)" ] ||
        { echo "seed 9 gives seed 3's cash in"; return 1; }
}
check "compare --seed 9 --runs 2: both run on seed 9 (header, exact zeros, other figures than seed 3)" seed9

# ============================================ every price up: fewer purchases

O=$T/logit
run "$COINSIM" compare $F/logit $F/logit_up --metric purchases --threads 2 --out "$O"
check "compare logit logit_up: exit 0" exit0
fewer() {
    r=$(row "$O/compare.csv" purchases)
    echo "$r" | awk -F, '!($3 < $2 && $6 < 0 && $8 == "yes") { exit 1 }' || { echo "purchases: ${r:-no row}"; return 1; }
    grep -qx '  B is lower than A: the interval excludes zero.' "$T/out" || { echo "no 'B is lower' verdict"; return 1; }
}
check "compare logit logit_up: purchases lower in B, the paired 95% CI below zero, the verdict says so" fewer

# --until-ci: batches of 2 until the half-width of the purchases difference
# is within 1.5% of it (the unit test finds 8 runs); the result is that of
# N paired runs at once. --max-runs 4 stops short, and says so.
run "$COINSIM" compare $F/logit $F/logit_up --metric purchases --runs 2 --until-ci 1.5 --threads 2 --out "$T/until"
cp "$T/out" "$T/until_stdout"
reached() {
    exit0 || return 1
    l=$(grep '^  --until-ci 1.5: reached after [0-9]* runs (half-width [0-9.]*% of the difference)\.$' "$T/until_stdout")
    [ -n "$l" ] || { echo "no 'reached after N runs' line: $(grep -- --until-ci "$T/until_stdout")"; return 1; }
    n=$(echo "$l" | sed 's/.*after \([0-9]*\) runs.*/\1/')
    h=$(echo "$l" | sed 's/.*half-width \([0-9.]*\)%.*/\1/')
    [ $((n % 2)) -eq 0 ] && [ "$n" -ge 4 ] || { echo "$n runs: not a whole number of batches of 2 beyond the first"; return 1; }
    awk -v h="$h" 'BEGIN { exit !(h <= 1.5) }' || { echo "half-width $h% above 1.5%"; return 1; }
    grep -q "; $n paired runs (run r" "$T/until_stdout" || { echo "first line does not say $n paired runs"; return 1; }
    echo "$n" >"$T/until_n"
}
check "compare --until-ci 1.5 on a real difference: \"reached after N runs\", N a multiple of the batch, half-width <= 1.5%" reached
n=$(cat "$T/until_n" 2>/dev/null || echo 8)
run "$COINSIM" compare $F/logit $F/logit_up --metric purchases --runs "$n" --threads 2 --out "$T/fixed"
same_as_fixed() {
    cmp -s "$T/until/compare.csv" "$T/fixed/compare.csv" || { echo "compare.csv differs from --runs $n"; return 1; }
}
check "compare --until-ci: compare.csv is the same bytes as --runs N (later batches continue the run numbers)" same_as_fixed
run "$COINSIM" compare $F/logit $F/logit_up --metric purchases --runs 2 --until-ci 1.5 --max-runs 4 --threads 2
not_reached() {
    exit0 || return 1
    l=$(grep '^  --until-ci 1.5: NOT reached after 4 runs (half-width [0-9.]*% of the difference)\.$' "$T/out")
    [ -n "$l" ] || { echo "no 'NOT reached after 4 runs' line: $(grep -- --until-ci "$T/out")"; return 1; }
    h=$(echo "$l" | sed 's/.*half-width \([0-9.]*\)%.*/\1/')
    awk -v h="$h" 'BEGIN { exit !(h > 1.5) }' || { echo "half-width $h% within the target, yet NOT reached"; return 1; }
}
check "compare --until-ci 1.5 --max-runs 4: \"NOT reached after 4 runs\", half-width above 1.5%" not_reached

# ======================================================================= sweep

O=$T/sw
run "$COINSIM" sweep $F/base --vary commission=0.1:0.9:0.2 --runs 4 --threads 2 --objective diamonds_credited --out "$O"
cp "$T/out" "$T/sw_stdout"
check "sweep commission=0.1:0.9:0.2: exit 0" exit0
# sweep_csv CSV "TARGETS" NPOINTS [OBJECTIVE]: the header is the targets,
# then M_mean,M_ci95_low,M_ci95_high per key figure (and the objective if
# not one), NPOINTS rows, every cell a number with 6 decimals.
sweep_csv() {
    [ -f "$1" ] || { echo "no $1"; return 1; }
    want=$(echo $2 | tr ' ' ',')
    for m in $KEYS ${4:-}; do want="$want,${m}_mean,${m}_ci95_low,${m}_ci95_high"; done
    got=$(sed -n 1p "$1")
    [ "$got" = "$want" ] || { echo "header: $got"; echo "want:   $want"; return 1; }
    awk -F, -v num="$NUM" -v nax=$(echo $2 | wc -w) -v np="$3" -v nf=$(echo "$want" | tr ',' '\n' | wc -l) '
        NR == 1 { next }
        NF != nf { print "line " NR ": " NF " cells, header " nf; bad = 1; next }
        { for (i = nax + 1; i <= NF; i++) if ($i !~ num) { print "line " NR " cell " i ": " $i; bad = 1 } }
        END { if (NR - 1 != np) { print NR - 1 " rows, expected " np; bad = 1 } exit bad }' "$1"
}
check "sweep.csv: commission, then mean and CI of each key figure and of the objective; 5 rows; numbers with 6 decimals" \
    sweep_csv "$O/sweep.csv" commission 5 diamonds_credited
points5() {
    got=$(col "$O/sweep.csv" commission | tr '\n' ' ')
    [ "$got" = "0.1 0.3 0.5 0.7 0.9 " ] || { echo "points: $got"; return 1; }
    [ "$(sed -n 1p "$T/sw_stdout")" = "sweep: base, 5 points x 4 runs, seed 3 (every point on the same random numbers)" ] ||
        { echo "first line: $(sed -n 1p "$T/sw_stdout")"; return 1; }
}
check "sweep commission=0.1:0.9:0.2: points 0.1 0.3 0.5 0.7 0.9 in order; first line says 5 points x 4 runs" points5
# Demand does not see the commission, and every point runs on the same
# random numbers: cash in (mean and CI), purchases, payers, store fees and
# ARPPU are the same text at every point.
flat() {
    for m in cash_in_usd store_fees_usd purchases payers arppu_usd; do
        n=$(awk -F, -v m=$m 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m "_mean") c = i; next }
            { print $c "," $(c + 1) "," $(c + 2) }' "$O/sweep.csv" | sort -u | wc -l)
        [ "$n" -eq 1 ] || { echo "$m: $n different values over the 5 points"; return 1; }
    done
    v=$(awk -F, 'NR == 2 { print $2 }' "$O/sweep.csv")
    [ "$v" != 0.000000 ] || { echo "no cash in at all"; return 1; }
}
check "sweep commission: cash in (mean and CI), purchases, payers, store fees, ARPPU identical at every point" flat
# down M / up M: M_mean strictly falls / rises from each point to the next.
# Credit per coin is 2 (10^6 - commission) µD exactly, so diamonds credited
# fall by 0.2 / 0.9 of the first point's at each step; net payouts follow
# (means about $400 apart at 4 runs in the unit test; paired, not luck).
mono() {
    awk -F, -v m="$2" -v dir="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m "_mean") c = i; if (!c) { print "no " m; exit 1 } next }
        NR > 2 && !(dir == "down" ? $c < prev : $c > prev) { print m " at " $1 ": " $c " after " prev; bad = 1 }
        { prev = $c }
        END { exit bad }' "$O/sweep.csv"
}
check "sweep commission: payouts_net_usd mean falls at every step of the grid" mono down payouts_net_usd
check "sweep commission: diamonds_credited mean (the objective's columns) falls at every step of the grid" mono down diamonds_credited
check "sweep commission: creator_share_of_spend mean falls at every step of the grid" mono down creator_share_of_spend
check "sweep commission: platform_cash_usd mean rises at every step of the grid" mono up platform_cash_usd
exact_credit() {
    # diamonds credited = coins gifted x 2 (10^6 - c) µD in every run, and
    # coins gifted do not move: the means are in the ratio 1.8:1.4:1.0:0.6:0.2.
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "diamonds_credited_mean") c = i; next }
        { m[NR - 1] = $c; k[NR - 1] = 2 * (1 - $1) }
        END { for (i = 2; i <= 5; i++) { d = m[i] - m[1] * k[i] / k[1]; if (d > 0.00001 || d < -0.00001) { print "point " i ": " m[i] " vs " m[1] * k[i] / k[1]; bad = 1 } } exit bad }' "$O/sweep.csv"
}
check "sweep commission: diamonds_credited means in the exact ratio 2 x (1 - commission)" exact_credit

# objective_ok CSV STDOUT TARGET METRIC LOWEST: the printed best point and
# runner-up are the points with the highest (LOWEST=1: lowest) and second
# mean of METRIC in sweep.csv (TARGET its first column); "their 95% CIs
# overlap" exactly when the CSV's intervals do.
objective_ok() {
    csv=$1
    out=$2
    target=$3
    m=$4
    low=$5
    exp=$(awk -F, -v m="$m" -v low="$low" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m "_mean") c = i; next }
        { v = (low ? -$c : $c); if (b == "" || v > bv) { s = b; sv = bv; b = $1; bv = v } else if (s == "" || v > sv) { s = $1; sv = v }
          lo[$1] = $(c + 1); hi[$1] = $(c + 2) }
        END { print b, s, ((lo[b] > hi[s] || lo[s] > hi[b]) ? "do not overlap" : "overlap") }' "$csv")
    set -- $exp
    word=$([ "$low" = 1 ] && echo lowest || echo highest)
    grep -q "^best point for $m ($word): $target=$1, mean [0-9.]*; runner-up $target=$2, mean [0-9.]*\.\$" "$out" ||
        { echo "expected best $1, runner-up $2; got: $(grep '^best point' "$out")"; return 1; }
    shift 2
    grep -qx "  their 95% CIs $*." "$out" || { echo "expected 'their 95% CIs $*'; got: $(grep 'their 95%' "$out")"; return 1; }
    grep -q '^  paired (same random numbers), best - runner-up = ' "$out" || { echo "no paired line"; return 1; }
}
check "sweep --objective diamonds_credited: best commission=0.1, runner-up 0.3, the CI overlap statement agrees with sweep.csv" \
    objective_ok "$O/sweep.csv" "$T/sw_stdout" commission diamonds_credited 0
run "$COINSIM" sweep $F/base --vary commission=0.1:0.9:0.2 --runs 4 --threads 1 --objective diamonds_credited --out "$T/sw1"
same_sweep() {
    exit0 || return 1
    cmp -s "$O/sweep.csv" "$T/sw1/sweep.csv" || { echo "sweep.csv differs"; return 1; }
    sed "s|$T/sw1|DIR|" "$T/out" >"$T/a"
    sed "s|$O|DIR|" "$T/sw_stdout" >"$T/b"
    cmp -s "$T/a" "$T/b" || { echo "stdout differs"; return 1; }
}
check "sweep: --threads 1 and --threads 2 give the same sweep.csv and stdout" same_sweep
run "$COINSIM" sweep $F/base --vary commission=0.1:0.9:0.2 --runs 4 --threads 2 --objective platform_cash_usd --minimize --out "$T/swmin"
cp "$T/out" "$T/swmin_stdout"
check "sweep --objective platform_cash_usd --minimize: exit 0" exit0
check "sweep --objective platform_cash_usd --minimize: best commission=0.1 (lowest), overlap statement agrees with sweep.csv" \
    objective_ok "$T/swmin/sweep.csv" "$T/swmin_stdout" commission platform_cash_usd 1
# A clear winner: live creators at live_prob 0.9 against 0.5 and 0.1 (about
# 45 against 25 of 50 a step): the CIs cannot overlap.
run "$COINSIM" sweep $F/base --vary live_prob=0.1,0.5,0.9 --runs 3 --threads 2 --objective live_creators --out "$T/swlive"
cp "$T/out" "$T/swlive_stdout"
live_apart() {
    exit0 || return 1
    objective_ok "$T/swlive/sweep.csv" "$T/swlive_stdout" live_prob live_creators 0 || return 1
    grep -q '^best point for live_creators (highest): live_prob=0.9, ' "$T/swlive_stdout" || { echo "best is not 0.9"; return 1; }
    grep -qx '  their 95% CIs do not overlap.' "$T/swlive_stdout" || { echo "CIs said to overlap"; return 1; }
}
check "sweep --objective live_creators over live_prob 0.1,0.5,0.9: best 0.9, CIs do not overlap" live_apart

# Two axes: 2 x 3 = 6 rows, the first --vary slowest.
O=$T/grid
run "$COINSIM" sweep $F/base --vary commission=0.2,0.5 --vary packs.app65.price_usd=0.99:1.99:0.5 --runs 2 --threads 2 --out "$O"
check "sweep, two --vary: exit 0" exit0
check "sweep, two --vary: sweep.csv has both targets, then the key figures; 6 rows" \
    sweep_csv "$O/sweep.csv" "commission packs.app65.price_usd" 6
grid_order() {
    got=$(sed 1d "$O/sweep.csv" | cut -d, -f1,2 | tr '\n' ' ')
    want="0.2,0.99 0.2,1.49 0.2,1.99 0.5,0.99 0.5,1.49 0.5,1.99 "
    [ "$got" = "$want" ] || { echo "points: $got"; return 1; }
    grep -q '^sweep: base, 6 points x 2 runs, seed 3 ' "$T/out" || { echo "first line: $(sed -n 1p "$T/out")"; return 1; }
}
check "sweep, two --vary: rows in the order (0.2,0.99) (0.2,1.49) ... (0.5,1.99), first axis slowest" grid_order
grid_crn() {
    # The same price at either commission: the same cash in to the cent.
    a=$(awk -F, 'NR > 1 && $1 == "0.2" { print $2 "," $3 }' "$O/sweep.csv")
    b=$(awk -F, 'NR > 1 && $1 == "0.5" { print $2 "," $3 }' "$O/sweep.csv")
    [ -n "$a" ] && [ "$a" = "$b" ] || { echo "commission 0.2: $a; 0.5: $b"; return 1; }
}
check "sweep, two --vary: at each price, cash in is identical at both commissions" grid_crn

# A --vary of runs must not be a label alone: each point runs its own
# number of runs, or the target is refused (the sweep uses one run count).
run "$COINSIM" sweep $F/base --vary runs=2,5 --threads 2 --out "$T/swruns"
vary_runs() {
    if [ "$rc" -eq 2 ]; then
        [ ! -s "$T/out" ] && [ ! -e "$T/swruns" ] || { echo "refused, yet something ran"; return 1; }
        return 0
    fi
    exit0 || return 1
    n=$(awk -F, 'NR > 1 { print $2 "," $3 "," $4 }' "$T/swruns/sweep.csv" | sort -u | wc -l)
    [ "$n" -eq 2 ] || { echo "the points runs=2 and runs=5 give the same mean and CI (both ran $(sed -n 's/.* x \([0-9]*\) runs.*/\1/p' "$T/out") runs)"; return 1; }
}
check "sweep --vary runs=2,5: refused, or each point runs its own number of runs" vary_runs

# Likewise a --vary of seed: the points then do not share their random
# numbers, so the tool must refuse it, or at least not print that they do
# (the first line "seed 3 (every point on the same random numbers)" and
# the objective's "paired (same random numbers)" line).
run "$COINSIM" sweep $F/base --vary seed=1,2 --runs 2 --threads 2 --objective cash_in_usd --out "$T/swseed"
vary_seed() {
    if [ "$rc" -eq 2 ]; then
        [ ! -s "$T/out" ] && [ ! -e "$T/swseed" ] || { echo "refused, yet something ran"; return 1; }
        return 0
    fi
    exit0 || return 1
    l=$(grep -e 'every point on the same random numbers' -e 'paired (same random numbers)' "$T/out")
    [ -z "$l" ] || { echo "points on seeds 1 and 2, yet: $l"; return 1; }
}
check "sweep --vary seed=1,2: refused, or no claim that the points share their random numbers" vary_seed

# ============================================================= bad arguments

# refused NAME FIRST-LINE CMD...: exit 2, stderr's first line exactly
# FIRST-LINE, nothing on stdout, the --out directory never made.
nb=0
refused() {
    name=$1
    want=$2
    shift 2
    nb=$((nb + 1))
    run "$@" --out "$T/bad$nb"
    first=$(sed -n 1p "$T/err")
    if [ "$rc" -eq 2 ] && [ "$first" = "$want" ] && [ ! -s "$T/out" ] && [ ! -e "$T/bad$nb" ]; then
        ok "$name: exit 2, \"$want\", nothing run"
    else
        notok "$name: exit 2, \"$want\", nothing run" "stderr's first line: $first"
    fi
}
B=$F/base
refused "sweep --vary with a pack that does not exist" \
    '--vary packs.nosuch.price_usd=1: column target: no pack named "nosuch" (expected a name from packs.csv)' \
    "$COINSIM" sweep $B --vary packs.nosuch.price_usd=1,2 --runs 2
refused "sweep --vary with a params key that does not exist" \
    '--vary params.nosuch=0.1: column target: unknown key "nosuch" (expected one of name, extends, steps, runs, seed, viewers, creators, coin_value_usd, commission, usd_per_diamond, store_fee_app, store_fee_web, min_withdrawal_usd, daily_withdrawal_limit_usd, payout_fee_usd, payout_fee_rate, p_cashout, creator_zipf, live_prob, live_elasticity, reference_take_usd, p_switch, warmup_steps)' \
    "$COINSIM" sweep $B --vary params.nosuch=0.1,0.2 --runs 2
refused "sweep --vary LO above HI" \
    'coinsim sweep: --vary commission: LO 0.9 is above HI 0.1 (expected LO <= HI)' \
    "$COINSIM" sweep $B --vary commission=0.9:0.1:0.1 --runs 2
refused "sweep --vary with a step of zero" \
    'coinsim sweep: --vary commission: STEP 0 (expected a step above 0)' \
    "$COINSIM" sweep $B --vary commission=0.1:0.9:0 --runs 2
refused "sweep --vary with a LO that is not a number" \
    'coinsim sweep: --vary commission: LO "x": not a number (expected a decimal with at most 6 places)' \
    "$COINSIM" sweep $B --vary commission=x:0.9:0.1 --runs 2
refused "sweep, a grid of 9 x 9 = 81 points with --max-points 50" \
    'coinsim sweep: the grid has more than --max-points 50 points' \
    "$COINSIM" sweep $B --vary commission=0.1:0.9:0.1 --vary live_prob=0.1:0.9:0.1 --max-points 50 --runs 2
refused "sweep, one axis of 81 values with --max-points 50" \
    'coinsim sweep: --vary commission: 81 values, more than --max-points 50' \
    "$COINSIM" sweep $B --vary commission=0.1:0.9:0.01 --max-points 50 --runs 2
refused "sweep, a list of 3 values with --max-points 2" \
    'coinsim sweep: --vary commission: 3 values (expected 1 to --max-points 2)' \
    "$COINSIM" sweep $B --vary commission=0.1,0.2,0.3 --max-points 2 --runs 2
refused "sweep --vary with a value out of range (the second of the list)" \
    '--vary commission=1.5: column value: out of range "1.5" (expected a decimal from 0 to 1 with at most 6 places)' \
    "$COINSIM" sweep $B --vary commission=0.5,1.5 --runs 2
refused "sweep --vary with a negative price" \
    '--vary packs.app65.price_usd=-1: column value: negative "-1" (expected an amount in USD from 0 to 1000000 with at most 6 decimals)' \
    "$COINSIM" sweep $B --vary packs.app65.price_usd=-1,2 --runs 2
refused "sweep without --vary" \
    'coinsim sweep: nothing to vary (expected at least one --vary TARGET=SPEC)' \
    "$COINSIM" sweep $B --runs 2
refused "sweep --objective with an unknown metric" \
    'coinsim sweep: --objective "nosuch": no such metric (expected one of those listed below)' \
    "$COINSIM" sweep $B --vary commission=0.1,0.2 --objective nosuch --runs 2
refused "compare with one directory" \
    'coinsim compare: B is A unless given; with no --set-b or --set-a, A and B are the same (expected B, or --set-b TARGET=VAL)' \
    "$COINSIM" compare $B --runs 2
refused "compare with an unknown --metric" \
    'coinsim compare: --metric "nosuch": no such metric (expected one of those listed below)' \
    "$COINSIM" compare $B $F/price --metric nosuch --runs 2
refused "compare --until-ci 0" \
    'coinsim compare: --until-ci "0": expected a percentage above 0 and at most 100' \
    "$COINSIM" compare $B $F/price --until-ci 0 --runs 2
refused "compare --until-ci with batches of 1 run" \
    'coinsim compare: --until-ci needs batches of at least 2 runs' \
    "$COINSIM" compare $B $F/price --until-ci 5 --runs 1

# ======================================================= files: exit 5 (I/O)

# An --out that cannot be made: exit 5 before anything runs, nothing on
# stdout. One whose file cannot take its name (compare.csv, sweep.csv a
# directory): exit 5 after the runs, the table printed, no "wrote" line.
: >"$T/plain"
for cmd in "compare $B --set-b commission=0.4" "sweep $B --vary commission=0.3,0.4"; do
    c=${cmd%% *}
    # shellcheck disable=SC2086 # the command's words
    run "$COINSIM" $cmd --runs 2 --out "$T/plain/sub"
    check "$c --out under a regular file: exit 5 before running" exit_is 5 \
        "coinsim: $T/plain/sub: cannot create directory: Not a directory; nothing was run"
    rm -rf "$T/o5" && mkdir -p "$T/o5/$c.csv"
    # shellcheck disable=SC2086
    run "$COINSIM" $cmd --runs 2 --out "$T/o5"
    io_late() {
        [ "$rc" -eq 5 ] || { echo "exit $rc"; return 1; }
        grep -q "^coinsim: $T/o5/$c.csv" "$T/err" || { echo "stderr: $(head -n 2 "$T/err")"; return 1; }
        grep -q "^$c: " "$T/out" || { echo "no table on stdout"; return 1; }
        ! grep -q '^wrote ' "$T/out" || { echo "a wrote line"; return 1; }
        [ -d "$T/o5/$c.csv" ] && [ "$(ls -A "$T/o5")" = "$c.csv" ] || { echo "files: $(ls -A "$T/o5")"; return 1; }
    }
    check "$c with $c.csv a directory: exit 5 after the runs, the table printed, nothing written" io_late
done

[ "$fails" -eq 0 ]
