/* The two slicers of slices.h. Lines (MATH §3.7, Liutkus et al. 2019): positions theta . x,
 * W_2^2 of the two quantile functions, and each particle sent to the target quantile at its
 * own level (weights place an atom at the middle of its cumulative mass; unweighted clouds
 * get the levels (j + 0.5)/M exactly). Great circles (MATH §4, Bonet et al. 2023): positions
 * in turns, W_2^2 on the circle with the optimal shift (ot/circle.h), and each particle moved
 * along the circle's angle. Sorting is by value, ties by row: a total order, so any sort
 * gives the same permutation. */
#include <math.h>
#include <stdlib.h>

#include "geometry/slices.h"
#include "ot/circle.h"
#include "ot/ot.h"

static int pos_cmp(const void *a, const void *b)
{
    const slice_pos *p = a, *q = b;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

static double line_coord(const double *x, const double *theta, size_t d)
{
    double v = 0;
    for (size_t k = 0; k < d; k++)
        v += theta[k] * x[k];
    return v;
}

/* Positions of the rows of c on the slice u, sorted, into s (N); pos: the position. */
static void positions_sorted(const gfd_cloud *c, const double *u, slice_pos *s,
                             double (*pos)(const double *, const double *, size_t))
{
    for (size_t i = 0; i < c->n; i++)
        s[i] = (slice_pos){pos(c->x + i * c->d, u, c->d), i};
    qsort(s, c->n, sizeof *s, pos_cmp);
}

/* Levels of the sorted atoms: (mass before + own mass / 2) / total (MATH §3.7); atoms of
 * zero mass are dropped (returns the number kept, positions compacted into s). */
static size_t levels(const gfd_cloud *c, slice_pos *s, double *lev)
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

/* coef_i = Q(u_i) - theta . x_i: the target quantile at the particle's level, linear
 * between target levels, clamped at the ends (MATH §3.7). */
static void line_transport(const gfd_cloud *X, const gfd_cloud *Y, const double *theta,
                           slice_buf *b, double *coef)
{
    positions_sorted(X, theta, b->px, line_coord);
    positions_sorted(Y, theta, b->py, line_coord);
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
        coef[b->px[k].i] = q - b->px[k].v;
    }
}

static void line_draw(gfd_rng *r, double *u, int d)
{
    gfd_rng_direction(r, u, d);
}

/* W_2^2 of the projections on theta. */
static double line_w2sq(const gfd_cloud *S, const gfd_cloud *R, const double *theta,
                        double *ps, double *pr)
{
    for (size_t i = 0; i < S->n; i++)
        ps[i] = line_coord(S->x + i * S->d, theta, S->d);
    for (size_t j = 0; j < R->n; j++)
        pr[j] = line_coord(R->x + j * R->d, theta, R->d);
    return gfd_w2sq_1d(ps, S->n, pr, R->n);
}

const gfd_slicer gfd_slicer_line = {1, 1, line_draw, line_w2sq, line_transport};

/* Particle k in circle order goes to the target position at level (k + 0.5)/N + alpha,
 * alpha the optimal shift of W_2 on the circle (ot/circle.h). The move of 2 pi (q - t)
 * radians along the angle theta = atan2(u2 . x, u1 . x) is the step -grad of
 * (1/2)(theta - 2 pi q)^2, with grad theta = (a u2 - b u1)/(a^2 + b^2), a = u1 . x,
 * b = u2 . x: tangent to the sphere. coef (N x 2): the coefficients of u1 and u2. */
static void circle_transport(const gfd_cloud *X, const gfd_cloud *Y, const double *u,
                             slice_buf *b, double *coef)
{
    const size_t n = X->n, m = Y->n, d = X->d;
    double w2sq;
    positions_sorted(X, u, b->px, gfd_circle_turn);
    positions_sorted(Y, u, b->py, gfd_circle_turn);
    for (size_t i = 0; i < n; i++)
        b->lx[i] = b->px[i].v;
    for (size_t j = 0; j < m; j++)
        b->ly[j] = b->py[j].v;
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

static void circle_draw(gfd_rng *r, double *u, int d)
{
    gfd_rng_plane(r, u, d);
}

/* W_2^2 on the circle of length 1 between the positions (turns) on great circle u. */
static double circle_w2sq(const gfd_cloud *S, const gfd_cloud *R, const double *u,
                          double *ps, double *pr)
{
    double w2sq;
    for (size_t i = 0; i < S->n; i++)
        ps[i] = gfd_circle_turn(S->x + i * S->d, u, S->d);
    for (size_t j = 0; j < R->n; j++)
        pr[j] = gfd_circle_turn(R->x + j * R->d, u, R->d);
    gfd_sort_doubles(ps, S->n);
    gfd_sort_doubles(pr, R->n);
    gfd_circle_shift(ps, S->n, pr, R->n, &w2sq);
    return w2sq;
}

const gfd_slicer gfd_slicer_circle = {2, 0, circle_draw, circle_w2sq, circle_transport};
