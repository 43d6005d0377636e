#!/bin/sh
# End-to-end: extends and timeline.csv (docs/model.md §3). The fixture
# tests/fixtures/e2e/timeline extends ../small, cuts the commission to 0.40
# at step 10, gives 20 bonus coins on app65 in steps 5-7, and has a row at
# step 25 (of 20) that never applies.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/timeline.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
D=tests/fixtures/e2e/timeline
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fails=0
WARN="warning: $D/timeline.csv:8: column step: step 25 is at or beyond the last step (steps = 20): this row never applies"

ok() { echo "ok - $1"; }
bad() {
    echo "not ok - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    echo "# exit status: $rc"
    sed -n '1,4s/^/# stdout: /p' "$T/out"
    sed -n '1,4s/^/# stderr: /p' "$T/err"
    fails=$((fails + 1))
}

"$COINSIM" validate "$D" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^timeline: valid — 14 packs, 32 gifts, 0 sinks, 4 segments, 4 timeline rows; 2000 viewers, 50 creators, 20 steps (after 0 of warm-up), 3 runs\$" "$T/out"; then
    ok "validate: a scenario extending ../small with 4 timeline rows is valid (3 runs from its own params)"
else
    bad "validate: a scenario extending ../small with 4 timeline rows is valid (3 runs from its own params)"
fi
if [ "$(cat "$T/err")" = "$WARN" ]; then
    ok "validate: warns, once, of the row that never applies"
else
    bad "validate: warns, once, of the row that never applies" "expected stderr: $WARN"
fi

"$COINSIM" run "$D" --headless --out "$T/o" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(sed -n 1p "$T/out")" = "timeline: 3 runs x 20 steps, 2000 viewers, 50 creators, seed 1" ]; then
    ok "run: exit 0; the name is the directory's, not the base's (name is not inherited)"
else
    bad "run: exit 0; the name is the directory's, not the base's (name is not inherited)"
fi

# Per step: diamonds_credited (6 decimals) is coins_gifted x 1 before step
# 10 and x 1.2 from step 10 on; bonus coins only in steps 5-7.
commission() {
    [ -f "$T/o/timeseries.csv" ] || { echo "no timeseries.csv"; return 1; }
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    {
        g = $(c["coins_gifted"]); d = $(c["diamonds_credited"]); sub(/\./, "", d)
        want = $2 < 10 ? g * 1000000 : g * 1200000
        if (d + 0 != want) { print "run " $1 " step " $2 ": " g " coins gifted, " $(c["diamonds_credited"]) " diamonds"; bad = 1 }
        n++
    }
    END { if (n != 60) { print n " rows, expected 60"; bad = 1 } exit bad }' "$T/o/timeseries.csv"
}
if why=$(commission); then
    ok "timeline: commission 0.50 before step 10, 0.40 from step 10, in every run"
else
    bad "timeline: commission 0.50 before step 10, 0.40 from step 10, in every run" "$why"
fi

bonus() {
    [ -f "$T/o/timeseries.csv" ] || { echo "no timeseries.csv"; return 1; }
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    {
        b = $(c["coins_bonus"])
        if (($2 < 5 || $2 > 7) && b != 0) { print "run " $1 " step " $2 ": " b " bonus coins outside the promotion"; bad = 1 }
        if ($2 >= 5 && $2 <= 7) { in_promo += b; if (b % 20) { print "run " $1 " step " $2 ": " b " bonus coins, not 20 a pack"; bad = 1 } }
    }
    END { if (in_promo == 0) { print "no bonus coins during the promotion"; bad = 1 } exit bad }' "$T/o/timeseries.csv"
}
if why=$(bonus); then
    ok "timeline: bonus coins (20 a pack) in steps 5-7 only"
else
    bad "timeline: bonus coins (20 a pack) in steps 5-7 only" "$why"
fi

# --set edits the scenario before the world is built; the timeline still
# applies on top of it.
"$COINSIM" run "$D" --headless --set commission=0.2 --out "$T/o2" >"$T/out" 2>"$T/err"
rc=$?
set_then_timeline() {
    [ -f "$T/o2/timeseries.csv" ] || { echo "no timeseries.csv"; return 1; }
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    {
        g = $(c["coins_gifted"]); d = $(c["diamonds_credited"]); sub(/\./, "", d)
        want = $2 < 10 ? g * 1600000 : g * 1200000
        if (d + 0 != want) { print "run " $1 " step " $2 ": " g " coins gifted, " $(c["diamonds_credited"]) " diamonds"; bad = 1 }
        n++
    }
    END { if (n != 60) { print n " rows, expected 60"; bad = 1 } exit bad }' "$T/o2/timeseries.csv"
}
if [ "$rc" -eq 0 ] && why=$(set_then_timeline); then
    ok "--set commission=0.2 holds until the timeline's step 10"
else
    bad "--set commission=0.2 holds until the timeline's step 10" "${why:-}"
fi

# A timeline may not change the shape of the world.
rm -rf "$T/shape"
mkdir "$T/shape"
printf 'key,value\nextends,%s\n' "$(pwd)/$D" >"$T/shape/params.csv"
printf 'step,target,value\n3,params.viewers,10\n4,segments.fan.share,0.05\n' >"$T/shape/timeline.csv"
"$COINSIM" validate "$T/shape" >"$T/out" 2>"$T/err"
rc=$?
cat >"$T/want" <<EOF
$T/shape/timeline.csv:2: column target: params.viewers cannot change once the world is built (the shape of a run is fixed; use --set)
$T/shape/timeline.csv:3: column target: segments.fan.share cannot change once the world is built (the shape of a run is fixed; use --set)
coinsim: 2 problems in $T/shape; nothing was run
EOF
if [ "$rc" -eq 2 ] && cmp -s "$T/err" "$T/want" && [ ! -s "$T/out" ]; then
    ok "a timeline changing viewers or a segment's share: exit 2, both rows listed"
else
    bad "a timeline changing viewers or a segment's share: exit 2, both rows listed"
fi

[ "$fails" -eq 0 ]
