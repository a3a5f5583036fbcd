#!/usr/bin/env bats
# gfd-sample: help and usage errors, reproducible bytes, formats read back by numpy,
# the centres file, thread independence, atomic output, and each distribution against
# a numpy transcription of its published definition (tests/py/sample_compare.py).
load helper

@test "sample: --help and --version exit 0" {
    run gfd-sample --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage: gfd-sample "* ]]
    [[ "$output" == *"--centers"* ]]
    run gfd-sample --version
    [ "$status" -eq 0 ]
    [[ "$output" == "gfd-sample (gfd) "* ]]
}

@test "sample: --list prints the eleven names, one per line" {
    run gfd-sample --list
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 11 ]
    [[ " ${lines[*]} " == *" 8gaussians "*" 2spirals "* ]]
}

@test "sample: an unknown distribution is one line and exit 2" {
    expect_fail 2 "gfd-sample: unknown distribution 'nope' (try --list)" gfd-sample nope
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "sample: -d for a 2-D set is one line and exit 2; -d 2 is accepted" {
    expect_fail 2 "gfd-sample: moons is 2-dimensional, not 3" gfd-sample -d 3 moons
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    run gfd-sample -n 3 -d 2 moons
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
}

@test "sample: bad usage exits 2, names the problem first, writes nothing" {
    expect_fail 2 "-n: 0 is out of range" gfd-sample -n 0 moons
    [[ "${stderr%%$'\n'*}" == "gfd-sample: -n: 0 is out of range"* ]]
    expect_fail 2 "-n: 'x' is not a whole number" gfd-sample -n x moons
    expect_fail 2 "no distribution given" gfd-sample -n 5
    expect_fail 2 "one distribution expected" gfd-sample moons rings
    expect_fail 2 "--centers: -n and -d do not apply" gfd-sample --centers -n 5 8gaussians
    expect_fail 2 "moons has no centres (mixtures: 8gaussians, 25gaussians)" gfd-sample --centers moons
    expect_fail 2 "-s:" gfd-sample -s -1 moons
    expect_fail 2 "" gfd-sample --bogus moons
}

@test "sample: -n 5 gives 5 rows, the default 1000, -d 4 gaussian 4 columns" {
    run gfd-sample -n 5 pinwheel
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 5 ]
    [ "$(gfd-sample checkerboard | wc -l)" -eq 1000 ]
    run gfd-sample -n 2 -d 4 gaussian
    [ "${#lines[@]}" -eq 2 ]
    [ "$(awk -F, '{print NF}' <<<"$output" | sort -u)" = 4 ]
}

@test "sample: same seed same bytes, another seed other bytes, rows a prefix" {
    cd "$BATS_TEST_TMPDIR"
    for fmt in csv npy; do
        gfd-sample -n 200 -s 9 -F $fmt swissroll > a.$fmt
        gfd-sample -n 200 -s 9 -F $fmt swissroll > b.$fmt
        gfd-sample -n 200 -s 10 -F $fmt swissroll > c.$fmt
        cmp a.$fmt b.$fmt
        run cmp -s a.$fmt c.$fmt
        [ "$status" -eq 1 ]
    done
    gfd-sample -n 200 swissroll > d.csv
    gfd-sample swissroll > e.csv   # -s 0 is the default
    [ "$(gfd-sample -s 0 -n 200 swissroll)" = "$(cat d.csv)" ]
    [ "$(head -n 200 e.csv)" = "$(cat d.csv)" ]
}

@test "sample: -j does not change the bytes" {
    cd "$BATS_TEST_TMPDIR"
    for d in 8gaussians gaussian; do
        gfd-sample -n 5000 -s 3 -j 1 -F npy $d > j1.npy
        gfd-sample -n 5000 -s 3 -j 2 -F npy $d > j2.npy
        gfd-sample -n 5000 -s 3 -j 8 -F npy $d > j8.npy
        cmp j1.npy j2.npy
        cmp j1.npy j8.npy
    done
}

@test "sample: npy and npy.gz read back by numpy, equal to the CSV" {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 777 -d 3 -s 5 uniform > u.csv
    gfd-sample -n 777 -d 3 -s 5 -o u.npy uniform
    gfd-sample -n 777 -d 3 -s 5 -o u.npy.gz uniform
    gfd-sample -n 777 -d 3 -s 5 -F npy -z uniform > u2.npy.gz
    [ "$(head -c 2 u2.npy.gz | od -An -tx1 | tr -d ' ')" = 1f8b ]
    py sample_check.py u.npy 777 3 u.csv
    py sample_check.py u.npy.gz 777 3 u.csv
    py sample_check.py u2.npy.gz 777 3 u.csv
}

@test "sample: --centers writes rows [c_1, c_2, sigma]" {
    run gfd-sample --centers 8gaussians
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 8 ]
    # radius 4/1.414 and sigma 0.5/1.414 (FFJORD's scale 4, noise 0.5, divided by 1.414)
    awk -F, 'NF != 3 || ($1*$1 + $2*$2 - (4/1.414)^2)^2 > 1e-20 || ($3 - 0.5/1.414)^2 > 1e-30 { bad = 1 }
             END { exit bad }' <<<"$output"
    run gfd-sample --centers -F npy -o "$BATS_TEST_TMPDIR/c25.npy" 25gaussians
    [ "$status" -eq 0 ]
    py sample_check.py "$BATS_TEST_TMPDIR/c25.npy" 25 3
}

@test "sample: -o writes atomically: no partial file, no temporary left" {
    cd "$BATS_TEST_TMPDIR"
    mkdir out && cd out
    gfd-sample -n 100000 -o big.csv.gz 8gaussians &
    pid=$!
    # while it runs, the name appears only once the temporary beside it is gone
    while kill -0 $pid 2>/dev/null; do
        if [ -e big.csv.gz ] && [ "$(ls | wc -l)" -gt 1 ]; then
            echo "big.csv.gz visible while a temporary exists: $(ls)"; return 1
        fi
        sleep 0.02
    done
    wait $pid
    [ "$(ls)" = big.csv.gz ]
    [ "$(gzip -dc big.csv.gz | wc -l)" -eq 100000 ]
    gfd-sample -n 10 -o keep.csv moons
    cp keep.csv keep.orig
    expect_fail 2 "unknown distribution" gfd-sample -n 10 -o keep.csv nope
    cmp keep.csv keep.orig
    expect_fail 1 "nodir/x.csv" gfd-sample -n 10 -o nodir/x.csv moons
    [ ! -e nodir ]
}

@test "sample: every distribution matches its published definition (KS, numpy)" {
    cd "$BATS_TEST_TMPDIR"
    args=()
    for d in $(gfd-sample --list); do
        gfd-sample -n 20000 -s 7 -o $d.npy $d
        args+=("$d" "$d.npy")
    done
    py sample_compare.py "${args[@]}"
}

@test "sample: gaussian --fit Y is mean(Y) + chol(cov(Y)) z, z the gaussian draw of the same seed (numpy, 1e-12)" {
    cd "$BATS_TEST_TMPDIR"
    "$GFD_PYTHON" -c "
import numpy as np
rng = np.random.default_rng(0)
np.savetxt('y.csv', rng.normal(size=(500, 3)) @ rng.normal(size=(3, 3)).T + [1, -2, 3], delimiter=',')"
    gfd-sample -n 2000 gaussian --fit y.csv -s 9 -o x.npy
    gfd-sample -n 2000 gaussian -d 3 -s 9 -o z.npy
    "$GFD_PYTHON" -c "
import numpy as np
y, x, z = np.loadtxt('y.csv', delimiter=','), np.load('x.npy'), np.load('z.npy')
want = y.mean(0) + z @ np.linalg.cholesky(np.cov(y.T)).T
err = np.abs(x - want).max() / np.abs(want).max()
assert err < 1e-12, err
"
    expect_fail 2 "--fit is for gaussian" gfd-sample -n 5 uniform --fit y.csv
    expect_fail 2 "no -d" gfd-sample -n 5 gaussian -d 3 --fit y.csv
    printf '1,2\n1,3\n1,4\n' > flat.csv
    expect_fail 1 "--fit: the covariance of the 3 points is singular" gfd-sample gaussian --fit flat.csv
}
