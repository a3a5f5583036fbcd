/* The machine's limit for the low-d inner loop: one fused pass of a Gaussian mean shift,
 *     for every query q: s = sum_j exp(-|q - r_j|^2 c), a = sum_j exp(...) r_j,
 * with the engine's exp (lib/engine/vexp.h), the engine's layout (references as columns)
 * and the same compiler flags, but no max-shift, no tiles, no merges: what a kernel sum
 * at d = 2 cannot beat on this core. Prints kernel pairs per second (one thread).
 * Usage: probe N M D */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/vexp.h"


static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One query row against all M references; D a compile-time constant in each copy. */
static inline __attribute__((always_inline)) double
row(const double *q, const double *rt, size_t m, double coef, double *out, const size_t D)
{
    double s = 0, a0 = 0, a1 = 0, a2 = 0;
    #pragma omp simd reduction(+:s, a0, a1, a2)
    for (size_t j = 0; j < m; j++) {
        double d2 = 0;
        for (size_t c = 0; c < D; c++)
            d2 += (q[c] - rt[c * m + j]) * (q[c] - rt[c * m + j]);
        double e = gfd_exp_nonpos(-d2 * coef);
        s += e;
        a0 += e * rt[j];
        a1 += D > 1 ? e * rt[m + j] : 0;
        a2 += D > 2 ? e * rt[2 * m + j] : 0;
    }
    out[0] = a0 / s, out[1] = a1 / s, out[2] = a2 / s;
    return s;
}

/* The copies for d = 1, 2, 3. */
#define ROW(D_) \
    static __attribute__((noinline)) double row##D_(const double *q, const double *rt, size_t m, \
                                                    double coef, double *out) \
    { return row(q, rt, m, coef, out, D_); }
ROW(1)
ROW(2)
ROW(3)

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 8000, m = argc > 2 ? strtoul(argv[2], NULL, 10) : n;
    size_t d = argc > 3 ? strtoul(argv[3], NULL, 10) : 2;
    if (d < 1 || d > 3 || !n || !m) {
        fprintf(stderr, "probe: usage: probe N M D (D in 1..3)\n");
        return 2;
    }
    double *q = malloc(n * d * sizeof *q), *rt = malloc(m * d * sizeof *rt), out[3], sink = 0;
    srand(1);
    for (size_t e = 0; e < n * d; e++)
        q[e] = rand() / (double)RAND_MAX;
    for (size_t e = 0; e < m * d; e++)
        rt[e] = rand() / (double)RAND_MAX;
    double t0 = now();
    for (size_t i = 0; i < n; i++)
        sink += (d == 1 ? row1 : d == 2 ? row2 : row3)(q + i * d, rt, m, 2.0, out) + out[0];
    double t = now() - t0;
    printf("%.4g\n", (double)n * (double)m / t);
    fprintf(stderr, "probe: %zu x %zu, d = %zu: %.3f s (checksum %g)\n", n, m, d, t, sink);
    free(q), free(rt);
    return 0;
}
