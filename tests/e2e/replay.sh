#!/bin/sh
# End-to-end: event logs (run --events/--events-run) and coinsim replay
# (docs/model.md §6, README "Event logs and coinsim replay"): the exact round trip
# on every shipped scenario, what-if accounting checked with integer
# arithmetic, events in any order within a step, string identifiers, names
# the scenario does not know, bad rows (exit 2, exact FILE:LINE: message, no
# output file), infeasible events with and without --lenient, and the
# teaching log scenarios/evening.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/replay.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
FIX=tests/fixtures/replay
TINY=$FIX/tiny              # 3 steps, commission 0.333333, usd_per_diamond 0.003
TLOG=$FIX/tiny.csv          # its hand-written log; expected figures by hand in $FIX/tiny.*.csv
# A smaller population keeps every run and replay well under a second.
POP="--set viewers=20000 --set creators=300"
. tests/e2e/lib.sh
# expect_rc N NAME: the last run exited N.
expect_rc() {
    if [ "$rc" -eq "$1" ]; then ok "$2"; else notok "$2" "expected exit $1"; fi
}

# same_except A B RUN: B (a replay's timeseries.csv or runs.csv) equals the
# rows of A (a run's file of the same name) whose run is RUN, cell for cell as
# text, in every column but those a log does not hold (active_viewers,
# live_creators, sessions_watched, sessions_missed, missed_session_rate),
# which B must hold as 0 (any number of zero decimals). Same header, same
# number of rows.
same_except() {
    [ -f "$1" ] && [ -f "$2" ] || { echo "missing $1 or $2"; return 1; }
    awk -F, -v run="$3" -v a="$1" '
    FNR == 1 {
        if (FILENAME == a) { ha = $0; for (i = 1; i <= NF; i++) if ($i ~ /^(active_viewers|live_creators|sessions_watched|sessions_missed|missed_session_rate)$/) skip[i] = 1; next }
        if ($0 != ha) { print "headers differ:"; print "run:    " ha; print "replay: " $0; bad = 1; exit 1 }
        next
    }
    FILENAME == a { if ($1 == run) want[++na] = $0; next }
    {
        nb++
        if (nb > na) { print "replay has more rows than run " run " (" na ")"; bad = 1; exit 1 }
        n = split(want[nb], w, ",")
        if (n != NF) { print "row " nb ": " NF " cells, run has " n; bad = 1; exit 1 }
        for (i = 1; i <= NF; i++) {
            if (skip[i]) {
                if ($i !~ /^0(\.0+)?$/) { print "row " nb " column " i ": " $i ", expected 0"; bad = 1; exit 1 }
            } else if ($i != w[i]) {
                print "row " nb " column " i ": replay " $i ", run " w[i]; print "run:    " want[nb]; print "replay: " $0; bad = 1; exit 1
            }
        }
    }
    END { if (!bad && nb != na) { print "replay has " nb " rows, run " run " has " na; exit 1 } exit bad }' "$1" "$2"
}

# value FILE METRIC: the cell of column METRIC in the second row of FILE.
value() {
    awk -F, -v m="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m) c = i; next }
        NR == 2 && c { print $c; found = 1 } END { exit !found }' "$1"
}
# micro X: a decimal with at most 6 decimals as an integer count of millionths
# ("12.5" -> 12500000), by text; awk's doubles are exact below 2^53.
micro() {
    echo "$1" | awk '{
        if ($0 !~ /^-?[0-9]+(\.[0-9]+)?$/) { print "not a decimal: " $0 > "/dev/stderr"; exit 1 }
        s = $0; f = ""
        if (index(s, ".")) { f = substr(s, index(s, ".") + 1); s = substr(s, 1, index(s, ".") - 1) }
        if (length(f) > 6) { print "more than 6 decimals: " $0 > "/dev/stderr"; exit 1 }
        while (length(f) < 6) f = f "0"
        printf "%s%s\n", s, f }' | sed 's/^\(-\{0,1\}\)0*\([0-9]\)/\1\2/'
}
# counts DIR FIGURE: the value of FIGURE in DIR/replay.csv.
counts() { awk -F, -v f="$2" '$1 == f { print $2; found = 1 } END { exit !found }' "$1/replay.csv"; }
# same_files A B FILES...: every file byte-identical.
same_files() {
    a=$1 b=$2
    shift 2
    for f in "$@"; do
        cmp "$a/$f" "$b/$f" || { diff "$a/$f" "$b/$f" | head -4; return 1; }
    done
}
OUTS="summary.csv timeseries.csv runs.csv pack_sales.csv replay.csv"

start=$(date +%s)

# --- 1. the exact round trip on every shipped scenario ------------------------

for d in scenarios/*/; do
    s=$(basename "$d")
    [ "$s" = evening ] && continue      # a log's scenario, replayed in section 8
    [ -f "$d/packs.csv" ] || grep -q '^extends,' "$d/params.csv" 2>/dev/null || continue
    echo "$s" >>"$T/scenarios"
    run "$COINSIM" run "$d" --headless --runs 1 $POP --events "$T/$s.csv" --out "$T/o-$s"
    if [ "$rc" -ne 0 ] || [ ! -s "$T/$s.csv" ]; then notok "$s: run --events: exit 0 and a log"; continue; fi
    run "$COINSIM" replay "$T/$s.csv" --scenario "$d" $POP --out "$T/r-$s"
    if [ "$rc" -ne 0 ]; then notok "$s: replay of its own log: exit 0"; continue; fi
    check "$s: round trip: replay's timeseries.csv = the run's, byte for byte but what a log does not hold (0)" \
        same_except "$T/o-$s/timeseries.csv" "$T/r-$s/timeseries.csv" 1
    check "$s: round trip: replay's runs.csv = the run's in every metric but what a log does not hold (0)" \
        same_except "$T/o-$s/runs.csv" "$T/r-$s/runs.csv" 1
done
shipped() {
    got=" $(sort "$T/scenarios" | tr '\n' ' ')"
    for s in baseline commission-cut new-tier price-cut promo-bonus twitch-bits web-discount whale-churn; do
        case $got in *" $s "*) ;; *) echo "$s was not round-tripped (did: $got)"; return 1 ;; esac
    done
    echo "round-tripped:$got" >"$T/did"
}
check "round trip covered every shipped scenario but evening (at least the 8 of the brief)" shipped
sed 's/^/# /' "$T/did" 2>/dev/null

run "$COINSIM" run scenarios/promo-bonus --headless --runs 3 $POP --events "$T/run2.csv" --events-run 2 --out "$T/o-run2"
run2_log() {
    [ "$rc" -eq 0 ] || { echo "run exited $rc"; return 1; }
    got=$(sed 1d "$T/run2.csv" | cut -d, -f1 | sort -u | tr '\n' ' ')
    [ "$got" = "2 " ] || { echo "run column of the log: $got"; return 1; }
}
check "--runs 3 --events-run 2: the log holds run 2 alone" run2_log
run "$COINSIM" replay "$T/run2.csv" --scenario scenarios/promo-bonus $POP --out "$T/r-run2"
expect_rc 0 "--events-run 2: replay exit 0"
check "--events-run 2: replay's timeseries.csv = run 2's rows (run column 2), but the two unknowns" \
    same_except "$T/o-run2/timeseries.csv" "$T/r-run2/timeseries.csv" 2
check "--events-run 2: replay's runs.csv = run 2's row" same_except "$T/o-run2/runs.csv" "$T/r-run2/runs.csv" 2

# --- 2. what-if accounting, exact --------------------------------------------

B=$T/baseline.csv
run "$COINSIM" replay "$B" --scenario scenarios/baseline $POP --set commission=0.4 --out "$T/c04"
expect_rc 0 "what-if commission 0.4: exit 0"
commission_12() {
    [ -f "$T/c04/timeseries.csv" ] || { echo "no output"; return 1; }
    # per step: credited(0.4) x 10 = credited(0.5) x 12, cash in the same
    awk -F, 'BEGIN { CONVFMT = OFMT = "%.17g" }
    function u(x) { sub(/\./, "", x); if (x !~ /^[0-9]+$/ || length(x) > 15) { print "cannot use " x; exit 2 } return x + 0 }
    FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
    FILENAME == ARGV[1] { d5[FNR] = u($(c[ARGV[1], "diamonds_credited"])); m5[FNR] = $(c[ARGV[1], "cash_in_usd"]); next }
    {
        d4 = u($(c[FILENAME, "diamonds_credited"]))
        if (d4 * 10 != d5[FNR] * 12) { print "line " FNR ": credited " d4 " at 0.4, " d5[FNR] " at 0.5: not 1.2x"; exit 1 }
        if ($(c[FILENAME, "cash_in_usd"]) != m5[FNR]) { print "line " FNR ": cash in " $(c[FILENAME, "cash_in_usd"]) " vs " m5[FNR]; exit 1 }
        if (d4 > 0) pos = 1
        rows++
    }
    END { if (rows != 90 || !pos) { print rows " rows, credits seen " pos; exit 1 } }' "$T/r-baseline/timeseries.csv" "$T/c04/timeseries.csv"
}
check "what-if commission 0.4 (baseline 0.5): diamonds_credited exactly 1.2x in every step, cash_in identical" commission_12
commission_total() {
    a=$(micro "$(value "$T/r-baseline/runs.csv" diamonds_credited)") && b=$(micro "$(value "$T/c04/runs.csv" diamonds_credited)") || return 1
    [ $((b * 10)) -eq $((a * 12)) ] || { echo "credited $b uD at 0.4, $a uD at 0.5"; return 1; }
    [ "$(value "$T/r-baseline/runs.csv" cash_in_usd)" = "$(value "$T/c04/runs.csv" cash_in_usd)" ] || { echo "cash in differs"; return 1; }
}
check "what-if commission 0.4: runs.csv diamonds_credited x 10 = baseline's x 12 (micro-diamond integers), cash_in the same" \
    commission_total

# A pack price: cash_in moves by exactly (new - old) x that pack's purchases
# in the reported steps (those of the warm-up, steps below 0, make the
# opening balances); price_differs counts them all.
run "$COINSIM" replay "$B" --scenario scenarios/baseline $POP --set packs.app65.price_usd=0.89 --out "$T/p089"
expect_rc 0 "what-if packs.app65.price_usd=0.89: exit 0"
pack_price() {
    n=$(awk -F, '$3 == "purchase" && $6 == "app65" && $2 >= 0' "$B" | wc -l)
    all=$(awk -F, '$3 == "purchase" && $6 == "app65"' "$B" | wc -l)
    [ "$n" -gt 0 ] && [ "$all" -gt "$n" ] || { echo "app65 purchases: $n reported, $all in all (expected some in the warm-up too)"; return 1; }
    a=$(micro "$(value "$T/r-baseline/runs.csv" cash_in_usd)") && b=$(micro "$(value "$T/p089/runs.csv" cash_in_usd)") || return 1
    [ $((b - a)) -eq $(((890000 - 990000) * n)) ] || { echo "cash in $a -> $b uUSD; expected a change of -100000 x $n"; return 1; }
    [ "$(counts "$T/p089" price_differs)" = "$all" ] || { echo "price_differs $(counts "$T/p089" price_differs), expected $all"; return 1; }
}
check "what-if app65 0.99 -> 0.89: cash_in changes by exactly -0.10 x the reported app65 purchases; price_differs counts them all" \
    pack_price


# The tiny log by hand (tests/fixtures/replay/README.md): one coin credits
# 10000 x 666667 / 3000 = 2222223.33 uD, floored per gift (1 -> 2222223,
# 2 -> 4444446, 3 -> 6666670, 50 -> 111111166), never on a total.
# hand FILE: the replay's FILE equals $FIX/tiny.FILE byte for byte.
hand() {
    cmp "$FIX/tiny.$1" "$T/tiny/$1" || { diff "$FIX/tiny.$1" "$T/tiny/$1" | head -6; return 1; }
}
run "$COINSIM" replay "$TLOG" --scenario "$TINY" --check --out "$T/tiny"
expect_rc 0 "tiny hand log: replay --check exit 0"
check "tiny hand log: timeseries.csv = the hand computation, floors per gift (credited 235.555671, 111.111166, 6.666670)" \
    hand timeseries.csv
check "tiny hand log: runs.csv = the hand computation (totals and derived metrics)" hand runs.csv
# At commission 0.2 a coin is 10000 x 800000 / 3000 = 2666666.67 uD: the
# 159 coins credit 2666666 + 5333333 + 3 x 133333333 + 2 x 8000000 =
# 423999998 uD, where a floor on the total would give 424000000.
run "$COINSIM" replay "$TLOG" --scenario "$TINY" --set commission=0.2 --out "$T/tiny02"
tiny_02() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    got="$(value "$T/tiny02/runs.csv" diamonds_credited) $(value "$T/tiny02/runs.csv" diamonds_withdrawn) $(value "$T/tiny02/runs.csv" cash_in_usd)"
    [ "$got" = "423.999998 100.000000 6.960000" ] || { echo "credited, withdrawn, cash in: $got; expected 423.999998 100.000000 6.960000"; return 1; }
}
check "tiny what-if commission 0.2: credited 423.999998 (floored per gift, not 424), withdrawn and cash in as recorded" tiny_02

# --- 3. events within a step in any order --------------------------------------

TAB=$(printf '\t')
# shuffle SEED < LOG: the rows of each step in a random order (seeded), steps
# ascending (the warm-up's negative ones first), header first, comments
# dropped.
shuffle() {
    awk -v seed="$1" 'BEGIN { srand(seed) }
        NR == 1 { print "-999999\t0\t" $0; next }
        /^#/ { next }
        { split($0, a, ","); printf "%s\t%.12f\t%s\n", a[2], rand(), $0 }' | sort -t "$TAB" -k1,1n -k2,2n | cut -f3-
}
shuffle 7 <"$B" >"$T/shuf.csv"
# the reverse of the log's order within each step: every gift before the
# purchase that paid for it, every cash-out before the gifts it withdraws
awk 'NR == 1 { print "-999999\t0\t" $0; next } { split($0, a, ","); print a[2] "\t" NR "\t" $0 }' "$B" |
    sort -t "$TAB" -k1,1n -k2,2nr | cut -f3- >"$T/rev.csv"
shuffled() {
    [ -s "$T/shuf.csv" ] || { echo "no shuffled log"; return 1; }
    cmp -s "$B" "$T/shuf.csv" && { echo "the shuffle changed nothing"; return 1; }
    cmp -s "$B" "$T/rev.csv" && { echo "the reversal changed nothing"; return 1; }
    [ "$(sort "$B" | cksum)" = "$(sort "$T/shuf.csv" | cksum)" ] || { echo "shuffled rows are not the log's rows"; return 1; }
    [ "$(sort "$B" | cksum)" = "$(sort "$T/rev.csv" | cksum)" ] || { echo "reversed rows are not the log's rows"; return 1; }
    sed 1d "$T/shuf.csv" | cut -d, -f2 | sort -n -c || { echo "shuffled steps not ascending"; return 1; }
}
check "shuffled and reversed logs: the same rows, steps ascending, order within steps changed" shuffled
run "$COINSIM" replay "$T/shuf.csv" --scenario scenarios/baseline $POP --out "$T/r-shuf"
expect_rc 0 "shuffled within steps: replay exit 0"
check "shuffled within steps: every output file byte-identical to the replay of the log as written" \
    same_files "$T/r-baseline" "$T/r-shuf" $OUTS
run "$COINSIM" replay "$T/rev.csv" --scenario scenarios/baseline $POP --out "$T/r-rev"
expect_rc 0 "reversed within steps: replay exit 0"
check "reversed within steps: every output file byte-identical to the replay of the log as written" \
    same_files "$T/r-baseline" "$T/r-rev" $OUTS

# A step going backwards (a step-0 row after step 1's rows, line 15).
awk 'NR == 14 { print; print "1,0,gift,ann,cat,rose,1,0.010000,"; next } { print }' "$TLOG" >"$T/back.csv"
run "$COINSIM" replay "$T/back.csv" --scenario "$TINY"
backwards() {
    [ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; return 1; }
    want="$T/back.csv:15: column step: step 0 after step 1 (expected the log ordered by step)"
    [ "$(sed -n 1p "$T/err")" = "$want" ] || { echo "first stderr line: $(sed -n 1p "$T/err")"; echo "expected:         $want"; return 1; }
}
check "a step going backwards: exit 2, FILE:15: column step: step 0 after step 1 (...)" backwards

# The same log with its columns in another order, CRLF line ends and a BOM.
awk -F, -v OFS=, '{ print $9, $7, $1, $6, $3, $5, $8, $4, $2 }' "$B" >"$T/perm.csv"
run "$COINSIM" replay "$T/perm.csv" --scenario scenarios/baseline $POP --out "$T/r-perm"
expect_rc 0 "columns in another order: replay exit 0"
check "columns in another order (found by the header): every output file byte-identical" \
    same_files "$T/r-baseline" "$T/r-perm" $OUTS
{ printf '\357\273\277'; sed 's/$/\r/' "$B"; } >"$T/crlf.csv"
run "$COINSIM" replay "$T/crlf.csv" --scenario scenarios/baseline $POP --out "$T/r-crlf"
expect_rc 0 "CRLF and a BOM: replay exit 0"
check "CRLF line ends and a BOM: every output file byte-identical" same_files "$T/r-baseline" "$T/r-crlf" $OUTS

# --- 4. string identifiers -----------------------------------------------------

# rename A B < LOG: viewer v -> A v, creator c -> B c (awk string
# expressions over v and c), every row but the header.
rename() {
    awk -F, -v OFS=, "NR == 1 { print; next }
        { v = \$4; c = \$5; if (v != \"\") \$4 = $1; if (c != \"\") \$5 = $2; print }"
}
rename '"viewer-" v' '"creator-" c' <"$B" >"$T/ids1.csv"
# CSV-quoted, with spaces, commas, doubled quotes, an apostrophe and UTF-8
rename '"\"Vi \"\"" v "\"\", Esq.\""' '"\"O'"'"'Brien, zoë #" c "\""' <"$B" >"$T/ids2.csv"
ids_written() {
    grep -q '^1,0,[a-z]*,viewer-[0-9]*,' "$T/ids1.csv" || { echo "no viewer- ids in ids1.csv"; return 1; }
    grep -q ',"Vi ""[0-9]*"", Esq\.",' "$T/ids2.csv" || { echo "no quoted viewer ids in ids2.csv"; sed -n 2,3p "$T/ids2.csv"; return 1; }
    grep -q ',"O'"'"'Brien, zoë #[0-9]*",' "$T/ids2.csv" || { echo "no quoted creator ids in ids2.csv"; return 1; }
}
check "string ids: the rewritten logs hold \"viewer-N\" and CSV-quoted ids with commas, quotes, spaces" ids_written
for k in 1 2; do
    run "$COINSIM" replay "$T/ids$k.csv" --scenario scenarios/baseline $POP --out "$T/r-ids$k"
    expect_rc 0 "string ids ($k): replay exit 0"
done
check "string ids \"viewer-N\", \"creator-N\": every output file byte-identical" same_files "$T/r-baseline" "$T/r-ids1" $OUTS
check "string ids quoted with commas, quotes, spaces, UTF-8: every output file byte-identical" \
    same_files "$T/r-baseline" "$T/r-ids2" $OUTS
# Identifiers are strings, not numbers: "7" and "07" are two viewers, so 07
# cannot spend 7's coins.
printf '%s\n' "$(sed -n 1p "$TLOG")" "1,0,purchase,7,,app100,110,1.990000,app" "1,0,gift,07,cat,cake,50,0.500000," >"$T/ids3.csv"
run "$COINSIM" replay "$T/ids3.csv" --scenario "$TINY"
ids_text() {
    [ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; return 1; }
    want="$T/ids3.csv:3: gift of 50 coins, but the viewer's wallet holds 0 (use --lenient to count such events as rejected)"
    [ "$(sed -n 1p "$T/err")" = "$want" ] || { echo "first stderr line: $(sed -n 1p "$T/err")"; echo "expected:         $want"; return 1; }
}
check "ids are text: viewer \"07\" is not viewer \"7\" (its gift is beyond its empty wallet: exit 2)" ids_text

# --- 5. names the scenario does not know ---------------------------------------

# insert_after N ROW... < LOG: the rows inserted after line N.
insert_after() {
    n=$1
    shift
    awk -v n="$n" -v rows="$(printf '%s\n' "$@")" '{ print } NR == n { print rows }'
}
insert_after 3 "1,0,purchase,ann,,gem-pack,500,7.490000,web" "1,0,gift,ann,cat,unicorn,10,0.100000," <"$TLOG" >"$T/unk.csv"
run "$COINSIM" replay "$T/unk.csv" --scenario "$TINY" --check --out "$T/unk"
expect_rc 0 "unknown pack and gift with coins, usd, channel: exit 0"
# 7.49 on the web: fee floor(7.49 x 0.03) = 0.2247; 500 coins sold, no bonus;
# 10 coins credit floor(10 x 2222223.33) = 22222233 uD.
unknown_counted() {
    [ "$(counts "$T/unk" unknown_packs) $(counts "$T/unk" unknown_gifts)" = "1 1" ] ||
        { echo "replay.csv unknown_packs, unknown_gifts: $(counts "$T/unk" unknown_packs) $(counts "$T/unk" unknown_gifts)"; return 1; }
    grep -qx 'names the scenario does not know: 1 purchases, 1 gifts, 0 sinks (taken at the coins and usd on their rows)' "$T/out" ||
        { echo "no stdout line naming 1 unknown purchase and 1 unknown gift"; return 1; }
    got=""
    for m in cash_in_usd store_fees_usd coins_sold coins_bonus coins_gifted diamonds_credited purchases gifts; do
        got="$got $(value "$T/unk/runs.csv" $m)"
    done
    want=" 14.450000 1.508100 900 20 169 375.555740 5 8"
    [ "$got" = "$want" ] || { echo "got: $got"; echo "want:$want (cash in, fees, sold, bonus, gifted, credited, purchases, gifts)"; return 1; }
}
check "unknown pack and gift: counted in replay.csv (1, 1) and on stdout; taken at their coins and usd (cash in 14.45, credited 375.555740)" \
    unknown_counted
insert_after 10 "1,0,lost,eve,dan,dragon,7,0.070000," <"$TLOG" >"$T/unk2.csv"
run "$COINSIM" replay "$T/unk2.csv" --scenario "$TINY" --out "$T/unk2"
unknown_lost() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(value "$T/unk2/runs.csv" lost_intents)" = 2 ] || { echo "lost_intents $(value "$T/unk2/runs.csv" lost_intents), expected 2"; return 1; }
}
check "a lost intent naming an unknown gift, with its coins: accepted and counted as lost" unknown_lost

# A churn row recording other coins than the wallet holds (bob has 47, the
# row says 40, line 16): the wallet's coins are the breakage, and it is counted.
awk 'NR == 16 { sub(/,47,/, ",40,") } { print }' "$TLOG" >"$T/brk.csv"
run "$COINSIM" replay "$T/brk.csv" --scenario "$TINY" --check --out "$T/brk"
breakage_wallet() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    grep -q '^1,2,churn,bob,,,40,' "$T/brk.csv" || { echo "the fixture row was not rewritten"; return 1; }
    [ "$(value "$T/brk/runs.csv" coins_breakage) $(counts "$T/brk" breakage_differs)" = "47 1" ] ||
        { echo "breakage, breakage_differs: $(value "$T/brk/runs.csv" coins_breakage) $(counts "$T/brk" breakage_differs), expected 47 1"; return 1; }
    grep -qx "1 churn rows recorded other coins than the wallet held; the wallet's were used" "$T/out" ||
        { echo "no stdout line about the churn row"; return 1; }
    cmp "$FIX/tiny.runs.csv" "$T/brk/runs.csv" || { echo "runs.csv differs from the hand figures"; return 1; }
}
check "a churn row with other coins than the wallet: breakage is the wallet's 47, breakage_differs 1, said on stdout" breakage_wallet

# bad CASE ROW N WANT: the tiny log with line N replaced by ROW (or with ROW
# inserted after line N when N is +N) fails with exit 2, first stderr line
# "FILE:WANT", and nothing in a fresh --out.
bad() {
    f="$T/bad-$1.csv"
    case $3 in
    +*) insert_after "${3#+}" "$2" <"$TLOG" >"$f" ;;
    *) awk -v n="$3" -v r="$2" 'NR == n { print r; next } { print }' "$TLOG" >"$f" ;;
    esac
    bad_file "$1" "$f" "$4"
}
# bad_file CASE FILE WANT [replay options]
bad_file() {
    name=$1 f=$2 want="$2:$3"
    shift 3
    run "$COINSIM" replay "$f" --scenario "$TINY" --out "$T/bo-$name" "$@"
    first=$(sed -n 1p "$T/err")
    if [ "$rc" -eq 2 ] && [ "$first" = "$want" ] && [ -z "$(ls -A "$T/bo-$name" 2>/dev/null)" ]; then
        ok "bad log ($name): exit 2, first stderr line exact, no output file"
    else
        notok "bad log ($name): exit 2, first stderr line exact, no output file" \
            "expected: $want; files in --out: $(ls -A "$T/bo-$name" 2>/dev/null | tr '\n' ' ')"
    fi
}
PM="(expected a known pack, or coins, usd and channel on the row)"
bad unknown-pack-no-usd "1,0,purchase,ann,,gem-pack,500,,web" +3 "4: column item: pack \"gem-pack\" is not in the scenario $PM"
bad unknown-pack-no-channel "1,0,purchase,ann,,gem-pack,500,7.490000," +3 "4: column item: pack \"gem-pack\" is not in the scenario $PM"
bad unknown-pack-no-coins "1,0,purchase,ann,,gem-pack,0,7.490000,web" +3 "4: column item: pack \"gem-pack\" is not in the scenario $PM"
bad unknown-gift-no-coins "1,0,gift,ann,cat,unicorn,0,0.000000," +3 \
    "4: column item: gift \"unicorn\" is not in the scenario (expected a known gift, or its coins on the row)"

# --- 6. bad rows ----------------------------------------------------------------

# Line 4 is bob's web purchase, line 5 ann's first gift.
bad unterminated-quote '1,0,purchase,"bob,,web100,100,1.490000,web' 4 \
    '4: unterminated quoted field (a closing " was expected before the end of the file)'
bad cell-count "1,0,purchase,bob,,web100,100,1.490000" 4 "4: 8 cells in this row (expected 9, as in the header)"
bad extra-cell "1,0,purchase,bob,,web100,100,1.490000,web," 4 "4: 10 cells in this row (expected 9, as in the header)"
bad unknown-type "1,0,buy,bob,,web100,100,1.490000,web" 4 \
    '4: column type: unknown event type "buy" (expected purchase, gift, lost, cashout, churn, grant, sink or lost_sink)'
bad coins-not-a-number "1,0,purchase,bob,,web100,1x0,1.490000,web" 4 \
    '4: column coins: coins "1x0": not a number (expected a whole number from 0)'
bad coins-negative "1,0,purchase,bob,,web100,-100,1.490000,web" 4 \
    '4: column coins: coins "-100": negative (expected a whole number from 0)'
bad usd-7-decimals "1,0,purchase,bob,,web100,100,1.4900001,web" 4 \
    '4: column usd: usd "1.4900001": more than 6 decimal places (expected an amount with at most 6 decimals)'
bad unknown-channel "1,0,purchase,bob,,web100,100,1.490000,ios" 4 '4: column channel: channel "ios" (expected app or web)'
bad gift-without-viewer "1,0,gift,,cat,rose,1,0.010000," 5 "5: column viewer: a gift needs a viewer (expected an identifier)"
bad gift-without-creator "1,0,gift,ann,,rose,1,0.010000," 5 "5: column creator: a gift needs a creator (expected an identifier)"
bad two-runs "2,0,gift,ann,cat,rose,1,0.010000," 5 "5: column run: run 2 after run 1 (expected one run per log)"
bad step-beyond "1,3,gift,ann,cat,rose,1,0.010000," 5 \
    "5: column step: step 3 is beyond the scenario's 3 steps (expected a step from 0 to 2)"
sed '1s/,usd,/,/; 2,$s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),[^,]*,/\1,/' "$TLOG" >"$T/bad-no-usd.csv"
bad_file missing-column "$T/bad-no-usd.csv" '1: column usd: required column missing (expected "usd" in the header)'
sed '1s/$/,note/; 2,$s/$/,x/' "$TLOG" >"$T/bad-note.csv"
bad_file unknown-column "$T/bad-note.csv" \
    "1: column note: unknown column (expected run,step,type,viewer,creator,item,coins,usd,channel)"
{ sed -n 1,3p "$TLOG"; printf '1,0,purchase,bob,\000\001\377\376\033[2J,web100,100,1.490000,web\n'; sed 1,4d "$TLOG"; } >"$T/bad-bin.csv"
bad_file binary-garbage "$T/bad-bin.csv" "4: binary data (a NUL byte) where CSV text was expected"
{ sed -n 1,3p "$TLOG"; printf '1,0,purchase,b\377\376b,,web100,100,1.490000,web\n'; sed 1,4d "$TLOG"; } >"$T/bad-utf8.csv"
bad_file invalid-utf8 "$T/bad-utf8.csv" "4: text is not valid UTF-8 (expected UTF-8 text)"
: >"$T/bad-empty.csv"
bad_file empty-file "$T/bad-empty.csv" " no header row (expected run,step,type,viewer,creator,item,coins,usd,channel)"
# A bad row leaves a --out that already holds files as it was.
mkdir "$T/prev"
printf 'metric,mean\nkeep,me\n' >"$T/prev/summary.csv"
run "$COINSIM" replay "$T/bad-step-beyond.csv" --scenario "$TINY" --out "$T/prev"
untouched() {
    [ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; return 1; }
    [ "$(ls -A "$T/prev")" = summary.csv ] && [ "$(cat "$T/prev/summary.csv")" = "$(printf 'metric,mean\nkeep,me')" ] ||
        { echo "--out changed: $(ls -A "$T/prev" | tr '\n' ' ')"; return 1; }
}
check "a bad row with an --out holding a summary.csv: exit 2, the directory as it was" untouched

# --- 7. infeasible events ------------------------------------------------------

# eve has no coins (line 11); dan has 6.666670 diamonds pending at step 1 (line 15).
GIFT_ROW="1,0,gift,eve,cat,lion,1000,10.000000,"
CASH_ROW="1,1,cashout,,dan,,7,0.021000,"
LEN="(use --lenient to count such events as rejected)"
insert_after 10 "$GIFT_ROW" <"$TLOG" >"$T/inf-gift.csv"
insert_after 14 "$CASH_ROW" <"$TLOG" >"$T/inf-cash.csv"
insert_after 10 "$GIFT_ROW" <"$TLOG" | insert_after 15 "$CASH_ROW" >"$T/inf-both.csv"
bad_file gift-beyond-wallet "$T/inf-gift.csv" "11: gift of 1000 coins, but the viewer's wallet holds 0 $LEN"
bad_file cashout-beyond-pending "$T/inf-cash.csv" "15: cash-out of 7 diamonds, but the creator has 6.66667 pending $LEN"
# --lenient: counted, printed, and nothing else changes (the hand figures).
# lenient CASE LOG GIFTS CASHOUTS EVENTS
lenient() {
    run "$COINSIM" replay "$2" --scenario "$TINY" --lenient --check --out "$T/len-$1"
    [ "$rc" -eq 0 ] || { echo "replay --lenient --check: exit $rc, expected 0"; sed -n 1,2p "$T/err"; return 1; }
    got="$(counts "$T/len-$1" rejected_gifts) $(counts "$T/len-$1" rejected_cashouts) $(counts "$T/len-$1" events)"
    [ "$got" = "$3 $4 $5" ] || { echo "replay.csv rejected_gifts, rejected_cashouts, events: $got, expected $3 $4 $5"; return 1; }
    grep -qx "rejected (--lenient): $3 gifts and 0 sinks beyond the wallet, $4 cash-outs beyond the pending diamonds" "$T/out" ||
        { echo "no stdout line: rejected (--lenient): $3 gifts ..., $4 cash-outs ..."; return 1; }
    for f in timeseries.csv runs.csv; do
        cmp "$FIX/tiny.$f" "$T/len-$1/$f" || { echo "$f differs from the log without the rejected rows"; return 1; }
    done
}
check "--lenient, a gift beyond the wallet: --check exit 0, rejected_gifts 1 in replay.csv and on stdout, figures as without it" \
    lenient gift "$T/inf-gift.csv" 1 0 16
check "--lenient, a cash-out beyond the pending: --check exit 0, rejected_cashouts 1 in replay.csv and on stdout, figures as without it" \
    lenient cash "$T/inf-cash.csv" 0 1 16
check "--lenient, both: rejected 1 and 1, events 17, figures as without them" lenient both "$T/inf-both.csv" 1 1 17
# --set viewers is the population, not one of the what-if parameters
# (replay --help): it must not turn the over-pending cash-out into a capped one.
bad_file cashout-beyond-pending-with-set-viewers "$T/inf-cash.csv" \
    "15: cash-out of 7 diamonds, but the creator has 6.66667 pending $LEN" --set viewers=5

# What-if cash-outs on the evening (one recorded cash-out, dj_kai's 31,199
# diamonds): at commission 0.9 dj_kai is credited 6,239.8 diamonds, and a
# daily limit of $20 allows 4,000: one cash-out capped (twice over).
EV=scenarios/evening
run "$COINSIM" replay "$EV/events.csv" --scenario "$EV" --set commission=0.9 --set daily_withdrawal_limit_usd=20 --out "$T/cap"
capped() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(value "$T/cap/runs.csv" diamonds_withdrawn)" = 4000.000000 ] || { echo "withdrawn $(value "$T/cap/runs.csv" diamonds_withdrawn), expected 4000.000000"; return 1; }
    [ "$(counts "$T/cap" capped_cashouts)" = 1 ] || { echo "capped_cashouts $(counts "$T/cap" capped_cashouts), expected 1 (the log has one cash-out)"; return 1; }
}
check "what-if capping: the evening's one cash-out capped to 4000 diamonds (pending, then daily limit) counts as 1 capped" capped
run "$COINSIM" replay "$EV/events.csv" --scenario "$EV" --set min_withdrawal_usd=200 --set daily_withdrawal_limit_usd=300 --out "$T/skip"
skipped() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    [ "$(value "$T/skip/runs.csv" diamonds_withdrawn) $(counts "$T/skip" skipped_cashouts)" = "0.000000 1" ] ||
        { echo "withdrawn, skipped: $(value "$T/skip/runs.csv" diamonds_withdrawn) $(counts "$T/skip" skipped_cashouts)"; return 1; }
}
check "what-if minimum \$200: dj_kai's \$155.995 is below it, the cash-out is skipped and counted" skipped

# --- 8. the teaching log ---------------------------------------------------------

run "$COINSIM" replay "$EV/events.csv" --scenario "$EV" --out "$T/ev"
expect_rc 0 "scenarios/evening/events.csv: replay exit 0"
# table M: the figure printed for metric M.
table() { awk -v m="$1" '$1 == m { print $2 }' "$T/out"; }
evening_table() {
    got="$(table cash_in_usd) $(table store_fees_usd) $(table diamonds_credited) $(table payouts_gross_usd) $(table coins_breakage) $(table platform_cash_usd)"
    want="532.37 158.51 32288.0 156.00 64.0 217.86"
    [ "$got" = "$want" ] || { echo "printed: $got"; echo "README:  $want"; return 1; }
}
check "evening: the table prints the README's cash in 532.37, fees 158.51, credited 32,288, payouts 156.00, breakage 64, platform 217.86" \
    evening_table
evening_exact() {
    got=""
    for m in cash_in_usd store_fees_usd diamonds_credited diamonds_withdrawn pending_diamonds payouts_gross_usd coins_breakage platform_cash_usd; do
        got="$got $(value "$T/ev/runs.csv" $m)"
    done
    want=" 532.370000 158.512200 32288.000000 31199.000000 1089.000000 155.995000 64 217.862800"
    [ "$got" = "$want" ] || { echo "got: $got"; echo "want:$want"; return 1; }
}
check "evening: runs.csv exact (fees 158.5122, 31,199 withdrawn = \$155.995, 1,089 pending, platform 217.8628)" evening_exact
run "$COINSIM" replay "$EV/events.csv" --scenario "$EV" --set commission=0.3 --out "$T/ev03"
evening_03() {
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
    got="$(value "$T/ev03/runs.csv" diamonds_credited) $(value "$T/ev03/runs.csv" cash_in_usd) $(value "$T/ev03/runs.csv" diamonds_withdrawn) $(value "$T/ev03/runs.csv" pending_diamonds)"
    want="45203.200000 532.370000 31199.000000 14004.200000"
    [ "$got" = "$want" ] || { echo "credited, cash in, withdrawn, pending: $got"; echo "expected: $want"; return 1; }
    a=$(micro "$(value "$T/ev/runs.csv" diamonds_credited)") b=$(micro "$(value "$T/ev03/runs.csv" diamonds_credited)")
    [ $((b * 5)) -eq $((a * 7)) ] || { echo "$b uD is not 1.4 x $a uD"; return 1; }
}
check "evening at commission 0.3: credits 45,203.2 diamonds (exactly 1.4x), cash in 532.37, the cash-out unchanged" evening_03

echo "# replay.sh: $(($(date +%s) - start)) s"
# A log refused after --out was made (the log is read as it goes): the
# directories made for it are removed again, the ones there before kept.
mkdir "$T/had"
run "$COINSIM" replay tests/fixtures/bad/logs/empty.csv --scenario "$TINY" --out "$T/had/new/out/"
if [ "$rc" -eq 2 ] && [ -d "$T/had" ] && [ -z "$(ls -A "$T/had")" ]; then
    ok "a refused log: the --out directories made for it are removed, the one there before kept"
else
    notok "a refused log: the --out directories made for it are removed, the one there before kept" \
        "left: $(find "$T/had" | tr '\n' ' ')"
fi

# Files that cannot be written: exit 5. An --out under a regular file is
# refused before the log is read; a replay.csv that cannot take its name
# (a directory of that name) fails after it, with no other file replaced.
: >"$T/plain"
run "$COINSIM" replay "$TLOG" --scenario "$TINY" --out "$T/plain/sub"
if [ "$rc" -eq 5 ] && [ "$(sed -n 1p "$T/err")" = "coinsim: $T/plain/sub: cannot create directory: Not a directory; nothing was replayed" ] &&
    [ ! -s "$T/out" ]; then
    ok "replay --out under a regular file: exit 5, nothing replayed"
else
    notok "replay --out under a regular file: exit 5, nothing replayed"
fi
mkdir -p "$T/r5/replay.csv"
run "$COINSIM" replay "$TLOG" --scenario "$TINY" --out "$T/r5"
if [ "$rc" -eq 5 ] && grep -q "^coinsim: $T/r5/replay.csv" "$T/err" && [ "$(ls -A "$T/r5")" = replay.csv ]; then
    ok "replay with replay.csv a directory: exit 5, no output file written"
else
    notok "replay with replay.csv a directory: exit 5, no output file written" "files: $(ls -A "$T/r5" | tr '\n' ' ')"
fi

[ "$fails" -eq 0 ]
