/* The KDE cross-entropies (lib/metric_nll.c) against a direct double loop in long
 * double over the Gaussian kernel of MATH §2.1 (normaliser included). */
#include <stdlib.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "testutil.h"
#include "unit.h"

/* -mean over the rows q of Q of log (1/|P|) sum_p (2 pi h^2)^(-d/2) exp(-|q-p|^2/(2h^2)) */
static double cross_entropy(const gfd_cloud *P, const gfd_cloud *Q, double h)
{
    long double total = 0;
    for (size_t i = 0; i < Q->n; i++) {
        long double s = 0;
        for (size_t j = 0; j < P->n; j++) {
            long double z = 0;
            for (size_t c = 0; c < P->d; c++)
                z += ((long double)Q->x[i * P->d + c] - P->x[j * P->d + c]) *
                     ((long double)Q->x[i * P->d + c] - P->x[j * P->d + c]);
            s += expl(-z / (2.0L * h * h));
        }
        total += logl(s / P->n) - 0.5L * P->d * logl(2 * M_PI * (long double)h * h);
    }
    return (double)(-total / Q->n);
}

static void test_against_loop(void)
{
    /* 1e-13 relative (the engine sums in double, log-sum-exp shifted) */
    gfd_cloud S = tu_seeded_cloud(1, 90, 3, 0.7, 1, 0), R = tu_seeded_cloud(2, 130, 3, 0, 1, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.h = 0.6;
    double v[2];
    gfd_err err;
    CHECK(gfd_metric_nll(&S, &R, &o, v, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(v[0], cross_entropy(&S, &R, 0.6), 1e-13);  /* -mean_y log q_h(y) */
    CHECK_CLOSE(v[1], cross_entropy(&R, &S, 0.6), 1e-13);  /* -mean_x log p_h(x) */
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_far_samples_stay_finite(void)
{
    /* samples 40 bandwidths away: log-sum-exp keeps the (huge) cross-entropy finite */
    gfd_cloud S = tu_seeded_cloud(3, 20, 2, 40, 1, 0), R = tu_seeded_cloud(4, 20, 2, 0, 1, 0);
    gfd_metric_opts o;
    gfd_metric_opts_default(&o);
    o.h = 0.5;
    double v[2];
    CHECK(gfd_metric_nll(&S, &R, &o, v, NULL) == 0, "nll failed");
    CHECK(isfinite(v[0]) && isfinite(v[1]) && v[0] > 1000, "nll %g %g", v[0], v[1]);
    CHECK_CLOSE(v[1], cross_entropy(&R, &S, 0.5), 1e-12);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_against_loop);
    RUN(test_far_samples_stay_finite);
    UNIT_END();
}
