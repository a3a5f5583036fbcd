/* Error values: formatting and prefixing messages, code names, checked allocation. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"

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

int gfd_err_prefix(gfd_err *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char msg[sizeof err->msg];
    memcpy(msg, err->msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    size_t len = k < 0 ? 0 : (size_t)k < sizeof err->msg ? (size_t)k : sizeof err->msg - 1;
    const char *parts[2] = {": ", msg};
    for (int p = 0; p < 2; p++) {  /* the old message after "prefix: ", cut to fit */
        size_t n = strnlen(parts[p], sizeof err->msg - 1 - len);
        memcpy(err->msg + len, parts[p], n);
        len += n;
    }
    err->msg[len] = '\0';
    return -1;
}

const char *gfd_error_name(enum gfd_code code)
{
    static const char *const names[] = {"ok", "usage", "data", "io", "nomem", "numeric", "stopped"};
    return (unsigned)code < sizeof names / sizeof *names ? names[code] : "unknown";
}

int gfd_check_finite(const double *x, size_t n, size_t width, const char *what, const char *why,
                     gfd_err *err)
{
    for (size_t e = 0; e < n * width; e++)
        if (!isfinite(x[e]))
            return gfd_fail(err, GFD_ENUMERIC, "%s of point %zu is %s%s%s", what, e / width + 1,
                            isnan(x[e]) ? "nan" : x[e] > 0 ? "inf" : "-inf", why ? ": " : "",
                            why ? why : "");
    return 0;
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
