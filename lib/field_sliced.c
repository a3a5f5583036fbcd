/* The sliced Wasserstein flow (MATH §3.7, Liutkus et al. 2019): per random direction,
 * each particle is sent to the target quantile at its own level. Directions come from
 * the stream (seed, step), one generator per direction, fresh each step; directions are
 * processed in parallel in fixed chunks and summed in direction order, so the bytes do
 * not depend on the thread count. Weights (MATH §1) place an atom at the middle of its
 * cumulative mass; unweighted clouds get the levels (j + 0.5)/M exactly.
 * With --sphere (MATH §4, Bonet et al. 2023) a direction is a great circle, the two
 * columns of a d x 2 orthonormal frame; each slice yields two coefficients per particle. */
#include <math.h>
#include <stdlib.h>

#include "circle.h"
#include "field_impl.h"

#define CHUNK 8  /* directions in flight at once: memory CHUNK x N */

typedef struct {
    double v;
    size_t i;
} proj;

/* By value, ties by row: a total order, so any sort gives the same permutation. */
static int proj_cmp(const void *a, const void *b)
{
    const proj *p = a, *q = b;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* Projections theta . row of a cloud, sorted (N entries into s). */
static void project_sorted(const gfd_cloud *c, const double *theta, proj *s)
{
    for (size_t i = 0; i < c->n; i++) {
        double v = 0;
        for (size_t k = 0; k < c->d; k++)
            v += theta[k] * c->x[i * c->d + k];
        s[i] = (proj){v, i};
    }
    qsort(s, c->n, sizeof *s, proj_cmp);
}

/* Levels of the sorted atoms: (mass before + own mass / 2) / total (MATH §3.7); atoms of
 * zero mass are dropped (returns the number kept, values compacted into s). */
static size_t levels(const gfd_cloud *c, proj *s, double *lev)
{
    double total = 0, before = 0;
    for (size_t i = 0; i < c->n; i++)
        total += c->w ? c->w[i] : 1;
    size_t kept = 0;
    for (size_t k = 0; k < c->n; k++) {
        double w = c->w ? c->w[s[k].i] : 1;
        if (w > 0) {
            lev[kept] = (before + 0.5 * w) / total;
            s[kept++] = s[k];
        }
        before += w;
    }
    return kept;
}

/* Per-direction scratch of one thread. */
typedef struct {
    proj *px, *py;
    double *lx, *ly;
} slice_buf;

/* disp_i = Q(u_i) - theta . x_i for one direction: the target quantile at the particle's
 * level, linear between target levels, clamped at the ends (MATH §3.7). */
static void slice(const gfd_cloud *X, const gfd_cloud *Y, const double *theta, slice_buf *b,
                  double *disp)
{
    project_sorted(X, theta, b->px);
    project_sorted(Y, theta, b->py);
    double total = 0, before = 0;
    for (size_t i = 0; i < X->n; i++)
        total += X->w ? X->w[i] : 1;
    size_t m = levels(Y, b->py, b->ly), j = 0;
    for (size_t k = 0; k < X->n; k++) {  /* particles in rank order: levels increase */
        double w = X->w ? X->w[b->px[k].i] : 1, u = (before + 0.5 * w) / total, q;
        before += w;
        while (j + 1 < m && b->ly[j + 1] <= u)
            j++;
        if (u <= b->ly[0])
            q = b->py[0].v;
        else if (j + 1 == m)
            q = b->py[m - 1].v;
        else
            q = b->py[j].v + (u - b->ly[j]) / (b->ly[j + 1] - b->ly[j]) * (b->py[j + 1].v - b->py[j].v);
        disp[b->px[k].i] = q - b->px[k].v;
    }
}

/* Turns of the rows of c on the great circle u (2d), sorted; the bare values go to t. */
static void turns_sorted(const gfd_cloud *c, const double *u, proj *s, double *t)
{
    for (size_t i = 0; i < c->n; i++)
        s[i] = (proj){gfd_circle_turn(c->x + i * c->d, u, c->d), i};
    qsort(s, c->n, sizeof *s, proj_cmp);
    for (size_t i = 0; i < c->n; i++)
        t[i] = s[i].v;
}

/* The spherical slice (MATH §4) on the great circle (u1, u2) = (u, u + d): particle k in
 * circle order goes to the target position at level (k + 0.5)/N + alpha, alpha the optimal
 * shift of W_2 on the circle (circle.h). The move of 2 pi (q - t) radians along the angle
 * theta = atan2(u2 . x, u1 . x) is the step -grad of (1/2)(theta - 2 pi q)^2, with
 * grad theta = (a u2 - b u1)/(a^2 + b^2), a = u1 . x, b = u2 . x: tangent to the sphere.
 * coef (2N): the particles' coefficients of u1 and u2. */
static void slice_circle(const gfd_cloud *X, const gfd_cloud *Y, const double *u, slice_buf *b,
                         double *coef)
{
    const size_t n = X->n, m = Y->n, d = X->d;
    double w2sq;
    turns_sorted(X, u, b->px, b->lx);
    turns_sorted(Y, u, b->py, b->ly);
    long long shift = gfd_circle_shift(b->lx, n, b->ly, m, &w2sq);
    for (size_t k = 0; k < n; k++) {
        long long level = (long long)(2 * k + 1) * (long long)m + 2 * shift;
        double delta = 2 * M_PI * (gfd_circle_quantile(b->ly, m, n, level) - b->lx[k]);
        size_t i = b->px[k].i;
        double a = 0, c = 0;
        for (size_t e = 0; e < d; e++) {
            a += u[e] * X->x[i * d + e];
            c += u[d + e] * X->x[i * d + e];
        }
        double r2 = a * a + c * c;  /* 0 only at a pole of the circle: no angle, no move */
        coef[2 * i] = r2 > 0 ? -delta * c / r2 : 0;
        coef[2 * i + 1] = r2 > 0 ? delta * a / r2 : 0;
    }
}

/* Directions (L x k d): a unit vector theta_l (k = 1) or with o->sphere a great circle
 * (k = 2, gfd_rng_plane), each from its own stream of (seed, step). */
static void directions(const gfd_field_opts *o, size_t L, int d, double *theta)
{
    for (size_t l = 0; l < L; l++) {
        gfd_rng r;
        gfd_field_rng(&r, o->seed, o->step, GFD_STREAM_DIRECTIONS, l);
        if (o->sphere)
            gfd_rng_plane(&r, theta + l * 2 * (size_t)d, d);
        else
            gfd_rng_direction(&r, theta + l * (size_t)d, d);
    }
}

/* disp (CHUNK x k N) for directions [l0, l0 + len) of k vectors each, in parallel;
 * 0 or -1 (out of memory). */
static int slice_chunk(const gfd_cloud *X, const gfd_cloud *Y, const double *theta, size_t k,
                       size_t l0, size_t len, double *disp)
{
    int failed = 0;
    #pragma omp parallel
    {
        slice_buf b = {malloc(X->n * sizeof(proj)), malloc(Y->n * sizeof(proj)),
                       malloc(X->n * sizeof(double)), malloc(Y->n * sizeof(double))};
        int ok = b.px && b.py && b.lx && b.ly;
        if (!ok) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t l = l0; l < l0 + len; l++) {
            if (!ok)
                continue;
            if (k == 1)
                slice(X, Y, theta + l * X->d, &b, disp + (l - l0) * X->n);
            else
                slice_circle(X, Y, theta + l * 2 * X->d, &b, disp + (l - l0) * 2 * X->n);
        }
        free(b.px), free(b.py), free(b.lx), free(b.ly);
    }
    return failed ? -1 : 0;
}

/* Weights must be >= 0 with a positive sum (gfd_cloud_logweights says which is not). */
static int check_weights(const gfd_cloud *c, gfd_err *err)
{
    if (!c->w)
        return 0;
    double *lw = gfd_alloc(c->n, sizeof *lw, "sliced weights", err);
    int rc = lw ? gfd_cloud_logweights(c, lw, err) : -1;
    free(lw);
    return rc;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.7: v = (1/L) sum_l (Q_l(x) - theta_l . x) theta_l;
 * on the sphere v = (1/L) sum_l of the slice_circle moves. */
int field_sliced(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                 double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    if (o->projections < 1)
        return gfd_fail(err, GFD_EUSAGE, "sliced: --projections must be >= 1, not %d", o->projections);
    if (o->sphere && (X->w || Y->w))
        return gfd_fail(err, GFD_EUSAGE, "sliced: weights are not available on the sphere");
    if (o->sphere && X->d < 2)
        return gfd_fail(err, GFD_EUSAGE, "sliced: the sphere needs at least 2 coordinates");
    if (check_weights(X, err) < 0 || check_weights(Y, err) < 0)
        return -1;
    const size_t n = X->n, d = X->d, L = (size_t)o->projections, k = o->sphere ? 2 : 1;
    double *theta = gfd_alloc(L, k * d * sizeof *theta, "sliced directions", err);
    double *disp = theta ? gfd_alloc(CHUNK, k * n * sizeof *disp, "sliced displacements", err) : NULL;
    int rc = disp ? 0 : -1;
    if (rc == 0)
        directions(o, L, (int)d, theta);
    for (size_t e = 0; e < n * d; e++)
        V[e] = 0;
    for (size_t l0 = 0; rc == 0 && l0 < L; l0 += CHUNK) {
        size_t len = L - l0 < CHUNK ? L - l0 : CHUNK;
        if (slice_chunk(X, Y, theta, k, l0, len, disp) < 0) {
            rc = gfd_fail(err, GFD_ENOMEM, "sliced: out of memory for sorting");
            break;
        }
        for (size_t l = 0; l < len; l++)
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < k; j++)
                    for (size_t c = 0; c < d; c++)
                        V[i * d + c] += disp[(l * n + i) * k + j] * theta[((l0 + l) * k + j) * d + c];
    }
    for (size_t e = 0; rc == 0 && e < n * d; e++)
        V[e] /= (double)L;
    free(theta), free(disp);
    return rc;
}
