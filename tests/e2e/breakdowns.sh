#!/bin/sh
# End-to-end: the breakdown files of docs/outputs.md (segments.csv,
# channels.csv, gifts.csv, creators.csv; compare_*.csv; sweep_channels.csv).
# Their rows and headers as documented, their sums against summary.csv,
# a replay's against the run it replays, compare's rows matched by name, and
# a sweep point's against a run at that point's value.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/breakdowns.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
S=tests/fixtures/e2e/small
F=tests/fixtures/compare
. tests/e2e/lib.sh

# fig FILE LABELS FIGURE [COL]: column COL (default 3 after the labels:
# the mean) of the row whose leading cells are LABELS,FIGURE.
fig() {
    awk -F, -v key="$2,$3" -v n="$(printf '%s' "$2,$3" | awk -F, '{print NF}')" -v col="${4:-1}" '
        { k = $1; for (i = 2; i <= n; i++) k = k "," $i }
        k == key { print $(n + col); found = 1; exit }
        END { if (!found) exit 1 }' "$1"
}
# near A B: A and B agree to 1e-9 relative, or within 0.00002 (a sum of up
# to 40 means, each rounded to 6 decimals, against one rounded mean).
near() {
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b);
        if (d <= 1e-9 * m || d <= 0.00002) exit 0; print a " != " b; exit 1 }'
}

run "$COINSIM" run "$S" --headless --runs 3 --out "$T/r"
t1() {
[ $rc -eq 0 ] && for f in segments channels gifts creators; do [ -s "$T/r/$f.csv" ] || { echo "no $f.csv"; return 1; }; done
}
check "run --out writes the four breakdown files" t1

t2() {
    [ "$(sed -n 1p "$T/r/segments.csv")" = 'segment,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs' ] || { echo header; return 1; }
    [ $(wc -l < "$T/r/segments.csv") -eq 69 ] || { echo rows $(wc -l < "$T/r/segments.csv"); return 1; }
    [ "$(cut -d, -f1 "$T/r/segments.csv" | uniq | tr '\n' ' ')" = 'segment lurker casual fan whale ' ] || { echo order; return 1; }
    [ "$(awk -F, 'NR > 1 && NR < 19 { printf "%s ", $2 }' "$T/r/segments.csv")" = 'viewers payers payer_rate spend_usd spend_share arppu_usd purchases wallet_coins gifts lost_intents lost_intent_rate churned churn_rate coins_granted sinks coins_sunk lost_sinks ' ] || { echo figures; return 1; }
}
check "segments.csv: the documented header, 17 figures for each of the 4 segments in order" t2

t3() {
    [ "$(sed -n 1p "$T/r/channels.csv")" = 'channel,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs' ] &&
    [ "$(awk -F, 'NR > 1 { printf "%s.%s ", $1, $2 }' "$T/r/channels.csv")" = 'app.purchases app.coins_sold app.coins_bonus app.revenue_usd app.revenue_share app.fees_usd app.fee_rate app.net_usd web.purchases web.coins_sold web.coins_bonus web.revenue_usd web.revenue_share web.fees_usd web.fee_rate web.net_usd ' ]
}
check "channels.csv: app then web, 8 figures each" t3

t4() {
    [ "$(sed -n 1p "$T/r/gifts.csv")" = 'item,kind,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs' ] &&
    [ $(grep -c ',gift,sent,' "$T/r/gifts.csv") -eq $(grep -vc '^#' $S/gifts.csv | awk '{print $1 - 1}') ] &&
    [ $(grep -c ',sink,' "$T/r/gifts.csv") -eq 0 ]
}
check "gifts.csv: a block per gift, kind gift" t4

t5() {
    [ $(wc -l < "$T/r/creators.csv") -eq 25 ] &&
    awk -F, '/^decile_/ { s += $2 } END { if (s < 0.999999 || s > 1.000001) { print s; exit 1 } }' "$T/r/creators.csv"
}
check "creators.csv: 24 figures, the deciles' means sum to 1" t5

# Sums of means against summary.csv's means (a sum of per-run sums).
total() { awk -F, -v f="$2" '$2 == f { s += $3 } END { printf "%.6f", s }' "$1"; }
summ() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1/summary.csv"; }
t6() {
    near $(total "$T/r/segments.csv" spend_usd) $(summ "$T/r" cash_in_usd) &&
    near $(total "$T/r/segments.csv" payers) $(summ "$T/r" payers) &&
    near $(total "$T/r/segments.csv" gifts) $(summ "$T/r" gifts) &&
    near $(total "$T/r/segments.csv" lost_intents) $(summ "$T/r" lost_intents)
}
check "segments' spend sums to cash in, payers to payers, gifts to gifts" t6
t7() {
    near $(total "$T/r/channels.csv" revenue_usd) $(summ "$T/r" cash_in_usd) &&
    near $(total "$T/r/channels.csv" fees_usd) $(summ "$T/r" store_fees_usd) &&
    near $(fig "$T/r/channels.csv" web revenue_usd) $(summ "$T/r" web_cash_in_usd) &&
    near $(fig "$T/r/channels.csv" app purchases) $(summ "$T/r" app_purchases)
}
check "channels' revenue sums to cash in, fees to store fees; web revenue is web cash in" t7
t8() {
    [ "$(grep '^gini,' "$T/r/creators.csv" | cut -d, -f2-)" = "$(grep '^creator_gini,' "$T/r/summary.csv" | cut -d, -f2-)" ] &&
    [ "$(grep '^cashed_out,' "$T/r/creators.csv" | cut -d, -f2-)" = "$(grep '^creators_cashed_out,' "$T/r/summary.csv" | cut -d, -f2-)" ]
}
check "creators.csv's gini and cashed_out are summary.csv's" t8

# With sinks and free coins (granted from day 30 to 36): the sinks' rows,
# the segments' grants.
run "$COINSIM" run scenarios/free-coins --headless --runs 2 --set viewers=3000 --set creators=60 --set steps=40 --set warmup_steps=2 --out "$T/f"
t9() {
    [ $rc -eq 0 ] &&
    [ $(grep -c ',sink,sent,' "$T/f/gifts.csv") -eq 3 ] &&
    [ "$(grep -n ',sink,sent,' "$T/f/gifts.csv" | head -n 1 | cut -d: -f1)" -gt "$(grep -n ',gift,sent,' "$T/f/gifts.csv" | tail -n 1 | cut -d: -f1)" ] &&
    awk -v g="$(summ "$T/f" coins_granted)" 'BEGIN { exit !(g > 0) }' &&
    near $(total "$T/f/segments.csv" coins_granted) $(summ "$T/f" coins_granted) &&
    near $(total "$T/f/segments.csv" coins_sunk) $(summ "$T/f" coins_sunk) &&
    near "$(awk -F, '$3 == "coin_share" { s += $4 } END { printf "%.6f", s }' "$T/f/gifts.csv")" 1
}
check "gifts.csv lists the sinks after the gifts; free coins show in segments.csv" t9

# A replay of run 1's log: the same channels, gifts and packs as run 1 alone;
# no segment rows.
run "$COINSIM" run "$S" --headless --runs 1 --events "$T/ev.csv" --out "$T/one"
run "$COINSIM" replay "$T/ev.csv" --scenario "$S" --headless --out "$T/rp"
t10() {
    [ $rc -eq 0 ] && cmp "$T/one/channels.csv" "$T/rp/channels.csv" && cmp "$T/one/gifts.csv" "$T/rp/gifts.csv" &&
    cmp "$T/one/pack_sales.csv" "$T/rp/pack_sales.csv"
}
check "a replay's channels.csv, gifts.csv and pack_sales.csv are the run's, byte for byte" t10
t11() {
    [ "$(cat "$T/rp/segments.csv")" = 'segment,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs' ]
}
check "a replay's segments.csv is the header alone" t11
t12() {
    grep -v '^live_per_step,' "$T/one/creators.csv" > "$T/c1" && grep -v '^live_per_step,' "$T/rp/creators.csv" > "$T/c2" &&
    cmp "$T/c1" "$T/c2" && [ "$(grep -c '^live_per_step,0.000000,' "$T/rp/creators.csv")" -eq 1 ]
}
check "a replay's creators.csv is the run's but for creators live (a log does not say)" t12

# Threads do not change a byte.
run "$COINSIM" run "$S" --headless --runs 3 --threads 1 --out "$T/t1"
run "$COINSIM" run "$S" --headless --runs 3 --threads 2 --out "$T/t2"
t13() {
    for f in segments channels gifts creators; do cmp "$T/t1/$f.csv" "$T/t2/$f.csv" || return 1; done
}
check "the breakdown files are the same bytes with 1 and 2 threads" t13

# compare: the paired differences, rows matched by name.
run "$COINSIM" compare "$F/base" "$F/price" --out "$T/c"
t14() {
    [ $rc -eq 0 ] && for f in segments channels gifts creators packs; do
        h=$(sed -n 1p "$T/c/compare_$f.csv") || return 1
        case $h in *figure,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,rel_change,significant) ;; *) echo "$f: $h"; return 1 ;; esac
    done
}
check "compare writes the five breakdown comparisons with compare.csv's columns" t14
t15() {
    awk -F, 'NR > 1 { d = $4 - $3 - $5; if (d < -3e-6 || d > 3e-6) { print; exit 1 } }' "$T/c/compare_channels.csv" &&
    near $(awk -v a=$(fig "$T/c/compare_channels.csv" app revenue_usd 3) -v w=$(fig "$T/c/compare_channels.csv" web revenue_usd 3) 'BEGIN { printf "%.6f", a + w }') $(awk -F, '$1 == "cash_in_usd" { print $4 }' "$T/c/compare.csv")
}
check "compare_channels.csv: diff_mean is b_mean - a_mean, and its app revenue difference is compare.csv's cash in one less the web's" t15
run "$COINSIM" compare "$F/base" "$F/renamed" --out "$T/cr"
t16() {
    [ $rc -eq 0 ] &&
    grep -qF 'segment fan is only in A, so compare_segments.csv has no row for it' "$T/err" &&
    grep -qF 'segment superfan is only in B, so compare_segments.csv has no row for it' "$T/err" &&
    [ "$(cut -d, -f1 "$T/cr/compare_segments.csv" | uniq | tr '\n' ' ')" = 'segment lurker casual whale ' ]
}
check "a segment only one side has is left out of compare_segments.csv, and said so" t16
check "renaming a segment moves nothing: every difference in compare_segments.csv is 0" \
    awk -F, 'NR > 1 && $5 != "0.000000" && $5 != "-0.000000" { print; exit 1 }' "$T/cr/compare_segments.csv"

# sweep: the channels at every point; a point is a run at its value.
run "$COINSIM" sweep "$F/base" --vary commission=0.4,0.6 --runs 3 --out "$T/s"
run "$COINSIM" run "$F/base" --headless --runs 3 --set commission=0.6 --out "$T/s6"
t17() {
    [ $(wc -l < "$T/s/sweep_channels.csv") -eq 33 ] &&
    [ "$(sed -n 1p "$T/s/sweep_channels.csv")" = 'point,commission,channel,figure,mean,sd,ci95_low,ci95_high,p5,p50,p95,runs' ] &&
    grep '^1,0.6,' "$T/s/sweep_channels.csv" | cut -d, -f3- > "$T/p1" && tail -n +2 "$T/s6/channels.csv" | cmp - "$T/p1"
}
check "sweep_channels.csv: point 1 (commission 0.6) is channels.csv of a run at 0.6" t17

exit $((fails > 0))
