#!/usr/bin/env bats
# Signals and early failures of long runs: gfd-flow stops at the end of a step on SIGTERM
# (or SIGINT, SIGHUP), keeps its log, removes its temporary files and leaves -o as it was;
# a second signal ends it at once, still without debris; bad outputs and options fail
# before the first step and create nothing. (Background jobs of a script ignore SIGINT,
# so the tests send SIGTERM, which takes the same path.)
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 3000 8gaussians --seed 1 -o y.npy
    gfd-sample -n 3000 gaussian -d 2 --seed 2 -o x.npy
}

# no_debris: no temporary NAME.XXXXXX file is left in the directory.
no_debris() {
    local left
    left=$(ls | grep -E '\.[A-Za-z0-9]{6}$' || true)
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# run_until_signalled SECONDS SIG... : gfd-flow in the background, the signals sent after a
# delay, its exit status in $status and its stderr in err.txt.
run_until_signalled() {
    local delay=$1
    shift
    gfd-flow "${FLOW[@]}" 2> err.txt &
    local pid=$!
    sleep "$delay"
    for sig in "$@"; do kill -"$sig" "$pid"; done
    status=0
    wait "$pid" || status=$?
}

@test "signals: SIGTERM stops gfd-flow after a step: exit 143, one line, the log kept, -o untouched" {
    echo before > out.npy
    FLOW=(-t y.npy -f kl -T 1000000 --every 1 --log l.csv --trajectory tr.npy -o out.npy x.npy)
    run_until_signalled 2 TERM
    [ "$status" -eq 143 ]
    [ "$(wc -l < err.txt)" -eq 1 ]
    grep -Eq '^gfd-flow: stopped by SIGTERM after step [0-9]+ of 1000000$' err.txt
    [ "$(cat out.npy)" = before ]
    [ ! -e tr.npy ]
    no_debris
    # the log holds every step up to the one reported, each row complete
    step=$(sed -E 's/.*after step ([0-9]+) .*/\1/' err.txt)
    [ "$(tail -1 l.csv | cut -d, -f1)" = "$step" ]
    [ "$(wc -l < l.csv)" -eq $((step + 2)) ]   # the header, steps 0 .. step
    awk -F, 'NR > 1 && NF != 6 { exit 1 }' l.csv
}

@test "signals: --keep-partial writes the last complete state to -o on SIGTERM" {
    FLOW=(-t y.npy -f kl -T 1000000 --keep-partial -o out.npy x.npy)
    run_until_signalled 2 TERM
    [ "$status" -eq 143 ]
    [ "$(gfd-kde -b 1 -F csv -t out.npy out.npy | wc -l)" -eq 3000 ]
    no_debris
}

@test "signals: a second signal ends a long step at once, leaving no temporary file" {
    gfd-sample -n 40000 8gaussians --seed 1 -o ybig.npy
    gfd-sample -n 40000 gaussian -d 2 --seed 2 -o xbig.npy
    FLOW=(-t ybig.npy -f drift -T 100 --every 1 --trajectory tr.npy -o out.npy xbig.npy)
    SECONDS=0
    run_until_signalled 1 TERM TERM
    [ "$status" -eq 143 ]
    [ "$SECONDS" -lt 20 ]
    [ ! -e out.npy ] && [ ! -e tr.npy ]
    no_debris
}

@test "fail early: a bad -o, --log or --trajectory fails before the first step and creates nothing" {
    SECONDS=0
    expect_fail 1 "nodir/out.npy" gfd-flow -t y.npy -f kl -T 1000000 --trajectory tr.npy -o nodir/out.npy x.npy
    expect_fail 1 "nodir/l.csv: cannot create: No such file or directory" \
        gfd-flow -t y.npy -f kl -T 1000000 --trajectory tr.npy --log nodir/l.csv -o out.npy x.npy
    expect_fail 1 "nodir/t.npy" gfd-flow -t y.npy -f kl -T 1000000 --log l.csv -o out.npy --trajectory nodir/t.npy x.npy
    [ "$SECONDS" -lt 20 ]
    [ ! -e out.npy ] && [ ! -e tr.npy ] && [ ! -e l.csv ]
    no_debris
}

@test "fail early: a bad --metrics or a missing --modes file leaves no log or trajectory" {
    expect_fail 2 "bogus" gfd-flow -t y.npy -f kl -T 5 --metrics bogus --log l.csv --trajectory tr.npy -o out.npy x.npy
    run gfd-flow -t y.npy -f kl -T 5 --metrics coverage --modes missing.csv --log l.csv --trajectory tr.npy -o out.npy x.npy
    [ "$status" -ne 0 ] && [[ "$output" == *missing.csv* ]]
    [ ! -e out.npy ] && [ ! -e tr.npy ] && [ ! -e l.csv ]
    no_debris
}
