#!/usr/bin/env bats
# gfd-velocity with the displacement fields (MATH §3.4, §3.6, §3.7) against independent
# checkers: drift against a numpy transcription of drift_loss.py (tests/py/drift_ref.py),
# sinkhorn against maps of POT's ot.bregman.sinkhorn_log plans and sinkhorn-proxy against
# a numpy matrix transcription (tests/py/sinkhorn_ref.py), sliced in d = 1 against
# numpy.interp quantiles (tests/py/sliced_ref.py); and the same bytes for -j1 and -j2.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 70 -s 1 8gaussians > y.csv
    gfd-sample -n 50 -s 2 gaussian > x.csv
}

@test "fields-ot: drift equals the numpy transcription of drift_loss.py" {
    gfd-velocity -t y.csv -f drift --only-v x.csv > v.csv
    py drift_ref.py x.csv y.csv v.csv
    gfd-velocity -t y.csv -f drift --kernel gauss --floor 1e-4 --temps 0.1,0.3 --only-v x.csv > v.csv
    py drift_ref.py x.csv y.csv v.csv --kernel gauss --floor 1e-4 --temps 0.1,0.3
    awk '{ print 0.5 + (NR % 5) / 3 }' y.csv > wy.csv
    awk '{ print 1 + (NR % 3) }' x.csv > wx.csv
    gfd-velocity -t y.csv -f drift --no-mask --no-rms --weights wx.csv --target-weights wy.csv \
        --only-v x.csv > v.csv
    py drift_ref.py x.csv y.csv v.csv --no-mask --no-rms --weights wx.csv --target-weights wy.csv
    gfd-velocity -t y.csv -f drift --normalize sep --no-scale --temps 0.5 --only-v x.csv > v.csv
    py drift_ref.py x.csv y.csv v.csv --normalize sep --no-scale --temps 0.5
}

@test "fields-ot: drift's distance clamp sqrt(max(d^2, 1e-8)) matters, and gfd has it" {
    # targets that repeat particles exactly: D = 1e-4 (clamped) against 0
    head -20 x.csv > dup.csv
    cat y.csv >> dup.csv
    gfd-velocity -t dup.csv -f drift --only-v x.csv > v.csv
    py drift_ref.py x.csv dup.csv v.csv
    # the checker can see the clamp: without it the same V is off by more than --tol
    run py drift_ref.py x.csv dup.csv v.csv --no-clamp
    [ "$status" -eq 1 ] && [[ "$output" == "drift: relative error"* ]]
}

@test "fields-ot: drift --preset alg2 and toy equal Algorithm 2 as printed" {
    gfd-velocity -t y.csv -f drift --preset alg2 --only-v x.csv > v.csv
    py drift_ref.py x.csv y.csv v.csv --preset alg2
    gfd-velocity -t y.csv -f drift --preset toy --only-v x.csv > w.csv
    cmp v.csv w.csv
    # the same as the drift_loss.py transcription with every switch set
    py drift_ref.py x.csv y.csv v.csv --temps 0.05 --floor 0 --no-rms --no-scale --mask 1e6 --no-clamp
}

@test "fields-ot: sinkhorn's maps equal those of POT's converged sinkhorn_log plans" {
    # -j 1: hundreds of small passes; threads are checked below
    gfd-velocity -j 1 -t y.csv -f sinkhorn -b 0.7 --iters 100000 --tol 1e-13 --only-v x.csv > v.csv
    py sinkhorn_ref.py sinkhorn x.csv y.csv v.csv 0.49
    gfd-velocity -j 1 -t y.csv -f sinkhorn --eps 2 --iters 100000 --tol 1e-13 --only-v x.csv > v.csv
    py sinkhorn_ref.py sinkhorn x.csv y.csv v.csv 2
}

@test "fields-ot: sinkhorn-proxy equals the numpy matrix transcription" {
    gfd-velocity -t y.csv -f sinkhorn-proxy -b 0.6 --only-v x.csv > v.csv
    py sinkhorn_ref.py proxy x.csv y.csv v.csv 0.36
    gfd-velocity -t y.csv -f sinkhorn-proxy --eps 1.5 --no-cross-weight --only-v x.csv > v.csv
    py sinkhorn_ref.py proxy-nocross x.csv y.csv v.csv 1.5
}

@test "fields-ot: arXiv:2603.12366's one-sided, two-sided and Sinkhorn drifts, their eps = 2 gfd eps" {
    for e in 0.1 0.5; do
        h=$(awk -v e=$e 'BEGIN { print e / 2 }')
        gfd-velocity -t y.csv -f sinkhorn-proxy --coupling one-sided --exclude-self --eps $h \
            --only-v x.csv > v.csv
        py sinkhorn_drift_ref.py one-sided x.csv y.csv v.csv $e
        gfd-velocity -t y.csv -f sinkhorn-proxy --no-cross-weight --exclude-self --eps $h \
            --only-v x.csv > v.csv
        py sinkhorn_drift_ref.py two-sided x.csv y.csv v.csv $e
        gfd-velocity -t y.csv -f sinkhorn --rows-first --iters 20 --tol 0 --eps $h --only-v x.csv > v.csv
        py sinkhorn_drift_ref.py sinkhorn x.csv y.csv v.csv $e 20
    done
    # the checker sees the order of the updates: columns first is off
    gfd-velocity -t y.csv -f sinkhorn --iters 20 --tol 0 --eps 0.05 --only-v x.csv > v.csv
    run py sinkhorn_drift_ref.py sinkhorn x.csv y.csv v.csv 0.1 20
    [ "$status" -eq 1 ] && [[ "$output" == "sinkhorn: relative error"* ]]
}

@test "fields-ot: sliced in one dimension equals numpy's quantile interpolation" {
    gfd-sample -n 40 -s 3 -d 1 gaussian > x1.csv
    gfd-sample -n 57 -s 4 -d 1 uniform > y1.csv
    gfd-velocity -t y1.csv -f sliced --projections 5 --only-v x1.csv > v.csv
    py sliced_ref.py x1.csv y1.csv v.csv
    gfd-velocity -t x1.csv -f sliced --only-v y1.csv > v.csv
    py sliced_ref.py y1.csv x1.csv v.csv
}

@test "fields-ot: same bytes for -j1 and -j2" {
    gfd-sample -n 1500 -s 5 8gaussians > yb.csv
    gfd-sample -n 1200 -s 6 gaussian > xb.csv
    for f in drift sinkhorn sinkhorn-proxy sliced; do
        gfd-velocity -t yb.csv -f $f --iters 5 -s 3 -j 1 -F npy xb.csv > a.npy
        gfd-velocity -t yb.csv -f $f --iters 5 -s 3 -j 2 -F npy xb.csv > b.npy
        cmp a.npy b.npy
    done
}

@test "fields-ot: X == Y gives v = 0 for sinkhorn, sinkhorn-proxy, sliced, drift --no-mask" {
    for f in sinkhorn sinkhorn-proxy sliced "drift --no-mask"; do
        gfd-velocity -j 1 -t y.csv -f $f --only-v y.csv > v.csv
        [ "$(tr ',' '\n' < v.csv | sort -u)" = 0 ]
    done
}

@test "fields-ot: critic: the same bytes for -j1 and -j2, warm starts in a flow, clean errors" {
    gfd-velocity -j 1 -t y.csv -f critic:rkl:0.5,critic:chi2 --features 64 --only-v x.csv > a.csv
    gfd-velocity -j 2 -t y.csv -f critic:rkl:0.5,critic:chi2 --features 64 --only-v x.csv > b.csv
    cmp a.csv b.csv
    gfd-flow -j 1 -t y.csv -f critic -T 4 -s 3 x.csv -o f1.csv
    gfd-flow -j 2 -t y.csv -f critic -T 4 -s 3 x.csv -o f2.csv
    cmp f1.csv f2.csv
    run --separate-stderr gfd-flow -v -t y.csv -f critic -T 3 --every 1 --log log.csv x.csv -o f.csv
    [[ "$stderr" == *"critic: "*" Newton iterations (cold start), loss "* ]]
    expect_fail 2 "F is one of kl, rkl, chi2, alpha:A, js" gfd-velocity -t y.csv -f critic:tv x.csv
    expect_fail 2 "--l2: 0 is out of range" gfd-velocity -t y.csv -f critic --l2 0 x.csv
}
