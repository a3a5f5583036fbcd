/* The Sinkhorn fields of MATH §3.6: `sinkhorn` (the debiased flow T_qp - T_qq, each map
 * the barycentric map of an entropic plan from the one Sinkhorn solver, ot/sinkhorn.c) and
 * `sinkhorn-proxy` (one shot: a row and a column normalisation per block). Cost
 * c = |x - y|^2 / 2 and logits -c/eps are the engine's Gaussian kernel with h = sqrt(eps);
 * weights enter as biases, maps as the engine's softmax-weighted means. No plan is ever
 * formed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fields/field_impl.h"
#include "ot/ot.h"

#define OPTION_EPS \
    {.name = "eps", .type = GFD_OPT_REAL, .arg = "E", .help = "entropic eps of the cost |x - y|^2/2", \
     .def = 0, .lo = 0, .lo_open = 1, .hi = HUGE_VAL, .text = "h^2"}

enum { O_EPS, O_ITERS, O_TOL, O_ANNEAL, O_OVERRELAX, O_ROWS_FIRST };

const gfd_option sinkhorn_options[] = {
    OPTION_EPS,
    {.name = "iters", .type = GFD_OPT_INT, .arg = "N", .help = "Sinkhorn iterations at eps",
     .def = 50, .lo = 1, .hi = 1e9},
    FIELD_OPTION_TOL,
    {.name = "anneal", .type = GFD_OPT_FLAG,
     .help = "first one iteration per eps from the squared diameter, halved down to eps"},
    {.name = "overrelax", .type = GFD_OPT_REAL, .arg = "W",
     .help = "over-relaxation of the updates at eps (1: plain)", .def = 1, .lo = 1, .hi = 1.99},
    {.name = "rows-first", .type = GFD_OPT_FLAG,
     .help = "begin with the particles' normalisation, as mint-vu/sinkhorn_drift iterates"},
    {.name = NULL},
};

enum { P_EPS, P_NO_CROSS_WEIGHT, P_COUPLING, P_EXCLUDE_SELF };

const gfd_option proxy_options[] = {
    OPTION_EPS,
    {.name = "no-cross-weight", .type = GFD_OPT_FLAG, .help = "T+ - T- without the weight m+ m-"},
    {.name = "coupling", .type = GFD_OPT_CHOICE, .arg = "C",
     .help = "each block's plan: sqrt(row x column softmax), or the row softmax alone",
     .text = "two-sided|one-sided"},
    FIELD_OPTION_EXCLUDE_SELF,
    {.name = NULL},
};

typedef struct {
    double eps;        /* given, or 0: h^2 (MATH §3.6) */
    gfd_sinkhorn_opts solve;
    int no_cross_weight, one_sided, exclude_self;
    gfd_sinkhorn_result last[2];  /* sinkhorn: the solves (X, Y) and (X, X) of the last call */
} sinkhorn_state;

static int state_new(field_part *p, double eps, sinkhorn_state **out, gfd_err *err)
{
    sinkhorn_state *st = gfd_alloc(1, sizeof *st, "sinkhorn field", err);
    if (!st)
        return -1;
    st->eps = eps;
    p->uses_h = eps == 0;  /* the bandwidth only as the default eps */
    p->state = *out = st;
    return 0;
}

static int sinkhorn_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    sinkhorn_state *st;
    if (state_new(p, gfd_option_real(s, &sinkhorn_options[O_EPS]), &st, err) < 0)
        return -1;
    st->solve = (gfd_sinkhorn_opts){
        .max_iters = (int)gfd_option_int(s, &sinkhorn_options[O_ITERS]),
        .tol = gfd_option_real(s, &sinkhorn_options[O_TOL]),
        .anneal = gfd_option_flag(s, &sinkhorn_options[O_ANNEAL]),
        .overrelax = gfd_option_real(s, &sinkhorn_options[O_OVERRELAX]),
        .rows_first = gfd_option_flag(s, &sinkhorn_options[O_ROWS_FIRST]),
    };
    return 0;
}

static int proxy_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    sinkhorn_state *st;
    if (state_new(p, gfd_option_real(s, &proxy_options[P_EPS]), &st, err) < 0)
        return -1;
    st->no_cross_weight = gfd_option_flag(s, &proxy_options[P_NO_CROSS_WEIGHT]);
    st->one_sided = gfd_option_choice(s, &proxy_options[P_COUPLING]);
    st->exclude_self = gfd_option_flag(s, &proxy_options[P_EXCLUDE_SELF]);
    return 0;
}

/* MATH §3.6: eps defaults to h^2. */
static int eps_in_force(const sinkhorn_state *st, double h, double *eps, gfd_err *err)
{
    *eps = st->eps > 0 ? st->eps : h * h;
    if (!(*eps > 0) || !isfinite(*eps))
        return gfd_fail(err, GFD_EUSAGE, "sinkhorn: eps must be a positive number, not %g", *eps);
    return 0;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.6: v = T_qp(x) - T_qq(x). */
static int sinkhorn_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    sinkhorn_state *st = p->state;
    gfd_sinkhorn_opts o = st->solve;
    if (eps_in_force(st, c->a->h, &o.eps, err) < 0)
        return -1;
    const size_t nd = c->X->n * c->X->d;
    double *Tqq = gfd_alloc(nd, sizeof *Tqq, "sinkhorn map", err);
    int rc = Tqq ? 0 : -1;
    if (rc == 0)
        rc = gfd_sinkhorn(c->X, c->Y, &o, V, &st->last[0], err);
    if (rc == 0)  /* the same solver on (X, X): at X == Y both maps are the same bytes */
        rc = gfd_sinkhorn(c->X, c->X, &o, Tqq, &st->last[1], err);
    for (size_t e = 0; rc == 0 && e < nd; e++)
        V[e] -= Tqq[e];
    free(Tqq);
    return rc;
}

/* The worse of the two solves. */
static size_t sinkhorn_report(const field_part *p, char *buf, size_t cap)
{
    const sinkhorn_state *st = p->state;
    const gfd_sinkhorn_result *a = &st->last[0], *b = &st->last[1];
    int n = snprintf(buf, cap, "sinkhorn: %d iterations, marginal error %.3g",
                     a->iters > b->iters ? a->iters : b->iters, fmax(a->marginal, b->marginal));
    return n < 0 ? 0 : (size_t)n;
}

/* One block of sinkhorn-proxy between A (N x d, weights a) and B (M x d, weights b):
 * with r_i = lse_j(L_ij + log b_j), c_j = lse_i(L_ij + log a_i) (MATH §3.6)
 *     A_ij = sqrt(softmax_row * softmax_col) = exp(L_ij + (log a_i - r_i + log b_j - c_j)/2),
 * uniform weights giving K_ij / sqrt(rowsum_i(K) colsum_j(K)). Writes the masses
 * mass_i = sum_j A_ij (N) and the maps T_i = sum_j A_ij b_j / mass_i (N x d).
 * same: A and B are the same cloud, so c = r by symmetry and one pass is saved; with
 * exclude_self the self pairs get logit -inf before both softmaxes, as arXiv:2603.12366's
 * toy code masks its plans (c = r still: the masked matrix is symmetric). one_sided: A the
 * row softmax alone (mass 1, the map the mean shift). */
static int proxy_block(const gfd_cloud *A, const gfd_cloud *B, int same, double eps,
                       int one_sided, int exclude_self, double *mass, double *T, gfd_err *err)
{
    const size_t n = A->n, m = B->n, d = A->d;
    double *p = gfd_alloc(2 * (n + m), sizeof *p, "proxy scratch", err);
    if (!p)
        return -1;
    double *loga = p, *r = p + n, *logb = p + 2 * n, *c = logb + m;
    gfd_ksum_spec sp = {.kernel = GFD_KERNEL_GAUSS, .h = sqrt(eps), .bias = logb,
                        .self = same && exclude_self, .diag = -INFINITY};
    int rc = gfd_cloud_logweights(A, loga, err) == 0 && gfd_cloud_logweights(B, logb, err) == 0 ? 0 : -1;
    if (one_sided) {  /* the row softmax: the mean shift, mass 1 */
        if (rc == 0)
            rc = gfd_ksum(A->x, n, B->x, m, d, B->x, d, &sp, r, T, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            mass[i] = 1;
        free(p);
        return rc;
    }
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
static int proxy_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    const sinkhorn_state *st = p->state;
    double eps;
    if (eps_in_force(st, c->a->h, &eps, err) < 0)
        return -1;
    const size_t n = c->X->n, d = c->X->d;
    double *mp = gfd_alloc(n, sizeof *mp, "proxy masses", err);
    double *mn = mp ? gfd_alloc(n, sizeof *mn, "proxy masses", err) : NULL;
    double *Tn = mn ? gfd_alloc(n, d * sizeof *Tn, "proxy map", err) : NULL;
    int rc = Tn ? 0 : -1;
    if (rc == 0)
        rc = proxy_block(c->X, c->Y, 0, eps, st->one_sided, 0, mp, V, err);
    if (rc == 0)
        rc = proxy_block(c->X, c->X, 1, eps, st->one_sided, st->exclude_self, mn, Tn, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        double w = st->no_cross_weight ? 1 : mp[i] * mn[i];
        for (size_t k = 0; k < d; k++)
            V[i * d + k] = w * (V[i * d + k] - Tn[i * d + k]);
    }
    free(mp), free(mn), free(Tn);
    return rc;
}

const gfd_field_ops sinkhorn_ops = {.init = sinkhorn_init, .compute = sinkhorn_compute,
                                    .report = sinkhorn_report};
const gfd_field_ops proxy_ops = {.init = proxy_init, .compute = proxy_compute};
