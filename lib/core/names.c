/* The list builder of names.h. */
#include <string.h>

#include "core/names.h"

void gfd_join_names(char *buf, size_t cap, const void *table, size_t stride)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *e = table;; e += stride) {
        const char *name = *(const char *const *)(const void *)e;
        if (!name)
            return;
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
