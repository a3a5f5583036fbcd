/* Point-cloud files (CLI.md "Point clouds on disk"): CSV and .npy (v1/v2, <f4/<f8),
 * any of them gzip'd, back-to-back .npy frames, stdin/stdout, atomic output.
 * Readers stream: they parse as bytes arrive and never slurp a whole file first. */
#ifndef GFD_IO_H
#define GFD_IO_H

#include "cloud.h"

typedef enum { GFD_FMT_NONE = 0, GFD_FMT_CSV, GFD_FMT_NPY } gfd_format;

typedef struct gfd_reader gfd_reader;
typedef struct gfd_writer gfd_writer;

/* Opens a file for reading; path "-" (or NULL) is standard input. gzip is detected
 * from the bytes (1f 8b), then the format is sniffed (\x93NUMPY, else CSV). */
gfd_reader *gfd_reader_open(const char *path, gfd_err *err);
/* The next cloud: a .npy frame, or for CSV the whole rest of the input.
 * Returns 1 with *out filled (caller frees), 0 at a clean end of input, -1 on error.
 * Errors name the file and the line (CSV) or frame/record (.npy). NaN/Inf are errors. */
int gfd_reader_next(gfd_reader *r, gfd_cloud *out, gfd_err *err);
gfd_format gfd_reader_format(const gfd_reader *r);
const char *gfd_reader_name(const gfd_reader *r);  /* "stdin" for standard input */
void gfd_reader_close(gfd_reader *r);

/* Reads exactly one cloud (an error if the input is empty); *fmt gets the input
 * format when fmt is not NULL. A second .npy frame is an error naming it. */
int gfd_read_cloud(const char *path, gfd_cloud *out, gfd_format *fmt, gfd_err *err);

/* Output format from a file name: ".csv"/".npy", optionally followed by ".gz".
 * Returns GFD_FMT_NONE for other names; *gz is set when the name ends in ".gz". */
gfd_format gfd_format_from_name(const char *path, int *gz);

/* Opens output; path NULL or "-" is standard output. A named file is written to a
 * temporary name beside it and renamed by gfd_writer_commit, so a failed run leaves
 * no partial file. gz: gzip the stream. */
gfd_writer *gfd_writer_open(const char *path, gfd_format fmt, int gz, gfd_err *err);
/* Writes one cloud: CSV rows with %.17g (LC_NUMERIC=C), or one .npy '<f8' record.
 * Repeated calls write frames (.npy back to back; CSV blocks separated by two blank
 * lines so that gnuplot's `index` selects a frame). */
int gfd_writer_put(gfd_writer *w, const gfd_cloud *c, gfd_err *err);
/* Writes a CSV comment line "# text" (ignored for .npy). */
int gfd_writer_comment(gfd_writer *w, const char *text, gfd_err *err);
/* Flushes, closes and renames into place. Frees w whatever happens. */
int gfd_writer_commit(gfd_writer *w, gfd_err *err);
/* Closes and removes the temporary file. Frees w. */
void gfd_writer_abort(gfd_writer *w);

#endif
