#!/bin/sh
# End-to-end: the bad-input gallery. Every case of tests/fixtures/bad/gallery.tsv
# (its header comment describes the format) runs coinsim once and must give
# the expected exit status and the exact first line on stderr, print nothing
# on stdout when the status is 2, and leave an --out directory as it was.
# One "ok - gallery: NAME" or "not ok - gallery: NAME" line a case; a
# manifest line that cannot be read is a "not ok" of its own.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/gallery.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
BAD=tests/fixtures/bad
MANIFEST=${GALLERY:-$BAD/gallery.tsv}   # another manifest, to test this script
. tests/e2e/lib.sh
PRIOR='metric,mean
keep,me'
: >"$T/names"

# broken NAME WHY: a manifest line that cannot be run.
broken() {
    echo "not ok - gallery: $1"
    echo "# $2"
    fails=$((fails + 1))
}
# field N LINE: the Nth TAB-separated field of LINE.
field() { printf '%s\n' "$2" | cut -f "$1"; }
# at TEXT: TEXT with every "@/" made "tests/fixtures/bad/".
at() { printf '%s\n' "$1" | sed "s|@/|$BAD/|g"; }

if [ ! -f "$MANIFEST" ]; then
    broken "manifest" "$MANIFEST is missing"
    exit 1
fi

lineno=0
cases=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $line in '' | '#'*) continue ;; esac
    nf=$(printf '%s\n' "$line" | awk -F '\t' '{ print NF }')
    name=$(field 1 "$line")
    if [ "$nf" -ne 4 ]; then
        broken "${name:-?} ($MANIFEST line $lineno)" \
            "$nf TAB-separated fields, expected 4 (NAME, EXIT, ARGS, FIRST-STDERR-LINE): $line"
        continue
    fi
    want_rc=$(field 2 "$line")
    raw=$(field 3 "$line")
    want=$(field 4 "$line")
    cases=$((cases + 1))
    if [ -z "$name" ]; then
        broken "($MANIFEST line $lineno)" "the case has no name: $line"
        continue
    fi
    if grep -Fxq -- "$name" "$T/names"; then
        broken "$name ($MANIFEST line $lineno)" "a second case of this name"
        continue
    fi
    printf '%s\n' "$name" >>"$T/names"
    case $want_rc in
    '' | *[!0-9]*)
        broken "$name" "$MANIFEST line $lineno: exit status \"$want_rc\" is not a number"
        continue
        ;;
    esac
    if [ -z "$want" ]; then
        broken "$name" "$MANIFEST line $lineno: no expected first stderr line"
        continue
    fi
    want=$(at "$want")

    # The fixtures named by the case: @/... must exist (or, named no_such*,
    # must not), so that a missing or renamed fixture fails here rather than
    # passing as a "No such file or directory" message.
    bad_fixture=""
    set -f
    for w in $raw; do
        case $w in
        @/*)
            p=$BAD/${w#@/}
            case ${p##*/} in
            no_such*) [ -e "$p" ] && bad_fixture="$p exists, but the case needs it absent (a name starting no_such)" ;;
            *) [ -e "$p" ] || bad_fixture="fixture $p does not exist" ;;
            esac
            ;;
        esac
    done
    # shellcheck disable=SC2046 # word splitting is the manifest's format
    set -- $(at "$raw")
    set +f
    rc="not run"
    : >"$T/out"
    : >"$T/err"
    if [ -n "$bad_fixture" ]; then
        notok "gallery: $name" "$bad_fixture"
        continue
    fi

    # An --out holding an old summary.csv, for the commands that take one.
    rm -rf "$T/prev"
    out=0
    case ${1-} in
    run | compare | sweep | replay)
        mkdir "$T/prev"
        printf '%s\n' "$PRIOR" >"$T/prev/summary.csv"
        cmd=$1
        shift
        set -- "$cmd" --out "$T/prev" "$@"
        out=1
        ;;
    esac
    run "$COINSIM" "$@" </dev/null
    first=$(sed -n 1p "$T/err")
    why=""
    [ "$rc" -eq "$want_rc" ] || why="expected exit $want_rc, got $rc"
    [ -n "$why" ] || [ "$first" = "$want" ] || why="first stderr line differs"
    [ -n "$why" ] || [ "$want_rc" -ne 2 ] || [ ! -s "$T/out" ] || why="expected nothing on stdout"
    if [ -z "$why" ] && [ $out = 1 ]; then
        if [ ! -d "$T/prev" ]; then
            why="the --out directory was removed"
        elif [ "$(ls -A "$T/prev")" != summary.csv ]; then
            why="files appeared in --out: $(ls -A "$T/prev" | tr '\n' ' ')"
        elif [ "$(cat "$T/prev/summary.csv")" != "$PRIOR" ]; then
            why="the old summary.csv in --out was changed"
        fi
    fi
    if [ -z "$why" ]; then
        ok "gallery: $name"
    else
        notok "gallery: $name" "$why"
        echo "# command: coinsim $*"
        echo "# expected first stderr line: $want"
        echo "# got:                        $first"
    fi
done <"$MANIFEST"

if [ "$cases" -eq 0 ]; then
    broken "manifest" "no case in $MANIFEST"
fi
echo "# gallery.sh: $cases cases from $MANIFEST"
[ "$fails" -eq 0 ]
