#!/bin/sh
# End-to-end: --set TARGET=VAL changes the scenario before it runs.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/set.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
ROOT=$(pwd)
case $COINSIM in /*) BIN=$COINSIM ;; *) BIN=$ROOT/$COINSIM ;; esac
S=$ROOT/tests/fixtures/e2e/small
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fails=0

ok() { echo "ok - $1"; }
bad() {
    echo "not ok - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    fails=$((fails + 1))
}

# go NAME ARGS...: run in $T/NAME with --out out (same stdout for any NAME).
go() {
    name=$1
    shift
    mkdir -p "$T/$name"
    (cd "$T/$name" && "$BIN" run "$S" --headless --runs 3 --seed 11 --threads 2 "$@" --out out \
        >stdout 2>stderr; echo $? >rc)
}
ran() {
    [ "$(cat "$T/$1/rc")" = 0 ] && [ -f "$T/$1/out/summary.csv" ] && [ -f "$T/$1/out/runs.csv" ]
}
# mean NAME METRIC: the mean of METRIC in NAME's summary.csv.
mean() { awk -F, -v m="$2" '$1 == m { print $2 }' "$T/$1/out/summary.csv"; }
# col NAME COLUMN: COLUMN of runs.csv, one line per run.
col() {
    awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { print $c }' \
        "$T/$1/out/runs.csv"
}
same() {
    why=
    for x in $2 $3; do ran "$x" || why="$why$x failed: $(head -n 2 "$T/$x/stderr"); "; done
    for f in summary.csv timeseries.csv runs.csv; do
        cmp -s "$T/$2/out/$f" "$T/$3/out/$f" || why="$why$f differs; "
    done
    cmp -s "$T/$2/stdout" "$T/$3/stdout" || why="${why}stdout differs; "
    if [ -z "$why" ]; then ok "$1"; else bad "$1" "$why"; fi
}

go dflt
go c4 --set commission=0.4
go pc4 --set params.commission=0.4
go twice --set commission=0.9 --set commission=0.4

if ran dflt && ran c4 && [ -n "$(mean dflt diamonds_credited)" ] &&
    [ "$(mean dflt diamonds_credited)" != "$(mean c4 diamonds_credited)" ]; then
    ok "--set commission=0.4 changes the diamonds_credited mean"
else
    bad "--set commission=0.4 changes the diamonds_credited mean" \
        "default $(mean dflt diamonds_credited 2>&1), commission 0.4 $(mean c4 diamonds_credited 2>&1)"
fi

# Exact: a coin worth $0.01 credits (1 - commission) x 0.01 / 0.005 diamonds,
# so 1 diamond per coin at 0.50 and 1.2 at 0.40 (docs/model.md §4.4, floors exact).
# credits K: diamonds_credited (6 decimals) = coins_gifted x K / 10 per run.
credits() {
    ran "$1" || { echo "$1 did not run"; return 1; }
    col "$1" coins_gifted >"$T/g"
    col "$1" diamonds_credited >"$T/d"
    [ -s "$T/g" ] || { echo "no coins_gifted"; return 1; }
    paste -d, "$T/g" "$T/d" | awk -F, -v k="$2" '
        { d = $2; sub(/\./, "", d)
          if (length(d) > 15 || d + 0 != $1 * k * 100000) { print "run " NR ": " $1 " coins gifted, " $2 " diamonds"; bad = 1 } }
        END { exit bad }'
}
if why=$(credits dflt 10); then ok "commission 0.50: diamonds_credited = coins_gifted in every run"
else bad "commission 0.50: diamonds_credited = coins_gifted in every run" "$why"; fi
if why=$(credits c4 12); then ok "--set commission=0.4: diamonds_credited = 1.2 x coins_gifted in every run"
else bad "--set commission=0.4: diamonds_credited = 1.2 x coins_gifted in every run" "$why"; fi

same "--set params.commission=0.4 is the same as --set commission=0.4" c4 pc4
same "--set applies in order: commission=0.9 then 0.4 is commission=0.4" c4 twice

# A pack field: bonus coins on the cheapest app pack appear in coins_bonus.
go bonus --set packs.app65.bonus_coins=10
if ran dflt && ran bonus && [ "$(mean dflt coins_bonus)" = 0.000000 ] &&
    awk -v x="$(mean bonus coins_bonus)" 'BEGIN { exit !(x > 0) }'; then
    ok "--set packs.app65.bonus_coins=10 gives bonus coins (none by default)"
else
    bad "--set packs.app65.bonus_coins=10 gives bonus coins (none by default)" \
        "coins_bonus mean: default $(mean dflt coins_bonus 2>&1), with --set $(mean bonus coins_bonus 2>&1)"
fi

# --set may change the shape of the world: steps.
go steps5 --set steps=5
if ran steps5 && [ "$(sed 1d "$T/steps5/out/timeseries.csv" | wc -l)" -eq 15 ] &&
    [ "$(sed 1d "$T/steps5/out/timeseries.csv" | cut -d, -f2 | sort -un | tr '\n' ' ')" = "0 1 2 3 4 " ]; then
    ok "--set steps=5: timeseries.csv has 3 runs x 5 steps"
else
    bad "--set steps=5: timeseries.csv has 3 runs x 5 steps"
fi

# A segment field: nobody active means nobody buys.
go idle --set segments.lurker.p_active=0 --set segments.casual.p_active=0 \
    --set segments.fan.p_active=0 --set segments.whale.p_active=0
if ran idle && [ "$(mean idle cash_in_usd)" = 0.000000 ] && [ "$(mean idle active_viewers)" = 0.000000 ] &&
    [ "$(mean dflt cash_in_usd)" != 0.000000 ]; then
    ok "--set segments.NAME.p_active=0 for every segment: no active viewer, no cash in"
else
    bad "--set segments.NAME.p_active=0 for every segment: no active viewer, no cash in" \
        "cash_in_usd mean $(mean idle cash_in_usd 2>&1), active_viewers $(mean idle active_viewers 2>&1)"
fi

[ "$fails" -eq 0 ]
