/* Precision, recall, density, coverage (lib/metrics/prdc.c) against a direct transcription
 * of the `prdc` package (Naeem et al. 2020) below: full distance matrices, k-th neighbour
 * radii by sorting each row (itself included, so the (k+1)-th smallest), strict <.
 * The values are counts over N or M: they must agree exactly, also when one list prepared
 * against R (its radii computed once) is evaluated on several sample sets, and on the
 * sphere. */
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

/* prdc with k nearest neighbours prepared against R (flat, the defaults otherwise). */
static gfd_metrics *prdc_new(const gfd_cloud *R, int k, gfd_err *err)
{
    char opts[32];
    gfd_settings set;
    snprintf(opts, sizeof opts, "k=%d", k);
    if (tu_settings(&set, opts, 1, err) < 0)
        return NULL;
    gfd_metric_setup setup = {.settings = &set, .bw = {GFD_BW_SCOTT, 0}};
    return gfd_metrics_new("prdc", &setup, R, err);
}

/* m (prdc with k, prepared against R) at S against the reference. */
static void check_prepared(gfd_metrics *m, const gfd_cloud *S, const gfd_cloud *R, int k)
{
    double got[4] = {NAN, NAN, NAN, NAN}, want[4];
    gfd_err err;
    CHECK(m && gfd_metrics_eval(m, S, got, &err) == 0, "%s", m ? err.msg : "not prepared");
    reference(S, R, (size_t)k, want);
    for (int c = 0; c < 4; c++)
        CHECK(got[c] == want[c], "k=%d column %d: %.17g, want %.17g", k, c, got[c], want[c]);
}

static void check(const gfd_cloud *S, const gfd_cloud *R, int k)
{
    gfd_err err;
    gfd_metrics *m = prdc_new(R, k, &err);
    CHECK(m, "%s", err.msg);
    check_prepared(m, S, R, k);
    gfd_metrics_free(m);
}

static void test_against_reference(void)
{
    /* a blurred, a shifted and a collapsed sample set, k = 1, 5, 9; k = 5 prepared once
     * for the three */
    gfd_cloud R = tu_seeded_cloud(1, 300, 2, 0, 1, 0);
    gfd_cloud S[3] = {tu_seeded_cloud(2, 250, 2, 0, 1.6, 0), tu_seeded_cloud(3, 320, 2, 0.8, 1, 0),
                      tu_seeded_cloud(4, 200, 2, 0.5, 0.2, 0)};
    gfd_err err;
    gfd_metrics *m5 = prdc_new(&R, 5, &err);
    CHECK(m5, "%s", err.msg);
    for (int s = 0; s < 3; s++) {
        check_prepared(m5, &S[s], &R, 5);
        check(&S[s], &R, 1 + 4 * s);
        gfd_cloud_free(&S[s]);
    }
    gfd_metrics_free(m5);
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

static void test_sphere(void)
{
    /* unit rows on S^2: on the sphere (geodesic distances, an increasing function of the
     * chord) every comparison, hence every value, is the flat one: exactly the reference */
    gfd_cloud R = tu_seeded_cloud(9, 150, 3, 0, 1, 0), S = tu_seeded_cloud(10, 120, 3, 0.4, 1, 0);
    gfd_cloud *both[] = {&R, &S};
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < both[t]->n; i++) {
            double *x = both[t]->x + 3 * i, r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
            x[0] /= r, x[1] /= r, x[2] /= r;
        }
    double got[4], want[4];
    gfd_err err;
    CHECK(tu_metric_try("prdc", "k=4", gfd_geometry_sphere(), NULL, &S, &R, got, &err) == 0, "%s", err.msg);
    reference(&S, &R, 4, want);
    for (int c = 0; c < 4; c++)
        CHECK(got[c] == want[c], "sphere column %d: %.17g, want %.17g", c, got[c], want[c]);
    gfd_cloud_free(&R), gfd_cloud_free(&S);
}

static void test_thread_invariance_and_errors(void)
{
    gfd_cloud R = tu_seeded_cloud(7, 500, 2, 0, 1, 0), S = tu_seeded_cloud(8, 400, 2, 0, 1.2, 0);
    double a[4], b[4];
    gfd_err err;
    omp_set_num_threads(1);
    CHECK(tu_metric_try("prdc", NULL, NULL, NULL, &S, &R, a, &err) == 0, "%s", err.msg);
    omp_set_num_threads(2);
    CHECK(tu_metric_try("prdc", NULL, NULL, NULL, &S, &R, b, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(a, b, sizeof a), "1 vs 2 threads differ");
    S.n = 5;  /* k = 5 by default: N = k fails when evaluated, M = k when prepared */
    CHECK(tu_metric_try("prdc", NULL, NULL, NULL, &S, &R, a, &err) < 0 && err.code == GFD_EDATA,
          "N = k accepted");
    CHECK(tu_metric_try("prdc", NULL, NULL, NULL, &R, &S, a, &err) < 0 && err.code == GFD_EDATA,
          "M = k accepted");
    gfd_cloud_free(&R), gfd_cloud_free(&S);
}

int main(void)
{
    RUN(test_against_reference);
    RUN(test_duplicates);
    RUN(test_sphere);
    RUN(test_thread_invariance_and_errors);
    UNIT_END();
}
