/* The f-divergence fields under KDE (MATH §3.1): kl, rkl, chi2, alpha:A, js share one
 * code path v = g(r) (m_p - m_q) / h^2; only g differs. Also the two kernel passes that
 * every score field (here, field_smoothed.c, field_mmd.c) is built from. */
#include <math.h>
#include <stdlib.h>

#include "field_impl.h"

typedef enum { FDIV_KL, FDIV_RKL, FDIV_CHI2, FDIV_ALPHA, FDIV_JS } fdiv_kind;

/* Leave-one-out (MATH §2.3): the other particles' weights sum to 1 - w_i. */
static int renormalise_loo(const double *logw, size_t n, double *lq, gfd_err *err)
{
    if (n < 2)
        return gfd_fail(err, GFD_EDATA, "--exclude-self needs at least 2 particles");
    for (size_t i = 0; i < n; i++) {
        if (logw[i] == 0)
            return gfd_fail(err, GFD_EDATA, "--exclude-self: particle %zu carries all the weight", i + 1);
        lq[i] -= log1p(-exp(logw[i]));
    }
    return 0;
}

/* Q: N x d (N = X->n), lp, lq: N, mp, mq: N x d. */
int field_kde_passes(const gfd_cloud *X, const gfd_cloud *Y, const double *Q,
                     const gfd_field_opts *o, double *lp, double *mp, double *lq, double *mq,
                     gfd_err *err)
{
    const size_t n = X->n, m = Y->n, d = X->d;
    double *lwx = gfd_alloc(n, sizeof *lwx, "particle weights", err);
    double *lwy = lwx ? gfd_alloc(m, sizeof *lwy, "target weights", err) : NULL;
    int rc = lwy ? 0 : -1;
    if (rc == 0)
        rc = gfd_cloud_logweights(X, lwx, err) < 0 || gfd_cloud_logweights(Y, lwy, err) < 0 ? -1 : 0;
    /* MATH §4: on the sphere the vMF kernel exp(kappa x.y), kappa = 1/h^2 */
    const gfd_kernel kern = o->sphere ? GFD_KERNEL_VMF : GFD_KERNEL_GAUSS;
    gfd_ksum_spec sp = {.kernel = kern, .h = o->h, .bias = lwy};
    if (rc == 0)  /* MATH §2.2: log p_h and m_p over Y, log-weights as bias */
        rc = gfd_ksum(Q, n, Y->x, m, d, Y->x, d, &sp, lp, mp, err);
    sp = (gfd_ksum_spec){.kernel = kern, .h = o->h, .bias = lwx,
                         .self = o->exclude_self, .diag = -INFINITY};
    if (rc == 0)  /* MATH §2.3: log q_h and m_q over X, self pair included unless excluded */
        rc = gfd_ksum(Q, n, X->x, n, d, X->x, d, &sp, lq, mq, err);
    if (rc == 0 && o->exclude_self)
        rc = renormalise_loo(lwx, n, lq, err);
    for (size_t i = 0; rc == 0 && o->sphere && i < n; i++) {
        /* MATH §4: exp(kappa (x.y - 1)) <= 1, the vMF kernel over e^kappa (§3.5's scale) */
        lp[i] -= 1 / (o->h * o->h);
        lq[i] -= 1 / (o->h * o->h);
    }
    free(lwx);
    free(lwy);
    return rc;
}

/* g(r) of MATH §3.1's table from log r; computing every g from log r makes alpha 1, 0, 2
 * reproduce kl, rkl and chi2/2 to the last bit. */
static double fdiv_g(fdiv_kind kind, double alpha, double logr)
{
    switch (kind) {
    case FDIV_KL: return 1;
    case FDIV_RKL: return exp(-logr);
    case FDIV_CHI2: return 2 * exp(logr);
    case FDIV_ALPHA: return exp((alpha - 1) * logr);
    case FDIV_JS: return 1 / (1 + exp(logr));
    }
    return 0;
}

/* The kind of a table entry's compute function, or -1 if it is not a §3.1 field. */
static int fdiv_kind_of(gfd_field_fn fn)
{
    return fn == field_kl ? FDIV_KL : fn == field_rkl ? FDIV_RKL : fn == field_chi2 ? FDIV_CHI2
         : fn == field_alpha ? FDIV_ALPHA : fn == field_js ? FDIV_JS : -1;
}

int field_is_fdiv(const gfd_field_def *def) { return fdiv_kind_of(def->compute) >= 0; }

/* The §3.1 terms of a mixture share one pair of kernel passes (MATH §3.8):
 * sum_t w_t g_t(r) (m_p - m_q) / h^2. X: N x d, Y: M x d, V: N x d. */
int field_fdiv_terms(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                     const gfd_field_term *terms, int nterms, double *V, gfd_err *err)
{
    if (!(o->ratio_clip >= 1))
        return gfd_fail(err, GFD_EUSAGE, "--ratio-clip must be >= 1, not %g", o->ratio_clip);
    const size_t n = X->n, d = X->d;
    double *lp = gfd_alloc(n, sizeof *lp, "log p_h", err);
    double *lq = lp ? gfd_alloc(n, sizeof *lq, "log q_h", err) : NULL;
    double *mq = lq ? gfd_alloc(n, d * sizeof *mq, "mean shifts", err) : NULL;
    /* m_p goes straight into V */
    int rc = mq ? field_kde_passes(X, Y, X->x, o, lp, V, lq, mq, err) : -1;
    const double log_clip = log(o->ratio_clip), h2 = o->h * o->h;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* MATH §3.1: r = q_h / p_h clipped to [1/R, R]; the normalisers cancel */
        double logr = fmax(-log_clip, fmin(log_clip, lq[i] - lp[i])), g = 0;
        for (int t = 0; t < nterms; t++)
            if (field_is_fdiv(terms[t].def))
                g += terms[t].weight * fdiv_g(fdiv_kind_of(terms[t].def->compute), terms[t].param, logr);
        for (size_t c = 0; c < d; c++)  /* MATH §3.1: v = g(r) (m_p - m_q) / h^2 */
            V[i * d + c] = g * (V[i * d + c] - mq[i * d + c]) / h2;
    }
    free(lp), free(lq), free(mq);
    return rc;
}

/* One §3.1 field alone: a mixture of one term of weight 1. */
static int fdiv_field(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                      gfd_field_fn fn, double alpha, double *V, gfd_err *err)
{
    const gfd_field_def def = {.compute = fn};
    const gfd_field_term term = {.def = &def, .param = alpha, .weight = 1};
    return field_fdiv_terms(X, Y, o, &term, 1, V, err);
}

int field_kl(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
             double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    return fdiv_field(X, Y, o, field_kl, 0, V, err);
}

int field_rkl(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
              double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    return fdiv_field(X, Y, o, field_rkl, 0, V, err);
}

int field_chi2(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
               double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    return fdiv_field(X, Y, o, field_chi2, 0, V, err);
}

int field_alpha(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)rep;
    return fdiv_field(X, Y, o, field_alpha, param, V, err);
}

int field_js(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
             double param, double *V, gfd_field_report *rep, gfd_err *err)
{
    (void)param, (void)rep;
    return fdiv_field(X, Y, o, field_js, 0, V, err);
}
