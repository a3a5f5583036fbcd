/* The f-divergence fields under KDE (MATH §3.1): kl, rkl, chi2, alpha:A, js share one code
 * path v = g(r) (m_p - m_q) / h^2; only g differs, so every such term of a mixture is
 * computed from one pair of kernel passes (MATH §3.8). Also the two kernel passes that the
 * other score fields (smoothed.c, mmd.c) are built from. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields/field_impl.h"
#include "gfd/ranks.h"

enum { O_RATIO_CLIP, O_EXCLUDE_SELF };

const gfd_option fdiv_options[] = {
    FIELD_OPTION_RATIO_CLIP,
    FIELD_OPTION_EXCLUDE_SELF,
    {.name = NULL},
};

/* In the order of fdiv_kind. */
const char *const field_fdiv_words[] = {"kl", "rkl", "chi2", "alpha:A", "js", NULL};

typedef struct {
    double log_clip;
    int exclude_self;
    fdiv_kind kind[GFD_MAX_TERMS];  /* of each term of the part */
    uint64_t clip_step;             /* the step the counts below are of (all its batches) */
    size_t clipped, seen;           /* particles whose ratio the clip bound, of those seen */
} fdiv_state;

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
                     const gfd_geometry *g, double h, int exclude_self, const gfd_engine *engine,
                     double *lp, double *mp, double *lq, double *mq, gfd_err *err)
{
    const size_t n = X->n, m = Y->n, d = X->d;
    double *lwx = gfd_alloc(n, sizeof *lwx, "particle weights", err);
    double *lwy = lwx ? gfd_alloc(m, sizeof *lwy, "target weights", err) : NULL;
    int rc = lwy ? 0 : -1;
    if (rc == 0)
        rc = gfd_cloud_logweights(X, lwx, err) < 0 || gfd_cloud_logweights(Y, lwy, err) < 0 ? -1 : 0;
    const gfd_ranks *rk = gfd_ranks_current();
    for (size_t j = 0; rc == 0 && rk && rk->merge_rows && j < m; j++)
        lwy[j] += rk->shard_log_mass;  /* a shard of Y: its weights' share of the whole */
    gfd_ksum_spec sp = {.kernel = g->kde_kernel, .h = h, .bias = lwy, .engine = engine,
                        .sharded = 1};
    if (rc == 0)  /* MATH §2.2: log p_h and m_p over Y, log-weights as bias */
        rc = gfd_ksum(Q, n, Y->x, m, d, Y->x, d, &sp, lp, mp, err);
    sp = (gfd_ksum_spec){.kernel = g->kde_kernel, .h = h, .bias = lwx,
                         .self = exclude_self, .diag = -INFINITY, .engine = engine};
    if (rc == 0)  /* MATH §2.3: log q_h and m_q over X, self pair included unless excluded */
        rc = gfd_ksum(Q, n, X->x, n, d, X->x, d, &sp, lq, mq, err);
    if (rc == 0 && exclude_self)
        rc = renormalise_loo(lwx, n, lq, err);
    const double shift = g->kde_shift(h);  /* MATH §4: the vMF kernel over e^kappa */
    for (size_t i = 0; rc == 0 && shift != 0 && i < n; i++) {
        lp[i] += shift;
        lq[i] += shift;
    }
    free(lwx);
    free(lwy);
    return rc;
}

/* Computing every g from log r makes alpha 1, 0, 2 reproduce kl, rkl and chi2/2 to the
 * last bit. */
double field_fdiv_g(fdiv_kind kind, double alpha, double logr)
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

static int fdiv_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    fdiv_state *st = gfd_alloc(1, sizeof *st, "fdiv field", err);
    if (!st)
        return -1;
    st->log_clip = log(gfd_option_real(s, &fdiv_options[O_RATIO_CLIP]));
    st->exclude_self = gfd_option_flag(s, &fdiv_options[O_EXCLUDE_SELF]);
    for (int t = 0; t < p->nterms; t++)
        for (int k = 0; field_fdiv_words[k]; k++)
            if (!strncmp(p->terms[t].def->name, field_fdiv_words[k], strcspn(field_fdiv_words[k], ":")))
                st->kind[t] = (fdiv_kind)k;
    p->state = st;
    return 0;
}

/* sum_t w_t g_t(r) (m_p - m_q) / h^2 over the part's terms. X: N x d, Y: M x d, V: N x d. */
static int fdiv_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    fdiv_state *st = p->state;
    const gfd_cloud *X = c->X;
    const size_t n = X->n, d = X->d;
    const double h = c->a->h, h2 = h * h;
    double *lp = gfd_alloc(n, sizeof *lp, "log p_h", err);
    double *lq = lp ? gfd_alloc(n, sizeof *lq, "log q_h", err) : NULL;
    double *mq = lq ? gfd_alloc(n, d * sizeof *mq, "mean shifts", err) : NULL;
    /* m_p goes straight into V */
    int rc = mq ? field_kde_passes(X, c->Y, X->x, p->geom, h, st->exclude_self, c->a->engine, lp, V, lq, mq, err) : -1;
    if (!st->seen || c->a->step != st->clip_step)
        st->clip_step = c->a->step, st->clipped = st->seen = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        st->clipped += fabs(lq[i] - lp[i]) > st->log_clip;
        st->seen++;
        /* MATH §3.1: r = q_h / p_h clipped to [1/R, R]; the normalisers cancel */
        double logr = fmax(-st->log_clip, fmin(st->log_clip, lq[i] - lp[i])), g = 0;
        for (int t = 0; t < p->nterms; t++)
            g += p->terms[t].weight * field_fdiv_g(st->kind[t], p->terms[t].param, logr);
        for (size_t k = 0; k < d; k++)  /* MATH §3.1: v = g(r) (m_p - m_q) / h^2 */
            V[i * d + k] = g * (V[i * d + k] - mq[i * d + k]) / h2;
    }
    free(lp), free(lq), free(mq);
    return rc;
}

/* How many particles the ratio clip bound at the last step computed, and a warning when it
 * was most of them: the field is then the clip's, not the divergence's. */
static size_t fdiv_report(const field_part *p, char *buf, size_t cap)
{
    const fdiv_state *st = p->state;
    if (!st->seen)
        return 0;
    double share = (double)st->clipped / (double)st->seen;
    int n = snprintf(buf, cap, "ratio clip %g: %zu of %zu particles clipped (%.1f%%) at step %llu%s",
                     exp(st->log_clip), st->clipped, st->seen, 100 * share,
                     (unsigned long long)st->clip_step + 1,
                     share > 0.5 ? "\nwarning: the ratio clip binds most particles: the bandwidth "
                     "is likely too small for the data (in high dimension, try -b median), or "
                     "raise --ratio-clip" : "");
    return n < 0 ? 0 : (size_t)n;
}

const gfd_field_ops fdiv_ops = {.shared = 1, .init = fdiv_init, .compute = fdiv_compute,
                                .report = fdiv_report};
