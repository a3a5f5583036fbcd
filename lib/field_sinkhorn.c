/* The Sinkhorn fields of MATH §3.6: `sinkhorn` (log-domain Sinkhorn iterations, the
 * debiased flow T_qp - T_qq) and `sinkhorn-proxy` (one shot: a row and a column
 * normalisation per block). Cost c = |x - y|^2 / 2 and logits -c/eps are the engine's
 * Gaussian kernel with h = sqrt(eps); potentials and weights enter as biases, maps as the
 * engine's softmax-weighted means. No plan is ever formed. */
#include <math.h>
#include <stdlib.h>

#include "field_impl.h"

/* MATH §3.6: eps defaults to h^2. */
static int sinkhorn_eps(const gfd_field_opts *o, double *eps, gfd_err *err)
{
    *eps = o->eps > 0 ? o->eps : o->h * o->h;
    if (!(*eps > 0) || !isfinite(*eps))
        return gfd_fail(err, GFD_EUSAGE, "sinkhorn: eps must be a positive number, not %g", *eps);
    return 0;
}

/* A solve between clouds A (N x d, weights a) and B (M x d, weights b). Potentials are
 * kept divided by eps: F = f/eps on A, G = g/eps on B, and the biases are F + log a and
 * G + log b, so the plan is P_ij = exp(F_i + log a_i + G_j + log b_j - c_ij/eps). */
typedef struct {
    const gfd_cloud *A, *B;
    gfd_ksum_spec spec;
    double *ua, *ub;     /* F + log a (N), G + log b (M) */
    double *loga, *logb; /* N, M */
    double *lse_a, *lse_b;
} sinkhorn_solve;

/* G_j = -lse_i(F_i + log a_i - c_ij/eps): the column marginals become exact. */
static int update_g(sinkhorn_solve *s, gfd_err *err)
{
    const size_t m = s->B->n;
    s->spec.bias = s->ua;
    if (gfd_ksum(s->B->x, m, s->A->x, s->A->n, s->A->d, NULL, 0, &s->spec, s->lse_b, NULL, err) < 0)
        return -1;
    for (size_t j = 0; j < m; j++)
        s->ub[j] = s->logb[j] - s->lse_b[j];
    return 0;
}

/* F_i = -lse_j(G_j + log b_j - c_ij/eps); T (N x d, or NULL) gets the barycentric map
 * sum_j P_ij b_j / sum_j P_ij of the new plan (MATH §3.6). Returns through *marg the
 * row-marginal error sum_i |P_i. - a_i| of the plan before the update. */
static int update_f(sinkhorn_solve *s, double *T, double *marg, gfd_err *err)
{
    const size_t n = s->A->n, d = s->A->d;
    s->spec.bias = s->ub;
    if (gfd_ksum(s->A->x, n, s->B->x, s->B->n, d, T ? s->B->x : NULL, T ? d : 0, &s->spec,
                 s->lse_a, T, err) < 0)
        return -1;
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double F = s->ua[i] - s->loga[i];  /* P_i. = a_i exp(F_i + lse_i) */
        e += exp(s->loga[i]) * fabs(expm1(F + s->lse_a[i]));
        s->ua[i] = s->loga[i] - s->lse_a[i];
    }
    *marg = e;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(s->ua[i]))
            return gfd_fail(err, GFD_ENUMERIC, "sinkhorn: a dual potential is not finite (eps too small?)");
    return 0;
}

/* From F = 0, each iteration updates G from F, then F from G, until `iters` iterations
 * or a row-marginal error <= tol (tol > 0); the last F update also gives the map T. */
static int sinkhorn_iterate(sinkhorn_solve *s, int iters, double tol, double *T,
                            int *run, double *marg, gfd_err *err)
{
    for (size_t i = 0; i < s->A->n; i++)
        s->ua[i] = s->loga[i];
    for (int it = 1; it <= iters; it++) {
        int last = it == iters;
        if (update_g(s, err) < 0 || update_f(s, last ? T : NULL, marg, err) < 0)
            return -1;
        *run = it;
        if (last)
            return 0;
        if (tol > 0 && *marg <= tol) {
            double unused;  /* same G, same F: this pass only adds the map */
            return update_f(s, T, &unused, err);
        }
    }
    return 0;
}

/* T (N x d) = the barycentric map of the eps-Sinkhorn plan from A to B. */
static int sinkhorn_map(const gfd_cloud *A, const gfd_cloud *B, const gfd_field_opts *o, double eps,
                        double *T, int *run, double *marg, gfd_err *err)
{
    const size_t n = A->n, m = B->n;
    sinkhorn_solve s = {.A = A, .B = B, .spec = {.kernel = GFD_KERNEL_GAUSS, .h = sqrt(eps)}};
    double *p = gfd_alloc(3 * (n + m), sizeof *p, "sinkhorn potentials", err);
    if (!p)
        return -1;
    s.ua = p, s.loga = p + n, s.lse_a = p + 2 * n;
    s.ub = p + 3 * n, s.logb = s.ub + m, s.lse_b = s.ub + 2 * m;
    int rc = -1;
    if (gfd_cloud_logweights(A, s.loga, err) == 0 && gfd_cloud_logweights(B, s.logb, err) == 0)
        rc = sinkhorn_iterate(&s, o->iters, o->tol, T, run, marg, err);
    free(p);
    return rc;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.6: v = T_qp(x) - T_qq(x). */
int field_sinkhorn(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                   double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param;
    double eps;
    if (sinkhorn_eps(o, &eps, err) < 0)
        return -1;
    if (o->iters < 1 || !(o->tol >= 0))
        return gfd_fail(err, GFD_EUSAGE, "sinkhorn: --iters must be >= 1 and --tol >= 0");
    const size_t nd = X->n * X->d;
    double *Tqq = gfd_alloc(nd, sizeof *Tqq, "sinkhorn map", err);
    int run[2] = {0, 0};
    double marg[2] = {0, 0};
    int rc = Tqq ? 0 : -1;
    if (rc == 0)
        rc = sinkhorn_map(X, Y, o, eps, V, &run[0], &marg[0], err);
    if (rc == 0)  /* the same solver on (X, X): at X == Y both maps are the same bytes */
        rc = sinkhorn_map(X, X, o, eps, Tqq, &run[1], &marg[1], err);
    for (size_t e = 0; rc == 0 && e < nd; e++)
        V[e] -= Tqq[e];
    if (rep) {  /* the worse of the two solves */
        rep->sinkhorn_iters = run[0] > run[1] ? run[0] : run[1];
        rep->sinkhorn_marginal = fmax(marg[0], marg[1]);
    }
    free(Tqq);
    return rc;
}

/* One block of sinkhorn-proxy between A (N x d, weights a) and B (M x d, weights b):
 * with r_i = lse_j(L_ij + log b_j), c_j = lse_i(L_ij + log a_i) (MATH §3.6)
 *     A_ij = sqrt(softmax_row * softmax_col) = exp(L_ij + (log a_i - r_i + log b_j - c_j)/2),
 * uniform weights giving K_ij / sqrt(rowsum_i(K) colsum_j(K)). Writes the masses
 * mass_i = sum_j A_ij (N) and the maps T_i = sum_j A_ij b_j / mass_i (N x d).
 * same: A and B are the same cloud, so c = r by symmetry and one pass is saved. */
static int proxy_block(const gfd_cloud *A, const gfd_cloud *B, int same, double eps,
                       double *mass, double *T, gfd_err *err)
{
    const size_t n = A->n, m = B->n, d = A->d;
    double *p = gfd_alloc(2 * (n + m), sizeof *p, "proxy scratch", err);
    if (!p)
        return -1;
    double *loga = p, *r = p + n, *logb = p + 2 * n, *c = logb + m;
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = sqrt(eps), .bias = logb};
    int rc = gfd_cloud_logweights(A, loga, err) == 0 && gfd_cloud_logweights(B, logb, err) == 0 ? 0 : -1;
    if (rc == 0)
        rc = gfd_ksum(A->x, n, B->x, m, d, NULL, 0, &sp, r, NULL, err);
    sp.bias = loga;
    if (rc == 0 && !same)
        rc = gfd_ksum(B->x, m, A->x, n, d, NULL, 0, &sp, c, NULL, err);
    for (size_t j = 0; rc == 0 && j < m; j++)
        c[j] = 0.5 * (logb[j] - (same ? r[j] : c[j]));
    sp.bias = c;
    if (rc == 0)
        rc = gfd_ksum(A->x, n, B->x, m, d, B->x, d, &sp, mass, T, err);
    for (size_t i = 0; rc == 0 && i < n; i++)  /* mass_i = exp((log a_i - r_i)/2 + lse_i) */
        mass[i] = exp(0.5 * (loga[i] - r[i]) + mass[i]);
    free(p);
    return rc;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.6: v = m+ m- (T+ - T-), or T+ - T-. */
int field_sinkhorn_proxy(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                         double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    double eps;
    if (sinkhorn_eps(o, &eps, err) < 0)
        return -1;
    const size_t n = X->n, d = X->d;
    double *mp = gfd_alloc(n, sizeof *mp, "proxy masses", err);
    double *mn = mp ? gfd_alloc(n, sizeof *mn, "proxy masses", err) : NULL;
    double *Tn = mn ? gfd_alloc(n, d * sizeof *Tn, "proxy map", err) : NULL;
    int rc = Tn ? 0 : -1;
    if (rc == 0)
        rc = proxy_block(X, Y, 0, eps, mp, V, err);
    if (rc == 0)
        rc = proxy_block(X, X, 1, eps, mn, Tn, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        double w = o->no_cross_weight ? 1 : mp[i] * mn[i];
        for (size_t c = 0; c < d; c++)
            V[i * d + c] = w * (V[i * d + c] - Tn[i * d + c]);
    }
    free(mp), free(mn), free(Tn);
    return rc;
}
