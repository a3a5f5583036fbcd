/* The list builder of names.h. */
#include <string.h>

#include "core/names.h"

void gfd_join_names(char *buf, size_t cap, const void *table, size_t stride,
                    int (*keep)(const void *entry, const void *ctx), const void *ctx)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *e = table;; e += stride) {
        const char *name = *(const char *const *)(const void *)e;
        if (!name)
            return;
        if (keep && !keep(e, ctx))
            continue;
        size_t need = strlen(name) + (len ? 2 : 0);
        if (len + need + 4 > cap) {
            if (len + 4 <= cap)
                memcpy(buf + len, "...", 4);
            return;
        }
        if (len)
            memcpy(buf + len, ", ", 2), len += 2;
        memcpy(buf + len, name, strlen(name) + 1);
        len += strlen(name);
    }
}

size_t gfd_join_lines(char *buf, size_t cap, int n,
                      size_t (*line)(const void *ctx, int i, char *out, size_t room),
                      const void *ctx)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len + 2 < cap; i++) {
        size_t at = len ? len + 1 : 0, got = line(ctx, i, buf + at, cap - at);
        if (!got) {
            buf[len] = '\0';
            continue;
        }
        if (len)
            buf[len] = '\n';
        len = at + (got < cap - at ? got : cap - at - 1);
    }
    return len;
}
