/* Point-cloud files through the lib/io.h API: CSV and .npy round trips (plain and gzip,
 * bit-exact: %.17g and '<f8' lose nothing), hand-built .npy records (f4, v2, any key
 * order and spacing), frames, atomic output, and every bad input of CLI.md, each
 * asserting the error code and the message; shards of rows. Expected values are the inputs themselves
 * (exact) or (double)(float) for '<f4'. Hand-built records assume a little-endian host. */
#include <dirent.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <zlib.h>

#include "gfd.h"
#include "unit.h"

static char tmpdir[] = "/tmp/gfd-test-io.XXXXXX";

/* A path in the test directory; four rotating buffers so two can be live at once. */
static const char *at(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_file(const char *name, const void *p, size_t n)
{
    FILE *f = fopen(at(name), "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text));
}

static void write_gz(const char *name, const void *p, size_t n)
{
    gzFile g = gzopen(at(name), "wb");
    gzwrite(g, p, (unsigned)n);
    gzclose(g);
}

static unsigned char *read_file(const char *name, size_t *n)
{
    FILE *f = fopen(at(name), "rb");
    unsigned char *p = malloc(1 << 20);
    *n = f ? fread(p, 1, 1 << 20, f) : 0;
    if (f)
        fclose(f);
    return p;
}

/* A .npy record with the header text `dict` (unpadded: readers must not care) and
 * `nbytes` of data, version major.0. Returns its length. */
static size_t npy_record(unsigned char *buf, int major, const char *dict, const void *data, size_t nbytes)
{
    size_t h = strlen(dict), pre = major == 1 ? 10 : 12, hlen = h + 1;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 8; i < pre; i++, hlen >>= 8)
        buf[i] = (unsigned char)(hlen & 0xff);
    memcpy(buf + pre, dict, h);
    buf[pre + h] = '\n';
    if (nbytes)
        memcpy(buf + pre + h + 1, data, nbytes);
    return pre + h + 1 + nbytes;
}

static void write_npy(const char *name, int major, const char *dict, const void *data, size_t nbytes)
{
    unsigned char buf[4096];
    write_file(name, buf, npy_record(buf, major, dict, data, nbytes));
}

static int same_bits(const double *a, const double *b, size_t n)
{
    return !memcmp(a, b, n * sizeof *a);
}

/* gfd_read_cloud on a test file must fail with `code` and a message containing `want`. */
static void expect_error(const char *name, enum gfd_code code, const char *want)
{
    gfd_cloud c = {0};
    gfd_err err = {0};
    int rc = gfd_read_cloud(at(name), &c, NULL, &err);
    CHECK(rc == -1, "%s: read succeeded (n=%zu d=%zu), want '%s'", name, c.n, c.d, want);
    CHECK(err.code == code, "%s: code %d, want %d (%s)", name, err.code, code, err.msg);
    CHECK(strstr(err.msg, want) != NULL, "%s: message '%s' lacks '%s'", name, err.msg, want);
    CHECK(c.x == NULL && c.n == 0, "%s: a failed read left a cloud behind", name);
    gfd_cloud_free(&c);
}

static int write_cloud(const char *name, gfd_format fmt, int gz, const gfd_cloud *c)
{
    gfd_err err;
    gfd_writer *w = gfd_writer_open(at(name), fmt, gz, &err);
    CHECK(w != NULL, "open %s: %s", name, err.msg);
    if (!w)
        return -1;
    int rc = gfd_writer_put(w, c, &err);
    CHECK(rc == 0, "put %s: %s", name, err.msg);
    rc = gfd_writer_commit(w, &err);
    CHECK(rc == 0, "commit %s: %s", name, err.msg);
    return rc;
}

/* Values that %.17g and '<f8' must carry exactly: signed zero, subnormals, extremes. */
static const double tricky[12] = {0.1, -0.0, 4.9406564584124654e-324, DBL_MAX, -DBL_MIN, 1.0 / 3,
                                  3.141592653589793, -1e300, 123456789012345678.0, 2.5e-8, -7, 1e22};

static void check_round_trip(const char *name, gfd_format fmt, int gz)
{
    double values[12];
    memcpy(values, tricky, sizeof values);
    gfd_cloud c = {.n = 3, .d = 4, .x = values}, got;
    gfd_format f = GFD_FMT_NONE;
    gfd_err err;
    if (write_cloud(name, fmt, gz, &c) < 0)
        return;
    int rc = gfd_read_cloud(at(name), &got, &f, &err);
    CHECK(rc == 0, "%s: %s", name, err.msg);
    if (rc < 0)
        return;
    CHECK(got.n == 3 && got.d == 4, "%s: shape %zu x %zu", name, got.n, got.d);
    CHECK(f == fmt, "%s: format %d, want %d", name, f, fmt);
    CHECK(same_bits(got.x, tricky, 12), "%s: values differ", name);
    size_t n;
    unsigned char *bytes = read_file(name, &n);
    CHECK(gz == (n >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b), "%s: gzip magic", name);
    free(bytes);
    gfd_cloud_free(&got);
}

static void test_csv_round_trip(void)
{
    check_round_trip("rt.csv", GFD_FMT_CSV, 0);
    check_round_trip("rt.csv.gz", GFD_FMT_CSV, 1);
}

static void test_npy_round_trip(void)
{
    check_round_trip("rt.npy", GFD_FMT_NPY, 0);
    check_round_trip("rt.npy.gz", GFD_FMT_NPY, 1);
    size_t n;
    unsigned char *b = read_file("rt.npy", &n);
    size_t hlen = (size_t)b[8] | (size_t)b[9] << 8;
    CHECK(!memcmp(b, "\x93NUMPY\x01\x00", 8), "magic and version 1.0");
    CHECK((10 + hlen) % 64 == 0, "header end %zu is not 64-aligned", 10 + hlen);
    CHECK(b[10 + hlen - 1] == '\n', "header does not end in a newline");
    CHECK(n == 10 + hlen + 12 * 8, "file size %zu", n);
    CHECK(strstr((char *)b + 10, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }") != NULL,
          "header text");
    free(b);
}

static void check_npy_values(const char *name, const double *want, size_t n, size_t d)
{
    gfd_cloud c;
    gfd_format f;
    gfd_err err;
    int rc = gfd_read_cloud(at(name), &c, &f, &err);
    CHECK(rc == 0, "%s: %s", name, err.msg);
    if (rc < 0)
        return;
    CHECK(f == GFD_FMT_NPY && c.n == n && c.d == d, "%s: fmt %d shape %zu x %zu", name, f, c.n, c.d);
    CHECK(c.n == n && c.d == d && same_bits(c.x, want, n * d), "%s: values differ", name);
    gfd_cloud_free(&c);
}

static void test_npy_f4(void)
{
    const float v[6] = {0.1f, -2.5f, 3e38f, 1e-45f, -0.0f, 7};
    double want[6];
    for (int i = 0; i < 6; i++)
        want[i] = v[i];
    write_npy("f4.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", v, sizeof v);
    check_npy_values("f4.npy", want, 3, 2);
}

static void test_npy_v2_header(void)
{
    const double v[4] = {1, 2, 3, 4};
    write_npy("v2.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", v, sizeof v);
    check_npy_values("v2.npy", v, 2, 2);
}

static void test_npy_header_forms(void)
{
    const double v[6] = {1, 2, 3, 4, 5, 6};
    const char *dicts[] = {
        "{'shape': (3, 2), 'fortran_order': False, 'descr': '<f8'}",
        "{\"fortran_order\":False,\"descr\":\"<f8\",\"shape\":(3,2)}",
        "  { 'descr' : '<f8' ,\n 'shape' : ( 3 , 2 , ) , 'fortran_order' : False , }    ",
    };
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        write_npy("form.npy", 1, dicts[i], v, sizeof v);
        check_npy_values("form.npy", v, 3, 2);
    }
}

/* Three '<f8' frames of 1, 2, 3 rows of d = 2, written to `name` through one writer. */
static void write_frames(const char *name, gfd_format fmt, int gz, const char *comment)
{
    gfd_err err;
    gfd_writer *w = gfd_writer_open(at(name), fmt, gz, &err);
    CHECK(w != NULL, "%s", err.msg);
    if (!w)
        return;
    for (size_t k = 1; k <= 3; k++) {
        double x[6] = {(double)k, 0.5, (double)k, 1.5, (double)k, 2.5};
        gfd_cloud c = {.n = k, .d = 2, .x = x};
        CHECK(!comment || gfd_writer_comment(w, comment, &err) == 0, "%s", err.msg);
        CHECK(gfd_writer_put(w, &c, &err) == 0, "%s", err.msg);
    }
    CHECK(gfd_writer_commit(w, &err) == 0, "%s", err.msg);
}

static void test_npy_frames(void)
{
    write_frames("frames.npy.gz", GFD_FMT_NPY, 1, "ignored in .npy");
    gfd_err err;
    gfd_reader *r = gfd_reader_open(at("frames.npy.gz"), &err);
    CHECK(r != NULL, "%s", err.msg);
    if (!r)
        return;
    CHECK(gfd_reader_format(r) == GFD_FMT_NPY, "format");
    gfd_cloud c;
    for (size_t k = 1; k <= 3; k++) {
        int rc = gfd_reader_next(r, &c, &err);
        CHECK(rc == 1 && c.n == k && c.d == 2, "frame %zu: rc %d n %zu (%s)", k, rc, c.n, err.msg);
        CHECK(rc == 1 && c.x[2 * k - 2] == (double)k && c.x[2 * k - 1] == (double)k - 0.5, "frame %zu: last row", k);
        gfd_cloud_free(&c);
    }
    CHECK(gfd_reader_next(r, &c, &err) == 0, "no fourth frame");
    gfd_reader_close(r);
    expect_error("frames.npy.gz", GFD_EDATA, "frames.npy.gz: more than one frame (a trajectory): read one with gfd-frames extract");
}

static void test_csv_frames_and_comments(void)
{
    write_frames("frames.csv", GFD_FMT_CSV, 0, "step");
    size_t n;
    unsigned char *b = read_file("frames.csv", &n);
    const char *want = "# step\n1,0.5\n\n\n# step\n2,0.5\n2,1.5\n\n\n# step\n3,0.5\n3,1.5\n3,2.5\n";
    CHECK(n == strlen(want) && !memcmp(b, want, n), "got '%.*s'", (int)n, b);
    free(b);
    gfd_cloud c;
    gfd_err err;
    expect_error("frames.csv", GFD_EDATA, "frames.csv:6: a second frame (two blank lines before it");
    gfd_reader *r = gfd_reader_open(at("frames.csv"), &err);  /* the blocks are the frames */
    for (size_t f = 1; r && f <= 3; f++) {
        CHECK(gfd_reader_next(r, &c, &err) == 1 && c.n == f && c.d == 2 && c.x[0] == (double)f,
              "CSV frame %zu: %s", f, err.msg);
        gfd_cloud_free(&c);
    }
    CHECK(r && gfd_reader_next(r, &c, &err) == 0, "no fourth CSV frame");
    gfd_reader_close(r);
}

static void check_csv(const char *text, const double *want, size_t n, size_t d)
{
    write_text("forms.csv", text);
    gfd_cloud c;
    gfd_format f;
    gfd_err err;
    int rc = gfd_read_cloud(at("forms.csv"), &c, &f, &err);
    CHECK(rc == 0, "'%s': %s", text, err.msg);
    if (rc < 0)
        return;
    CHECK(f == GFD_FMT_CSV && c.n == n && c.d == d, "'%s': shape %zu x %zu", text, c.n, c.d);
    CHECK(c.n == n && c.d == d && same_bits(c.x, want, n * d), "'%s': values differ", text);
    gfd_cloud_free(&c);
}

static void test_csv_forms(void)
{
    const double v[4] = {1, -2.5, 3e-3, 4};
    check_csv("1,-2.5\n0.003,4\n", v, 2, 2);
    check_csv("1 -2.5\n0.003\t4", v, 2, 2);
    check_csv("# comment\n\nx, y\n  1 , -2.5  \r\n# more\n\n+3e-3,\t4\r\n\n", v, 2, 2);
    check_csv("\"x\";\"y\" header\n1 ,-2.5,0.003, 4\n", v, 1, 4);
    check_csv("1\n-2.5\n0.003\n4\n", v, 4, 1);
}

/* A line of 20000 fields and 50000 short lines: the line buffer grows and wraps. */
static void test_csv_long_lines(void)
{
    size_t d = 20000, rows = 50000;
    char *text = malloc(d * 8 + rows * 16 + 1), *p = text;
    double *want = malloc((d + rows * 2) * sizeof *want);
    for (size_t j = 0; j < d; j++) {
        p += sprintf(p, "%s%zu", j ? "," : "", j);
        want[j] = (double)j;
    }
    strcpy(p, "\n");
    check_csv(text, want, 1, d);
    p = text;
    for (size_t i = 0; i < rows; i++) {
        p += sprintf(p, "%zu,%zu.5\n", i, i);
        want[2 * i] = (double)i;
        want[2 * i + 1] = (double)i + 0.5;
    }
    check_csv(text, want, rows, 2);
    free(text);
    free(want);
}

/* 300000 x 3 '<f8' through .npy.gz: reads cross every buffer and growth step. */
static void test_npy_large(void)
{
    size_t n = 300000, d = 3;
    double *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; i < n * d; i++)
        x[i] = (double)i / 7;
    gfd_cloud c = {.n = n, .d = d, .x = x};
    if (write_cloud("large.npy.gz", GFD_FMT_NPY, 1, &c) == 0)
        check_npy_values("large.npy.gz", x, n, d);
    free(x);
}

/* gfd_read_cloud_rows (a shard: rows i % stride == offset) against the whole file's rows
 * picked by hand, for CSV (with a header line and comments) and .npy (plain and gzip, a
 * record longer than one read), a shard with no rows, and errors that count every row. */
static void test_row_shards(void)
{
    size_t n = 70001, d = 3;
    double *x = malloc(n * d * sizeof *x);
    for (size_t i = 0; i < n * d; i++)
        x[i] = (double)i / 7 - 5;
    gfd_cloud all = {.n = n, .d = d, .x = x};
    write_cloud("shard.npy", GFD_FMT_NPY, 0, &all);
    write_cloud("shard.npy.gz", GFD_FMT_NPY, 1, &all);
    write_cloud("shard.csv", GFD_FMT_CSV, 0, &all);
    const char *names[] = {"shard.npy", "shard.npy.gz", "shard.csv"};
    for (int f = 0; f < 3; f++)
        for (size_t stride = 1; stride <= 4; stride++)
            for (size_t off = 0; off < stride; off++) {
                gfd_cloud c;
                gfd_err err;
                CHECK(gfd_read_cloud_rows(at(names[f]), stride, off, &c, NULL, &err) == 0, "%s", err.msg);
                size_t want = (n - off + stride - 1) / stride, bad = c.n != want || c.d != d;
                for (size_t i = 0; !bad && i < c.n; i++)
                    bad = !same_bits(c.x + i * d, x + (i * stride + off) * d, d);
                CHECK(!bad, "%s rows %zu mod %zu: %zu rows, want %zu, or values off", names[f],
                      off, stride, c.n, want);
                gfd_cloud_free(&c);
            }
    write_text("hdr.csv", "x,y\n# c\n1,2\n3,4\n\n5,6\n");
    gfd_cloud c;
    gfd_err err;
    CHECK(gfd_read_cloud_rows(at("hdr.csv"), 2, 1, &c, NULL, &err) == 0 && c.n == 1 &&
          c.x[0] == 3 && c.x[1] == 4, "CSV with a header: rows 1 mod 2");
    gfd_cloud_free(&c);
    CHECK(gfd_read_cloud_rows(at("hdr.csv"), 5, 4, &c, NULL, &err) == 0 && c.n == 0 && c.d == 2,
          "CSV: a shard past the last row has no rows");
    gfd_cloud_free(&c);
    CHECK(gfd_read_cloud_rows(at("shard.npy"), 80000, 75000, &c, NULL, &err) == 0 && c.n == 0,
          ".npy: a shard past the last row has no rows");
    gfd_cloud_free(&c);
    write_text("bad.csv", "1,2\n3,4\n5,x\n");
    CHECK(gfd_read_cloud_rows(at("bad.csv"), 2, 1, &c, NULL, &err) < 0 &&
          strstr(err.msg, "bad.csv:3: column 2") && c.x == NULL, "CSV error in a row not kept: %s", err.msg);
    CHECK(gfd_read_cloud_rows(at("bad.csv"), 2, 2, &c, NULL, &err) < 0 && err.code == GFD_EUSAGE,
          "offset >= stride accepted");
    free(x);
}

static void test_csv_errors(void)
{
    write_text("cols.csv", "1,2\n3,4\n5,6,7\n");
    expect_error("cols.csv", GFD_EDATA, "cols.csv:3: expected 2 columns, found 3");
    write_text("text.csv", "# c\nx,y\n1,2\n3,abc\n");
    expect_error("text.csv", GFD_EDATA, "text.csv:4: column 2: 'abc' is not a number");
    write_text("unit.csv", "1,2\n3,4.5kg\n");
    expect_error("unit.csv", GFD_EDATA, "unit.csv:2: column 2: '4.5kg' is not a number");
    write_text("first.csv", "1,abc\n");
    expect_error("first.csv", GFD_EDATA, "first.csv:1: column 2: 'abc' is not a number");
    write_text("header2.csv", "x,y\nu,v\n1,2\n");
    expect_error("header2.csv", GFD_EDATA, "header2.csv:2: column 1: 'u' is not a number");
    write_text("nan.csv", "1,2\nnan,4\n");
    expect_error("nan.csv", GFD_EDATA, "nan.csv:2: column 1: 'nan' is not finite");
    write_text("inf.csv", "1,2\n3,-Infinity\n");
    expect_error("inf.csv", GFD_EDATA, "inf.csv:2: column 2: '-Infinity' is not finite");
    write_text("huge.csv", "1,1e999\n");
    expect_error("huge.csv", GFD_EDATA, "huge.csv:1: column 2: '1e999' is not finite");
    write_text("empty-field.csv", "1,,2\n");
    expect_error("empty-field.csv", GFD_EDATA, "empty-field.csv:1: column 2: empty field");
    write_text("trailing.csv", "1,2,\n");
    expect_error("trailing.csv", GFD_EDATA, "trailing.csv:1: column 3: empty field");
    write_text("nopoints.csv", "# only\nx,y\n\n");
    expect_error("nopoints.csv", GFD_EDATA, "nopoints.csv: no points (line 2 was read as a header)");
    write_text("comments.csv", "# only\n\n  \n");
    expect_error("comments.csv", GFD_EDATA, "comments.csv: no points");
    write_text("semicolons.csv", "1;2\n3;4\n");
    expect_error("semicolons.csv", GFD_EDATA, "semicolons.csv:2: column 1: '3;4' is not a number");
    write_text("empty.csv", "");
    expect_error("empty.csv", GFD_EDATA, "empty.csv: empty input");
    write_file("nul.csv", "1,2\n3\0,4\n", 9);
    expect_error("nul.csv", GFD_EDATA, "nul.csv:2: NUL byte");
}

static void test_npy_errors(void)
{
    const double v[6] = {1, 2, 3, 4, 5, 6}, bad[4] = {1, NAN, 3, 4};
    const char *f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
    unsigned char buf[4096];
    size_t n = npy_record(buf, 1, f8, v, sizeof v);
    write_file("cut-data.npy", buf, n - 20);
    expect_error("cut-data.npy", GFD_EDATA, "cut-data.npy: truncated: header claims 3 rows, data ends after 1 rows");
    write_file("cut-header.npy", buf, 30);
    expect_error("cut-header.npy", GFD_EDATA, "cut-header.npy: truncated .npy header");
    write_file("cut-magic.npy", buf, 7);
    expect_error("cut-magic.npy", GFD_EDATA, "cut-magic.npy: truncated .npy header");
    write_npy("lie.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 2), }", v, sizeof v);
    expect_error("lie.npy", GFD_EDATA, "header claims 1000000000000 rows, data ends after 3 rows");
    write_npy("overflow.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", v, 8);
    expect_error("overflow.npy", GFD_ENOMEM, "is too large");
    write_npy("zero.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }", v, 0);
    expect_error("zero.npy", GFD_EDATA, "zero.npy: no points");
    write_npy("nocols.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", v, 0);
    expect_error("nocols.npy", GFD_EDATA, "no coordinates");
    write_npy("be.npy", 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (3, 2), }", v, sizeof v);
    expect_error("be.npy", GFD_EDATA, "be.npy: big-endian dtype '>f8' is not supported");
    write_npy("fortran.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", v, sizeof v);
    expect_error("fortran.npy", GFD_EDATA, "fortran.npy: Fortran-order arrays are not supported");
    write_npy("3d.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 2), }", v, sizeof v);
    expect_error("3d.npy", GFD_EDATA, "3d.npy: shape (1, 3, 2) is not 2-D");
    write_npy("1d.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", v, sizeof v);
    expect_error("1d.npy", GFD_EDATA, "1d.npy: shape (6,) is not 2-D");
    write_npy("i4.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }", v, 24);
    expect_error("i4.npy", GFD_EDATA, "i4.npy: dtype '<i4' is not supported");
    write_npy("v3.npy", 3, f8, v, sizeof v);
    expect_error("v3.npy", GFD_EDATA, "v3.npy: .npy version 3.0 is not supported");
    write_npy("junk.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1}", v, sizeof v);
    expect_error("junk.npy", GFD_EDATA, "unexpected key 'extra'");
    write_npy("syntax.npy", 1, "{'descr': '<f8', 'fortran_order': Nope, 'shape': (3, 2)}", v, sizeof v);
    expect_error("syntax.npy", GFD_EDATA, "malformed .npy header near 'Nope");
    write_npy("nan.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", bad, sizeof bad);
    expect_error("nan.npy", GFD_EDATA, "nan.npy: row 1, column 2: nan");
}

/* Errors in a later frame name it; bytes after the last frame that are not a record fail. */
static void test_frame_errors(void)
{
    const double good[4] = {1, 2, 3, 4}, bad[4] = {1, 2, 3, INFINITY};
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    unsigned char buf[4096];
    size_t n = npy_record(buf, 1, dict, good, sizeof good);
    n += npy_record(buf + n, 1, dict, bad, sizeof bad);
    write_file("frame2.npy", buf, n);
    gfd_err err;
    gfd_cloud c = {0};
    gfd_reader *r = gfd_reader_open(at("frame2.npy"), &err);
    CHECK(r && gfd_reader_next(r, &c, &err) == 1, "frame 1");
    gfd_cloud_free(&c);
    CHECK(r && gfd_reader_next(r, &c, &err) == -1 && strstr(err.msg, "frame2.npy: frame 2: row 2, column 2: inf"),
          "frame 2: '%s'", err.msg);
    gfd_reader_close(r);
    n = npy_record(buf, 1, dict, good, sizeof good);
    memcpy(buf + n, "garbage", 7);
    write_file("trail.npy", buf, n + 7);
    expect_error("trail.npy", GFD_EDATA, "trail.npy: trailing data after the .npy array");
}

static void test_gzip_input(void)
{
    const char *a = "1,2\n3,4\n", *b = "5,6\n";
    gzFile g = gzopen(at("members.csv.gz"), "wb");
    gzwrite(g, a, (unsigned)strlen(a));
    gzclose(g);
    g = gzopen(at("members.csv.gz"), "ab");
    gzwrite(g, b, (unsigned)strlen(b));
    gzclose(g);
    const double want[6] = {1, 2, 3, 4, 5, 6};
    gfd_cloud c;
    gfd_err err;
    CHECK(gfd_read_cloud(at("members.csv.gz"), &c, NULL, &err) == 0 && c.n == 3 && same_bits(c.x, want, 6),
          "concatenated gzip members: %s", err.msg);
    gfd_cloud_free(&c);

    char text[8192];
    size_t len = 0, n;
    for (int i = 0; i < 500; i++)
        len += (size_t)sprintf(text + len, "%d,%d\n", i, i * i);
    write_gz("whole.csv.gz", text, len);
    unsigned char *z = read_file("whole.csv.gz", &n);
    write_file("cut.csv.gz", z, n / 2);
    expect_error("cut.csv.gz", GFD_EDATA, "cut.csv.gz: truncated gzip data");
    write_file("tail.csv.gz", z, n - 4);
    expect_error("tail.csv.gz", GFD_EDATA, "tail.csv.gz: truncated gzip data");
    z[n / 2] ^= 0xff;
    z[n / 2 + 1] ^= 0xff;
    write_file("corrupt.csv.gz", z, n);
    expect_error("corrupt.csv.gz", GFD_EDATA, "corrupt.csv.gz: ");
    free(z);
}

static void test_open_errors(void)
{
    expect_error("missing.csv", GFD_EIO, "missing.csv: cannot open: No such file or directory");
    gfd_err err;
    CHECK(gfd_writer_open(at("no/such/dir.csv"), GFD_FMT_CSV, 0, &err) == NULL && err.code == GFD_EIO &&
          strstr(err.msg, "no/such/dir.csv: cannot create"), "'%s'", err.msg);
    CHECK(gfd_writer_open(at("x.txt"), GFD_FMT_NONE, 0, &err) == NULL && err.code == GFD_EUSAGE, "no format");
}

static size_t count_entries(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void test_atomic_output(void)
{
    double x[2] = {1, 2};
    gfd_cloud c = {.n = 1, .d = 2, .x = x};
    gfd_err err;
    gfd_writer *w = gfd_writer_open(at("atomic.csv"), GFD_FMT_CSV, 0, &err);
    CHECK(w && gfd_writer_put(w, &c, &err) == 0, "%s", err.msg);
    CHECK(access(at("atomic.csv"), F_OK) != 0 && count_entries("atomic.csv.") == 1,
          "while open: only a temporary file");
    gfd_writer_abort(w);
    CHECK(count_entries("atomic.csv") == 0, "abort leaves nothing");

    write_text("atomic.csv", "old\n");
    w = gfd_writer_open(at("atomic.csv"), GFD_FMT_CSV, 0, &err);
    CHECK(w && gfd_writer_put(w, &c, &err) == 0 && gfd_writer_commit(w, &err) == 0, "%s", err.msg);
    size_t n;
    unsigned char *b = read_file("atomic.csv", &n);
    CHECK(n == 4 && !memcmp(b, "1,2\n", 4), "commit replaced the old file");
    free(b);
    CHECK(count_entries("atomic.csv") == 1, "no temporary file after commit");
    struct stat st;
    mode_t mask = umask(0);
    umask(mask);
    CHECK(stat(at("atomic.csv"), &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask),
          "mode %o, want %o", st.st_mode & 0777, 0666 & ~mask);
}

static void test_format_from_name(void)
{
    int gz = -1;
    CHECK(gfd_format_from_name("a.csv", &gz) == GFD_FMT_CSV && gz == 0, "a.csv");
    CHECK(gfd_format_from_name("dir.x/a.npy.gz", &gz) == GFD_FMT_NPY && gz == 1, "a.npy.gz");
    CHECK(gfd_format_from_name("a.csv.gz", &gz) == GFD_FMT_CSV && gz == 1, "a.csv.gz");
    CHECK(gfd_format_from_name("a.gz", &gz) == GFD_FMT_NONE && gz == 1, "a.gz");
    CHECK(gfd_format_from_name("a.txt", &gz) == GFD_FMT_NONE && gz == 0, "a.txt");
    CHECK(gfd_format_from_name("npy", &gz) == GFD_FMT_NONE, "npy");
    CHECK(gfd_format_from_name(NULL, NULL) == GFD_FMT_NONE, "NULL");
}

/* "-" and NULL read standard input, named "stdin" in messages. */
static void test_stdin(void)
{
    write_text("stdin.csv", "1,2\n3\n");
    int saved = dup(0), fd = open(at("stdin.csv"), O_RDONLY);
    dup2(fd, 0);
    gfd_cloud c;
    gfd_err err;
    CHECK(gfd_read_cloud("-", &c, NULL, &err) == -1 && !strcmp(err.msg, "stdin:2: expected 2 columns, found 1"),
          "'%s'", err.msg);
    lseek(0, 0, SEEK_SET);
    gfd_reader *r = gfd_reader_open(NULL, &err);
    CHECK(r && !strcmp(gfd_reader_name(r), "stdin"), "reader name");
    gfd_reader_close(r);
    dup2(saved, 0);
    close(saved);
    close(fd);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror(tmpdir);
        return 1;
    }
    RUN(test_csv_round_trip);
    RUN(test_npy_round_trip);
    RUN(test_npy_f4);
    RUN(test_npy_v2_header);
    RUN(test_npy_header_forms);
    RUN(test_npy_frames);
    RUN(test_csv_frames_and_comments);
    RUN(test_csv_forms);
    RUN(test_csv_long_lines);
    RUN(test_npy_large);
    RUN(test_row_shards);
    RUN(test_csv_errors);
    RUN(test_npy_errors);
    RUN(test_frame_errors);
    RUN(test_gzip_input);
    RUN(test_open_errors);
    RUN(test_atomic_output);
    RUN(test_format_from_name);
    RUN(test_stdin);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    UNIT_END();
}
