/* The one list builder (private to lib/): the names of a table, for messages such as
 * "unknown field 'foo' (fields: kl, rkl, ...)". */
#ifndef GFD_NAMES_H
#define GFD_NAMES_H

#include <stddef.h>

/* Joins with ", " the names of the entries of `table` (entries of `stride` bytes that
 * start with a `const char *name`, ended by a NULL name) into buf (cap > 0), cut short
 * with "..." when it does not fit; keep (or NULL: every entry) picks the entries. */
void gfd_join_names(char *buf, size_t cap, const void *table, size_t stride,
                    int (*keep)(const void *entry, const void *ctx), const void *ctx);

/* Joins with newlines the report lines of n parts into buf (cap > 0): line(ctx, i, out,
 * room) writes part i's line and returns its length, or 0 when it has none to give.
 * Returns the length written (the last line cut to fit). */
size_t gfd_join_lines(char *buf, size_t cap, int n,
                      size_t (*line)(const void *ctx, int i, char *out, size_t room),
                      const void *ctx);

#endif
