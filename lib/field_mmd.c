/* The MMD flow (MATH §3.5, Arbel et al. 2019) with the unnormalised Gaussian kernel
 * k(z) = exp(-|z|^2/(2h^2)) and normalised weights:
 *     v(x) = sum_j w_j k(x - y_j)(y_j - x)/h^2 - sum_i w_i k(x - x_i)(x_i - x)/h^2,
 * from the two kernel passes: sum_j w_j k(x - y_j)(y_j - x) = exp(lp)(m_p - x).
 * --noise-inject beta evaluates the whole field at x + beta xi, xi ~ N(0, I). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field_impl.h"

/* Z = X + beta xi, xi from each particle's own stream. Z, X: N x d. */
static void inject_noise(const gfd_cloud *X, const gfd_field_opts *o, double *Z)
{
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++) {
        gfd_rng r;
        gfd_field_rng(&r, o->seed, o->step, GFD_STREAM_NOISE_INJECT, i);
        for (size_t c = 0; c < d; c++)
            Z[i * d + c] = X->x[i * d + c] + o->noise_inject * gfd_rng_normal(&r);
    }
}

/* X: N x d, Y: M x d, V: N x d. */
int field_mmd(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
              double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    if (!(o->noise_inject >= 0))
        return gfd_fail(err, GFD_EUSAGE, "--noise-inject must be >= 0, not %g", o->noise_inject);
    const size_t n = X->n, d = X->d, nd = n * d;
    double *lp = gfd_alloc(n, 2 * sizeof *lp, "kernel sums", err);
    double *mq = lp ? gfd_alloc(nd, (o->noise_inject > 0 ? 2 : 1) * sizeof *mq, "mean shifts", err) : NULL;
    if (!mq) {
        free(lp);
        return -1;
    }
    double *lq = lp + n, *Z = o->noise_inject > 0 ? mq + nd : X->x;
    if (o->noise_inject > 0)
        inject_noise(X, o, Z);
    int rc = field_kde_passes(X, Y, Z, o, lp, V, lq, mq, err);  /* m_p into V */
    const double h2 = o->h * o->h;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* both sums are <= 1: scale by the larger, exp of a non-positive number each */
        double top = fmax(lp[i], lq[i]);
        top = top == -INFINITY ? 0 : top;  /* no kernel mass at all: v = 0 */
        double a = exp(lp[i] - top), b = exp(lq[i] - top);
        double s = exp(top) / h2;
        for (size_t c = 0; c < d; c++) {  /* MATH §3.5 */
            size_t k = i * d + c;
            V[k] = s * (a * (V[k] - Z[k]) - b * (mq[k] - Z[k]));
        }
    }
    free(lp), free(mq);
    return rc;
}
