/* The KDE cross-entropies (lib/metrics/nll.c) against a direct double loop in long
 * double over the Gaussian kernel of MATH §2.1 (normaliser included), at a fixed -b
 * bandwidth and at the one the scott rule chooses from the reference (gfd_bw_select). */
#include <stdlib.h>
#include <string.h>

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

/* nll of S against R with the fixed bandwidth h (-b h); values: 2. */
static int nll(const gfd_cloud *S, const gfd_cloud *R, double h, double *v, gfd_err *err)
{
    gfd_metric_setup setup = {.bw = {GFD_BW_FIXED, h}};
    gfd_metrics *m = gfd_metrics_new("nll", &setup, R, err);
    int rc = m ? gfd_metrics_eval(m, S, v, err) : -1;
    gfd_metrics_free(m);
    return rc;
}

static void test_against_loop(void)
{
    /* 1e-13 relative (the engine sums in double, log-sum-exp shifted) */
    gfd_cloud S = tu_seeded_cloud(1, 90, 3, 0.7, 1, 0), R = tu_seeded_cloud(2, 130, 3, 0, 1, 0);
    double v[2];
    gfd_err err;
    CHECK(nll(&S, &R, 0.6, v, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(v[0], cross_entropy(&S, &R, 0.6), 1e-13);  /* -mean_y log q_h(y) */
    CHECK_CLOSE(v[1], cross_entropy(&R, &S, 0.6), 1e-13);  /* -mean_x log p_h(x) */
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_scott_bandwidth(void)
{
    /* the default -b rule (scott) chosen from the reference once: the loops at that h
     * (1e-13 relative), and the report names it */
    gfd_cloud S = tu_seeded_cloud(5, 70, 2, 0.3, 1.2, 0), R = tu_seeded_cloud(6, 110, 2, 0, 1, 0);
    gfd_bw_rule scott = {GFD_BW_SCOTT, 0};
    double h = 0, v[2] = {NAN, NAN};
    gfd_err err;
    char report[128], want[128];
    CHECK(gfd_bw_select(&scott, &R, 0, &h, &err) == 0, "%s", err.msg);
    gfd_metric_setup setup = {.bw = scott};
    gfd_metrics *m = gfd_metrics_new("nll", &setup, &R, &err);
    CHECK(m && gfd_metrics_eval(m, &S, v, &err) == 0, "%s", err.msg);
    if (m) {
        gfd_metrics_report(m, report, sizeof report);
        snprintf(want, sizeof want, "nll: bandwidth %.6g", h);
        CHECK(!strcmp(report, want), "report '%s', want '%s'", report, want);
    }
    gfd_metrics_free(m);
    CHECK_CLOSE(v[0], cross_entropy(&S, &R, h), 1e-13);
    CHECK_CLOSE(v[1], cross_entropy(&R, &S, h), 1e-13);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

static void test_far_samples_stay_finite(void)
{
    /* samples 40 bandwidths away: log-sum-exp keeps the (huge) cross-entropy finite */
    gfd_cloud S = tu_seeded_cloud(3, 20, 2, 40, 1, 0), R = tu_seeded_cloud(4, 20, 2, 0, 1, 0);
    double v[2];
    gfd_err err;
    CHECK(nll(&S, &R, 0.5, v, &err) == 0, "%s", err.msg);
    CHECK(isfinite(v[0]) && isfinite(v[1]) && v[0] > 1000, "nll %g %g", v[0], v[1]);
    CHECK_CLOSE(v[1], cross_entropy(&R, &S, 0.5), 1e-12);
    gfd_cloud_free(&S), gfd_cloud_free(&R);
}

int main(void)
{
    RUN(test_against_loop);
    RUN(test_scott_bandwidth);
    RUN(test_far_samples_stay_finite);
    UNIT_END();
}
