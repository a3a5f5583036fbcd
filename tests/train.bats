#!/usr/bin/env bats
# One-step generators through the programs: gfd-train reduces W2 from a collapsed start,
# its bytes follow the seed and not -j, a resumed run is an uninterrupted one, the model
# file is what tests/py/gfdm.py (an independent numpy reader and forward pass) reads, and
# every damaged file is a one-line error. The passes themselves: tests/test_net.c.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 1000 -s 1 8gaussians > y.csv
}

small() { gfd-train -t y.csv --hidden 32,32 --zdim 8 --gen-batch 128 --data-batch 128 -q "$@"; }

@test "train: 200 steps from the collapsed start at least halve W2 to the data" {
    # arXiv:2603.12366's one-sided field from outputs N(0, 0.001^2): W2 (exact, 500 vs 500
    # held-apart rows) 2.87 before, 1.07 after when this test was written
    gfd-sample -n 500 -s 9 8gaussians > ref.csv
    small -f sinkhorn-proxy -T 1 --lr 1e-300 --out-std 0.001 --gen-batch 256 --data-batch 256 --hidden 64,64 -o m0.gfdm
    small -f sinkhorn-proxy -T 200 --out-std 0.001 --gen-batch 256 --data-batch 256 --hidden 64,64 -o m.gfdm
    gfd-generate -m m0.gfdm -n 500 -s 5 > g0.csv
    gfd-generate -m m.gfdm -n 500 -s 5 > g.csv
    w0=$(gfd-eval -r ref.csv --metrics w2 --csv g0.csv | tail -1 | cut -d, -f2)
    w=$(gfd-eval -r ref.csv --metrics w2 --csv g.csv | tail -1 | cut -d, -f2)
    echo "W2 $w0 -> $w"
    py_lt "$w" "$(echo "$w0 / 2" | bc -l)"
}

@test "train: same seed, same bytes for -j 1 and -j 2; another seed, other bytes" {
    small -f drift -T 5 -s 3 -j 1 -o a.gfdm
    small -f drift -T 5 -s 3 -j 2 -o b.gfdm
    cmp a.gfdm b.gfdm
    small -f drift -T 5 -s 4 -j 2 -o c.gfdm
    ! cmp -s a.gfdm c.gfdm
}

@test "train: a run resumed from its checkpoint ends in the bytes of an uninterrupted one" {
    # 8 steps with a checkpoint, resumed to 12: the model and the log of one 12-step run
    # (but the log's time column); -j differs on purpose
    small -f rkl:0.5,chi2:0.5 -T 12 --log full.csv -o full.gfdm
    small -f rkl:0.5,chi2:0.5 -T 8 --checkpoint ck.gfdm --every 3 --log r.csv -o eight.gfdm -j 1
    # a run killed after its checkpoint leaves log rows past it: they are dropped
    cp full.csv r.csv
    small -f rkl:0.5,chi2:0.5 -T 12 --checkpoint ck.gfdm --resume --log r.csv -o resumed.gfdm -j 2
    cmp full.gfdm resumed.gfdm
    cut -d, -f1,3- full.csv > a.txt
    cut -d, -f1,3- r.csv > b.txt
    cmp a.txt b.txt
    [ "$(wc -l < r.csv)" -eq 13 ]
}

@test "train: --resume refuses a checkpoint of other options, data or network" {
    small -f drift -T 3 --checkpoint ck.gfdm -o m.gfdm
    expect_fail 2 "other options or data" small -f drift -T 5 --lr 0.01 --checkpoint ck.gfdm --resume -o x.gfdm
    expect_fail 2 "other options or data" small -f kl -T 5 --checkpoint ck.gfdm --resume -o x.gfdm
    expect_fail 2 "other options or data" small -f drift -T 5 -s 1 --checkpoint ck.gfdm --resume -o x.gfdm
    expect_fail 2 "other options or data" small -f drift -T 5 --hidden 16 --checkpoint ck.gfdm --resume -o x.gfdm
    expect_fail 1 "not a checkpoint" small -f drift -T 5 --checkpoint m.gfdm --resume -o x.gfdm
    expect_fail 2 "--resume needs --checkpoint" small -f drift -T 5 --resume -o x.gfdm
    [ ! -e x.gfdm ]
}

@test "train: the model file is what an independent numpy reader and forward pass read" {
    # tests/py/gfdm.py parses the documented layout and runs the network in numpy: within
    # 1e-12 of gfd-generate --noise (same sums, other order)
    small -f drift -T 4 -o mlp.gfdm
    small -f sinkhorn-proxy -T 4 --net resmlp --width 8 --blocks 2 --res-scale 0.9 -o res.gfdm
    gfd-sample -n 50 -d 8 -s 2 gaussian > z.csv
    for m in mlp res; do
        gfd-generate -m $m.gfdm --noise z.csv > a.csv
        py gfdm.py $m.gfdm z.csv > b.csv
        "$GFD_PYTHON" -c "import numpy as np; a, b = (np.loadtxt(f, delimiter=',') for f in ('a.csv', 'b.csv')); e = abs(a - b).max(); print(e); assert e < 1e-12"
    done
}

@test "generate: -n rows from -s, the same bytes for any -j, --noise maps given rows" {
    small -f drift -T 2 -o m.gfdm
    gfd-generate -m m.gfdm -n 300 -s 7 -j 1 -o a.npy
    gfd-generate -m m.gfdm -n 300 -s 7 -j 2 -o b.npy
    cmp a.npy b.npy
    gfd-generate -m m.gfdm -n 300 -s 8 -o c.npy
    ! cmp -s a.npy c.npy
    [ "$(gfd-generate -m m.gfdm -n 17 | wc -l)" -eq 17 ]
    # the first rows of a larger draw are the smaller draw (row i is stream i of the seed),
    # to rounding: BLAS sums a row in an order that depends on the rows beside it
    gfd-generate -m m.gfdm -n 5 -s 7 > five.csv
    gfd-generate -m m.gfdm -n 9 -s 7 | head -5 > nine.csv
    "$GFD_PYTHON" -c "import numpy as np; a, b = (np.loadtxt(f, delimiter=',') for f in ('five.csv', 'nine.csv')); assert abs(a - b).max() < 1e-12"
    gfd-sample -n 4 -d 8 gaussian > z.csv
    [ "$(gfd-generate -m m.gfdm --noise z.csv | wc -l)" -eq 4 ]
    gfd-sample -n 4 -d 3 gaussian > z3.csv
    expect_fail 1 "z3.csv: 3 columns, the model's noise has 8" gfd-generate -m m.gfdm --noise z3.csv -o out.csv
    [ ! -e out.csv ]
}

@test "generate: every damaged model file is a one-line error naming it, no output" {
    small -f drift -T 2 -o m.gfdm
    for kind in magic version truncated flipped absurd trailing; do
        py gfdm.py damage $kind m.gfdm bad.gfdm
        run --separate-stderr gfd-generate -m bad.gfdm -n 5 -o out.csv
        echo "$kind: $stderr"
        [ "$status" -eq 1 ] && [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [[ "$stderr" == *"bad.gfdm: "* ]] && [ ! -e out.csv ]
    done
    expect_fail 1 "bad magic" gfd-generate -m y.csv -n 2
    : > empty.gfdm
    expect_fail 1 "bad magic" gfd-generate -m empty.gfdm -n 2
    expect_fail 1 "cannot open" gfd-generate -m missing.gfdm -n 2
    py gfdm.py damage version m.gfdm v.gfdm
    expect_fail 1 "version 7" gfd-generate -m v.gfdm
    py gfdm.py damage flipped m.gfdm f.gfdm
    expect_fail 1 "checksum mismatch" gfd-generate -m f.gfdm
    py gfdm.py damage absurd m.gfdm a.gfdm
    expect_fail 1 "absurd shape" gfd-generate -m a.gfdm
    py gfdm.py damage truncated m.gfdm t.gfdm
    expect_fail 1 "truncated" gfd-generate -m t.gfdm
}

@test "train: bad options are one-line usage errors and write no model" {
    expect_fail 2 "-o MODEL is required" gfd-train -t y.csv -f drift
    expect_fail 2 "-t Y and -f FIELD are required" gfd-train -f drift -o m.gfdm
    expect_fail 2 "--hidden" gfd-train -t y.csv -f drift --hidden 32,x -o m.gfdm
    expect_fail 2 "--net: unknown value" gfd-train -t y.csv -f drift --net cnn -o m.gfdm
    expect_fail 2 "--holdout 999" small -f drift --eval-every 5 --holdout 999 -o m.gfdm
    expect_fail 2 "-F and -z do not apply" gfd-train -t y.csv -f drift -z -o m.gfdm
    expect_fail 2 "--weights and --step do not apply" small -f drift --step 3 -o m.gfdm
    expect_fail 2 "--holdout 1: the metrics need at least 2" small -f drift --eval-every 2 --holdout 1 -o m.gfdm
    [ ! -e m.gfdm ]
}

@test "train: --batch splits the generated batch into the field's own groups" {
    small -f drift -T 3 -o a.gfdm
    small -f drift -T 3 --batch 32 --target-batch 32 -o b.gfdm
    ! cmp -s a.gfdm b.gfdm
    small -f drift -T 3 --batch 128 --target-batch 128 -o c.gfdm
    cmp a.gfdm c.gfdm
}

@test "train: --log has a row per step and held-out metrics every --eval-every steps" {
    small -f drift -T 6 --eval-every 3 --holdout 200 --dataset 8gaussians --log l.csv -o m.gfdm
    head -1 l.csv | grep -q '^step,time,loss,v_rms,lr,w2,sw2,mmd2,hq,modes,mode_kl$'
    [ "$(wc -l < l.csv)" -eq 7 ]
    [ "$(awk -F, 'NR > 1 && $6 != "nan"' l.csv | cut -d, -f1 | tr '\n' ' ')" = "3 6 " ]
}

@test "train: --sphere trains on the sphere: every sample is a unit row" {
    gfd-sphere sample vmf-mixture -n 300 -d 3 -s 1 > s.csv
    gfd-train --sphere -t s.csv -f kl -T 5 --hidden 16 --zdim 4 --gen-batch 64 --data-batch 64 -q -o m.gfdm
    gfd-generate -m m.gfdm -n 200 > x.csv
    "$GFD_PYTHON" -c "import numpy as np; x = np.loadtxt('x.csv', delimiter=','); e = abs(np.linalg.norm(x, axis=1) - 1).max(); print(e); assert x.shape == (200, 3) and e < 1e-15"
}
