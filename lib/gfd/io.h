/* Point-cloud files (CLI.md "Point clouds on disk"): CSV and .npy (v1/v2, <f4/<f8),
 * any of them gzip'd, back-to-back .npy frames, stdin/stdout, atomic output.
 * Readers stream: they parse as bytes arrive and never slurp a whole file first. */
#ifndef GFD_IO_H
#define GFD_IO_H

#include <stddef.h>

#include "cloud.h"
#include "defs.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* GFD_FMT_NPY_F4 writes '<f4' records (each value rounded to the nearest float32; a
 * value beyond float32's range is an error); reading reports either dtype as GFD_FMT_NPY. */
typedef enum { GFD_FMT_NONE = 0, GFD_FMT_CSV, GFD_FMT_NPY, GFD_FMT_NPY_F4 } gfd_format;

typedef struct gfd_reader gfd_reader;
typedef struct gfd_writer gfd_writer;

/* Opens a file for reading; path "-" (or NULL) is standard input. gzip is detected
 * from the bytes (1f 8b), then the format is sniffed (\x93NUMPY, else CSV). */
gfd_reader *gfd_reader_open(const char *path, gfd_err *err);
/* The next cloud: a .npy frame, or a CSV block (frames are separated by two blank lines).
 * Returns 1 with *out filled (caller frees), 0 at a clean end of input, -1 on error.
 * Errors name the file and the line (CSV) or frame/record (.npy). NaN/Inf are errors. */
int gfd_reader_next(gfd_reader *r, gfd_cloud *out, gfd_err *err);
/* The step of the frame gfd_reader_next gave last, as gfd_writer_put_frame noted it, or -1. */
long gfd_reader_step(const gfd_reader *r);
gfd_format gfd_reader_format(const gfd_reader *r);
const char *gfd_reader_name(const gfd_reader *r);  /* "stdin" for standard input */
void gfd_reader_close(gfd_reader *r);

/* Reads exactly one cloud (an error if the input is empty); *fmt gets the input
 * format when fmt is not NULL. A second .npy frame is an error naming it. */
int gfd_read_cloud(const char *path, gfd_cloud *out, gfd_format *fmt, gfd_err *err);
/* The same keeping only the rows i (from 0) with i % stride == offset, in order (one
 * process's shard, gfd/ranks.h): every row is still parsed and checked, and messages count
 * every row. The cloud may have no rows (offset >= the file's rows). */
int gfd_read_cloud_rows(const char *path, size_t stride, size_t offset, gfd_cloud *out,
                        gfd_format *fmt, gfd_err *err);

/* Output format from a file name: ".csv"/".npy", optionally followed by ".gz".
 * Returns GFD_FMT_NONE for other names; *gz is set when the name ends in ".gz". */
gfd_format gfd_format_from_name(const char *path, int *gz);

/* The one atomic writer, for bytes of any kind (clouds, tables, logs). Path NULL or "-"
 * is standard output. A regular file, or a name that does not exist yet, is written to a
 * new temporary file beside it (created exclusively, mode 0666 less the umask) that
 * gfd_output_commit renames into place, so a failed run leaves no partial file. An
 * existing FIFO or device is written in place: renaming over it would replace it. A file
 * replaced keeps its mode; a symlink is written through (its target replaced, the link
 * kept). gz: gzip the bytes. */
typedef struct gfd_output gfd_output;
gfd_output *gfd_output_open(const char *path, int gz, gfd_err *err);
int gfd_output_write(gfd_output *o, const void *p, size_t n, gfd_err *err);
/* Flushes, closes and renames into place. Frees o whatever happens. */
int gfd_output_commit(gfd_output *o, gfd_err *err);
/* Closes and removes the temporary file. Frees o (NULL: nothing). */
void gfd_output_abort(gfd_output *o);
/* Removes the temporary file of every output neither committed nor aborted: for a program
 * about to end on an error or a signal (async-signal-safe: unlink only). */
void gfd_output_remove_temps(void);
/* Whether outputs are fsync'd before they are renamed into place (default 1: a crash never
 * leaves an empty or partial file under the name; the programs' --no-sync turns it off). */
void gfd_output_set_sync(int on);
/* Whether outputs opened from now on write nothing (no file is made, standard output is
 * not touched; default 0): every process of an MPI run but the first (gfd/ranks.h). */
void gfd_output_set_discard(int on);

/* Point clouds through a gfd_output, in a format. */
gfd_writer *gfd_writer_open(const char *path, gfd_format fmt, int gz, gfd_err *err);
/* x as the shortest of %.15g, %.16g, %.17g that reads back as x (0.3, not
 * 0.29999999999999999), in the calling thread's locale; returns snprintf's count. */
int gfd_format_double(char *buf, size_t cap, double x);
/* Writes one cloud: CSV rows of gfd_format_double numbers (in the C locale), or one .npy '<f8' ('<f4') record.
 * Repeated calls write frames (.npy back to back; CSV blocks separated by two blank
 * lines so that gnuplot's `index` selects a frame). */
int gfd_writer_put(gfd_writer *w, const gfd_cloud *c, gfd_err *err);
/* The same for a trajectory's frame, noting its step (>= 0): " # step=K" after the .npy
 * header's dict (numpy.load skips it), a "# step K" line before a CSV block. */
int gfd_writer_put_frame(gfd_writer *w, const gfd_cloud *c, long step, gfd_err *err);
/* The frames (all n x d) as one .npy array of shape (nf, n, d), written atomically to
 * path (.npy, optionally .gz): numpy.load gives the whole trajectory. */
int gfd_write_stack(const char *path, const gfd_cloud *frames, size_t nf, gfd_err *err);
/* Writes a CSV comment line "# text" (ignored for .npy). */
int gfd_writer_comment(gfd_writer *w, const char *text, gfd_err *err);
/* Flushes, closes and renames into place. Frees w whatever happens. */
int gfd_writer_commit(gfd_writer *w, gfd_err *err);
/* Closes and removes the temporary file. Frees w. */
void gfd_writer_abort(gfd_writer *w);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
