#!/usr/bin/env bats
# The MPI variants (make mpi; gfd(7) "Running under MPI"): 1, 2 and 3 ranks give the plain
# program's bytes for every field, for gfd-velocity, gfd-eval and gfd-train; a run goes on
# with another rank count; a failing rank ends every rank with one message and no output;
# sharded targets equal broadcast ones to rounding.
# The sums are shared only above 2^20 pairs: N = M = 1100 makes every field's sums shared
# (5 blocks of 256 rows over 3 ranks: uneven shares).
load helper

setup() {
    command -v mpirun >/dev/null || skip "skipped: no mpirun"
    [ -x "$GFD_BIN/gfd-flow-mpi" ] || skip "skipped: no MPI build (make mpi)"
    cd "$BATS_TEST_TMPDIR"
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    # one node, shared memory only: no network probing, no CMA (containers without ptrace rights)
    export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
    gfd-sample -n 1100 8gaussians --seed 1 -o y.npy
    gfd-sample -n 1100 gaussian -d 2 --seed 2 -o x.npy
}

# ranks P PROGRAM ARGS...: PROGRAM-mpi on P ranks, one thread each.
ranks() { mpirun -q -n "$1" "$GFD_BIN/$2-mpi" -j 1 "${@:3}"; }

# same_bytes PROGRAM ARGS... -o OUT: the plain program, then 1, 2 and 3 ranks, compared.
same_bytes() {
    local prog=$1 out=${*: -1}
    "$prog" "${@:2}"
    mv "$out" plain.out
    for p in 1 2 3; do
        ranks "$p" "${@:1}"
        cmp plain.out "$out" || { echo "$prog ${*:2}: $p ranks differ from the plain program"; return 1; }
    done
}

@test "mpi: gfd-flow on 1, 2 and 3 ranks gives the plain program's bytes for every field (20 steps)" {
    for f in kl rkl chi2 mmd drift sinkhorn-proxy sliced critic rkl:0.5,chi2:0.5; do
        same_bytes gfd-flow -t y.npy -f "$f" -T 20 -s 3 x.npy -o out.npy
        echo "# $f: same bytes" >&3
    done
}

@test "mpi: mini-batches, step noise, the log and the trajectory are the same bytes too" {
    same_bytes gfd-flow -t y.npy -f kl --batch 300 --noise 0.05 -T 10 -s 4 x.npy -o out.npy
    gfd-flow -t y.npy -f kl -T 10 --log l1.csv --metrics mmd,sw2 --every 5 --trajectory t1.npy x.npy -o o1.npy
    ranks 3 gfd-flow -t y.npy -f kl -T 10 --log l3.csv --metrics mmd,sw2 --every 5 --trajectory t3.npy x.npy -o o3.npy
    cmp t1.npy t3.npy
    cut -d, -f1,3- l1.csv > a.csv; cut -d, -f1,3- l3.csv > b.csv  # column 2 is wall time
    cmp a.csv b.csv
}

@test "mpi: gfd-velocity and gfd-eval on 1, 2 and 3 ranks give the plain program's bytes" {
    for f in kl drift mmd; do
        same_bytes gfd-velocity -t y.npy -f "$f" x.npy -o v.npy
    done
    same_bytes gfd-eval -r y.npy -m mmd,energy,sinkhorn,nll,sw2 --csv x.npy -o e.csv
}

@test "mpi: 50 steps of gfd-train on 1, 2 and 3 ranks give the plain program's model" {
    same_bytes gfd-train -t y.npy -f kl -T 50 --gen-batch 1100 --data-batch 1100 -s 5 -o m.gfdm
}

@test "mpi: a run continues on another rank count: 2 ranks then 3 equal one plain run" {
    gfd-flow -t y.npy -f sliced -T 20 -s 3 -o full.npy x.npy
    ranks 2 gfd-flow -t y.npy -f sliced -T 10 -s 3 -o half.npy x.npy
    ranks 3 gfd-flow -t y.npy -f sliced -T 10 --step 10 -s 3 -o rest.npy half.npy
    cmp full.npy rest.npy
    # a plain run SIGKILLed at a random step (as resume.bats), resumed on 3 ranks
    gfd-flow -t y.npy -f kl -T 100 -s 3 -o full.npy x.npy
    gfd-flow -t y.npy -f kl -T 100 -s 3 --every 1 --checkpoint ck.csv -o cut.npy x.npy 2> /dev/null &
    local pid=$! tries=0
    until [ -s ck.csv ] || [ $((tries += 1)) -gt 200 ]; do sleep 0.05; done
    sleep "0.$((RANDOM % 3))"
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" || true
    echo "# killed after step $(head -1 ck.csv | sed -E 's/.* step=([0-9]+) .*/\1/')" >&3
    ranks 3 gfd-flow -t y.npy -f kl -T 100 -s 3 --resume ck.csv -o resumed.npy
    cmp full.npy resumed.npy
}

# rel_diff A B: max |A - B| / max |B| of two .npy files.
rel_diff() {
    "$GFD_PYTHON" -c "import numpy as n; a, b = n.load('$1'), n.load('$2'); print(abs(a - b).max() / abs(b).max())"
}

@test "mpi: --shard-targets (every 2nd or 3rd target per rank, merged) equals the broadcast targets to 1e-12" {
    "$GFD_PYTHON" -c "import numpy as n; n.savetxt('w.csv', n.random.default_rng(3).uniform(0, 2, 1100))"
    for f in kl rkl chi2 js mmd kl-smoothed rkl:0.5,chi2:0.5; do
        gfd-flow -t y.npy -f "$f" -b 0.3 --target-weights w.csv -T 20 -s 3 x.npy -o plain.npy
        for p in 2 3; do
            ranks "$p" gfd-flow -t y.npy -f "$f" -b 0.3 --target-weights w.csv --shard-targets \
                -T 20 -s 3 x.npy -o shard.npy
            r=$(rel_diff shard.npy plain.npy)
            echo "# $f on $p shards: $r relative" >&3
            py_lt "$r" 1e-12
        done
    done
    gfd-velocity -t y.npy -f kl -b 0.3 x.npy -o plain.npy
    run --separate-stderr ranks 3 gfd-velocity -t y.npy -f kl -b 0.3 --shard-targets -v x.npy -o shard.npy
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"1100 targets in 2 dimensions, in 3 shards"* ]]
    py_lt "$(rel_diff shard.npy plain.npy)" 1e-12
}

@test "mpi: --shard-targets refuses what needs every target; a failing shard ends every rank with one message" {
    run --separate-stderr ranks 3 gfd-flow -t y.npy -f drift -b 0.3 --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 2 ]
    [[ "$stderr" == "gfd-flow-mpi: --shard-targets: drift needs every target on every rank (the fields it takes: kl, rkl, chi2, alpha, js, kl-smoothed, mmd)"* ]]
    run --separate-stderr ranks 3 gfd-flow -t y.npy -f kl --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"the bandwidth rules need every target: give -b a number"* ]]
    run --separate-stderr ranks 2 gfd-flow -t y.npy -f kl -b 0.3 --batch 100 --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 2 ]
    run --separate-stderr ranks 2 gfd-flow -t y.npy -f kl -b 0.3 --log l.csv --metrics mmd --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 2 ]
    run --separate-stderr ranks 2 gfd-flow -t - -f kl -b 0.3 --shard-targets -T 2 x.npy -o out.npy < y.npy
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"every rank reads the targets' file, so not standard input"* ]]
    printf '1,2\n3,4\n' > two.csv
    run --separate-stderr ranks 3 gfd-flow -t two.csv -f kl -b 0.3 --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 1 ]
    [ "$stderr" = "gfd-flow-mpi: rank 2 of 3: two.csv: fewer rows than the 3 ranks that share them" ]
    "$GFD_PYTHON" -c "import numpy as n; w = n.ones(1100); w[1001] = -1; n.savetxt('w.csv', w)"
    run --separate-stderr ranks 3 gfd-flow -t y.npy -f kl -b 0.3 --target-weights w.csv --shard-targets -T 2 x.npy -o out.npy
    [ "$status" -eq 1 ]
    [ "$stderr" = "gfd-flow-mpi: rank 2 of 3: w.csv: row 1002: weight -1 is negative" ]
    export GFD_FAULT_RANK=1
    run --separate-stderr mpirun -q -x GFD_FAULT_RANK -n 3 "$GFD_BIN/gfd-flow-mpi" -j 1 -t y.npy -f kl \
        -b 0.3 --shard-targets -T 3 x.npy -o out.npy
    unset GFD_FAULT_RANK
    [ "$status" -eq 1 ]
    [ "$stderr" = "gfd-flow-mpi: step 1: rank 1 of 3: kernel sum: out of memory (injected by GFD_FAULT_RANK)" ]
    [ ! -e out.npy ] && ! ls out.npy.* 2>/dev/null
}

@test "mpi: bad input, a failing rank and a numerical fault end every rank with one message and no output" {
    printf '1,2\n3\n' > bad.csv
    run --separate-stderr ranks 3 gfd-flow -t bad.csv -f kl -T 3 x.npy -o out.npy
    [ "$status" -eq 1 ]
    [ "$stderr" = "gfd-flow-mpi: bad.csv:2: expected 2 columns, found 1" ]
    [ ! -e out.npy ]
    run --separate-stderr ranks 3 gfd-flow -t y.npy -f bogus x.npy -o out.npy
    [ "$status" -eq 2 ]
    [ "$(echo "$stderr" | wc -l)" -eq 1 ]
    export GFD_FAULT_RANK=2
    run --separate-stderr mpirun -q -x GFD_FAULT_RANK -n 3 "$GFD_BIN/gfd-flow-mpi" -j 1 -t y.npy -f kl -T 3 \
        x.npy -o out.npy --log log.csv
    unset GFD_FAULT_RANK
    [ "$status" -eq 1 ]
    [ "$stderr" = "gfd-flow-mpi: step 1: rank 2 of 3: kernel sum: out of memory (injected by GFD_FAULT_RANK)" ]
    [ ! -e out.npy ] && ! ls out.npy.* 2>/dev/null
    run --separate-stderr ranks 2 gfd-flow -t y.npy -f kl -b 1e-200 -T 2 -q x.npy -o out.npy
    [ "$status" -eq 1 ]
    [[ "$stderr" == "gfd-flow-mpi: step 1: bandwidth 1e-200 is too small"* ]]
    [ "$(echo "$stderr" | wc -l)" -eq 1 ]
    [ ! -e out.npy ]
}

@test "mpi: --help and --version print once; standard input is read by the first rank" {
    run --separate-stderr ranks 3 gfd-flow --version
    [ "$status" -eq 0 ]
    [ "$output" = "gfd-flow-mpi (gfd) $(gfd-flow --version | cut -d' ' -f3)" ]
    [ "$(ranks 2 gfd-eval --help | grep -c '^Usage: ')" -eq 1 ]
    gfd-velocity -t y.npy -f kl x.npy -o v1.npy
    ranks 3 gfd-velocity -t y.npy -f kl -F npy < x.npy > v3.npy
    cmp v1.npy v3.npy
}

@test "mpi: SIGTERM to mpirun stops every rank after the same step: one line, no output, no temporary file" {
    mpirun -q -n 2 "$GFD_BIN/gfd-flow-mpi" -j 1 -t y.npy -f kl -T 5000 --every 1 --log log.csv \
        x.npy -o out.npy 2> err.txt &
    local pid=$! tries=0
    until [ "$(cat log.csv 2>/dev/null | wc -l)" -ge 4 ] || [ $((tries += 1)) -gt 300 ]; do sleep 0.05; done
    kill -TERM "$pid"
    wait "$pid" || true   # the status is mpirun's own (1 here), not the ranks' 143
    cat err.txt
    [ "$(wc -l < err.txt)" -eq 1 ]
    grep -Eq '^gfd-flow-mpi: stopped by SIGTERM after step [0-9]+ of 5000$' err.txt
    [ ! -e out.npy ] && ! ls out.npy.* log.csv.* 2>/dev/null
    step=$(sed -E 's/.*after step ([0-9]+) .*/\1/' err.txt)
    [ "$(tail -1 log.csv | cut -d, -f1)" = "$step" ]   # the log is complete up to the step
}
