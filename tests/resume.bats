#!/usr/bin/env bats
# Checkpoint and resume (gfd-flow --checkpoint, --resume, --step): a run killed at a random
# step (SIGKILL: no clean-up of any kind) and resumed from its last checkpoint ends with the
# bytes of a run never interrupted, for the stochastic fields and steps too.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    local n=1500
    [ -z "${ASAN_OPTIONS:-}" ] || n=400   # ASan is ~10x slower: the runs still last long enough
    gfd-sample -n "$n" 8gaussians --seed 1 -o y.npy
    gfd-sample -n "$n" gaussian -d 2 --seed 2 -o x.npy
}

# killed_and_resumed FIELD_ARGS...: full run, then a run SIGKILLed at a random moment and
# resumed; the two final outputs must be the same bytes.
killed_and_resumed() {
    gfd-flow -t y.npy "$@" -T 200 -s 7 -o full.npy x.npy 2> /dev/null
    rm -f ck.csv
    gfd-flow -t y.npy "$@" -T 200 -s 7 --every 1 --checkpoint ck.csv -o cut.npy x.npy 2> /dev/null &
    local pid=$! tries=0
    until [ -s ck.csv ] || [ $((tries += 1)) -gt 200 ]; do sleep 0.05; done
    sleep "0.$((RANDOM % 5))"
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" || true
    [ -s ck.csv ]
    step=$(head -1 ck.csv | sed -E 's/.* step=([0-9]+) .*/\1/')
    echo "# $*: killed after step $step" >&3
    gfd-flow -t y.npy "$@" -T 200 -s 7 --resume ck.csv -o resumed.npy 2> /dev/null
    cmp full.npy resumed.npy
}

@test "resume: sliced, killed at a random step, resumes to the same bytes" {
    killed_and_resumed -f sliced
}

@test "resume: kl with step noise and mini-batches, killed at a random step, resumes to the same bytes" {
    killed_and_resumed -f kl --noise 0.05 --batch 300
}

@test "resume: kl-smoothed and drift (decaying eta), killed at a random step, resume to the same bytes" {
    killed_and_resumed -f kl-smoothed
    killed_and_resumed -f drift
}

@test "resume: --step K continues a run: -T 5 then -T 5 --step 5 equals -T 10 (sliced)" {
    gfd-flow -t y.npy -f sliced -T 10 -s 3 -o full.npy x.npy
    gfd-flow -t y.npy -f sliced -T 5 -s 3 -o half.npy x.npy
    gfd-flow -t y.npy -f sliced -T 5 --step 5 -s 3 -o rest.npy half.npy
    cmp full.npy rest.npy
}

@test "resume: a checkpoint of another run, or a file that is not one, is refused" {
    gfd-flow -t y.npy -f kl -T 6 -s 3 --every 2 --checkpoint ck.csv -o a.npy x.npy
    head -1 ck.csv | grep -q '^# gfd-flow checkpoint step=6 steps=6 time=.* seed=3 field=kl$'
    expect_fail 2 "ck.csv is of a run with -T 6 -s 3 -f kl, not -T 6 -s 4 -f kl" \
        gfd-flow -t y.npy -f kl -s 4 --resume ck.csv
    expect_fail 2 "not -T 6 -s 3 -f sliced" gfd-flow -t y.npy -f sliced -s 3 --resume ck.csv
    expect_fail 2 "no input file" gfd-flow -t y.npy -f kl -s 3 --resume ck.csv x.npy
    gfd-sample -n 5 gaussian -o plain.csv
    expect_fail 1 "plain.csv:1: not a gfd-flow checkpoint header" gfd-flow -t y.npy -f kl --resume plain.csv
    expect_fail 1 "nodir/ck.csv" gfd-flow -t y.npy -f kl -T 1000000 --checkpoint nodir/ck.csv -o a.npy x.npy
}
