/* tables: a test-only program for tests/help.bats (not installed, not a unit test). It
 * prints what the library's tables say, one entry per line, "field NAME sphere|flat" and
 * "metric NAME sphere|flat", read through the public API only, so that the test can check
 * every program's --help against the tables themselves. */
#include <stdio.h>

#include "gfd.h"

int main(void)
{
    for (const gfd_field_def *f = gfd_field_table(); f->name; f++)
        printf("field %s %s\n", f->name, f->flags & GFD_FIELD_SPHERE ? "sphere" : "flat");
    for (const gfd_metric_def *m = gfd_metric_table(); m->name; m++)
        printf("metric %s %s\n", m->name, m->flags & GFD_METRIC_SPHERE ? "sphere" : "flat");
    return fflush(stdout) != 0;
}
