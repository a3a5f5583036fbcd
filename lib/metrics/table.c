/* The metric table as text (metric.h): aligned columns for people, CSV and JSON for
 * programs (the shortest text that round-trips). Built in memory: the program writes it only
 * once every row is computed, so a failure leaves no partial table. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/io.h"
#include "gfd/metric.h"

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} buf;

__attribute__((format(printf, 2, 3)))
static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    for (int pass = 0; pass < 2 && !b->failed; pass++) {
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->failed = 1;
        } else if (b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        } else {
            size_t cap = 2 * (b->len + (size_t)k + 64);
            char *s = realloc(b->s, cap);
            if (!s)
                b->failed = 1;
            b->s = s, b->cap = cap;
        }
    }
}

static void put_double(buf *b, const char *sep, double x)
{
    char num[32];
    gfd_format_double(num, sizeof num, x);
    put(b, "%s%s", sep, num);
}

static void text(buf *b, const char *const *cols, size_t nc, const char *const *rows, size_t nr,
                 const double *v)
{
    size_t w0 = strlen("file"), *w = calloc(nc ? nc : 1, sizeof *w);
    char t[64];
    if (!w) {
        b->failed = 1;
        return;
    }
    for (size_t r = 0; r < nr; r++)
        w0 = strlen(rows[r]) > w0 ? strlen(rows[r]) : w0;
    for (size_t c = 0; c < nc; c++) {
        w[c] = strlen(cols[c]);
        for (size_t r = 0; r < nr; r++) {
            snprintf(t, sizeof t, "%.6g", v[r * nc + c]);  /* 6 digits for people */
            w[c] = strlen(t) > w[c] ? strlen(t) : w[c];
        }
    }
    put(b, "%-*s", (int)w0, "file");
    for (size_t c = 0; c < nc; c++)
        put(b, "  %*s", (int)w[c], cols[c]);
    put(b, "\n");
    for (size_t r = 0; r < nr; r++) {
        put(b, "%-*s", (int)w0, rows[r]);
        for (size_t c = 0; c < nc; c++) {
            snprintf(t, sizeof t, "%.6g", v[r * nc + c]);  /* 6 digits for people */
            put(b, "  %*s", (int)w[c], t);
        }
        put(b, "\n");
    }
    free(w);
}

/* A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
static void csv_field(buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put(b, "%s", s);
        return;
    }
    put(b, "\"");
    for (; *s; s++)
        if (*s == '"')
            put(b, "\"\"");
        else
            put(b, "%c", *s);
    put(b, "\"");
}

static void csv(buf *b, const char *const *cols, size_t nc, const char *const *rows, size_t nr,
                const double *v)
{
    put(b, "file");
    for (size_t c = 0; c < nc; c++)
        put(b, ",%s", cols[c]);
    put(b, "\n");
    for (size_t r = 0; r < nr; r++) {
        csv_field(b, rows[r]);
        for (size_t c = 0; c < nc; c++)
            put_double(b, ",", v[r * nc + c]);
        put(b, "\n");
    }
}

static void json_string(buf *b, const char *s)
{
    put(b, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            put(b, "\\%c", ch);
        else if (ch < 0x20)
            put(b, "\\u%04x", ch);
        else
            put(b, "%c", ch);
    }
    put(b, "\"");
}

static void json(buf *b, const char *const *cols, size_t nc, const char *const *rows, size_t nr,
                 const double *v)
{
    put(b, "[");
    for (size_t r = 0; r < nr; r++) {
        put(b, "%s\n  {\"file\": ", r ? "," : "");
        json_string(b, rows[r]);
        for (size_t c = 0; c < nc; c++) {
            double x = v[r * nc + c];
            put(b, ", \"%s\": ", cols[c]);
            if (isfinite(x))
                put_double(b, "", x);
            else
                put(b, "null");  /* JSON has no NaN: an undefined value (mode_kl) */
        }
        put(b, "}");
    }
    put(b, "\n]\n");
}

char *gfd_metric_table_format(gfd_table_format fmt, const char *const *cols, size_t ncols,
                              const char *const *rows, size_t nrows, const double *values,
                              gfd_err *err)
{
    buf b = {0};
    if (fmt == GFD_TABLE_TEXT)
        text(&b, cols, ncols, rows, nrows, values);
    else if (fmt == GFD_TABLE_CSV)
        csv(&b, cols, ncols, rows, nrows, values);
    else
        json(&b, cols, ncols, rows, nrows, values);
    if (b.failed || !b.s) {
        free(b.s);
        gfd_fail(err, GFD_ENOMEM, "out of memory for the table");
        return NULL;
    }
    return b.s;
}
