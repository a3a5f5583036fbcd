/* The built-in distributions (sample.h): one table line each. Three kinds: products of
 * i.i.d. coordinates (any dimension), equally weighted Gaussian mixtures (centres and a
 * shared sigma, so gfd-eval's coverage can read them back), and 2-D toy sets drawn one
 * point at a time. The toy sets follow FFJORD's lib/toy_data.py and WGAN-GP's
 * gan_toy.py, with each point an independent draw: where those scripts space points
 * evenly or give each class an equal count, a point here draws its class and position. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/names.h"
#include "gfd/sample.h"

typedef struct {
    const char *name;
    int dim;                                   /* 0: any dimension */
    double (*coord)(gfd_rng *r);               /* products: one coordinate */
    size_t modes;                              /* mixtures: K */
    void (*center)(size_t k, double *c);       /* mixtures: centre of mode k, c: 2 */
    double sigma;                              /* mixtures: std of each coordinate */
    void (*point)(gfd_rng *r, double *x);      /* 2-D sets: one point, x: 2 */
} dist;

static double coord_normal(gfd_rng *r) { return gfd_rng_normal(r); }
static double coord_uniform(gfd_rng *r) { return 2 * gfd_rng_uniform(r) - 1; }

/* Uniform integer in [0, k), bias below k 2^-53. u <= 1 - 2^-53, and u k never rounds
 * up to k: k 2^-53 is at least half an ulp of k (exact when k is a power of two). */
static size_t pick(gfd_rng *r, size_t k)
{
    return (size_t)(gfd_rng_uniform(r) * (double)k);
}

static int coin(gfd_rng *r)
{
    return (int)(gfd_rng_u64(r) >> 63);
}

/* FFJORD 8gaussians: centres 4 (cos k pi/4, sin k pi/4), noise 0.5 N(0, I), all / 1.414. */
static void center_8gaussians(size_t k, double *c)
{
    static const double s = M_SQRT1_2;
    static const double unit[8][2] = {{1, 0}, {s, s},   {0, 1},  {-s, s},
                                      {-1, 0}, {-s, -s}, {0, -1}, {s, -s}};
    c[0] = 4 * unit[k][0] / 1.414;
    c[1] = 4 * unit[k][1] / 1.414;
}

/* WGAN-GP 25gaussians: centres 2 (i, j), i, j in -2..2, noise 0.05 N(0, I), all / 2.828. */
static void center_25gaussians(size_t k, double *c)
{
    c[0] = 2 * ((double)(k / 5) - 2) / 2.828;
    c[1] = 2 * ((double)(k % 5) - 2) / 2.828;
}

/* FFJORD: x1 uniform on [-2, 2), x2 uniform on the two unit cells of its column where
 * floor(x1) + floor(x2) is even; times 2: 8 squares of side 2 in [-4, 4)^2. */
static void checkerboard(gfd_rng *r, double *x)
{
    double x1 = 4 * gfd_rng_uniform(r) - 2;
    double x2 = gfd_rng_uniform(r) - 2 * coin(r);
    x2 += ((int)floor(x1) + 2) % 2;
    x[0] = 2 * x1;
    x[1] = 2 * x2;
}

/* sklearn make_moons (noise 0.1), then FFJORD's 2 x + (-1, -0.2): upper arc centre
 * (-1, -0.2), lower arc centre (1, 0.8), radius 2, noise std 0.2. */
static void moons(gfd_rng *r, double *x)
{
    double t = M_PI * gfd_rng_uniform(r);
    double a = cos(t), b = sin(t);
    if (coin(r)) {
        a = 1 - a;
        b = 0.5 - b;
    }
    x[0] = 2 * (a + 0.1 * gfd_rng_normal(r)) - 1;
    x[1] = 2 * (b + 0.1 * gfd_rng_normal(r)) - 0.2;
}

/* sklearn make_swiss_roll (noise 1) keeping x and z, / 5: t uniform on [1.5 pi, 4.5 pi),
 * (t cos t, t sin t) / 5 plus noise std 0.2. */
static void swissroll(gfd_rng *r, double *x)
{
    double t = 1.5 * M_PI * (1 + 2 * gfd_rng_uniform(r));
    x[0] = (t * cos(t) + gfd_rng_normal(r)) / 5;
    x[1] = (t * sin(t) + gfd_rng_normal(r)) / 5;
}

/* sklearn make_circles (factor 0.5, noise 0.08), times 3: radii 3 and 1.5, noise 0.24. */
static void circles(gfd_rng *r, double *x)
{
    double radius = coin(r) ? 1 : 0.5;
    double t = 2 * M_PI * gfd_rng_uniform(r);
    x[0] = 3 * (radius * cos(t) + 0.08 * gfd_rng_normal(r));
    x[1] = 3 * (radius * sin(t) + 0.08 * gfd_rng_normal(r));
}

/* FFJORD rings: radii 0.75, 1.5, 2.25, 3, noise std 0.08 added after scaling. */
static void rings(gfd_rng *r, double *x)
{
    double radius = 0.75 * (double)(pick(r, 4) + 1);
    double t = 2 * M_PI * gfd_rng_uniform(r);
    x[0] = radius * cos(t) + 0.08 * gfd_rng_normal(r);
    x[1] = radius * sin(t) + 0.08 * gfd_rng_normal(r);
}

/* FFJORD pinwheel: 5 arms; f = (1 + 0.3 N, 0.1 N) turned clockwise by
 * a = 2 pi k / 5 + 0.25 exp(f_1) (the row-vector product f R(a)), times 2. */
static void pinwheel(gfd_rng *r, double *x)
{
    double arm = 2 * M_PI * (double)pick(r, 5) / 5;
    double f0 = 1 + 0.3 * gfd_rng_normal(r), f1 = 0.1 * gfd_rng_normal(r);
    double a = arm + 0.25 * exp(f0);
    x[0] = 2 * (f0 * cos(a) + f1 * sin(a));
    x[1] = 2 * (-f0 * sin(a) + f1 * cos(a));
}

/* FFJORD 2spirals: t = 3 pi sqrt(u), arm (-t cos t, t sin t) plus uniform [0, 0.5)^2
 * jitter, the second arm its negative, / 3, plus noise std 0.1. */
static void spirals2(gfd_rng *r, double *x)
{
    double t = 3 * M_PI * sqrt(gfd_rng_uniform(r));
    double sign = coin(r) ? -1 : 1;
    double a = -t * cos(t) + 0.5 * gfd_rng_uniform(r);
    double b = t * sin(t) + 0.5 * gfd_rng_uniform(r);
    x[0] = sign * a / 3 + 0.1 * gfd_rng_normal(r);
    x[1] = sign * b / 3 + 0.1 * gfd_rng_normal(r);
}

static const dist DISTS[] = {
    {"gaussian", 0, .coord = coord_normal},
    {"uniform", 0, .coord = coord_uniform},
    {"8gaussians", 2, .modes = 8, .center = center_8gaussians, .sigma = 0.5 / 1.414},
    {"25gaussians", 2, .modes = 25, .center = center_25gaussians, .sigma = 0.05 / 2.828},
    {"checkerboard", 2, .point = checkerboard},
    {"moons", 2, .point = moons},
    {"swissroll", 2, .point = swissroll},
    {"circles", 2, .point = circles},
    {"rings", 2, .point = rings},
    {"pinwheel", 2, .point = pinwheel},
    {"2spirals", 2, .point = spirals2},
    {.name = NULL},
};
#define NDISTS (sizeof DISTS / sizeof DISTS[0] - 1)  /* the last is the end mark */

static const dist *find(const char *name)
{
    for (size_t i = 0; i < NDISTS; i++)
        if (!strcmp(DISTS[i].name, name))
            return &DISTS[i];
    return NULL;
}

const char *gfd_sample_name(size_t i)
{
    return i < NDISTS ? DISTS[i].name : NULL;
}

int gfd_sample_dim(const char *name)
{
    const dist *t = find(name);
    return t ? t->dim : -1;
}

/* One point x: d of distribution t. */
static void draw(const dist *t, gfd_rng *r, double *x, size_t d)
{
    if (t->coord) {
        for (size_t k = 0; k < d; k++)
            x[k] = t->coord(r);
    } else if (t->modes) {
        t->center(pick(r, t->modes), x);
        for (size_t k = 0; k < d; k++)
            x[k] += t->sigma * gfd_rng_normal(r);
    } else {
        t->point(r, x);
    }
}

int gfd_sample(const char *name, size_t n, size_t d, gfd_rng *rng, gfd_cloud *out,
               gfd_err *err)
{
    const dist *t = find(name);
    if (!t)
        return gfd_fail(err, GFD_EUSAGE, "unknown distribution '%s'", name);
    if (!d)
        d = t->dim ? (size_t)t->dim : 2;
    if (t->dim && d != (size_t)t->dim)
        return gfd_fail(err, GFD_EUSAGE, "%s is %d-dimensional, not %zu "
                        "(only gaussian and uniform take any dimension)", name, t->dim, d);
    if (gfd_cloud_alloc(out, n, d, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        draw(t, rng, out->x + i * d, d);
    return 0;
}

/* Whether a distribution is a mixture with centres. */
static int is_mixture(const void *entry, const void *ctx)
{
    (void)ctx;
    return ((const dist *)entry)->modes > 0;
}

int gfd_sample_centers(const char *name, gfd_cloud *centers, double *sigma, gfd_err *err)
{
    const dist *t = find(name);
    if (!t)
        return gfd_fail(err, GFD_EUSAGE, "unknown distribution '%s'", name);
    if (!t->modes) {
        char names[256];
        gfd_join_names(names, sizeof names, DISTS, sizeof *DISTS, is_mixture, NULL);
        return gfd_fail(err, GFD_EUSAGE, "%s has no centres (mixtures: %s)", name, names);
    }
    if (gfd_cloud_alloc(centers, t->modes, (size_t)t->dim, err) < 0)
        return -1;
    for (size_t k = 0; k < t->modes; k++)
        t->center(k, centers->x + k * (size_t)t->dim);
    *sigma = t->sigma;
    return 0;
}
