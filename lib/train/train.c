/* The training step of a one-step generator (gfd/train.h): noise, forward, the field at the
 * outputs toward a fresh data batch (the mini-batches of MATH §3.10: one group of the
 * generated batch with data_batch targets), the loss's gradient, backward, Adam. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfd/train.h"

struct gfd_trainer {
    gfd_net *net;
    gfd_field *field;
    const gfd_cloud *Y;
    gfd_train_opts o;
    long done;
    double *Z, *X, *V, *grad, *m, *v;  /* Z: G x zdim, X, V: G x d; the rest nparams */
};

void gfd_train_opts_default(gfd_train_opts *o)
{
    *o = (gfd_train_opts){.steps = 1000, .gen_batch = 2048, .data_batch = 2048,
                          .optimizer = GFD_ADAM, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999,
                          .adam_eps = 1e-8, .schedule = GFD_LR_CONSTANT, .eta = 1};
}

void gfd_net_noise(uint64_t seed, uint64_t step, int purpose, size_t n, int zdim, double *Z)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        gfd_rng r;
        gfd_field_rng(&r, seed, step, purpose, i);
        for (int j = 0; j < zdim; j++)
            Z[i * zdim + j] = gfd_rng_normal(&r);
    }
}

gfd_trainer *gfd_trainer_new(gfd_net *net, gfd_field *f, const gfd_cloud *Y,
                             const gfd_train_opts *o, gfd_err *err)
{
    const gfd_net_arch *a = gfd_net_get_arch(net);
    if (Y->d != (size_t)a->dout)
        return gfd_fail(err, GFD_EUSAGE, "the data have %zu columns, the network makes %d",
                        Y->d, a->dout), NULL;
    if (!o->gen_batch || !o->data_batch || !(o->lr > 0) || !(o->eta > 0) || o->steps < 1)
        return gfd_fail(err, GFD_EUSAGE, "batches, rate, eta and steps must be positive"), NULL;
    gfd_trainer *t = gfd_alloc(1, sizeof *t, "trainer", err);
    if (!t)
        return NULL;
    *t = (gfd_trainer){.net = net, .field = f, .Y = Y, .o = *o};
    size_t G = o->gen_batch, P = gfd_net_nparams(net);
    t->Z = gfd_alloc(G, (size_t)a->zdim * sizeof(double), "noise batch", err);
    t->X = t->Z ? gfd_alloc(G, Y->d * sizeof(double), "generated batch", err) : NULL;
    t->V = t->X ? gfd_alloc(G, Y->d * sizeof(double), "velocities", err) : NULL;
    t->grad = t->V ? gfd_alloc(P, sizeof(double), "gradient", err) : NULL;
    t->m = t->grad ? gfd_alloc(P, sizeof(double), "Adam moments", err) : NULL;
    t->v = t->m ? gfd_alloc(P, sizeof(double), "Adam moments", err) : NULL;
    if (!t->v) {
        gfd_trainer_free(t);
        return NULL;
    }
    if (!gfd_field_batch_given(f))  /* else the field's own groups split the generated batch */
        gfd_field_set_batch(f, G, o->data_batch);
    return t;
}

void gfd_trainer_free(gfd_trainer *t)
{
    if (!t)
        return;
    free(t->Z), free(t->X), free(t->V), free(t->grad), free(t->m), free(t->v);
    free(t);
}

long gfd_trainer_done(const gfd_trainer *t) { return t->done; }

void gfd_trainer_state(gfd_trainer *t, long **done, double **m, double **v)
{
    *done = &t->done, *m = t->m, *v = t->v;
}

/* The rate of step s (1-based) of T: constant, or from lr to min_lr along a half cosine
 * (PyTorch's CosineAnnealingLR stepped after each update) or a line. */
static double rate(const gfd_train_opts *o, long s)
{
    double u = o->steps > 1 ? (double)(s - 1) / (double)(o->steps - 1) : 0;
    u = u > 1 ? 1 : u;
    if (o->schedule == GFD_LR_COSINE)
        return o->min_lr + (o->lr - o->min_lr) * (1 + cos(M_PI * u)) / 2;
    if (o->schedule == GFD_LR_LINEAR)
        return o->lr + (o->min_lr - o->lr) * u;
    return o->lr;
}

/* PyTorch's Adam and AdamW (torch.optim, single-tensor form) at step s. */
static void adam(const gfd_train_opts *o, double lr, long s, double *p, const double *g, double *m,
                 double *v, size_t n)
{
    double c1 = 1 - pow(o->beta1, (double)s), c2 = sqrt(1 - pow(o->beta2, (double)s));
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        double gi = g[i];
        if (o->optimizer == GFD_ADAMW)
            p[i] *= 1 - lr * o->wd;
        else
            gi += o->wd * p[i];
        m[i] += (1 - o->beta1) * (gi - m[i]);
        v[i] = o->beta2 * v[i] + (1 - o->beta2) * gi * gi;
        p[i] -= lr / c1 * m[i] / (sqrt(v[i]) / c2 + o->adam_eps);
    }
}

/* V <- eta V; dX = d loss / dX = -2 eta V / (G d) (the target is held fixed); the loss. */
static double loss_gradient(double *V, size_t len, double eta, double *dX)
{
    double s = 0;
    for (size_t i = 0; i < len; i++) {
        V[i] *= eta;
        s += V[i] * V[i];
        dX[i] = -2 * V[i] / (double)len;
    }
    return s / (double)len;
}

int gfd_trainer_step(gfd_trainer *t, gfd_train_report *rep, gfd_err *err)
{
    const gfd_net_arch *a = gfd_net_get_arch(t->net);
    size_t G = t->o.gen_batch, d = t->Y->d, P = gfd_net_nparams(t->net);
    long s = t->done + 1;
    gfd_net_noise(t->o.seed, (uint64_t)s, GFD_STREAM_GEN_NOISE, G, a->zdim, t->Z);
    if (gfd_net_forward(t->net, t->Z, G, t->X, err) < 0)
        return gfd_err_prefix(err, "step %ld", s);
    gfd_cloud X = {.n = G, .d = d, .x = t->X};
    gfd_field_args fa = {.h = t->o.h, .seed = t->o.seed, .step = (uint64_t)s};
    if (gfd_field_velocity(t->field, &X, t->Y, &fa, t->V, err) < 0)
        return gfd_err_prefix(err, "step %ld", s);
    double *dX = t->X;  /* the outputs are not needed any more */
    double loss = loss_gradient(t->V, G * d, t->o.eta, dX);
    if (!isfinite(loss))
        return gfd_fail(err, GFD_ENUMERIC, "step %ld: the loss is not finite", s);
    if (gfd_net_backward(t->net, dX, t->grad, err) < 0)
        return gfd_err_prefix(err, "step %ld", s);
    double lr = rate(&t->o, s);
    adam(&t->o, lr, s, gfd_net_params(t->net), t->grad, t->m, t->v, P);
    t->done = s;
    if (rep)
        *rep = (gfd_train_report){.step = s, .loss = loss, .v_rms = sqrt(loss * (double)d), .lr = lr};
    return 0;
}
