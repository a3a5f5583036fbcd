/* Precision, recall, density, coverage (lib/metric_prdc.c) against a direct transcription
 * of the `prdc` package (Naeem et al. 2020) below: full distance matrices, k-th neighbour
 * radii by sorting each row (itself included, so the (k+1)-th smallest), strict <.
 * The values are counts over N or M: they must agree exactly. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "testutil.h"
#include "unit.h"

static double dist(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t c = 0; c < d; c++)
        s += (a[c] - b[c]) * (a[c] - b[c]);
    return sqrt(s);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void radii(const gfd_cloud *A, size_t k, double *r)
{
    double *row = malloc(A->n * sizeof *row);
    for (size_t i = 0; i < A->n; i++) {
        for (size_t j = 0; j < A->n; j++)
            row[j] = dist(A->x + i * A->d, A->x + j * A->d, A->d);
        qsort(row, A->n, sizeof *row, cmp);
        r[i] = row[k];  /* row[0] is the point itself */
    }
    free(row);
}

static void reference(const gfd_cloud *fake, const gfd_cloud *real, size_t k, double *v)
{
    size_t n = fake->n, m = real->n, d = real->d;
    double *rr = malloc(m * sizeof *rr), *rf = malloc(n * sizeof *rf), *D = malloc(m * n * sizeof *D);
    radii(real, k, rr), radii(fake, k, rf);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            D[i * n + j] = dist(real->x + i * d, fake->x + j * d, d);
    double p = 0, rc = 0, de = 0, co = 0;
    for (size_t j = 0; j < n; j++) {
        int any = 0;
        for (size_t i = 0; i < m; i++)
            any |= D[i * n + j] < rr[i], de += D[i * n + j] < rr[i];
        p += any;
    }
    for (size_t i = 0; i < m; i++) {
        int any = 0;
        double mn = INFINITY;
        for (size_t j = 0; j < n; j++)
            any |= D[i * n + j] < rf[j], mn = fmin(mn, D[i * n + j]);
        rc += any, co += mn < rr[i];
    }
    v[0] = p / n, v[1] = rc / m, v[2] = de / (double)(k * n), v[3] = co / m;
    free(rr), free(rf), free(D);
}

static void check(const gfd_cloud *S, const gfd_cloud *R, int k)
{
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.k = k;
    double got[4], want[4];
    gfd_err err;
    CHECK(gfd_metric_prdc(S, R, &o, got, &err) == 0, "%s", err.msg);
    reference(S, R, (size_t)k, want);
    for (int c = 0; c < 4; c++)
        CHECK(got[c] == want[c], "k=%d column %d: %.17g, want %.17g", k, c, got[c], want[c]);
}

static void test_against_reference(void)
{
    /* a blurred, a shifted and a collapsed sample set, k = 1, 5, 9 */
    gfd_cloud R = tu_seeded_cloud(1, 300, 2, 0, 1, 0);
    gfd_cloud S[3] = {tu_seeded_cloud(2, 250, 2, 0, 1.6, 0), tu_seeded_cloud(3, 320, 2, 0.8, 1, 0),
                      tu_seeded_cloud(4, 200, 2, 0.5, 0.2, 0)};
    for (int s = 0; s < 3; s++) {
        check(&S[s], &R, 5);
        check(&S[s], &R, 1 + 4 * s);
        gfd_cloud_free(&S[s]);
    }
    gfd_cloud_free(&R);
}

static void test_duplicates(void)
{
    /* repeated points (radius 0 for a point with k copies): strict < must hold */
    gfd_cloud R = tu_seeded_cloud(5, 60, 3, 0, 1, 0), S = tu_seeded_cloud(6, 60, 3, 0, 1, 0);
    for (size_t i = 30; i < 60; i++)
        memcpy(R.x + i * 3, R.x + (i % 5) * 3, 3 * sizeof(double)), memcpy(S.x + i * 3, R.x + (i % 7) * 3, 3 * sizeof(double));
    check(&S, &R, 5);
    check(&R, &R, 3);
    gfd_cloud_free(&R), gfd_cloud_free(&S);
}

static void test_thread_invariance_and_errors(void)
{
    gfd_cloud R = tu_seeded_cloud(7, 500, 2, 0, 1, 0), S = tu_seeded_cloud(8, 400, 2, 0, 1.2, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    double a[4], b[4];
    omp_set_num_threads(1);
    gfd_metric_prdc(&S, &R, &o, a, NULL);
    omp_set_num_threads(2);
    gfd_metric_prdc(&S, &R, &o, b, NULL);
    CHECK(!memcmp(a, b, sizeof a), "1 vs 2 threads differ");
    gfd_err err;
    S.n = 5;
    CHECK(gfd_metric_prdc(&S, &R, &o, a, &err) < 0 && err.code == GFD_EDATA, "N = k accepted");
    gfd_cloud_free(&R), gfd_cloud_free(&S);
}

int main(void)
{
    RUN(test_against_reference);
    RUN(test_duplicates);
    RUN(test_thread_invariance_and_errors);
    UNIT_END();
}
