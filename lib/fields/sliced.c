/* The sliced Wasserstein flow (MATH §3.7, Liutkus et al. 2019; on the sphere, MATH §4, the
 * spherical version of Bonet et al. 2023): per random slice of the geometry (a line, a great
 * circle: geometry/slices.c) each particle is transported to the target quantile at its own
 * level. Slices come from the stream (seed, step), one generator per slice, fresh each
 * step; slices are processed in parallel in fixed chunks and summed in slice order, so the
 * bytes do not depend on the thread count. */
#include <math.h>
#include <stdlib.h>

#include "fields/field_impl.h"

#define CHUNK 8  /* slices in flight at once: memory CHUNK x k N */

enum { O_PROJECTIONS };

const gfd_option sliced_options[] = {
    {.name = "projections", .type = GFD_OPT_INT, .arg = "L", .help = "slices per step",
     .def = 64, .lo = 1, .hi = 1000000},
    {.name = NULL},
};

static int sliced_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    int *L = gfd_alloc(1, sizeof *L, "sliced field", err);
    if (!L)
        return -1;
    *L = (int)gfd_option_int(s, &sliced_options[O_PROJECTIONS]);
    p->state = L;
    return 0;
}

/* Slices (L x k d), each from its own stream of (seed, step). */
static void draw_slices(const gfd_slicer *sl, const gfd_field_args *a, size_t L, int d,
                        double *u)
{
    for (size_t l = 0; l < L; l++) {
        gfd_rng r;
        gfd_field_rng(&r, a->seed, a->step, GFD_STREAM_DIRECTIONS, l);
        sl->draw(&r, u + l * (size_t)sl->k * (size_t)d, d);
    }
}

/* coef (CHUNK x N x k) for slices [l0, l0 + len), in parallel; 0 or -1 (out of memory). */
static int slice_chunk(const gfd_slicer *sl, const gfd_cloud *X, const gfd_cloud *Y,
                       const double *u, size_t l0, size_t len, double *coef)
{
    const size_t kd = (size_t)sl->k * X->d, kn = (size_t)sl->k * X->n;
    int failed = 0;
    #pragma omp parallel
    {
        slice_buf b = {malloc(X->n * sizeof(slice_pos)), malloc(Y->n * sizeof(slice_pos)),
                       malloc(X->n * sizeof(double)), malloc(Y->n * sizeof(double))};
        int ok = b.px && b.py && b.lx && b.ly;
        if (!ok) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t l = l0; l < l0 + len; l++)
            if (ok)
                sl->transport(X, Y, u + l * kd, &b, coef + (l - l0) * kn);
        free(b.px), free(b.py), free(b.lx), free(b.ly);
    }
    return failed ? -1 : 0;
}

/* Weights must be >= 0 with a positive sum (gfd_cloud_logweights says which is not). */
static int check_weights(const gfd_geometry *g, const gfd_cloud *c, gfd_err *err)
{
    if (!c->w)
        return 0;
    if (!g->slicer->weighted)
        return gfd_fail(err, GFD_EUSAGE, "sliced: weights are not available on the %s", g->name);
    double *lw = gfd_alloc(c->n, sizeof *lw, "sliced weights", err);
    int rc = lw ? gfd_cloud_logweights(c, lw, err) : -1;
    free(lw);
    return rc;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.7: v = (1/L) sum_l (Q_l(x) - theta_l . x) theta_l;
 * on the sphere the sum of each great circle's moves (MATH §4). */
static int sliced_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    const gfd_slicer *sl = p->geom->slicer;
    const gfd_cloud *X = c->X, *Y = c->Y;
    if (check_weights(p->geom, X, err) < 0 || check_weights(p->geom, Y, err) < 0)
        return -1;
    const size_t n = X->n, d = X->d, L = (size_t)*(const int *)p->state, k = (size_t)sl->k;
    double *u = gfd_alloc(L, k * d * sizeof *u, "sliced directions", err);
    double *coef = u ? gfd_alloc(CHUNK, k * n * sizeof *coef, "sliced displacements", err) : NULL;
    int rc = coef ? 0 : -1;
    if (rc == 0)
        draw_slices(sl, c->a, L, (int)d, u);
    for (size_t e = 0; e < n * d; e++)
        V[e] = 0;
    for (size_t l0 = 0; rc == 0 && l0 < L; l0 += CHUNK) {
        size_t len = L - l0 < CHUNK ? L - l0 : CHUNK;
        if (slice_chunk(sl, X, Y, u, l0, len, coef) < 0) {
            rc = gfd_fail(err, GFD_ENOMEM, "sliced: out of memory for sorting");
            break;
        }
        for (size_t l = 0; l < len; l++)
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < k; j++)
                    for (size_t e = 0; e < d; e++)
                        V[i * d + e] += coef[(l * n + i) * k + j] * u[((l0 + l) * k + j) * d + e];
    }
    for (size_t e = 0; rc == 0 && e < n * d; e++)
        V[e] /= (double)L;
    free(u), free(coef);
    return rc;
}

const gfd_field_ops sliced_ops = {.init = sliced_init, .compute = sliced_compute};
