#!/usr/bin/env bats
# gfd-flow: a run equals its steps taken one by one with gfd-step, schedules do what the
# log says, frames and logs are readable, failures are clean. Thread-count invariance.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 300 -s 1 8gaussians -o y.npy
    gfd-sample -n 200 -s 2 gaussian -d 2 -o x.npy
}

@test "gfd-flow -T 3 equals three gfd-step calls (same defaults, noise and seeds)" {
    gfd-flow -t y.npy -f kl -T 3 --noise 0.1 -s 7 x.npy -o flow.npy
    cp x.npy s0.npy
    for k in 0 1 2; do
        gfd-step -t y.npy -f kl --noise 0.1 -s 7 --step $k s$k.npy -o s$((k + 1)).npy
    done
    cmp flow.npy s3.npy
}

@test "gfd-flow gives the same bytes for -j 1 and -j 2" {
    gfd-flow -j 1 -t y.npy -f rkl:0.5,chi2:0.5 -T 20 --noise 0.05 x.npy -o a.npy
    gfd-flow -j 2 -t y.npy -f rkl:0.5,chi2:0.5 -T 20 --noise 0.05 x.npy -o b.npy
    cmp a.npy b.npy
}

@test "the log has a row every K steps with eta decaying geometrically" {
    gfd-flow -t y.npy -f kl -T 20 --every 5 -e 0.01 --eta-decay 0.9 --log log.csv x.npy > /dev/null
    run py flow_check.py log log.csv 20 5 0.01 0.9
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "--bandwidth-schedule anneals h geometrically from H0 to H1" {
    gfd-flow -t y.npy -f kl -T 11 --every 1 --bandwidth-schedule 0.8:0.2 --log log.csv x.npy > /dev/null
    run py flow_check.py anneal log.csv 0.8 0.2 11
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "--mix-schedule starts at its first weights: one step equals -f with them" {
    gfd-flow -t y.npy --mix-schedule kl:1:0,rkl:0:1 -T 1 x.npy -o mix.npy
    gfd-flow -t y.npy -f kl:1,rkl:0 -T 1 x.npy -o fixed.npy
    cmp mix.npy fixed.npy
    gfd-flow -t y.npy --mix-schedule kl:1:0,rkl:0:1 -T 2 --every 1 --log m.csv x.npy > /dev/null
    gfd-flow -t y.npy -f kl:1,rkl:0 -T 2 --every 1 --log f.csv x.npy > /dev/null
    ! cmp -s m.csv f.csv
}

@test "trajectory frames: .npy records numpy reads, CSV blocks gnuplot indexes" {
    gfd-flow -t y.npy -f kl -T 10 --every 5 --trajectory traj.npy x.npy > /dev/null
    run py flow_check.py frames traj.npy 3 200
    [ "$status" -eq 0 ]
    gfd-flow -t y.npy -f kl -T 10 --every 5 --trajectory traj.csv x.npy > /dev/null
    [ "$(grep -c '^$' traj.csv)" -eq 4 ]
    [ "$(grep -c '^[^#]' traj.csv)" -eq 600 ]
    [ "$(grep '^#' traj.csv | tr '\n' ' ')" = "# step 0 # step 5 # step 10 " ]
}

@test "metrics on the fly appear as log columns" {
    gfd-flow -t y.npy -f rkl:0.5,chi2:0.5 -T 10 --every 10 --log log.csv \
        --metrics mmd,coverage --dataset 8gaussians x.npy > /dev/null
    head -1 log.csv | grep -q '^step,time,mean_v,max_v,bandwidth,eta,mmd2,hq,modes,mode_kl$'
    [ "$(wc -l < log.csv)" -eq 3 ]   # the header, steps 0 and 10
}

@test "a flow that blows up stops with exit 1 naming the step, no output unless --keep-partial" {
    expect_fail 1 "step " gfd-flow -t y.npy -f chi2 -e 1e30 --max-move 0 -T 50 x.npy -o out.npy
    [ ! -e out.npy ]
    run --separate-stderr gfd-flow -t y.npy -f chi2 -e 1e30 --max-move 0 -T 50 --keep-partial x.npy -o out.npy
    [ "$status" -eq 1 ]
    run py flow_check.py finite out.npy
    [ "$status" -eq 0 ]
}

@test "no progress bar when stderr is not a terminal; one with a terminal" {
    run --separate-stderr gfd-flow -t y.npy -f kl -T 5 x.npy
    [ -z "$stderr" ]
    command -v script >/dev/null || skip "script(1) not installed"
    out=$(script -qec "gfd-flow -t y.npy -f kl -T 5 x.npy -o p.npy" /dev/null)
    [[ "$out" == *"5/5"*"steps/s"* ]]
}

@test "gfd-flow bad usage: exit 2, one line" {
    expect_fail 2 "give one of -f FIELD and --mix-schedule" gfd-flow -t y.npy x.npy
    expect_fail 2 "give one of -f FIELD and --mix-schedule" gfd-flow -t y.npy -f kl --mix-schedule kl:1:0 x.npy
    expect_fail 2 "is not H0:H1" gfd-flow -t y.npy -f kl --bandwidth-schedule 0.5 x.npy
    expect_fail 2 "is not NAME:W0:W1" gfd-flow -t y.npy --mix-schedule kl x.npy
    expect_fail 2 "unknown field" gfd-flow -t y.npy -f klx x.npy
    expect_fail 2 "-T" gfd-flow -t y.npy -f kl -T -3 x.npy
}
