#!/usr/bin/env bats
# gfd-eval --sphere (MATH §4: geodesic costs): w2 against POT on the squared geodesic
# cost matrix, mmd against a vMF-kernel double loop, sw2 against numpy transcriptions of
# Bonet et al.'s spherical sliced W2 (tests/py/eval_sphere_ref.py), coverage with geodesic
# radii, the default metric list, --project, and the one-line errors.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sphere sample vmf-mixture -n 200 -s 1 --kappa 20 -o y.csv
    gfd-sphere sample uniform -n 200 -s 2 -o s.csv
    gfd-sphere sample vmf-mixture -n 200 -s 3 --kappa 5 -d 4 --modes 3 -o y4.csv
    gfd-sphere sample vmf -n 200 -s 4 -d 4 -o s4.csv
}

@test "eval --sphere: w2 equals sqrt(POT emd2) on the squared geodesic cost to 1e-9" {
    # both are exact optima; 1e-9 covers POT's network simplex tolerance and arccos
    for p in "y.csv s.csv" "y4.csv s4.csv"; do
        set -- $p
        gfd-eval --sphere -r "$1" -m w2 --json "$2" > t.json
        err=$(py eval_sphere_ref.py w2 "$1" "$2" t.json); echo "w2 $p $err"; py_lt "$err" 1e-9
    done
}

@test "eval --sphere: mmd equals a double loop with the vMF kernel to 1e-12" {
    # sums of 4e4 terms <= 1 in different orders and exp(kappa (x.y - 1)) against the
    # engine's Gaussian of |x - y|^2: measured ~1e-16; 1e-12 leaves room.
    # 202 reference rows: an odd number of pairs, so numpy's median is one distance.
    gfd-sphere sample vmf-mixture -n 202 -s 5 --kappa 20 -o y202.csv
    for bw in 0.3 1.5; do
        gfd-eval --sphere -r y.csv -m mmd --mmd-bw $bw --json s.csv > t.json
        err=$(py eval_sphere_ref.py mmd y.csv s.csv t.json $bw); echo "bw $bw: $err"; py_lt "$err" 1e-12
    done
    gfd-eval --sphere -r y202.csv -m mmd --json s.csv > t.json
    err=$(py eval_sphere_ref.py mmd y202.csv s.csv t.json median); echo "median: $err"; py_lt "$err" 1e-12
}

@test "eval --sphere: sw2 on S^1 is W2 on the circle by Bonet et al.'s formula, to 1e-12" {
    # on S^1 every great circle is the circle itself, so every projection gives the same
    # exact W2: numpy minimises their eq. 4 over every kink of the shift (N != M too), and
    # scipy's assignment on the circle cost checks that transcription (N = M)
    gfd-sphere sample uniform -d 2 -n 60 -s 1 -o c1.csv
    gfd-sphere sample vmf-mixture -d 2 --modes 3 --kappa 20 -n 60 -s 2 -o c2.csv
    gfd-sphere sample vmf-mixture -d 2 --modes 3 --kappa 20 -n 45 -s 3 -o c3.csv
    gfd-eval --sphere -r c1.csv -m sw2 --projections 5 --json c2.csv > t.json
    for how in sw2circle sw2lap; do
        err=$(py eval_sphere_ref.py $how c1.csv c2.csv t.json); echo "$how N = M: $err"; py_lt "$err" 1e-12
    done
    gfd-eval --sphere -r c1.csv -m sw2 --projections 5 --json c3.csv > t.json
    err=$(py eval_sphere_ref.py sw2circle c1.csv c3.csv t.json); echo "N != M: $err"; py_lt "$err" 1e-12
}

@test "eval --sphere: sw2 agrees with a numpy Monte Carlo of Bonet et al.'s SSW within 4 se" {
    # different random great circles (numpy draws them as POT does, by QR): the z-score of
    # gfd's sw2^2 against numpy's mean over 3000 circles, se from the per-circle spread
    for d in 3 16; do
        gfd-sphere sample uniform -d $d -n 50 -s 1 -o u$d.csv
        gfd-sphere sample vmf-mixture -d $d --modes 3 --kappa 20 -n 50 -s 2 -o m$d.csv
        gfd-eval --sphere -r u$d.csv -m sw2 --projections 2000 --json m$d.csv > t.json
        z=$(py eval_sphere_ref.py sw2 u$d.csv m$d.csv t.json 3000 2000 0); echo "d $d: z $z"; py_lt "$z" 4
    done
}

@test "eval --sphere: energy and prdc use geodesic distances (numpy, 1e-12)" {
    # energy: sums of 4e4 arccos distances in another order (measured ~1e-16); prdc: counts,
    # the same as with the chord, whose comparisons agree (exact up to ties at rounding)
    for p in "y.csv s.csv" "y4.csv s4.csv"; do
        set -- $p
        gfd-eval --sphere -r "$1" -m energy,prdc --k 4 --json "$2" > t.json
        err=$(py eval_sphere_ref.py energy "$1" "$2" t.json); echo "energy $p $err"; py_lt "$err" 1e-12
        err=$(py eval_sphere_ref.py prdc "$1" "$2" t.json 4); echo "prdc $p $err"; py_lt "$err" 1e-12
    done
    # the chord and the arc give different energies: the geodesic one is not the Euclidean
    a=$(gfd-eval --sphere -r y.csv -m energy --csv s.csv | tail -1 | cut -d, -f2)
    b=$(gfd-eval -r y.csv -m energy --csv s.csv | tail -1 | cut -d, -f2)
    echo "geodesic $a chordal $b"
    run py_close "$a" "$b" 1e-3
    [ "$status" -ne 0 ]
}

@test "eval --sphere: the default list is every metric with a spherical version; -j1 = -j2" {
    run gfd-eval --sphere -r y.csv --csv s.csv
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "file,mmd2,energy,sw2,w2,precision,recall,density,coverage" ]
    printf '1,0,0,0.1\n0,0,1,0.2\n' > m.csv
    gfd-eval --sphere -r y.csv --modes m.csv --csv -j1 s.csv > a.csv
    gfd-eval --sphere -r y.csv --modes m.csv --csv -j2 s.csv > b.csv
    [ "$(head -1 a.csv)" = "file,mmd2,energy,sw2,w2,hq,modes,mode_kl,precision,recall,density,coverage" ]
    cmp a.csv b.csv
}

@test "eval --sphere: coverage counts geodesic radii (hand-counted)" {
    # modes at angle 0 (sigma 0.1) and pi/2 (sigma 0.2) on S^1; samples at angles 0.2 (hq),
    # 0.301 (not: its chord 0.2999 is within 0.3), pi/2-0.5 (hq), pi (not): hq 2/4
    printf '1,0,0.1\n0,1,0.2\n' > m.csv
    "$GFD_PYTHON" -c "import numpy as np; a=np.array([0.2,0.301,np.pi/2-0.5,np.pi]); np.savetxt('c.csv', np.c_[np.cos(a),np.sin(a)], delimiter=',', fmt='%.17g')"
    run gfd-eval --sphere -r c.csv -m coverage --modes m.csv --csv c.csv
    [ "${lines[1]}" = "c.csv,0.5,2,0" ]
    run gfd-eval -r c.csv -m coverage --modes m.csv --csv c.csv
    [ "${lines[1]}" != "c.csv,0.5,2,0" ]
}

@test "eval --sphere: off-sphere rows fail; --project normalises them" {
    awk -F, '{printf "%.17g,%.17g,%.17g\n", 2*$1, 2*$2, 2*$3}' s.csv > s2.csv
    expect_fail 1 "s2.csv" gfd-eval --sphere -r y.csv -m w2 s2.csv
    gfd-eval --sphere --project -r y.csv -m w2 --csv s2.csv | tail -1 | cut -d, -f2 > a
    gfd-eval --sphere -r y.csv -m w2 --csv s.csv | tail -1 | cut -d, -f2 > b
    py_close "$(cat a)" "$(cat b)" 1e-12
}

@test "eval --sphere: metrics without a spherical version are usage errors" {
    for m in sinkhorn nll; do
        expect_fail 2 "$m is not available with --sphere" gfd-eval --sphere -r y.csv -m $m s.csv
    done
    expect_fail 2 "--project needs --sphere" gfd-eval --project -r y.csv s.csv
    printf '2,0,0,0.1\n' > bad.csv
    expect_fail 1 "the modes' centres" gfd-eval --sphere -r y.csv -m coverage --modes bad.csv s.csv
}

@test "eval --sphere: the modes written by gfd-sphere --centers score coverage correctly" {
    # one modes format for gfd-sample --centers, gfd-sphere --centers and --modes: rows
    # [c, sigma], sigma = 1/sqrt(kappa) radians. The old [mu, kappa] rows were read as
    # sigma = kappa radians, which scored uniform points hq 1 with every mode covered.
    # Expected: 3 sigma = 0.424 rad; a uniform point is within it of one of 4 centres with
    # probability 4 (1 - cos 0.424) / 2 = 0.177; a vMF(50) point of its own centre with
    # probability 1 - exp(-50 (1 - cos 0.424)) = 0.988
    gfd-sphere sample vmf-mixture --modes 4 --kappa 50 -s 1 --centers > m.csv
    gfd-sphere sample vmf-mixture --modes 4 --kappa 50 -s 1 -n 2000 > v.csv
    gfd-sphere sample uniform -n 2000 -s 2 > u.csv
    run gfd-eval --sphere -r v.csv -m coverage --modes m.csv --csv u.csv v.csv
    [ "$status" -eq 0 ]
    hq_u=$(awk -F, 'NR == 2 { print $2 }' <<<"$output")
    hq_v=$(awk -F, 'NR == 3 { print $2 }' <<<"$output")
    echo "hq uniform $hq_u, vMF $hq_v"
    py_lt "$hq_u" 0.22 && py_lt 0.14 "$hq_u"
    py_lt 0.97 "$hq_v"
    [ "$(awk -F, 'NR == 3 { print $3 }' <<<"$output")" = 4 ]
}
