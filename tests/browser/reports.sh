# shellcheck shell=sh
# Shared by tests/e2e/browser.sh and tools/screenshots.sh: the three kinds
# of HTML report, made from the baseline with few runs so that it is quick.
# Source it from the repository root, then:
#   reports_make COINSIM DIR RUNS
# writes DIR/run/report.html (run), DIR/compare/report.html (baseline
# against web-discount) and DIR/sweep/report.html (commission 0.3 to 0.5).
# Each command's output goes to DIR/KIND.log. Fails, naming the command
# that failed, at the first that does.

# The kinds, in the order they are made and shown.
# shellcheck disable=SC2034 # used by the scripts that source this
REPORT_KINDS="run compare sweep"

reports_make() {
    _bin=$1 _dir=$2 _runs=$3
    mkdir -p "$_dir" || return 1
    reports_step "$_dir/run" "$_bin" run scenarios/baseline --headless --runs "$_runs" \
        --out "$_dir/run" || return 1
    reports_step "$_dir/compare" "$_bin" compare scenarios/baseline scenarios/web-discount \
        --runs "$_runs" --out "$_dir/compare" || return 1
    reports_step "$_dir/sweep" "$_bin" sweep scenarios/baseline --vary commission=0.4:0.7:0.1 --objective platform_margin_usd \
        --runs "$_runs" --out "$_dir/sweep" || return 1
}

# reports_step OUT CMD...: CMD, then CMD's binary's `report OUT`; their
# output to OUT.log.
reports_step() {
    _out=$1
    shift
    if ! "$@" >"$_out.log" 2>&1; then
        echo "failed (see $_out.log): $*"
        return 1
    fi
    if ! "$1" report "$_out" >>"$_out.log" 2>&1; then
        echo "failed (see $_out.log): $1 report $_out"
        return 1
    fi
    [ -f "$_out/report.html" ] || { echo "$1 report $_out wrote no $_out/report.html"; return 1; }
}
