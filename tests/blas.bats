#!/usr/bin/env bats
# The OpenBLAS kernel (gfd/blas.h, cli/cli.c): gfd restarts a program with the right kernel
# when OpenBLAS fell back to an old one, leaves a user's OPENBLAS_CORETYPE alone, and every
# kernel gives the same kernel sums (test_ksum compares the gemm path with direct loops).
load helper

shim() { echo "$GFD_TESTBIN/blas_shim.so"; }
cpu_has() { grep -qw "$1" /proc/cpuinfo; }

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 300 -s 3 gaussian -d 40 -o y.npy
    gfd-sample -n 50 -s 4 gaussian -d 40 -o q.npy
}

@test "blas: -v names the OpenBLAS kernel and who chose it" {
    run --separate-stderr gfd-kde -v -t y.npy -b 1.5 q.npy -o lp.npy
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"OpenBLAS kernel "*" ("*")"* ]] || { echo "$stderr"; return 1; }
    run --separate-stderr env OPENBLAS_CORETYPE=Prescott gfd-kde -v -t y.npy -b 1.5 q.npy -o lp.npy
    [[ "$stderr" == *"OpenBLAS kernel Prescott (chosen by OPENBLAS_CORETYPE"* ]] || { echo "$stderr"; return 1; }
}

@test "blas: a fallback kernel is replaced by a restart, stdin and arguments intact" {
    cpu_has avx2 && cpu_has fma || skip "this CPU has no AVX2: Prescott-class kernels are right for it"
    want=Haswell
    cpu_has avx512f && cpu_has avx512dq && cpu_has avx512bw && cpu_has avx512vl && want=SkylakeX
    gfd-kde -t y.npy -b 1.5 q.npy -o ref.npy
    run --separate-stderr env -u OPENBLAS_CORETYPE LD_PRELOAD="$(shim)" ASAN_OPTIONS=verify_asan_link_order=0 \
        sh -c 'gfd-kde -v -t y.npy -b 1.5 -o lp.npy < q.npy'
    [ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
    [[ "$stderr" == *"OpenBLAS kernel $want (chosen by gfd: OpenBLAS picked Prescott"* ]] || { echo "$stderr"; return 1; }
    [ "$(grep -c 'OpenBLAS kernel' <<<"$stderr")" -eq 1 ]   # one program ran to the end, once
    err=$(py kde_ref.py scipy y.npy q.npy 1.5 lp.npy)
    py_lt "$err" 1e-10
}

@test "blas: the gemm path agrees with direct loops under every kernel this CPU runs" {
    cores="Prescott Sandybridge"
    cpu_has avx2 && cpu_has fma && cores="$cores Haswell Zen"
    cpu_has avx512f && cpu_has avx512dq && cpu_has avx512bw && cpu_has avx512vl && cores="$cores SkylakeX"
    for c in $cores; do
        run env OPENBLAS_CORETYPE=$c "$GFD_TESTBIN/test_ksum"
        [ "$status" -eq 0 ] || { echo "OPENBLAS_CORETYPE=$c: $output"; return 1; }
        OPENBLAS_CORETYPE=$c gfd-kde -t y.npy -b 1.5 q.npy -o lp_$c.npy
        err=$(py kde_ref.py scipy y.npy q.npy 1.5 lp_$c.npy)
        echo "$c: relative error $err"
        py_lt "$err" 1e-10
    done
}
