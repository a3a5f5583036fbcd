/* The MMD field (lib/fields/mmd.c, MATH §3.5) against finite differences of the
 * V-statistic MMD^2 and against a direct double loop with --noise-inject. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "testutil.h"
#include "unit.h"

static long double weight(const gfd_cloud *c, size_t i)
{
    long double total = 0;
    for (size_t k = 0; k < c->n; k++)
        total += c->w ? c->w[k] : 1;
    return (c->w ? c->w[i] : 1) / total;
}

/* The unnormalised Gaussian kernel of MATH §3.5. */
static long double kern(const double *a, const double *b, size_t d, double h)
{
    long double d2 = 0;
    for (size_t c = 0; c < d; c++)
        d2 += ((long double)a[c] - b[c]) * ((long double)a[c] - b[c]);
    return expl(-d2 / (2.0L * h * h));
}

/* V-statistic MMD^2 = sum a_i a_k k(x_i,x_k) - 2 sum a_i b_j k(x_i,y_j) + sum b_j b_l k(y_j,y_l). */
static long double mmd2(const gfd_cloud *X, const gfd_cloud *Y, double h)
{
    const size_t d = X->d;
    long double s = 0;
    for (size_t i = 0; i < X->n; i++)
        for (size_t k = 0; k < X->n; k++)
            s += weight(X, i) * weight(X, k) * kern(X->x + i * d, X->x + k * d, d, h);
    for (size_t i = 0; i < X->n; i++)
        for (size_t j = 0; j < Y->n; j++)
            s -= 2 * weight(X, i) * weight(Y, j) * kern(X->x + i * d, Y->x + j * d, d, h);
    for (size_t j = 0; j < Y->n; j++)
        for (size_t l = 0; l < Y->n; l++)
            s += weight(Y, j) * weight(Y, l) * kern(Y->x + j * d, Y->x + l * d, d, h);
    return s;
}

/* d MMD^2 / d x_i: the x_i term of the XX sum appears twice (k(x_i,x_k) and k(x_k,x_i)),
 * and d/dx k(x,u) = k(x,u)(u - x)/h^2, so
 *     grad_i MMD^2 = 2 a_i sum_k a_k k(x_i,x_k)(x_k - x_i)/h^2 - 2 a_i sum_j b_j k(x_i,y_j)(y_j - x_i)/h^2
 *                  = -2 a_i v(x_i)                                    (MATH §3.5's v)
 * with a_i the normalised weight: v(x_i) = -grad_i MMD^2 / (2 a_i), which for uniform
 * weights a_i = 1/N is -(N/2) grad_i MMD^2. Central differences with step 1e-4 h have
 * truncation error ~1e-8 relative; MMD^2 in long double keeps rounding below 1e-12. */
static void check_finite_differences(gfd_cloud *X, const gfd_cloud *Y, double h, double tol)
{
    double *V = tu_field("mmd", NULL, h, X, Y), worst = 0, delta = 1e-4 * h;
    const size_t d = X->d;
    for (size_t i = 0; i < X->n; i++) {
        double e2 = 0, v2 = 0;
        for (size_t c = 0; c < d; c++) {
            double keep = X->x[i * d + c];
            X->x[i * d + c] = keep + delta;
            long double up = mmd2(X, Y, h);
            X->x[i * d + c] = keep - delta;
            long double down = mmd2(X, Y, h);
            X->x[i * d + c] = keep;
            double grad = (double)((up - down) / (2 * delta));
            double want = -grad / (2 * (double)weight(X, i));
            e2 += (V[i * d + c] - want) * (V[i * d + c] - want);
            v2 += want * want;
        }
        worst = fmax(worst, sqrt(e2 / v2));
    }
    CHECK(worst < tol, "d=%zu h=%g weights %d: relative error %.3g vs finite differences",
          d, h, X->w != NULL, worst);
    free(V);
}

static void test_finite_differences(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 21);
    for (int weighted = 0; weighted <= 1; weighted++)
        for (size_t d = 1; d <= 3; d += 2) {
            gfd_cloud Y = tu_cloud(&r, 25, d, 0, 1, weighted);
            gfd_cloud X = tu_cloud(&r, 20, d, 0.8, 0.7, weighted);
            check_finite_differences(&X, &Y, 0.6, 1e-6);
            gfd_cloud_free(&X), gfd_cloud_free(&Y);
        }
}

/* What test_noise_inject varies: the bandwidth h, --noise-inject beta, the streams of
 * (seed, step), --exclude-self. */
typedef struct {
    double h, noise_inject;
    uint64_t seed, step;
    int exclude_self;
} mmd_case;

/* mmd with the options and arguments of o; V malloc'd. */
static double *mmd_field(const mmd_case *o, const gfd_cloud *X, const gfd_cloud *Y)
{
    char opts[64];
    snprintf(opts, sizeof opts, "noise-inject=%.17g%s", o->noise_inject,
             o->exclude_self ? " exclude-self" : "");
    return tu_field_at("mmd", opts, NULL, o->h, o->seed, o->step, X, Y);
}

/* MATH §3.5 at z_i = x_i + beta xi_i, xi_i drawn again from particle i's stream; the X sum
 * leaves out pair (i, i) and renormalises by 1 - a_i when exclude_self. V: N x d. */
static void ref_noise_inject(const gfd_cloud *X, const gfd_cloud *Y, const mmd_case *o, double *V)
{
    const size_t d = X->d;
    double z[8];
    for (size_t i = 0; i < X->n; i++) {
        gfd_rng r;
        gfd_field_rng(&r, o->seed, o->step, GFD_STREAM_NOISE_INJECT, i);
        for (size_t c = 0; c < d; c++)
            z[c] = X->x[i * d + c] + o->noise_inject * gfd_rng_normal(&r);
        long double v[8] = {0}, renorm = o->exclude_self ? 1 - weight(X, i) : 1;
        for (size_t j = 0; j < Y->n; j++)
            for (size_t c = 0; c < d; c++)
                v[c] += weight(Y, j) * kern(z, Y->x + j * d, d, o->h) * (Y->x[j * d + c] - (long double)z[c]);
        for (size_t k = 0; k < X->n; k++)
            for (size_t c = 0; c < d && !(o->exclude_self && k == i); c++)
                v[c] -= weight(X, k) / renorm * kern(z, X->x + k * d, d, o->h) * (X->x[k * d + c] - (long double)z[c]);
        for (size_t c = 0; c < d; c++)
            V[i * d + c] = (double)(v[c] / ((long double)o->h * o->h));
    }
}

static void test_noise_inject(void)
{
    /* against the direct loop at 1e-10 relative per particle; another step draws other noise */
    gfd_rng r;
    gfd_rng_seed(&r, 22);
    gfd_cloud Y = tu_cloud(&r, 30, 2, 0, 1, 1), X = tu_cloud(&r, 25, 2, 0.5, 0.8, 1);
    mmd_case o = {.h = 0.5, .noise_inject = 0.3, .seed = 5, .step = 7};
    double *Vref = malloc(X.n * 2 * sizeof *Vref);
    for (o.exclude_self = 0; o.exclude_self <= 1; o.exclude_self++) {
        double *V = mmd_field(&o, &X, &Y), worst = 0;
        ref_noise_inject(&X, &Y, &o, Vref);
        for (size_t i = 0; i < X.n; i++)
            worst = fmax(worst, hypot(V[2 * i] - Vref[2 * i], V[2 * i + 1] - Vref[2 * i + 1])
                                / hypot(Vref[2 * i], Vref[2 * i + 1]));
        CHECK(worst < 1e-10, "exclude_self %d: relative error %.3g", o.exclude_self, worst);
        free(V);
    }
    o.exclude_self = 0;
    double *a = mmd_field(&o, &X, &Y);
    o.step = 8;
    double *b = mmd_field(&o, &X, &Y);
    CHECK(memcmp(a, b, X.n * 2 * sizeof *a), "step 7 and step 8 gave the same noise");
    free(a), free(b), free(Vref);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_far_particle(void)
{
    /* a particle 70 away with h = 0.2: every kernel value but its own underflows (exp(-6e4));
     * its velocity is 0, finite, and the others are unchanged */
    gfd_rng r;
    gfd_rng_seed(&r, 23);
    gfd_cloud Y = tu_cloud(&r, 20, 2, 0, 1, 0), X = tu_cloud(&r, 10, 2, 0, 1, 0);
    X.x[0] = X.x[1] = 50;
    double *V = tu_field("mmd", NULL, 0.2, &X, &Y);
    for (size_t k = 0; k < X.n * 2; k++)
        CHECK(isfinite(V[k]), "v[%zu] = %g", k, V[k]);
    CHECK(V[0] == 0 && V[1] == 0, "far particle: v = (%g, %g)", V[0], V[1]);
    free(V);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

int main(void)
{
    RUN(test_finite_differences);
    RUN(test_noise_inject);
    RUN(test_far_particle);
    UNIT_END();
}
