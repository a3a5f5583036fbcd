/* The kernel two-sample statistics of MATH §5: unbiased MMD^2 with a Gaussian kernel
 * (its sums are passes of the kernel-sum engine; on the sphere, MATH §4, the vMF kernel
 * exp(kappa (x.y - 1)), kappa = 1/h^2, which for unit rows is the same Gaussian
 * exp(-|x - y|^2 / (2 h^2)): the same sums, free of overflow for any kappa) and the
 * energy distance (sums of distances, O(1) memory per row). Both are U-statistics: self pairs left out. */
#include <math.h>
#include <stdlib.h>

#include "ksum.h"
#include "metric.h"
#include "sphere.h"

/* (1 / (n m)) sum_i sum_j exp(-|q_i - r_j|^2 / (2 h^2)), the pairs i == j left out when
 * self (then divided by n (n - 1)). Q: N x d, R: M x d. */
static int mean_gauss(const double *Q, size_t n, const double *R, size_t m, size_t d, double h,
                      int self, double *mean, gfd_err *err)
{
    double *lse = gfd_alloc(n, sizeof *lse, "mmd row sums", err);
    if (!lse)
        return -1;
    gfd_ksum_spec spec = {.kernel = GFD_KERNEL_GAUSS, .h = h, .self = self, .diag = -INFINITY};
    int rc = gfd_ksum(Q, n, R, m, d, NULL, 0, &spec, lse, NULL, err);
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += exp(lse[i]);
    free(lse);
    *mean = s / ((double)n * (double)(self ? m - 1 : m));
    return rc;
}

int gfd_metric_mmd(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                   double *values, gfd_err *err)
{
    const size_t n = S->n, m = R->n, d = S->d;
    if (n < 2 || m < 2)
        return gfd_fail(err, GFD_EDATA, "the U-statistic needs at least 2 points in each set");
    double total = 0;
    for (int b = 0; b < o->n_mmd_bw; b++) {
        double h = o->mmd_bw[b], kxx, kyy, kxy;
        if (mean_gauss(S->x, n, S->x, n, d, h, 1, &kxx, err) < 0 ||
            mean_gauss(R->x, m, R->x, m, d, h, 1, &kyy, err) < 0 ||
            mean_gauss(S->x, n, R->x, m, d, h, 0, &kxy, err) < 0)
            return -1;
        total += kxx + kyy - 2 * kxy;  /* MATH §5: unbiased MMD^2 U-statistic */
    }
    values[0] = total / o->n_mmd_bw;  /* kernel: the mean of the Gaussians of each bandwidth */
    return 0;
}

/* (1 / (n m)) sum_i sum_j |q_i - r_j| (i == j left out when self, divided by n (n - 1));
 * with geodesic, the distance on the sphere arccos(q_i . r_j) instead (MATH §4).
 * Rows in parallel, each summed in order, then the row sums in order: any -j, same bytes.
 * Q: N x d, R: M x d. */
static int mean_distance(const double *Q, size_t n, const double *R, size_t m, size_t d,
                         int self, int geodesic, double *mean, gfd_err *err)
{
    double *row = gfd_alloc(n, sizeof *row, "energy row sums", err);
    if (!row)
        return -1;
    #pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < n; i++) {
        const double *q = Q + i * d;
        double s = 0;
        for (size_t j = 0; j < m; j++) {
            const double *r = R + j * d;
            if (geodesic) {
                s += gfd_sphere_dist(q, r, d);  /* the self pair adds 0 */
                continue;
            }
            double d2 = 0;
            for (size_t c = 0; c < d; c++)
                d2 += (q[c] - r[c]) * (q[c] - r[c]);
            s += sqrt(d2);  /* the self pair adds sqrt(0) = 0 */
        }
        row[i] = s;
    }
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += row[i];
    free(row);
    *mean = s / ((double)n * (double)(self ? m - 1 : m));
    return 0;
}

int gfd_metric_energy(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                      double *values, gfd_err *err)
{
    const size_t n = S->n, m = R->n, d = S->d;
    if (n < 2 || m < 2)
        return gfd_fail(err, GFD_EDATA, "the U-statistic needs at least 2 points in each set");
    double exx, eyy, exy;
    if (mean_distance(S->x, n, S->x, n, d, 1, o->sphere, &exx, err) < 0 ||
        mean_distance(R->x, m, R->x, m, d, 1, o->sphere, &eyy, err) < 0 ||
        mean_distance(S->x, n, R->x, m, d, 0, o->sphere, &exy, err) < 0)
        return -1;
    values[0] = 2 * exy - exx - eyy;  /* MATH §5: 2E|X-Y| - E|X-X'| - E|Y-Y'| */
    return 0;
}
