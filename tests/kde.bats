#!/usr/bin/env bats
# gfd-kde against scipy/numpy (tests/py/kde_ref.py), its options and its errors.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 400 -s 1 8gaussians -o y.npy
    gfd-sample -n 150 -s 2 gaussian -d 2 -o q.npy
}

@test "gfd-kde log-density equals scipy.stats.gaussian_kde to 1e-10 relative" {
    gfd-kde -t y.npy -b 0.3 q.npy -o lp.npy
    err=$(py kde_ref.py scipy y.npy q.npy 0.3 lp.npy)
    echo "relative error $err"
    py_lt "$err" 1e-10
}

@test "gfd-kde in 5 and 40 dimensions equals scipy to 1e-10 relative" {
    for d in 5 40; do
        gfd-sample -n 300 -s 3 gaussian -d $d -o y$d.npy
        gfd-sample -n 50 -s 4 gaussian -d $d -o q$d.npy
        gfd-kde -t y$d.npy -b 1.5 q$d.npy -o lp$d.npy
        err=$(py kde_ref.py scipy y$d.npy q$d.npy 1.5 lp$d.npy)
        echo "d=$d relative error $err"
        py_lt "$err" 1e-10
    done
}

@test "gfd-kde --score equals the numpy mean-shift score to 1e-10 relative" {
    gfd-kde -t y.npy -b 0.5 --score q.npy -o s.npy
    err=$(py kde_ref.py score y.npy q.npy 0.5 s.npy)
    echo "relative error $err"
    py_lt "$err" 1e-10
}

@test "gfd-kde --exclude-self equals a numpy leave-one-out KDE" {
    gfd-kde -t y.npy -b 0.2 --exclude-self -o loo.npy
    err=$(py kde_ref.py loo y.npy 0.2 loo.npy)
    py_lt "$err" 1e-10
    gfd-kde -t y.npy -b 0.2 --exclude-self y.npy -o loo2.npy
    cmp loo.npy loo2.npy
    expect_fail 2 "must be the targets" gfd-kde -t y.npy --exclude-self q.npy
}

@test "bandwidth rules scott, silverman and median equal numpy's" {
    gfd-sample -n 300 -s 5 moons -o m.csv
    for rule in scott silverman median; do
        got=$(gfd-kde -t m.csv -b $rule --print-bandwidth)
        want=$(py kde_ref.py bw $rule m.csv)
        echo "$rule: gfd $got numpy $want"
        py_close "$got" "$want" 1e-13
    done
}

@test "gfd-kde output does not depend on the thread count" {
    gfd-sample -n 3000 -s 6 gaussian -d 3 -o big.npy
    gfd-kde -j 1 -t big.npy --score big.npy -o a.npy
    gfd-kde -j 2 -t big.npy --score big.npy -o b.npy
    cmp a.npy b.npy
}

@test "gfd-kde keeps the format of its input and reads stdin" {
    gfd-sample -n 5 -s 7 gaussian -d 2 > q.csv
    run gfd-kde -t y.npy < q.csv
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 5 ]
    gfd-kde -t y.npy -F npy < q.csv > o.npy
    [ "$(head -c 6 o.npy | tail -c 5)" = "NUMPY" ]
}

@test "gfd-kde tiny bandwidth far from the data gives finite values" {
    echo "50,50" > far.csv
    run gfd-kde -t y.npy -b 1e-3 far.csv
    [ "$status" -eq 0 ]
    [[ "$output" != *nan* && "$output" != *inf* ]]
}

@test "gfd-kde laplace kernel runs; --score with laplace is a usage error" {
    run gfd-kde -t y.npy -k laplace -b 0.5 q.npy
    [ "$status" -eq 0 ]
    expect_fail 2 "--score needs the gauss kernel" gfd-kde -t y.npy -k laplace --score q.npy
}

@test "gfd-kde bad usage: exit 2, one line" {
    expect_fail 2 "-t FILE is required" gfd-kde q.npy
    expect_fail 2 "bandwidth '-1'" gfd-kde -t y.npy -b -1 q.npy
    expect_fail 2 "bandwidth '0'" gfd-kde -t y.npy -b 0 q.npy
    expect_fail 2 "unknown option '--bogus'" gfd-kde -t y.npy --bogus q.npy
    expect_fail 2 "unknown kernel" gfd-kde -t y.npy -k box q.npy
    [ "$(gfd-kde -t y.npy -b 0 q.npy 2>&1 | wc -l)" -eq 1 ]
}

@test "gfd-kde bad data: exit 1, one line naming the file, no partial output" {
    gfd-sample -n 10 -s 8 gaussian -d 3 -o q3.npy
    expect_fail 1 "q3.npy: 3 columns, but the targets y.npy have 2" gfd-kde -t y.npy q3.npy -o out.npy
    [ ! -e out.npy ]
    printf '1,2\n3,x\n' > bad.csv
    expect_fail 1 "bad.csv:2" gfd-kde -t y.npy bad.csv -o out.npy
    [ ! -e out.npy ]
    expect_fail 1 "missing.csv" gfd-kde -t missing.csv q.npy
    printf '1,1\n1,1\n' > same.csv
    expect_fail 1 "all target points equal" gfd-kde -t same.csv q.npy
}

@test "gfd-kde --help and --version" {
    run gfd-kde --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--exclude-self"* ]]
    run gfd-kde --version
    [ "$status" -eq 0 ]
    [[ "$output" == "gfd-kde (gfd) "* ]]
}
