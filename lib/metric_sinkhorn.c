/* The debiased Sinkhorn divergence (MATH §5):
 *     S_eps = OT_eps(a, b) - (OT_eps(a, a) + OT_eps(b, b)) / 2,
 *     OT_eps(a, b) = min_P <P, C> + eps KL(P | a x b),  C_ij = |x_i - y_j|^2,
 * with uniform weights (Feydy et al., AISTATS 2019; POT's cost ot.dist, whose Gibbs kernel
 * is exp(-C / eps)). OT_eps is the dual value of log-domain Sinkhorn: each update is a
 * softmin, one pass of the kernel-sum engine with the potential as bias. eps is reached
 * by halving from the squared diameter (one update per level, as geomloss does), then
 * over-relaxed updates run at eps until the L1 marginal error is below tol. */
#include <math.h>
#include <stdlib.h>

#include "ksum.h"
#include "metric.h"

/* Over-relaxation of the updates at the final eps (Thibault et al. 2017, "Overrelaxed
 * Sinkhorn-Knopp"): the same fixed point, reached in fewer passes when clusters exchange
 * mass slowly (measured: 8gaussians vs a flowed copy, N = M = 4000, 15.2 s -> 3.6 s; eps
 * 0.01 on 500 points now converges within the 10^4 updates). The annealing levels, far
 * from the fixed point, stay plain. */
#define OVERRELAX 1.8

/* t_i = -eps log sum_j b_j exp((g_j - |q_i - r_j|^2) / eps), b_j = 1/m: the softmin
 * update. Q: N x d, R: M x d, g: M, t: N, bias: M scratch. */
static int softmin(const double *Q, size_t n, const double *R, size_t m, size_t d, double eps,
                   const double *g, double *bias, double *t, gfd_err *err)
{
    for (size_t j = 0; j < m; j++)
        bias[j] = g[j] / eps - log((double)m);
    gfd_ksum_spec spec = {.kernel = GFD_KERNEL_GAUSS, .h = sqrt(eps / 2), .bias = bias};
    if (gfd_ksum(Q, n, R, m, d, NULL, 0, &spec, t, NULL, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        t[i] *= -eps;
    return 0;
}

/* Squared diameter of the bounding box of X and Y: the first eps of the halving. */
static double squared_diameter(const double *X, size_t n, const double *Y, size_t m, size_t d)
{
    double s = 0;
    for (size_t c = 0; c < d; c++) {
        double lo = X[c], hi = X[c];
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, X[i * d + c]), hi = fmax(hi, X[i * d + c]);
        for (size_t j = 0; j < m; j++)
            lo = fmin(lo, Y[j * d + c]), hi = fmax(hi, Y[j * d + c]);
        s += (hi - lo) * (hi - lo);
    }
    return s;
}

typedef struct {
    const double *X, *Y;
    size_t n, m, d;
    int sym;              /* Y is X: one potential, averaged updates */
    double *f, *g, *t, *bias;
} solver;

/* v <- (1 - w) v + w t: relaxed update (w = 1: plain). */
static void relax(double *v, const double *t, size_t n, double w)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (1 - w) * v[i] + w * t[i];
}

/* One update at eps: f <- T(g), g <- T(f), each over-relaxed by w; symmetric:
 * f <- (f + T(f)) / 2. */
static int update(solver *s, double eps, double w, gfd_err *err)
{
    if (s->sym) {
        if (softmin(s->X, s->n, s->X, s->n, s->d, eps, s->f, s->bias, s->t, err) < 0)
            return -1;
        relax(s->f, s->t, s->n, 0.5);
        return 0;
    }
    if (softmin(s->X, s->n, s->Y, s->m, s->d, eps, s->g, s->bias, s->t, err) < 0)
        return -1;
    relax(s->f, s->t, s->n, w);
    if (softmin(s->Y, s->m, s->X, s->n, s->d, eps, s->f, s->bias, s->t, err) < 0)
        return -1;
    relax(s->g, s->t, s->m, w);
    return 0;
}

/* The next f-update t from the current state, the mass of the current plan
 * sum_i a_i exp((f_i - t_i) / eps) and its L1 row-marginal error. */
static int marginal(solver *s, double eps, double *mass, double *error, gfd_err *err)
{
    const double *g = s->sym ? s->f : s->g, *Y = s->sym ? s->X : s->Y;
    if (softmin(s->X, s->n, Y, s->m, s->d, eps, g, s->bias, s->t, err) < 0)
        return -1;
    double ms = 0, e = 0;
    for (size_t i = 0; i < s->n; i++) {
        double r = exp((s->f[i] - s->t[i]) / eps);
        ms += r;
        e += fabs(r - 1);
    }
    *mass = ms / (double)s->n;
    *error = e / (double)s->n;
    return 0;
}

/* Dual value <a, f> + <b, g> - eps (<a x b, exp((f + g - C) / eps)> - 1) at the state. */
static double dual_value(const solver *s, double eps, double mass)
{
    double sf = 0, sg = 0;
    for (size_t i = 0; i < s->n; i++)
        sf += s->f[i];
    for (size_t j = 0; !s->sym && j < s->m; j++)
        sg += s->g[j];
    double v = s->sym ? 2 * sf / (double)s->n : sf / (double)s->n + sg / (double)s->m;
    return v - eps * (mass - 1);
}

static int solve(solver *s, double eps, int max_iters, double tol, double *ot, int *iters,
                 gfd_err *err)
{
    double e = squared_diameter(s->X, s->n, s->Y, s->m, s->d), mass, error;
    if (update(s, e > eps ? e : eps, 1, err) < 0)
        return -1;
    for (e *= 0.5; e > eps; e *= 0.5)
        if (update(s, e, 1, err) < 0)
            return -1;
    for (*iters = 0;; ++*iters) {
        if (marginal(s, eps, &mass, &error, err) < 0)
            return -1;
        if (error <= tol)
            break;
        if (*iters == max_iters)
            return gfd_fail(err, GFD_ENUMERIC, "no convergence in %d iterations at eps = %g "
                            "(marginal error %.2g > %.2g): raise --eps", max_iters, eps, error, tol);
        if (update(s, eps, OVERRELAX, err) < 0)
            return -1;
    }
    *ot = dual_value(s, eps, mass);
    return 0;
}

int gfd_sinkhorn_ot(const double *X, size_t n, const double *Y, size_t m, size_t d, double eps,
                    int max_iters, double tol, double *ot, int *iters, gfd_err *err)
{
    if (!(eps > 0) || !isfinite(eps))
        return gfd_fail(err, GFD_EUSAGE, "--eps must be a positive number, not %g", eps);
    size_t big = n > m ? n : m;
    solver s = {.X = X, .Y = Y, .n = n, .m = m, .d = d, .sym = X == Y && n == m};
    s.f = gfd_alloc(n, sizeof *s.f, "sinkhorn potentials", err);
    s.g = s.f ? gfd_alloc(m, sizeof *s.g, "sinkhorn potentials", err) : NULL;
    s.t = s.g ? gfd_alloc(big, sizeof *s.t, "sinkhorn potentials", err) : NULL;
    s.bias = s.t ? gfd_alloc(big, sizeof *s.bias, "sinkhorn potentials", err) : NULL;
    int rc = s.bias ? solve(&s, eps, max_iters, tol, ot, iters, err) : -1;
    free(s.f), free(s.g), free(s.t), free(s.bias);
    return rc;
}

int gfd_metric_sinkhorn(const gfd_cloud *S, const gfd_cloud *R, const gfd_metric_opts *o,
                        double *values, gfd_err *err)
{
    const size_t d = S->d;
    double xy, xx, yy;
    int it;
    if (gfd_sinkhorn_ot(S->x, S->n, R->x, R->n, d, o->eps, o->sinkhorn_iters, o->sinkhorn_tol, &xy, &it, err) < 0 ||
        gfd_sinkhorn_ot(S->x, S->n, S->x, S->n, d, o->eps, o->sinkhorn_iters, o->sinkhorn_tol, &xx, &it, err) < 0 ||
        gfd_sinkhorn_ot(R->x, R->n, R->x, R->n, d, o->eps, o->sinkhorn_iters, o->sinkhorn_tol, &yy, &it, err) < 0)
        return -1;
    values[0] = xy - 0.5 * (xx + yy);  /* MATH §5: S_eps = OT(a,b) - (OT(a,a) + OT(b,b))/2 */
    return 0;
}
