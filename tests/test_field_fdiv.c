/* The f-divergence fields (lib/fields/fdiv.c, MATH §3.1) against a direct O(NM) loop
 * (ref_fdiv below over testutil.h's tu_ref_pass) that builds both KDEs and mean shifts
 * pair by pair in long double; the ratio clip; the alpha identities; identifiability
 * (X == Y gives v = 0) of every score field of §3.1, §3.3, §3.5; a shifted cloud;
 * leave-one-out; weights; a tiny bandwidth. Tolerances are stated at each check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "testutil.h"
#include "unit.h"

enum { KL, RKL, CHI2, ALPHA, JS };

/* v of MATH §3.1 at every particle, g applied to r itself (not to log r as the library does). */
static void ref_fdiv(int kind, double A, const gfd_cloud *X, const gfd_cloud *Y, double h,
                     double R, int exclude_self, double *V)
{
    const size_t d = X->d;
    long double *wx = tu_ref_weights(X), *wy = tu_ref_weights(Y), lp, lq, mp[16], mq[16];
    for (size_t i = 0; i < X->n; i++) {
        tu_ref_pass(X->x + i * d, Y, wy, h, -1, &lp, mp);
        tu_ref_pass(X->x + i * d, X, wx, h, exclude_self ? (long)i : -1, &lq, mq);
        if (exclude_self)
            lq -= logl(1 - wx[i]);
        long double r = expl(lq - lp);
        r = r > R ? R : r < 1 / R ? 1 / R : r;
        long double g = kind == KL ? 1 : kind == RKL ? 1 / r : kind == CHI2 ? 2 * r
                      : kind == ALPHA ? powl(r, A - 1) : 1 / (1 + r);
        for (size_t c = 0; c < d; c++)
            V[i * d + c] = (double)(g * (mp[c] - mq[c]) / ((long double)h * h));
    }
    free(wx), free(wy);
}

/* Worst over particles of |v - v_ref| / |v_ref| (Euclidean norms). */
static double worst_relative(const double *V, const double *Vref, size_t n, size_t d)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = 0, s = 0;
        for (size_t c = 0; c < d; c++) {
            e += (V[i * d + c] - Vref[i * d + c]) * (V[i * d + c] - Vref[i * d + c]);
            s += Vref[i * d + c] * Vref[i * d + c];
        }
        worst = fmax(worst, isnan(e) ? INFINITY : sqrt(e / s));
    }
    return worst;
}

static const struct { const char *text; int kind; double A; } fdivs[] = {
    {"kl", KL, 0}, {"rkl", RKL, 0}, {"chi2", CHI2, 0}, {"alpha:0.5", ALPHA, 0.5},
    {"alpha:-1.5", ALPHA, -1.5}, {"js", JS, 0},
};
#define NFDIV (sizeof fdivs / sizeof *fdivs)

/* The bandwidth and the options of one comparison: --ratio-clip R (default 1e6, MATH §3.1)
 * and --exclude-self. */
typedef struct {
    double h, ratio_clip;
    int exclude_self;
} fdiv_case;

static fdiv_case fdiv_opts(double h)
{
    fdiv_case o = {.h = h, .ratio_clip = 1e6};
    return o;
}

/* The field `text` with the bandwidth and options of o (the library's default clip where o
 * has the default); V malloc'd. */
static double *fdiv_field(const char *text, const fdiv_case *o, const gfd_cloud *X, const gfd_cloud *Y)
{
    char opts[64] = "";
    if (o->ratio_clip != fdiv_opts(0).ratio_clip)
        snprintf(opts, sizeof opts, "ratio-clip=%.17g", o->ratio_clip);
    if (o->exclude_self)
        snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "%sexclude-self", *opts ? " " : "");
    return tu_field(text, opts, o->h, X, Y);
}

/* Every field of the table on one pair of clouds; tol relative per particle. */
static void compare_all(const gfd_cloud *X, const gfd_cloud *Y, const fdiv_case *o, double tol)
{
    double *Vref = malloc(X->n * X->d * sizeof *Vref);
    for (size_t f = 0; f < NFDIV; f++) {
        double *V = fdiv_field(fdivs[f].text, o, X, Y);
        ref_fdiv(fdivs[f].kind, fdivs[f].A, X, Y, o->h, o->ratio_clip, o->exclude_self, Vref);
        double e = worst_relative(V, Vref, X->n, X->d);
        CHECK(e <= tol, "%s d=%zu h=%g: relative error %.3g > %.3g", fdivs[f].text, X->d, o->h, e, tol);
        free(V);
    }
    free(Vref);
}

static void test_against_direct(void)
{
    /* the engine is exact to ~1e-13 (tests/test_ksum.c); 1e-9 leaves room for the
     * cancellation in m_p - m_q and for g amplifying relative error */
    gfd_rng r;
    gfd_rng_seed(&r, 11);
    for (size_t d = 1; d <= 5; d += d < 2 ? 1 : 3) {
        for (int weighted = 0; weighted <= 1; weighted++) {
            gfd_cloud Y = tu_cloud(&r, 53, d, 0, 1, weighted);
            gfd_cloud X = tu_cloud(&r, 37, d, 0.7, 0.6, weighted);
            fdiv_case o = fdiv_opts(0.4 + 0.3 * (double)d / 5);
            compare_all(&X, &Y, &o, 1e-9);
            gfd_cloud_free(&X), gfd_cloud_free(&Y);
        }
    }
}

static void test_ratio_clip(void)
{
    /* X two bandwidths away from Y: r spans many orders of magnitude, R = 10 clips most
     * of them at both ends; the reference clips r itself */
    gfd_rng r;
    gfd_rng_seed(&r, 12);
    gfd_cloud Y = tu_cloud(&r, 40, 2, 0, 1, 0), X = tu_cloud(&r, 30, 2, 1.5, 0.5, 0);
    fdiv_case o = fdiv_opts(0.3);
    o.ratio_clip = 10;
    compare_all(&X, &Y, &o, 1e-9);
    /* and the clip binds: chi2 with R = 10 differs from chi2 with the default R */
    double *V10 = fdiv_field("chi2", &o, &X, &Y);
    o.ratio_clip = 1e6;
    double *V6 = fdiv_field("chi2", &o, &X, &Y);
    CHECK(memcmp(V10, V6, X.n * 2 * sizeof *V6), "the clip R = 10 changed nothing");
    free(V10), free(V6);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_alpha_identities(void)
{
    /* MATH §3.1: alpha 1 = kl, alpha 0 = rkl, alpha 2 = chi2/2; g is computed from log r
     * for all five, so these hold to the last bit */
    gfd_rng r;
    gfd_rng_seed(&r, 13);
    gfd_cloud Y = tu_cloud(&r, 50, 3, 0, 1, 1), X = tu_cloud(&r, 40, 3, 0.5, 0.7, 0);
    const char *pairs[3][2] = {{"alpha:1", "kl"}, {"alpha:0", "rkl"}, {"alpha:2", "chi2:0.5"}};
    for (int p = 0; p < 3; p++) {
        double *a = tu_field(pairs[p][0], NULL, 0.5, &X, &Y), *b = tu_field(pairs[p][1], NULL, 0.5, &X, &Y);
        CHECK(!memcmp(a, b, X.n * X.d * sizeof *a), "%s differs from %s", pairs[p][0], pairs[p][1]);
        free(a), free(b);
    }
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static const char *const score_fields[] = {"kl", "rkl", "chi2", "alpha:0.3", "js", "mmd", "kl-smoothed"};

static void test_identifiability(void)
{
    /* MATH §2.3: with the self term in q_h, X == Y gives v = 0 for every field; |v| < 1e-12
     * (exactly 0 except where a fused multiply-add rounds one product of mmd) */
    gfd_rng r;
    gfd_rng_seed(&r, 14);
    for (int weighted = 0; weighted <= 1; weighted++) {
        gfd_cloud Y = tu_cloud(&r, 60, 2, 0, 1, weighted), X = Y;
        X.x = malloc(Y.n * Y.d * sizeof *X.x);
        memcpy(X.x, Y.x, Y.n * Y.d * sizeof *X.x);
        for (size_t f = 0; f < sizeof score_fields / sizeof *score_fields; f++) {
            /* every field given --noise-inject; only mmd reads it */
            const char *opts = weighted ? "noise-inject=0.2" : NULL;
            double *V = tu_field(score_fields[f], opts, 0.3, &X, &Y), worst = 0;
            for (size_t k = 0; k < X.n * X.d; k++)
                worst = fmax(worst, isnan(V[k]) ? INFINITY : fabs(V[k]));
            CHECK(worst < 1e-12, "%s (weights %d): |v| up to %.3g with X == Y", score_fields[f], weighted, worst);
            free(V);
        }
        free(X.x);
        gfd_cloud_free(&Y);
    }
}

static void test_shifted_cloud(void)
{
    /* X = Y + (1, 0): every field is clearly non-zero and points back: the mean of v_1
     * is below -0.3 times the mean of |v| (mmd, the weakest, gives -0.49) */
    gfd_rng r;
    gfd_rng_seed(&r, 15);
    gfd_cloud Y = tu_cloud(&r, 80, 2, 0, 1, 0), X = Y;
    X.x = malloc(Y.n * 2 * sizeof *X.x);
    for (size_t i = 0; i < Y.n; i++)
        X.x[2 * i] = Y.x[2 * i] + 1, X.x[2 * i + 1] = Y.x[2 * i + 1];
    for (size_t f = 0; f < sizeof score_fields / sizeof *score_fields; f++) {
        double *V = tu_field(score_fields[f], NULL, 0.4, &X, &Y), mean = 0, speed = 0;
        for (size_t i = 0; i < X.n; i++) {
            mean += V[2 * i] / (double)X.n;
            speed += hypot(V[2 * i], V[2 * i + 1]) / (double)X.n;
        }
        printf("# %s: mean v_1 %.3g, mean |v| %.3g\n", score_fields[f], mean, speed);
        CHECK(mean < -0.3 * speed && speed > 0, "%s: mean v_1 = %g, mean |v| = %g", score_fields[f], mean, speed);
        free(V);
    }
    free(X.x);
    gfd_cloud_free(&Y);
}

static void test_exclude_self(void)
{
    /* leave-one-out: the reference drops pair (i, i) and renormalises by 1 - w_i */
    gfd_rng r;
    gfd_rng_seed(&r, 16);
    fdiv_case o = fdiv_opts(0.5);
    o.exclude_self = 1;
    for (int weighted = 0; weighted <= 1; weighted++) {
        gfd_cloud Y = tu_cloud(&r, 45, 2, 0, 1, weighted), X = tu_cloud(&r, 35, 2, 0.3, 0.9, weighted);
        compare_all(&X, &Y, &o, 1e-9);
        gfd_cloud_free(&X), gfd_cloud_free(&Y);
    }
}

static void test_weights_are_multiplicities(void)
{
    /* a target of weight 2 is the same target listed twice: v equal to rounding (1e-12) */
    gfd_rng r;
    gfd_rng_seed(&r, 17);
    gfd_cloud Y = tu_cloud(&r, 20, 2, 0, 1, 0), X = tu_cloud(&r, 15, 2, 0.5, 1, 0), Y2;
    gfd_cloud_alloc(&Y2, 21, 2, NULL);
    memcpy(Y2.x, Y.x, 40 * sizeof *Y.x);
    memcpy(Y2.x + 40, Y.x + 6, 2 * sizeof *Y.x);  /* row 3 again */
    Y.w = malloc(20 * sizeof *Y.w);
    for (int j = 0; j < 20; j++)
        Y.w[j] = j == 3 ? 2 : 1;
    for (size_t f = 0; f < NFDIV; f++) {
        double *a = tu_field(fdivs[f].text, NULL, 0.6, &X, &Y), *b = tu_field(fdivs[f].text, NULL, 0.6, &X, &Y2);
        double e = worst_relative(a, b, X.n, 2);
        CHECK(e < 1e-12, "%s: weight 2 vs a duplicate row: %.3g", fdivs[f].text, e);
        free(a), free(b);
    }
    gfd_cloud_free(&X), gfd_cloud_free(&Y), gfd_cloud_free(&Y2);
}

static void test_tiny_bandwidth(void)
{
    /* h = 1e-3 on unit-scale data: kernel values near exp(-1e5), all of r clipped at 1e6 or
     * 1e-6: finite, and equal to the log-space reference to 1e-9 */
    gfd_rng r;
    gfd_rng_seed(&r, 18);
    gfd_cloud Y = tu_cloud(&r, 30, 2, 0, 1, 0), X = tu_cloud(&r, 20, 2, 0, 1, 0);
    fdiv_case o = fdiv_opts(1e-3);
    compare_all(&X, &Y, &o, 1e-9);
    double *V = fdiv_field("rkl:1,chi2:1,js:1", &o, &X, &Y);
    for (size_t k = 0; k < X.n * 2; k++)
        CHECK(isfinite(V[k]), "v[%zu] = %g", k, V[k]);
    free(V);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

int main(void)
{
    RUN(test_against_direct);
    RUN(test_ratio_clip);
    RUN(test_alpha_identities);
    RUN(test_identifiability);
    RUN(test_shifted_cloud);
    RUN(test_exclude_self);
    RUN(test_weights_are_multiplicities);
    RUN(test_tiny_bandwidth);
    UNIT_END();
}
