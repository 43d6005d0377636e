#!/bin/sh
# End-to-end: a scenario saved by a spreadsheet runs as its plain copy does.
# tests/fixtures/good/spreadsheet-comma (UTF-8 BOM, CRLF, capitalised
# headers, empty columns on the right) and spreadsheet-semicolon (the same
# with semicolons and decimal commas) must validate and give, run for run,
# the very bytes of spreadsheet-plain (the same scenario written plainly).
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/spreadsheet.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh
G=tests/fixtures/good

for x in comma semicolon plain; do
    run "$COINSIM" validate "$G/spreadsheet-$x"
    if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]; then
        ok "spreadsheet-$x validates, nothing on stderr"
    else
        notok "spreadsheet-$x validates, nothing on stderr"
    fi
done

for x in plain comma semicolon; do
    run "$COINSIM" run "$G/spreadsheet-$x" --headless --runs 2 --out "$T/$x"
    if [ "$rc" -eq 0 ] && [ -f "$T/$x/summary.csv" ]; then
        ok "spreadsheet-$x runs"
    else
        notok "spreadsheet-$x runs"
    fi
done

for x in comma semicolon; do
    for f in summary.csv timeseries.csv runs.csv; do
        if [ -f "$T/plain/$f" ] && cmp -s "$T/plain/$f" "$T/$x/$f"; then
            ok "spreadsheet-$x: $f byte-identical to spreadsheet-plain's"
        else
            rc="-"
            notok "spreadsheet-$x: $f byte-identical to spreadsheet-plain's" \
                "$(cmp "$T/plain/$f" "$T/$x/$f" 2>&1 | head -n 1)"
        fi
    done
done

[ "$fails" -eq 0 ]
