/* The one Sinkhorn solver (ot.h), for the sinkhorn field (MATH §3.6) and gfd-eval's
 * Sinkhorn divergence (MATH §5). Potentials are kept in bias form, u = f/eps + log a on A
 * and v = g/eps + log b on B, so the plan is P_ij = exp(u_i + v_j - c_ij/eps) and each
 * update is one pass of the kernel-sum engine (Gaussian kernel of h = sqrt(eps): logits
 * -|x - y|^2 / (2 eps) = -c/eps) with the other side's potential as bias:
 *     v_j <- log b_j - lse_i(u_i - c_ij/eps),   u_i <- log a_i - lse_j(v_j - c_ij/eps).
 * The second pass also gives the barycentric map, a softmax-weighted mean of B's rows,
 * and the A marginal sum_j P_ij = exp(u_i + lse_i). No plan is ever formed; the cost
 * matrix is held when it fits (cost.c), and then the updates are passes over it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/ksum.h"
#include "ot/ot.h"

typedef struct {
    const gfd_cloud *A, *B;
    const gfd_sinkhorn_opts *o;
    double *u, *v;         /* N, M: the potentials in bias form */
    double *loga, *logb;   /* N, M */
    double *t, *lse;       /* max(N, M) each: the next potential; the passes' scratch */
    ot_cost cost;          /* held, or cost.c NULL: streamed */
} solver;

/* out_i = log w_i - lse_j(bias_j - |q_i - r_j|^2 / (2 e)) over rows Q (n) against R (m);
 * T (n x d) the softmax-weighted mean of R's rows when not NULL. */
static int softmin(const solver *s, const gfd_cloud *Q, const gfd_cloud *R, const double *bias,
                   const double *logw, double e, double *out, double *T, gfd_err *err)
{
    if (s->cost.c && !T) {  /* Q is A (rows of the cost) or B (its columns) */
        (Q == s->A ? ot_cost_softmin_rows : ot_cost_softmin_cols)(&s->cost, bias, logw, e, out);
        return 0;
    }
    gfd_ksum_spec spec = {.kernel = GFD_KERNEL_GAUSS, .h = sqrt(e), .bias = bias};
    if (gfd_ksum(Q->x, Q->n, R->x, R->n, Q->d, T ? R->x : NULL, T ? Q->d : 0, &spec, s->lse, T,
                 err) < 0)
        return -1;
    for (size_t i = 0; i < Q->n; i++)
        out[i] = logw[i] - s->lse[i];
    return 0;
}

/* p <- (1 - w) p + w t: a relaxed update (w = 1: plain). */
static void relax(double *p, const double *t, size_t n, double w)
{
    for (size_t i = 0; i < n; i++)
        p[i] = w == 1 ? t[i] : (1 - w) * p[i] + w * t[i];
}

/* One plain update of both potentials at e (symmetric: u <- (u + T(u))/2). */
static int update(solver *s, double e, gfd_err *err)
{
    if (s->o->symmetric) {
        if (softmin(s, s->A, s->A, s->u, s->loga, e, s->t, NULL, err) < 0)
            return -1;
        relax(s->u, s->t, s->A->n, 0.5);
        return 0;
    }
    if (softmin(s, s->B, s->A, s->u, s->logb, e, s->v, NULL, err) < 0 ||
        softmin(s, s->A, s->B, s->v, s->loga, e, s->u, NULL, err) < 0)
        return -1;
    return 0;
}

/* Squared diameter of the bounding box of A and B: an upper bound on every |x - y|^2. */
static double squared_diameter(const gfd_cloud *A, const gfd_cloud *B)
{
    double s = 0;
    for (size_t c = 0; c < A->d; c++) {
        double lo = A->x[c], hi = A->x[c];
        for (size_t i = 0; i < A->n; i++)
            lo = fmin(lo, A->x[i * A->d + c]), hi = fmax(hi, A->x[i * A->d + c]);
        for (size_t j = 0; j < B->n; j++)
            lo = fmin(lo, B->x[j * B->d + c]), hi = fmax(hi, B->x[j * B->d + c]);
        s += (hi - lo) * (hi - lo);
    }
    return s;
}

/* The potentials f, g kept when eps goes from e to e2: F = f/eps scales by e/e2. */
static void rescale(solver *s, double e, double e2)
{
    for (size_t i = 0; i < s->A->n; i++)
        s->u[i] = s->loga[i] + (s->u[i] - s->loga[i]) * (e / e2);
    for (size_t j = 0; !s->o->symmetric && j < s->B->n; j++)
        s->v[j] = s->logb[j] + (s->v[j] - s->logb[j]) * (e / e2);
}

/* eps-annealing: one update at each eps from the squared diameter / 2 (the cost is half
 * the squared distance), halving, while above the target; the potentials carried over. */
static int anneal(solver *s, gfd_err *err)
{
    double eps = s->o->eps, e = 0.5 * squared_diameter(s->A, s->B);
    e = e > eps ? e : eps;
    if (update(s, e, err) < 0)
        return -1;
    for (double next = 0.5 * e; next > eps; e = next, next *= 0.5) {
        rescale(s, e, next);
        if (update(s, next, err) < 0)
            return -1;
    }
    rescale(s, e, eps);
    return 0;
}

/* After the B update: t = A's next potential, T the map when asked, and the L1 error of
 * the A marginal of the plan (u, v); *mass the plan's total mass. */
static int measure(solver *s, double *T, double *error, double *mass, gfd_err *err)
{
    const gfd_cloud *B = s->o->symmetric ? s->A : s->B;
    const double *v = s->o->symmetric ? s->u : s->v;
    if (softmin(s, s->A, B, v, s->loga, s->o->eps, s->t, T, err) < 0)
        return -1;
    double e = 0, ms = 0;
    for (size_t i = 0; i < s->A->n; i++) {
        double row = exp(s->loga[i]) * exp(s->u[i] - s->t[i]);  /* a_i exp(F_i + lse_i) */
        e += fabs(exp(s->loga[i]) * expm1(s->u[i] - s->t[i]));
        ms += row;
        if (!isfinite(s->t[i]))
            return gfd_fail(err, GFD_ENUMERIC, "a dual potential is not finite "
                            "(eps %g too small?)", s->o->eps);
    }
    *error = e, *mass = ms;
    return 0;
}

/* <a, F> + <b, G> - (mass - 1), times eps: the dual value (F = u - log a, G = v - log b). */
static double dual_value(const solver *s, double mass)
{
    double sf = 0, sg = 0;
    for (size_t i = 0; i < s->A->n; i++)
        sf += exp(s->loga[i]) * (s->u[i] - s->loga[i]);
    for (size_t j = 0; !s->o->symmetric && j < s->B->n; j++)
        sg += exp(s->logb[j]) * (s->v[j] - s->logb[j]);
    return s->o->eps * ((s->o->symmetric ? 2 * sf : sf + sg) - (mass - 1));
}

static int iterate(solver *s, double *T, gfd_sinkhorn_result *r, gfd_err *err)
{
    const gfd_sinkhorn_opts *o = s->o;
    double w = o->overrelax, error = 0, mass = 1;
    if (o->anneal && anneal(s, err) < 0)
        return -1;
    if (o->rows_first && !o->symmetric &&
        softmin(s, s->A, s->B, s->v, s->loga, o->eps, s->u, NULL, err) < 0)
        return -1;
    for (int it = 1;; it++) {
        if (!o->symmetric && softmin(s, s->B, s->A, s->u, s->logb, o->eps, s->t, NULL, err) < 0)
            return -1;
        if (!o->symmetric)
            relax(s->v, s->t, s->B->n, w);
        int last = it == o->max_iters;
        if (measure(s, last ? T : NULL, &error, &mass, err) < 0)
            return -1;
        r->iters = it;
        if (o->progress)
            o->progress(o->progress_ctx, o->what, it, error);
        if (last || (o->tol > 0 && error <= o->tol)) {
            r->marginal = error;
            r->ot = dual_value(s, mass);
            /* the map of the plan depends on v only: the pass that measured it gives it */
            return last || !T ? 0 : measure(s, T, &error, &mass, err);
        }
        relax(s->u, s->t, s->A->n, o->symmetric ? 0.5 : w);
    }
}

int gfd_sinkhorn(const gfd_cloud *A, const gfd_cloud *B, const gfd_sinkhorn_opts *o, double *T,
                 gfd_sinkhorn_result *r, gfd_err *err)
{
    gfd_sinkhorn_result local;
    r = r ? r : &local;
    *r = (gfd_sinkhorn_result){0};
    if (!(o->eps > 0) || !isfinite(o->eps))
        return gfd_fail(err, GFD_EUSAGE, "sinkhorn: eps must be a positive number, not %g", o->eps);
    if (o->max_iters < 1 || !(o->tol >= 0) || !(o->overrelax >= 1 && o->overrelax < 2))
        return gfd_fail(err, GFD_EUSAGE, "sinkhorn: --iters must be >= 1, --tol >= 0 and the "
                        "over-relaxation in [1, 2)");
    const size_t n = A->n, m = B->n, big = n > m ? n : m;
    solver s = {.A = A, .B = B, .o = o};
    double *p = gfd_alloc(2 * n + 2 * m + 2 * big, sizeof *p, "sinkhorn potentials", err);
    if (!p)
        return -1;
    s.u = p, s.loga = p + n, s.v = p + 2 * n, s.logb = s.v + m, s.t = s.logb + m, s.lse = s.t + big;
    int rc = gfd_cloud_logweights(A, s.loga, err) == 0 && gfd_cloud_logweights(B, s.logb, err) == 0
           ? 0 : -1;
    if (rc == 0 && !o->stream && ot_cost_build(&s.cost, A, o->symmetric ? A : B, err) < 0)
        rc = -1;
    if (rc == 0) {
        memcpy(s.u, s.loga, n * sizeof *s.u);  /* F = 0, G = 0 */
        memcpy(s.v, s.logb, m * sizeof *s.v);
        rc = iterate(&s, T, r, err);
    }
    ot_cost_free(&s.cost);
    free(p);
    return rc;
}
