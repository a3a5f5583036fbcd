/* A generator network (gfd/net.h): the architecture checked and unrolled into operations,
 * its parameters laid out in the order of the model file, PyTorch's initialisation, and
 * the activation buffers. The passes are in net_pass.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/net_impl.h"
#include "gfd/rng.h"

static int check_width(const char *what, int w, gfd_err *err)
{
    if (w < 1 || w > GFD_NET_MAX_WIDTH)
        return gfd_fail(err, GFD_EUSAGE, "%s %d is out of range [1, %d]", what, w,
                        GFD_NET_MAX_WIDTH);
    return 0;
}

static int check_arch(const gfd_net_arch *a, gfd_err *err)
{
    if (check_width("noise dimension", a->zdim, err) < 0 ||
        check_width("output dimension", a->dout, err) < 0)
        return -1;
    if (a->sphere && a->dout < 2)
        return gfd_fail(err, GFD_EUSAGE, "outputs on the sphere need dimension >= 2");
    if (a->kind == GFD_NET_MLP) {
        if (a->nhidden < 0 || a->nhidden > GFD_NET_MAX_HIDDEN)
            return gfd_fail(err, GFD_EUSAGE, "%d hidden layers: at most %d", a->nhidden,
                            GFD_NET_MAX_HIDDEN);
        for (int l = 0; l < a->nhidden; l++)
            if (check_width("hidden width", a->hidden[l], err) < 0)
                return -1;
        return 0;
    }
    if (a->kind != GFD_NET_RESMLP)
        return gfd_fail(err, GFD_EUSAGE, "unknown network kind %d", (int)a->kind);
    if (check_width("width", a->width, err) < 0 || check_width("inner width", 2 * a->width, err) < 0)
        return -1;
    if (a->blocks < 0 || a->blocks > GFD_NET_MAX_BLOCKS)
        return gfd_fail(err, GFD_EUSAGE, "%d blocks: at most %d", a->blocks, GFD_NET_MAX_BLOCKS);
    if (!isfinite(a->res_scale))
        return gfd_fail(err, GFD_EUSAGE, "residual scale is not finite");
    return 0;
}

/* Appends an operation, counting its parameters (ops NULL: count only). */
static void push(gfd_net *net, net_op op)
{
    if (op.kind == OP_LINEAR)
        op.w = net->nparams, op.b = op.w + (size_t)op.out * op.in, net->nparams = op.b + op.out;
    if (op.kind == OP_NORM)
        op.w = net->nparams, op.b = op.w + op.out, net->nparams = op.b + op.out;
    if (net->ops)
        net->ops[net->nops] = op;
    net->nops++;
    net->maxw = op.out > net->maxw ? op.out : net->maxw;
}

static void linear(gfd_net *net, int in, int out) { push(net, (net_op){.kind = OP_LINEAR, .in = in, .out = out}); }
static void unary(gfd_net *net, op_kind k, int w) { push(net, (net_op){.kind = k, .in = w, .out = w}); }

/* MLP: Linear, SiLU per hidden layer, then Linear to dout. Residual MLP (arXiv:2603.12366):
 * Linear, LayerNorm, SiLU; per block x + s LN(fc2(SiLU(LN(fc1 x)))) with fc1: h -> 2h;
 * then Linear to dout. */
static void unroll(gfd_net *net)
{
    const gfd_net_arch *a = &net->arch;
    net->nops = 0, net->nparams = 0, net->maxw = a->zdim;
    int w = a->zdim;
    if (a->kind == GFD_NET_MLP) {
        for (int l = 0; l < a->nhidden; l++)
            linear(net, w, a->hidden[l]), unary(net, OP_SILU, a->hidden[l]), w = a->hidden[l];
    } else {
        int h = a->width;
        linear(net, w, h), unary(net, OP_NORM, h), unary(net, OP_SILU, h), w = h;
        for (int b = 0; b < a->blocks; b++) {
            int from = net->nops;
            linear(net, h, 2 * h), unary(net, OP_NORM, 2 * h), unary(net, OP_SILU, 2 * h);
            linear(net, 2 * h, h), unary(net, OP_NORM, h);
            push(net, (net_op){.kind = OP_ADD, .in = h, .out = h, .from = from, .scale = a->res_scale});
        }
    }
    linear(net, w, a->dout);
    if (a->sphere)
        unary(net, OP_SPHERE, a->dout);
}

/* The architecture with the fields its kind does not use cleared: one spelling per network. */
static gfd_net_arch canonical(const gfd_net_arch *a)
{
    gfd_net_arch c = *a;
    if (c.kind == GFD_NET_MLP) {
        c.width = c.blocks = 0, c.res_scale = 1;
        for (int l = c.nhidden; l < GFD_NET_MAX_HIDDEN; l++)
            c.hidden[l] = 0;
    } else {
        c.nhidden = 0;
        memset(c.hidden, 0, sizeof c.hidden);
    }
    c.sphere = !!c.sphere;
    return c;
}

int net_param_count(const gfd_net_arch *arch, size_t *count, gfd_err *err)
{
    if (check_arch(arch, err) < 0)
        return -1;
    gfd_net probe = {.arch = *arch};
    unroll(&probe);
    *count = probe.nparams;
    return 0;
}

gfd_net *gfd_net_new(const gfd_net_arch *arch, gfd_err *err)
{
    if (check_arch(arch, err) < 0)
        return NULL;
    gfd_net *net = gfd_alloc(1, sizeof *net, "network", err);
    if (!net)
        return NULL;
    net->arch = canonical(arch);
    unroll(net);
    net->ops = gfd_alloc((size_t)net->nops, sizeof *net->ops, "network", err);
    net->act = gfd_alloc((size_t)net->nops + 1, sizeof *net->act, "network", err);
    net->stat = gfd_alloc((size_t)net->nops, sizeof *net->stat, "network", err);
    net->params = net->ops ? gfd_alloc(net->nparams, sizeof *net->params, "weights", err) : NULL;
    if (!net->act || !net->stat || !net->params) {
        gfd_net_free(net);
        return NULL;
    }
    unroll(net);
    return net;
}

static void free_buffers(gfd_net *net)
{
    for (int k = 0; k <= net->nops; k++)
        free(net->act[k]), net->act[k] = NULL;
    for (int k = 0; k < net->nops; k++)
        free(net->stat[k]), net->stat[k] = NULL;
    free(net->g0), free(net->g1), free(net->skip), free(net->parts);
    net->g0 = net->g1 = net->skip = net->parts = NULL;
    net->cap = net->n = 0;
}

void gfd_net_free(gfd_net *net)
{
    if (!net)
        return;
    if (net->act && net->stat)
        free_buffers(net);
    free(net->ops), free(net->act), free(net->stat), free(net->params);
    free(net);
}

int net_reserve(gfd_net *net, size_t n, gfd_err *err)
{
    if (n <= net->cap)
        return 0;
    free_buffers(net);
    size_t w = (size_t)net->maxw;
    for (int k = 0; k <= net->nops; k++) {
        size_t width = k < net->nops ? (size_t)net->ops[k].in : (size_t)net->arch.dout;
        if (!(net->act[k] = gfd_alloc(n, width * sizeof(double), "activations", err)))
            return -1;
    }
    for (int k = 0; k < net->nops; k++)
        if ((net->ops[k].kind == OP_NORM || net->ops[k].kind == OP_SPHERE) &&
            !(net->stat[k] = gfd_alloc(2 * n, sizeof(double), "activations", err)))
            return -1;
    if (!(net->g0 = gfd_alloc(n, w * sizeof(double), "gradients", err)) ||
        !(net->g1 = gfd_alloc(n, w * sizeof(double), "gradients", err)) ||
        !(net->skip = gfd_alloc(n, w * sizeof(double), "gradients", err)) ||
        !(net->parts = gfd_alloc((n + NET_PART_ROWS - 1) / NET_PART_ROWS,
                                 net->nparams * sizeof(double), "gradients", err)))
        return -1;
    net->cap = n;
    return 0;
}

const gfd_net_arch *gfd_net_get_arch(const gfd_net *net) { return &net->arch; }

void gfd_net_describe(const gfd_net *net, char *buf, size_t cap)
{
    const gfd_net_arch *a = &net->arch;
    snprintf(buf, cap, "%s, noise %d, output %d%s, %zu parameters",
             a->kind == GFD_NET_MLP ? "mlp" : "resmlp", a->zdim, a->dout,
             a->sphere ? " on the sphere" : "", net->nparams);
}

int gfd_net_arch_equal(const gfd_net_arch *a, const gfd_net_arch *b)
{
    if (a->kind != b->kind || a->zdim != b->zdim || a->dout != b->dout || a->sphere != b->sphere)
        return 0;
    if (a->kind == GFD_NET_RESMLP)
        return a->width == b->width && a->blocks == b->blocks && a->res_scale == b->res_scale;
    if (a->nhidden != b->nhidden)
        return 0;
    for (int l = 0; l < a->nhidden; l++)
        if (a->hidden[l] != b->hidden[l])
            return 0;
    return 1;
}
size_t gfd_net_nparams(const gfd_net *net) { return net->nparams; }
double *gfd_net_params(const gfd_net *net) { return net->params; }

/* Each layer draws from its own stream of seed, so changing one layer's shape leaves the
 * others' weights as they were. */
void gfd_net_init(gfd_net *net, uint64_t seed, double out_std)
{
    int last = -1;
    for (int k = 0; k < net->nops; k++)
        if (net->ops[k].kind == OP_LINEAR)
            last = k;
    for (int k = 0; k < net->nops; k++) {
        const net_op *op = &net->ops[k];
        double *w = net->params + op->w, *b = net->params + op->b;
        gfd_rng r;
        gfd_rng_split(&r, seed, (uint64_t)k);
        if (op->kind == OP_NORM)
            for (int j = 0; j < op->out; j++)
                w[j] = 1, b[j] = 0;
        if (op->kind != OP_LINEAR)
            continue;
        size_t nw = (size_t)op->out * op->in;
        double bound = 1 / sqrt((double)op->in);
        int collapsed = k == last && out_std > 0;
        for (size_t i = 0; i < nw; i++)
            w[i] = collapsed ? out_std * gfd_rng_normal(&r) : bound * (2 * gfd_rng_uniform(&r) - 1);
        for (int j = 0; j < op->out; j++)
            b[j] = collapsed ? 0 : bound * (2 * gfd_rng_uniform(&r) - 1);
    }
}
