/* Error values: formatting a message into a gfd_err, exit statuses, checked allocation. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"

int gfd_fail(gfd_err *err, enum gfd_code code, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return -1;
}

int gfd_exit_status(enum gfd_code code)
{
    return code == GFD_OK ? 0 : code == GFD_EUSAGE ? 2 : 1;
}

void *gfd_alloc(size_t n, size_t size, const char *what, gfd_err *err)
{
    if (size && n > SIZE_MAX / size) {
        gfd_fail(err, GFD_ENOMEM, "%s: size %zu x %zu overflows", what, n, size);
        return NULL;
    }
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        gfd_fail(err, GFD_ENOMEM, "%s: cannot allocate %zu bytes", what, n * size);
    return p;
}
