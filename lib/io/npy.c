/* .npy records (NumPy format v1.0/v2.0): reading one (n, d) '<f8' or '<f4' C-order
 * array per call, streaming (the buffer grows as data arrives, so a header that lies
 * about its size fails as truncated), and writing '<f8' v1.0 records. The header is a
 * Python dict literal: the small parser below accepts any key order and spacing. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/stream.h"

enum {
    NPY_PREAMBLE_MAX = 12,       /* magic (6), version (2), header length (2 or 4) */
    NPY_HEADER_MAX = 1 << 20,    /* numpy's own headers are well under 1 KiB */
    NPY_RAW = 1 << 15,           /* bytes decoded per step */
    NPY_FIRST_VALUES = 1 << 16,  /* initial buffer; doubles up to the claimed size */
    NPY_ALIGN = 64,              /* header + preamble length, per the format spec */
};

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

typedef struct {
    gfd_in *in;
    char where[320];   /* "data.npy" or "data.npy: frame 3": the prefix of messages */
} npy_ctx;

typedef struct {
    int width;          /* bytes per value: 4 ('<f4') or 8 ('<f8') */
    int fortran, ndim;
    size_t shape[2];    /* the first two dimensions; ndim says how many there were */
    char shape_text[64];
    int have_descr, have_order, have_shape;
    long step;          /* a trajectory frame's " # step=K" after the dict, or -1 */
} npy_header;

int npy_is_magic(const unsigned char *p, size_t n)
{
    return n >= sizeof npy_magic && !memcmp(p, npy_magic, sizeof npy_magic);
}

/* ---- the header dict ---- */

static void skip_space(const char **s)
{
    while (isspace((unsigned char)**s))
        (*s)++;
}

/* A quoted Python string ('...' or "...") into dst; 0, or -1 if s holds none. */
static int parse_string(const char **s, char *dst, size_t cap)
{
    char quote = **s;
    if (quote != '\'' && quote != '"')
        return -1;
    const char *end = strchr(*s + 1, quote);
    if (!end || (size_t)(end - *s - 1) >= cap)
        return -1;
    memcpy(dst, *s + 1, (size_t)(end - *s - 1));
    dst[end - *s - 1] = '\0';
    *s = end + 1;
    return 0;
}

static int parse_bool(const char **s, int *v)
{
    if (!strncmp(*s, "True", 4) || !strncmp(*s, "False", 5)) {
        *v = **s == 'T';
        *s += *v ? 4 : 5;
        return 0;
    }
    return -1;
}

static int parse_size(const char **s, size_t *v)
{
    if (!isdigit((unsigned char)**s))
        return -1;
    for (*v = 0; isdigit((unsigned char)**s); (*s)++) {
        size_t digit = (size_t)(**s - '0');
        if (*v > (SIZE_MAX - digit) / 10)
            return -1;
        *v = *v * 10 + digit;
    }
    return 0;
}

/* A tuple of sizes "(n, d)", "(n,)", "()"; keeps the first two and the text. */
static int parse_shape(const char **s, npy_header *h)
{
    const char *open = *s;
    if (**s != '(')
        return -1;
    (*s)++;
    for (h->ndim = 0;; h->ndim++) {
        skip_space(s);
        if (**s == ')')
            break;
        size_t v;
        if (parse_size(s, &v) < 0)
            return -1;
        if (h->ndim < 2)
            h->shape[h->ndim] = v;
        skip_space(s);
        if (**s == ',')
            (*s)++;
        else if (**s != ')')
            return -1;
    }
    (*s)++;
    int len = (int)(*s - open);
    snprintf(h->shape_text, sizeof h->shape_text, "%.*s", len < 60 ? len : 60, open);
    return 0;
}

/* The value of `descr`: only little-endian float64 and float32 are read. */
static int check_descr(const char *descr, npy_header *h, const npy_ctx *c, gfd_err *err)
{
    if (!strcmp(descr, "<f8") || !strcmp(descr, "<f4")) {
        h->width = descr[2] - '0';
        return 0;
    }
    char shown[IO_SHOWN + 1];
    io_excerpt(shown, descr, strlen(descr));
    return gfd_fail(err, GFD_EDATA, "%s: %sdtype '%s' is not supported (use '<f8' or '<f4')",
                    c->where, descr[0] == '>' ? "big-endian " : "", shown);
}

static int bad_header(const char *at, const npy_ctx *c, gfd_err *err)
{
    char shown[IO_SHOWN + 1];
    io_excerpt(shown, at, strlen(at));
    return gfd_fail(err, GFD_EDATA, "%s: malformed .npy header near '%s'", c->where, shown);
}

/* One `'key': value` entry of the dict. */
static int parse_entry(const char **s, npy_header *h, const npy_ctx *c, gfd_err *err)
{
    const char *at = *s;
    char key[32], descr[32], shown[IO_SHOWN + 1];
    if (parse_string(s, key, sizeof key) < 0)
        return bad_header(at, c, err);
    skip_space(s);
    if (**s != ':')
        return bad_header(*s, c, err);
    (*s)++;
    skip_space(s);
    at = *s;
    if (!strcmp(key, "descr")) {
        if (parse_string(s, descr, sizeof descr) < 0) {
            io_excerpt(shown, at, strlen(at));
            return gfd_fail(err, GFD_EDATA, "%s: dtype %s is not supported (use '<f8' or '<f4')",
                            c->where, shown);
        }
        h->have_descr = 1;
        return check_descr(descr, h, c, err);
    }
    if (!strcmp(key, "fortran_order")) {
        h->have_order = 1;
        return parse_bool(s, &h->fortran) < 0 ? bad_header(at, c, err) : 0;
    }
    if (!strcmp(key, "shape")) {
        h->have_shape = 1;
        return parse_shape(s, h) < 0 ? bad_header(at, c, err) : 0;
    }
    io_excerpt(shown, key, strlen(key));
    return gfd_fail(err, GFD_EDATA, "%s: unexpected key '%s' in the .npy header", c->where, shown);
}

static int parse_dict(const char *s, npy_header *h, const npy_ctx *c, gfd_err *err)
{
    skip_space(&s);
    if (*s++ != '{')
        return bad_header(s - 1, c, err);
    for (;;) {
        skip_space(&s);
        if (*s == '}')
            break;
        if (parse_entry(&s, h, c, err) < 0)
            return -1;
        skip_space(&s);
        if (*s == ',')
            s++;
        else if (*s != '}')
            return bad_header(s, c, err);
    }
    s++;
    skip_space(&s);
    if (*s == '#') {  /* a comment, as Python's parser allows: gfd's frames name their step */
        sscanf(s, "# step=%ld", &h->step);
        s += strcspn(s, "\n");
        skip_space(&s);
    }
    if (*s)
        return bad_header(s, c, err);
    if (!h->have_descr || !h->have_order || !h->have_shape)
        return gfd_fail(err, GFD_EDATA, "%s: the .npy header lacks '%s'", c->where,
                        !h->have_descr ? "descr" : !h->have_order ? "fortran_order" : "shape");
    return 0;
}

/* ---- reading a record ---- */

static int truncated_header(const npy_ctx *c, gfd_err *err)
{
    return gfd_fail(err, GFD_EDATA, "%s: truncated .npy header", c->where);
}

/* Magic, version and header length. Returns 1, 0 when the input has ended, -1. */
static int read_preamble(npy_ctx *c, size_t *hlen, gfd_err *err)
{
    unsigned char p[NPY_PREAMBLE_MAX];
    const unsigned char *peek;
    ssize_t got = in_peek(c->in, 8, &peek, err);
    if (got <= 0)
        return (int)got;
    if (memcmp(peek, npy_magic, got < 6 ? (size_t)got : 6))
        return gfd_fail(err, GFD_EDATA, "%s: not a .npy record (trailing data after the last array?)",
                        c->where);
    if (got < 8)
        return truncated_header(c, err);
    int major = peek[6], minor = peek[7];
    if ((major != 1 && major != 2) || minor != 0)
        return gfd_fail(err, GFD_EDATA, "%s: .npy version %d.%d is not supported (1.0 and 2.0 are)",
                        c->where, major, minor);
    size_t n = major == 1 ? 10 : 12;
    got = in_read(c->in, p, n, err);
    if (got < 0)
        return -1;
    if ((size_t)got < n)
        return truncated_header(c, err);
    *hlen = major == 1 ? (size_t)p[8] | (size_t)p[9] << 8
                       : (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
    return 1;
}

static int read_header(npy_ctx *c, npy_header *h, gfd_err *err)
{
    size_t hlen = 0;
    int rc = read_preamble(c, &hlen, err);
    if (rc <= 0)
        return rc;
    if (hlen > NPY_HEADER_MAX)
        return gfd_fail(err, GFD_EDATA, "%s: .npy header length %zu is too large", c->where, hlen);
    char *text = malloc(hlen + 1);
    if (!text)
        return gfd_fail(err, GFD_ENOMEM, "%s: out of memory for the .npy header", c->where);
    ssize_t got = in_read(c->in, text, hlen, err);
    if (got >= 0 && (size_t)got < hlen)
        got = truncated_header(c, err);
    if (got >= 0) {
        text[hlen] = '\0';
        got = parse_dict(text, h, c, err);
    }
    free(text);
    return got < 0 ? -1 : 1;
}

/* The shape rules: C order, 2-D, n >= 1, d >= 1, n * d * 8 bytes addressable. */
static int check_header(const npy_header *h, const npy_ctx *c, gfd_err *err)
{
    if (h->fortran)
        return gfd_fail(err, GFD_EDATA, "%s: Fortran-order arrays are not supported "
                        "(save a C-order array)", c->where);
    if (h->ndim != 2)
        return gfd_fail(err, GFD_EDATA, "%s: shape %s is not 2-D (n points, d coordinates)",
                        c->where, h->shape_text);
    if (h->shape[0] == 0)
        return gfd_fail(err, GFD_EDATA, "%s: no points", c->where);
    if (h->shape[1] == 0)
        return gfd_fail(err, GFD_EDATA, "%s: shape %s: points have no coordinates", c->where,
                        h->shape_text);
    if (h->shape[1] > SIZE_MAX / sizeof(double) / h->shape[0])
        return gfd_fail(err, GFD_ENOMEM, "%s: shape %s is too large", c->where, h->shape_text);
    return 0;
}

static double decode(const unsigned char *b, int width)
{
    if (width == 4) {
        uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Doubles the value buffer (up to total) when `have + want` would not fit. */
static int grow(double **x, size_t *cap, size_t need, size_t total, const npy_ctx *c, gfd_err *err)
{
    if (need <= *cap)
        return 0;
    size_t grown = *cap;
    while (grown < need)
        grown = grown > total / 2 ? total : 2 * grown;
    double *p = realloc(*x, grown * sizeof **x);
    if (!p)
        return gfd_fail(err, GFD_ENOMEM, "%s: out of memory for %zu values", c->where, grown);
    *x = p;
    *cap = grown;
    return 0;
}

/* Decodes values at..at+k-1 of the record (k of them, from raw), rejecting NaN and Inf by
 * row and column, into x: the kept rows only, in order. */
static int decode_values(const unsigned char *raw, size_t k, int width, double *x, size_t at,
                         size_t d, const row_keep *keep, const npy_ctx *c, gfd_err *err)
{
    for (size_t i = 0; i < k; i++) {
        double v = decode(raw + i * (size_t)width, width);
        if (!isfinite(v))
            return gfd_fail(err, GFD_EDATA, "%s: row %zu, column %zu: %g (NaN and Inf are not allowed)",
                            c->where, (at + i) / d + 1, (at + i) % d + 1, v);
        if (keep->stride == 1)
            x[at + i] = v;
        else if ((at + i) / d % keep->stride == keep->offset)
            x[(at + i) / d / keep->stride * d + (at + i) % d] = v;
    }
    return 0;
}

/* The data of an n x d record, the rows keep keeps; x grows as bytes arrive, never ahead
 * of them. */
static int read_data(npy_ctx *c, const npy_header *h, const row_keep *keep, double **x,
                     gfd_err *err)
{
    size_t n = h->shape[0], d = h->shape[1], total = n * d, have = 0;
    size_t kept = rows_kept(keep, n) * d;
    size_t cap = kept < NPY_FIRST_VALUES ? kept : NPY_FIRST_VALUES;
    unsigned char raw[NPY_RAW];
    if (!(*x = malloc((cap ? cap : 1) * sizeof **x)))
        return gfd_fail(err, GFD_ENOMEM, "%s: out of memory", c->where);
    while (have < total) {
        size_t want = total - have < NPY_RAW / (size_t)h->width ? total - have : NPY_RAW / (size_t)h->width;
        if (grow(x, &cap, rows_kept(keep, (have + want + d - 1) / d) * d, kept, c, err) < 0)
            return -1;
        ssize_t got = in_read(c->in, raw, want * (size_t)h->width, err);
        if (got < 0)
            return -1;
        size_t k = (size_t)got / (size_t)h->width;
        if (decode_values(raw, k, h->width, *x, have, d, keep, c, err) < 0)
            return -1;
        have += k;
        if (k < want)
            return gfd_fail(err, GFD_EDATA, "%s: truncated: header claims %zu rows, data ends after %zu rows",
                            c->where, n, have / d);
    }
    return 0;
}

int npy_read(gfd_in *in, size_t frame, const row_keep *keep, gfd_cloud *out, long *step,
             gfd_err *err)
{
    npy_ctx c = {.in = in};
    if (frame > 1)
        snprintf(c.where, sizeof c.where, "%s: frame %zu", in_name(in), frame);
    else
        snprintf(c.where, sizeof c.where, "%s", in_name(in));
    npy_header h = {.step = -1};
    int rc = read_header(&c, &h, err);
    if (rc <= 0)
        return rc;
    if (check_header(&h, &c, err) < 0)
        return -1;
    double *x = NULL;
    if (read_data(&c, &h, keep, &x, err) < 0) {
        free(x);
        return -1;
    }
    *out = (gfd_cloud){.n = rows_kept(keep, h.shape[0]), .d = h.shape[1], .x = x};
    *step = h.step;
    return 1;
}

/* ---- writing a record ---- */

/* Preamble and header of a v1.0 record of `width`-byte floats of shape (f, n, d), or (n, d)
 * when f is 0, padded with spaces so that the data starts at a multiple of 64 bytes,
 * ending in '\n'; step >= 0 follows the dict as a comment " # step=K" (numpy's parser
 * skips it). Returns its length. */
static size_t header_bytes(unsigned char *buf, size_t cap, size_t f, size_t n, size_t d,
                           int width, long step)
{
    char *dict = (char *)buf + 10, shape[80], note[32] = "";
    if (f)
        snprintf(shape, sizeof shape, "%zu, %zu, %zu", f, n, d);
    else
        snprintf(shape, sizeof shape, "%zu, %zu", n, d);
    if (step >= 0)
        snprintf(note, sizeof note, " # step=%ld", step);
    int len = snprintf(dict, cap - 10, "{'descr': '<f%d', 'fortran_order': False, 'shape': (%s), }%s",
                       width, shape, note);
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
    memset(dict + len, ' ', pad);
    dict[(size_t)len + pad] = '\n';
    size_t hlen = (size_t)len + pad + 1;
    memcpy(buf, npy_magic, sizeof npy_magic);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    return 10 + hlen;
}

static void encode(unsigned char *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; i++, u >>= 8)
        b[i] = (unsigned char)(u & 0xff);
}

/* v rounded to float32, little-endian; -1 when a finite v has no finite float32. */
static int encode_f4(unsigned char *b, double v)
{
    float f = (float)v;
    if (isinf(f) && !isinf(v))
        return -1;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    for (int i = 0; i < 4; i++, u >>= 8)
        b[i] = (unsigned char)(u & 0xff);
    return 0;
}

/* The values of c as '<f8' or '<f4' (width 8 or 4). */
static int npy_values(gfd_output *o, const gfd_cloud *c, int width, gfd_err *err)
{
    unsigned char buf[NPY_RAW];
    size_t total = c->n * c->d, per = NPY_RAW / (size_t)width;
    for (size_t at = 0; at < total;) {
        size_t k = total - at < per ? total - at : per;
        for (size_t i = 0; i < k; i++) {
            if (width == 8)
                encode(buf + 8 * i, c->x[at + i]);
            else if (encode_f4(buf + 4 * i, c->x[at + i]) < 0)
                return gfd_fail(err, GFD_EDATA, "row %zu: %g does not fit in float32 (-F npy:f4)",
                                (at + i) / c->d + 1, c->x[at + i]);
        }
        if (gfd_output_write(o, buf, (size_t)width * k, err) < 0)
            return -1;
        at += k;
    }
    return 0;
}

int npy_write(gfd_output *o, const gfd_cloud *c, int width, long step, gfd_err *err)
{
    unsigned char head[256];
    size_t len = header_bytes(head, sizeof head, 0, c->n, c->d, width, step);
    return gfd_output_write(o, head, len, err) < 0 ? -1 : npy_values(o, c, width, err);
}

int npy_write_stack(gfd_output *o, const gfd_cloud *frames, size_t nf, gfd_err *err)
{
    unsigned char head[256];
    size_t len = header_bytes(head, sizeof head, nf, frames[0].n, frames[0].d, 8, -1);
    if (gfd_output_write(o, head, len, err) < 0)
        return -1;
    for (size_t f = 0; f < nf; f++)
        if (npy_values(o, &frames[f], 8, err) < 0)
            return -1;
    return 0;
}
