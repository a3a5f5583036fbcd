/* locale_check: a test-only program for tests/io.bats. Under the caller's locale (one with a
 * decimal comma, set by the test), libgfd must still write and read CSV numbers, field specs
 * and option values in the C locale: exit 0 when it does, 1 naming what did not. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "gfd.h"

static int fail(const char *what, const gfd_err *err)
{
    fprintf(stderr, "locale_check: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
    return 1;
}

int main(void)
{
    char buf[32];
    gfd_err err;
    if (!setlocale(LC_ALL, ""))
        return fail("the test's locale is missing", NULL);
    snprintf(buf, sizeof buf, "%.1f", 0.5);
    if (strcmp(buf, "0,5"))
        return fail("the test's locale has no decimal comma", NULL);
    gfd_cloud c, back;
    if (gfd_cloud_alloc(&c, 1, 2, &err) < 0)
        return fail("alloc", &err);
    c.x[0] = 0.25, c.x[1] = -1.5;
    gfd_writer *w = gfd_writer_open("locale.csv", GFD_FMT_CSV, 0, &err);
    if (!w || gfd_writer_put(w, &c, &err) < 0 || gfd_writer_commit(w, &err) < 0)
        return fail("write", &err);
    if (gfd_read_cloud("locale.csv", &back, NULL, &err) < 0)
        return fail("read back", &err);
    if (back.n != 1 || back.d != 2 || back.x[0] != 0.25 || back.x[1] != -1.5)
        return fail("the numbers read back differ", NULL);
    gfd_field_spec spec;
    gfd_settings set;
    gfd_settings_init(&set);
    if (gfd_field_parse("alpha:0.5:0.25", &spec, &err) < 0 || spec.terms[0].param != 0.5 ||
        spec.terms[0].weight != 0.25)
        return fail("field spec", &err);
    if (gfd_field_setting(&set, "floor", "0.5", &err) < 0 || gfd_settings_get(&set, "floor")->v[0] != 0.5)
        return fail("option value", &err);
    gfd_cloud_free(&c), gfd_cloud_free(&back);
    return 0;
}
