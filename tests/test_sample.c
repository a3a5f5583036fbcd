/* Tests of lib/sample.c: every distribution gives n finite rows of the right dimension,
 * moments and supports as their definitions say, fixed centres for the mixtures,
 * reproducible streams, and errors for bad names and dimensions.
 * Expected moments are closed forms from the definitions (derivations in comments; each
 * also checked against a numpy transcription of FFJORD's code at n = 4 10^6). A mean
 * passes within 5 standard errors, the standard error from the sample itself. */
#include <stdint.h>
#include <string.h>

#include "gfd/sample.h"
#include "unit.h"

#define N 200000

/* n points of name (d = 0: its default) from seed 1; dies on error. */
static gfd_cloud draw(const char *name, size_t n, size_t d)
{
    gfd_rng r;
    gfd_err err;
    gfd_cloud c = {0};
    gfd_rng_seed(&r, 1);
    if (gfd_sample(name, n, d, &r, &c, &err) < 0) {
        printf("# %s: %s\n", name, err.msg);
        c.n = 0;
    }
    return c;
}

static double fx(const double *x) { return x[0]; }
static double fy(const double *x) { return x[1]; }
static double fr2(const double *x) { return x[0] * x[0] + x[1] * x[1]; }
static double fr(const double *x) { return sqrt(fr2(x)); }

/* Mean of f over the rows of c within 5 standard errors of want. */
static void check_mean(const gfd_cloud *c, double (*f)(const double *), double want,
                       const char *what)
{
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < c->n; i++) {
        double v = f(c->x + i * c->d);
        s1 += v;
        s2 += v * v;
    }
    double mean = s1 / c->n, se = sqrt(fmax(s2 / c->n - mean * mean, 0) / c->n);
    CHECK(fabs(mean - want) <= 5 * se + 1e-12, "%s: mean %.6g, want %.6g +- %.3g", what,
          mean, want, 5 * se);
}

static void test_names(void)
{
    size_t count = 0;
    for (const char *name; (name = gfd_sample_name(count)); count++)
        CHECK(gfd_sample_dim(name) == (strcmp(name, "gaussian") && strcmp(name, "uniform") ? 2 : 0),
              "%s: dim %d", name, gfd_sample_dim(name));
    CHECK(count == 11, "%zu distributions, want 11", count);
    CHECK(gfd_sample_dim("nope") == -1, "unknown name has a dimension");
}

/* Every distribution: n rows, d = 2 by default, all finite. */
static void test_shapes(void)
{
    for (size_t i = 0; gfd_sample_name(i); i++) {
        const char *name = gfd_sample_name(i);
        gfd_cloud c = draw(name, 1001, 0);
        int finite = 1;
        for (size_t k = 0; k < c.n * c.d; k++)
            finite &= isfinite(c.x[k]);
        CHECK(c.n == 1001 && c.d == 2, "%s: %zu x %zu, want 1001 x 2", name, c.n, c.d);
        CHECK(finite, "%s: a value that is not finite", name);
        gfd_cloud_free(&c);
    }
}

/* N(0, I_5): per coordinate mean 0, E z^2 = 1. */
static void test_gaussian(void)
{
    gfd_cloud c = draw("gaussian", N, 5);
    CHECK(c.d == 5, "d = %zu", c.d);
    check_mean(&c, fx, 0, "gaussian x");
    check_mean(&c, fr2, 2, "gaussian x^2 + y^2");
    gfd_cloud_free(&c);
}

/* U[-1, 1]^3: inside the cube, mean 0, E x^2 = 1/3. */
static void test_uniform(void)
{
    gfd_cloud c = draw("uniform", N, 3);
    int inside = 1;
    for (size_t k = 0; k < c.n * c.d; k++)
        inside &= c.x[k] >= -1 && c.x[k] < 1;
    CHECK(inside, "a point outside [-1, 1)^3");
    check_mean(&c, fy, 0, "uniform y");
    check_mean(&c, fr2, 2.0 / 3, "uniform x^2 + y^2");
    gfd_cloud_free(&c);
}

/* Index of the centre nearest to x (2-D) and the squared distance to it. */
static size_t nearest(const gfd_cloud *centers, const double *x, double *dist2)
{
    size_t best = 0;
    *dist2 = INFINITY;
    for (size_t k = 0; k < centers->n; k++) {
        const double *c = centers->x + 2 * k;
        double e = (x[0] - c[0]) * (x[0] - c[0]) + (x[1] - c[1]) * (x[1] - c[1]);
        if (e < *dist2)
            *dist2 = e, best = k;
    }
    return best;
}

/* FFJORD's 8gaussians: centres 4 (cos, sin)(k pi/4) / 1.414, sigma 0.5 / 1.414. */
static void test_8gaussians_centers(void)
{
    gfd_cloud c = {0};
    double sigma;
    gfd_err err;
    CHECK(gfd_sample_centers("8gaussians", &c, &sigma, &err) == 0, "%s", err.msg);
    CHECK(c.n == 8 && c.d == 2, "%zu x %zu centres", c.n, c.d);
    CHECK_CLOSE(sigma, 0.5 / 1.414, 1e-15);
    for (size_t k = 0; k < c.n; k++) {
        double angle = atan2(c.x[2 * k + 1], c.x[2 * k]);
        CHECK_CLOSE(fr(c.x + 2 * k), 4 / 1.414, 1e-15);
        CHECK(fabs(remainder(angle - M_PI / 4 * k, 2 * M_PI)) < 1e-15, "centre %zu at %g", k, angle);
    }
    gfd_cloud_free(&c);
}

/* WGAN-GP's 25gaussians: centres (2i, 2j) / 2.828 on a 5 x 5 grid, sigma 0.05 / 2.828. */
static void test_25gaussians_centers(void)
{
    gfd_cloud c = {0};
    double sigma;
    gfd_err err;
    CHECK(gfd_sample_centers("25gaussians", &c, &sigma, &err) == 0, "%s", err.msg);
    CHECK(c.n == 25 && c.d == 2, "%zu x %zu centres", c.n, c.d);
    CHECK_CLOSE(sigma, 0.05 / 2.828, 1e-15);
    for (size_t k = 0; k < c.n; k++) {
        double i = c.x[2 * k] * 2.828 / 2, j = c.x[2 * k + 1] * 2.828 / 2;
        CHECK(fabs(i - round(i)) < 1e-12 && fabs(j - round(j)) < 1e-12 &&
              fabs(i) <= 2 && fabs(j) <= 2, "centre %zu at (%g, %g) grid units", k, i, j);
        for (size_t l = 0; l < k; l++)
            CHECK(memcmp(c.x + 2 * k, c.x + 2 * l, 2 * sizeof(double)), "centres %zu, %zu", k, l);
    }
    gfd_cloud_free(&c);
}

/* A mixture's samples against its centres: each mode holds ~1/K of the points (binomial
 * sd), the squared distance to the nearest centre averages 2 sigma^2 (chi^2_2; a point
 * nearer another centre than its own is rare, and shrinks this by < 1%), and the share
 * within 3.5 sigma is over 99% (1 - exp(-3.5^2 / 2) = 0.9978 for an isolated mode). */
static void check_mixture(const char *name)
{
    gfd_cloud centers = {0}, c = draw(name, N, 0);
    double sigma, sum2 = 0;
    gfd_err err;
    if (gfd_sample_centers(name, &centers, &sigma, &err) < 0) {
        CHECK(0, "%s", err.msg);
        return;
    }
    size_t count[32] = {0}, near = 0, K = centers.n;
    for (size_t i = 0; i < c.n; i++) {
        double e2;
        count[nearest(&centers, c.x + 2 * i, &e2)]++;
        sum2 += e2;
        near += e2 < 3.5 * 3.5 * sigma * sigma;
    }
    for (size_t k = 0; k < K; k++)
        CHECK(fabs(count[k] - (double)N / K) < 5 * sqrt(N * (1.0 / K) * (1 - 1.0 / K)),
              "%s: mode %zu has %zu of %d points", name, k, count[k], N);
    CHECK(fabs(sum2 / N / (2 * sigma * sigma) - 1) < 0.02, "%s: mean squared distance %g sigma^2",
          name, sum2 / N / (sigma * sigma));
    CHECK(near > 0.99 * N, "%s: %zu of %d within 3.5 sigma", name, near, N);
    gfd_cloud_free(&centers);
    gfd_cloud_free(&c);
}

static void test_mixtures(void)
{
    check_mixture("8gaussians");
    check_mixture("25gaussians");
}

/* Uniform on the 8 squares of side 2 in [-4, 4)^2 with floor(x/2) + floor(y/2) even:
 * each square holds ~1/8, and x and y have mean 0. */
static void test_checkerboard(void)
{
    gfd_cloud c = draw("checkerboard", N, 0);
    size_t count[4][4] = {{0}}, bad = 0;
    for (size_t i = 0; i < c.n; i++) {
        double x = c.x[2 * i], y = c.x[2 * i + 1];
        int a = (int)floor(x / 2) + 2, b = (int)floor(y / 2) + 2;
        if (a < 0 || a > 3 || b < 0 || b > 3 || (a + b) % 2)
            bad++;
        else
            count[a][b]++;
    }
    CHECK(!bad, "%zu points off the black squares", bad);
    for (int a = 0; a < 4; a++)
        for (int b = a % 2; b < 4; b += 2)
            CHECK(fabs(count[a][b] - N / 8.0) < 5 * sqrt(N / 8.0 * 7 / 8), "square (%d, %d): %zu",
                  a, b, count[a][b]);
    check_mean(&c, fx, 0, "checkerboard x");
    check_mean(&c, fy, 0, "checkerboard y");
    gfd_cloud_free(&c);
}

/* moons: with t ~ U[0, pi], E(cos t, sin t) = (0, 2/pi), so the sklearn arcs average
 * (0, 2/pi) and (1, 1/2 - 2/pi); after 2 x + (-1, -0.2) the mean is (0, 0.3). Every point
 * lies within 6 noise sds (1.2) of one of the two radius-2 circles. */
static void test_moons(void)
{
    gfd_cloud c = draw("moons", N, 0);
    check_mean(&c, fx, 0, "moons x");
    check_mean(&c, fy, 0.3, "moons y");
    size_t far = 0;
    for (size_t i = 0; i < c.n; i++) {
        double x = c.x[2 * i], y = c.x[2 * i + 1];
        double d1 = fabs(hypot(x + 1, y + 0.2) - 2), d2 = fabs(hypot(x - 1, y - 0.8) - 2);
        far += fmin(d1, d2) > 1.2;
    }
    CHECK(far == 0, "%zu points far from both moons", far);
    gfd_cloud_free(&c);
}

/* swissroll: t ~ U[1.5 pi, 4.5 pi), (t cos t, t sin t)/5 + N(0, 0.2^2 I).
 * E t cos t = [t sin t + cos t] / 3 pi = 2, E t sin t = [-t cos t + sin t] / 3 pi = 2/(3 pi),
 * E t^2 = 9.75 pi^2; so the mean is (0.4, 2/(15 pi)) and E|x|^2 = 9.75 pi^2/25 + 0.08. */
static void test_swissroll(void)
{
    gfd_cloud c = draw("swissroll", N, 0);
    check_mean(&c, fx, 0.4, "swissroll x");
    check_mean(&c, fy, 2 / (15 * M_PI), "swissroll y");
    check_mean(&c, fr2, 9.75 * M_PI * M_PI / 25 + 0.08, "swissroll |x|^2");
    gfd_cloud_free(&c);
}

/* circles: radii 3 and 1.5 equally likely, noise sd 0.24: mean 0,
 * E|x|^2 = (9 + 2.25)/2 + 2 0.24^2; half the points beyond radius 2.25. */
static double outer(const double *x) { return fr(x) > 2.25; }

static void test_circles(void)
{
    gfd_cloud c = draw("circles", N, 0);
    check_mean(&c, fx, 0, "circles x");
    check_mean(&c, fr2, 5.625 + 2 * 0.24 * 0.24, "circles |x|^2");
    check_mean(&c, outer, 0.5, "circles outer share");
    gfd_cloud_free(&c);
}

/* rings: radii 0.75 k, k = 1..4 equally likely, noise sd 0.08: E|x|^2 = 0.5625 7.5 +
 * 2 0.08^2; radii within 6 sd (0.48) of [0.75, 3]; rings 0.75 = 9.4 sd apart, so the
 * nearest ring is the point's own: a quarter of the points each. */
static void test_rings(void)
{
    gfd_cloud c = draw("rings", N, 0);
    size_t count[5] = {0}, far = 0;
    for (size_t i = 0; i < c.n; i++) {
        double r = fr(c.x + 2 * i);
        far += r < 0.75 - 0.48 || r > 3 + 0.48;
        count[(int)fmin(fmax(round(r / 0.75), 1), 4)]++;
    }
    CHECK(!far, "%zu points far from every ring", far);
    for (int k = 1; k <= 4; k++)
        CHECK(fabs(count[k] - N / 4.0) < 5 * sqrt(N / 4.0 * 3 / 4), "ring %d: %zu", k, count[k]);
    check_mean(&c, fy, 0, "rings y");
    check_mean(&c, fr2, 0.5625 * 7.5 + 2 * 0.08 * 0.08, "rings |x|^2");
    gfd_cloud_free(&c);
}

/* pinwheel: x = 2 R(-a) f with f = (1 + 0.3 z1, 0.1 z2), a = 2 pi k / 5 + 0.25 exp(f_1):
 * E|x|^2 = 4 (1 + 0.09 + 0.01); five arms at angles 2 pi k / 5 cancel, so the mean is 0.
 * The arms: with f_1 ~ |x|/2, the angle of x is -a + atan(f_2/f_1), so
 * -angle - 0.25 exp(|x|/2) mod 2 pi/5 is ~ -atan(f_2/f_1): mean ~0 (|f| - f_1 ~ f_2^2/2
 * biases it by ~0.004), sd ~0.1. */
static double pinwheel_twist(const double *x)
{
    return remainder(-atan2(x[1], x[0]) - 0.25 * exp(fr(x) / 2), 2 * M_PI / 5);
}

static void test_pinwheel(void)
{
    gfd_cloud c = draw("pinwheel", N, 0);
    check_mean(&c, fx, 0, "pinwheel x");
    check_mean(&c, fy, 0, "pinwheel y");
    check_mean(&c, fr2, 4.4, "pinwheel |x|^2");
    double sum = 0;
    size_t off = 0;
    for (size_t i = 0; i < c.n; i++) {
        double e = pinwheel_twist(c.x + 2 * i);
        sum += e;
        off += fabs(e) > 0.5;
    }
    CHECK(fabs(sum / N) < 0.01, "pinwheel: mean twist residual %g", sum / N);
    CHECK(off < 0.01 * N, "pinwheel: %zu points off the arms", off);
    gfd_cloud_free(&c);
}

/* 2spirals: t = 3 pi sqrt(u) has density 2t/(9 pi^2) on [0, 3 pi]: E t^2 = 4.5 pi^2,
 * E t cos t = -4/(3 pi), E t sin t = 2 - 8/(9 pi^2); with the jitter j ~ U[0, 0.5)^2,
 * E|a|^2 = E t^2 - E[t cos t]/2 + E[t sin t]/2 + 1/6; /9, plus 2 0.1^2 of noise.
 * The two arms are negatives of each other: mean 0. Their shape: (-t cos t, t sin t)
 * has angle pi - t and radius t, so angle - pi + 3|x| mod pi is ~0 up to the jitter;
 * beyond |x| = 1 its rms is 0.44 for this definition and seed, 0.92 for mirrored arms. */
static void test_2spirals(void)
{
    gfd_cloud c = draw("2spirals", N, 0);
    double pi = M_PI;
    double want = (4.5 * pi * pi + 2 / (3 * pi) + 1 - 4 / (9 * pi * pi) + 1.0 / 6) / 9 + 0.02;
    check_mean(&c, fx, 0, "2spirals x");
    check_mean(&c, fy, 0, "2spirals y");
    check_mean(&c, fr2, want, "2spirals |x|^2");
    double sum2 = 0;
    size_t m = 0;
    for (size_t i = 0; i < c.n; i++) {
        const double *x = c.x + 2 * i;
        if (fr(x) < 1)
            continue;
        double e = remainder(atan2(x[1], x[0]) - pi + 3 * fr(x), pi);
        sum2 += e * e;
        m++;
    }
    CHECK(sqrt(sum2 / m) < 0.5, "2spirals: rms angle off the arms %g", sqrt(sum2 / m));
    gfd_cloud_free(&c);
}

/* Same seed, same bytes; another seed, other bytes; the first k rows of n are the rows
 * of k (sampling is sequential). */
static void test_determinism(void)
{
    for (size_t i = 0; gfd_sample_name(i); i++) {
        const char *name = gfd_sample_name(i);
        gfd_cloud a = draw(name, 500, 0), b = draw(name, 500, 0), p = draw(name, 123, 0);
        gfd_cloud o = {0};
        gfd_rng r;
        gfd_rng_seed(&r, 2);
        gfd_sample(name, 500, 0, &r, &o, NULL);
        CHECK(!memcmp(a.x, b.x, 500 * 2 * sizeof(double)), "%s: same seed, other points", name);
        CHECK(memcmp(a.x, o.x, 500 * 2 * sizeof(double)), "%s: seeds 1 and 2 alike", name);
        CHECK(!memcmp(a.x, p.x, 123 * 2 * sizeof(double)), "%s: 123 rows not a prefix of 500", name);
        gfd_cloud_free(&a), gfd_cloud_free(&b), gfd_cloud_free(&p), gfd_cloud_free(&o);
    }
}

/* Usage errors: an unknown name, a dimension for a 2-D set, centres of a non-mixture. */
static void test_errors(void)
{
    gfd_rng r;
    gfd_err err;
    gfd_cloud c = {0};
    double sigma;
    gfd_rng_seed(&r, 1);
    CHECK(gfd_sample("nope", 10, 0, &r, &c, &err) == -1 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "unknown distribution 'nope'"), "unknown name: %s", err.msg);
    CHECK(gfd_sample("moons", 10, 3, &r, &c, &err) == -1 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "moons is 2-dimensional"), "moons in 3-D: %s", err.msg);
    CHECK(gfd_sample_centers("moons", &c, &sigma, &err) == -1 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "8gaussians, 25gaussians"), "moons centres: %s", err.msg);
    CHECK(gfd_sample_centers("nope", &c, &sigma, &err) == -1 && err.code == GFD_EUSAGE,
          "unknown centres: %s", err.msg);
    CHECK(gfd_sample("moons", 10, 2, &r, &c, &err) == 0 && c.n == 10, "moons with d = 2");
    gfd_cloud_free(&c);
}

int main(void)
{
    RUN(test_names);
    RUN(test_shapes);
    RUN(test_gaussian);
    RUN(test_uniform);
    RUN(test_8gaussians_centers);
    RUN(test_25gaussians_centers);
    RUN(test_mixtures);
    RUN(test_checkerboard);
    RUN(test_moons);
    RUN(test_swissroll);
    RUN(test_circles);
    RUN(test_rings);
    RUN(test_pinwheel);
    RUN(test_2spirals);
    RUN(test_determinism);
    RUN(test_errors);
    UNIT_END();
}
