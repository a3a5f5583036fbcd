/* CSV clouds: reading the whole rest of an input as one n x d cloud (one point per
 * line; ',' and/or whitespace between fields; '#' lines, blank lines and one leading
 * non-numeric header line skipped), and writing rows with the shortest text that round-trips
 * float64 exactly. Numbers are read and written in the C locale whatever the caller's. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "io/stream.h"

enum { CSV_FIRST_VALUES = 1024, CSV_OUT = 1 << 15 };

typedef struct {
    const char *name;
    size_t line;      /* physical line number, from 1 */
    size_t content;   /* lines that are neither blank nor comments, so far */
    size_t header;    /* the line skipped as a header, or 0 */
    double *x;        /* the rows read, then the row being parsed */
    size_t nvals, cap;
    size_t rows, d;   /* rows read (kept or not), columns */
    size_t kept;      /* rows kept (f->keep) */
    size_t blanks;    /* blank lines in a row just before this one */
    csv_frames *f;
    int block_end;    /* frames: the block has ended (two blank lines after points) */
} csv_state;

static int is_separator(char c)
{
    return c == ',' || isspace((unsigned char)c);
}

static int ends_field(char c)
{
    return c == '\0' || is_separator(c);
}

static char *skip_space(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static int push(csv_state *st, double v, gfd_err *err)
{
    if (st->nvals == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : CSV_FIRST_VALUES;
        double *p = cap < SIZE_MAX / sizeof *p ? realloc(st->x, cap * sizeof *p) : NULL;
        if (!p)
            return gfd_fail(err, GFD_ENOMEM, "%s:%zu: out of memory after %zu values",
                            st->name, st->line, st->nvals);
        st->x = p;
        st->cap = cap;
    }
    st->x[st->nvals++] = v;
    return 0;
}

static int bad_field(const csv_state *st, const char *p, size_t col, gfd_err *err)
{
    size_t len = 0;
    while (!ends_field(p[len]))
        len++;
    if (len == 0)
        return gfd_fail(err, GFD_EDATA, "%s:%zu: column %zu: empty field", st->name, st->line, col);
    char shown[IO_SHOWN + 1];
    io_excerpt(shown, p, len);
    return gfd_fail(err, GFD_EDATA, "%s:%zu: column %zu: '%s' is not a number",
                    st->name, st->line, col, shown);
}

/* The fields of one data line, appended to st->x; *cols gets their count. */
static int parse_row(csv_state *st, char *p, size_t *cols, gfd_err *err)
{
    for (size_t col = 1;; col++) {
        char *end;
        double v = gfd_strtod(p, &end);
        if (end == p || !ends_field(*end))
            return bad_field(st, p, col, err);
        if (!isfinite(v)) {
            char shown[IO_SHOWN + 1];
            io_excerpt(shown, p, (size_t)(end - p));
            return gfd_fail(err, GFD_EDATA, "%s:%zu: column %zu: '%s' is not finite "
                            "(NaN and Inf are not allowed)", st->name, st->line, col, shown);
        }
        if (push(st, v, err) < 0)
            return -1;
        p = skip_space(end);
        if (*p == ',')
            p = skip_space(p + 1);
        else if (*p == '\0') {
            *cols = col;
            return 0;
        }
    }
}

/* Whether any field of the line is a number: a header line has none. */
static int has_number(char *p)
{
    while (*p) {
        if (is_separator(*p)) {
            p++;
            continue;
        }
        char *end;
        gfd_strtod(p, &end);
        if (end != p && ends_field(*end))
            return 1;
        while (!ends_field(*p))
            p++;
    }
    return 0;
}

static int csv_line(csv_state *st, char *line, size_t len, gfd_err *err)
{
    st->line++;
    if (memchr(line, '\0', len))
        return gfd_fail(err, GFD_EDATA, "%s:%zu: NUL byte in a text line (not a CSV file?)",
                        st->name, st->line);
    char *p = skip_space(line);
    if (*p == '\0') {
        st->block_end = st->f->frames && st->rows > 0 && ++st->blanks >= 2;
        st->blanks += !st->f->frames;
        return 0;
    }
    if (*p == '#') {
        sscanf(p, "# step %ld", &st->f->step);
        return 0;
    }
    if (!st->f->frames && st->rows > 0 && st->blanks >= 2)
        return gfd_fail(err, GFD_EDATA, "%s:%zu: a second frame (two blank lines before it: a "
                        "CSV trajectory); read one with gfd-frames extract", st->name, st->line);
    st->blanks = 0;
    int first = st->content++ == 0;
    size_t start = st->nvals, cols = 0;
    if (parse_row(st, p, &cols, err) < 0) {
        if (!first || has_number(p))
            return -1;
        st->nvals = start;  /* the one optional header line */
        st->header = st->line;
        return 0;
    }
    if (st->rows > 0 && cols != st->d)
        return gfd_fail(err, GFD_EDATA, "%s:%zu: expected %zu columns, found %zu",
                        st->name, st->line, st->d, cols);
    st->d = cols;
    if (st->rows++ % st->f->keep.stride == st->f->keep.offset)
        st->kept++;
    else
        st->nvals = start;
    return 0;
}

int csv_read(gfd_in *in, gfd_cloud *out, csv_frames *f, gfd_err *err)
{
    csv_state st = {.name = in_name(in), .line = f->line, .f = f};
    char *line;
    size_t len;
    int rc;
    f->step = -1;
    while (!st.block_end && (rc = in_line(in, &line, &len, err)) > 0)
        if (csv_line(&st, line, len, err) < 0) {
            rc = -1;
            break;
        }
    rc = st.block_end ? 0 : rc;
    f->line = st.line;
    if (rc == 0 && st.rows == 0 && f->frames)
        return 0;
    if (rc == 0 && st.rows == 0 && st.header)
        rc = gfd_fail(err, GFD_EDATA, "%s: no points (line %zu was read as a header)", st.name, st.header);
    else if (rc == 0 && st.rows == 0)
        rc = gfd_fail(err, GFD_EDATA, "%s: no points", st.name);
    if (rc < 0) {
        free(st.x);
        return -1;
    }
    double *x = st.nvals ? realloc(st.x, st.nvals * sizeof *x) : NULL;
    *out = (gfd_cloud){.n = st.kept, .d = st.d, .x = x ? x : st.x};
    return 1;
}

/* c->x: n x d, one line per row, numbers in the C locale. */
int csv_write(gfd_output *o, const gfd_cloud *c, gfd_err *err)
{
    char buf[CSV_OUT];
    size_t len = 0;
    int rc = 0;
    locale_t old = numfmt_begin();
    for (size_t i = 0; i < c->n && rc == 0; i++)
        for (size_t j = 0; j < c->d && rc == 0; j++) {
            if (len > sizeof buf - 32) {  /* a %.17g number takes at most 24 bytes */
                rc = gfd_output_write(o, buf, len, err);
                len = 0;
            }
            len += (size_t)gfd_format_double(buf + len, sizeof buf - len, c->x[i * c->d + j]);
            buf[len++] = j + 1 < c->d ? ',' : '\n';
        }
    numfmt_end(old);
    return rc < 0 ? -1 : gfd_output_write(o, buf, len, err);
}

/* "# text", one comment line per line of text. */
int csv_comment(gfd_output *o, const char *text, gfd_err *err)
{
    for (;;) {
        size_t len = strcspn(text, "\n");
        if (gfd_output_write(o, "# ", 2, err) < 0 || gfd_output_write(o, text, len, err) < 0 ||
            gfd_output_write(o, "\n", 1, err) < 0)
            return -1;
        if (text[len] == '\0')
            return 0;
        text += len + 1;
    }
}
