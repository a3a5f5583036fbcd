#!/usr/bin/env bats
# gfd-step: the pipe gfd-velocity | gfd-step equals gfd-step -t -f byte for byte (with and
# without the cap and noise), the MATH §1 defaults, the cap, thread independence, and bad
# input: one line on stderr, exit 2 (usage) or 1 (data), no output.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 200 -s 1 8gaussians > y.csv
    gfd-sample -n 150 -s 2 -F npy gaussian > x.npy
}

@test "step: --help and --version exit 0" {
    run gfd-step --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage: gfd-step "* ]]
    [[ "$output" == *"--max-move"* ]]
    run gfd-step --version
    [ "$status" -eq 0 ]
    [[ "$output" == "gfd-step (gfd) "* ]]
}

@test "step: gfd-velocity | gfd-step -e equals gfd-step -t -f -e, byte for byte" {
    # eta 0.001: no particle reaches the default cap 0.5 h, so both commands agree as given
    gfd-velocity -t y.csv -f kl < x.npy | gfd-step -e 0.001 > a.npy
    gfd-step -t y.csv -f kl -e 0.001 < x.npy > b.npy
    cmp a.npy b.npy
    gfd-step -t y.csv -f kl -e 0.001 --max-move 0 < x.npy > c.npy
    cmp a.npy c.npy
    # a cap that binds, and noise: the same options on both sides give the same bytes
    gfd-velocity -t y.csv -f rkl:0.5,chi2:0.5 x.npy | gfd-step -e 0.1 --max-move 0.05 --noise 0.2 -s 4 --step 9 > d.npy
    gfd-step -t y.csv -f rkl:0.5,chi2:0.5 -e 0.1 --max-move 0.05 --noise 0.2 -s 4 --step 9 x.npy > e.npy
    cmp d.npy e.npy
    gfd-step -t y.csv -f rkl:0.5,chi2:0.5 -e 0.1 --max-move 0 --noise 0.2 -s 4 --step 9 x.npy > f.npy
    run ! cmp -s e.npy f.npy
}

@test "step: the defaults are eta = 0.5 h^2 and a cap of 0.5 h for score fields" {
    h=$(gfd-kde -t y.csv --print-bandwidth)
    read -r eta cap < <("$GFD_PYTHON" -c "h = float('$h'); print('%.17g %.17g' % (0.5 * h * h, 0.5 * h))")
    gfd-velocity -t y.csv -f chi2 x.npy | gfd-step -e "$eta" --max-move "$cap" > a.npy
    gfd-step -t y.csv -f chi2 x.npy > b.npy
    cmp a.npy b.npy
    run --separate-stderr gfd-step -v -t y.csv -f chi2 x.npy
    [[ "$stderr" == *"eta $eta, max-move $cap"* ]]
}

@test "step: the cap bounds every move by --max-move" {
    gfd-step -t y.csv -f chi2 -e 1 --max-move 0.05 -F csv x.npy > moved.csv
    gfd-velocity -t y.csv -f chi2 -F csv x.npy > xv.csv
    paste -d, xv.csv moved.csv | awk -F, '{ dx = $5 - $1; dy = $6 - $2; m = sqrt(dx*dx + dy*dy);
        if (m > 0.05 * (1 + 1e-12)) bad++; if (m > 0.0499) full++ }
        END { exit !(bad == 0 && full > 0) }'
}

@test "step: same bytes for -j1 and -j2" {
    gfd-step -t y.csv -f kl-smoothed --noise 0.3 -j 1 x.npy > a.npy
    gfd-step -t y.csv -f kl-smoothed --noise 0.3 -j 2 x.npy > b.npy
    cmp a.npy b.npy
}

@test "step: reading v, -e is required; -t and -f go together" {
    gfd-velocity -t y.csv -f kl x.npy > xv.npy
    expect_fail 2 "gfd-step: -e ETA is required when v is read from the input" gfd-step xv.npy
    [ "${#stderr_lines[@]}" -eq 1 ]
    expect_fail 2 "gfd-step: no field: -f FIELD is required" gfd-step -t y.csv x.npy
    expect_fail 2 "gfd-step: no targets: -t FILE is required" gfd-step -f kl x.npy
    expect_fail 2 "gfd-step: -e: the step size must be > 0" gfd-step -e 0 xv.npy
    expect_fail 2 "gfd-step: --max-move: -1 is out of range" gfd-step -e 1 --max-move -1 xv.npy
    expect_fail 2 "gfd-step: unknown field 'foo'" gfd-step -t y.csv -f foo x.npy
}

@test "step: an odd number of columns is a data error" {
    printf '1,2,3\n4,5,6\n' > odd.csv
    expect_fail 1 "gfd-step: stdin: 3 columns: expected rows [x, v], an even number" gfd-step -e 0.1 < odd.csv
    [ "${#stderr_lines[@]}" -eq 1 ]
    expect_fail 1 "gfd-step: odd.csv: 3 columns" gfd-step -e 0.1 -o out.csv odd.csv
    [ ! -e out.csv ]
}
