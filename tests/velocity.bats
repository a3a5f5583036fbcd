#!/usr/bin/env bats
# gfd-velocity: the score fields against a direct numpy implementation (tests/py/field_ref.py,
# 1e-9 relative), output layouts, weights files, thread and seed independence, -v, and
# every bad input: one line on stderr, exit 2 (usage) or 1 (data), no output.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 150 -s 1 8gaussians > y.csv
    gfd-sample -n 120 -s 2 gaussian > x.csv
}

@test "velocity: --help and --version exit 0" {
    run gfd-velocity --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage: gfd-velocity "* ]]
    [[ "$output" == *"--noise-inject"* && "$output" == *"--only-v"* ]]
    run gfd-velocity --version
    [ "$status" -eq 0 ]
    [[ "$output" == "gfd-velocity (gfd) "* ]]
    run gfd-velocity --list-fields
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 12 ]
    [[ "${lines[0]}" == "kl "* ]]
}

@test "velocity: kl, rkl, chi2, js, alpha and mmd equal numpy's direct computation" {
    checks=()
    for f in kl rkl chi2 js alpha:0.5 mmd; do
        gfd-velocity -t y.csv -f $f -b 0.4 x.csv > v$f.csv
        checks+=("$f=v$f.csv")
    done
    py field_ref.py 0.4 y.csv "${checks[@]}"
    gfd-sample -n 60 -s 3 -d 3 gaussian > y3.csv
    gfd-sample -n 50 -s 4 -d 3 uniform > x3.csv
    checks=()
    for f in kl rkl chi2 mmd; do
        gfd-velocity -t y3.csv -f $f -b 0.7 -F npy x3.csv > v3$f.npy
        checks+=("$f=v3$f.npy")
    done
    py field_ref.py 0.7 y3.csv "${checks[@]}"
}

@test "velocity: weights files and --exclude-self agree with numpy" {
    awk '{ print 0.5 + (NR % 7) / 4 }' y.csv > wy.csv
    awk '{ print 1 + (NR % 3) }' x.csv > wx.csv
    for f in kl chi2 mmd; do
        gfd-velocity -t y.csv -f $f -b 0.5 --target-weights wy.csv --weights wx.csv x.csv > w$f.csv
        gfd-velocity -t y.csv -f $f -b 0.5 --exclude-self x.csv > e$f.csv
    done
    py field_ref.py 0.5 y.csv kl=wkl.csv chi2=wchi2.csv mmd=wmmd.csv --target-weights wy.csv --weights wx.csv
    py field_ref.py 0.5 y.csv kl=ekl.csv chi2=echi2.csv mmd=emmd.csv --exclude-self
}

@test "velocity: --only-v is the last d columns; a mixture writes d columns of v" {
    gfd-velocity -t y.csv -f kl x.csv | cut -d, -f3,4 > tail.csv
    gfd-velocity -t y.csv -f kl --only-v x.csv > only.csv
    cmp tail.csv only.csv
    run gfd-velocity -t y.csv -f rkl:0.5,chi2:0.5 --only-v x.csv
    [ "$status" -eq 0 ]
    [ "$(awk -F, '{print NF}' <<<"$output" | sort -u)" = 2 ]
}

@test "velocity: same bytes for -j1 and -j2, seeds and --step pick the draws" {
    gfd-sample -n 2000 -s 5 8gaussians > yb.csv
    gfd-sample -n 1000 -s 6 gaussian > xb.csv
    for f in kl mmd kl-smoothed; do
        gfd-velocity -t yb.csv -f $f --noise-inject 0.1 -j 1 -F npy xb.csv > a.npy
        gfd-velocity -t yb.csv -f $f --noise-inject 0.1 -j 2 -F npy xb.csv > b.npy
        cmp a.npy b.npy
    done
    gfd-velocity -t y.csv -f kl-smoothed -s 1 x.csv > s1.csv
    gfd-velocity -t y.csv -f kl-smoothed -s 1 x.csv > s1b.csv
    gfd-velocity -t y.csv -f kl-smoothed -s 2 x.csv > s2.csv
    gfd-velocity -t y.csv -f kl-smoothed -s 1 --step 3 x.csv > s1k.csv
    cmp s1.csv s1b.csv
    run ! cmp -s s1.csv s2.csv
    run ! cmp -s s1.csv s1k.csv
}

@test "velocity: -v prints the bandwidth, the field and the default step" {
    run --separate-stderr gfd-velocity -v -t y.csv -f kl -b 0.5 x.csv
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"bandwidth 0.5 (fixed)"* ]]
    [[ "$stderr" == *"field kl (score units), 120 particles"* ]]
    [[ "$stderr" == *"eta 0.125, max-move 0.25"* ]]
}

@test "velocity: unknown fields and bad field options are usage errors" {
    expect_fail 2 "gfd-velocity: unknown field 'foo'" gfd-velocity -t y.csv -f foo x.csv
    [ "${#stderr_lines[@]}" -eq 1 ]
    expect_fail 2 "gfd-velocity: field 'alpha' needs a number" gfd-velocity -t y.csv -f alpha x.csv
    expect_fail 2 "every weight is zero" gfd-velocity -t y.csv -f kl:0 x.csv
    expect_fail 2 "--mc: 0 is out of range" gfd-velocity -t y.csv -f kl-smoothed --mc 0 x.csv
    expect_fail 2 "--ratio-clip: 0.5 is out of range" gfd-velocity -t y.csv -f kl --ratio-clip 0.5 x.csv
    expect_fail 2 "--kernel: unknown value 'box'" gfd-velocity -t y.csv -f drift --kernel box x.csv
    expect_fail 2 "no targets: -t FILE is required" gfd-velocity -f kl x.csv
    expect_fail 2 "no field: -f FIELD is required" gfd-velocity -t y.csv x.csv
}

@test "velocity: a bandwidth <= 0 is a usage error" {
    expect_fail 2 "gfd-velocity: bandwidth '0': expected" gfd-velocity -t y.csv -f kl -b 0 x.csv
    expect_fail 2 "gfd-velocity: bandwidth '-1': expected" gfd-velocity -t y.csv -f kl -b -1 x.csv
    [ "${#stderr_lines[@]}" -eq 1 ]
}

@test "velocity: negative or mis-sized weights are data errors" {
    printf '1\n-1\n' > w2.csv
    awk '{ print (NR == 2) ? -1 : 1 }' x.csv > wneg.csv
    expect_fail 1 "gfd-velocity: wneg.csv: row 2: weight -1 is negative" \
        gfd-velocity -t y.csv -f kl --weights wneg.csv x.csv
    [ "${#stderr_lines[@]}" -eq 1 ]
    expect_fail 1 "gfd-velocity: w2.csv: 2 rows of 1 columns, expected one column of 150" \
        gfd-velocity -t y.csv -f kl --target-weights w2.csv x.csv
    awk '{ print 0 }' y.csv > wzero.csv
    expect_fail 1 "wzero.csv: the weights sum to zero" gfd-velocity -t y.csv -f kl --target-weights wzero.csv x.csv
}

@test "velocity: particles and targets of different dimensions are a data error" {
    gfd-sample -n 10 -d 3 gaussian > x3.csv
    expect_fail 1 "gfd-velocity: stdin: 3 columns, but the targets y.csv have 2" \
        gfd-velocity -t y.csv -f kl < x3.csv
    [ "${#stderr_lines[@]}" -eq 1 ]
    expect_fail 1 "gfd-velocity: x3.csv: 3 columns" gfd-velocity -t y.csv -f kl -o out.csv x3.csv
    [ ! -e out.csv ]
}

@test "velocity: fields without a bandwidth run on one target; the others name the rule" {
    # sliced, drift and sinkhorn with --eps do not use h, so a target set that gives no
    # bandwidth (one point) is no error for them; one particle, one target: drift's and
    # sinkhorn's move points straight at the target
    printf '0,0\n' > x1.csv
    printf '3,4\n' > y1.csv
    for f in sliced drift "sinkhorn --eps 0.5" "sinkhorn-proxy --eps 0.5"; do
        run --separate-stderr gfd-velocity -t y1.csv -f $f --only-v x1.csv
        echo "$f: $output $stderr"
        [ "$status" -eq 0 ]
    done
    run gfd-velocity -t y1.csv -f sinkhorn --eps 0.5 --only-v x1.csv
    "$GFD_PYTHON" -c "import sys; v = [float(t) for t in '$output'.split(',')]; sys.exit(abs(v[0] - 3) + abs(v[1] - 4) > 1e-12)"
    expect_fail 1 "the scott bandwidth needs at least 2 target points, not 1" gfd-velocity -t y1.csv -f kl x1.csv
    expect_fail 1 "a bandwidth rule on the sphere needs d >= 2 and at least 2 target points" \
        gfd-velocity --sphere --project -t y1.csv -f kl x1.csv
    gfd-velocity -t y1.csv -f kl -b 0.5 x1.csv > /dev/null
    # gfd-step's default cap is 0.5 h: without a bandwidth it asks for one
    expect_fail 2 "the default --max-move is 0.5 h" gfd-step -t y1.csv -f sliced x1.csv
    gfd-step -t y1.csv -f sliced --max-move 1 x1.csv > /dev/null
}

@test "velocity: a bandwidth far below the nearest-neighbour distance (Scott at d = 768) is a warning" {
    gfd-sample -n 300 gaussian -d 768 --seed 1 -o y.npy
    gfd-sample -n 300 gaussian -d 768 --seed 2 -o x.npy
    run --separate-stderr gfd-velocity -f kl -t y.npy x.npy -o v.npy
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"warning: bandwidth"*"(scott) is"*"times below the targets' median nearest-neighbour distance"*"-b median"* ]]
    run --separate-stderr gfd-velocity -f kl -b median -t y.npy x.npy -o v.npy
    [ "$status" -eq 0 ] && [ -z "$stderr" ]
    gfd-sample -n 300 8gaussians --seed 1 -o y2.npy
    run --separate-stderr gfd-velocity -f kl -t y2.npy y2.npy -o v.npy
    [ "$status" -eq 0 ] && [ -z "$stderr" ]
}

@test "velocity: drift on diverged particles is a numerical fault (exit 1), not a usage error" {
    printf '1e300,1e300\n-1e300,-1e300\n0,0\n' > big.csv
    expect_fail 1 "the mean distance is inf: the particles diverged" gfd-velocity -f drift -t big.csv big.csv
}

@test "velocity: -v counts the particles the ratio clip binds; most of them is a warning" {
    gfd-sample -n 300 gaussian -d 768 --seed 1 -o y.npy
    gfd-sample -n 300 gaussian -d 768 --seed 2 -o x.npy
    run --separate-stderr gfd-velocity -v -f kl -t y.npy x.npy -o v.npy
    [[ "$stderr" == *"ratio clip 1e+06: 300 of 300 particles clipped (100.0%) at step 1"* ]]
    [[ "$stderr" == *"warning: the ratio clip binds most particles"* ]]
    gfd-sample -n 300 8gaussians --seed 1 -o y2.npy
    gfd-sample -n 300 gaussian -d 2 --seed 2 -o x2.npy
    run --separate-stderr gfd-velocity -v -f kl -t y2.npy x2.npy -o v.npy
    [[ "$stderr" == *"ratio clip 1e+06: 0 of 300 particles clipped (0.0%)"* ]] && [[ "$stderr" != *warning* ]]
}

@test "velocity: --shard-targets in one process is the one shard: the same bytes; what needs every target is refused" {
    gfd-sample -n 300 8gaussians --seed 1 -o y.npy
    gfd-sample -n 200 gaussian -d 2 --seed 2 -o x.npy
    gfd-velocity -f rkl -b 0.4 -t y.npy x.npy -o v1.npy
    gfd-velocity -f rkl -b 0.4 --shard-targets -t y.npy x.npy -o v2.npy
    cmp v1.npy v2.npy
    expect_fail 2 "--shard-targets: sinkhorn needs every target on every rank" \
        gfd-velocity -f sinkhorn -b 0.4 --shard-targets -t y.npy x.npy
    expect_fail 2 "--shard-targets: the bandwidth rules need every target" \
        gfd-velocity -f kl --shard-targets -t y.npy x.npy
    expect_fail 2 "--shard-targets does not apply" gfd-train -t y.npy -f kl -b 0.4 --shard-targets -T 1 -o m.gfdm
    [ ! -e m.gfdm ]
    gfd-velocity --list-fields | grep -q '^kl .*,sums '
    ! gfd-velocity --list-fields | grep -q '^drift .*sums'
}
