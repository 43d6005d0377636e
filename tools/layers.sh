#!/bin/sh
# The layers of sim/ (docs/architecture.md), checked (make lint): a file
# may include the headers of its own layer and of the layers below it,
# never above, and nothing in sim/ includes a tui/ header. Every sim/ file
# must have a layer here; a new file gets one when it is added.
set -u
cd "$(dirname "$0")/.." || exit 2
layers='
0 status setup num diag csvread csvwrite afile idmap alias rng stats dist
1 schema tableread scenario change timeline check scenario_int ledger kpi mem
2 rules
3 snap brk
4 world replay evlog
5 run
6 pool pool_ranks pool_int
7 mc compare sweep paired fit
8 report report_paired manifest
'
# shellcheck disable=SC2086 # the file list is words
for f in sim/*.c sim/*.h; do
    echo "$f"
    grep -o '^#include "[a-z_./]*\.h"' "$f" | sed 's/#include "\(.*\)\.h"/\1/'
    echo ""
done | awk -v layers="$layers" '
BEGIN {
    n = split(layers, line, "\n")
    for (i = 1; i <= n; i++) {
        k = split(line[i], w, " ")
        for (j = 2; j <= k; j++) layer[w[j]] = w[1]
    }
}
/^sim\// { file = $0; base = file; sub(/^sim\//, "", base); sub(/\.[ch]$/, "", base)
    if (!(base in layer)) { print "layers: " file ": no layer (add it to tools/layers.sh and docs/architecture.md)"; bad = 1 }
    next }
/^$/ { next }
/\.\.\/tui\// { print "layers: " file " includes " $0 ".h: sim/ never includes tui/"; bad = 1; next }
{
    if ((base in layer) && ($0 in layer) && layer[$0] > layer[base]) {
        print "layers: " file " (layer " layer[base] ") includes " $0 ".h (layer " layer[$0] "): a call upwards"
        bad = 1
    }
}
END { exit bad }'
