#!/usr/bin/env bats
# The EXAMPLES section of every man page runs (STYLE.md: documentation cannot rot), and
# every program has a page that man(1) renders.
load helper

setup() { cd "$BATS_TEST_TMPDIR"; }

# The command lines of EXAMPLES: inside .nf/.fi or .EX/.EE blocks (prose between them is skipped),
# roff escapes undone.
examples() {
    awk '/^\.SH EXAMPLES/ { ex = 1; next } /^\.SH/ { ex = 0 }
         ex && /^\.(nf|EX)/ { nf = 1; next } /^\.(fi|EE)/ { nf = 0 } ex && nf' "$1" |
        sed -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g'
}

@test "every program in bin/ has a man page (NAME-mpi: NAME's, section RUNNING UNDER MPI)" {
    for p in "$GFD_BIN"/gfd-*; do
        name=$(basename "$p")
        if [[ "$name" == *-mpi ]]; then
            grep -q '^\.SH "RUNNING UNDER MPI"' "$TESTS_DIR/../man/${name%-mpi}.1" ||
                { echo "man/${name%-mpi}.1 has no RUNNING UNDER MPI section for $name"; return 1; }
        else
            [ -f "$TESTS_DIR/../man/$name.1" ] || { echo "no page for $p"; return 1; }
        fi
    done
}

@test "every man page renders without warnings" {
    for page in "$TESTS_DIR"/../man/*.[17]; do
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        [ -z "$out" ] || { echo "$page: $out"; return 1; }
    done
}

@test "the EXAMPLES of every man page run" {
    for page in "$TESTS_DIR"/../man/*.1; do
        script=$(examples "$page")
        [ -n "$script" ] || { echo "$page has no EXAMPLES"; return 1; }
        bash -euo pipefail -c "$script" >/dev/null || { echo "$page: examples failed:"; echo "$script"; return 1; }
    done
}
