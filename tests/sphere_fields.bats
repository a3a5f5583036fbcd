#!/usr/bin/env bats
# --sphere in gfd-velocity, gfd-step and gfd-flow (MATH §4): every supported field against
# a direct numpy computation (tests/py/sphere_field_ref.py, 1e-9 relative), drift and the
# sinkhorn fields as the tangent parts of the Euclidean ones (1e-12), the exp-map step and its cap (1e-12), norms
# after 1000 flow steps (1e-12), the bandwidth rule, thread independence, and the errors.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    py sphere_field_ref.py gen modes 90 3 1 > y.csv
    py sphere_field_ref.py gen uniform 70 3 2 > x.csv
}

@test "sphere: kl, rkl, chi2, js, alpha and mmd equal numpy's vMF computation" {
    checks=()
    for f in kl rkl chi2 js alpha:0.5 alpha:2 mmd; do
        gfd-velocity --sphere -t y.csv -f $f -b 0.45 x.csv > v$f.csv
        checks+=("$f=v$f.csv")
    done
    py sphere_field_ref.py fields 0.45 y.csv "${checks[@]}"
    py sphere_field_ref.py gen modes 40 5 3 > y5.csv
    py sphere_field_ref.py gen modes 30 5 4 > x5.csv
    gfd-velocity --sphere -t y5.csv -f chi2 -b 0.3 -F npy x5.csv > v5.npy
    gfd-velocity --sphere -t y5.csv -f mmd -b 0.3 x5.csv > m5.csv
    py sphere_field_ref.py fields 0.3 y5.csv chi2=v5.npy mmd=m5.csv
}

@test "sphere: weights files and --exclude-self agree with numpy" {
    awk '{ print 0.5 + (NR % 7) / 4 }' y.csv > wy.csv
    awk '{ print 1 + (NR % 3) }' x.csv > wx.csv
    for f in kl chi2 mmd; do
        gfd-velocity --sphere -t y.csv -f $f -b 0.5 --target-weights wy.csv --weights wx.csv x.csv > w$f.csv
        gfd-velocity --sphere -t y.csv -f $f -b 0.5 --exclude-self x.csv > e$f.csv
    done
    py sphere_field_ref.py fields 0.5 y.csv kl=wkl.csv chi2=wchi2.csv mmd=wmmd.csv --target-weights wy.csv --weights wx.csv
    py sphere_field_ref.py fields 0.5 y.csv kl=ekl.csv chi2=echi2.csv mmd=emmd.csv --exclude-self
}

@test "sphere: drift on cosine distances equals drift_loss.py's transcription; §3.2 holds there" {
    # 1e-9 relative (measured ~1e-14), both modes, weights, and the floor off
    gfd-velocity --sphere -t y.csv -f drift --only-v x.csv > v.csv
    py drift_ref.py --sphere x.csv y.csv v.csv
    gfd-velocity --sphere -t y.csv -f drift --normalize sep --temps 0.05,0.3 --only-v x.csv > v.csv
    py drift_ref.py --sphere --normalize sep --temps 0.05,0.3 x.csv y.csv v.csv
    awk '{ print 1 + NR % 3 }' x.csv > wx.csv
    gfd-velocity --sphere -t y.csv -f drift --floor 0 --weights wx.csv --only-v x.csv > v.csv
    py drift_ref.py --sphere --floor 0 --weights wx.csv x.csv y.csv v.csv
    # MATH §3.2 on the sphere: softmax(x.y / T) is the vMF kernel of kappa = 1/T, so the
    # separately normalised, unmasked, unscaled drift at temperature T = h^2 is h^2 kl
    gfd-velocity --sphere -t y.csv -f drift --normalize sep --no-mask --no-rms --no-scale \
        --temps 0.09 --only-v x.csv > d.csv
    gfd-velocity --sphere -t y.csv -f kl -b 0.3 --only-v x.csv > k.csv
    run "$GFD_PYTHON" -c "import numpy as np; d = np.loadtxt('d.csv', delimiter=','); k = np.loadtxt('k.csv', delimiter=',');
print(np.abs(d - 0.09 * k).max() / np.abs(d).max())"
    echo "drift - h^2 kl: $output"; py_lt "$output" 1e-12
    expect_fail 2 "kernel gauss is not available" gfd-velocity --sphere -t y.csv -f drift --kernel gauss x.csv
}

@test "sphere: sinkhorn fields are the tangent parts of their Euclidean fields on unit rows" {
    # the Euclidean fields are checked by their own references, then projected in numpy
    gfd-velocity -t y.csv -f sinkhorn --eps 0.3 --iters 500 --only-v x.csv > sk_v.csv
    py sinkhorn_ref.py sinkhorn x.csv y.csv sk_v.csv 0.3
    gfd-velocity -t y.csv -f sinkhorn-proxy --eps 0.2 --only-v x.csv > px_v.csv
    py sinkhorn_ref.py proxy x.csv y.csv px_v.csv 0.2
    for f in "sinkhorn --eps 0.3 --iters 500" "sinkhorn-proxy --eps 0.2"; do
        gfd-velocity -t y.csv -f $f x.csv > euclid.csv
        gfd-velocity --sphere -t y.csv -f $f x.csv > sphere.csv
        py sphere_field_ref.py tangent euclid.csv sphere.csv
    done
}

@test "sphere: X == Y gives zero, a rotated X a clearly non-zero field" {
    for f in rkl:0.5,chi2:0.5 mmd sinkhorn sinkhorn-proxy sliced; do
        gfd-velocity --sphere -t y.csv -f $f --only-v y.csv > zero.csv
        run awk -F, '{ for (i = 1; i <= NF; i++) if ($i > 1e-12 || $i < -1e-12) bad++ } END { print bad + 0 }' zero.csv
        [ "$output" = 0 ]
    done
    py sphere_field_ref.py rotate y.csv 0.4 > yr.csv
    gfd-velocity --sphere -t y.csv -f kl -b 0.4 --only-v yr.csv > rot.csv
    run awk -F, '{ s += sqrt($1 * $1 + $2 * $2 + $3 * $3) } END { print s / NR }' rot.csv
    py_lt 0.3 "$output"  # measured 0.88, against 0 for X == Y
}

@test "sphere: gfd-step is the exponential map, capped in geodesic length" {
    gfd-velocity --sphere -t y.csv -f chi2 -b 0.5 x.csv > xv.csv
    gfd-step --sphere -e 0.3 xv.csv > s1.csv
    py sphere_field_ref.py step xv.csv 0.3 0 s1.csv
    gfd-step --sphere -e 0.3 --max-move 0.05 xv.csv > s2.csv
    py sphere_field_ref.py step xv.csv 0.3 0.05 s2.csv
    # with -t and -f: the same field, the default eta 0.5 h^2 and cap 0.5 h
    gfd-step --sphere -t y.csv -f chi2 -b 0.5 x.csv > s3.csv
    py sphere_field_ref.py step xv.csv 0.125 0.25 s3.csv
}

@test "sphere: 1000 flow steps stay on the sphere to 1e-12, same bytes for -j1 and -j2" {
    gfd-flow --sphere -t y.csv -f rkl:0.5,chi2:0.5 -T 1000 --noise 0.02 -j1 x.csv > f1.csv
    gfd-flow --sphere -t y.csv -f rkl:0.5,chi2:0.5 -T 1000 --noise 0.02 -j2 x.csv > f2.csv
    cmp f1.csv f2.csv
    py sphere_field_ref.py norms f1.csv 1e-12
    gfd-flow --sphere -t y.csv -f drift -T 200 -j1 -F npy x.csv > d1.npy
    gfd-flow --sphere -t y.csv -f drift -T 200 -j2 -F npy x.csv > d2.npy
    cmp d1.npy d2.npy
    py sphere_field_ref.py norms d1.npy 1e-12
}

@test "sphere: sliced on great circles moves the mass that kl keeps; 1000 steps stay on the sphere" {
    # MATH §4: from uniform on S^2 to 4 vMF modes (kappa 50), N = M = 200, 200 steps:
    # geodesic W2 measured 0.72 at the start, 0.207 after kl (each basin keeps its mass),
    # 0.0148 after sliced
    gfd-sphere sample vmf-mixture -d 3 --modes 4 --kappa 50 -n 200 -s 1 -o data.csv
    gfd-sphere sample uniform -d 3 -n 200 -s 2 -o start.csv
    gfd-flow --sphere -t data.csv -f kl -T 200 start.csv -o kl.csv
    gfd-flow --sphere -t data.csv -f sliced -T 200 -j1 --log log.csv --metrics w2 start.csv -o sliced.csv
    gfd-flow --sphere -t data.csv -f sliced -T 200 -j2 start.csv -o sliced2.csv
    cmp sliced.csv sliced2.csv
    w_kl=$(gfd-eval --sphere -r data.csv -m w2 --csv kl.csv | tail -1 | cut -d, -f2)
    w_sl=$(gfd-eval --sphere -r data.csv -m w2 --csv sliced.csv | tail -1 | cut -d, -f2)
    echo "W2 kl $w_kl sliced $w_sl"
    [ "$(tail -1 log.csv | cut -d, -f7)" = "$w_sl" ]  # the log's metrics are geodesic too
    expect_fail 2 "nll is not available with --sphere" \
        gfd-flow --sphere -t data.csv -f kl -T 2 --log log.csv --metrics nll start.csv
    py_lt 0.1 "$w_kl"
    py_lt "$w_sl" 0.05
    gfd-flow --sphere -t data.csv -f sliced -T 1000 start.csv -o long.csv
    py sphere_field_ref.py norms long.csv 1e-12
}

@test "sphere: scott and silverman use the geodesic spread in d - 1 dimensions" {
    for rule in scott silverman; do
        run --separate-stderr gfd-velocity --sphere -v -t y.csv -f kl -b $rule --only-v x.csv
        [ "$status" -eq 0 ]
        h=$(sed -n 's/.*bandwidth \([0-9.e-]*\) .*/\1/p' <<< "$stderr")
        py sphere_field_ref.py bandwidth y.csv $rule "$h"
        [[ "$stderr" == *"on the sphere S^2: vMF kernel"* ]]
    done
}

@test "sphere: --project normalises, off-sphere rows fail naming file and row" {
    awk -F, 'NR == 5 { $1 *= 1.001 } { print $1 "," $2 "," $3 }' x.csv > xoff.csv
    expect_fail 1 "xoff.csv: row 5: norm" gfd-velocity --sphere -t y.csv -f kl xoff.csv
    expect_fail 1 "xoff.csv: row 5: norm" gfd-flow --sphere -t y.csv -f kl -T 2 xoff.csv
    expect_fail 1 "xoff.csv: row 5: norm" gfd-velocity --sphere -t xoff.csv -f kl x.csv
    gfd-velocity --sphere -t y.csv -f kl x.csv > xv.csv
    awk -F, 'NR == 3 { $2 *= 2 } { print $1 "," $2 "," $3 "," $4 "," $5 "," $6 }' xv.csv > xvoff.csv
    expect_fail 1 "xvoff.csv: row 3: norm" gfd-step --sphere -e 0.1 xvoff.csv
    gfd-velocity --sphere --project -t y.csv -f kl --only-v xoff.csv > p.csv
    run --separate-stderr gfd-step --sphere --project -t y.csv -f kl xoff.csv
    [ "$status" -eq 0 ]
    expect_fail 2 "--project needs --sphere" gfd-velocity --project -t y.csv -f kl x.csv
}

@test "sphere: fields without a spherical version are usage errors" {
    for f in kl-smoothed sliced,kl-smoothed; do
        expect_fail 2 "is not available on the sphere" gfd-velocity --sphere -t y.csv -f $f x.csv
    done
    expect_fail 2 "is not available on the sphere" gfd-flow --sphere -t y.csv -f kl-smoothed -T 3 x.csv
    awk 'END { for (i = 0; i < NR; i++) print 1 }' y.csv > w.csv
    expect_fail 2 "sliced: weights are not available on the sphere" \
        gfd-velocity --sphere -t y.csv --target-weights w.csv -f sliced x.csv
    expect_fail 2 "--noise-inject is not available on the sphere" \
        gfd-velocity --sphere -t y.csv -f mmd --noise-inject 0.1 x.csv
}
