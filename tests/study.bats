#!/usr/bin/env bats
# Miniatures of the study (examples/study/*.sh --mini, docs/results/): each asserts the
# qualitative outcome its experiment found, so that a field that regresses fails here.
# Skipped under the sanitizers (GFD_SKIP_STUDY), where they would take too long.
load helper

setup() {
    [ -z "${GFD_SKIP_STUDY:-}" ] || skip "the study's miniatures run in make test"
    cd "$BATS_TEST_TMPDIR"
    export STUDY_OUT=$BATS_TEST_TMPDIR/results TMPDIR=$BATS_TEST_TMPDIR
}

study() { "$TESTS_DIR/../examples/study/$1.sh" --mini; }

# value KEY: the number after KEY on the line of $output that starts with $2 (a field).
value() { awk -v f="$1" -v k="$2" '$1 == f { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' <<< "$output"; }

@test "study a: from a point, rkl stalls and Cao's rkl:1,chi2:0.5 covers the most modes" {
    run study a-collapse
    echo "$output"
    [ "$status" -eq 0 ]
    mix=$(value rkl:1,chi2:0.5 modes)
    [ "$(value rkl modes)" -le 1 ]
    [ "$mix" -gt "$(value rkl modes)" ]
    [ "$mix" -ge "$(value kl modes)" ] && [ "$mix" -ge "$(value chi2 modes)" ]
}

@test "study b: drift collapses over whole clouds, covers every mode in batches of 64, and (Fig. 3) leaves a collapsed start" {
    run study b-drift
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"floor full 1000 modes "[012]", batch 1000 modes 8"* ]]
    # Fig. 3 from one mode: drift refills the other, kl does not
    read -r left right _ <<< "$(sed -n 's/^fig3 collapsed drift \([^ ]* [^ ]*\) .*/\1/p' <<< "$output")"
    py_lt 0.3 "$left" && py_lt 0.3 "$right"
    kl_left=$(sed -n 's/^fig3 collapsed drift .* kl \([^ ]*\) .*/\1/p' <<< "$output")
    py_lt "$kl_left" 0.05
}

@test "study c: drift degrades at small temperatures faster than sinkhorn-proxy at small eps" {
    run study c-regularisation
    echo "$output"
    [ "$status" -eq 0 ]
    dsmall=$(awk '$1 == "drift" && $2 == 0.005 { print $4 }' <<< "$output")
    dbest=$(awk '$1 == "drift" && $2 == 0.2 { print $4 }' <<< "$output")
    psmall=$(awk '$1 == "sinkhorn-proxy" && $2 == 0.0025 { print $4 }' <<< "$output")
    pbest=$(awk '$1 == "sinkhorn-proxy" && $2 == 0.1 { print $4 }' <<< "$output")
    # the ratio of the smallest value's W2 to the best one's
    py_lt "$(awk -v a="$psmall" -v b="$pbest" 'BEGIN { print a / b }')" \
          "$(awk -v a="$dsmall" -v b="$dbest" 'BEGIN { print a / b }')"
}

@test "study d: at eps = 0.01 Sinkhorn converges and the one- and two-sided fields do not" {
    run study d-temperature
    echo "$output"
    [ "$status" -eq 0 ]
    s=$(value sinkhorn w2sq) o=$(value one-sided w2sq) t=$(value two-sided w2sq)
    py_lt "$s" 0.5
    py_lt "$(awk -v s="$s" 'BEGIN { print 5 * s }')" "$o"
    py_lt "$(awk -v s="$s" 'BEGIN { print 5 * s }')" "$t"
}

@test "study e: only sinkhorn and sliced move mass between far modes" {
    run study e-far-modes
    echo "$output"
    [ "$status" -eq 0 ]
    for f in kl rkl:1,chi2:0.5 sinkhorn-proxy; do
        py_lt 0.7 "$(awk -v f=$f '$1 == f { print $2 }' <<< "$output")"
    done
    for f in sinkhorn sliced; do
        left=$(awk -v f=$f '$1 == f { print $2 }' <<< "$output")
        py_lt 0.35 "$left" && py_lt "$left" 0.65
    done
}

@test "study f: kl and the exact smoothed-KL flow differ beyond the Monte Carlo noise, more at large h" {
    run study f-smoothed
    echo "$output"
    [ "$status" -eq 0 ]
    small=$(awk '$2 == 0.05 { print $4 }' <<< "$output") large=$(awk '$2 == 1.5 { print $4 }' <<< "$output")
    py_lt "$small" "$large"
    while read -r _ h _ ratio _ noise; do
        py_lt "$(awk -v n="$noise" 'BEGIN { print 3 * n }')" "$ratio"
    done <<< "$(grep '^h ' <<< "$output")"   # the rows (a warning may come first)
}
