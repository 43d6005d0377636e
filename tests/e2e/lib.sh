# Shared by the end-to-end scripts: a temporary directory $T removed on exit,
# and ok/notok/run/check, which print TAP-like lines and count failures in
# $fails. Source it from the repository root: . tests/e2e/lib.sh
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fails=0
rc=0
: >"$T/out"
: >"$T/err"

ok() { echo "ok - $1"; }
notok() {
    echo "not ok - $1"
    [ $# -gt 1 ] && echo "# $2"
    echo "# exit status: $rc"
    sed -n '1,6s/^/# stdout: /p' "$T/out"
    sed -n '1,6s/^/# stderr: /p' "$T/err"
    fails=$((fails + 1))
}
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# check NAME CMD...: ok if CMD succeeds; its stdout is the failure detail.
check() {
    name=$1
    shift
    if "$@" >"$T/why" 2>&1; then
        ok "$name"
    else
        echo "not ok - $name"
        sed -n '1,8s/^/# /p' "$T/why"
        fails=$((fails + 1))
    fi
}
