/* Forward and backward passes of a generator network (net_impl.h), by hand: each operation
 * has its forward and, beside it, its backward. The batch is cut into blocks of NET_ROWS
 * rows that threads take in any order; every block runs BLAS on one thread (OpenBLAS's
 * OpenMP build does so inside a parallel region), and a sum over the batch (a weight's
 * gradient) is done in one fixed order, so no thread count changes a byte. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "train/net_impl.h"

#define NORM_EPS 1e-5  /* PyTorch's LayerNorm default */

static size_t nblocks(size_t n) { return (n + NET_ROWS - 1) / NET_ROWS; }
static size_t block_rows(size_t n, size_t blk)
{
    return blk + 1 < nblocks(n) ? NET_ROWS : n - blk * NET_ROWS;
}

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

/* Y (rows x out) = X (rows x in) W^T + b */
static void linear_rows(const net_op *op, const double *P, const double *X, double *Y, size_t rows)
{
    for (size_t i = 0; i < rows; i++)
        memcpy(Y + i * op->out, P + op->b, (size_t)op->out * sizeof *Y);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, op->out, op->in, 1.0, X, op->in,
                P + op->w, op->in, 1.0, Y, op->out);
}

/* LayerNorm of each row; st gets per row the mean and 1/std. */
static void norm_rows(const net_op *op, const double *P, const double *X, double *Y, double *st,
                      size_t rows)
{
    int w = op->in;
    for (size_t i = 0; i < rows; i++) {
        const double *x = X + i * w;
        double mu = 0, var = 0;
        for (int j = 0; j < w; j++)
            mu += x[j];
        mu /= w;
        for (int j = 0; j < w; j++)
            var += (x[j] - mu) * (x[j] - mu);
        double inv = 1 / sqrt(var / w + NORM_EPS);
        for (int j = 0; j < w; j++)
            Y[i * w + j] = P[op->w + j] * (x[j] - mu) * inv + P[op->b + j];
        st[2 * i] = mu, st[2 * i + 1] = inv;
    }
}

static void silu_rows(int w, const double *X, double *Y, size_t rows)
{
    for (size_t i = 0; i < rows * (size_t)w; i++)
        Y[i] = X[i] * sigmoid(X[i]);
}

static void sphere_rows(int w, const double *X, double *Y, double *st, size_t rows)
{
    for (size_t i = 0; i < rows; i++) {
        double r = cblas_dnrm2(w, X + i * w, 1);
        st[i] = r;
        for (int j = 0; j < w; j++)
            Y[i * w + j] = X[i * w + j] / r;
    }
}

/* Operation k on rows [r0, r0 + rows) of the batch. */
static void forward_rows(gfd_net *net, int k, size_t r0, size_t rows)
{
    const net_op *op = &net->ops[k];
    const double *X = net->act[k] + r0 * op->in;
    double *Y = net->act[k + 1] + r0 * op->out;
    switch (op->kind) {
    case OP_LINEAR: linear_rows(op, net->params, X, Y, rows); break;
    case OP_NORM: norm_rows(op, net->params, X, Y, net->stat[k] + 2 * r0, rows); break;
    case OP_SILU: silu_rows(op->in, X, Y, rows); break;
    case OP_SPHERE: sphere_rows(op->in, X, Y, net->stat[k] + r0, rows); break;
    case OP_ADD: {
        const double *S = net->act[op->from] + r0 * op->in;
        for (size_t i = 0; i < rows * (size_t)op->in; i++)
            Y[i] = S[i] + op->scale * X[i];
        break;
    }
    }
}

int gfd_net_forward(gfd_net *net, const double *Z, size_t n, double *X, gfd_err *err)
{
    if (net_reserve(net, n, err) < 0)
        return -1;
    net->n = n;
    memcpy(net->act[0], Z, n * (size_t)net->arch.zdim * sizeof *Z);
    for (int k = 0; k < net->nops; k++) {
        #pragma omp parallel for schedule(dynamic, 1)
        for (size_t blk = 0; blk < nblocks(n); blk++)
            forward_rows(net, k, blk * NET_ROWS, block_rows(n, blk));
    }
    memcpy(X, net->act[net->nops], n * (size_t)net->arch.dout * sizeof *X);
    for (size_t i = 0; i < n * (size_t)net->arch.dout; i++)
        if (!isfinite(X[i]))
            return gfd_fail(err, GFD_ENUMERIC, "network output not finite (row %zu)",
                            i / (size_t)net->arch.dout + 1);
    return 0;
}

int gfd_net_sample(gfd_net *net, const double *Z, size_t n, double *X, gfd_err *err)
{
    const size_t chunk = 4096;
    for (size_t i = 0; i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        if (gfd_net_forward(net, Z + i * (size_t)net->arch.zdim, m, X + i * (size_t)net->arch.dout,
                            err) < 0)
            return gfd_err_prefix(err, "sample %zu", i + 1);
    }
    return 0;
}

/* ---- backward: G is d loss / d (op output), Gin gets d loss / d (op input) ---- */

/* Column sums of G (n x w) into out[w], each in row order. */
static void column_sums(const double *G, size_t n, int w, double *out)
{
    #pragma omp parallel for schedule(static)
    for (int j = 0; j < w; j++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += G[i * w + j];
        out[j] = s;
    }
}

/* dW (out x in) = G^T X over the batch, by blocks of 16 rows of dW (each a whole sum);
 * db = column sums of G; Gin = G W (NULL for the first layer: Z needs none). */
static void linear_backward(gfd_net *net, const net_op *op, const double *X, const double *G,
                            double *Gin, double *grad)
{
    size_t n = net->n;
    const int OB = 16;
    #pragma omp parallel for schedule(dynamic, 1)
    for (int o0 = 0; o0 < op->out; o0 += OB) {
        int ob = op->out - o0 < OB ? op->out - o0 : OB;
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ob, op->in, (int)n, 1.0, G + o0, op->out,
                    X, op->in, 0.0, grad + op->w + (size_t)o0 * op->in, op->in);
    }
    column_sums(G, n, op->out, grad + op->b);
    if (!Gin)
        return;
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t blk = 0; blk < nblocks(n); blk++) {
        size_t r0 = blk * NET_ROWS, rows = block_rows(n, blk);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, op->in, op->out, 1.0,
                    G + r0 * op->out, op->out, net->params + op->w, op->in, 0.0, Gin + r0 * op->in,
                    op->in);
    }
}

/* LayerNorm: with xh = (x - mu) inv and gh = gain g, dx = inv (gh - mean(gh) - xh mean(gh xh));
 * d gain = sum g xh, d bias = sum g. */
static void norm_backward(gfd_net *net, int k, const double *G, double *Gin, double *grad)
{
    const net_op *op = &net->ops[k];
    const double *X = net->act[k], *st = net->stat[k], *gain = net->params + op->w;
    size_t n = net->n;
    int w = op->in;
    #pragma omp parallel for schedule(static)
    for (int j = 0; j < w; j++) {
        double sg = 0, sb = 0;
        for (size_t i = 0; i < n; i++) {
            sg += G[i * w + j] * (X[i * w + j] - st[2 * i]) * st[2 * i + 1];
            sb += G[i * w + j];
        }
        grad[op->w + j] = sg, grad[op->b + j] = sb;
    }
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * w, *g = G + i * w;
        double mu = st[2 * i], inv = st[2 * i + 1], m1 = 0, m2 = 0;
        for (int j = 0; j < w; j++)
            m1 += gain[j] * g[j], m2 += gain[j] * g[j] * (x[j] - mu) * inv;
        m1 /= w, m2 /= w;
        for (int j = 0; j < w; j++)
            Gin[i * w + j] = inv * (gain[j] * g[j] - m1 - (x[j] - mu) * inv * m2);
    }
}

static void silu_backward(const double *X, const double *G, double *Gin, size_t len)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < len; i++) {
        double s = sigmoid(X[i]);
        Gin[i] = G[i] * s * (1 + X[i] * (1 - s));
    }
}

/* y = x / r: dx = (g - y (y . g)) / r */
static void sphere_backward(const double *Y, const double *st, const double *G, double *Gin,
                            size_t n, int w)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        double yg = cblas_ddot(w, Y + i * w, 1, G + i * w, 1);
        for (int j = 0; j < w; j++)
            Gin[i * w + j] = (G[i * w + j] - Y[i * w + j] * yg) / st[i];
    }
}

/* One operation backward; for ADD the skip gradient waits in net->skip until the backward
 * reaches the block's start (op `from`), where it is added. */
static void backward_op(gfd_net *net, int k, const double *G, double *Gin, double *grad)
{
    const net_op *op = &net->ops[k];
    size_t len = net->n * (size_t)op->in;
    switch (op->kind) {
    case OP_LINEAR: linear_backward(net, op, net->act[k], G, k ? Gin : NULL, grad); break;
    case OP_NORM: norm_backward(net, k, G, Gin, grad); break;
    case OP_SILU: silu_backward(net->act[k], G, Gin, len); break;
    case OP_SPHERE: sphere_backward(net->act[k + 1], net->stat[k], G, Gin, net->n, op->in); break;
    case OP_ADD:
        memcpy(net->skip, G, len * sizeof *G);
        for (size_t i = 0; i < len; i++)
            Gin[i] = op->scale * G[i];
        break;
    }
}

/* The block that starts at op k, if any (its ADD), so that its skip gradient joins. */
static int block_starting_at(const gfd_net *net, int k)
{
    for (int j = k; j < net->nops; j++)
        if (net->ops[j].kind == OP_ADD && net->ops[j].from == k)
            return j;
    return -1;
}

int gfd_net_backward(gfd_net *net, const double *dX, double *grad, gfd_err *err)
{
    if (!net->n)
        return gfd_fail(err, GFD_EUSAGE, "backward without a forward pass");
    double *G = net->g0, *Gin = net->g1;
    memcpy(G, dX, net->n * (size_t)net->arch.dout * sizeof *dX);
    for (int k = net->nops - 1; k >= 0; k--) {
        backward_op(net, k, G, Gin, grad);
        if (k && block_starting_at(net, k) >= 0)
            for (size_t i = 0; i < net->n * (size_t)net->ops[k].in; i++)
                Gin[i] += net->skip[i];
        double *t = G;
        G = Gin, Gin = t;
    }
    return 0;
}
