/* Error values of libgfd. The library never prints or exits: every function that can fail
 * takes a gfd_err * (which may be NULL) and returns -1 (or NULL) after filling it. Only
 * the programs turn an error into a message and an exit status. */
#ifndef GFD_ERR_H
#define GFD_ERR_H

#include <stddef.h>

#include "defs.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

enum gfd_code {
    GFD_OK = 0,
    GFD_EUSAGE,    /* bad option or argument (the programs exit 2) */
    GFD_EDATA,     /* malformed or inconsistent input data */
    GFD_EIO,       /* a file could not be opened, read or written */
    GFD_ENOMEM,    /* an allocation failed or a size is too large */
    GFD_ENUMERIC,  /* a computation produced NaN/Inf or did not converge */
    GFD_ESTOPPED,  /* the caller's observer asked the computation to stop (a signal) */
};

typedef struct {
    enum gfd_code code;
    char msg[512];  /* one line, no trailing newline: "data.csv:17: expected 2 columns, found 3" */
} gfd_err;

/* Sets err (if not NULL) and returns -1, so that callers can `return gfd_fail(...)`. */
int gfd_fail(gfd_err *err, enum gfd_code code, const char *fmt, ...) GFD_PRINTF(3, 4);
/* Puts "context: " before the message of err (if not NULL) and returns -1: the one way
 * a caller adds where an error happened ("step 12: ", "mmd: ", "data.csv: "). */
int gfd_err_prefix(gfd_err *err, const char *fmt, ...) GFD_PRINTF(2, 3);
/* The code's name: "ok", "usage", "data", "io", "nomem", "numeric", "stopped"
 * ("unknown" otherwise). */
const char *gfd_error_name(enum gfd_code code);
/* 0 when the n x width values x are all finite; else fails with GFD_ENUMERIC:
 * "WHAT of point I is nan" (I from 1), then `why` when not NULL. */
int gfd_check_finite(const double *x, size_t n, size_t width, const char *what, const char *why,
                     gfd_err *err);
/* Checked allocation of n * size zeroed bytes; fails with GFD_ENOMEM naming `what`. */
void *gfd_alloc(size_t n, size_t size, const char *what, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
