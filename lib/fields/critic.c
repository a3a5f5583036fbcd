/* The critic field critic:F (MATH §3.9, arXiv:2605.05118's GAN-critic flows): a logistic
 * critic d ~ log(q/p) on random Fourier features of length scale h (critic_fit.c), and
 * v = -sum_t w_t g_t(r) grad d with r = e^d and g from MATH §3.1's table. Every term of a
 * mixture of critics shares one fit. In a flow the features stay those of the run's seed and
 * each fit starts from the last one's weights (a warm start); mini-batch groups get seeds of
 * their own, and so fresh features and a cold start. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fields/critic.h"
#include "fields/field_impl.h"

enum { O_FEATURES, O_L2, O_TOL, O_RATIO_CLIP };

const gfd_option critic_options[] = {
    {.name = "features", .type = GFD_OPT_INT, .arg = "F",
     .help = "random Fourier features of the critic (MATH 3.9)", .def = 512, .lo = 1, .hi = 65536},
    {.name = "l2", .type = GFD_OPT_REAL, .arg = "LAMBDA",
     .help = "L2 penalty of the critic's logistic regression", .def = 1e-3, .lo = 0, .lo_open = 1,
     .hi = HUGE_VAL},
    FIELD_OPTION_TOL,
    FIELD_OPTION_RATIO_CLIP,
    {.name = NULL},
};

#define DEFAULT_TOL 1e-9   /* the critic's --tol 0 */
#define MAX_NEWTON 50      /* Newton's method converges in a handful from a cold start */

typedef struct {
    size_t F;
    double l2, tol, log_clip;
    fdiv_kind kind[GFD_MAX_TERMS];
    critic_model m;        /* the features of `seed` and the last fit's weights */
    int have;
    uint64_t seed;
    int warm;              /* the last fit started from the one before */
    critic_fit_info info;
} critic_state;

static int critic_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    critic_state *st = gfd_alloc(1, sizeof *st, "critic field", err);
    if (!st)
        return -1;
    p->state = st;
    st->F = (size_t)gfd_option_int(s, &critic_options[O_FEATURES]);
    st->l2 = gfd_option_real(s, &critic_options[O_L2]);
    st->tol = gfd_option_real(s, &critic_options[O_TOL]);
    st->tol = st->tol > 0 ? st->tol : DEFAULT_TOL;
    st->log_clip = log(gfd_option_real(s, &critic_options[O_RATIO_CLIP]));
    for (int t = 0; t < p->nterms; t++)
        st->kind[t] = (fdiv_kind)p->terms[t].word;
    return 0;
}

/* The model for this call: kept when the seed and dimension are those of the last call. */
static int model_for(critic_state *st, size_t d, uint64_t seed, double h, gfd_err *err)
{
    st->warm = st->have && st->m.d == d && st->seed == seed;
    if (!st->warm) {
        if (st->have)
            critic_model_free(&st->m);
        st->have = 0;
        if (critic_model_init(&st->m, st->F, d, seed, err) < 0)
            return -1;
        st->have = 1, st->seed = seed;
    }
    st->m.h = h;
    return 0;
}

/* MATH §3.9: v = -sum_t w_t g_t(r) grad d(x), log r = d(x) clipped to [-log R, log R]. */
static int critic_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    critic_state *st = p->state;
    const size_t n = c->X->n, d = c->X->d;
    if (model_for(st, d, c->a->seed, c->a->h, err) < 0 ||
        critic_fit(&st->m, c->X, c->Y, st->l2, st->tol, MAX_NEWTON, &st->info, err) < 0)
        return -1;
    double *logit = gfd_alloc(n, sizeof *logit, "critic logits", err);
    if (!logit || critic_eval(&st->m, c->X->x, n, logit, V, err) < 0) {
        free(logit);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double logr = fmax(-st->log_clip, fmin(st->log_clip, logit[i])), g = 0;
        for (int t = 0; t < p->nterms; t++)
            g += p->terms[t].weight * field_fdiv_g(st->kind[t], p->terms[t].param, logr);
        for (size_t k = 0; k < d; k++)
            V[i * d + k] *= -g;
    }
    free(logit);
    return 0;
}

static void critic_free(field_part *p)
{
    critic_state *st = p->state;
    if (st && st->have)
        critic_model_free(&st->m);
    free(st);
}

static size_t critic_report(const field_part *p, char *buf, size_t cap)
{
    const critic_state *st = p->state;
    const critic_fit_info *in = &st->info;
    int len = snprintf(buf, cap, "critic: %d Newton iterations (%s start), loss %.10g, largest "
                       "gradient %.3g", in->iters, st->warm ? "warm" : "cold", in->loss, in->grad);
    if (len >= 0 && !in->converged && (size_t)len < cap)
        len += snprintf(buf + len, cap - (size_t)len, "\nwarning: critic: not converged in %d "
                        "Newton iterations (largest gradient %.3g > --tol %g)", MAX_NEWTON,
                        in->grad, st->tol);
    return len < 0 ? 0 : (size_t)len < cap ? (size_t)len : cap - 1;
}

const gfd_field_ops critic_ops = {.shared = 1, .init = critic_init, .compute = critic_compute,
                                  .free = critic_free, .report = critic_report};
