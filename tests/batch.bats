#!/usr/bin/env bats
# Mini-batch fields (MATH §3.10) through the programs: batches at least as large as the
# clouds are the full field byte for byte, the draws follow -s and the step (so a flow is
# its steps, and no thread count changes it), drift's flow defaults and its floor report.
# The split itself is checked in tests/test_field_batch.c.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 120 -s 1 8gaussians > y.csv
    gfd-sample -n 90 -s 2 gaussian > x.csv
}

@test "batch: B >= N and B' >= M give the full field, bit for bit" {
    for f in kl drift sinkhorn sliced rkl:0.5,chi2:0.5 mmd; do
        gfd-velocity -t y.csv -f $f --only-v x.csv > full.csv
        gfd-velocity -t y.csv -f $f --batch 90 --target-batch 120 --only-v x.csv > b.csv
        cmp full.csv b.csv
        gfd-velocity -t y.csv -f $f --batch 1000 --target-batch 5000 --only-v x.csv > b.csv
        cmp full.csv b.csv
    done
}

@test "batch: smaller batches change the field, the draws follow -s and --step" {
    gfd-velocity -t y.csv -f kl --only-v x.csv > full.csv
    gfd-velocity -t y.csv -f kl --batch 16 -s 3 --only-v x.csv > a.csv
    gfd-velocity -t y.csv -f kl --batch 16 -s 3 --only-v x.csv > b.csv
    cmp a.csv b.csv
    ! cmp -s a.csv full.csv
    gfd-velocity -t y.csv -f kl --batch 16 -s 4 --only-v x.csv > c.csv
    ! cmp -s a.csv c.csv
    gfd-velocity -t y.csv -f kl --batch 16 -s 3 --step 1 --only-v x.csv > c.csv
    ! cmp -s a.csv c.csv
    # targets alone: all particles in one group, 30 targets drawn
    gfd-velocity -t y.csv -f kl --batch 90 --target-batch 30 -s 3 --only-v x.csv > c.csv
    ! cmp -s c.csv full.csv
}

@test "batch: a flow of mini-batch steps is its gfd-step calls, for -j 1 and -j 2" {
    gfd-flow -j 1 -t y.csv -f drift --batch 16 --target-batch 24 -T 3 -s 7 --eta-decay 0.5 x.csv -o flow1.csv
    gfd-flow -j 2 -t y.csv -f drift --batch 16 --target-batch 24 -T 3 -s 7 --eta-decay 0.5 x.csv -o flow2.csv
    cmp flow1.csv flow2.csv
    cp x.csv s0.csv
    for k in 0 1 2; do
        eta=$(awk -v k=$k 'BEGIN { print 0.5 * 0.5 ^ k }')
        gfd-step -t y.csv -f drift --batch 16 --target-batch 24 -s 7 --step $k -e $eta \
            s$k.csv -o s$((k + 1)).csv
    done
    cmp flow1.csv s3.csv
}

@test "batch: drift in gfd-flow defaults to groups of 64 and a step decaying to 1%" {
    run --separate-stderr gfd-flow -v -t y.csv -f drift -T 11 x.csv -o o.csv
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"groups of 64 particles, 64 targets each"* ]]
    [[ "$stderr" == *"eta decay 0.630957 per step"* ]]
    run --separate-stderr gfd-flow -v -t y.csv -f drift --batch 0 --eta-decay 1 -T 11 x.csv -o o.csv
    [[ "$stderr" != *"groups of"* && "$stderr" != *"eta decay"* ]]
    # Algorithm 2 as printed takes the whole clouds and has no RMS: no decay either
    run --separate-stderr gfd-flow -v -t y.csv -f drift --preset alg2 -T 11 x.csv -o o.csv
    [[ "$stderr" != *"groups of"* && "$stderr" != *"eta decay"* ]]
    run --separate-stderr gfd-flow -v -t y.csv -f drift --preset toy -T 11 x.csv -o o.csv
    [[ "$stderr" != *"groups of"* && "$stderr" != *"eta decay"* ]]  # 2048 + 2048 > N, M
    # the other fields take the whole clouds
    run --separate-stderr gfd-flow -v -t y.csv -f kl -T 11 x.csv -o o.csv
    [[ "$stderr" != *"groups of"* ]]
}

@test "batch: drift warns when its floor sets most of the affinity mass" {
    gfd-sample -n 1500 -s 1 8gaussians > y2.csv
    gfd-sample -n 1500 -s 2 gaussian > x2.csv
    run --separate-stderr gfd-velocity -v -t y2.csv -f drift --only-v x2.csv -o v.csv
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"warning: drift: the floor sets most of the affinity mass"* ]]
    share=$(sed -n 's/.*the floor 1e-06 set \([0-9.]*\)%.*/\1/p' <<< "$stderr")
    py_lt 50 "$share"
    # the warning comes without -v too; mini-batches of 64 + 64 have a small share
    run --separate-stderr gfd-velocity -t y2.csv -f drift --only-v x2.csv -o v.csv
    [[ "$stderr" == *"warning: drift: the floor"* ]]
    run --separate-stderr gfd-velocity -v -t y2.csv -f drift --batch 64 --only-v x2.csv -o v.csv
    [[ "$stderr" != *"warning"* ]]
    share=$(sed -n 's/.*the floor 1e-06 set \([0-9.]*\)%.*/\1/p' <<< "$stderr")
    py_lt "$share" 25
    run --separate-stderr gfd-velocity -v -t y2.csv -f drift --floor 0 --only-v x2.csv -o v.csv
    [[ "$stderr" != *"floor"* ]]
}

@test "batch: bad sizes are usage errors" {
    expect_fail 2 "--batch: -1 is out of range" gfd-velocity -t y.csv -f kl --batch -1 x.csv
    expect_fail 2 "--target-batch" gfd-velocity -t y.csv -f kl --target-batch x x.csv
    expect_fail 2 "--batch" gfd-flow -t y.csv -f kl --batch 2.5 -T 2 x.csv
}

@test "batch: gfd-flow's drift defaults reach every mode at N = M = 3000 from a standard Gaussian" {
    gfd-sample -n 3000 -s 1 8gaussians > y3.csv
    gfd-sample -n 3000 -s 2 gaussian > x3.csv
    gfd-flow -t y3.csv -f drift -T 100 x3.csv -o o3.csv
    run gfd-eval --csv -m coverage --dataset 8gaussians -r y3.csv o3.csv
    IFS=, read -r _ hq modes _ <<< "${lines[1]}"
    echo "hq $hq, modes $modes"
    [ "$modes" -eq 8 ]
    py_lt 0.9 "$hq"
    # over the whole clouds the floor sets most of the affinity mass
    gfd-velocity -t y3.csv -f drift --only-v x3.csv -o full.csv 2> err.txt
    grep -q "warning: drift: the floor sets most" err.txt
}
