#!/usr/bin/env bats
# gfd-sphere: usage and data errors, reproducible bytes whatever -j, and every
# subcommand against an independent computation in tests/py/sphere_ref.py (numpy,
# scipy.special.ive, mpmath; tolerances and their provenance are in that file).
load helper

setup() { cd "$BATS_TEST_TMPDIR"; }

@test "sphere: --help and --version exit 0" {
    run gfd-sphere --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage: gfd-sphere project "* ]]
    [[ "$output" == *"--centers-in"* ]]
    run gfd-sphere --version
    [ "$status" -eq 0 ]
    [[ "$output" == "gfd-sphere (gfd) "* ]]
}

@test "sphere: usage errors are one line and exit 2" {
    expect_fail 2 "gfd-sphere: unknown subcommand 'spin' (project, sample, tangent, exp, dist)" gfd-sphere spin
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    expect_fail 2 "no subcommand given" gfd-sphere
    expect_fail 2 "sample: unknown distribution 'vmff'" gfd-sphere sample vmff
    expect_fail 2 "--kappa does not apply to dist" gfd-sphere dist --kappa 3 a b
    expect_fail 2 "--kappa does not apply to uniform" gfd-sphere sample uniform --kappa 3
    expect_fail 2 "--mu does not apply to vmf-mixture" gfd-sphere sample vmf-mixture --mu 1,0
    expect_fail 2 "--project does not apply to vmf" gfd-sphere sample vmf --project
    expect_fail 2 "dist: expected two files A B, got 1" gfd-sphere dist a
    expect_fail 2 "sample: expected one distribution (uniform, vmf, vmf-mixture), got 0" gfd-sphere sample
    expect_fail 2 "--mu: the sphere needs at least 2 coordinates" gfd-sphere sample vmf --mu 1
    expect_fail 2 "-d: 1 is out of range" gfd-sphere sample uniform -d 1
    expect_fail 2 "--kappa: -1 is out of range" gfd-sphere sample vmf --kappa -1
    expect_fail 2 "--mu: 'x' is not a number" gfd-sphere sample vmf --mu 1,x
    expect_fail 2 "-d 4, but --mu has 3 coordinates" gfd-sphere sample vmf --mu 1,0,0 -d 4
    expect_fail 2 "--mu and --mu-file: give one" gfd-sphere sample vmf --mu 1,0 --mu-file m.csv
    expect_fail 2 "--modes and --centers-in: give one" gfd-sphere sample vmf-mixture --modes 2 --centers-in c.csv
    expect_fail 2 "--centers: -n does not apply" gfd-sphere sample vmf --centers -n 5
    expect_fail 2 "A and B cannot both be standard input" gfd-sphere dist - -
}

@test "sphere: zero rows and points off the sphere are one line naming file and row, exit 1" {
    printf '0.6,0.8\n0,0\n1,0\n' > zero.csv
    expect_fail 1 "gfd-sphere: zero.csv: row 2: a zero row has no direction" gfd-sphere project zero.csv
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    printf '0.6,0.8\n1,0\n0,1.5\n0,3\n' > off.csv
    printf '1,0\n1,0\n1,0\n1,0\n' > ok.csv
    expect_fail 1 "gfd-sphere: off.csv: row 3: norm 1.5 is not 1" gfd-sphere dist ok.csv off.csv
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    expect_fail 1 "gfd-sphere: stdin: row 3: norm 1.5 is not 1" gfd-sphere dist ok.csv - < off.csv
    printf '0.6,0.8,1,1\n2,0,0,1\n' > xv.csv
    expect_fail 1 "xv.csv: row 2: norm 2 is not 1" gfd-sphere exp xv.csv
    expect_fail 1 "xv.csv: row 2: norm 2 is not 1" gfd-sphere tangent xv.csv
    printf '1,0,0\n' > odd.csv
    expect_fail 1 "odd.csv: 3 columns: rows [x, v] need an even number" gfd-sphere exp odd.csv
    printf '1,0\n' > one.csv
    expect_fail 1 "ok.csv has 4 rows and one.csv 1: row-by-row distances need equal counts" gfd-sphere dist ok.csv one.csv
    expect_fail 1 "zero.csv: row 2: a zero row has no direction" gfd-sphere dist --project zero.csv zero.csv
    # within 1e-6 of unit norm is accepted (and normalised), --project takes any nonzero row
    printf '0.6000003,0.8\n' > near.csv
    run gfd-sphere dist near.csv near.csv
    [ "$status" -eq 0 ] && [ "$output" = 0 ]
    run gfd-sphere dist --project off.csv ok.csv
    [ "$status" -eq 0 ]
    [ "${lines[3]}" = 1.5707963267948966 ]
    # a failed run leaves no output file
    expect_fail 1 "row 3" gfd-sphere dist -o d.csv ok.csv off.csv
    [ ! -e d.csv ]
}

@test "sphere: --mu-file and --centers-in errors name the file" {
    printf '1,0,0\n0,1,0\n' > two.csv
    expect_fail 1 "two.csv: 2 rows: --mu-file holds one direction" gfd-sphere sample vmf --mu-file two.csv
    printf '1,0,0\n0,0,0\n' > c0.csv
    expect_fail 1 "c0.csv: row 2: a zero row has no direction" gfd-sphere sample vmf-mixture --centers-in c0.csv
    expect_fail 1 "--mu: row 1: a zero row has no direction" gfd-sphere sample vmf --mu 0,0,0
}

@test "sphere: project normalises rows; the output keeps the input's format" {
    printf '3,4\n0,-2\n' > p.csv
    run gfd-sphere project p.csv
    [ "$status" -eq 0 ]
    [ "$output" = $'0.6,0.8\n0,-1' ]
    gfd-sphere project -F npy p.csv > p.npy
    gfd-sphere project p.npy > q.npy
    cmp p.npy q.npy
}

@test "sphere: same seed same bytes, another seed other bytes, rows a prefix, -j never matters" {
    for dist in uniform vmf vmf-mixture; do
        gfd-sphere sample $dist -n 3000 -d 5 -s 4 -F npy > a.npy
        gfd-sphere sample $dist -n 3000 -d 5 -s 4 -F npy -j 1 > b.npy
        gfd-sphere sample $dist -n 3000 -d 5 -s 4 -F npy -j 2 > c.npy
        gfd-sphere sample $dist -n 3000 -d 5 -s 5 -F npy > e.npy
        cmp a.npy b.npy
        cmp a.npy c.npy
        run cmp -s a.npy e.npy
        [ "$status" -eq 1 ]
        [ "$(gfd-sphere sample $dist -n 100 -d 5 -s 4)" = "$(gfd-sphere sample $dist -n 300 -d 5 -s 4 | head -n 100)" ]
    done
    gfd-sphere sample uniform -n 1500 -d 4 -s 1 > a.csv
    gfd-sphere sample vmf -n 1200 -d 4 -s 2 > b.csv
    paste -d, a.csv <(gfd-sphere sample uniform -n 1500 -d 4 -s 3) > xv.csv
    for j in 1 2; do
        gfd-sphere dist --all -j $j -F npy a.csv b.csv > all$j.npy
        gfd-sphere dist -j $j a.csv a.csv > rows$j.csv
        gfd-sphere exp -j $j xv.csv > exp$j.csv
        gfd-sphere tangent -j $j xv.csv > tan$j.csv
    done
    cmp all1.npy all2.npy
    cmp rows1.csv rows2.csv
    cmp exp1.csv exp2.csv
    cmp tan1.csv tan2.csv
}

@test "sphere: A_d(kappa) (printed by -v) matches scipy.special.ive" {
    for d in 2 3 5 16 100; do
        for k in 0.001 0.5 1 10 100 1000 100000; do
            A=$(gfd-sphere sample vmf -n 1 -d $d --kappa $k -v 2>&1 >/dev/null |
                sed -n 's/.*A_[0-9]*(kappa) = \([^,]*\),.*/\1/p')
            echo "$d $k $A" >> table
        done
    done
    for k in 300 1000 100000; do  # scipy's ive(500, k) underflows below
        A=$(gfd-sphere sample vmf -n 1 -d 1000 --kappa $k -v 2>&1 >/dev/null |
            sed -n 's/.*A_[0-9]*(kappa) = \([^,]*\),.*/\1/p')
        echo "1000 $k $A" >> table
    done
    [ "$(wc -l < table)" -eq 38 ]
    py sphere_ref.py meanlength table
}

@test "sphere: dist matches numpy row by row and --all; small angles match mpmath" {
    gfd-sphere sample uniform -n 300 -d 3 -s 1 > a.csv
    gfd-sphere sample vmf -n 300 -d 3 -s 2 --kappa 2 --mu 1,2,3 > b.csv
    gfd-sphere sample uniform -n 200 -d 3 -s 3 > c.csv
    gfd-sphere dist a.csv b.csv > ab.csv
    gfd-sphere dist --all -o ac.npy a.csv c.csv
    py sphere_ref.py dist a.csv b.csv ab.csv
    py sphere_ref.py dist a.csv c.csv ac.npy all
    # pairs 1e-12 to 1e-2 apart and near antipodal, made by exp steps along tangents
    gfd-sphere sample uniform -n 40 -d 7 -s 4 > x.csv
    gfd-sphere sample uniform -n 40 -d 7 -s 5 |
        awk -F, '{ s = 10 ^ (-12 + (NR % 20) / 2); if (NR > 20) s = 3.141592653589793 - s;
                   for (k = 1; k <= NF; k++) printf "%s%.17g", (k > 1 ? "," : ""), s * $k; print "" }' > v.csv
    paste -d, x.csv v.csv | gfd-sphere tangent | cut -d, -f8- > t.csv
    # rescale each tangent to its length s, then step
    paste -d, x.csv v.csv t.csv | awk -F, '{ n = 0; s = 0; for (k = 8; k <= 14; k++) s += $k * $k;
        for (k = 15; k <= 21; k++) n += $k * $k; printf "%s", $1; for (k = 2; k <= 7; k++) printf ",%s", $k;
        for (k = 15; k <= 21; k++) printf ",%.17g", $k * sqrt(s / n); print "" }' > xv.csv
    gfd-sphere exp xv.csv > y.csv
    gfd-sphere dist x.csv y.csv > xy.csv
    py sphere_ref.py precise x.csv y.csv xy.csv
}

@test "sphere: tangent and exp match numpy; exp rows are unit" {
    gfd-sphere sample uniform -n 500 -d 6 -s 7 > x.csv
    gfd-sphere sample uniform -n 500 -d 6 -s 8 | awk -F, '{ for (k = 1; k <= NF; k++) printf "%s%.17g", (k > 1 ? "," : ""), 3 * $k; print "" }' > v.csv
    paste -d, x.csv v.csv > xv.csv
    gfd-sphere tangent xv.csv > t.csv
    gfd-sphere exp -F npy xv.csv > e.npy
    py sphere_ref.py tangent xv.csv t.csv
    py sphere_ref.py exp xv.csv e.npy
    # exp of the tangent rows equals exp of the raw rows (the radial part is dropped)
    gfd-sphere exp t.csv > e2.csv
    gfd-sphere exp xv.csv > e1.csv
    py sphere_ref.py exp t.csv e2.csv
}

@test "sphere: vMF samples follow the vMF law of the angle to mu (KS), d 2, 3, 16" {
    for d in 2 3 16; do
        for k in 0 1 10 100; do
            # the mean direction (the modes file's first d columns; kappa 0 has no modes)
            gfd-sphere sample vmf -d $d --kappa 1 -s $((d * 7 + k)) --centers > mu.csv
            gfd-sphere sample vmf -n 3000 -d $d --kappa $k -s $((d * 7 + k)) -F npy > s.npy
            py sphere_ref.py ks s.npy mu.csv $k
        done
    done
    # a given mean direction, from --mu and from --mu-file (normalised either way)
    gfd-sphere sample vmf -n 3000 --mu=-1,2,-2 --kappa 30 -s 1 > s1.csv
    echo '-1,2,-2' > m.csv
    gfd-sphere sample vmf -n 3000 --mu-file m.csv --kappa 30 -s 1 > s2.csv
    cmp s1.csv s2.csv
    py sphere_ref.py ks s1.csv m.csv 30
    gfd-sphere sample uniform -n 3000 -d 4 -s 9 > u.csv
    echo '0,0,0,1' > n.csv
    py sphere_ref.py ks u.csv n.csv 0
}

@test "sphere: vmf-mixture draws its centres first; --centers writes them as [mu, sigma]" {
    # the one modes format (gfd-sample --centers, gfd-eval --modes): sigma = 1/sqrt(kappa)
    # radians, the small-angle law of a vMF mode (MATH §4)
    run gfd-sphere sample vmf-mixture --modes 5 -d 4 --kappa 4 -s 3 --centers
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 5 ]
    awk -F, 'NF != 5 || $5 != 0.5 || ($1^2 + $2^2 + $3^2 + $4^2 - 1)^2 > 1e-28 { bad = 1 } END { exit bad }' <<<"$output"
    expect_fail 2 "kappa 0: the modes need a positive concentration" \
        gfd-sphere sample vmf-mixture --modes 5 --kappa 0 --centers
    # kappa 1e8: every point sits on one of the centres written with the same seed
    gfd-sphere sample vmf-mixture --modes 5 -d 4 --kappa 1e8 -s 3 --centers > c.csv
    gfd-sphere sample vmf-mixture --modes 5 -d 4 --kappa 1e8 -s 3 -n 500 > s.csv
    gfd-sphere dist --all s.csv <(cut -d, -f1-4 c.csv) |
        awk -F, '{ m = 9; for (k = 1; k <= NF; k++) if ($k < m) m = $k; if (m > 1e-3) bad = 1 } END { exit bad }'
    # given centres, three orthogonal: the angle to the nearest centre has the vMF law
    printf '1,0,0\n0,2,0\n0,0,-3\n' > ci.csv
    gfd-sphere sample vmf-mixture --centers-in ci.csv --kappa 50 -n 3000 -s 2 > m.csv
    py sphere_ref.py ks m.csv ci.csv 50
    run gfd-sphere sample vmf-mixture --centers-in ci.csv --kappa 25 --centers
    [ "${lines[1]}" = "0,1,0,0.2" ]
}
