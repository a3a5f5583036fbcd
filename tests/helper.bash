# Shared by the bats files: programs come from $GFD_BIN (tests/run sets it), and the
bats_require_minimum_version 1.5.0
# independent checkers run under Debian's python3 with numpy/scipy/POT ($GFD_PYTHON).
: "${GFD_BIN:=$BATS_TEST_DIRNAME/../bin}"
: "${GFD_PYTHON:=/usr/bin/python3}"
PATH="$GFD_BIN:$PATH"
TESTS_DIR="$BATS_TEST_DIRNAME"

# py SCRIPT ARGS...: run a checker from tests/py/.
py() { "$GFD_PYTHON" "$TESTS_DIR/py/$1" "${@:2}"; }

# A failed run must be one line on stderr naming the problem, a given exit code,
# and leave no output file: expect_fail CODE PATTERN command...
expect_fail() {
    local code=$1 pattern=$2
    shift 2
    run --separate-stderr "$@"
    [ "$status" -eq "$code" ] || { echo "exit $status, want $code; stderr: $stderr"; return 1; }
    [[ "$stderr" == *"$pattern"* ]] || { echo "stderr '$stderr' lacks '$pattern'"; return 1; }
    [ -z "$output" ] || { echo "stdout not empty: $output"; return 1; }
}

# py_lt A B: the number A is below B (asserted with python, so "1e-12" works).
py_lt() { "$GFD_PYTHON" -c "import sys; sys.exit(0 if float('$1') < float('$2') else 1)"; }
# py_close A B TOL: |A - B| <= TOL |B|.
py_close() { "$GFD_PYTHON" -c "import sys; a,b,t=float('$1'),float('$2'),float('$3'); sys.exit(0 if abs(a-b) <= t*abs(b) else 1)"; }
