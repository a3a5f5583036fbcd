/* The critic of MATH §3.9: random Fourier features and a Newton solver of the L2-penalised
 * logistic regression that separates the particles (label 1) from the targets (label 0),
 * each class weighted to 1/2, so that the optimal logit is log(q/p).
 *
 * Work is cut into fixed blocks of rows (and of Hessian columns), each done by one serial
 * BLAS call and summed in block order, so no thread count changes a byte: OpenBLAS runs
 * serially inside an active OpenMP region, and the Cholesky factorisation is called from
 * one thread of a team for that reason. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/lapack.h"
#include "fields/critic.h"
#include "gfd/field.h"
#include "gfd/rng.h"

#define ROWS 256       /* rows per block of the features, logits and gradient sums */
#define COLS 64        /* Hessian columns per block */
#define ARMIJO 1e-4    /* sufficient decrease of the line search */
#define HALVINGS 40

int critic_model_init(critic_model *m, size_t F, size_t d, uint64_t seed, gfd_err *err)
{
    *m = (critic_model){.F = F, .d = d, .h = 1};
    m->Z = gfd_alloc(F, d * sizeof *m->Z, "critic features", err);
    m->b = m->Z ? gfd_alloc(F, sizeof *m->b, "critic features", err) : NULL;
    m->theta = m->b ? gfd_alloc(F + 1, sizeof *m->theta, "critic weights", err) : NULL;
    if (!m->theta) {
        critic_model_free(m);
        return -1;
    }
    gfd_rng r;
    gfd_field_rng(&r, seed, 0, GFD_STREAM_CRITIC, 0);
    for (size_t e = 0; e < F * d; e++)
        m->Z[e] = gfd_rng_normal(&r);
    for (size_t f = 0; f < F; f++)
        m->b[f] = 2 * M_PI * gfd_rng_uniform(&r);
    memset(m->theta, 0, (F + 1) * sizeof *m->theta);
    return 0;
}

void critic_model_free(critic_model *m)
{
    free(m->Z), free(m->b), free(m->theta);
    m->Z = m->b = m->theta = NULL;
}

/* Phi (n x (F+1), rows of stride F+1) = [sqrt(2/F) cos(Q Z^T / h + b), 1] of the rows of Q. */
static void features(const critic_model *m, const double *Q, size_t n, double *Phi)
{
    const size_t F = m->F, P = F + 1;
    const double s = sqrt(2.0 / (double)F);
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t i0 = 0; i0 < n; i0 += ROWS) {
        size_t rows = n - i0 < ROWS ? n - i0 : ROWS;
        double *blk = Phi + i0 * P;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)F, (int)m->d,
                    1 / m->h, Q + i0 * m->d, (int)m->d, m->Z, (int)m->d, 0.0, blk, (int)P);
        for (size_t i = 0; i < rows; i++) {
            for (size_t f = 0; f < F; f++)
                blk[i * P + f] = s * cos(blk[i * P + f] + m->b[f]);
            blk[i * P + F] = 1;
        }
    }
}

/* The regression's data: K = N + M feature rows, label 1 for the first N, class weights. */
typedef struct {
    size_t K, n, P, nblocks;
    double l2;
    double *Phi, *Psi;    /* K x P each: the features, and sqrt(s_k) times them */
    double *c, *z;        /* K: class weights, logits (z a view into c's allocation) */
    double *part;         /* nblocks x (P + 1): per-block gradient sums and the loss */
    double *H, *g, *step, *trial;  /* P x P, then P each in H's allocation */
} fit;

static double softplus(double t) { return fmax(t, 0) + log1p(exp(-fabs(t))); }
static double sigmoid(double t) { return t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)); }

/* The penalised loss at theta; leaves the logits in f->z and, per block, the gradient sums
 * Phi^T (c (sigma(z) - y)) in f->part. */
static double loss_and_parts(fit *f, const double *theta)
{
    const size_t P = f->P;
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t blk = 0; blk < f->nblocks; blk++) {
        size_t k0 = blk * ROWS, rows = f->K - k0 < ROWS ? f->K - k0 : ROWS;
        double *part = f->part + blk * (P + 1), *r = f->Psi + k0 * P, loss = 0;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)P, 1.0, f->Phi + k0 * P, (int)P,
                    theta, 1, 0.0, f->z + k0, 1);
        for (size_t k = k0; k < k0 + rows; k++) {  /* label 1: the particles */
            int y = k < f->n;
            loss += f->c[k] * softplus(y ? -f->z[k] : f->z[k]);
            r[k - k0] = f->c[k] * (sigmoid(f->z[k]) - y);  /* Psi's rows serve as scratch */
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)rows, (int)P, 1.0, f->Phi + k0 * P, (int)P,
                    r, 1, 0.0, part, 1);
        part[P] = loss;
    }
    double loss = 0;
    for (size_t blk = 0; blk < f->nblocks; blk++)
        loss += f->part[blk * (P + 1) + P];
    for (size_t j = 0; j + 1 < P; j++)
        loss += 0.5 * f->l2 * theta[j] * theta[j];
    return loss;
}

/* g = the gradient at the theta of the last loss_and_parts; returns its largest entry. */
static double gradient(fit *f, const double *theta)
{
    const size_t P = f->P;
    double gmax = 0;
    for (size_t j = 0; j < P; j++) {
        double s = j + 1 < P ? f->l2 * theta[j] : 0;
        for (size_t blk = 0; blk < f->nblocks; blk++)
            s += f->part[blk * (P + 1) + j];
        f->g[j] = s;
        gmax = fmax(gmax, fabs(s));
    }
    return gmax;
}

/* H = Phi^T diag(c sigma (1 - sigma)) Phi + l2 (I without the intercept), at f->z: the
 * upper triangle by blocks of columns, then mirrored. */
static void hessian(fit *f)
{
    const size_t P = f->P, K = f->K;
    #pragma omp parallel for schedule(static)
    for (size_t k = 0; k < K; k++) {
        double sg = sigmoid(f->z[k]), w = sqrt(f->c[k] * sg * (1 - sg));
        for (size_t j = 0; j < P; j++)
            f->Psi[k * P + j] = w * f->Phi[k * P + j];
    }
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t j0 = 0; j0 < P; j0 += COLS) {
        size_t cols = P - j0 < COLS ? P - j0 : COLS;
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(j0 + cols), (int)cols, (int)K,
                    1.0, f->Psi, (int)P, f->Psi + j0, (int)P, 0.0, f->H + j0, (int)P);
    }
    for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < i; j++)
            f->H[i * P + j] = f->H[j * P + i];
    for (size_t j = 0; j + 1 < P; j++)
        f->H[j * P + j] += f->l2;
}

/* f->step = -H^-1 g by Cholesky, from one thread (see the top of the file). */
static int newton_step(fit *f, gfd_err *err)
{
    const int P = (int)f->P;
    int info = 0;
    #pragma omp parallel
    #pragma omp single
    {
        dpotrf_("U", &P, f->H, &P, &info, 1);
        if (info == 0) {
            for (int j = 0; j < P; j++)
                f->step[j] = -f->g[j];
            cblas_dtrsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, P, f->H, P, f->step, 1);
            cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, P, f->H, P, f->step, 1);
        }
    }
    if (info != 0)
        return gfd_fail(err, GFD_ENUMERIC, "critic: the Hessian is not positive definite "
                        "(pivot %d); a larger --l2 regularises it", info);
    return 0;
}

/* Backtracking along f->step from theta (loss at theta: *loss); on success theta and *loss
 * move, f->z and f->part are those of the new theta. Near the optimum the decrease falls
 * below rounding, and the full step is taken as it stands. */
static int line_search(fit *f, double *theta, double *loss)
{
    const size_t P = f->P;
    double slope = cblas_ddot((int)P, f->g, 1, f->step, 1);
    for (int h = 0; h < HALVINGS; h++) {
        double t = ldexp(1, -h);
        for (size_t j = 0; j < P; j++)
            f->trial[j] = theta[j] + t * f->step[j];
        double l = loss_and_parts(f, f->trial);
        if (l <= *loss + ARMIJO * t * slope || -slope < 1e-13 * fmax(1, fabs(*loss))) {
            memcpy(theta, f->trial, P * sizeof *theta);
            *loss = l;
            return 0;
        }
    }
    loss_and_parts(f, theta);  /* no decrease: back to theta's logits and sums */
    return -1;
}

static void fit_free(fit *f)
{
    free(f->Phi), free(f->Psi), free(f->c), free(f->part), free(f->H);
}

static int fit_alloc(fit *f, const critic_model *m, const gfd_cloud *X, const gfd_cloud *Y,
                     double l2, gfd_err *err)
{
    const size_t K = X->n + Y->n, P = m->F + 1;
    *f = (fit){.K = K, .n = X->n, .P = P, .nblocks = (K + ROWS - 1) / ROWS, .l2 = l2};
    f->Phi = gfd_alloc(K, P * sizeof(double), "critic features", err);
    f->Psi = f->Phi ? gfd_alloc(K, P * sizeof(double), "critic features", err) : NULL;
    f->c = f->Psi ? gfd_alloc(K, 2 * sizeof(double), "critic weights", err) : NULL;
    f->part = f->c ? gfd_alloc(f->nblocks, (P + 1) * sizeof(double), "critic sums", err) : NULL;
    f->H = f->part ? gfd_alloc(P, (P + 3) * sizeof(double), "critic Hessian", err) : NULL;
    if (!f->H) {
        fit_free(f);
        return -1;
    }
    f->z = f->c + K, f->g = f->H + P * P, f->step = f->g + P, f->trial = f->step + P;
    if (gfd_cloud_logweights(X, f->c, err) < 0 || gfd_cloud_logweights(Y, f->c + X->n, err) < 0) {
        fit_free(f);
        return -1;
    }
    for (size_t k = 0; k < K; k++)  /* MATH §3.9: each class weighs 1/2 */
        f->c[k] = 0.5 * exp(f->c[k]);
    features(m, X->x, X->n, f->Phi);
    features(m, Y->x, Y->n, f->Phi + X->n * P);
    return 0;
}

int critic_fit(critic_model *m, const gfd_cloud *X, const gfd_cloud *Y, double l2, double tol,
               int max_iters, critic_fit_info *info, gfd_err *err)
{
    fit f;
    if (fit_alloc(&f, m, X, Y, l2, err) < 0)
        return -1;
    *info = (critic_fit_info){0};
    double loss = loss_and_parts(&f, m->theta), gmax = gradient(&f, m->theta);
    int rc = 0;
    while (gmax > tol && info->iters < max_iters) {
        hessian(&f);
        if ((rc = newton_step(&f, err)) < 0 || line_search(&f, m->theta, &loss) < 0)
            break;
        info->iters++;
        gmax = gradient(&f, m->theta);
    }
    *info = (critic_fit_info){.iters = info->iters, .loss = loss, .grad = gmax,
                              .converged = gmax <= tol};
    fit_free(&f);
    return rc;
}

int critic_eval(const critic_model *m, const double *Q, size_t n, double *logit, double *grad,
                gfd_err *err)
{
    const size_t F = m->F, d = m->d;
    const double s = sqrt(2.0 / (double)F);
    const int T = omp_get_max_threads();
    double *scratch = gfd_alloc((size_t)T * ROWS, F * sizeof *scratch, "critic scratch", err);
    if (!scratch)
        return -1;
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t i0 = 0; i0 < n; i0 += ROWS) {
        size_t rows = n - i0 < ROWS ? n - i0 : ROWS;
        double *U = scratch + (size_t)omp_get_thread_num() * ROWS * F;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)F, (int)d, 1 / m->h,
                    Q + i0 * d, (int)d, m->Z, (int)d, 0.0, U, (int)F);
        for (size_t i = 0; i < rows; i++) {
            double l = m->theta[F];
            for (size_t f = 0; f < F; f++) {
                double u = U[i * F + f] + m->b[f];
                l += s * m->theta[f] * cos(u);
                U[i * F + f] = -s / m->h * m->theta[f] * sin(u);  /* d/du of the term, over h */
            }
            logit[i0 + i] = l;
        }
        if (grad)  /* grad d = sum_f (d term_f / du) z_f / h */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d, (int)F, 1.0,
                        U, (int)F, m->Z, (int)d, 0.0, grad + i0 * d, (int)d);
    }
    free(scratch);
    return 0;
}
