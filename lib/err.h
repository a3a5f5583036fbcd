/* Error values of libgfd. The library never prints or exits: every function that
 * can fail takes a gfd_err * and returns -1 (or NULL) after filling it. Only the
 * programs in cmd/ turn an error into a message and an exit status. */
#ifndef GFD_ERR_H
#define GFD_ERR_H

#include <stddef.h>

enum gfd_code {
    GFD_OK = 0,
    GFD_EUSAGE,    /* bad option or argument: the program exits 2 */
    GFD_EDATA,     /* malformed or inconsistent input data: exit 1 */
    GFD_EIO,       /* a file could not be opened, read or written: exit 1 */
    GFD_ENOMEM,    /* an allocation failed or a size is too large: exit 1 */
    GFD_ENUMERIC,  /* a computation produced NaN/Inf or did not converge: exit 1 */
};

typedef struct {
    enum gfd_code code;
    char msg[512];  /* one line, no trailing newline: "data.csv:17: expected 2 columns, found 3" */
} gfd_err;

/* Sets err (if not NULL) and returns -1, so callers can `return gfd_fail(...)`. */
int gfd_fail(gfd_err *err, enum gfd_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Exit status for a code: 0, 2 for usage, 1 otherwise (CLI.md). */
int gfd_exit_status(enum gfd_code code);
/* Checked allocation of n * size bytes; fails with GFD_ENOMEM naming `what`. */
void *gfd_alloc(size_t n, size_t size, const char *what, gfd_err *err);

#endif
