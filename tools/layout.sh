#!/bin/sh
# The layout habits of sim/ and tui/ (make lint): clang-format's layout
# (.clang-format), no line over 100 columns, and no function over 80 lines
# unless tools/long-functions.txt names it with the reason it reads better
# whole (a flat table or switch). Prints each breach and fails if any.
# tools/layout.sh --lengths prints every function's length, longest first.
set -u
cd "$(dirname "$0")/.." || exit 2
files=$(ls sim/*.c sim/*.h tui/*.c tui/*.h)
limit=80

# lengths FILE...: "LINES FILE:LINE NAME" for each function definition,
# from the line of its name to its closing brace in column 1.
lengths() {
    awk '
    FNR == 1 { cand = 0; start = 0 }
    /^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !/^(typedef|enum|#)/ { cand = FNR; name = $0 }
    /^\{/ || /^[A-Za-z_].*\)[ \t]*\{[ \t]*$/ { if (cand) { start = cand; nm = name } }
    /^\}/ {
        if (start) {
            sub(/\(.*/, "", nm)
            k = split(nm, part, /[ *]+/)
            printf "%d %s:%d %s\n", FNR - start + 1, FILENAME, start, part[k]
            start = 0; cand = 0
        }
    }' "$@" | sort -rn
}

if [ "${1:-}" = --lengths ]; then
    # shellcheck disable=SC2086
    lengths $files
    exit 0
fi

bad=0
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files 2>/tmp/layout.$$; then
    sed 's/^/layout: /' /tmp/layout.$$ | grep 'error:' | head -20
    echo "layout: run clang-format -i on the files above (.clang-format)"
    bad=1
fi
rm -f /tmp/layout.$$
# shellcheck disable=SC2086
wide=$(awk 'length > 100 { printf "%s:%d: %d columns\n", FILENAME, FNR, length }' $files)
if [ -n "$wide" ]; then
    echo "$wide" | sed 's/^/layout: /'
    bad=1
fi
# shellcheck disable=SC2086
long=$(lengths $files | while read -r n where name; do
    [ "$n" -gt "$limit" ] || continue
    grep -q "^$name " tools/long-functions.txt 2>/dev/null && continue
    echo "layout: $where: $name is $n lines (over $limit; split it, or name it in tools/long-functions.txt with the reason)"
done)
if [ -n "$long" ]; then
    echo "$long"
    bad=1
fi
exit $bad
