/* Private to lib/io/: the input stream under the point-cloud files (through zlib, plain or
 * gzip from the bytes, buffered, with peek/read for .npy and zero-copy lines for CSV), and
 * the per-format readers and writers that io.c dispatches to. The output stream, the one
 * atomic writer gfd_output, is public (gfd/io.h). */
#ifndef GFD_IO_STREAM_H
#define GFD_IO_STREAM_H

#include <stddef.h>
#include <sys/types.h>

#include "gfd/cloud.h"
#include "gfd/io.h"

typedef struct gfd_in gfd_in;

enum { IO_SHOWN = 40 };
/* An excerpt of input for a message, kept on one line: at most IO_SHOWN bytes of
 * p[0, len), stopping at a NUL, control bytes shown as '?'. dst holds IO_SHOWN + 1. */
void io_excerpt(char *dst, const char *p, size_t len);

/* path NULL or "-" is standard input (named "stdin"); fails with GFD_EIO. */
gfd_in *in_open(const char *path, gfd_err *err);
const char *in_name(const gfd_in *in);
/* Makes up to n (<= 4096) bytes visible at *p without consuming them. Returns the
 * count, less than n only at the end of input, or -1 on a read error. */
ssize_t in_peek(gfd_in *in, size_t n, const unsigned char **p, gfd_err *err);
/* Consumes up to n bytes into dst. Returns the count, less than n only at the end
 * of input, or -1 on a read error. */
ssize_t in_read(gfd_in *in, void *dst, size_t n, gfd_err *err);
/* The next line without "\n" or "\r\n", NUL-terminated, valid until the next call;
 * *len is its length (it may hold NUL bytes). Returns 1, 0 at the end, -1 on error. */
int in_line(gfd_in *in, char **line, size_t *len, gfd_err *err);
void in_close(gfd_in *in);

/* The rows of a cloud a reader keeps: those i (from 0) with i % stride == offset; every
 * row is still parsed, checked and counted in messages. {1, 0}: all. */
typedef struct {
    size_t stride, offset;
} row_keep;

/* How many of n rows keep keeps. */
static inline size_t rows_kept(const row_keep *keep, size_t n)
{
    return n > keep->offset ? (n - keep->offset - 1) / keep->stride + 1 : 0;
}

/* .npy records (lib/io_npy.c). frame counts from 1 and only names errors. */
int npy_is_magic(const unsigned char *p, size_t n);
/* Returns 1 with *out filled (*step: the frame's step, or -1), 0 when the input ends
 * before a record, -1 on error. */
int npy_read(gfd_in *in, size_t frame, const row_keep *keep, gfd_cloud *out, long *step,
             gfd_err *err);
/* One record; step >= 0 is noted in its header (a trajectory frame). */
int npy_write(gfd_output *o, const gfd_cloud *c, int width, long step, gfd_err *err);
/* One '<f8' record of shape (nf, n, d) holding the frames (all n x d). */
int npy_write_stack(gfd_output *o, const gfd_cloud *frames, size_t nf, gfd_err *err);

/* CSV (lib/io_csv.c). Where a CSV trajectory is: its frames are blocks after two blank
 * lines, each with a "# step K" comment. */
typedef struct {
    int frames;     /* 1: read one block per call; 0: the whole input is one cloud, and a
                       second block is an error */
    size_t line;    /* lines read by the earlier calls */
    long step;      /* the block's "# step K", or -1 */
    row_keep keep;  /* the rows kept */
} csv_frames;
/* Returns 1 with *out filled, 0 (frames only) when no point is left, -1 on error. */
int csv_read(gfd_in *in, gfd_cloud *out, csv_frames *f, gfd_err *err);
int csv_write(gfd_output *o, const gfd_cloud *c, gfd_err *err);
int csv_comment(gfd_output *o, const char *text, gfd_err *err);

#endif
