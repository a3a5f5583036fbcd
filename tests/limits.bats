#!/usr/bin/env bats
# Resource limits: under a tight address-space limit (ulimit -v) every program exits at once
# with one line (OpenBLAS alone would retry its work buffer forever: cli/memlimit.c); under
# a limit that holds the buffers, programs run. Not under ASan, which needs terabytes of
# address space for its shadow memory.
load helper

setup() {
    [ -z "${ASAN_OPTIONS:-}" ] || skip "ASan cannot run under ulimit -v"
    cd "$BATS_TEST_TMPDIR"
}

@test "limits: every program exits 1 at once under ulimit -v 250 MB, naming the limit" {
    for prog in "$GFD_BIN"/gfd-*; do
        run --separate-stderr bash -c "ulimit -v 256000; timeout 20 '$prog' --help"
        [ "$status" -eq 1 ] || { echo "$prog: exit $status"; return 1; }
        [[ "$stderr" == *"address-space limit (ulimit -v) of 250 MB"* ]] || { echo "$prog: $stderr"; return 1; }
        [ -z "$output" ]
    done
}

@test "limits: the estimate follows OMP_NUM_THREADS, and a limit that holds the buffers runs" {
    gfd-sample -n 2000 gaussian -d 16 --seed 1 -o g.npy
    run --separate-stderr bash -c "ulimit -v 400000; OMP_NUM_THREADS=4 timeout 60 gfd-kde -t g.npy g.npy -o k.npy"
    [ "$status" -eq 1 ] && [[ "$stderr" == *"with 4 threads"* ]]
    [ ! -e k.npy ]
    run bash -c "ulimit -v 1200000; OMP_NUM_THREADS=2 timeout 60 gfd-kde -t g.npy g.npy -o k.npy"
    [ "$status" -eq 0 ] && [ -s k.npy ]
    run bash -c "ulimit -v 400000; OMP_NUM_THREADS=1 timeout 60 gfd-kde -t g.npy g.npy -o k1.npy"
    [ "$status" -eq 0 ] && cmp k.npy k1.npy
}
