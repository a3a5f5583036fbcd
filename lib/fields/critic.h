/* The critic of MATH §3.9 (private to lib/; critic_fit.c): a logit d(x) ~ log(q(x)/p(x))
 * on random Fourier features, fit by L2-penalised logistic regression with Newton's
 * method, and its gradient. The field that moves along it is critic.c. */
#ifndef GFD_CRITIC_H
#define GFD_CRITIC_H

#include <stdint.h>

#include "gfd/cloud.h"
#include "gfd/err.h"

/* d(x) = sum_f theta_f phi_f(x) + theta_F, phi_f(x) = sqrt(2/F) cos(z_f . x / h + b_f). */
typedef struct {
    size_t F, d;
    double h;        /* the features' length scale: W = Z / h */
    double *Z;       /* F x d standard normal rows */
    double *b;       /* F phases, uniform on [0, 2 pi) */
    double *theta;   /* F + 1: the feature weights, the intercept last (not penalised) */
} critic_model;

typedef struct {
    int iters;       /* Newton steps taken */
    double loss;     /* the penalised loss at the end */
    double grad;     /* its largest gradient entry there */
    int converged;   /* grad <= the tolerance */
} critic_fit_info;

/* Draws Z and b from the stream of seed; theta = 0. */
int critic_model_init(critic_model *m, size_t F, size_t d, uint64_t seed, gfd_err *err);
void critic_model_free(critic_model *m);

/* Minimises, from the current theta (a warm start), the loss
 *   sum_i a_i log(1 + e^(-d(x_i))) + sum_j b_j log(1 + e^(d(y_j))) + (l2/2) |theta_1..F|^2,
 * a and b the weights of X and Y normalised to 1/2 each, until the largest gradient entry
 * is at most tol (or max_iters Newton steps). Same bytes for any thread count. */
int critic_fit(critic_model *m, const gfd_cloud *X, const gfd_cloud *Y, double l2, double tol,
               int max_iters, critic_fit_info *info, gfd_err *err);

/* d at the rows of Q (n x d) into logit (n), and grad d into grad (n x d, or NULL). */
int critic_eval(const critic_model *m, const double *Q, size_t n, double *logit, double *grad,
                gfd_err *err);

#endif
