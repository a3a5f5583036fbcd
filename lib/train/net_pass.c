/* Forward and backward passes of a generator network (net_impl.h), by hand: each operation
 * has its forward and, beside it, its backward. The batch is cut into blocks of NET_ROWS
 * rows that threads take in any order; every block runs BLAS on one thread (OpenBLAS's
 * OpenMP build does so inside a parallel region). A weight's gradient is summed over the
 * rows of each part (NET_PART_ROWS rows) in one fixed order, and the parts are added in
 * order, so no thread count changes a byte. Processes sharing the work (gfd/ranks.h, the
 * data parallelism of gfd-train-mpi) deal the parts: each runs forward and backward over its
 * parts only, then the outputs and the parts' gradients are exchanged, and every process
 * adds the same parts in the same order. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "gfd/ranks.h"
#include "train/net_impl.h"

#define NORM_EPS 1e-5  /* PyTorch's LayerNorm default */

static size_t nblocks(size_t n) { return (n + NET_ROWS - 1) / NET_ROWS; }
static size_t block_rows(size_t n, size_t blk)
{
    return blk + 1 < nblocks(n) ? NET_ROWS : n - blk * NET_ROWS;
}
static size_t nparts(size_t n) { return (n + NET_PART_ROWS - 1) / NET_PART_ROWS; }
static size_t part_rows(size_t n, size_t p)
{
    return p + 1 < nparts(n) ? NET_PART_ROWS : n - p * NET_PART_ROWS;
}
/* The blocks and parts of this process's rows [lo, hi) (lo is a part's start or n). */
static void my_blocks(const gfd_net *net, size_t *b0, size_t *b1)
{
    *b0 = nblocks(net->lo), *b1 = nblocks(net->hi);
}
static void my_parts(const gfd_net *net, size_t *p0, size_t *p1)
{
    *p0 = nparts(net->lo), *p1 = nparts(net->hi);
}
static double *part_grad(const gfd_net *net, size_t p) { return net->parts + p * net->nparams; }

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

/* The forward pass over this process's rows, into those rows of X. */
static int forward_mine(gfd_net *net, const double *Z, double *X, gfd_err *err)
{
    size_t lo = net->lo, hi = net->hi, zdim = (size_t)net->arch.zdim, dout = (size_t)net->arch.dout;
    size_t b0, b1;
    my_blocks(net, &b0, &b1);
    memcpy(net->act[0] + lo * zdim, Z + lo * zdim, (hi - lo) * zdim * sizeof *Z);
    for (int k = 0; k < net->nops; k++) {
        #pragma omp parallel for schedule(dynamic, 1)
        for (size_t blk = b0; blk < b1; blk++)
            forward_rows(net, k, blk * NET_ROWS, block_rows(net->n, blk));
    }
    memcpy(X + lo * dout, net->act[net->nops] + lo * dout, (hi - lo) * dout * sizeof *X);
    for (size_t i = lo * dout; i < hi * dout; i++)
        if (!isfinite(X[i]))
            return gfd_fail(err, GFD_ENUMERIC, "network output not finite (row %zu)", i / dout + 1);
    return 0;
}

int gfd_net_forward(gfd_net *net, const double *Z, size_t n, double *X, gfd_err *err)
{
    const gfd_ranks *rk = gfd_ranks_current();
    gfd_rank_deal rows = {n, NET_PART_ROWS, rk ? rk->size : 1};  /* whole parts */
    int status = net_reserve(net, n, err);
    if (status == 0) {
        net->n = n;
        gfd_rank_deal_of(&rows, rk ? rk->rank : 0, &net->lo, &net->hi);
        status = forward_mine(net, Z, X, err);
    }
    if (!rk)
        return status;
    size_t width = (size_t)net->arch.dout;
    return rk->share_rows(rk->ctx, status, &X, &width, 1, &(gfd_rank_rows){gfd_rank_deal_of, &rows},
                          err);
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

/* ---- backward: G is d loss / d (op output), Gin gets d loss / d (op input), over this
 * process's rows; a weight's gradient goes to each part's row of net->parts ---- */

/* Each of this process's parts: the column sums of its rows of G (n x w), in row order,
 * at offset off of its gradient. */
static void part_column_sums(const gfd_net *net, const double *G, int w, size_t off)
{
    size_t p0, p1;
    my_parts(net, &p0, &p1);
    #pragma omp parallel for schedule(static)
    for (size_t t = 0; t < (p1 - p0) * (size_t)w; t++) {
        size_t p = p0 + t / (size_t)w, j = t % (size_t)w, r0 = p * NET_PART_ROWS;
        double s = 0;
        for (size_t i = r0; i < r0 + part_rows(net->n, p); i++)
            s += G[i * w + j];
        part_grad(net, p)[off + j] = s;
    }
}

/* Each part's dW (out x in) = G^T X over its rows, by bands of 16 rows of dW; db = column
 * sums of G; Gin = G W (NULL for the first layer: Z needs none). */
static void linear_backward(gfd_net *net, const net_op *op, const double *X, const double *G,
                            double *Gin)
{
    const size_t OB = 16, bands = ((size_t)op->out + OB - 1) / OB;
    size_t p0, p1, b0, b1;
    my_parts(net, &p0, &p1);
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t t = 0; t < (p1 - p0) * bands; t++) {
        size_t p = p0 + t / bands, r0 = p * NET_PART_ROWS, o0 = t % bands * OB;
        int ob = (size_t)op->out - o0 < OB ? op->out - (int)o0 : (int)OB;
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ob, op->in, (int)part_rows(net->n, p),
                    1.0, G + r0 * op->out + o0, op->out, X + r0 * op->in, op->in, 0.0,
                    part_grad(net, p) + op->w + o0 * op->in, op->in);
    }
    part_column_sums(net, G, op->out, op->b);
    if (!Gin)
        return;
    my_blocks(net, &b0, &b1);
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t blk = b0; blk < b1; blk++) {
        size_t r0 = blk * NET_ROWS, rows = block_rows(net->n, blk);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, op->in, op->out, 1.0,
                    G + r0 * op->out, op->out, net->params + op->w, op->in, 0.0, Gin + r0 * op->in,
                    op->in);
    }
}

/* LayerNorm: with xh = (x - mu) inv and gh = gain g, dx = inv (gh - mean(gh) - xh mean(gh xh));
 * d gain = sum g xh, d bias = sum g (over each part's rows). */
static void norm_backward(gfd_net *net, int k, const double *G, double *Gin)
{
    const net_op *op = &net->ops[k];
    const double *X = net->act[k], *st = net->stat[k], *gain = net->params + op->w;
    size_t w = (size_t)op->in, p0, p1;
    my_parts(net, &p0, &p1);
    #pragma omp parallel for schedule(static)
    for (size_t t = 0; t < (p1 - p0) * w; t++) {
        size_t p = p0 + t / w, j = t % w, r0 = p * NET_PART_ROWS;
        double sg = 0, sb = 0;
        for (size_t i = r0; i < r0 + part_rows(net->n, p); i++) {
            sg += G[i * w + j] * (X[i * w + j] - st[2 * i]) * st[2 * i + 1];
            sb += G[i * w + j];
        }
        part_grad(net, p)[op->w + j] = sg, part_grad(net, p)[op->b + j] = sb;
    }
    #pragma omp parallel for schedule(static)
    for (size_t i = net->lo; i < net->hi; i++) {
        const double *x = X + i * w, *g = G + i * w;
        double mu = st[2 * i], inv = st[2 * i + 1], m1 = 0, m2 = 0;
        for (size_t j = 0; j < w; j++)
            m1 += gain[j] * g[j], m2 += gain[j] * g[j] * (x[j] - mu) * inv;
        m1 /= (double)w, m2 /= (double)w;
        for (size_t j = 0; j < w; j++)
            Gin[i * w + j] = inv * (gain[j] * g[j] - m1 - (x[j] - mu) * inv * m2);
    }
}

static void silu_backward(const double *X, const double *G, double *Gin, size_t from, size_t to)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = from; i < to; i++) {
        double s = sigmoid(X[i]);
        Gin[i] = G[i] * s * (1 + X[i] * (1 - s));
    }
}

/* y = x / r: dx = (g - y (y . g)) / r, rows [lo, hi) */
static void sphere_backward(const double *Y, const double *st, const double *G, double *Gin,
                            size_t lo, size_t hi, int w)
{
    #pragma omp parallel for schedule(static)
    for (size_t i = lo; i < hi; i++) {
        double yg = cblas_ddot(w, Y + i * w, 1, G + i * w, 1);
        for (int j = 0; j < w; j++)
            Gin[i * w + j] = (G[i * w + j] - Y[i * w + j] * yg) / st[i];
    }
}

/* One operation backward; for ADD the skip gradient waits in net->skip until the backward
 * reaches the block's start (op `from`), where it is added. */
static void backward_op(gfd_net *net, int k, const double *G, double *Gin)
{
    const net_op *op = &net->ops[k];
    size_t from = net->lo * (size_t)op->in, to = net->hi * (size_t)op->in;
    switch (op->kind) {
    case OP_LINEAR: linear_backward(net, op, net->act[k], G, k ? Gin : NULL); break;
    case OP_NORM: norm_backward(net, k, G, Gin); break;
    case OP_SILU: silu_backward(net->act[k], G, Gin, from, to); break;
    case OP_SPHERE:
        sphere_backward(net->act[k + 1], net->stat[k], G, Gin, net->lo, net->hi, op->in);
        break;
    case OP_ADD:
        memcpy(net->skip + from, G + from, (to - from) * sizeof *G);
        for (size_t i = from; i < to; i++)
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

/* grad = the parts' gradients added in part order, every process's parts first exchanged. */
static int add_parts(gfd_net *net, double *grad, gfd_err *err)
{
    const gfd_ranks *rk = gfd_ranks_current();
    size_t np = nparts(net->n), P = net->nparams;
    gfd_rank_deal parts = {np, 1, rk ? rk->size : 1};  /* the same runs as forward's rows */
    if (rk && rk->share_rows(rk->ctx, 0, &net->parts, &P, 1,
                             &(gfd_rank_rows){gfd_rank_deal_of, &parts}, err) < 0)
        return -1;
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < P; i++) {
        double s = net->parts[i];
        for (size_t p = 1; p < np; p++)
            s += net->parts[p * P + i];
        grad[i] = s;
    }
    return 0;
}

int gfd_net_backward(gfd_net *net, const double *dX, double *grad, gfd_err *err)
{
    if (!net->n)
        return gfd_fail(err, GFD_EUSAGE, "backward without a forward pass");
    size_t dout = (size_t)net->arch.dout;
    double *G = net->g0, *Gin = net->g1;
    memcpy(G + net->lo * dout, dX + net->lo * dout, (net->hi - net->lo) * dout * sizeof *dX);
    for (int k = net->nops - 1; k >= 0; k--) {
        backward_op(net, k, G, Gin);
        size_t w = (size_t)net->ops[k].in;
        if (k && block_starting_at(net, k) >= 0)
            for (size_t i = net->lo * w; i < net->hi * w; i++)
                Gin[i] += net->skip[i];
        double *t = G;
        G = Gin, Gin = t;
    }
    return add_parts(net, grad, err);
}
