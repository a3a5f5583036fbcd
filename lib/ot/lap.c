/* The exact assignment solver of W2 (ot.h, MATH §5): W_2^2 = min over permutations of
 * (1/N) sum_i c(x_i, y_perm(i)) for the squared geodesic cost c of the geometry (|x - y|^2,
 * or on the sphere, MATH §4, theta^2 = (2 atan2(|x - y|, |x + y|))^2), an assignment problem
 * solved exactly by shortest augmenting paths (Jonker and Volgenant, Computing 38, 1987: one Dijkstra search per
 * free row over reduced costs c_ik - v_k). JV's own initialisation (column reduction,
 * augmenting row reduction) leaves most rows to long searches when the two sets differ
 * (a collapsed or shifted sample: measured 1.3 s at N = 2000 and minutes at 10^4), so
 * the duals v come instead from an eps-scaling auction (Bertsekas), and each row then
 * takes its best column for v when it is still free: the searches that remain are short.
 * The costs are computed from the rows when needed, never stored: O(N d) memory,
 * O(N^3 d) time at worst. Columns live at positions that the searches permute in place
 * (scanned, at the minimum, the rest: three contiguous runs), so every loop over
 * columns is a contiguous, vectorised loop over coordinates stored column-wise.
 * Everything is sequential and ties go to the first position: no thread dependence. */
#include <math.h>
#include <stdlib.h>

#include "engine/clones.h"
#include "geometry/geometry.h"
#include "ot/ot.h"

typedef struct {
    const double *X;       /* N x d rows */
    size_t n, d;
    const gfd_geometry *g; /* the cost: |x - y|^2, or g->sqdist of it and |x + y|^2 */
    double *Yt;            /* d x N: the columns' points, by position */
    double *v, *dist;      /* by position: column duals, Dijkstra distances */
    double *cbuf;          /* N: the costs of one row */
    double *pbuf;          /* N: |x_i + y_k|^2 of one row (g->sqdist) */
    long *y, *pred, *id;   /* by position: assigned row (-1 free), path row, column index */
    long *x;               /* row -> position of its column, -1 free */
    long *free_rows;
    size_t nfree;
} lap;

/* c[k] = the cost of x_i and y_k for the positions k in [lo, n): one contiguous loop
 * over the positions per coordinate, so that it vectorises for any d. */
static void row_costs(const lap *p, size_t i, size_t lo, double *restrict c)
{
    const size_t n = p->n, d = p->d;
    const double *restrict q = p->X + i * d, *restrict Yt = p->Yt;
    double *restrict s = p->pbuf;
    #pragma omp simd
    for (size_t k = lo; k < n; k++)
        c[k] = (q[0] - Yt[k]) * (q[0] - Yt[k]);
    for (size_t a = 1; a < d; a++) {
        const double qa = q[a], *restrict ya = Yt + a * n;
        #pragma omp simd
        for (size_t k = lo; k < n; k++)
            c[k] += (qa - ya[k]) * (qa - ya[k]);
    }
    if (!p->g->sqdist)
        return;
    #pragma omp simd
    for (size_t k = lo; k < n; k++)
        s[k] = (q[0] + Yt[k]) * (q[0] + Yt[k]);
    for (size_t a = 1; a < d; a++) {
        const double qa = q[a], *restrict ya = Yt + a * n;
        #pragma omp simd
        for (size_t k = lo; k < n; k++)
            s[k] += (qa + ya[k]) * (qa + ya[k]);
    }
    for (size_t k = lo; k < n; k++)
        c[k] = p->g->sqdist(c[k], s[k]);
}

/* out[k] = |x_i - y_k|^2 - v_k for every position k. */
static void reduced_costs(const lap *p, size_t i, double *restrict out)
{
    row_costs(p, i, 0, out);
    for (size_t k = 0; k < p->n; k++)
        out[k] -= p->v[k];
}

/* One cost, summed in the order of row_costs: the same bits. */
static double cost(const lap *p, size_t i, size_t k)
{
    double c = 0, s = 0;
    for (size_t a = 0; a < p->d; a++) {
        double x = p->X[i * p->d + a], y = p->Yt[a * p->n + k];
        c += (x - y) * (x - y), s += (x + y) * (x + y);
    }
    return p->g->sqdist ? p->g->sqdist(c, s) : c;
}

/* Exchanges the columns at positions k and l, with everything attached to them. */
static void swap_columns(lap *p, size_t k, size_t l)
{
    if (k == l)
        return;
    for (size_t a = 0; a < p->d; a++) {
        double t = p->Yt[a * p->n + k];
        p->Yt[a * p->n + k] = p->Yt[a * p->n + l], p->Yt[a * p->n + l] = t;
    }
    double t = p->v[k]; p->v[k] = p->v[l], p->v[l] = t;
    t = p->dist[k]; p->dist[k] = p->dist[l], p->dist[l] = t;
    long s = p->y[k]; p->y[k] = p->y[l], p->y[l] = s;
    s = p->pred[k]; p->pred[k] = p->pred[l], p->pred[l] = s;
    s = p->id[k]; p->id[k] = p->id[l], p->id[l] = s;
    if (p->y[k] >= 0)
        p->x[p->y[k]] = (long)k;
    if (p->y[l] >= 0)
        p->x[p->y[l]] = (long)l;
}

/* The smallest and second smallest of r[0..n) and the position of the smallest (the
 * first of equals); *u2 = +inf when n = 1. Three vector passes, no branchy scan. */
static void best_two(const double *restrict r, size_t n, size_t *k1, double *u1, double *u2)
{
    double m1 = INFINITY, m2 = INFINITY;
    #pragma omp simd reduction(min:m1)
    for (size_t k = 0; k < n; k++)
        m1 = r[k] < m1 ? r[k] : m1;
    size_t at = 0;
    while (r[at] != m1)
        at++;
    #pragma omp simd reduction(min:m2)
    for (size_t k = 0; k < n; k++)
        m2 = k != at && r[k] < m2 ? r[k] : m2;
    *k1 = at, *u1 = m1, *u2 = m2;
}

/* Near-optimal column duals by Bertsekas's auction with eps-scaling (forward, Gauss-
 * Seidel): a free row bids for its best column (reduced cost c_ik - v_k), lowering v_k
 * by the margin to its second best plus eps, and evicts the column's holder. eps runs
 * from a quarter of the largest cost down to 1e-5 of it, a factor 4 per phase (chosen
 * by timing 8gaussians against itself, a collapsed, a shifted and a Gaussian sample set
 * at N = 2000 and 10^4). The assignment is dropped: the duals seed the exact phase. */
static void auction(lap *p, double cmax)
{
    const size_t n = p->n;
    long *queue = p->free_rows;
    for (double eps = cmax / 4; eps > cmax * 1e-5; eps /= 4) {
        for (size_t k = 0; k < n; k++)
            p->x[k] = -1, p->y[k] = -1, queue[k] = (long)k;
        size_t head = 0, count = n;  /* a ring of the free rows */
        while (count > 0) {
            size_t i = (size_t)queue[head], k1;
            head = (head + 1) % n, count--;
            double u1, u2;
            reduced_costs(p, i, p->dist);
            best_two(p->dist, n, &k1, &u1, &u2);
            if (isfinite(u2))
                p->v[k1] -= u2 - u1 + eps;
            long i0 = p->y[k1];
            p->y[k1] = (long)i, p->x[i] = (long)k1;
            if (i0 >= 0) {
                p->x[i0] = -1;
                queue[(head + count++) % n] = i0;
            }
        }
    }
}

/* Each row in order takes the best column for the duals v if no earlier row took it
 * (then its reduced cost is its row minimum, as the Dijkstra phase needs); the others
 * are left free. */
static void greedy_assign(lap *p)
{
    const size_t n = p->n;
    for (size_t k = 0; k < n; k++)
        p->x[k] = -1, p->y[k] = -1;
    p->nfree = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k1;
        double u1, u2;
        reduced_costs(p, i, p->dist);
        best_two(p->dist, n, &k1, &u1, &u2);
        if (p->y[k1] < 0)
            p->y[k1] = (long)i, p->x[i] = (long)k1;
        else
            p->free_rows[p->nfree++] = (long)i;
    }
}

/* Moves the columns of [lo, n) at distance m to the run starting at *up; returns the
 * position of the first free one among them, or -1. */
static long gather_at_minimum(lap *p, size_t lo, size_t *up, double m)
{
    const double *dist = p->dist;  /* not restrict: swap_columns writes it */
    long end = -1;
    for (size_t b = lo; b < p->n; b += 64) {  /* blocks without a hit cost one vector pass */
        size_t e = b + 64 < p->n ? b + 64 : p->n;
        int any = 0;
        #pragma omp simd reduction(|:any)
        for (size_t k = b; k < e; k++)
            any |= dist[k] == m;
        for (size_t k = b; any && k < e; k++)
            if (dist[k] == m) {
                swap_columns(p, k, (*up)++);  /* what comes to k was seen and is not at m */
                if (end < 0 && p->y[*up - 1] < 0)
                    end = (long)*up - 1;
            }
    }
    return end;
}

/* Relaxes the edges from row i (reached at distance m through a column, h = the
 * reduced cost of that edge minus m) to the columns at [up, n); returns whether one
 * reached distance m. The loop is over local restrict pointers so that it vectorises. */
static int relax(lap *p, size_t i, size_t up, double h, double m)
{
    const size_t n = p->n;
    double *restrict c = p->cbuf, *restrict dist = p->dist;
    const double *restrict v = p->v;
    long *restrict pred = p->pred;
    int hit = 0;
    row_costs(p, i, up, c);
    #pragma omp simd reduction(|:hit)
    for (size_t k = up; k < n; k++) {
        double d2 = c[k] - v[k] - h;
        int better = d2 < dist[k];
        dist[k] = better ? d2 : dist[k];
        pred[k] = better ? (long)i : pred[k];
        hit |= better && d2 == m;
    }
    return hit;
}

/* Dijkstra from free row f over the reduced costs c_ik - v_k until it reaches a free
 * column; positions [0, low) scanned, [low, up) at the current minimum m, [up, n) the
 * rest. Then the scanned columns' duals move and the path is flipped. */
static void augment(lap *p, size_t f)
{
    const size_t n = p->n;
    double *dist = p->dist, m = 0;
    size_t low = 0, up = 0;
    long end = -1;
    reduced_costs(p, f, dist);
    for (size_t k = 0; k < n; k++)
        p->pred[k] = (long)f;
    while (end < 0) {
        if (up == low) {
            m = INFINITY;
            #pragma omp simd reduction(min:m)
            for (size_t k = low; k < n; k++)
                m = dist[k] < m ? dist[k] : m;
            end = gather_at_minimum(p, low, &up, m);
            if (end >= 0)
                break;
        }
        size_t k1 = low++;
        long i = p->y[k1];
        double h = cost(p, (size_t)i, k1) - p->v[k1] - m;
        if (relax(p, (size_t)i, up, h, m))
            end = gather_at_minimum(p, up, &up, m);
    }
    for (size_t k = 0; k < low; k++)  /* the scanned columns */
        p->v[k] += dist[k] - m;
    long i;
    do {
        i = p->pred[end];
        p->y[end] = i;
        long k = p->x[i];
        p->x[i] = end;
        end = k;
    } while (i != (long)f);
}

/* Squared diameter of the bounding box of X and Y: a bound on every cost. X, Y: N x d. */
static double squared_diameter(const double *X, const double *Y, size_t n, size_t d)
{
    double s = 0;
    for (size_t a = 0; a < d; a++) {
        double lo = X[a], hi = X[a];
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, fmin(X[i * d + a], Y[i * d + a]));
            hi = fmax(hi, fmax(X[i * d + a], Y[i * d + a]));
        }
        s += (hi - lo) * (hi - lo);
    }
    return s;
}

static int lap_alloc(lap *p, const double *Y, gfd_err *err)
{
    const size_t n = p->n, d = p->d;
    p->Yt = gfd_alloc(n, d * sizeof *p->Yt, "w2 points", err);
    long **lng[] = {&p->y, &p->pred, &p->id, &p->x, &p->free_rows};
    if (p->Yt && (!(p->v = gfd_alloc(n, sizeof(double), "w2 columns", err)) ||
                  !(p->cbuf = gfd_alloc(n, sizeof(double), "w2 columns", err)) ||
                  !(p->pbuf = gfd_alloc(n, sizeof(double), "w2 columns", err))))
        return -1;
    if (p->Yt && !(p->dist = gfd_alloc(n, sizeof(double), "w2 columns", err)))
        return -1;
    for (size_t t = 0; p->Yt && t < 5; t++)
        if (!(*lng[t] = gfd_alloc(n, sizeof(long), "w2 columns", err)))
            return -1;
    if (!p->Yt)
        return -1;
    for (size_t k = 0; k < n; k++) {
        p->id[k] = (long)k;
        for (size_t a = 0; a < d; a++)
            p->Yt[a * n + k] = Y[k * d + a];
    }
    return 0;
}

/* The whole solve, every helper inlined into it (flatten) so that its vector loops are
 * compiled for each instruction set (clones.h). Returns the mean cost; perm: N. */
GFD_CLONES_FLAT
static double lap_solve(lap *p, double cmax, size_t *perm)
{
    auction(p, cmax);
    greedy_assign(p);
    for (size_t f = 0; f < p->nfree; f++)
        augment(p, (size_t)p->free_rows[f]);
    double s = 0;
    for (size_t i = 0; i < p->n; i++) {
        perm[i] = (size_t)p->id[p->x[i]];
        s += cost(p, i, (size_t)p->x[i]);
    }
    return s / (double)p->n;
}

int gfd_lap(const gfd_geometry *g, const double *X, const double *Y, size_t n, size_t d,
            size_t *perm, double *mean, gfd_err *err)
{
    lap p = {.X = X, .n = n, .d = d, .g = g};
    int rc = lap_alloc(&p, Y, err);
    if (rc == 0)  /* every cost is below the squared diameter, or pi^2 of geodesics */
        *mean = lap_solve(&p, g->sqdist ? M_PI * M_PI : squared_diameter(X, Y, n, d), perm);
    free(p.Yt), free(p.v), free(p.cbuf), free(p.pbuf), free(p.dist), free(p.y), free(p.pred);
    free(p.id), free(p.x);
    free(p.free_rows);
    return rc;
}

