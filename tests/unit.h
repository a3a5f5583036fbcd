/* A small TAP harness for the C unit tests: each TEST prints "ok N name" or
 * "not ok N name" followed by "# ..." diagnostics; tests/run counts them. */
#ifndef GFD_UNIT_H
#define GFD_UNIT_H

#include <math.h>
#include <stdio.h>

static int unit_number, unit_failures, unit_current_failed;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            unit_current_failed = 1;                                            \
            printf("# %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);   \
            printf(__VA_ARGS__);                                                \
            printf("\n");                                                       \
        }                                                                       \
    } while (0)

/* |got - want| <= tol * max(1, |want|)... no: relative where want != 0, else absolute. */
#define CHECK_CLOSE(got, want, rtol)                                            \
    do {                                                                        \
        double g_ = (got), w_ = (want);                                         \
        double e_ = fabs(g_ - w_) / (w_ != 0 ? fabs(w_) : 1.0);                 \
        CHECK(e_ <= (rtol) && !isnan(g_), "%s = %.17g, want %.17g (rel err %.3g > %.3g)", \
              #got, g_, w_, e_, (double)(rtol));                                \
    } while (0)

static void unit_run(const char *name, void (*fn)(void))
{
    unit_current_failed = 0;
    fn();
    unit_number++;
    if (unit_current_failed)
        unit_failures++;
    printf("%sok %d %s\n", unit_current_failed ? "not " : "", unit_number, name);
    fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)
#define UNIT_END() return unit_failures ? 1 : 0

#endif
