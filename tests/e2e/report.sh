#!/bin/sh
# End-to-end: coinsim report DIR and --report (README "coinsim report",
# docs/outputs.md report.html). The pages are made from the fixtures in
# tests/fixtures/report-*: real outputs of tests/fixtures/e2e/small (run,
# compare, a sweep of one axis with --objective and one of two without;
# the command is each one's manifest.csv, and the first's best_point row
# is the best point sweep printed), a file or two left out on purpose, so
# the report can be checked against every file an output directory may
# hold and against files that are not there. Each page must be
# self-contained (no script, nothing fetched), well-formed XML (xmllint
# when there, else the tag check below), hold the number of charts its kind
# has, show summary.csv's figures with their exact values, say when a file
# is not there, refuse a malformed file as FILE:LINE (exit 2), and be the
# same bytes for the same files. --report without --out exits 2.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/report.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
F=tests/fixtures
. tests/e2e/lib.sh

# svgs FILE: the number of charts in a page.
svgs() { grep -o '<svg' "$1" | wc -l | tr -d ' '; }

# wellformed FILE: xmllint in XML mode, or, without it, every tag closed in
# order (void elements must close themselves) and no stray '&'.
wellformed() {
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$1"
        return
    fi
    grep -o '&[^;[:space:]]*;\{0,1\}' "$1" | grep -v -E '^&(amp|lt|gt|quot|#39|#[0-9]+);$' | head -3 |
        { if read -r bad; then echo "stray entity: $bad"; exit 1; fi; } || return 1
    tr '\n' ' ' <"$1" | grep -o '<[^>]*>' | awk '
        /^<!DOCTYPE/ { next }
        /\/>$/ { next }
        /^<\// { t = substr($0, 3); sub(/[ >].*/, "", t)
                 if (n == 0 || stack[n] != t) { print "closing " t " but open: " stack[n]; exit 1 }
                 n--; next }
        { t = substr($0, 2); sub(/[ >].*/, "", t); stack[++n] = t }
        END { if (n) { print "unclosed: " stack[n]; exit 1 } }'
}

# contained FILE: nothing outside the file: no script, no link, no image,
# no http(s) address anywhere but the xmlns namespaces, no url().
contained() {
    if grep -n -i -E '<script|<link|<img|<iframe|<object|@import|url\(' "$1" | head -3 | grep .; then
        return 1
    fi
    grep -o -E 'https?://[^" ]*' "$1" | grep -v -x -E 'http://www.w3.org/(1999/xhtml|2000/svg)' |
        head -3 | { if read -r u; then echo "address: $u"; exit 1; fi; }
}

# page DIR KIND SVGS: the page of DIR is there, self-contained,
# well-formed, and has SVGS charts.
page() {
    h=$1/report.html
    [ "$rc" -eq 0 ] || { echo "exit $rc: $(head -n 2 "$T/err")"; return 1; }
    grep -qxF "wrote $1/report.html" "$T/out" || { echo "no 'wrote $h' line"; return 1; }
    [ -s "$h" ] || { echo "no $h"; return 1; }
    head -n 1 "$h" | grep -qx '<!DOCTYPE html>' || { echo "no doctype"; return 1; }
    contained "$h" || return 1
    wellformed "$h" || return 1
    n=$(svgs "$h")
    [ "$n" -eq "$3" ] || { echo "$2: $n charts, expected $3"; return 1; }
}

for k in run compare sweep sweep2; do cp -R "$F/report-$k" "$T/$k"; done

run "$COINSIM" report "$T/run"
check "run: report.html self-contained, well-formed, 8 charts" page "$T/run" run 8
run "$COINSIM" report "$T/compare"
check "compare: report.html self-contained, well-formed, 1 chart (the forest plot)" page "$T/compare" compare 1
run "$COINSIM" report "$T/sweep"
check "sweep: report.html self-contained, well-formed, 2 charts (objective, channels)" page "$T/sweep" sweep 2
run "$COINSIM" report "$T/sweep2"
check "sweep of two axes without sweep_channels.csv: 1 chart" page "$T/sweep2" sweep 1
# The best point is the engine's, read from manifest.csv (best_point, a row
# of sweep.csv), never decided again by the page: the fixture of one axis
# ran with --objective platform_margin_usd and its best is 3.70 (row 3); a
# manifest naming row 1 instead must move the ring there, though row 3 has
# the highest mean in sweep.csv. Without --objective (the fixture of two
# axes) there is no best point; with an objective and no best_point (an
# older manifest) neither; a best_point that is no row is FILE:LINE.
ringed() { # ringed DIR VALUE: the ring, the caption and the table's "best" are at VALUE
    h=$1/report.html
    [ "$(grep -c '<circle r="8" fill="none" stroke="#c0392b"' "$h")" -eq 1 ] || { echo "not one ring"; return 1; }
    grep -q "the ring marks the sweep's best point (packs.web350.price_usd=$2)" "$h" || { echo "the caption does not name $2"; return 1; }
    [ "$(grep -c '<td class="yes">best</td>' "$h")" -eq 1 ] && grep -q "^<tr><td>$2</td>.*<td class=\"yes\">best</td></tr>" "$h" ||
        { echo "the table does not mark $2 alone as best"; return 1; }
}
unringed() { # unringed DIR WHY: no best point anywhere, and the page says WHY
    h=$1/report.html
    if grep -q -e '<circle r="8" fill="none" stroke="#c0392b"' -e '<td class="yes">best</td>' -e 'the ring marks' "$h"; then
        echo "a best point is marked"; return 1
    fi
    grep -qF "$2" "$h" || { echo "the page does not say: $2"; return 1; }
}
check "sweep --objective: the engine's best point (3.70) ringed and marked" ringed "$T/sweep" 3.70
check "sweep without --objective: platform cash, no best point, and the page says why" \
    unringed "$T/sweep2" "<code>platform_cash_usd</code>, platform cash: no objective was given"
manifest_best() { # manifest_best NAME SED_EXPR: the sweep fixture with its manifest edited, reported
    rm -rf "${T:?}/$1"
    cp -R "$F/report-sweep" "$T/$1"
    sed "$2" "$F/report-sweep/manifest.csv" >"$T/$1/manifest.csv"
    "$COINSIM" report "$T/$1" >"$T/out" 2>"$T/err"
}
best_from_manifest() {
    manifest_best best1 's/^best_point,3$/best_point,1/' || { echo "exit $?: $(cat "$T/err")"; return 1; }
    ringed "$T/best1" 2.99
}
check "sweep: the ring is where manifest.csv's best_point says, not recomputed" best_from_manifest
no_best_point() {
    manifest_best nobest '/^best_point,/d' || { echo "exit $?: $(cat "$T/err")"; return 1; }
    unringed "$T/nobest" "the manifest records no best point"
}
check "sweep: an objective without best_point (an older manifest): no ring, and the page says so" no_best_point
bad_best_point() {
    manifest_best badbest 's/^best_point,3$/best_point,4/'
    st=$?
    [ $st -eq 2 ] || { echo "exit $st, expected 2"; return 1; }
    grep -qxF "$T/badbest/manifest.csv:16: column value: best_point \"4\" is not a point of sweep.csv (expected a row index from 0 to 3)" "$T/err" ||
        { echo "stderr: $(head -n 2 "$T/err")"; return 1; }
}
check "sweep: a best_point that is no row of sweep.csv is FILE:LINE, exit 2" bad_best_point
one_point() {
    "$COINSIM" sweep tests/fixtures/e2e/small --runs 2 --vary commission=0.4 --objective platform_margin_usd \
        --out "$T/s1" >/dev/null 2>"$T/err" && "$COINSIM" report "$T/s1" >/dev/null 2>>"$T/err" ||
        { echo "exit $?: $(head -n 2 "$T/err")"; return 1; }
    unringed "$T/s1" "with one point there is no best point to ring"
}
check "sweep of one point with --objective: no best point, and the page says why" one_point

cp -R "$F/report-run" "$T/explain"
run "$COINSIM" report "$T/explain" --explain
check "report --explain: the explainer, 3 charts (flow, whales, Lorenz)" page "$T/explain" explain 3

# The headline cards show summary.csv's mean and CI, exactly in the
# tooltip, and for people within 1% of it.
headline() {
    for m in cash_in_usd platform_margin_usd creator_earnings_usd payer_rate arppu_usd \
        web_share_of_revenue platform_take_rate; do
        row=$(grep "^$m," "$T/run/summary.csv")
        mean=$(echo "$row" | cut -d, -f2) lo=$(echo "$row" | cut -d, -f4) hi=$(echo "$row" | cut -d, -f5)
        card=$(grep -o "<div class=\"card\" id=\"h-$m\">.*" "$T/run/report.html" | sed 's|</div></div>.*||')
        [ -n "$card" ] || { echo "$m: no card"; return 1; }
        shown=$(echo "$card" | sed -n "s|.*<div class=\"v\"><span title=\"$mean\">\([^<]*\)</span>.*|\1|p")
        [ -n "$shown" ] || { echo "$m: the card's value has not the title $mean: $card"; return 1; }
        echo "$card" | grep -qF "title=\"$lo\"" && echo "$card" | grep -qF "title=\"$hi\"" ||
            { echo "$m: CI [$lo, $hi] not in the card: $card"; return 1; }
        awk -v s="$shown" -v m="$mean" 'BEGIN {
            x = s; gsub(/[$,]/, "", x); f = 1
            if (x ~ /%$/) { f = 0.01; sub(/%$/, "", x) }
            else if (x ~ /K$/) { f = 1e3; sub(/K$/, "", x) }
            else if (x ~ /M$/) { f = 1e6; sub(/M$/, "", x) }
            v = x * f; d = v - m; if (d < 0) d = -d; a = m < 0 ? -m : m
            if (d > 0.01 * a + 1e-9) { print "shown " s " is not " m; exit 1 } }' || return 1
    done
}
check "run: the headline figures are summary.csv's, exact in their tooltips" headline

flows_add_up() {
    awk -F, '$1 == "cash_in_usd" || $1 == "store_fees_usd" || $1 == "creator_earnings_usd" ||
        $1 == "platform_margin_usd" { v[$1] = $2 }
        END { printf "%.2f\n", (v["cash_in_usd"] - v["store_fees_usd"] - v["creator_earnings_usd"] - v["platform_margin_usd"]) / v["cash_in_usd"] }' \
        "$T/run/summary.csv" >"$T/coins"
    grep -q "Coins still unspent</text><text [^>]*>\$$(cat "$T/coins") of each \$1" "$T/run/report.html" ||
        { echo "the unspent coins' flow is not \$$(cat "$T/coins") per dollar"; return 1; }
}
check "run: the money flow's remainder (unspent coins) is what the ledger leaves" flows_add_up

# A timeline that changes usd_per_diamond halfway: payouts were paid at
# the old value, earnings and the liabilities are valued at the new, so
# the flows no longer add up by the ledger. The page must say the split is
# an estimate and give the real change in what unspent coins will cost
# (small has no warm-up, so that is coin_liability_usd); a timeline whose
# rows leave the money rules as they were keeps the exact statement.
timeline_run() { # timeline_run NAME ROWS...: small with those timeline rows, run and reported
    rm -rf "$T/$1" "$T/$1-out"
    cp -R tests/fixtures/e2e/small "$T/$1"
    n=$1
    shift
    printf 'step,target,value\n' >"$T/$n/timeline.csv"
    printf '%s\n' "$@" >>"$T/$n/timeline.csv"
    "$COINSIM" run "$T/$n" --runs 2 --headless --out "$T/$n-out" >/dev/null 2>"$T/err" &&
        "$COINSIM" report "$T/$n-out" >/dev/null 2>>"$T/err" ||
        { echo "exit $?: $(head -n 2 "$T/err")"; return 1; }
}
flows_estimate() {
    timeline_run rules 10,params.usd_per_diamond,0.004 || return 1
    h=$T/rules-out/report.html
    grep -q '<strong>This split is an estimate: </strong>' "$h" || { echo "the page does not say the split is an estimate"; return 1; }
    grep -qF 'changes a money rule during the reported steps (usd_per_diamond from 0.005 to 0.004 at step 10)' "$h" ||
        { echo "the page does not say which rule the timeline changes"; return 1; }
    cl=$(grep '^coin_liability_usd,' "$T/rules-out/summary.csv" | cut -d, -f2)
    grep -q "will cost (coin_liability_usd[^)]*) is <span title=\"$cl\">" "$h" ||
        { echo "the real change in coin liability (\$$cl) is not on the page"; return 1; }
    timeline_run same 10,params.usd_per_diamond,0.005 10,params.p_cashout,0.2 || return 1
    h=$T/same-out/report.html
    if grep -q 'split is an estimate' "$h"; then echo "an estimate, with no money rule changed"; return 1; fi
    grep -q 'add up to the dollar exactly' "$h" || { echo "no exact statement"; return 1; }
}
check "run: a timeline changing usd_per_diamond makes the money flow an estimate, and the page says so" flows_estimate
# The explainer's commission: the scenario's, and when the timeline
# changes it, the change and the value the run ended with.
commission_stop() {
    grep -qF 'keeps a commission on every gift (50.0% of its value).' "$T/explain/report.html" ||
        { echo "without a timeline: not the scenario's 50.0%"; return 1; }
    timeline_run comm 10,params.commission,0.45 15,params.commission,0.4 || return 1
    "$COINSIM" report "$T/comm-out" --explain >/dev/null 2>"$T/err" || { echo "exit $?: $(head -n 2 "$T/err")"; return 1; }
    grep -qF "keeps a commission on every gift (50.0% of its value at the start; the scenario&#39;s timeline changed it first to 45.0% at step 10, and the run ended at 40.0%)." \
        "$T/comm-out/report.html" || { echo "$(grep -o 'keeps a commission[^<]*' "$T/comm-out/report.html")"; return 1; }
}
check "explainer: the commission at the start, the timeline's change and the value at the end" commission_stop
if grep -q 'add up to the dollar exactly' "$T/run/report.html" && ! grep -q 'split is an estimate' "$T/run/report.html"; then
    ok "run: no timeline, the money flow is exact and the page says so"
else notok "run: no timeline, the money flow is exact and the page says so"; fi

# The same files give the same bytes, wherever they are; columns in
# another order and unknown columns and rows change nothing they should
# not. (Not the locale: coinsim report never sets one, so LC_ALL here would
# test nothing. That the figures are written without printf's floating
# conversions, which a locale could reach once the dashboard has set one,
# is test_pretty's.)
cp -R "$F/report-run" "$T/again"
"$COINSIM" report "$T/again" >/dev/null 2>&1
check "same files, another directory: the same bytes" cmp "$T/run/report.html" "$T/again/report.html"
reorder() {
    awk -F, -v OFS=, '{ t = $3; $3 = $4; $4 = t; print }' "$F/report-run/channels.csv" >"$T/again/channels.csv"
    awk -F, -v OFS=, 'NR == 1 { print $0 ",later_column"; next } { print $0 ",x" } END { print "a_new_metric,1,,,,1,1,1,5,x" }' \
        "$F/report-run/summary.csv" >"$T/again/summary.csv"
    "$COINSIM" report "$T/again" >/dev/null 2>"$T/err" || { echo "exit $?: $(cat "$T/err")"; return 1; }
    grep -q 'a_new_metric' "$T/again/report.html" || { echo "the unknown metric is not listed"; return 1; }
    grep -v 'a_new_metric' "$T/again/report.html" | cmp -s - "$T/run/report.html" ||
        { echo "columns read by position, not by name"; return 1; }
}
check "columns by name: reordered and extra columns, an unknown row shown" reorder

# An older output: the breakdowns and manifest not there, each said so.
older() {
    mkdir "$T/old"
    for f in summary.csv runs.csv timeseries.csv pack_sales.csv; do cp "$F/report-run/$f" "$T/old/"; done
    "$COINSIM" report "$T/old" >"$T/out" 2>"$T/err" || { echo "exit $?: $(cat "$T/err")"; return 1; }
    for f in channels.csv segments.csv creators.csv manifest.csv; do
        grep -q "<code>$f</code> was not there" "$T/old/report.html" || { echo "no note for $f"; return 1; }
    done
    wellformed "$T/old/report.html" || return 1
    [ "$(svgs "$T/old/report.html")" -eq 6 ] || { echo "$(svgs "$T/old/report.html") charts, expected 6"; return 1; }
}
check "an older run (no breakdowns, no manifest): a note for each, 6 charts" older
cmp_older() {
    rm "$T/compare/compare_packs.csv" "$T/compare/manifest.csv"
    "$COINSIM" report "$T/compare" >/dev/null 2>"$T/err" || { echo "exit $?: $(cat "$T/err")"; return 1; }
    for f in compare_packs.csv compare_segments.csv manifest.csv; do
        grep -q "<code>$f</code> was not there" "$T/compare/report.html" || { echo "no note for $f"; return 1; }
    done
    grep -q 'compare_channels.csv' "$T/compare/report.html"
}
check "compare: a breakdown file not there gets its note, the others their table" cmp_older

# Malformed files: FILE:LINE on stderr, exit 2, the old page untouched.
bad() { # bad FILE SED_EXPR EXPECTED_STDERR_LINE
    rm -rf "$T/bad"
    cp -R "$F/report-run" "$T/bad"
    echo "old" >"$T/bad/report.html"
    sed "$2" "$F/report-run/$1" >"$T/bad/$1"
    "$COINSIM" report "$T/bad" >"$T/out" 2>"$T/err"
    st=$?
    [ $st -eq 2 ] || { echo "exit $st, expected 2"; return 1; }
    grep -qxF "$3" "$T/err" || { echo "stderr: $(head -n 3 "$T/err")"; return 1; }
    [ "$(cat "$T/bad/report.html")" = old ] || { echo "report.html was replaced"; return 1; }
}
check "malformed: a word for a number is FILE:LINE: column NAME, exit 2" \
    bad channels.csv '5s/,[0-9.]*,/,lots,/' "$T/bad/channels.csv:5: column mean: \"lots\" is not a number (not a number)"
check "malformed: a row with a cell too many, exit 2" \
    bad timeseries.csv '7s/$/,1/' "$T/bad/timeseries.csv:7: 31 cells (expected 30, as many as the header has)"
check "malformed: an empty cell in timeseries.csv (a number in every cell), exit 2" \
    bad timeseries.csv '7s/^\([^,]*\),[^,]*,/\1,,/' "$T/bad/timeseries.csv:7: column step: empty (expected a number: this file has one in every cell)"
check "malformed: a column missing from the header, exit 2" \
    bad summary.csv '1s/ci95_low/ci_low/' "$T/bad/summary.csv:1: column ci95_low: no such column in the header (expected the columns of docs/outputs.md)"
check "malformed: a bare quote, exit 2" \
    bad segments.csv '3s/^lurker/lur"ker/' \
    "$T/bad/segments.csv:3: malformed quoting (a quote may only open a field or be doubled inside a quoted one)"

# A control character in a cell (the CSV reader refuses only NUL) cannot
# be written in XML at all: the page must hold U+FFFD in its place and
# stay well-formed.
controls() {
    rm -rf "$T/ctl"
    cp -R "$F/report-run" "$T/ctl"
    awk '/^lurker,/ { sub(/^lurker/, "lur\001k\033e\177r") } { print }' "$F/report-run/segments.csv" >"$T/ctl/segments.csv"
    grep -q "$(printf 'lur\001k')" "$T/ctl/segments.csv" || { echo "the control byte did not reach segments.csv"; return 1; }
    "$COINSIM" report "$T/ctl" >/dev/null 2>"$T/err" || { echo "exit $?: $(head -n 2 "$T/err")"; return 1; }
    if LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" "$T/ctl/report.html"; then
        echo "a control byte is in the page"; return 1
    fi
    grep -q "lur$(printf '\357\277\275')k$(printf '\357\277\275')e$(printf '\357\277\275')r" "$T/ctl/report.html" ||
        { echo "no U+FFFD in their place"; return 1; }
    wellformed "$T/ctl/report.html"
}
check "a control character in a segment's name: U+FFFD, and the page stays well-formed XML" controls

mkdir "$T/empty"
run "$COINSIM" report "$T/empty"
if [ "$rc" -eq 2 ] && grep -q 'holds no summary.csv, compare.csv or sweep.csv' "$T/err" && [ ! -e "$T/empty/report.html" ]; then
    ok "a directory with nothing to report: exit 2"
else notok "a directory with nothing to report: exit 2"; fi
run "$COINSIM" report "$T/no-such-dir"
if [ "$rc" -eq 2 ]; then ok "no such directory: exit 2"; else notok "no such directory: exit 2"; fi

# --report on the commands that write files: beside them, or refused
# without --out before anything runs.
for c in "run tests/fixtures/e2e/small" "compare tests/fixtures/e2e/small --set-b commission=0.4" \
    "sweep tests/fixtures/e2e/small --vary commission=0.4,0.5" "tour tests/fixtures/e2e/small"; do
    # shellcheck disable=SC2086 # the command is words
    run "$COINSIM" $c --report
    name=${c%% *}
    if [ "$rc" -eq 2 ] && grep -qxF "coinsim $name: --report without --out (expected --out DIR: the report is written there, beside the files it reads)" "$T/err"; then
        ok "$name --report without --out: exit 2"
    else notok "$name --report without --out: exit 2"; fi
done
# The engine's breakdown files add a chart each when they are there.
has() { [ -e "$1" ] && echo 1 || echo 0; }
run "$COINSIM" run tests/fixtures/e2e/small --runs 2 --out "$T/r" --report
check "run --out --report: report.html beside the files" \
    page "$T/r" run $((6 + $(has "$T/r/channels.csv") + $(has "$T/r/creators.csv")))
run "$COINSIM" compare tests/fixtures/e2e/small --runs 2 --set-b commission=0.4 --out "$T/c" --report
check "compare --out --report: report.html beside compare.csv" page "$T/c" compare 1
run "$COINSIM" sweep tests/fixtures/e2e/small --runs 2 --vary commission=0.4,0.5 --out "$T/s" --report
check "sweep --out --report: report.html beside sweep.csv" \
    page "$T/s" sweep $((1 + $(has "$T/s/sweep_channels.csv")))
run "$COINSIM" tour tests/fixtures/e2e/small --set runs=2 --report --out "$T/t"
check "tour --report --out: the explainer beside the run's files" \
    page "$T/t" explain $((1 + $(has "$T/t/segments.csv") + $(has "$T/t/creators.csv")))
if grep -q "<h1>Where a viewer&#39;s dollar goes</h1>" "$T/t/report.html" 2>/dev/null; then
    ok "tour --report: the page is the explainer"
else notok "tour --report: the page is the explainer"; fi

# A segment's name cut short on the explainer's bars (30 bytes) is cut on a
# whole UTF-8 character: here byte 30 falls inside the 15th é.
mkdir -p "$T/utf" && cp -r tests/fixtures/e2e/small/. "$T/utf/"
long="a$(printf '\303\251%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)"
sed "s/^whale,/$long,/" tests/fixtures/e2e/small/segments.csv >"$T/utf/segments.csv"
run "$COINSIM" run "$T/utf" --headless --runs 1 --out "$T/utfo"
"$COINSIM" report "$T/utfo" --explain >/dev/null 2>&1
check "a long segment name cut on the explainer's bars stays whole UTF-8 (the page well-formed)" \
    wellformed "$T/utfo/report.html"

[ "$fails" -eq 0 ]
