/* The machine's limit for the high-d inner loop: OpenBLAS DGEMM (and SGEMM) GFLOP/s on
 * square matrices of size S, on T threads, best of 3. Prints "dgemm GFLOPS sgemm GFLOPS".
 * Usage: dgemm S T */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void openblas_set_num_threads(int);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int s = argc > 1 ? atoi(argv[1]) : 2000, threads = argc > 2 ? atoi(argv[2]) : 1;
    if (s < 16 || threads < 1) {
        fprintf(stderr, "dgemm: usage: dgemm S T (S >= 16, T >= 1)\n");
        return 2;
    }
    openblas_set_num_threads(threads);
    size_t e = (size_t)s * (size_t)s;
    double *a = malloc(e * sizeof *a), *b = malloc(e * sizeof *b), *c = malloc(e * sizeof *c);
    float *af = malloc(e * sizeof *af), *bf = malloc(e * sizeof *bf), *cf = malloc(e * sizeof *cf);
    for (size_t i = 0; i < e; i++)
        a[i] = af[i] = (float)(i % 7) * 0.25f, b[i] = bf[i] = (float)(i % 5) * 0.5f;
    double best = 1e30, bestf = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s, s, s, 1, a, s, b, s, 0, c, s);
        double t1 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s, s, s, 1, af, s, bf, s, 0, cf, s);
        double t2 = now();
        best = t1 - t0 < best ? t1 - t0 : best;
        bestf = t2 - t1 < bestf ? t2 - t1 : bestf;
    }
    double flops = 2.0 * s * (double)s * s;
    printf("%.1f %.1f\n", flops / best * 1e-9, flops / bestf * 1e-9);
    fprintf(stderr, "dgemm: check %g %g\n", c[e - 1], (double)cf[e - 1]);
    free(a), free(b), free(c), free(af), free(bf), free(cf);
    return 0;
}
