#!/bin/sh
# shellcheck disable=SC2016
# (predicates are passed in single quotes on purpose: waitfor evaluates them
# on every fresh screen)
# End-to-end: the dashboard as a person sees it. Each check drives coinsim in
# a tmux pane of a fixed size (send-keys) and reads the screen back
# (capture-pane). Nothing waits on a fixed sleep alone: every expectation is
# polled until it holds or a timeout passes, and a failure shows the last
# screen. The scenario is tests/fixtures/dash (the baseline with 5,000
# viewers, 100 creators, 120 steps, 6 runs); session V runs
# tests/fixtures/dash-flows (the same with free coins and a short warm-up)
# for model version 2's flows, and session R tests/fixtures/regions/two
# (two regions, us in USD and id in IDR) for the region shown.
# Run from the repository root with COINSIM set to the binary:
#   COINSIM=./coinsim sh tests/e2e/dashboard.sh
# Prints "ok - NAME" or "not ok - NAME" (then "# " detail lines) per check;
# exits 1 if any check failed.
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
case $COINSIM in
/*) ;;
*/*) COINSIM=$PWD/$COINSIM ;;
esac
D=tests/fixtures/dash
ROOT=$PWD
# A short path: the save prompt and the status line must show it whole at 80 columns.
T=$(mktemp -d /tmp/cdash.XXXXXX) || exit 1
SOCK=coinsim-test-$$
fails=0
WAIT=10                          # seconds an expectation may take to show

tm() { tmux -f /dev/null -L "$SOCK" "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ok() { echo "ok - $1"; }
# bad NAME [DETAIL...]: a failed check, its details and the last screen read.
bad() {
    echo "not ok - $1"
    shift
    for l in "$@"; do echo "# $l"; done
    if [ -s "$T/screen" ]; then
        echo "# last screen ($SCREEN_OF):"
        sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$T/screen" | sed 's/^/# |/'
    fi
    fails=$((fails + 1))
}

if ! command -v tmux >/dev/null 2>&1; then
    echo "not ok - tmux is installed (the dashboard screen tests need it)"
    exit 1
fi
if [ ! -x "$COINSIM" ]; then
    echo "not ok - $COINSIM is an executable"
    exit 1
fi

# A UTF-8 locale, so that the dashboard's Unicode reaches the screen.
LOC=$(locale -a 2>/dev/null | grep -i -m 1 -E '^C\.utf-?8$')
[ -n "$LOC" ] || LOC=$(locale -a 2>/dev/null | grep -i -m 1 -E 'utf-?8$')
[ -n "$LOC" ] || LOC=C.UTF-8
if tput -T xterm-256color cols >/dev/null 2>&1; then TERMV=xterm-256color; else TERMV=screen; fi
export LC_ALL="$LOC"

# --- the pane -------------------------------------------------------------

# pane.sh NAME CMD...: what each session runs. It records the terminal
# settings before and after, CMD's stderr and status, then behaves as a
# shell would afterwards: prints a line and echoes back one typed line.
cat >"$T/pane.sh" <<'EOF'
name=$1
shift
cd "$ROOT" || exit 1
unset NO_COLOR COLUMNS LINES
if [ -n "${PANE_NO_COLOR:-}" ]; then NO_COLOR=$PANE_NO_COLOR; export NO_COLOR; fi
# Like an interactive shell, outlive a Ctrl-C meant for the command (which
# starts with the default action: a caught signal is reset on exec).
trap : INT
stty -g >"$DIR/$name.stty0" 2>&1
echo $$ >"$DIR/$name.pid"
"$@" 2>"$DIR/$name.err"
rc=$?
stty -g >"$DIR/$name.stty1" 2>&1
echo "$rc" >"$DIR/$name.rc"
printf 'shell after coinsim: status %s\n' "$rc"
IFS= read -r line
printf 'you typed: %s\n' "$line"
exec sleep 600
EOF

q() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# The server first, with a session that watches this script: should the
# script be killed before its trap runs (SIGKILL, a killed process group),
# the watcher, which tmux runs in a session of its own, removes the
# temporary directory and ends the server and every pane in it.
tm new-session -d -s keep -x 80 -y 24 \
    "while kill -0 $$ 2>/dev/null; do sleep 1; done; rm -rf '$T'; tmux -L '$SOCK' kill-server" || {
    echo "not ok - a private tmux server starts"
    exit 1
}
# No status line: the pane is the whole window.
tm set-option -g status off >/dev/null

# start NAME W H [NO_COLOR] -- CMD...: a session of W x H running CMD.
start() {
    s_name=$1 s_w=$2 s_h=$3 s_nc=
    shift 3
    if [ "$1" != -- ]; then s_nc=$1; shift; fi
    shift
    s_cmd="env TERM=$TERMV LANG=$LOC LC_ALL=$LOC ROOT=$(q "$ROOT")DIR=$T PANE_NO_COLOR=$s_nc sh $T/pane.sh $s_name"
    for a in "$@"; do s_cmd="$s_cmd $(q "$a")"; done
    tm new-session -d -s "$s_name" -x "$s_w" -y "$s_h" "$s_cmd"
}

SCREEN_OF=
cap() {
    SCREEN_OF=$1
    tm capture-pane -p -t "$1" >"$T/screen" 2>&1
}
# keys S KEY...: tmux key names; lit S TEXT: literal text.
keys() { s_=$1; shift; tm send-keys -t "$s_" "$@"; }
lit() { tm send-keys -t "$1" -l -- "$2"; }

# Predicates on the last screen read.
has() { grep -q -F -e "$1" "$T/screen"; }
lacks() { ! grep -q -F -e "$1" "$T/screen"; }
has_re() { grep -q -E -e "$1" "$T/screen"; }
line_has() { sed -n "$1p" "$T/screen" | grep -q -F -e "$2"; }
title_step() { sed -n '1s/.*| step \([0-9][0-9]*\)\/.*/\1/p' "$T/screen"; }
step_is() { [ "$(title_step)" = "$1" ]; }
step_ge() { s_=$(title_step); [ -n "$s_" ] && [ "$s_" -ge "$1" ]; }
step_not() { s_=$(title_step); [ -n "$s_" ] && [ "$s_" != "$1" ]; }
all() { for p in "$@"; do eval "$p" || return 1; done; }

# waitfor S SECONDS PREDICATE [ARGS]: read the screen until PREDICATE holds;
# give up early a second after the command in S has exited (its screen will
# not change any more).
waitfor() {
    w_s=$1 w_end=$(($(date +%s) + $2))
    shift 2
    while :; do
        cap "$w_s"
        "$@" && return 0
        if [ -s "$T/$w_s.rc" ]; then
            w_gone=$(($(date +%s) + 1))
            [ "$w_gone" -lt "$w_end" ] && w_end=$w_gone
        fi
        [ "$(date +%s)" -gt "$w_end" ] && return 1
        sleep 0.1
    done
}
# settle S: read until two reads 0.2 s apart agree (a whole frame drawn).
settle() {
    st_end=$(($(date +%s) + WAIT))
    cap "$1"
    while :; do
        cp "$T/screen" "$T/screen.prev"
        sleep 0.2
        cap "$1"
        cmp -s "$T/screen" "$T/screen.prev" && return 0
        [ "$(date +%s)" -gt "$st_end" ] && return 1
    done
}
# waitfile FILE SECONDS
waitfile() {
    wf_end=$(($(date +%s) + $2))
    while [ ! -s "$1" ]; do
        [ "$(date +%s)" -gt "$wf_end" ] && return 1
        sleep 0.1
    done
}

# Money on the screen ("$87,880.08") as whole cents.
cents() { printf '%s\n' "$1" | tr -d '$,.'; }
# total LABEL: the "so far" column of the row starting with LABEL;
# this_step LABEL: the "this step" column.
total() { grep -F -e "$1" "$T/screen" | head -n 1 | awk '{ print $NF }'; }
this_step() { grep -F -e "$1" "$T/screen" | head -n 1 | awk '{ print $(NF - 1) }'; }

# The content that marks each view.
M1="cash in (viewers paid for coins)"
M2="VIEWERS PAY for coin packs"
M3="Lorenz curve  Gini"
M4="channel split: in-app"
M5="lurker "
mark() {
    case $1 in
    1) echo "$M1" ;; 2) echo "$M2" ;; 3) echo "$M3" ;; 4) echo "$M4" ;; *) echo "$M5" ;;
    esac
}
# view_is N: view N's marks are on the screen, the other views' are not.
view_is() {
    for v_ in 1 2 3 4 5; do
        if [ "$v_" = "$1" ]; then has "$(mark "$v_")" || return 1; else lacks "$(mark "$v_")" || return 1; fi
    done
    case $1 in
    3) has "creators by earnings so far" ;;
    4) has "app1321" && has "gift mix (most sent)" ;;
    5) has "whale" && has "segment   viewers payers" ;;
    *) : ;;
    esac
}
# views S LABEL: keys 1-5 each show their view; then Tab cycles and BTab goes back.
views() {
    v_fail=
    for n in 1 2 3 4 5; do
        keys "$1" "$n"
        waitfor "$1" "$WAIT" view_is "$n" || { v_fail="key $n did not show view $n"; return 1; }
    done
    keys "$1" 1
    waitfor "$1" "$WAIT" view_is 1 || { v_fail="key 1 did not show the Overview"; return 1; }
    for n in 2 3 4 5 1; do
        keys "$1" Tab
        waitfor "$1" "$WAIT" view_is "$n" || { v_fail="Tab did not go on to view $n"; return 1; }
    done
    keys "$1" BTab
    waitfor "$1" "$WAIT" view_is 5 || { v_fail="BTab did not go back from the Overview to the Viewers"; return 1; }
}

# ratio A B: A / B to 4 decimals, from screen money.
ratio() { awk -v a="$(cents "$1")" -v b="$(cents "$2")" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.4f\n", a / b }'; }
near() { awk -v x="$1" -v y="$2" 'BEGIN { d = x - y; if (d < 0) d = -d; exit !(x != "nan" && d <= 0.002) }'; }
# flow_rates: the commission kept and the credited worth, each over the gift
# value of this step, from the Flow view.
flow_rates() {
    f_gift=$(grep -F -e "worth at \$" "$T/screen" | head -n 1 | awk '{ print $(NF - 1) }')
    f_kept=$(this_step "commission kept (")
    f_cred=$(awk '$1 == "worth" { print $(NF - 1); exit }' "$T/screen")
    f_kr=$(ratio "$f_kept" "$f_gift")
    f_cr=$(ratio "$f_cred" "$f_gift")
}

# runs_row FILE RUN: cash_in, store_fees and payouts_net of one run in whole cents.
runs_row() {
    awk -F, -v run="$2" '
    function c(s) { sub(/\./, "", s); return sprintf("%d", int((s + 5000) / 10000)) }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == run { print c($(col["cash_in_usd"])), c($(col["store_fees_usd"])), c($(col["payouts_net_usd"])) }' "$1"
}
screen_totals() {
    echo "$(cents "$(total "$M1")") $(cents "$(total "store & processor fees")") $(cents "$(total "creator payouts (net)")")"
}

# after_exit NAME: the pane is the shell's again: its line is printed, the
# dashboard is gone, the terminal settings are those from before, and a
# typed line is echoed (echo and line editing are back).
after_exit() {
    a_why=
    if ! waitfor "$1" "$WAIT" has "shell after coinsim: status"; then
        a_why="the shell's line after coinsim did not appear"
    elif has "$M1" || has " | run "; then
        a_why="the dashboard is still on the screen after it exited"
    elif [ "$(tm display-message -p -t "$1" '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag}')" != "0 1 0" ]; then
        a_why="the pane is not back to normal: alternate screen, cursor shown, keypad cursor mode = $(tm display-message -p -t "$1" '#{alternate_on} #{cursor_flag} #{keypad_cursor_flag}') (expected 0 1 0)"
    elif ! cmp -s "$T/$1.stty0" "$T/$1.stty1"; then
        a_why="terminal settings differ: before $(cat "$T/$1.stty0"), after $(cat "$T/$1.stty1")"
    else
        lit "$1" "typed-after-exit"
        if ! waitfor "$1" "$WAIT" has "typed-after-exit"; then
            a_why="typed text is not echoed after exit"
        else
            keys "$1" Enter
            waitfor "$1" "$WAIT" has "you typed: typed-after-exit" || a_why="a typed line did not reach the shell"
        fi
    fi
    [ -z "$a_why" ]
}

# ============================================================ session A
# 80x24, the fixture: opening, running, pausing, stepping, speed, views,
# commission, pack form, help, save and replay, n/N, r, q.
start A 80 24 -- "$COINSIM" run "$D"
A_up=0
N="opens at 80x24 on the alternate screen: title with the scenario name and run 1/6, the five view tabs, the Overview, running at 10/s"
first_frame() {
    has_re '^ dash \| run 1/6 \| step [0-9]+/120 \| ▶ 10/s \| commission 50\.0% \|' &&
        line_has 2 "1 Overview   2 Flow   3 Creators   4 Pricing   5 Viewers" && view_is 1 &&
        line_has 24 "? help  q quit"
}
if waitfor A "$WAIT" first_frame; then
    size=$(tm display-message -p -t A '#{pane_width}x#{pane_height} alternate #{alternate_on}')
    if [ "$size" != "80x24 alternate 1" ]; then
        bad "$N" "the pane: $size (expected 80x24 alternate 1)"
    else
        ok "$N"
        A_up=1
    fi
else
    bad "$N" "no first frame within ${WAIT}s: title ' dash | run 1/6 | step N/120 | ▶ 10/s | commission 50.0% |'," \
        "row 2 the five tabs, the Overview's rows, row 24 the keys" "stderr: $(head -c 300 "$T/A.err" 2>/dev/null)"
fi

# skipped NAME: a check that cannot run because session A did not open.
skipped() {
    echo "not ok - $1"
    echo "# not run: the dashboard of this session did not open"
    fails=$((fails + 1))
    last_fails=$fails
}
# recover S: after a failed check, close whatever overlay it left open.
last_fails=0
recover() {
    [ $fails -eq $last_fails ] && return 0
    last_fails=$fails
    keys "$1" Escape
    sleep 0.3
}

N="running: the step counter moves"
if [ $A_up = 1 ]; then
    recover A
    cap A
    s0=$(title_step)
    if waitfor A "$WAIT" step_not "$s0"; then ok "$N"; else bad "$N" "step stayed at $s0 for ${WAIT}s"; fi
else skipped "$N"; fi

N="+/- change the speed in the title: 10/s, + 20/s, - - 5/s, + 10/s"
if [ $A_up = 1 ]; then
    recover A
    sp_why=
    keys A +
    if ! waitfor A "$WAIT" has "| ▶ 20/s |"; then sp_why="+ from 10/s did not show 20/s"
    else
        lit A -
        lit A -
        if ! waitfor A "$WAIT" has "| ▶ 5/s |"; then sp_why="- - from 20/s did not show 5/s"
        else
            keys A +
            waitfor A "$WAIT" has "| ▶ 10/s |" || sp_why="+ from 5/s did not show 10/s"
        fi
    fi
    if [ -z "$sp_why" ]; then ok "$N"; else bad "$N" "$sp_why"; fi
else skipped "$N"; fi

N="space pauses: the title says paused, and a second later the step and the figures are the same"
if [ $A_up = 1 ]; then
    recover A
    keys A Space
    if ! waitfor A "$WAIT" has "| ⏸ paused |"; then
        bad "$N" "no '⏸ paused' in the title"
    else
        settle A
        cp "$T/screen" "$T/paused1"
        sleep 1
        cap A
        p1=$(sed -n '1s/.*| step \([0-9]*\/[0-9]*\).*/\1/p; 3,13p' "$T/paused1")
        p2=$(sed -n '1s/.*| step \([0-9]*\/[0-9]*\).*/\1/p; 3,13p' "$T/screen")
        if [ "$p1" = "$p2" ] && [ -n "$p1" ]; then ok "$N"; else bad "$N" "step or figures changed while paused" "before: $(sed -n 1p "$T/paused1")"; fi
    fi
else skipped "$N"; fi

N="'.' while paused advances exactly one step"
if [ $A_up = 1 ]; then
    recover A
    cap A
    k=$(title_step)
    lit A .
    if ! waitfor A "$WAIT" step_not "$k"; then
        bad "$N" "step stayed at $k"
    else
        sleep 0.5
        cap A
        if step_is $((k + 1)) && has "| ⏸ paused |"; then ok "$N"; else bad "$N" "from step $k '.' went to step $(title_step) (or unpaused)"; fi
    fi
else skipped "$N"; fi

N="views at 80x24: 1-5 each show their own content; Tab cycles them, BTab goes back"
if [ $A_up = 1 ]; then
    recover A
    if views A; then ok "$N"; else bad "$N" "$v_fail"; fi
else skipped "$N"; fi

N="no regions.csv: g and G change nothing on the Pricing and Creators views (rows 2-23 the same, paused), the last row says there is one region, and the keys do not offer g"
if [ $A_up = 1 ]; then
    recover A
    g_why=
    cap A
    if ! line_has 24 "? help  q quit" || has "g region"; then g_why="the keys on row 24 offer g: $(sed -n 24p "$T/screen")"; fi
    for v in 4 3; do
        [ -n "$g_why" ] && break
        keys A "$v"
        waitfor A "$WAIT" view_is "$v"
        settle A
        sed -n 2,23p "$T/screen" >"$T/g-before"
        for k in g G; do
            lit A "$k"
            if ! waitfor A "$WAIT" line_has 24 "one region: there is no regions.csv, every price is in USD"; then
                g_why="view $v: $k did not say 'one region: there is no regions.csv, every price is in USD' on row 24"; break 2
            fi
            settle A
            if ! sed -n 2,23p "$T/screen" | cmp -s - "$T/g-before"; then
                g_why="view $v: $k changed the screen: $(sed -n 2,23p "$T/screen" | diff "$T/g-before" - | grep '^[<>]' | head -n 4 | tr '\n' '|')"; break 2
            fi
        done
    done
    if [ -z "$g_why" ]; then ok "$N"; else bad "$N" "$g_why"; fi
else skipped "$N"; fi

N="commission: ] ] shows 50.0%→52.0% pending; '.' applies it; t lists params.commission = 0.52 (live) at that step"
N2="commission: in the Flow view the commission kept is 50% of the gifts' worth before, 52% after, and creators are credited 48%"
if [ $A_up = 1 ]; then
    recover A
    keys A 2
    waitfor A "$WAIT" view_is 2
    settle A
    flow_rates
    before="gift $f_gift kept $f_kept ($f_kr) credited $f_cred ($f_cr)"
    before_ok=0
    near "$f_kr" 0.50 && near "$f_cr" 0.50 && before_ok=1
    kc=$(title_step)
    lit A ']'
    lit A ']'
    c_why=
    if ! waitfor A "$WAIT" has "| commission 50.0%→52.0% |"; then c_why="] ] did not show 'commission 50.0%→52.0%' in the title"
    elif ! step_is "$kc"; then c_why="the step moved while paused"
    else
        lit A .
        if ! waitfor A "$WAIT" all "step_is $((kc + 1))" 'has "| commission 52.0% |"' 'has "commission kept (52.0%)"'; then
            c_why="after '.' the title does not show step $((kc + 1)) and 'commission 52.0%'"
        else
            settle A
            flow_rates
            after="gift $f_gift kept $f_kept ($f_kr) credited $f_cred ($f_cr)"
            keys A t
            if ! waitfor A "$WAIT" has_re "step $kc +params\.commission = 0\.52   \(live\)"; then
                c_why="t does not list 'step $kc  params.commission = 0.52   (live)'"
            else
                keys A Escape
                waitfor A "$WAIT" lacks "timeline: changes by step" || c_why="Esc did not close the list of changes"
            fi
        fi
    fi
    if [ -z "$c_why" ]; then ok "$N"; else bad "$N" "$c_why"; fi
    if [ -z "$c_why" ] && [ $before_ok = 1 ] && near "$f_kr" 0.52 && near "$f_cr" 0.48; then
        ok "$N2"
    else
        bad "$N2" "step $kc: ${before:-?}" "step $((kc + 1)): ${after:-?}" "(expected kept/gift 0.50 then 0.52, credited/gift 0.50 then 0.48)"
    fi
else
    skipped "$N"
    skipped "$N2"
fi

N="pack form: p, Down to app330, type 3.99, Enter: the status names packs.app330.price_usd; Pricing shows \$3.99 after a step"
if [ $A_up = 1 ]; then
    recover A
    pk_why=
    app330() { awk '$1 == "app330" { print $4 }' "$T/screen"; }
    keys A 4
    waitfor A "$WAIT" view_is 4
    kp=$(title_step)
    keys A p
    if ! waitfor A "$WAIT" all 'has "edit a pack: Up/Down pack"' 'has "app65.price_usd = 0.99_"'; then pk_why="p did not open the pack form on app65.price_usd = 0.99"
    else
        keys A Down
        if ! waitfor A "$WAIT" has "app330.price_usd = 4.99_"; then pk_why="Down did not select app330 (price_usd 4.99)"
        else
            keys A BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
            lit A 3.99
            if ! waitfor A "$WAIT" has "app330.price_usd = 3.99_"; then pk_why="the field does not read 3.99 after typing"
            else
                keys A Enter
                if ! waitfor A "$WAIT" all 'has "packs.app330.price_usd = 3.99"' 'lacks "edit a pack"'; then
                    pk_why="after Enter the status line does not name packs.app330.price_usd = 3.99 (or the form stayed)"
                elif ! waitfor A "$WAIT" all 'has "$M4"' '[ "$(app330)" = "\$4.99" ]'; then
                    pk_why="before the next step the Pricing view should still show \$4.99 for app330"
                else
                    lit A .
                    waitfor A "$WAIT" all "step_is $((kp + 1))" '[ "$(app330)" = "\$3.99" ]' ||
                        pk_why="after '.' the Pricing view shows app330 at $(app330), not \$3.99"
                fi
            fi
        fi
    fi
    if [ -z "$pk_why" ]; then ok "$N"; else bad "$N" "$pk_why"; fi
else skipped "$N"; fi

N="help: ? shows 'help:' with the view's text and the keys; Esc closes it"
if [ $A_up = 1 ]; then
    recover A
    keys A 1
    waitfor A "$WAIT" view_is 1
    lit A '?'
    if ! waitfor A "$WAIT" all 'has "help: every number on this view"' 'has "Overview: the run shown"' 'has "keys: 1-5 or Tab views, space pause"'; then
        bad "$N" "? did not show the help with the Overview's text and the keys"
    else
        keys A Escape
        if waitfor A "$WAIT" all 'lacks "help: every number"' 'view_is 1'; then ok "$N"; else bad "$N" "Esc did not close the help"; fi
    fi
else skipped "$N"; fi

N="save: run to the end at max speed, s, type a path, Enter: 'saved PATH: replay with ...'"
N2="save and replay: runs.csv run 1 of the saved scenario matches the dashboard's cash in, store fees and creator payouts to the cent"
N3="save: the saved timeline.csv holds the live changes at the steps they were made"
saved=0
if [ $A_up = 1 ]; then
    recover A
    sv_why=
    keys A Space + + + + + + + + +
    if ! waitfor A 20 has "| done |"; then sv_why="the run did not reach 'done' at max speed"
    elif ! waitfor A "$WAIT" all "step_is 120" "view_is 1"; then sv_why="done, but not at step 120 on the Overview"
    else
        settle A
        cp "$T/screen" "$T/A-done"
        tm capture-pane -e -p -t A >"$T/A-escapes"
        dash1=$(screen_totals)
        keys A s
        if ! waitfor A "$WAIT" has "directory: $D-live_"; then sv_why="s did not open the prompt with the default directory $D-live"
        else
            n_=0
            set --
            while [ $n_ -lt $((${#D} + 10)) ]; do set -- "$@" BSpace; n_=$((n_ + 1)); done
            keys A "$@"
            lit A "$T/saved"
            if ! waitfor A "$WAIT" has "directory: $T/saved_"; then
                keys A Escape
                sv_why="the prompt does not read 'directory: $T/saved_' after the Backspaces and typing (cancelled)"
            else
                keys A Enter
                waitfor A "$WAIT" has "saved $T/saved: replay with" || sv_why="no 'saved $T/saved: replay with' in the status line"
            fi
        fi
    fi
    if [ -z "$sv_why" ]; then ok "$N"; saved=1; else bad "$N" "$sv_why"; fi
else skipped "$N"; fi

if [ $saved = 1 ]; then
    "$COINSIM" run "$T/saved" --headless --out "$T/o" >"$T/replay.out" 2>"$T/replay.err"
    rrc=$?
    head1=$(runs_row "$T/o/runs.csv" 1 2>/dev/null)
    if [ $rrc -eq 0 ] && [ -n "$head1" ] && [ "$head1" = "$dash1" ]; then
        ok "$N2"
    else
        bad "$N2" "replay exit $rrc; cents (cash in, store fees, payouts net): dashboard '$dash1', runs.csv '$head1'" \
            "$(head -n 3 "$T/replay.err")"
    fi
    if grep -q -x "$kc,params.commission,0.52" "$T/saved/timeline.csv" 2>/dev/null &&
        grep -q -x "$kp,packs.app330.price_usd,3.99" "$T/saved/timeline.csv" 2>/dev/null; then
        ok "$N3"
    else
        bad "$N3" "expected rows $kc,params.commission,0.52 and $kp,packs.app330.price_usd,3.99; timeline.csv:" \
            "$(cat "$T/saved/timeline.csv" 2>&1)"
    fi
else
    bad "$N2" "not run: nothing was saved"
    bad "$N3" "not run: nothing was saved"
fi

N="n/N switch the run shown, paused at the end: n run 2/6 at the same step with runs.csv run 2's totals, N back to 1/6, N again wraps to 6/6"
if [ $A_up = 1 ]; then
    recover A
    nn_why=
    keys A Space
    if ! waitfor A "$WAIT" has " | step 120/120 | ⏸ paused |"; then nn_why="space after done did not pause"
    elif keys A n && ! waitfor A "$WAIT" all 'has " | run 2/6 | step 120/120 |"' "view_is 1"; then nn_why="n did not show run 2/6 at step 120/120"
    else
        settle A
        dash2=$(screen_totals)
        row2=
        [ $saved = 1 ] && row2=$(runs_row "$T/o/runs.csv" 2)
        if [ $saved = 1 ] && [ "$dash2" != "$row2" ]; then
            nn_why="run 2's totals in cents: dashboard '$dash2', runs.csv '$row2'"
        elif [ "$dash2" = "$dash1" ]; then
            nn_why="run 2 shows the same totals as run 1 ($dash1)"
        else
            keys A N
            if ! waitfor A "$WAIT" has " | run 1/6 | step 120/120 |"; then nn_why="N did not go back to run 1/6"
            else
                keys A N
                waitfor A "$WAIT" has " | run 6/6 | step 120/120 |" || nn_why="N from run 1 did not wrap to run 6/6"
            fi
        fi
    fi
    if [ -z "$nn_why" ]; then ok "$N"; else bad "$N" "$nn_why"; fi
else skipped "$N"; fi

N="r restarts with a new seed: the status says seed 2, run 1/6 at step 0, still paused; '.' then steps to 1"
if [ $A_up = 1 ]; then
    recover A
    r_why=
    cap A
    has "| ⏸ paused |" || keys A Space
    if ! waitfor A "$WAIT" has "| ⏸ paused |"; then r_why="space did not pause"
    else
        keys A r
        if ! waitfor A "$WAIT" all 'has "restarted with seed 2 (live changes kept)"' 'has " | run 1/6 | step 0/120 | ⏸ paused |"'; then
            r_why="r did not show 'restarted with seed 2' and run 1/6 at step 0/120, paused"
        else
            sleep 0.5
            cap A
            if ! step_is 0; then r_why="after r, paused, the step moved to $(title_step)"
            else
                lit A .
                waitfor A "$WAIT" step_is 1 || r_why="'.' after r did not go to step 1"
            fi
        fi
    fi
    if [ -z "$r_why" ]; then ok "$N"; else bad "$N" "$r_why"; fi
else skipped "$N"; fi

N="q quits: exit 0, 'the run shown took N steps' on stderr, and the terminal is the shell's again"
if [ $A_up = 1 ]; then
    recover A
    lit A q
    if ! waitfile "$T/A.rc" "$WAIT"; then bad "$N" "coinsim did not exit within ${WAIT}s of q"
    elif [ "$(cat "$T/A.rc")" != 0 ]; then bad "$N" "exit status $(cat "$T/A.rc")" "stderr: $(cat "$T/A.err")"
    elif ! grep -q -E '^coinsim: the run shown took [0-9]+ steps in [0-9.]+ s of engine time$' "$T/A.err"; then
        bad "$N" "stderr lacks 'coinsim: the run shown took N steps in X s of engine time':" "$(cat "$T/A.err")"
    elif ! after_exit A; then bad "$N" "$a_why"
    else ok "$N"; fi
else skipped "$N"; fi

# ============================================================ session V
# 80x24, tests/fixtures/dash-flows: model version 2's flows (free coins
# from step 0, the baseline's sinks, missed sessions, a 5-step warm-up) as
# the Overview, Flow, Creators and Pricing views show them, read while
# paused.
DF=tests/fixtures/dash-flows
start V 80 24 -- "$COINSIM" run "$DF"
V_up=0
N="version 2 fixture: opens at 80x24 on the Overview, runs to step 10, and space pauses it"
if waitfor V "$WAIT" all 'has_re "^ dash-flows \\| run 1/2 \\| step [0-9]+/120 \\|"' 'step_ge 10' 'view_is 1'; then
    keys V Space
    if waitfor V "$WAIT" has "| ⏸ paused |"; then
        ok "$N"
        V_up=1
    else bad "$N" "space did not pause"; fi
else
    bad "$N" "no frame of dash-flows reaching step 10 within ${WAIT}s" "stderr: $(head -c 300 "$T/V.err" 2>/dev/null)"
fi
# skipped SESSION NAME: a check that cannot run because SESSION did not
# open (a failure, never a pass).
skipped() {
    echo "not ok - $2"
    echo "# not run: the dashboard of session $1 did not open"
    fails=$((fails + 1))
    last_fails=$fails
}
vskipped() { skipped V "$1"; }
USD_RE='-?\$[0-9,]+\.[0-9][0-9]'
is_usd() { printf '%s\n' "$1" | grep -q -E -x -e "$USD_RE"; }
is_count() { printf '%s\n' "$1" | grep -q -E -x -e '[0-9]{1,3}(,[0-9]{3})*'; }
nocomma() { printf '%s\n' "$1" | tr -d ,; }

N="Overview: creator earnings in dollars (this step, so far), the coin liability (the wallet coins at half a cent each), the diamond liability and the platform margin"
if [ $V_up = 1 ]; then
    recover V
    ov_why=
    keys V 1
    waitfor V "$WAIT" all 'view_is 1' 'has "platform margin (cash less liabilities)"'
    settle V
    e1=$(this_step "creator earnings (diamonds credited)")
    e2=$(total "creator earnings (diamonds credited)")
    cl=$(total "coin liability (")
    dl=$(total "diamond liability (")
    mg=$(total "platform margin (cash less liabilities)")
    wc=$(sed -n 's/^ coin liability (\([0-9,]*\) wallet coins) .*/\1/p' "$T/screen")
    for f in "$e1" "$e2" "$cl" "$dl" "$mg"; do
        is_usd "$f" || ov_why="'$f' is not a dollar figure (earnings '$e1' '$e2', coin liability '$cl', diamond liability '$dl', margin '$mg')"
    done
    if [ -n "$ov_why" ]; then :
    elif ! is_count "$wc"; then ov_why="no count of wallet coins in the coin liability's label"
    elif [ "$(cents "$e2")" -le 0 ] || [ "$(cents "$dl")" -le 0 ]; then ov_why="creator earnings so far $e2 or diamond liability $dl is not above 0"
    elif [ "$(cents "$cl")" -ne $(( ($(nocomma "$wc") + 1) / 2 )) ]; then
        ov_why="coin liability $cl is not $wc coins x \$0.01 x (1 - 50%)"
    fi
    if [ -z "$ov_why" ]; then ok "$N"; else bad "$N" "$ov_why"; fi
else vskipped "$N"; fi

N="Flow: coins granted free (this step a multiple of the 5 a session, so far above 0) and coins spent on sinks (multiples of 100, so far above 0)"
if [ $V_up = 1 ]; then
    recover V
    fl_why=
    keys V 2
    waitfor V "$WAIT" all 'view_is 2' 'has "granted free (nobody paid for them)"' 'has "SINKS (credit nobody; platform keeps)"'
    settle V
    g1=$(this_step "granted free (nobody paid") g2=$(total "granted free (nobody paid")
    s1=$(this_step "SINKS (credit nobody") s2=$(total "SINKS (credit nobody")
    if ! is_count "$g1" || ! is_count "$g2" || ! is_count "$s1" || ! is_count "$s2"; then
        fl_why="not counts: granted '$g1' '$g2', sinks '$s1' '$s2'"
    elif [ "$(nocomma "$g1")" -le 0 ] || [ $(($(nocomma "$g1") % 5)) -ne 0 ] || [ "$(nocomma "$g2")" -le "$(nocomma "$g1")" ]; then
        fl_why="granted this step $g1 (expected a positive multiple of 5), so far $g2 (expected more)"
    elif [ "$(nocomma "$s2")" -le 0 ] || [ $(($(nocomma "$s1") % 100)) -ne 0 ] || [ $(($(nocomma "$s2") % 100)) -ne 0 ]; then
        fl_why="coins on sinks this step $s1, so far $s2 (expected multiples of 100, so far above 0)"
    fi
    if [ -z "$fl_why" ]; then ok "$N"; else bad "$N" "$fl_why"; fi
else vskipped "$N"; fi

# live_of: "N P" from the Creators view's live line (creators live, chance).
live_of() { sed -n 's/.* live: \([0-9,]*\) of 100 (chance now \([0-9.]*%\)).*/\1 \2/p' "$T/screen"; }
N="Creators: live creators this step (0 to 100) at the chance 50.0% of the baseline's take; missed sessions this step and so far (above 0%, with p_switch 0.1)"
N2="Creators: ] ] (commission 52%) and '.' lower the chance of going live to 48.5% (0.5 x 0.96^0.75)"
if [ $V_up = 1 ]; then
    recover V
    cr_why=
    keys V 3
    waitfor V "$WAIT" all 'view_is 3' 'has "sessions missed: "'
    settle V
    lv=$(live_of)
    lv_n=${lv%% *} lv_p=${lv#* }
    m1=$(sed -n 's/.* sessions missed: \([0-9,]*\) this step.*/\1/p' "$T/screen")
    m2=$(sed -n 's/.* missed so far: \([0-9.]*\)% of sessions.*/\1/p' "$T/screen")
    if [ -z "$lv" ] || ! is_count "$lv_n"; then cr_why="no line 'live: N of 100 (chance now P%)'"
    elif [ "$(nocomma "$lv_n")" -gt 100 ] || [ "$lv_p" != "50.0%" ]; then cr_why="live $lv_n of 100 at chance $lv_p (expected at most 100, at 50.0%)"
    elif ! is_count "$m1" || [ -z "$m2" ]; then cr_why="no 'sessions missed: N this step' or 'missed so far: X% of sessions'"
    elif ! awk -v x="$m2" 'BEGIN { exit !(x > 0 && x < 100) }'; then cr_why="missed so far $m2% (expected between 0 and 100)"
    fi
    if [ -z "$cr_why" ]; then ok "$N"; else bad "$N" "$cr_why"; fi
    k=$(title_step)
    lit V ']'
    lit V ']'
    waitfor V "$WAIT" has "| commission 50.0%→52.0% |"
    lit V .
    if waitfor V "$WAIT" all "step_is $((k + 1))" 'has "| commission 52.0% |"' '[ "$(live_of | cut -d " " -f 2)" = 48.5% ]'; then
        ok "$N2"
    else bad "$N2" "after ] ] and '.' the live line reads '$(live_of)' at step $(title_step) (expected chance 48.5% at step $((k + 1)))"; fi
else
    vskipped "$N"
    vskipped "$N2"
fi

# web_share: "SO_FAR THIS_STEP" (percentages) from the Pricing view.
web_share() { sed -n 's/^ web share of cash in: so far \([0-9.]*\)%, this step \([0-9.]*\)% (.*/\1 \2/p' "$T/screen"; }
N="Pricing: the channel split and the web share of cash in (so far, this step); web17500 cut live from \$185 to \$1 (p, Up, 1, Enter) lowers the web share so far within 6 steps"
if [ $V_up = 1 ]; then
    recover V
    ws_why=
    keys V 4
    waitfor V "$WAIT" all 'view_is 4' 'has_re "^ channel split: in-app .* packs\)   web .* packs\)"'
    settle V
    w0=$(web_share)
    kw=$(title_step)
    if [ -z "$w0" ]; then ws_why="no line 'web share of cash in: so far X%, this step Y% (...)'"
    else
        keys V p
        if ! waitfor V "$WAIT" has "app65.price_usd = 0.99_"; then ws_why="p did not open the pack form"
        else
            keys V Up
            if ! waitfor V "$WAIT" has_re 'web17500\.price_usd = 185(\.0*)?_'; then ws_why="Up did not wrap round to web17500 at 185"
            else
                keys V BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
                lit V 1
                waitfor V "$WAIT" has "web17500.price_usd = 1_"
                keys V Enter
                if ! waitfor V "$WAIT" all 'has "packs.web17500.price_usd = 1"' 'lacks "edit a pack"'; then
                    ws_why="Enter did not apply packs.web17500.price_usd = 1"
                fi
            fi
        fi
    fi
    if [ -z "$ws_why" ]; then
        i=1
        while [ $i -le 6 ]; do
            lit V .
            if ! waitfor V "$WAIT" step_is $((kw + i)); then ws_why="'.' did not go to step $((kw + i))"; break; fi
            i=$((i + 1))
        done
    fi
    if [ -z "$ws_why" ]; then
        settle V
        w1=$(web_share)
        web17500=$(awk '$1 == "web17500" { print $4 }' "$T/screen")
        if [ "$web17500" != "\$1.00" ]; then ws_why="web17500's price reads '$web17500' (expected \$1.00)"
        elif ! awk -v a="${w0%% *}" -v b="${w1%% *}" 'BEGIN { exit !(b + 0 < a + 0) }'; then
            ws_why="web share (so far, this step) at step $kw: $w0; 6 steps after the cut: ${w1:-none} (expected lower so far)"
        fi
    fi
    if [ -z "$ws_why" ]; then ok "$N"; else bad "$N" "$ws_why"; fi
else vskipped "$N"; fi

N="version 2 fixture: q quits with exit 0 and the terminal is the shell's again"
if [ $V_up = 1 ]; then
    recover V
    lit V q
    if ! waitfile "$T/V.rc" "$WAIT"; then bad "$N" "coinsim did not exit within ${WAIT}s of q"
    elif [ "$(cat "$T/V.rc")" != 0 ]; then bad "$N" "exit status $(cat "$T/V.rc")" "stderr: $(cat "$T/V.err")"
    elif ! after_exit V; then bad "$N" "$a_why"
    else ok "$N"; fi
else vskipped "$N"; fi

# ============================================================ session R
# 80x24, tests/fixtures/regions/two (us in USD; id in IDR at 16,321.5 to
# the dollar with a 3% FX fee; 30 and 20 of the 50 creators), 400 steps:
# the region shown (g, G), its packs at local prices and in USD, the cash
# in per region, the payouts per region, and the pack form on an IDR pack.
RG=tests/fixtures/regions/two
start R 80 24 -- "$COINSIM" run "$RG" --set steps=400 --runs 2
R_up=0
N="regions: opens on two at 80x24, runs to step 30, space pauses it; the keys on the last row offer g region"
if waitfor R "$WAIT" all 'has_re "^ two \\| run 1/2 \\| step [0-9]+/400 \\|"' 'step_ge 30' 'line_has 24 "g region"'; then
    keys R Space
    if waitfor R "$WAIT" has "| ⏸ paused |"; then
        ok "$N"
        R_up=1
    else bad "$N" "space did not pause"; fi
else
    bad "$N" "no frame of two reaching step 30 with 'g region' on row 24 within ${WAIT}s" "stderr: $(head -c 300 "$T/R.err" 2>/dev/null)"
fi
rskipped() { skipped R "$1"; }
# row NAME: the screen's row whose first word is NAME, as words.
row() { awk -v n="$1" '$1 == n { $1 = $1; print; exit }' "$T/screen"; }
# amount TEXT: "$2,307.94", "13,000", "37.67M" or "$12.3k" as a plain number.
amount() { printf '%s\n' "$1" | tr -d '$,' | awk '{ m = 1; if (/k$/) m = 1e3; else if (/M$/) m = 1e6; else if (/B$/) m = 1e9; sub(/[kMB]$/, ""); printf "%.6f\n", $0 * m }'; }
# within X Y REL: |X - Y| <= REL x |Y|.
within() { awk -v x="$1" -v y="$2" -v r="$3" 'BEGIN { d = x - y; if (d < 0) d = -d; a = y < 0 ? -y : y; exit !(x != "" && y != "" && d <= r * a) }'; }
# cash_of REGION: "USD SHARE [LOCAL]" of REGION (as named on the screen,
# "us" or "[id]") in the cash in by region line(s).
cash_of() {
    sed -n '/^ cash in by region:/,/^ channel split:/p' "$T/screen" | grep -v '^ channel split:' | tr '\n' ' ' |
        awk -v n="$1" '{ for (i = 1; i <= NF; i++) if ($i == n) { l = ""; if ($(i + 3) == "=") l = $(i + 5); print $(i + 1), $(i + 2), l; exit } }'
}

N="regions: the Pricing view shows region us (1 of 2) in USD: app65 at \$0.99 and \$0.99 in USD, no id pack; the cash in by region marks [us] and the shares add up to 100%"
if [ $R_up = 1 ]; then
    recover R
    rp_why=
    keys R 4
    if ! waitfor R "$WAIT" all 'has "region us (1 of 2): USD, FX fee 0.0%"' 'has "cash in by region:"'; then
        rp_why="4 did not show 'region us (1 of 2): USD, FX fee 0.0%' and the cash in by region"
    else
        settle R
        a65=$(row app65)
        cu=$(cash_of "[us]") ci=$(cash_of id)
        if [ "$(echo "$a65" | cut -d ' ' -f 3-5)" != "65+0 \$0.99 \$0.99" ]; then rp_why="app65's row is '$a65' (expected 65+0 \$0.99 \$0.99 ...)"
        elif has_re '^ id_'; then rp_why="an id pack is on the us region's view: $(grep '^ id_' "$T/screen" | head -n 1)"
        elif [ -z "$cu" ] || [ -z "$ci" ]; then rp_why="no '[us] \$X P%' and 'id \$Y Q%' in the cash in by region"
        elif ! awk -v a="${cu#* }" -v b="${ci#* }" 'BEGIN { s = a + b; exit !(s >= 99.85 && s <= 100.15) }'; then
            rp_why="the shares do not add up to 100%: us '$cu', id '$ci'"
        fi
    fi
    if [ -z "$rp_why" ]; then ok "$N"; else bad "$N" "$rp_why"; fi
else rskipped "$N"; fi

N="regions: g shows region id (2 of 2) at \$1 = IDR 16,321.5 with its 3.0% FX fee: id_app65 at IDR 13,000 and \$0.80 in USD, no us pack; the cash in by region marks [id] and gives it in IDR too, at the rate to within 1%"
if [ $R_up = 1 ]; then
    recover R
    rg_why=
    keys R g
    if ! waitfor R "$WAIT" all 'has "region id (2 of 2): \$1 = IDR 16,321.5, FX fee 3.0%"' 'line_has 24 "region shown: id, in IDR (2 of 2)"'; then
        rg_why="g did not show 'region id (2 of 2): \$1 = IDR 16,321.5, FX fee 3.0%' (and say so on row 24)"
    else
        settle R
        i65=$(row id_app65)
        ci=$(cash_of "[id]")
        usd=$(amount "$(echo "$ci" | cut -d ' ' -f 1)") loc=$(echo "$ci" | cut -d ' ' -f 3)
        if [ "$(echo "$i65" | cut -d ' ' -f 2-6)" != "app 65+0 IDR 13,000 \$0.80" ]; then rg_why="id_app65's row is '$i65' (expected app 65+0 IDR 13,000 \$0.80 ...)"
        elif has_re '^ (app|web)[0-9]'; then rg_why="a us pack is on the id region's view: $(grep -E '^ (app|web)[0-9]' "$T/screen" | head -n 1)"
        elif ! has_re ' \[id\] \$[0-9.,k]+ [0-9.]+% = IDR [0-9.,kMB]+'; then rg_why="no '[id] \$X P% = IDR Y' in the cash in by region: $(grep -F 'cash in by region:' "$T/screen")"
        elif ! within "$(amount "$loc")" "$(awk -v u="$usd" 'BEGIN { printf "%.6f", u * 16321.5 }')" 0.01; then
            rg_why="id's cash in in IDR ($loc) is not its USD ($usd) times 16,321.5 to within 1%"
        fi
    fi
    if [ -z "$rg_why" ]; then ok "$N"; else bad "$N" "$rg_why"; fi
else rskipped "$N"; fi

N="regions: g again wraps round to region us (1 of 2), G goes back to id (2 of 2)"
if [ $R_up = 1 ]; then
    recover R
    cy_why=
    keys R g
    if ! waitfor R "$WAIT" all 'has "region us (1 of 2): USD"' '[ -n "$(row app65)" ]'; then cy_why="g from id did not wrap round to us"
    else
        keys R G
        waitfor R "$WAIT" all 'has "region id (2 of 2): \$1 = IDR 16,321.5"' '[ -n "$(row id_app65)" ]' || cy_why="G from us did not go back to id"
    fi
    if [ -z "$cy_why" ]; then ok "$N"; else bad "$N" "$cy_why"; fi
else rskipped "$N"; fi

N="regions: the Creators view shows payouts per region: us 30 creators, \$0.00 FX fees, in USD; [id] 20 creators, FX fees 3% of what was converted, and in IDR at 16,321.5 to the dollar (to within 1%), in all and per creator"
if [ $R_up = 1 ]; then
    recover R
    cr_why=
    keys R 3
    if ! waitfor R "$WAIT" all 'has "payouts   creators     net USD   FX fees"' 'has "Lorenz curve  Gini"'; then
        cr_why="3 did not show the Creators view with 'payouts   creators     net USD   FX fees'"
    else
        settle R
        ru=$(row us) ri=$(row "[id]")
        # what reached the banks in each currency: "CUR TOTAL paid, CUR EACH each" (USD: "$TOTAL paid, $EACH each")
        pu=$(grep -E '^   \$[0-9.,k]+ paid, \$[0-9.,k]+ each' "$T/screen" | head -n 1)
        pi=$(grep -E '^   IDR [0-9.,kMB]+ paid, IDR [0-9.,kMB]+ each' "$T/screen" | head -n 1)
        i_n=$(echo "$ri" | cut -d ' ' -f 2)
        i_net=$(amount "$(echo "$ri" | cut -d ' ' -f 3)") i_fx=$(amount "$(echo "$ri" | cut -d ' ' -f 4)")
        i_paid=$(echo "$pi" | awk '{ print $2 }') i_each=$(echo "$pi" | awk '{ print $5 }')
        if [ "$(echo "$ru" | cut -d ' ' -f 2)" != 30 ] || [ "$(echo "$ru" | cut -d ' ' -f 4)" != "\$0.00" ]; then cr_why="us's row is '$ru' (expected 30 creators and \$0.00 FX fees)"
        elif [ "$i_n" != 20 ]; then cr_why="[id]'s row is '$ri' (expected 20 creators)"
        elif [ -z "$pu" ] || [ -z "$pi" ]; then cr_why="no '\$X paid, \$Y each' line for us or 'IDR X paid, IDR Y each' line for id"
        elif ! awk -v n="$i_net" 'BEGIN { exit !(n > 0) }'; then cr_why="id's creators were paid nothing by step $(title_step): '$ri'"
        elif ! within "$i_fx" "$(awk -v n="$i_net" -v f="$i_fx" 'BEGIN { printf "%.6f", 0.03 * (n + f) }')" 0.02; then
            cr_why="id's FX fees $i_fx are not 3% of the \$$i_net net plus the fees: '$ri'"
        elif ! within "$(amount "$i_paid")" "$(awk -v n="$i_net" 'BEGIN { printf "%.6f", n * 16321.5 }')" 0.01; then
            cr_why="id's creators were paid IDR $i_paid, not \$$i_net x 16,321.5: '$pi'"
        elif ! within "$(amount "$i_each")" "$(awk -v p="$(amount "$i_paid")" 'BEGIN { printf "%.6f", p / 20 }')" 0.01; then
            cr_why="IDR $i_each a creator is not IDR $i_paid over 20: '$pi'"
        fi
    fi
    if [ -z "$cr_why" ]; then ok "$N"; else bad "$N" "$cr_why"; fi
else rskipped "$N"; fi

N="regions: the pack form on id (p) lists id's packs only and edits id_app65.price in IDR (13000, \$0.80 at 16,321.5); typing 10000 shows \$0.61; Enter names packs.id_app65.price = 10000, and after '.' Pricing shows IDR 10,000 and \$0.61"
N2="regions: t lists packs.id_app65.price = 10000 (live) at its step; saved, the scenario's timeline.csv holds it and runs headless"
if [ $R_up = 1 ]; then
    recover R
    pf_why=
    keys R 4
    waitfor R "$WAIT" all 'has "region id (2 of 2)"' '[ -n "$(row id_app65)" ]'
    kr=$(title_step)
    keys R p
    if ! waitfor R "$WAIT" all 'has "edit a pack: Up/Down pack"' 'has "id_app65.price = 13000_"' 'has "in IDR, \$0.80 at 16,321.5 to the dollar"'; then
        pf_why="p did not open the form on 'id_app65.price = 13000_' with 'in IDR, \$0.80 at 16,321.5 to the dollar'"
    elif ! has_re '│ id_web17500 +web' || has_re '│ (app|web)[0-9]'; then
        pf_why="the form does not list id's packs alone"
    else
        keys R BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
        lit R 10000
        if ! waitfor R "$WAIT" all 'has "id_app65.price = 10000_"' 'has "in IDR, \$0.61 at 16,321.5 to the dollar"'; then
            pf_why="after typing 10000 the form does not read 'id_app65.price = 10000_' and 'in IDR, \$0.61 ...'"
        else
            keys R Enter
            if ! waitfor R "$WAIT" all 'has "from step $kr: packs.id_app65.price = 10000"' 'lacks "edit a pack"'; then
                pf_why="Enter did not say 'from step $kr: packs.id_app65.price = 10000' (or the form stayed)"
            elif ! waitfor R "$WAIT" all '[ "$(row id_app65 | cut -d " " -f 4-6)" = "IDR 13,000 \$0.80" ]'; then
                pf_why="before the next step id_app65 should still read IDR 13,000 \$0.80: $(row id_app65)"
            else
                lit R .
                waitfor R "$WAIT" all "step_is $((kr + 1))" '[ "$(row id_app65 | cut -d " " -f 4-6)" = "IDR 10,000 \$0.61" ]' ||
                    pf_why="after '.' id_app65 reads '$(row id_app65)' at step $(title_step) (expected IDR 10,000 \$0.61 at step $((kr + 1)))"
            fi
        fi
    fi
    if [ -z "$pf_why" ]; then ok "$N"; else bad "$N" "$pf_why"; fi
    tl_why=
    if [ -n "$pf_why" ]; then tl_why="not run: the change was not made"
    else
        keys R t
        if ! waitfor R "$WAIT" has_re "step $kr +packs\.id_app65\.price = 10000   \(live\)"; then tl_why="t does not list 'step $kr  packs.id_app65.price = 10000   (live)'"
        else
            keys R Escape
            waitfor R "$WAIT" lacks "timeline: changes by step"
            keys R s
            if ! waitfor R "$WAIT" has "directory: $RG-live_"; then tl_why="s did not open the prompt on $RG-live"
            else
                n_=0
                set --
                while [ $n_ -lt $((${#RG} + 10)) ]; do set -- "$@" BSpace; n_=$((n_ + 1)); done
                keys R "$@"
                lit R "$T/rsaved"
                waitfor R "$WAIT" has "directory: $T/rsaved_"
                keys R Enter
                if ! waitfor R "$WAIT" has "saved $T/rsaved: replay with"; then tl_why="no 'saved $T/rsaved: replay with' on the last row"
                elif ! grep -q -x "$kr,packs.id_app65.price,10000" "$T/rsaved/timeline.csv" 2>/dev/null; then
                    tl_why="the saved timeline.csv lacks the row $kr,packs.id_app65.price,10000: $(cat "$T/rsaved/timeline.csv" 2>&1 | head -n 4 | tr '\n' '|')"
                elif ! "$COINSIM" run "$T/rsaved" --headless --runs 1 >"$T/rsaved.out" 2>"$T/rsaved.err"; then
                    tl_why="the saved scenario does not run headless: $(head -n 3 "$T/rsaved.err")"
                fi
            fi
        fi
    fi
    if [ -z "$tl_why" ]; then ok "$N2"; else bad "$N2" "$tl_why"; fi
else
    rskipped "$N"
    rskipped "$N2"
fi

N="regions: x on id makes the rupiah 5% weaker: regions.id.per_usd = 17137.575 at the next step, and after '.' the Pricing view shows \$1 = IDR 17,137.575; f raises id's FX fee by half a point to 3.5%; t lists both rows"
if [ $R_up = 1 ]; then
    recover R
    fx_why=
    keys R 4
    waitfor R "$WAIT" has "region id (2 of 2)" || fx_why="the Pricing view does not show region id"
    if [ -z "$fx_why" ]; then
        lit R x
        if ! waitfor R "$WAIT" has_re 'from step [0-9]+: regions\.id\.per_usd = 17137\.575'; then fx_why="x did not say 'from step N: regions.id.per_usd = 17137.575'"
        else
            lit R .
            waitfor R "$WAIT" has 'region id (2 of 2): $1 = IDR 17,137.575' || fx_why="after '.', no 'region id (2 of 2): \$1 = IDR 17,137.575'"
        fi
    fi
    if [ -z "$fx_why" ]; then
        lit R f
        if ! waitfor R "$WAIT" has_re 'from step [0-9]+: regions\.id\.fx_fee_rate = 0\.035'; then fx_why="f did not say 'regions.id.fx_fee_rate = 0.035'"
        else
            lit R .
            waitfor R "$WAIT" has 'IDR 17,137.575, FX fee 3.5%' || fx_why="after '.', the FX fee shown is not 3.5%"
        fi
    fi
    if [ -z "$fx_why" ]; then
        lit R t
        waitfor R "$WAIT" all 'has "regions.id.per_usd"' 'has "17137.575"' 'has "regions.id.fx_fee_rate"' ||
            fx_why="t does not list both regions.id rows"
        keys R Escape
    fi
    if [ -z "$fx_why" ]; then ok "$N"; else bad "$N" "$fx_why"; fi
else rskipped "$N"; fi

N="regions: ? on the Pricing view explains the region shown and the cash in by region, and its keys list g/G; Esc closes it"
if [ $R_up = 1 ]; then
    recover R
    keys R 4
    waitfor R "$WAIT" has "region id (2 of 2)"
    lit R '?'
    if ! waitfor R "$WAIT" all 'has "With regions: the packs of the region shown (g next, G previous)"' 'has "g/G the next/previous"'; then
        bad "$N" "? did not show the region lines of the Pricing help and the g/G key"
    else
        keys R Escape
        if waitfor R "$WAIT" all 'lacks "help: every number"' 'has "region id (2 of 2)"'; then ok "$N"; else bad "$N" "Esc did not close the help"; fi
    fi
else rskipped "$N"; fi

N="regions: q quits with exit 0 and the terminal is the shell's again"
if [ $R_up = 1 ]; then
    recover R
    lit R q
    if ! waitfile "$T/R.rc" "$WAIT"; then bad "$N" "coinsim did not exit within ${WAIT}s of q"
    elif [ "$(cat "$T/R.rc")" != 0 ]; then bad "$N" "exit status $(cat "$T/R.rc")" "stderr: $(cat "$T/R.err")"
    elif ! after_exit R; then bad "$N" "$a_why"
    else ok "$N"; fi
else rskipped "$N"; fi

# ============================================================ session B
# 80x24, a long run of 40,000 steps: max speed, resizing, SIGTERM while it runs.
start B 80 24 -- "$COINSIM" run "$D" --set steps=40000 --runs 1
B_up=0
N="max speed: + six times from 10/s shows 'max N/s' in the title while it runs"
if waitfor B "$WAIT" has_re '^ dash \| run 1/1 \| step [0-9]+/40000 \| ▶ 10/s \|'; then
    B_up=1
    keys B + + + + + +
    if waitfor B "$WAIT" has_re '\| ⏩ max [0-9]+/s \|'; then ok "$N"; else bad "$N" "no '⏩ max N/s' in the title"; fi
    keys B Space
    waitfor B "$WAIT" has "| ⏸ paused |"
else
    bad "$N" "session B did not open at 10/s" "stderr: $(head -c 300 "$T/B.err" 2>/dev/null)"
fi

N="resize 80x24 -> 160x48: the title is row 1, the tabs row 2, the long footer row 48, the charts span the width"
if [ $B_up = 1 ]; then
    recover B
    tm resize-window -t B -x 160 -y 48
    wide() {
        line_has 1 " dash | run 1/1 | step " && line_has 2 "1 Overview   2 Flow" &&
            line_has 48 "r reseed  n/N run  ? help  q quit" &&
            [ "$(grep -F "cash in/step" "$T/screen" | awk '{ print index($0, "platform cash") }')" -gt 100 ] &&
            sed -n 47p "$T/screen" | grep -q -E 'this run|band across runs'
    }
    if waitfor B "$WAIT" wide; then ok "$N"; else bad "$N" "the layout did not fill 160x48 (pane $(tm display-message -p -t B '#{pane_width}x#{pane_height}'))"; fi
else skipped "$N"; fi

N="views at 160x48: 1-5 each show their own content; Tab cycles them, BTab goes back"
if [ $B_up = 1 ]; then
    recover B
    if views B; then ok "$N"; else bad "$N" "$v_fail"; fi
else skipped "$N"; fi

N="resize to 70x20 shows 'terminal too small: 70x20'; back to 80x24 restores the view"
if [ $B_up = 1 ]; then
    recover B
    keys B 1
    tm resize-window -t B -x 70 -y 20
    if ! waitfor B "$WAIT" has "terminal too small: 70x20 (coinsim needs at least 80x24)"; then
        bad "$N" "no 'terminal too small: 70x20 (coinsim needs at least 80x24)'"
    else
        tm resize-window -t B -x 80 -y 24
        normal() {
            line_has 1 " dash | run 1/1 | step " && line_has 2 "1 Overview   2 Flow" && view_is 1 &&
                line_has 24 "? help  q quit" && ! line_has 24 "n/N run" && lacks "terminal too small"
        }
        if waitfor B "$WAIT" normal; then ok "$N"; else bad "$N" "80x24 again did not restore the title, tabs, Overview and short footer"; fi
    fi
else skipped "$N"; fi

N="SIGTERM while running at max speed: coinsim ends by the signal (status 143, as for every command) and the terminal is the shell's again"
if [ $B_up = 1 ]; then
    recover B
    keys B Space
    ppid_=$(cat "$T/B.pid")
    cpid=$(pgrep -P "$ppid_" 2>/dev/null || ps -eo pid=,ppid= | awk -v p="$ppid_" '$2 == p { print $1 }')
    if ! waitfor B "$WAIT" has_re '\| ⏩ max [0-9]+/s \|'; then bad "$N" "space did not set it running at max speed again"
    elif [ -z "$cpid" ]; then bad "$N" "no child process of the pane's shell $ppid_"
    else
        kill -TERM "$cpid"
        if ! waitfile "$T/B.rc" 30; then bad "$N" "coinsim did not exit within 30s of SIGTERM"
        elif [ "$(cat "$T/B.rc")" != 143 ]; then bad "$N" "exit status $(cat "$T/B.rc") (expected 143)" "stderr: $(cat "$T/B.err")"
        elif ! after_exit B; then bad "$N" "$a_why"
        else ok "$N"; fi
    fi
else skipped "$N"; fi

# ============================================================ session C
# the tour
start C 80 24 -- "$COINSIM" tour "$D"
N="tour: opens at 'tour 1/12: Welcome', paused at step 30; Enter goes to 'tour 2/', Backspace back to 'tour 1/'"
C_up=0
if waitfor C "$WAIT" all 'has "tour 1/12: Welcome"' 'has " | step 30/120 | ⏸ paused |"'; then
    C_up=1
    t_why=
    keys C Enter
    if ! waitfor C "$WAIT" all 'has "tour 2/12: Recharge"' 'lacks "tour 1/12"'; then t_why="Enter did not go to 'tour 2/12: Recharge'"
    else
        keys C BSpace
        waitfor C "$WAIT" all 'has "tour 1/12: Welcome"' 'lacks "tour 2/12"' || t_why="Backspace did not go back to 'tour 1/12'"
    fi
    if [ -z "$t_why" ]; then ok "$N"; else bad "$N" "$t_why"; fi
else
    bad "$N" "no 'tour 1/12: Welcome' at step 30/120, paused" "stderr: $(head -c 300 "$T/C.err" 2>/dev/null)"
fi

N="tour: stop 11 cuts the in-app prices and runs 30 more steps once (going back and on again does not repeat it)"
if [ $C_up = 1 ]; then
    keys C Enter Enter Enter Enter Enter Enter Enter Enter Enter Enter
    t_why=
    if ! waitfor C "$WAIT" all 'has "tour 11/12: A price change"' 'has " | step 60/120 | ⏸ paused |"'; then
        t_why="ten Enters did not reach 'tour 11/12: A price change' at step 60"
    else
        keys C BSpace
        waitfor C "$WAIT" has "tour 10/12"
        keys C Enter
        if ! waitfor C "$WAIT" all 'has "tour 11/12"' 'has " | step 60/120 |"'; then t_why="back and on again moved the step from 60"; fi
    fi
    if [ -z "$t_why" ]; then ok "$N"; else bad "$N" "$t_why"; fi
else skipped "$N"; fi

N="tour: Esc ends it ('tour over'), t lists the tour's price cut, q quits with exit 0"
if [ $C_up = 1 ]; then
    t_why=
    keys C Escape
    if ! waitfor C "$WAIT" all 'has "tour over"' 'lacks "tour 11/12"'; then t_why="Esc did not say 'tour over'"
    else
        keys C t
        if ! waitfor C "$WAIT" has_re 'step 30 +packs\.app65\.price_usd = 0\.79   \(live\)'; then t_why="t does not list 'step 30 packs.app65.price_usd = 0.79 (live)'"
        else
            keys C Escape
            waitfor C "$WAIT" lacks "timeline: changes by step"
            lit C q
            if ! waitfile "$T/C.rc" "$WAIT"; then t_why="q did not quit"
            elif [ "$(cat "$T/C.rc")" != 0 ]; then t_why="exit status $(cat "$T/C.rc"): $(cat "$T/C.err")"
            elif ! after_exit C; then t_why=$a_why
            fi
        fi
    fi
    if [ -z "$t_why" ]; then ok "$N"; else bad "$N" "$t_why"; fi
else skipped "$N"; fi

# ============================================================ session D
# NO_COLOR=1 and --ascii
start D 80 24 1 -- "$COINSIM" run "$D" --ascii
N="NO_COLOR=1 --ascii: starts, the Overview charts hold no braille (U+2800-U+28FF), the screen is plain ASCII, no colour"
BRAILLE=$(printf '\342[\240-\243]')
if waitfor D "$WAIT" all 'has_re "^ dash \\| run 1/6 \\| step [0-9]+/120 \\| > 10/s \\|.*band of 6"' 'step_ge 15'; then
    keys D Space
    waitfor D "$WAIT" has "| || paused |"
    settle D
    cp "$T/screen" "$T/D-overview"
    tm capture-pane -e -p -t D >"$T/D-escapes"
    COLOR_SGR='\[([0-9]+;)*(3[0-7]|4[0-7]|38|48)(;[0-9]+)*m'
    a_why=
    if LC_ALL=C grep -q "$BRAILLE" "$T/D-overview"; then a_why="braille characters on the --ascii Overview"
    elif LC_ALL=C grep -n '[^ -~]' "$T/D-overview" >"$T/nonascii"; then a_why="non-ASCII text with --ascii: $(head -n 2 "$T/nonascii")"
    elif ! grep -q -F '* this run   - mean of runs   : p5-p95 of runs' "$T/D-overview"; then a_why="no ASCII chart legend"
    elif LC_ALL=C grep -q -E "$COLOR_SGR" "$T/D-escapes"; then a_why="colour escapes with NO_COLOR=1: $(LC_ALL=C grep -o -E "$COLOR_SGR" "$T/D-escapes" | head -n 3 | tr '\n\033' ' ^')"
    elif ! LC_ALL=C grep -q "$BRAILLE" "$T/A-done" 2>/dev/null; then a_why="control failed: the Unicode Overview of session A (at its end) had no braille"
    elif ! LC_ALL=C grep -q -E "$COLOR_SGR" "$T/A-escapes" 2>/dev/null; then a_why="control failed: no colour escapes in session A's screen"
    fi
    if [ -z "$a_why" ]; then ok "$N"; else bad "$N" "$a_why"; fi
else
    bad "$N" "no ASCII title ' dash | run 1/6 | step N/120 | > 10/s |' reaching step 15 with its band" "stderr: $(head -c 300 "$T/D.err" 2>/dev/null)"
fi
N="Ctrl-C (SIGINT): coinsim ends by the signal (status 130) and the terminal is the shell's again"
if [ -s "$T/D-overview" ]; then
    keys D C-c
    if ! waitfile "$T/D.rc" 30; then bad "$N" "coinsim did not exit within 30s of Ctrl-C"
    elif [ "$(cat "$T/D.rc")" != 130 ]; then bad "$N" "exit status $(cat "$T/D.rc") (expected 130)" "stderr: $(cat "$T/D.err")"
    elif ! after_exit D; then bad "$N" "$a_why"
    else ok "$N"; fi
else skipped "$N"; fi

# ============================================================ session E
# not a terminal: stdout a pipe or a file (stdin is the pane's terminal),
# and the tour with stdin from /dev/null.
cat >"$T/e.sh" <<EOF
{ "\$1" run "\$2"; echo \$? >"$T/E.pipe.rc"; } | cat >"$T/E.pipe.out"
"\$1" run "\$2" >"$T/E.file.out"; echo \$? >"$T/E.file.rc"
"\$1" tour "\$2" </dev/null >"$T/E.tour.out" 2>"$T/E.tour.err"; echo \$? >"$T/E.tour.rc"
EOF
start E 80 24 -- sh "$T/e.sh" "$COINSIM" "$D"
waitfile "$T/E.rc" 30
cap E
FIRST='dash: 6 runs x 120 steps, 5000 viewers, 100 creators, seed 1'
ESC=$(printf '\033')
for how in pipe file; do
    case $how in
    pipe) N="coinsim run DIR | cat on a terminal's stdin prints the headless summary and exits 0" ;;
    file) N="coinsim run DIR > file on a terminal's stdin prints the headless summary and exits 0" ;;
    esac
    if [ ! -s "$T/E.$how.rc" ]; then bad "$N" "it did not finish within 30s (a dashboard waiting for keys?)"
    elif [ "$(cat "$T/E.$how.rc")" != 0 ]; then bad "$N" "exit status $(cat "$T/E.$how.rc")"
    elif [ "$(sed -n 1p "$T/E.$how.out")" != "$FIRST" ]; then bad "$N" "first line: $(sed -n 1p "$T/E.$how.out")" "expected: $FIRST"
    elif ! grep -q '^cash_in_usd ' "$T/E.$how.out"; then bad "$N" "no cash_in_usd row in the table"
    elif grep -q "$ESC" "$T/E.$how.out"; then bad "$N" "terminal escapes in the output"
    else ok "$N"; fi
done
N="coinsim tour DIR </dev/null exits 2 with 'needs a terminal'"
if [ -s "$T/E.tour.rc" ] && [ "$(cat "$T/E.tour.rc")" = 2 ] && grep -q -F 'coinsim tour: needs a terminal' "$T/E.tour.err" &&
    [ ! -s "$T/E.tour.out" ]; then
    ok "$N"
else
    bad "$N" "exit status $(cat "$T/E.tour.rc" 2>/dev/null)" "stderr: $(cat "$T/E.tour.err" 2>/dev/null)"
fi

# ============================================================ sessions F-K
# Terminal care without flags. F runs in the C locale, whose character set
# is not UTF-8: it must draw as --ascii does, which G (UTF-8, --ascii) shows
# at the same run and step, and say so once in the footer. H, I and U run
# under a TERM that cannot address the cursor (dumb, one terminfo does not
# know, none): the headless table after a one-line note on stderr. K is a
# replay under TERM=dumb, in a pane wide enough for replay's closing note
# (112 characters) not to wrap; J the tour, which has no table to fall back on.
NOTE_ASCII="drawing in ASCII (as --ascii): the locale's character set is not UTF-8"
start F 80 24 -- env LANG=C LC_ALL=C "$COINSIM" run "$D"
start G 80 24 -- "$COINSIM" run "$D" --ascii
start H 100 100 -- env TERM=dumb "$COINSIM" run "$D"
start I 100 100 -- env TERM=no-such-terminal "$COINSIM" run "$D"
start U 100 100 -- sh -c 'unset TERM; exec "$0" "$@"' "$COINSIM" run "$D"
start K 120 100 -- env TERM=dumb "$COINSIM" replay tests/fixtures/replay/tiny.csv --scenario tests/fixtures/replay/tiny
start J 100 24 -- env TERM=dumb "$COINSIM" tour "$D"

N="LANG=C: the first frame draws in ASCII ('> 10/s', no byte outside ASCII, no ~X garbage) and the last row says: $NOTE_ASCII"
F_up=0
f_first() {
    has_re '^ dash \| run 1/6 \| step [0-9]+/120 \| > 10/s \|' && line_has 2 "1 Overview   2 Flow" && view_is 1 &&
        line_has 24 "$NOTE_ASCII"
}
if waitfor F "$WAIT" f_first; then
    F_up=1
    if LC_ALL=C grep -n '[^ -~]' "$T/screen" >"$T/nonascii"; then bad "$N" "bytes outside ASCII: $(head -n 2 "$T/nonascii")"
    elif has "~"; then bad "$N" "'~' on the screen (ncurses' picture of a byte the locale cannot show)"
    else ok "$N"; fi
else
    bad "$N" "no first frame within ${WAIT}s with an ASCII title ' dash | run 1/6 | step N/120 | > 10/s |' and the note on row 24" \
        "stderr: $(head -c 300 "$T/F.err" 2>/dev/null)"
fi

N="LANG=C: the note stays until a key is pressed, then gives way to the keys on the last row and does not come back as the views change"
if [ $F_up = 1 ]; then
    n_why=
    # Still there 70 steps on, at 10 steps a second at least 7 s later
    # (longer than any note on a timer): only a key takes it away.
    step_of() { sed -n '1s/.* step \([0-9]*\)\/120 .*/\1/p' "$T/screen"; }
    s0=$(step_of)
    if ! waitfor F 60 all '[ "$(step_of)" -ge $((s0 + 70)) ]'; then
        n_why="the run did not move on 70 steps from step $s0"
    elif lacks "$NOTE_ASCII"; then
        n_why="the note went before any key was pressed: $(sed -n 24p "$T/screen")"
    elif keys F 2 && ! waitfor F 20 all 'line_has 24 "? help  q quit"' "lacks \"\$NOTE_ASCII\""; then
        n_why="the keys did not come back on row 24 after a key"
    else
        for n in 3 4 5 1; do
            keys F "$n"
            if ! waitfor F "$WAIT" view_is "$n"; then n_why="key $n did not show view $n"; break; fi
            if lacks "? help  q quit" || has "$NOTE_ASCII"; then n_why="on view $n row 24 is not the keys: $(sed -n 24p "$T/screen")"; break; fi
        done
    fi
    if [ -z "$n_why" ]; then ok "$N"; else bad "$N" "$n_why"; fi
else skipped "$N"; fi

N="LANG=C draws what --ascii draws: at the end of run 1 (max speed, band of 6) the screen is the same as with --ascii in UTF-8, ASCII charts and all"
if [ $F_up = 1 ]; then
    e_why=
    at_end() { has " | run 1/6 | step 120/120 | done | commission 50.0% | band of 6" && view_is 1 && line_has 24 "? help  q quit"; }
    keys F + + + + + +
    keys G + + + + + +
    if ! waitfor G 20 at_end; then e_why="--ascii in UTF-8 (session G) did not reach 'done' with its band of 6"
    elif ! settle G; then e_why="session G's screen did not settle"
    elif cp "$T/screen" "$T/G-end" && ! waitfor F 20 at_end; then e_why="LANG=C (session F) did not reach 'done' with its band of 6"
    elif ! settle F; then e_why="session F's screen did not settle"
    elif ! cmp -s "$T/screen" "$T/G-end"; then
        e_why="the screens differ (< LANG=C, > --ascii): $(diff "$T/screen" "$T/G-end" | grep '^[<>]' | head -n 6 | tr '\n' '|')"
    elif ! has "* this run   - mean of runs   : p5-p95 of runs"; then e_why="no ASCII chart legend at the end"
    elif ! grep -v -F "this run" "$T/screen" | grep -q -F '***'; then e_why="no '***' of the run shown in the charts"
    fi
    if [ -z "$e_why" ]; then ok "$N"; else bad "$N" "$e_why"; fi
else skipped "$N"; fi

N="LANG=C: q quits with exit 0 and the terminal is the shell's again"
if [ $F_up = 1 ]; then
    lit F q
    lit G q
    if ! waitfile "$T/F.rc" "$WAIT"; then bad "$N" "coinsim did not exit within ${WAIT}s of q"
    elif [ "$(cat "$T/F.rc")" != 0 ]; then bad "$N" "exit status $(cat "$T/F.rc")" "stderr: $(cat "$T/F.err")"
    elif ! after_exit F; then bad "$N" "$a_why"
    else ok "$N"; fi
else skipped "$N"; fi

# The table as --headless prints it, as a pane shows it (no trailing blanks).
"$COINSIM" run "$D" --headless 2>/dev/null | sed 's/ *$//' >"$T/run.table"
"$COINSIM" replay tests/fixtures/replay/tiny.csv --scenario tests/fixtures/replay/tiny --headless 2>/dev/null |
    sed 's/ *$//' >"$T/replay.table"
# table S TABLE WHY: S exited 0, its stderr is the one line WHY then the
# note, its pane is TABLE then the shell's line, and the terminal is as it was.
TAIL="; printing the summary table instead of the dashboard (use --headless to skip this note)"
table() {
    tb_n=$(wc -l <"$2")
    tb_why=
    waitfile "$T/$1.rc" 30
    cap "$1"
    if [ ! -s "$T/$1.rc" ]; then tb_why="coinsim did not exit within 30s (a dashboard waiting for keys?)"
    elif [ "$(cat "$T/$1.rc")" != 0 ]; then tb_why="exit status $(cat "$T/$1.rc"), stderr: $(head -c 300 "$T/$1.err")"
    elif [ "$(cat "$T/$1.err")" != "coinsim: $3$TAIL" ]; then tb_why="stderr is not the one line 'coinsim: $3$TAIL': $(head -c 300 "$T/$1.err")"
    elif ! waitfor "$1" "$WAIT" has "shell after coinsim: status 0"; then tb_why="the shell's line did not appear"
    elif [ "$tb_n" -lt 10 ]; then tb_why="the --headless table to compare with has $tb_n lines"
    elif ! sed -n "1,${tb_n}p" "$T/screen" | cmp -s - "$2"; then
        tb_why="the pane is not the --headless table: $(sed -n "1,${tb_n}p" "$T/screen" | diff - "$2" | grep '^[<>]' | head -n 4 | tr '\n' '|')"
    elif ! line_has $((tb_n + 1)) "shell after coinsim: status 0"; then tb_why="more than the table on the pane: row $((tb_n + 1)) is $(sed -n "$((tb_n + 1))p" "$T/screen")"
    elif ! after_exit "$1"; then tb_why=$a_why
    fi
    [ -z "$tb_why" ]
}
N="TERM=dumb: coinsim run prints the --headless table, after a one-line note on stderr, and exits 0"
if table H "$T/run.table" "TERM=dumb cannot address the cursor"; then ok "$N"; else bad "$N" "$tb_why"; fi
N="TERM=no-such-terminal: coinsim run prints the --headless table, after a one-line note on stderr, and exits 0"
if table I "$T/run.table" "terminfo does not know TERM=no-such-terminal"; then ok "$N"; else bad "$N" "$tb_why"; fi
N="TERM unset: coinsim run prints the --headless table, after a one-line note on stderr, and exits 0"
if table U "$T/run.table" "TERM is not set"; then ok "$N"; else bad "$N" "$tb_why"; fi
N="TERM=dumb: coinsim replay prints its --headless table, after a one-line note on stderr, and exits 0"
if table K "$T/replay.table" "TERM=dumb cannot address the cursor"; then ok "$N"; else bad "$N" "$tb_why"; fi

N="TERM=dumb: coinsim tour says it needs a terminal whose cursor it can move and exits 2, the terminal untouched"
TOUR_DUMB="coinsim tour: TERM=dumb cannot address the cursor (the tour needs a terminal whose cursor it can move: set TERM to the terminal's type, e.g. TERM=xterm-256color)"
waitfile "$T/J.rc" 30
cap J
if [ ! -s "$T/J.rc" ]; then bad "$N" "coinsim tour did not exit within 30s"
elif [ "$(cat "$T/J.rc")" != 2 ]; then bad "$N" "exit status $(cat "$T/J.rc")" "stderr: $(head -c 300 "$T/J.err")"
elif [ "$(cat "$T/J.err")" != "$TOUR_DUMB" ]; then bad "$N" "stderr is not the one line '$TOUR_DUMB'" "stderr: $(head -c 300 "$T/J.err")"
elif ! waitfor J "$WAIT" line_has 1 "shell after coinsim: status 2"; then bad "$N" "the pane's first row is not the shell's line (output on stdout?)"
elif ! after_exit J; then bad "$N" "$a_why"
else ok "$N"; fi

[ $fails -eq 0 ]
