/* The fields and steps on the sphere (MATH §4), each run with the geometry
 * gfd_geometry_sphere(): the Riemannian score (the kernel passes of lib/fields/fdiv.c)
 * against central finite differences along geodesics, identifiability, tangency, the
 * unsupported fields and options, the exponential-map step and its cap, norms after 1000
 * flow steps, the bandwidth rule (lib/geometry/sphere_bw.c). */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "fields/field_impl.h"
#include "testutil.h"
#include "unit.h"

enum { N = 40, M = 50, D = 3 };

/* n unit rows: mode k of `modes` directions plus 0.4 N(0, I), normalised. x: n x D. */
static void cluster(double *x, size_t n, uint64_t seed, int modes)
{
    static const double mu[3][D] = {{1, 0, 0}, {0, 0.6, 0.8}, {0, -1, 0}};
    gfd_rng r;
    gfd_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < D; c++)
            x[i * D + c] = mu[i % modes][c] + 0.4 * gfd_rng_normal(&r);
        gfd_err err;
        gfd_sphere_normalize(x + i * D, 1, D, D, "test", &err);
    }
}

static long double dotl(const double *a, const double *b)
{
    long double s = 0;
    for (int c = 0; c < D; c++)
        s += (long double)a[c] * b[c];
    return s;
}

/* MATH §4: d/dt log p_h(exp_x(t u)) at t = 0 is grad_S log p_h(x) . u = kappa m_p . u for a
 * unit tangent u. Central differences with t = 1e-5: truncation ~ t^2 kappa^3 ~ 1e-8 and
 * rounding ~ 1e-16 kappa / t ~ 1e-10 here, so the tolerance is 1e-7 kappa. The same for q,
 * and the kl field v = grad_S log p_h - grad_S log q_h through gfd_field_velocity. */
static void test_score_fd(void)
{
    double x[N * D], y[M * D], lp[N], lq[N], mp[N * D], mq[N * D], v[N * D];
    double qa[N * D], qb[N * D], lpa[N], lpb[N], lqa[N], lqb[N], s1[N * D], s2[N * D];
    cluster(x, N, 1, 3), cluster(y, M, 2, 2);
    gfd_cloud X = {N, D, x, NULL}, Y = {M, D, y, NULL};
    const gfd_geometry *g = gfd_geometry_sphere();
    const double h = 0.35, kappa = 1 / (h * h), t = 1e-5;
    gfd_err err;
    CHECK(field_kde_passes(&X, &Y, x, g, h, 0, NULL, lp, mp, lq, mq, &err) == 0, "%s", err.msg);
    CHECK(tu_field_try("kl", NULL, g, h, 0, 0, &X, &Y, v, &err) == 0, "%s", err.msg);
    gfd_rng r;
    gfd_rng_seed(&r, 7);
    double worst = 0;
    for (int rep = 0; rep < 3; rep++) {
        double u[N * D];
        for (int i = 0; i < N; i++) {  /* a random unit tangent direction at x_i */
            gfd_rng_direction(&r, u + i * D, D);
            gfd_sphere_tangent(x + i * D, u + i * D, u + i * D, D);
            double len = gfd_sphere_length(u + i * D, D);
            for (int c = 0; c < D; c++) {
                u[i * D + c] /= len;
                qa[i * D + c] = t * u[i * D + c], qb[i * D + c] = -t * u[i * D + c];
            }
            gfd_sphere_exp(x + i * D, qa + i * D, qa + i * D, D);
            gfd_sphere_exp(x + i * D, qb + i * D, qb + i * D, D);
        }
        CHECK(field_kde_passes(&X, &Y, qa, g, h, 0, NULL, lpa, s1, lqa, s2, &err) == 0, "%s", err.msg);
        CHECK(field_kde_passes(&X, &Y, qb, g, h, 0, NULL, lpb, s1, lqb, s2, &err) == 0, "%s", err.msg);
        for (int i = 0; i < N; i++) {
            double fp = (lpa[i] - lpb[i]) / (2 * t), fq = (lqa[i] - lqb[i]) / (2 * t);
            double sp = kappa * (double)dotl(mp + i * D, u + i * D);
            double sq = kappa * (double)dotl(mq + i * D, u + i * D);
            double sv = (double)dotl(v + i * D, u + i * D);
            worst = fmax(worst, fmax(fabs(fp - sp), fmax(fabs(fq - sq), fabs(fp - fq - sv))));
        }
    }
    CHECK(worst <= 1e-7 * kappa, "finite differences off by %.3g (kappa %g)", worst, kappa);
    printf("# score vs finite differences: worst %.3g, kappa %g\n", worst, kappa);
}

static const char *const sphere_fields[] = {"kl", "rkl", "chi2", "alpha:0.5", "js", "mmd",
                                            "rkl:0.5,chi2:0.5"};

/* MATH §2.3, §4: X == Y gives m_p = m_q and r = 1, so every score field vanishes. The
 * kernel passes sum the same terms in the same order: zero to rounding (< 1e-12). */
static void test_identifiable(void)
{
    double x[M * D], v[M * D];
    cluster(x, M, 3, 3);
    gfd_cloud X = {M, D, x, NULL};
    for (size_t f = 0; f < sizeof sphere_fields / sizeof *sphere_fields; f++) {
        gfd_err err;
        CHECK(tu_field_try(sphere_fields[f], NULL, gfd_geometry_sphere(), 0.3, 0, 0, &X, &X, v, &err) == 0,
              "%s: %s", sphere_fields[f], err.msg);
        double mx = 0;
        for (int k = 0; k < M * D; k++)
            mx = fmax(mx, fabs(v[k]));
        CHECK(mx < 1e-12, "%s: X == Y gives |v| up to %.3g", sphere_fields[f], mx);
    }
}

/* X = Y rotated by 0.5 rad about the z axis: every field is tangent (x.v ~ 0 to rounding,
 * 1e-13 |v|), clearly non-zero, and turns the particles back (v . (e_z x x) < 0 on mean). */
static void test_rotated(void)
{
    double y[M * D], x[M * D], v[M * D];
    cluster(y, M, 4, 3);
    const double a = 0.5;
    for (int i = 0; i < M; i++) {
        x[i * D] = cos(a) * y[i * D] - sin(a) * y[i * D + 1];
        x[i * D + 1] = sin(a) * y[i * D] + cos(a) * y[i * D + 1];
        x[i * D + 2] = y[i * D + 2];
    }
    gfd_cloud X = {M, D, x, NULL}, Y = {M, D, y, NULL};
    static const char *const ot[] = {"drift", "sinkhorn", "sinkhorn-proxy", "sliced"};
    const size_t nf = sizeof sphere_fields / sizeof *sphere_fields;
    for (size_t f = 0; f < nf + 4; f++) {
        const char *name = f < nf ? sphere_fields[f] : ot[f - nf];
        gfd_err err;
        CHECK(tu_field_try(name, NULL, gfd_geometry_sphere(), 0.4, 0, 0, &X, &Y, v, &err) == 0, "%s: %s",
              name, err.msg);
        double radial = 0, speed = 0, turn = 0;
        for (int i = 0; i < M; i++) {
            double len = gfd_sphere_length(v + i * D, D);
            radial = fmax(radial, fabs((double)dotl(x + i * D, v + i * D)) / fmax(len, 1e-300));
            speed += len / M;
            turn += (-x[i * D + 1] * v[i * D] + x[i * D] * v[i * D + 1]) / M;  /* (e_z x x) . v */
        }
        CHECK(radial < 1e-13, "%s: x.v / |v| up to %.3g", name, radial);
        CHECK(speed > 0.05 && turn < -0.1 * speed, "%s: mean |v| %g, turn %g", name, speed, turn);
    }
}

/* Fields and options without a spherical version fail as usage errors; off-sphere rows as
 * data errors. */
static void test_unsupported(void)
{
    double x[N * D], y[M * D], v[N * D];
    cluster(x, N, 5, 2), cluster(y, M, 6, 2);
    gfd_cloud X = {N, D, x, NULL}, Y = {M, D, y, NULL};
    const gfd_geometry *g = gfd_geometry_sphere();
    static const char *const bad[] = {"kl-smoothed", "sliced,kl-smoothed"};
    for (size_t f = 0; f < sizeof bad / sizeof *bad; f++) {
        gfd_err err = {0};
        CHECK(tu_field_try(bad[f], NULL, g, 0.4, 0, 0, &X, &Y, v, &err) < 0 && err.code == GFD_EUSAGE &&
              strstr(err.msg, "not available on the sphere"), "%s: '%s'", bad[f], err.msg);
    }
    gfd_err err = {0};
    CHECK(tu_field_try("mmd", "noise-inject=0.1", g, 0.4, 0, 0, &X, &Y, v, &err) < 0 &&
          err.code == GFD_EUSAGE, "mmd --noise-inject: '%s'", err.msg);
    x[2 * D] *= 1 + 1e-5;
    CHECK(tu_field_try("mmd", NULL, g, 0.4, 0, 0, &X, &Y, v, &err) < 0 && err.code == GFD_EDATA &&
          strstr(err.msg, "particles: row 3"), "off the sphere: '%s'", err.msg);
}

/* MATH §4: x <- cos|eta u| x + sin|eta u| u/|u|, u = (I - x x^T) v, computed here in long
 * double from the formula (1e-14); capped, the geodesic length moved is the cap (1e-12). */
static void test_step_exp(void)
{
    double x[N * D], v[N * D], z[N * D];
    cluster(x, N, 8, 3);
    gfd_rng r;
    gfd_rng_seed(&r, 9);
    for (int k = 0; k < N * D; k++)
        v[k] = 2 * gfd_rng_normal(&r);
    memcpy(z, x, sizeof z);
    gfd_step_opts s = {.eta = 0.3, .geometry = gfd_geometry_sphere()};
    gfd_err err;
    CHECK(gfd_step(z, N, D, v, &s, &err) == 0, "%s", err.msg);
    double worst = 0;
    for (int i = 0; i < N; i++) {
        long double c = dotl(x + i * D, v + i * D), u[D], len = 0;
        for (int k = 0; k < D; k++)
            u[k] = s.eta * (v[i * D + k] - c * x[i * D + k]), len += u[k] * u[k];
        len = sqrtl(len);
        for (int k = 0; k < D; k++)
            worst = fmax(worst, fabs((double)(cosl(len) * x[i * D + k] + sinl(len) * u[k] / len) - z[i * D + k]));
    }
    CHECK(worst < 1e-14, "exp map off by %.3g", worst);
    memcpy(z, x, sizeof z);
    s.max_move = 0.1;
    CHECK(gfd_step(z, N, D, v, &s, &err) == 0, "%s", err.msg);
    worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(gfd_sphere_dist(x + i * D, z + i * D, D) - 0.1));
    CHECK(worst < 1e-12, "capped geodesic moves off 0.1 by %.3g", worst);
}

static int keep_last(void *ctx, const gfd_cloud *X, const gfd_flow_state *st, gfd_err *err)
{
    (void)ctx, (void)X, (void)st, (void)err;
    return 0;
}

/* 1000 steps of kl with step noise: every row still has norm 1 to 1e-12. */
static void test_flow_norms(void)
{
    double x[N * D], y[M * D];
    cluster(x, N, 10, 1), cluster(y, M, 11, 3);
    gfd_cloud X = {N, D, x, NULL}, Y = {M, D, y, NULL};
    gfd_flow_opts o;
    gfd_flow_opts_default(&o, &(gfd_bw_rule){GFD_BW_SCOTT, 0});
    o.steps = 1000;
    o.step.noise = 0.05;
    gfd_field_spec spec;
    gfd_err err;
    CHECK(gfd_field_parse("rkl:0.5,chi2:0.5", &spec, &err) == 0, "%s", err.msg);
    gfd_field *f = gfd_field_new(&spec, NULL, gfd_geometry_sphere(), &err);
    CHECK(f, "%s", err.msg);
    CHECK(f && gfd_flow(f, &o, &X, &Y, keep_last, NULL, &err) == 0, "%s", err.msg);
    gfd_field_free(f);
    double worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(gfd_sphere_length(x + i * D, D) - 1));
    CHECK(worst <= 1e-12, "norms off 1 by %.3g after 1000 steps", worst);
}

/* Points (cos a, +-sin a, 0) around mu = (1, 0, 0): theta_j = a for all j, so
 * sigma = sqrt(M a^2 / ((M - 1)(d - 1))) exactly (gfd_bw_sigma_sphere, internal); scott
 * h = sigma M^(-1/(d + 3)), the sphere geometry's rule (gfd_geometry_bandwidth). */
static void test_bandwidth(void)
{
    double y[M * D], sigma, h;
    const double a = 0.3;
    for (int j = 0; j < M; j++)
        y[j * D] = cos(a), y[j * D + 1] = (j % 2 ? 1 : -1) * sin(a), y[j * D + 2] = 0;
    gfd_cloud Y = {M, D, y, NULL};
    gfd_err err;
    CHECK(gfd_bw_sigma_sphere(&Y, &sigma, &err) == 0, "%s", err.msg);
    double want = sqrt(M * a * a / ((M - 1.0) * (D - 1)));
    CHECK_CLOSE(sigma, want, 1e-13);
    CHECK(gfd_geometry_bandwidth(gfd_geometry_sphere(), &(gfd_bw_rule){GFD_BW_SCOTT, 0}, &Y, 0, &h, &err) == 0,
          "%s", err.msg);
    CHECK_CLOSE(h, want * pow(M, -1.0 / (D + 3)), 1e-13);
    for (int j = 0; j < M; j++)
        y[j * D] = 0, y[j * D + 1] = j % 2 ? 1 : -1;
    CHECK(gfd_bw_sigma_sphere(&Y, &sigma, &err) < 0 && strstr(err.msg, "no mean direction"), "%s", err.msg);
}

int main(void)
{
    RUN(test_score_fd);
    RUN(test_identifiable);
    RUN(test_rotated);
    RUN(test_unsupported);
    RUN(test_step_exp);
    RUN(test_flow_norms);
    RUN(test_bandwidth);
    UNIT_END();
}
