#!/bin/sh
# The README's pictures of the HTML reports: makes the run, compare and
# sweep reports of the baseline (few runs, to be quick; the same commands
# as tests/e2e/browser.sh) and has tests/browser/check.py save a screenshot
# of each whole page, 1280 px wide, as docs/report-run.png,
# docs/report-compare.png and docs/report-sweep.png. A report that fails
# a check of the harness still has its picture taken, and is named.
# usage: tools/screenshots.sh [COINSIM] (default ./coinsim; make screenshots)
set -u
cd "$(dirname "$0")/.." || exit 2
bin=${1:-./coinsim}
runs=${RUNS:-10}
command -v python3 >/dev/null 2>&1 || { echo "screenshots: no python3 (sh tools/deps.sh --browser)" >&2; exit 1; }
python3 tests/browser/check.py --probe >/dev/null || {
    python3 tests/browser/check.py --probe | sed 's/^SKIP /screenshots: cannot: /' >&2
    exit 1
}
"$bin" report --help >/dev/null 2>&1 || { echo "screenshots: $bin has no report command" >&2; exit 1; }

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
. tests/browser/reports.sh   # reports_make, REPORT_KINDS
reports_make "$bin" "$dir" "$runs" || exit 1
bad=0
for kind in $REPORT_KINDS; do
    png=docs/report-$kind.png
    if python3 tests/browser/check.py --size 1280x1800 --screenshot "$png" \
        "$dir/$kind/report.html" >"$dir/check.log" 2>&1; then
        echo "screenshots: $png"
    else
        echo "screenshots: $png, but the $kind report fails checks:" >&2
        grep -v '^PASS' "$dir/check.log" | sed 's/^/    /' >&2
        bad=1
    fi
done
exit $bad
