/* Training a one-step generator (gfd-train(1)): each step draws a batch of noise, maps it
 * through the network, moves the outputs along a velocity field toward fresh data, and
 * takes an Adam step on loss = mean |f(z) - stopgrad(f(z) + eta V(f(z)))|^2 (PyTorch's
 * mse_loss: the mean over rows and coordinates). This is Deng et al.'s training and Cao et
 * al.'s Algorithm 1. Every random draw comes from the streams of (seed, step), so a run
 * resumed from its checkpoint reaches the bytes of an uninterrupted one. */
#ifndef GFD_TRAIN_H
#define GFD_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "cloud.h"
#include "defs.h"
#include "field.h"
#include "net.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef enum { GFD_ADAM, GFD_ADAMW } gfd_optimizer;
typedef enum { GFD_LR_CONSTANT, GFD_LR_COSINE, GFD_LR_LINEAR } gfd_lr_schedule;

typedef struct {
    long steps;                 /* the run's length (the schedule's horizon) */
    size_t gen_batch;           /* generated samples per step */
    size_t data_batch;          /* fresh data rows per step, drawn without replacement */
    gfd_optimizer optimizer;    /* Adam (L2 weight decay) or AdamW (decoupled) */
    double lr, beta1, beta2, adam_eps, wd;
    gfd_lr_schedule schedule;   /* from lr at step 1 to min_lr at the last step */
    double min_lr;
    double eta;                 /* target = x + eta V */
    double h;                   /* the field's bandwidth (ignored by fields without one) */
    uint64_t seed;
} gfd_train_opts;

/* Deng et al.'s toy demo: 2048 + 2048 per step, Adam 1e-3, betas 0.9 and 0.999, eps 1e-8,
 * no decay, constant rate, eta 1, 1000 steps, seed 0. */
void gfd_train_opts_default(gfd_train_opts *o);

/* What one step did. */
typedef struct {
    long step;       /* steps done, this one included */
    double loss;     /* mean over rows and coordinates of (eta V)^2 */
    double v_rms;    /* sqrt(mean_i |eta V_i|^2) */
    double lr;       /* the rate this step used */
} gfd_train_report;

typedef struct gfd_trainer gfd_trainer;

/* A trainer of net toward the data Y (M x dout) along field f; it keeps pointers to all
 * three. Unless the field's settings chose mini-batches (--batch, --target-batch: groups of
 * the generated batch, each with its own targets from Y), each step is one group of the
 * gen_batch outputs with data_batch targets. GFD_EUSAGE when Y's dimension is not the
 * network's. */
gfd_trainer *gfd_trainer_new(gfd_net *net, gfd_field *f, const gfd_cloud *Y,
                             const gfd_train_opts *o, gfd_err *err);
void gfd_trainer_free(gfd_trainer *t);
/* One step: the next after gfd_trainer_done(t). */
int gfd_trainer_step(gfd_trainer *t, gfd_train_report *rep, gfd_err *err);
long gfd_trainer_done(const gfd_trainer *t);
/* The optimizer's state, for checkpoints: steps done and the two moment arrays
 * (gfd_net_nparams each), which a resumed run overwrites before its first step. */
void gfd_trainer_state(gfd_trainer *t, long **done, double **m, double **v);

/* Z (n x zdim): standard normal noise, row i from stream (seed, step, purpose, i) of
 * gfd_field_rng: GFD_STREAM_GEN_NOISE for training batches, GFD_STREAM_GEN_SAMPLE for
 * gfd-generate. */
void gfd_net_noise(uint64_t seed, uint64_t step, int purpose, size_t n, int zdim, double *Z);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
