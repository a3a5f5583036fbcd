#!/usr/bin/env bats
# --help and --list-* come from the library's tables: every field and metric the tables
# hold is listed by every program that takes it, with its sphere availability, and no other
# name is (the tables as printed by build/tests/tables, through the public API).
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    "$GFD_TESTBIN/tables" > tables.txt
}

# The entries of one --help section: lines "  NAME[:PARAM]  sphere|-  summary" after
# the section's header line, up to the next blank line, as "NAME sphere|flat".
section() {
    awk -v head="$1" 'index($0, head) == 1 { on = 1; next } on && /^$/ { exit }
        on && /^  [a-z0-9]/ { n = $1; sub(/:.*/, "", n); print n, ($2 == "sphere" ? "sphere" : "flat") }'
}

@test "help: the fields of --help and --list-fields are the table's, with their sphere mark" {
    awk '$1 == "field" { print $2, $3 }' tables.txt > want.txt
    [ "$(wc -l < want.txt)" -ge 11 ]
    for p in gfd-velocity gfd-step gfd-flow gfd-train; do
        "$p" --help | section "Fields" > got.txt
        diff want.txt got.txt || { echo "$p --help"; return 1; }
        "$p" --list-fields | awk '{ print $1, $2 }' > got.txt
        diff want.txt got.txt || { echo "$p --list-fields"; return 1; }
    done
    # the drift the issue named: sliced runs on the sphere, kl-smoothed does not
    grep -qx "sliced sphere" want.txt && grep -qx "kl-smoothed flat" want.txt
}

@test "help: the metrics of gfd-eval and gfd-flow are the table's, with their sphere mark" {
    awk '$1 == "metric" { print $2, $3 }' tables.txt > want.txt
    [ "$(grep -c sphere want.txt)" -eq 6 ]
    gfd-eval --help | section "Metrics" > got.txt
    diff want.txt got.txt
    gfd-flow --help | section "Metrics" > got.txt
    diff want.txt got.txt
    gfd-eval --list-metrics | awk '{ print $1, $2 }' > got.txt
    diff want.txt got.txt
}

@test "help: every field and metric option is a long option, listed once with its users" {
    for p in gfd-velocity gfd-step gfd-flow gfd-train; do
        for opt in ratio-clip exclude-self mc noise-inject temps floor kernel normalize no-mask \
                   no-rms no-scale eps iters tol anneal overrelax no-cross-weight projections; do
            [ "$("$p" --help | grep -c -- "^      --$opt\b")" -eq 1 ] || { echo "$p --$opt"; return 1; }
        done
    done
    gfd-velocity --help | grep -q -- "--eps E .*sinkhorn, sinkhorn-proxy:"
    for opt in mmd-bw eps projections k; do
        [ "$(gfd-eval --help | grep -c -- "^      --$opt\b")" -eq 1 ] || { echo "gfd-eval --$opt"; return 1; }
    done
    # the values are checked against the descriptors: bounds and words
    expect_fail 2 "--floor: 2 is out of range [0, 1]" gfd-velocity -t x -f drift --floor 2
    expect_fail 2 "--k: 0 is out of range [1, 1000]" gfd-eval -r x --k 0
}

@test "help: an option no term of the field takes is a warning naming it" {
    gfd-sample -n 50 -s 1 8gaussians > y.csv
    gfd-sample -n 40 -s 2 gaussian > x.csv
    run --separate-stderr gfd-velocity -t y.csv -f kl --floor 0 x.csv
    [ "$status" -eq 0 ]
    [ "$stderr" = "gfd-velocity: warning: --floor is not an option of kl (ignored)" ]
    run --separate-stderr gfd-velocity -q -t y.csv -f kl --floor 0 x.csv
    [ -z "$stderr" ]
    run --separate-stderr gfd-velocity -t y.csv -f kl,drift --floor 0 x.csv
    [ -z "$stderr" ]
}

@test "help: every program ends by checking standard output, --help and --list-* included" {
    # a FIFO read by head: a closed pipe ends a program quietly (SIGPIPE); a full device
    # (a node made here, never /dev/full itself) is a write error with exit 1
    mknod full c 1 7 || skip "mknod is not permitted here"
    for p in gfd-velocity gfd-eval gfd-kde gfd-sample gfd-sphere gfd-step gfd-flow gfd-train \
             gfd-generate; do
        run --separate-stderr bash -c "$p --help > full"
        [ "$status" -eq 1 ] || { echo "$p --help: exit $status"; return 1; }
        [[ "$stderr" == "$p: stdout: write error"* ]]
    done
    run --separate-stderr bash -c "gfd-velocity --list-fields > full"
    [ "$status" -eq 1 ]
    gfd-sample -n 20 8gaussians > y.csv
    run --separate-stderr bash -c "gfd-eval -r y.csv y.csv > full"
    [ "$status" -eq 1 ]
    [[ "$stderr" == "gfd-eval: stdout: write error"* ]]
}
