/* The point-cloud file API of lib/io.h: opening and sniffing inputs, frames, reading
 * exactly one cloud, output formats from names, and writers that dispatch to the CSV
 * and .npy code (lib/io_csv.c, lib/io_npy.c) over the streams of lib/io_stream.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gfd/io.h"
#include "io/stream.h"

struct gfd_reader {
    gfd_in *in;
    gfd_format fmt;
    size_t frames;   /* clouds handed out so far */
    long step;       /* the last frame's step, or -1 */
    csv_frames csv;  /* CSV: where the blocks are */
};

struct gfd_writer {
    gfd_output *out;
    gfd_format fmt;
    int separate;    /* CSV: a frame was written, the next block needs two blank lines */
};

gfd_reader *gfd_reader_open(const char *path, gfd_err *err)
{
    gfd_reader *r = calloc(1, sizeof *r);
    if (!r) {
        gfd_fail(err, GFD_ENOMEM, "%s: out of memory", path ? path : "stdin");
        return NULL;
    }
    const unsigned char *p;
    ssize_t got = 0;
    if (!(r->in = in_open(path, err)) || (got = in_peek(r->in, 6, &p, err)) < 0) {
        gfd_reader_close(r);
        return NULL;
    }
    r->fmt = npy_is_magic(p, (size_t)got) ? GFD_FMT_NPY : GFD_FMT_CSV;
    r->csv.frames = 1;
    r->csv.keep = (row_keep){1, 0};
    r->step = -1;
    return r;
}

gfd_format gfd_reader_format(const gfd_reader *r)
{
    return r->fmt;
}

const char *gfd_reader_name(const gfd_reader *r)
{
    return in_name(r->in);
}

void gfd_reader_close(gfd_reader *r)
{
    if (!r)
        return;
    in_close(r->in);
    free(r);
}

/* CSV: the next block after two blank lines (a trajectory's frame); an input without a
 * byte has none. */
static int next_csv(gfd_reader *r, gfd_cloud *out, gfd_err *err)
{
    const unsigned char *p;
    ssize_t got = in_peek(r->in, 1, &p, err);
    if (got <= 0)
        return (int)got;
    int rc = csv_read(r->in, out, &r->csv, err);
    r->step = r->csv.step;
    return rc;
}

int gfd_reader_next(gfd_reader *r, gfd_cloud *out, gfd_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = r->fmt == GFD_FMT_NPY ? npy_read(r->in, r->frames + 1, &r->csv.keep, out, &r->step, err)
                                   : next_csv(r, out, err);
    if (rc > 0)
        r->frames++;
    return rc;
}

long gfd_reader_step(const gfd_reader *r)
{
    return r->step;
}

/* After the one cloud of gfd_read_cloud: the input must end. */
static int check_single(gfd_reader *r, gfd_err *err)
{
    const unsigned char *p;
    ssize_t got = in_peek(r->in, 6, &p, err);
    if (got <= 0)
        return (int)got;
    if (npy_is_magic(p, (size_t)got))
        return gfd_fail(err, GFD_EDATA, "%s: more than one frame (a trajectory): read one with "
                        "gfd-frames extract", gfd_reader_name(r));
    return gfd_fail(err, GFD_EDATA, "%s: trailing data after the .npy array", gfd_reader_name(r));
}

int gfd_read_cloud(const char *path, gfd_cloud *out, gfd_format *fmt, gfd_err *err)
{
    return gfd_read_cloud_rows(path, 1, 0, out, fmt, err);
}

int gfd_read_cloud_rows(const char *path, size_t stride, size_t offset, gfd_cloud *out,
                        gfd_format *fmt, gfd_err *err)
{
    memset(out, 0, sizeof *out);
    if (stride < 1 || offset >= stride)
        return gfd_fail(err, GFD_EUSAGE, "rows %zu mod %zu: no such rows", offset, stride);
    gfd_reader *r = gfd_reader_open(path, err);
    if (!r)
        return -1;
    r->csv.frames = 0;  /* one cloud: a second CSV block is an error */
    r->csv.keep = (row_keep){stride, offset};
    int rc = gfd_reader_next(r, out, err);
    if (rc == 0)
        rc = gfd_fail(err, GFD_EDATA, "%s: empty input", gfd_reader_name(r));
    else if (rc > 0 && r->fmt == GFD_FMT_NPY)
        rc = check_single(r, err);
    if (rc < 0)
        gfd_cloud_free(out);
    else if (fmt)
        *fmt = r->fmt;
    gfd_reader_close(r);
    return rc < 0 ? -1 : 0;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && !strncasecmp(s + len - n, suffix, n);  /* .NPY too */
}

gfd_format gfd_format_from_name(const char *path, int *gz)
{
    size_t len = path ? strlen(path) : 0;
    int z = ends_with(path, len, ".gz");
    if (gz)
        *gz = z;
    if (z)
        len -= 3;
    return ends_with(path, len, ".csv") ? GFD_FMT_CSV
         : ends_with(path, len, ".npy") ? GFD_FMT_NPY
         : GFD_FMT_NONE;
}

gfd_writer *gfd_writer_open(const char *path, gfd_format fmt, int gz, gfd_err *err)
{
    const char *name = path && strcmp(path, "-") ? path : "stdout";
    if (fmt != GFD_FMT_CSV && fmt != GFD_FMT_NPY && fmt != GFD_FMT_NPY_F4) {
        gfd_fail(err, GFD_EUSAGE, "%s: no output format (csv or npy)", name);
        return NULL;
    }
    gfd_writer *w = calloc(1, sizeof *w);
    if (!w) {
        gfd_fail(err, GFD_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    w->fmt = fmt;
    if (!(w->out = gfd_output_open(path, gz, err))) {
        free(w);
        return NULL;
    }
    return w;
}

/* CSV frames and the comments before them start a block after two blank lines. */
static int csv_separate(gfd_writer *w, gfd_err *err)
{
    if (!w->separate)
        return 0;
    w->separate = 0;
    return gfd_output_write(w->out, "\n\n", 2, err);
}

int gfd_writer_put_frame(gfd_writer *w, const gfd_cloud *c, long step, gfd_err *err)
{
    if (w->fmt == GFD_FMT_NPY || w->fmt == GFD_FMT_NPY_F4)
        return npy_write(w->out, c, w->fmt == GFD_FMT_NPY_F4 ? 4 : 8, step, err);
    char note[32];
    snprintf(note, sizeof note, "step %ld", step);
    if (csv_separate(w, err) < 0 || (step >= 0 && csv_comment(w->out, note, err) < 0) ||
        csv_write(w->out, c, err) < 0)
        return -1;
    w->separate = 1;
    return 0;
}

int gfd_writer_put(gfd_writer *w, const gfd_cloud *c, gfd_err *err)
{
    return gfd_writer_put_frame(w, c, -1, err);
}

int gfd_write_stack(const char *path, const gfd_cloud *frames, size_t nf, gfd_err *err)
{
    int gz = 0;
    gfd_format_from_name(path, &gz);
    for (size_t f = 1; f < nf; f++)
        if (frames[f].n != frames[0].n || frames[f].d != frames[0].d)
            return gfd_fail(err, GFD_EDATA, "frame %zu is %zu x %zu, frame 1 %zu x %zu: frames of "
                            "one stack must agree", f + 1, frames[f].n, frames[f].d, frames[0].n,
                            frames[0].d);
    if (nf == 0)
        return gfd_fail(err, GFD_EDATA, "no frames to stack");
    gfd_output *o = gfd_output_open(path, gz, err);
    if (!o)
        return -1;
    if (npy_write_stack(o, frames, nf, err) < 0) {
        gfd_output_abort(o);
        return -1;
    }
    return gfd_output_commit(o, err);
}

int gfd_writer_comment(gfd_writer *w, const char *text, gfd_err *err)
{
    if (w->fmt != GFD_FMT_CSV)
        return 0;
    return csv_separate(w, err) < 0 ? -1 : csv_comment(w->out, text, err);
}

int gfd_writer_commit(gfd_writer *w, gfd_err *err)
{
    int rc = gfd_output_commit(w->out, err);
    free(w);
    return rc;
}

void gfd_writer_abort(gfd_writer *w)
{
    if (!w)
        return;
    gfd_output_abort(w->out);
    free(w);
}
