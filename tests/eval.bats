#!/usr/bin/env bats
# gfd-eval: every metric against an independent reference (tests/py/eval_ref.py: numpy,
# POT 0.8.2, scipy), the default metric list, the three table formats, thread
# independence, and the one-line errors.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 300 -s 1 8gaussians -o y.npy
    gfd-sample -n 300 -s 2 8gaussians -o s.npy
    gfd-sample -n 300 -s 3 gaussian -o g.npy
}

# ref METRIC SAMPLES TABLE PARAMS... -> the error printed by eval_ref.py
ref() { py eval_ref.py "$1" y.npy "$2" "$3" "${@:4}"; }

@test "eval: --help and --version exit 0" {
    run gfd-eval --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "Usage: gfd-eval -r Y "* ]]
    run gfd-eval --version
    [[ "$output" == "gfd-eval (gfd) "* ]]
}

@test "eval: mmd and energy equal numpy's U-statistics to 1e-10" {
    for s in s.npy g.npy; do
        gfd-eval -r y.npy -m mmd,energy --mmd-bw 0.8 --json "$s" > t.json
        err=$(ref mmd "$s" t.json 0.8); echo "mmd $s $err"; py_lt "$err" 1e-10
        err=$(ref energy "$s" t.json); echo "energy $s $err"; py_lt "$err" 1e-10
    done
}

@test "eval: mmd's default bandwidth is the median pairwise distance of the reference" {
    bw=$("$GFD_PYTHON" -c "import numpy as np; y=np.load('y.npy'); d=((y[:,None]-y[None])**2).sum(-1); print(np.sqrt(np.median(d[np.triu_indices(len(y),1)])))")
    gfd-eval -r y.npy -m mmd --json g.npy > t.json
    err=$(ref mmd g.npy t.json "$bw"); echo "bw $bw err $err"; py_lt "$err" 1e-10
}

@test "eval: w2 equals sqrt(POT emd2) on the squared Euclidean cost to 1e-9" {
    # both are exact optima; 1e-9 covers POT's network simplex tolerance
    for s in s.npy g.npy; do
        gfd-eval -r y.npy -m w2 --json "$s" > t.json
        err=$(ref w2 "$s" t.json); echo "w2 $s $err"; py_lt "$err" 1e-9
    done
}

@test "eval: sinkhorn equals the debiased divergence of POT's log-domain plans to 1e-8" {
    # POT: ot.dist (|x-y|^2), Gibbs kernel exp(-C/eps); OT_eps = <P,C> + eps KL(P|a x b).
    # gfd stops at L1 marginal error 1e-6: measured error ~3e-11 here; 1e-8 leaves room.
    # 150 and 120 points: POT's alternating iteration on the self terms is slow.
    gfd-sample -n 150 -s 4 8gaussians -o y2.npy
    gfd-sample -n 120 -s 5 8gaussians -o s2.npy
    for eps in 0.5 2; do
        gfd-eval -r y2.npy -m sinkhorn --eps $eps --json s2.npy > t.json
        err=$(py eval_ref.py sinkhorn y2.npy s2.npy t.json $eps); echo "eps $eps: $err"; py_lt "$err" 1e-8
    done
}

@test "eval: sw2 agrees with POT's sliced_wasserstein_distance within 4 standard errors" {
    # different random directions: |gfd^2 - POT^2| / se < 4 (se from the spread of POT's
    # per-direction W2^2 and both projection counts); false alarm rate ~6e-5 per check
    for s in s.npy g.npy; do
        gfd-eval -r y.npy -m sw2 --projections 2000 --json "$s" > t.json
        z=$(ref sw2 "$s" t.json 5000 2000 0); echo "sw2 $s z=$z"; py_lt "$z" 4
    done
}

@test "eval: sw2 in one dimension is POT's exact W2 to 1e-12" {
    "$GFD_PYTHON" -c "import numpy as np; r=np.random.default_rng(1); np.save('y1.npy', r.normal(size=(300,1))); np.save('s1.npy', 2*r.normal(size=(170,1))+1)"
    gfd-eval -r y1.npy -m sw2 --projections 3 --json s1.npy > t.json
    err=$(py eval_ref.py sw2exact y1.npy s1.npy t.json); echo "$err"; py_lt "$err" 1e-12
}

@test "eval: prdc equals a numpy transcription of Naeem et al.'s prdc (k = 5 and 3)" {
    for k in 5 3; do
        gfd-eval -r y.npy -m prdc --k $k --json g.npy > t.json
        err=$(ref prdc g.npy t.json $k); echo "k $k: $err"; py_lt "$err" 1e-12
    done
}

@test "eval: coverage from --modes and from --dataset equals numpy's count" {
    gfd-sample --centers 8gaussians > modes.csv
    gfd-eval -r y.npy -m coverage --modes modes.csv --json g.npy > t.json
    err=$(ref coverage g.npy t.json modes.csv); echo "$err"; py_lt "$err" 1e-12
    gfd-eval -r y.npy -m coverage --dataset 8gaussians --json g.npy > t2.json
    cmp t.json t2.json
}

@test "eval: nll equals scipy logsumexp KDE cross-entropies to 1e-12" {
    gfd-eval -r y.npy -m nll -b 0.4 --json g.npy > t.json
    err=$(ref nll g.npy t.json 0.4); echo "$err"; py_lt "$err" 1e-12
}

@test "eval: the default metrics, one row per file, stdin by default" {
    run --separate-stderr gfd-eval -r y.npy s.npy g.npy
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    [[ "${lines[0]}" == "file "*"mmd2"*"energy"*"sw2"*"w2"*"sinkhorn"*"precision"*"nll_samp" ]]
    [[ "${lines[0]}" != *"mode_kl"* ]]
    [[ "${lines[2]}" == "g.npy "* ]]
    gfd-sample -n 200 -s 5 8gaussians -o small.npy
    run gfd-eval -r y.npy --csv --dataset 8gaussians < small.npy
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "file,mmd2,energy,sw2,sinkhorn,hq,modes,mode_kl,precision,"* ]]
    [[ "${lines[1]}" == "stdin,"* ]]
}

@test "eval: CSV and JSON tables read back in Python; -o NAME.json picks JSON" {
    gfd-eval -r y.npy -m energy,prdc --csv s.npy g.npy > t.csv
    gfd-eval -r y.npy -m energy,prdc -o t.json s.npy g.npy
    "$GFD_PYTHON" - <<'PY'
import csv, json
rows = list(csv.DictReader(open("t.csv")))
js = json.load(open("t.json"))
assert [r["file"] for r in rows] == ["s.npy", "g.npy"] == [r["file"] for r in js]
for r, j in zip(rows, js):
    assert all(float(r[k]) == j[k] for k in j if k != "file"), (r, j)
PY
}

@test "eval: same bytes with -j 1 and -j 2" {
    gfd-eval -r y.npy --csv -j 1 --dataset 8gaussians s.npy g.npy > a.csv
    gfd-eval -r y.npy --csv -j 2 --dataset 8gaussians s.npy g.npy > b.csv
    cmp a.csv b.csv
}

@test "eval: bad input is one line, exit 1 or 2, no output" {
    gfd-sample -n 300 -d 3 gaussian -o g3.npy
    gfd-sample -n 200 -s 6 8gaussians -o s200.npy
    expect_fail 1 "gfd-eval: g3.npy: 3 columns, but the reference has 2" gfd-eval -r y.npy s.npy g3.npy
    expect_fail 2 "gfd-eval: --metrics: unknown metric 'w3'" gfd-eval -r y.npy -m w3 s.npy
    expect_fail 1 "gfd-eval: s200.npy: w2: exact W2 needs as many samples as reference points (N = 200, M = 300): use sinkhorn" \
        gfd-eval -r y.npy -m w2 s200.npy
    expect_fail 2 "gfd-eval: coverage needs the mixture's modes: --modes FILE or --dataset NAME" \
        gfd-eval -r y.npy -m coverage s.npy
    expect_fail 2 "gfd-eval: --dataset: moons has no centres" gfd-eval -r y.npy --dataset moons s.npy
    expect_fail 2 "gfd-eval: no reference: -r FILE is required" gfd-eval s.npy
    expect_fail 2 "gfd-eval: --eps:" gfd-eval -r y.npy --eps -1 s.npy
    expect_fail 2 "gfd-eval: the table is text" gfd-eval -r y.npy -F npy s.npy
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    gfd-sample --centers 8gaussians > modes.csv
    expect_fail 1 "gfd-eval: the modes have 3 columns, want 4: [c_1 .. c_3, sigma]" \
        gfd-eval -r g3.npy --modes modes.csv -m coverage g3.npy
    run gfd-eval -r y.npy -m energy -o out.csv s.npy g3.npy
    [ "$status" -eq 1 ]
    [ ! -e out.csv ]
}

@test "eval: w2 refuses more than 10^4 points, naming sinkhorn" {
    gfd-sample -n 10001 -s 7 gaussian -o big.npy
    expect_fail 1 "w2: N = 10001 is above the exact solver's limit of 10000 points: use sinkhorn" \
        gfd-eval -r big.npy -m w2 big.npy
}

@test "eval: metrics without a bandwidth take a one-point reference; nll names the rule" {
    printf '3,4\n' > r1.csv
    printf '0,0\n' > s1.csv
    run --separate-stderr gfd-eval -r r1.csv -m w2,sw2 --projections 4000 --csv s1.csv
    [ "$status" -eq 0 ]
    # one point to one point: w2 = |x - y| = 5; sw2^2 = E (theta . z)^2 = 25/2 up to the
    # Monte Carlo error of 4000 directions (0.6% relative, checked to 3%)
    [[ "${lines[1]}" == "s1.csv,5,"* ]]
    py_close "${lines[1]##*,}" 3.5355339 0.03
    expect_fail 1 "the scott bandwidth needs at least 2 target points, not 1" gfd-eval -r r1.csv -m nll s1.csv
    gfd-eval -r r1.csv -m sinkhorn --eps 1 s1.csv > /dev/null
}

@test "eval: sinkhorn shows its iterations on a terminal only, and erases the line" {
    gfd-sample -n 600 -s 1 8gaussians -o ref.npy
    gfd-sample -n 600 -s 2 gaussian -d 2 -o s.npy
    # a terminal (script(1) runs the program on a pseudo-terminal, its bytes into ts.txt)
    script -qec "gfd-eval -r ref.npy -m sinkhorn --eps 0.01 s.npy" ts.txt > out.txt
    grep -q "sinkhorn OT(a, b): iteration [0-9]*, marginal error" ts.txt || { cat ts.txt; return 1; }
    grep -q $'\r\033\[K' ts.txt
    grep -q "^s.npy " ts.txt
    # not a terminal, or -q: nothing but the table
    run --separate-stderr gfd-eval -r ref.npy -m sinkhorn --eps 0.01 s.npy
    [ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "stderr: $stderr"; return 1; }
    script -qec "gfd-eval -q -r ref.npy -m sinkhorn --eps 0.01 s.npy" ts2.txt > out2.txt
    ! grep -q "iteration" ts2.txt
}

@test "eval: -o NAME.json.gz writes gzip'd JSON; -z gzips; NAME.npy and -F npy are refused" {
    gfd-sample -n 50 gaussian --seed 1 -o r.csv
    gfd-eval -r r.csv -m energy -o t.json.gz r.csv
    zcat t.json.gz | "$GFD_PYTHON" -c "import json, sys; t = json.load(sys.stdin); assert t[0]['file'] == 'r.csv'"
    gfd-eval -r r.csv -m energy -z -o t.txt r.csv
    zcat t.txt | grep -q '^file  *energy$'
    expect_fail 2 "the table is text" gfd-eval -r r.csv -m energy -o t.npy r.csv
    expect_fail 2 "the table is text" gfd-eval -r r.csv -m energy -F npy r.csv
    [ ! -e t.npy ]
}

@test "eval: sinkhorn's default eps is 2 h^2, raised to 1% of the median squared distance in high d" {
    gfd-sample -n 200 gaussian -d 768 --seed 1 -o r.npy
    gfd-sample -n 200 gaussian -d 768 --seed 2 -o s.npy
    run --separate-stderr gfd-eval -v -r r.npy -m sinkhorn s.npy
    [ "$status" -eq 0 ] && [[ "$stderr" == *"(1% of the reference's median squared distance"* ]]
    eps=$(sed -nE 's/.*sinkhorn: eps ([0-9.e+]+) .*/\1/p' <<< "$stderr")
    med=$(sed -nE "s/.*median squared distance ([0-9.e+]+),.*/\1/p" <<< "$stderr")
    py_close "$eps" "$(awk -v m="$med" 'BEGIN { print m / 100 }')" 1e-5
    gfd-sample -n 200 8gaussians --seed 1 -o r2.npy
    gfd-sample -n 200 gaussian --seed 2 -o s2.npy
    run --separate-stderr gfd-eval -v -r r2.npy -m sinkhorn s2.npy
    [ "$status" -eq 0 ] && [[ "$stderr" == *"(2 h^2, h "* ]]
}

# weights FILE N SEED: N positive weights, a fifth of them 0.
weights() { "$GFD_PYTHON" -c "
import numpy as np
r = np.random.default_rng($3); w = r.uniform(0.2, 3, $2); w[r.random($2) < 0.2] = 0
np.savetxt('$1', w)"; }

@test "eval: --weights and --reference-weights equal numpy's weighted statistics and POT's weighted plans" {
    # MATH §5 with row weights: U-statistics over pairs of weight w_i w_j (the self sums divided
    # by 1 - sum w_i^2), sinkhorn's marginals a and b the weights, coverage counting weight,
    # nll the weighted mean of the weighted KDE. Tolerances as for the unweighted metrics.
    weights wy.csv 300 1; weights ws.csv 300 2
    gfd-sample --centers 8gaussians > modes.csv
    export WX=ws.csv WY=wy.csv
    w="--weights ws.csv --reference-weights wy.csv"
    gfd-eval -r y.npy $w -m mmd,energy,coverage,nll --mmd-bw 0.8 -b 0.4 --modes modes.csv --json g.npy > t.json
    err=$(ref mmd g.npy t.json 0.8); echo "mmd $err"; py_lt "$err" 1e-10
    err=$(ref energy g.npy t.json); echo "energy $err"; py_lt "$err" 1e-10
    err=$(ref coverage g.npy t.json modes.csv); echo "coverage $err"; py_lt "$err" 1e-12
    err=$(ref nll g.npy t.json 0.4); echo "nll $err"; py_lt "$err" 1e-12
    gfd-sample -n 150 -s 4 8gaussians -o y2.npy
    gfd-sample -n 120 -s 5 8gaussians -o s2.npy
    weights wy.csv 150 3; weights ws.csv 120 4
    gfd-eval -r y2.npy $w -m sinkhorn --eps 0.5 --json s2.npy > t.json
    err=$(py eval_ref.py sinkhorn y2.npy s2.npy t.json 0.5); echo "sinkhorn $err"; py_lt "$err" 1e-8
}

@test "eval: weights of 0 and 1 equal the subset of rows; uniform weights change nothing" {
    "$GFD_PYTHON" -c "
import numpy as np
r = np.random.default_rng(7)
for name, n in (('y', 300), ('g', 300)):
    x = np.load(name + '.npy'); keep = r.random(n) < 0.6
    np.savetxt(name + '01.csv', keep * 1.0); np.save(name + 'sub.npy', x[keep])
np.savetxt('ones.csv', np.full(300, 2.5))"
    m="-m mmd,energy,sinkhorn,coverage,nll --eps 0.5 --dataset 8gaussians --csv"
    gfd-eval -r y.npy --reference-weights y01.csv --weights g01.csv $m g.npy | cut -d, -f2- > w.csv
    gfd-eval -r ysub.npy $m gsub.npy | cut -d, -f2- > sub.csv
    tables_close() { "$GFD_PYTHON" -c "
import numpy as np, sys
a, b = (np.loadtxt(f, delimiter=',', skiprows=1) for f in sys.argv[1:])
e = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)); print(e); sys.exit(int(e > 1e-11))" "$@"; }
    tables_close w.csv sub.csv
    gfd-eval -r y.npy --reference-weights ones.csv --weights ones.csv $m g.npy | cut -d, -f2- > u.csv
    gfd-eval -r y.npy $m g.npy | cut -d, -f2- > plain.csv
    tables_close u.csv plain.csv
}

@test "eval: metrics without weights refuse them; the default list keeps those that take them" {
    weights ws.csv 300 2
    expect_fail 2 "gfd-eval: sw2 takes no weights (metrics with weights: mmd, energy, sinkhorn, coverage, nll)" \
        gfd-eval -r y.npy --weights ws.csv -m mmd,sw2 g.npy
    expect_fail 2 "gfd-eval: prdc takes no weights (metrics with weights: mmd, energy, sinkhorn, coverage, nll)" \
        gfd-eval -r y.npy --reference-weights ws.csv -m prdc g.npy
    expect_fail 2 "gfd-eval: --weights: give one sample set (2 given)" gfd-eval -r y.npy --weights ws.csv g.npy s.npy
    weights w5.csv 5 1
    expect_fail 1 "w5.csv: 5 rows of 1 columns, expected one column of 300 weights for the samples" \
        gfd-eval -r y.npy --weights w5.csv g.npy
    run --separate-stderr gfd-eval -r y.npy --weights ws.csv --csv g.npy
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "file,mmd2,energy,sinkhorn,nll_ref,nll_samp" ]
    gfd-eval --list-metrics | grep -q '^mmd .*mmd2;weights'
}
