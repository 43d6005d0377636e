#!/bin/sh
# End-to-end: the HTML reports in a real browser. tests/browser/check.py
# loads a page in headless Chromium (over WebDriver) at a desktop and a
# phone size and checks: no console errors, no request for anything but
# the page, a screenshot that is not blank, the number of SVG charts; and
# xmllint parses the page strictly, as XML.
#
# (a) The harness is tried on the pages in tests/fixtures/browser: it must
#     pass the good one and fail each spoiled one on exactly the check it
#     spoils, which proves it can fail. (b) The run, compare and sweep
#     reports of the baseline go through the same checks, with the chart
#     counts below, once `coinsim report` exists.
#
# Without python3, Chromium or chromedriver (sh tools/deps.sh --browser
# installs them) the browser checks print "ok - ... # SKIP reason", which
# tests/run.sh counts as skipped, never as passed; likewise without xmllint.
# Run from the repository root: BUILD=build COINSIM=./coinsim sh tests/e2e/browser.sh
set -u
. tests/e2e/lib.sh      # $T, ok, notok, run, check

# The number of charts (top-level <svg>) each kind of report draws.
RUN_SVGS=8
COMPARE_SVGS=1
SWEEP_SVGS=2
RUNS=4                  # runs behind each report

COINSIM=${COINSIM:-./coinsim}
FIX=tests/fixtures/browser
HARNESS=tests/browser/check.py

# skip NAME REASON: a TAP skip, counted apart by tests/run.sh.
skip() { echo "ok - $1 # SKIP $2"; }

# browse NAME WANT ARG...: runs the harness with ARG...; WANT is "pass",
# or the checks (load, console, requests, blank, svgs, scripts, width)
# that must fail, and they alone. Failures show the harness's FAIL lines.
browse() {
    name=$1 want=$2
    shift 2
    python3 "$HARNESS" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    sed -n 's/^FAIL \([a-z]*\)[ :].*/\1/p' "$T/out" | sort -u | tr '\n' ' ' | sed 's/ $//' >"$T/kinds"
    failing=$(cat "$T/kinds")
    if [ "$want" = pass ]; then
        if [ $rc -eq 0 ] && [ -z "$failing" ]; then ok "$name"; return; fi
    elif [ $rc -eq 1 ] && [ "$failing" = "$(echo "$want" | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//')" ]; then
        ok "$name"
        return
    fi
    echo "not ok - $name"
    echo "# exit status $rc; failing checks: ${failing:-none}; wanted: $want"
    grep -v '^PASS' "$T/out" | sed -n '1,8s/^/# /p'
    sed -n '1,4s/^/# stderr: /p' "$T/err"
    fails=$((fails + 1))
}

# strict NAME WANT FILE: xmllint --noout on FILE; WANT is pass or fail.
strict() {
    if xmllint --noout "$3" >"$T/why" 2>&1; then got=pass; else got=fail; fi
    if [ "$got" = "$2" ]; then
        ok "$1"
    else
        echo "not ok - $1"
        echo "# xmllint: $got, wanted: $2"
        sed -n '1,6s/^/# /p' "$T/why"
        fails=$((fails + 1))
    fi
}

# Can the browser run here? "cannot" is a skip; anything else the harness
# says while probing is a failure.
browser=yes
if ! command -v python3 >/dev/null 2>&1; then
    browser="no python3"
else
    python3 "$HARNESS" --probe >"$T/out" 2>"$T/err"
    rc=$?
    case $rc in
    0) ;;
    77) browser=$(sed -n 's/^SKIP //p' "$T/out" | head -n 1) ;;
    *) notok "the browser harness can be probed" ;;
    esac
fi
xml=yes
command -v xmllint >/dev/null 2>&1 || xml="no xmllint (Debian package libxml2-utils)"

# --- (a) the harness on the fixtures ------------------------------------------

if [ "$browser" = yes ]; then
    browse "browser: the good page passes every check, at 1280x2000 and 390x844" pass \
        --svgs 3 --no-scripts "$FIX/good.html"
    browse "browser: the good page fails when 4 charts are expected" svgs \
        --size 1280x2000 --svgs 4 "$FIX/good.html"
    browse "browser: a script that throws fails the console and no-script checks" "console scripts" \
        --size 1280x2000 --svgs 3 --no-scripts "$FIX/console-error.html"
    browse "browser: a missing image fails the console and request checks" "console requests" \
        --size 1280x2000 --svgs 3 "$FIX/missing-image.html"
    browse "browser: a stylesheet beside the page fails the request check" requests \
        --size 1280x2000 --svgs 3 "$FIX/external-css.html"
    browse "browser: an empty page fails as blank" blank --size 1280x2000 "$FIX/blank.html"
    browse "browser: a page of one word fails as nearly blank" blank --size 1280x2000 "$FIX/nearly-blank.html"
    browse "browser: a page wider than a phone fails at 390x844" width \
        --size 390x844 --svgs 3 "$FIX/wide.html"
    browse "browser: a missing file fails" file --size 1280x2000 "$FIX/no-such-page.html"
else
    skip "browser: the harness on the fixture pages" "$browser"
fi
if [ "$xml" = yes ]; then
    strict "xmllint: the good page is well-formed" pass "$FIX/good.html"
    strict "xmllint: an unclosed <br> and &nbsp; are not" fail "$FIX/malformed.html"
else
    skip "xmllint: the fixture pages" "$xml"
fi

# --- (b) the real reports -----------------------------------------------------

if ! "$COINSIM" report --help >/dev/null 2>&1; then
    skip "browser: the run, compare and sweep reports" "$COINSIM has no report command yet"
    exit $((fails > 0))
fi
. tests/browser/reports.sh   # reports_make, REPORT_KINDS
if ! reports_make "$COINSIM" "$T/reports" "$RUNS" >"$T/why" 2>&1; then
    echo "not ok - the run, compare and sweep reports are made"
    sed -n '1,4s/^/# /p' "$T/why"
    for k in $REPORT_KINDS; do sed -n '1,6s/^/# /p' "$T/reports/$k.log" 2>/dev/null; done
    exit 1
fi
ok "the run, compare and sweep reports are made"
for kind in $REPORT_KINDS; do
    page="$T/reports/$kind/report.html"
    case $kind in
    run) want=$RUN_SVGS ;;
    compare) want=$COMPARE_SVGS ;;
    sweep) want=$SWEEP_SVGS ;;
    esac
    if [ "$xml" = yes ]; then
        strict "xmllint: the $kind report is well-formed" pass "$page"
    else
        skip "xmllint: the $kind report" "$xml"
    fi
    if [ "$browser" != yes ]; then
        skip "browser: the $kind report" "$browser"
    elif [ "$want" = '?' ]; then
        echo "not ok - browser: the $kind report's chart count is known"
        echo "# set the number of charts it draws at the top of tests/e2e/browser.sh"
        fails=$((fails + 1))
    else
        browse "browser: the $kind report ($want charts, no script)" pass \
            --svgs "$want" --no-scripts "$page"
    fi
done
exit $((fails > 0))
