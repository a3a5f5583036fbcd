#!/usr/bin/env bats
# Point-cloud files end to end through tests/iocat (lib/io + cli, as the programs use
# them): files numpy writes are read exactly, files gfd writes numpy reads exactly
# (tests/py/io_npy.py compares bit patterns), and every bad input fails with exit 1,
# one line on stderr naming the file and the line or record, and no output file.
load helper

: "${GFD_TESTBIN:=$BATS_TEST_DIRNAME/../build/tests}"
iocat() { "$GFD_TESTBIN/iocat" "$@"; }

setup() { cd "$BATS_TEST_TMPDIR"; }

# fails_cleanly PATTERN INPUT [OPTIONS...]: exit 1, one stderr line holding PATTERN,
# nothing on stdout, no out.npy (nor its temporary file) left behind.
fails_cleanly() {
    local pattern=$1
    shift
    expect_fail 1 "$pattern" iocat -o out.npy "$@"
    [ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr has ${#stderr_lines[@]} lines: $stderr"; return 1; }
    [ -z "$(find . -name 'out.npy*')" ] || { echo "output left behind: $(ls)"; return 1; }
}

@test "io: numpy.save '<f8' is read exactly and written back as numpy reads it" {
    py io_npy.py make f8 in.npy
    iocat -o out.npy in.npy
    py io_npy.py same in.npy out.npy
}

@test "io: numpy '<f4' is widened exactly to float64" {
    py io_npy.py make f4 in.npy
    iocat -o out.npy in.npy
    py io_npy.py same in.npy out.npy
}

@test "io: a version 2.0 header (write_array version=(2,0)) and 1000 columns" {
    py io_npy.py make v2 v2.npy
    iocat -o out.npy v2.npy
    py io_npy.py same v2.npy out.npy
    py io_npy.py make wide wide.npy
    iocat -o out.csv wide.npy
    py io_npy.py csv out.csv wide.npy
}

@test "io: gzip is detected from the bytes and -o NAME.gz writes gzip" {
    py io_npy.py make f8 in.npy.gz
    cp in.npy.gz renamed.csv
    iocat -o out.npy.gz renamed.csv
    [ "$(head -c 2 out.npy.gz | od -An -tx1 | tr -d ' ')" = 1f8b ]
    py io_npy.py same in.npy.gz out.npy.gz
}

@test "io: frames written by numpy back to back are copied frame by frame" {
    py io_npy.py make frames in.npy.gz
    iocat --frames -o out.npy.gz in.npy.gz
    py io_npy.py same in.npy.gz out.npy.gz
    iocat --frames in.npy.gz > piped
    py io_npy.py same in.npy.gz piped
}

@test "io: one-cloud readers reject a second frame" {
    py io_npy.py make frames in.npy
    fails_cleanly "in.npy: more than one frame (a trajectory): read one with gfd-frames extract" in.npy
}

@test "io: CSV frames are separated by two blank lines, comments before each" {
    py io_npy.py make frames in.npy
    iocat --frames --comment "frame" -o out.csv in.npy
    [ "$(grep -c '^# frame$' out.csv)" -eq 3 ]
    [ "$(grep -c '^$' out.csv)" -eq 4 ]
    [ "$(sed -n 7,9p out.csv | tr '\n' '|')" = "||# frame|" ]
}

@test "io: npy -> CSV is exact (%.17g) and CSV -> npy gives the same bits" {
    py io_npy.py make f8 in.npy
    iocat -o out.csv in.npy
    py io_npy.py csv out.csv in.npy
    iocat -o back.npy out.csv
    py io_npy.py same in.npy back.npy
}

@test "io: output format: from the name, else -F, else the input's; pipes keep it" {
    py io_npy.py make f8 in.npy
    iocat < in.npy > piped
    py io_npy.py same in.npy piped
    iocat -F csv - < in.npy > piped.csv
    py io_npy.py csv piped.csv in.npy
    iocat -z < in.npy > piped.gz
    py io_npy.py same in.npy piped.gz
    iocat -F csv -o named.npy in.npy
    py io_npy.py same in.npy named.npy
}

@test "io: CSV with comments, a header, spaces, tabs and CRLF" {
    printf '# made by hand\nx, y\r\n 1 ,2\r\n\n3\t4\n# end\n' > in.csv
    run iocat in.csv
    [ "$status" -eq 0 ]
    [ "$output" = $'1,2\n3,4' ]
}

@test "io: bad CSV: column count, text, NaN/Inf, empty" {
    printf '1,2\n3,4\n5,6,7\n' > cols.csv
    fails_cleanly "cols.csv:3: expected 2 columns, found 3" cols.csv
    printf 'x,y\n1,2\n3,abc\n' > text.csv
    fails_cleanly "text.csv:3: column 2: 'abc' is not a number" text.csv
    printf '1,2\nnan,4\n' > nan.csv
    fails_cleanly "nan.csv:2: column 1: 'nan' is not finite" nan.csv
    printf '1,2\n3,-inf\n' > inf.csv
    fails_cleanly "inf.csv:2: column 2: '-inf' is not finite" inf.csv
    : > empty.csv
    fails_cleanly "empty.csv: empty input" empty.csv
    printf '# nothing\nx,y\n' > nopoints.csv
    fails_cleanly "nopoints.csv: no points" nopoints.csv
    printf '1,2\n3,4\n5\n' | gzip > cols.csv.gz
    fails_cleanly "stdin:3: expected 2 columns, found 1" - < cols.csv.gz
}

@test "io: truncated gzip fails naming the file" {
    seq 1 5000 | gzip > whole.csv.gz
    head -c 4000 whole.csv.gz > cut.csv.gz
    fails_cleanly "cut.csv.gz: truncated gzip data" cut.csv.gz
}

@test "io: truncated .npy: header, data, and a header claiming 10^12 rows" {
    py io_npy.py make cut-header h.npy
    fails_cleanly "h.npy: truncated .npy header" h.npy
    py io_npy.py make cut-data d.npy
    fails_cleanly "d.npy: truncated: header claims 4 rows, data ends after 3 rows" d.npy
    py io_npy.py make lie lie.npy.gz
    fails_cleanly "lie.npy.gz: truncated: header claims 1000000000000 rows, data ends after 4 rows" lie.npy.gz
}

@test "io: unsupported .npy arrays: big-endian, Fortran order, 3-D, 1-D, <i4, 0 rows" {
    py io_npy.py make big-endian be.npy
    fails_cleanly "be.npy: big-endian dtype '>f8' is not supported" be.npy
    py io_npy.py make fortran f.npy
    fails_cleanly "f.npy: Fortran-order arrays are not supported" f.npy
    py io_npy.py make 3d 3d.npy
    fails_cleanly "3d.npy: shape (2, 3, 2) is not 2-D" 3d.npy
    py io_npy.py make 1d 1d.npy
    fails_cleanly "1d.npy: shape (5,) is not 2-D" 1d.npy
    py io_npy.py make i4 i4.npy
    fails_cleanly "i4.npy: dtype '<i4' is not supported" i4.npy
    py io_npy.py make no-rows z.npy
    fails_cleanly "z.npy: no points" z.npy
}

@test "io: NaN/Inf in .npy data name the row and column (and the frame)" {
    py io_npy.py make nan nan.npy
    fails_cleanly "nan.npy: row 3, column 2: nan" nan.npy
    py io_npy.py make inf inf.npy
    fails_cleanly "inf.npy: row 4, column 1: -inf" inf.npy
    py io_npy.py make frame2-nan fr.npy.gz
    fails_cleanly "fr.npy.gz: frame 2: row 2, column 2: nan" --frames fr.npy.gz
}

@test "io: write failures: a full disk and a missing directory" {
    printf '1,2\n' > in.csv
    expect_fail 1 "stdout: write error: No space left on device" sh -c "'$GFD_TESTBIN/iocat' in.csv > /dev/full"
    expect_fail 1 "stdout: write error" sh -c "'$GFD_TESTBIN/iocat' -z in.csv > /dev/full"
    expect_fail 1 "no/dir/out.csv: cannot create" iocat -o no/dir/out.csv in.csv
}

@test "io: a missing input is an error naming it" {
    fails_cleanly "missing.csv: cannot open: No such file or directory" missing.csv
}

@test "an existing non-regular output (a FIFO) is written in place, not replaced" {
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    cat "$BATS_TEST_TMPDIR/fifo" > "$BATS_TEST_TMPDIR/got" &
    gfd-sample -n 3 -s 1 gaussian -o "$BATS_TEST_TMPDIR/fifo"
    wait
    [ -p "$BATS_TEST_TMPDIR/fifo" ]
    [ "$(wc -l < "$BATS_TEST_TMPDIR/got")" -eq 3 ]
}

@test "io: one atomic writer: gfd-eval's table to a FIFO and to a device node, in place" {
    # gfd-eval used to write its table through a writer of its own that renamed a regular
    # file over the FIFO; nodes are made in the test's directory, never /dev/null itself
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 30 -s 1 8gaussians -o y.csv
    mkfifo fifo
    cat fifo > got &
    gfd-eval -r y.csv -m energy --csv -o fifo y.csv
    wait
    [ -p fifo ]
    [ "$(head -1 got)" = "file,energy" ]
    mknod null c 1 3 || skip "mknod is not permitted here"
    gfd-eval -r y.csv -m energy -o null y.csv
    gfd-sample -n 3 -o null gaussian
    [ -c null ]
}

@test "io: outputs are created 0666 less the umask, with no temporary file left" {
    cd "$BATS_TEST_TMPDIR"
    (umask 022 && gfd-sample -n 3 gaussian -o a.csv && gfd-sample -n 3 8gaussians -o a.csv)
    (umask 077 && gfd-eval -r a.csv -m energy -o t.txt a.csv)
    [ "$(stat -c %a a.csv)" = 644 ]
    [ "$(stat -c %a t.txt)" = 600 ]
    [ "$(ls | wc -l)" -eq 2 ]
}

@test "io: numbers are written and read in the C locale whatever the caller's" {
    # a locale with a decimal comma, built here (localedef) rather than taken from the system
    command -v localedef > /dev/null || skip "no localedef"
    cd "$BATS_TEST_TMPDIR"
    localedef -i de_DE -f UTF-8 "$PWD/de_DE.UTF-8" 2> /dev/null || skip "no de_DE locale source"
    LOCPATH="$PWD" LC_ALL=de_DE.UTF-8 "$GFD_TESTBIN/locale_check"
}

@test "io: -F npy:f4 writes float32 records: each value rounded once, in every way of asking" {
    gfd-sample -n 200 -s 5 gaussian -d 3 -o in.npy
    iocat -F npy:f4 in.npy > a.npy
    iocat -F npy:f4 -o b.npy in.npy
    iocat -F npy:f4 --frames -o c.npy in.npy
    iocat -F npy:f8 -o d.npy a.npy
    "$GFD_PYTHON" - <<'PY'
import numpy as np
x = np.load("in.npy")
for f in "abc":
    y = np.load(f + ".npy")
    assert y.dtype == np.float32 and y.shape == x.shape, (f, y.dtype, y.shape)
    assert np.array_equal(y, x.astype(np.float32)), f
d = np.load("d.npy")
assert d.dtype == np.float64 and np.array_equal(d, x.astype(np.float32).astype(np.float64))
PY
}

@test "io: a value beyond float32's range is a data error naming its row, with no output" {
    printf '1,2\n3,1e300\n' > big.csv
    expect_fail 1 "row 2: 1e+300 does not fit in float32" iocat -F npy:f4 -o out.npy big.csv
    [ ! -e out.npy ]
    expect_fail 2 "npy:f4" iocat -F npy:f2 big.csv
}

@test "writers: numbers in the shortest text that reads back exactly" {
    gfd-sample -n 2000 gaussian -d 3 --seed 5 -o a.csv
    gfd-sample -n 2000 gaussian -d 3 --seed 5 -o a.npy
    "$GFD_PYTHON" -c "
import numpy as np
a, b = np.loadtxt('a.csv', delimiter=','), np.load('a.npy')
assert (a == b).all(), 'CSV does not read back as the npy'
for tok in open('a.csv').read().replace('\n', ',').split(','):
    if tok:
        x = float(tok)
        for p in range(1, 18):  # no shorter %g text reads back as x
            if float('%.*g' % (p, x)) == x:
                assert len('%.*g' % (p, x)) >= len(tok) or p >= 15, (tok, p)
                break
"
    printf '3,4\n' | gfd-sphere project > p.csv
    [ "$(cat p.csv)" = "0.6,0.8" ]
}

@test "writers: the output format is in the name (any case) or given by -F; else an error" {
    gfd-sample -n 3 gaussian --seed 1 -o x.NPY
    "$GFD_PYTHON" -c "import numpy as np; a = np.load('x.NPY'); assert a.shape[0] == 3 and a.dtype == '<f8'"
    expect_fail 2 "x.txt: the output format is not in the name" gfd-sample -n 3 gaussian -o x.txt
    [ ! -e x.txt ]
    gfd-sample -n 3 gaussian --seed 1 -F csv -o x.txt
    [ "$(wc -l < x.txt)" -eq 3 ]
    expect_fail 2 "-o: an empty file name" gfd-sample -n 3 gaussian -o ''
}

@test "writers: a replaced file keeps its mode; a symlink is written through" {
    gfd-sample -n 3 gaussian --seed 1 -o a.csv
    chmod 640 a.csv
    gfd-sample -n 4 gaussian --seed 1 -o a.csv
    [ "$(stat -c %a a.csv)" = 640 ] && [ "$(wc -l < a.csv)" -eq 4 ]
    ln -s a.csv link.csv
    gfd-sample -n 5 gaussian --seed 1 -o link.csv --no-sync
    [ -L link.csv ] && [ "$(wc -l < a.csv)" -eq 5 ] && [ "$(stat -c %a a.csv)" = 640 ]
}

@test "messages: control characters in file names are escaped, the error stays one line" {
    expect_fail 1 'a\nb.csv: cannot open' gfd-kde -t "$(printf 'a\nb.csv')" x.csv
    [ "${#lines[@]}" -le 1 ]
    [ "$(printf '%s' "$stderr" | wc -l)" -eq 0 ]
}

@test "io: a gzip of NUL bytes or of one endless line fails at once, in little memory" {
    head -c 100000000 /dev/zero | gzip -c > bomb.csv.gz
    run /usr/bin/time -f "%M" gfd-kde -t bomb.csv.gz bomb.csv.gz
    [ "$status" -eq 1 ] && [[ "$output" == *"bomb.csv.gz: NUL byte in a text line"* ]]
    [ "$(echo "$output" | tail -1)" -lt 65536 ]   # KB
    head -c 80000000 /dev/zero | tr '\0' 7 | gzip -c > long.csv.gz
    expect_fail 1 "long.csv.gz: a line longer than 64 MB" gfd-kde -t long.csv.gz long.csv.gz
}
