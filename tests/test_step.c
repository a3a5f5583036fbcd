/* One explicit step (lib/step.c, MATH §1): the defaults by units, x + eta v, the cap,
 * the noise (determinism, independence of the row count, its variance), bad input. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "unit.h"

static void test_defaults(void)
{
    /* MATH §1: eta = 0.5 h^2 (score), 0.5 (displacement); cap 0.5 h; no noise */
    gfd_step_opts s;
    gfd_step_defaults(&s, GFD_UNITS_SCORE, 0.3);
    CHECK(s.eta == 0.5 * 0.3 * 0.3 && s.max_move == 0.15 && s.noise == 0, "score: eta %g cap %g", s.eta, s.max_move);
    gfd_step_defaults(&s, GFD_UNITS_DISPLACEMENT, 0.3);
    CHECK(s.eta == 0.5 && s.max_move == 0.15, "displacement: eta %g cap %g", s.eta, s.max_move);
}

static void test_plain_step(void)
{
    /* no cap: exactly x + eta v, coordinate by coordinate */
    double X[6] = {0, 1, 2, 3, 4, 5}, V[6] = {1, -1, 0.5, 2, -3, 0.25}, X0[6];
    memcpy(X0, X, sizeof X);
    gfd_step_opts s = {.eta = 0.1};
    gfd_err err;
    CHECK(gfd_step(X, 3, 2, V, &s, &err) == 0, "%s", err.msg);
    for (int k = 0; k < 6; k++)
        CHECK(X[k] == X0[k] + 0.1 * V[k], "x[%d] = %.17g", k, X[k]);
}

static void test_cap(void)
{
    /* |eta v| = 5 for particle 0 is cut to the cap 0.5 along v (0.3, 0.4); particle 1 moves
     * 0.05 < 0.5 and is untouched; to rounding (1e-15) */
    double X[4] = {1, 1, 2, 2}, V[4] = {30, 40, 0.3, 0.4};
    gfd_step_opts s = {.eta = 0.1, .max_move = 0.5};
    gfd_err err;
    CHECK(gfd_step(X, 2, 2, V, &s, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(X[0], 1.3, 1e-15);
    CHECK_CLOSE(X[1], 1.4, 1e-15);
    CHECK(X[2] == 2 + 0.1 * 0.3 && X[3] == 2 + 0.1 * 0.4, "uncapped particle moved to %g %g", X[2], X[3]);
}

static double *noisy_step(size_t n, size_t d, uint64_t seed, uint64_t step)
{
    double *X = calloc(n * d, sizeof *X), *V = calloc(n * d, sizeof *V);
    gfd_step_opts s = {.eta = 0.25, .noise = 2, .seed = seed, .step = step};
    gfd_err err;
    CHECK(gfd_step(X, n, d, V, &s, &err) == 0, "%s", err.msg);
    free(V);
    return X;
}

static void test_noise(void)
{
    /* same (seed, step), same bytes; another step or seed, other noise; particle i's noise
     * does not depend on how many particles there are (its own stream) */
    double *a = noisy_step(1000, 3, 7, 4), *b = noisy_step(1000, 3, 7, 4);
    double *c = noisy_step(1000, 3, 7, 5), *e = noisy_step(1000, 3, 8, 4), *f = noisy_step(10, 3, 7, 4);
    CHECK(!memcmp(a, b, 3000 * sizeof *a), "same seed and step differ");
    CHECK(memcmp(a, c, 3000 * sizeof *a), "steps 4 and 5 drew the same noise");
    CHECK(memcmp(a, e, 3000 * sizeof *a), "seeds 7 and 8 drew the same noise");
    CHECK(!memcmp(a, f, 30 * sizeof *a), "the first 10 particles depend on the count");
    /* sqrt(eta) S N(0, I) with eta = 0.25, S = 2: variance 1; over 3000 draws the sample
     * variance is within 4 standard errors (sqrt(2/3000) = 0.026) and the mean within 4/sqrt(3000) */
    double mean = 0, var = 0;
    for (int k = 0; k < 3000; k++)
        mean += a[k] / 3000;
    for (int k = 0; k < 3000; k++)
        var += (a[k] - mean) * (a[k] - mean) / 2999;
    CHECK(fabs(mean) < 4 / sqrt(3000.0) && fabs(var - 1) < 4 * 0.026, "mean %g variance %g", mean, var);
    free(a), free(b), free(c), free(e), free(f);
}

static void test_bad_input(void)
{
    double X[2] = {1, 2}, V[2] = {NAN, 0};
    gfd_step_opts s = {.eta = 0.1};
    gfd_err err;
    CHECK(gfd_step(X, 1, 2, V, &s, &err) < 0 && err.code == GFD_ENUMERIC, "NaN velocity accepted");
    CHECK(X[0] == 1 && X[1] == 2, "X changed on failure");
    V[0] = 1;
    s.eta = 0;
    CHECK(gfd_step(X, 1, 2, V, &s, &err) < 0 && err.code == GFD_EUSAGE, "eta = 0 accepted");
    s.eta = 0.1;
    s.max_move = -1;
    CHECK(gfd_step(X, 1, 2, V, &s, &err) < 0 && err.code == GFD_EUSAGE, "a negative cap accepted");
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_plain_step);
    RUN(test_cap);
    RUN(test_noise);
    RUN(test_bad_input);
    UNIT_END();
}
