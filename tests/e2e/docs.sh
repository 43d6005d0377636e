#!/bin/sh
# End-to-end: the repository's documents stand on their own. (a) No file
# points to the model's notes outside the repository; (b) every citation
# "docs/model.md §N" (and "model.md §N" inside docs/, and a bare "§N" in
# docs/model.md itself) names a section that docs/model.md has as a heading;
# (c) every relative link of README.md and docs/*.md reaches a file.
# The files are those git tracks (every file but build directories when
# this is not a git checkout). Needs no binary; run from the repository root:
#   sh tests/e2e/docs.sh
# Prints "ok - NAME" or "not ok - NAME" (then "# " detail lines) per check;
# exits 1 if any check failed.
set -u
. tests/e2e/lib.sh      # $T, ok, notok, run, check
DOC=docs/model.md

# The list of files, one a line, relative to the root, existing ones only.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
    git -c core.quotePath=false ls-files >"$T/listed" 2>/dev/null && [ -s "$T/listed" ]; then
    :
else
    find . -type d \( -name .git -o -name 'build' -o -name 'build-*' \) -prune -o -type f -print |
        sed 's|^\./||' >"$T/listed"
fi
while IFS= read -r f; do
    [ -f "$f" ] && printf '%s\n' "$f"
done <"$T/listed" >"$T/files"
# each CMD...: CMD with every listed file as arguments.
each() { tr '\n' '\0' <"$T/files" | xargs -0 "$@"; }

# --- (a) nothing outside the repository ---------------------------------------

# The names are put together here, so that this file does not mention them.
up() { printf '%s' "$1" | tr 'a-z' 'A-Z'; }
OUTSIDE="$(up model)\\.md|$(up facts)\\.md|share""d/"
outside() {
    each grep -n -E -e "$OUTSIDE" -- >"$T/outside" 2>/dev/null
    [ ! -s "$T/outside" ] && return 0
    echo "$(wc -l <"$T/outside") lines point outside the repository, first:"
    head -n 6 "$T/outside"
    return 1
}
check "no tracked file points to the model's notes outside the repository" outside

# --- (b) citations of docs/model.md name real sections -----------------------

# The numbers of the headings of docs/model.md: "## 4. One step" gives 4,
# "### 4.5 Cash-outs" gives 4.5.
sed -n -E 's/^#{2,4} ([0-9]+(\.[0-9]+)*)\.? .*/\1/p' "$DOC" >"$T/sections"
SEC='§[0-9]+(\.[0-9]+)*'
LIST="$SEC((,| and|, and) $SEC)*"
# FILE:LINE:CITATION for every citation: "docs/model.md §N" anywhere (with
# any list of further sections after it, "§4 and §7"), "model.md §N" in
# docs/, and any "§N" in docs/model.md itself.
citations() {
    each grep -n -o -E -e "docs/model\\.md $LIST" -- 2>/dev/null
    grep -n -o -E -e "model\\.md $LIST" -- docs/*.md 2>/dev/null | grep -v "^$DOC:"
    grep -n -o -E -e "$SEC" -- "$DOC" | sed "s|^|$DOC:|"
}
cited() {
    [ -s "$T/sections" ] || { echo "$DOC has no numbered headings"; return 1; }
    citations | sort -u >"$T/cites"
    [ -s "$T/cites" ] || { echo "no citation of $DOC found (expected some)"; return 1; }
    bad=0
    while IFS= read -r c; do
        for n in $(printf '%s\n' "$c" | sed 's/^[^:]*:[^:]*://' | grep -o -E "$SEC" | sed 's/^§//'); do
            if ! grep -q -x -F "$n" "$T/sections"; then
                echo "${c%%:*}:$(printf '%s' "$c" | cut -d: -f2): §$n is not a section of $DOC"
                bad=$((bad + 1))
            fi
        done
    done <"$T/cites"
    [ "$bad" -eq 0 ] || echo "(sections there: $(tr '\n' ' ' <"$T/sections"))"
    [ "$bad" -eq 0 ]
}
check "every citation of $DOC names one of its numbered sections" cited

# --- (c) relative links of README.md and docs/*.md ------------------------------

# FILE:LINE TARGET for each link of a markdown file: inline "[text](target)" and
# reference "[label]: target", outside fenced code blocks.
links() {
    awk '/^[ \t]*```/ { fence = !fence; next }
        fence { next }
        {
            line = $0
            while (match(line, /\]\([^)]*\)/)) {
                t = substr(line, RSTART + 2, RLENGTH - 3)
                sub(/^[ \t<]+/, "", t); sub(/[ \t>].*$/, "", t)
                print FILENAME ":" FNR, t
                line = substr(line, RSTART + RLENGTH)
            }
            if (match($0, /^ {0,3}\[[^]]+\]:[ \t]*[^ \t]+/)) {
                t = $0; sub(/^ {0,3}\[[^]]+\]:[ \t]*/, "", t); sub(/[ \t].*$/, "", t)
                print FILENAME ":" FNR, t
            }
        }' "$@"
}
linked() {
    bad=0 n=0
    links README.md docs/*.md >"$T/links"
    while read -r at target; do
        file=${at%:*}
        case $target in
        '' | '#'* | *://* | mailto:*) continue ;;
        esac
        n=$((n + 1))
        path=${target%%#*}
        path=${path%%\?*}
        case $path in
        /*) where=.$path ;;
        *) where=$(dirname "$file")/$path ;;
        esac
        if [ ! -e "$where" ]; then
            echo "$at: link to $target: no such file ($where)"
            bad=$((bad + 1))
        fi
    done <"$T/links"
    [ "$n" -gt 0 ] || { echo "no relative link found (expected some)"; return 1; }
    [ "$bad" -eq 0 ]
}
check "every relative link of README.md and docs/*.md reaches a file" linked

[ "$fails" -eq 0 ]
