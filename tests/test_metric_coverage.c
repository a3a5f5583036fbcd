/* Mode coverage (lib/metrics/coverage.c) on hand-made samples whose answer is counted by
 * hand in the comments (flat, and geodesic on the sphere), the built-in modes of
 * 8gaussians (gfd_modes_builtin), the modes of a vMF mixture (gfd_modes_vmf) and the
 * checks of the modes when the metric is prepared (gfd_modes_check). */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "testutil.h"
#include "unit.h"

/* coverage of S against itself as the reference (which coverage does not use) on
 * geometry g (NULL: flat); values: 3. */
static int coverage(const gfd_cloud *S, const gfd_cloud *modes, const gfd_geometry *g, double *v,
                    gfd_err *err)
{
    return tu_metric_try("coverage", NULL, g, modes, S, S, v, err);
}

static void test_hand_counted(void)
{
    /* modes (0,0) sigma 1 and (10,0) sigma 0.1; 3-sigma radii 3 and 0.3.
     * samples: (1,1) hq at 0 (|.| = 1.41); (2.9,0) hq at 0; (3.1,0) not (3.1 > 3);
     * (10.2,0.2) hq at 1 (0.28 < 0.3); (9.7,0) not (0.3 is the radius: <= counts... it
     * is 0.3000000000000007 in floating point, so not); (5,0) not; (6,0) nearest 1, not.
     * N = 7, K = 2: fair share 3.5, 20% of it 0.7: mode 0 (2 hq) and mode 1 (1 hq) covered.
     * hq = 3/7; histogram (2/3, 1/3): KL = 2/3 log(4/3) + 1/3 log(2/3). */
    double mx[] = {0, 0, 1, 10, 0, 0.1};
    double sx[] = {1, 1, 2.9, 0, 3.1, 0, 10.2, 0.2, 9.7, 0, 5, 0, 6, 0};
    gfd_cloud modes = {.n = 2, .d = 3, .x = mx}, S = {.n = 7, .d = 2, .x = sx};
    double v[3];
    gfd_err err;
    CHECK(coverage(&S, &modes, NULL, v, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(v[0], 3.0 / 7, 1e-15);
    CHECK(v[1] == 2, "modes covered %g, want 2", v[1]);
    CHECK_CLOSE(v[2], 2.0 / 3 * log(4.0 / 3) + 1.0 / 3 * log(2.0 / 3), 1e-14);
}

static void test_sphere_hand_counted(void)
{
    /* On S^1 (MATH §4: geodesic distance = angle): modes at angle 0 (sigma 0.1, radius
     * 0.3 rad) and pi/2 (sigma 0.2, radius 0.6 rad). Samples at angles: 0.2 hq at 0;
     * 0.301 not (its chord 2 sin(0.1505) = 0.2999 would pass the Euclidean test); pi/2 - 0.5
     * hq at 1; pi/2 + 0.59 hq at 1; pi nearest 1 (pi/2 away), not. N = 5, K = 2: 20% of
     * 2.5 is 0.5, both covered; hq = 3/5; histogram (1/3, 2/3): KL = 1/3 log(2/3) +
     * 2/3 log(4/3). */
    double a[] = {0.2, 0.301, M_PI / 2 - 0.5, M_PI / 2 + 0.59, M_PI}, sx[10];
    double mx[] = {1, 0, 0.1, 0, 1, 0.2};
    for (int i = 0; i < 5; i++)
        sx[2 * i] = cos(a[i]), sx[2 * i + 1] = sin(a[i]);
    gfd_cloud modes = {.n = 2, .d = 3, .x = mx}, S = {.n = 5, .d = 2, .x = sx};
    double v[3];
    gfd_err err;
    CHECK(coverage(&S, &modes, gfd_geometry_sphere(), v, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(v[0], 3.0 / 5, 1e-15);
    CHECK(v[1] == 2, "modes covered %g, want 2", v[1]);
    CHECK_CLOSE(v[2], 1.0 / 3 * log(2.0 / 3) + 2.0 / 3 * log(4.0 / 3), 1e-14);
    /* flat, the Euclidean test counts the 0.301 sample: 4/5 */
    CHECK(coverage(&S, &modes, gfd_geometry_flat(), v, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(v[0], 4.0 / 5, 1e-15);
}

static void test_dead_modes_and_no_hq(void)
{
    /* 10 samples on mode 0 of 4 (sigma 1): one mode covered (share 10/4, 20% = 0.5),
     * the histogram is a point mass: KL = log 4. Far away samples: hq 0, KL undefined. */
    double mx[] = {0, 0, 1, 5, 0, 1, 0, 5, 1, 5, 5, 1};
    double sx[20] = {0}, far[4] = {100, 100, -100, 50};
    gfd_cloud modes = {.n = 4, .d = 3, .x = mx}, S = {.n = 10, .d = 2, .x = sx};
    double v[3];
    gfd_err err;
    CHECK(coverage(&S, &modes, NULL, v, &err) == 0, "%s", err.msg);
    CHECK(v[0] == 1 && v[1] == 1, "hq %g modes %g", v[0], v[1]);
    CHECK_CLOSE(v[2], log(4.0), 1e-15);
    gfd_cloud F = {.n = 2, .d = 2, .x = far};
    CHECK(coverage(&F, &modes, NULL, v, &err) == 0, "%s", err.msg);
    CHECK(v[0] == 0 && v[1] == 0 && isnan(v[2]), "hq %g modes %g kl %g", v[0], v[1], v[2]);
}

static void test_builtin_modes(void)
{
    /* 8gaussians: 8 rows [c_1, c_2, sigma], radius 4/1.414, sigma 0.5/1.414 (lib/sample/sample.c);
     * its own samples: 8 modes covered, hq near 1 - exp(-9/2) = 0.989, KL near 0 */
    gfd_cloud modes, S;
    gfd_err err;
    CHECK(gfd_modes_builtin("8gaussians", &modes, &err) == 0, "%s", err.msg);
    CHECK(modes.n == 8 && modes.d == 3, "%zu x %zu", modes.n, modes.d);
    CHECK_CLOSE(hypot(modes.x[0], modes.x[1]), 4 / 1.414, 1e-15);
    CHECK_CLOSE(modes.x[2], 0.5 / 1.414, 1e-15);
    gfd_rng r;
    gfd_rng_seed(&r, 1);
    gfd_sample("8gaussians", 4000, 0, &r, &S, NULL);
    double v[3];
    CHECK(coverage(&S, &modes, NULL, v, &err) == 0, "%s", err.msg);
    CHECK(fabs(v[0] - 0.989) < 0.01 && v[1] == 8 && v[2] < 0.01, "hq %g modes %g kl %g", v[0], v[1], v[2]);
    gfd_cloud_free(&modes);
    CHECK(gfd_modes_builtin("moons", &modes, &err) < 0 && err.code == GFD_EUSAGE, "moons has modes");
    gfd_cloud_free(&S);
}

static void test_vmf_modes_and_checks(void)
{
    /* gfd_modes_vmf: rows [mu_k, 1/sqrt(kappa)] (kappa 100: sigma 0.1 rad, 3-sigma radius
     * 0.3 rad). On S^1 with mu at angles 0 and pi/2, samples at 0.25 (hq at 0), 0.35 (not),
     * pi/2 + 0.1 (hq at 1), pi (nearest 1, not): hq 2/4, both covered (20% of 2 is 0.4),
     * histogram (1/2, 1/2): KL = 0. Then the checks made when the metric is prepared
     * (GFD_EDATA): the wrong number of columns, a sigma that is not positive, a centre off
     * the sphere (accepted flat). */
    double mu[] = {1, 0, 0, 1}, a[] = {0.25, 0.35, M_PI / 2 + 0.1, M_PI}, sx[8];
    for (int i = 0; i < 4; i++)
        sx[2 * i] = cos(a[i]), sx[2 * i + 1] = sin(a[i]);
    gfd_cloud M = {.n = 2, .d = 2, .x = mu}, S = {.n = 4, .d = 2, .x = sx}, modes;
    gfd_err err;
    double v[3];
    CHECK(gfd_modes_vmf(&M, 100, &modes, &err) == 0, "%s", err.msg);
    CHECK(modes.n == 2 && modes.d == 3 && modes.x[0] == 1 && modes.x[4] == 1 &&
          modes.x[2] == 0.1 && modes.x[5] == 0.1, "vMF modes %zu x %zu", modes.n, modes.d);
    CHECK(coverage(&S, &modes, gfd_geometry_sphere(), v, &err) == 0, "%s", err.msg);
    CHECK(v[0] == 0.5 && v[1] == 2 && fabs(v[2]) < 1e-15, "hq %g modes %g kl %g", v[0], v[1], v[2]);
    CHECK(gfd_modes_vmf(&M, 0, &modes, &err) < 0 && err.code == GFD_EUSAGE, "kappa 0 accepted");
    modes.x[5] = 0;
    CHECK(coverage(&S, &modes, NULL, v, &err) < 0 && err.code == GFD_EDATA && strstr(err.msg, "sigma"),
          "sigma 0 accepted: %s", err.msg);
    modes.x[5] = 0.1, modes.x[0] = 0.5;
    CHECK(coverage(&S, &modes, NULL, v, &err) == 0, "flat: %s", err.msg);
    CHECK(coverage(&S, &modes, gfd_geometry_sphere(), v, &err) < 0 && err.code == GFD_EDATA,
          "a centre off the sphere accepted");
    gfd_cloud M1 = {.n = 2, .d = 2, .x = mu};
    CHECK(coverage(&S, &M1, NULL, v, &err) < 0 && err.code == GFD_EDATA && strstr(err.msg, "columns"),
          "2 columns accepted: %s", err.msg);
    gfd_cloud_free(&modes);
}

int main(void)
{
    RUN(test_hand_counted);
    RUN(test_sphere_hand_counted);
    RUN(test_dead_modes_and_no_hq);
    RUN(test_builtin_modes);
    RUN(test_vmf_modes_and_checks);
    UNIT_END();
}
