/* The inside of a gfd_net (private to lib/): the architecture unrolled into a list of
 * operations over activation buffers, and the buffers of one forward pass. net.c builds
 * and initialises it; net_pass.c runs forward and backward. */
#ifndef GFD_TRAIN_NET_IMPL_H
#define GFD_TRAIN_NET_IMPL_H

#include "gfd/net.h"

typedef enum {
    OP_LINEAR,   /* y = x W^T + b, W: out x in (row-major), b: out */
    OP_NORM,     /* LayerNorm over the features: y = gain (x - mu) / sqrt(var + 1e-5) + bias */
    OP_SILU,     /* y = x sigmoid(x) */
    OP_ADD,      /* y = act[from] + scale x: the end of a residual block */
    OP_SPHERE,   /* y = x / |x| */
} op_kind;

typedef struct {
    op_kind kind;
    int in, out;      /* widths of its input and output */
    size_t w, b;      /* offsets in params: LINEAR W and b, NORM gain and bias */
    int from;         /* ADD: the activation the block started from */
    double scale;     /* ADD */
} net_op;

#define NET_ROWS 64   /* rows per block of the batch: fixed, so the thread count is invisible */
/* Rows per part (a whole number of blocks): a weight's gradient is summed over each part's
 * rows, then the parts are added in order. Processes (gfd/ranks.h) deal the parts, so the
 * process count is invisible too. */
#define NET_PART_ROWS 256

struct gfd_net {
    gfd_net_arch arch;
    net_op *ops;
    int nops, maxw;        /* maxw: the widest activation */
    size_t nparams;
    double *params;
    size_t cap, n;         /* rows the buffers hold; rows of the last forward */
    size_t lo, hi;         /* the rows of the last forward this process computed */
    double **act;          /* act[k] (n x ops[k].in) is op k's input, act[nops] the output */
    double **stat;         /* NORM: per row mean and 1/std (2n); SPHERE: per row |x| (n) */
    double *g0, *g1, *skip; /* gradients (n x maxw): the current, the next, a block's skip */
    double *parts;         /* each part's gradient (parts x nparams) */
};

/* The number of parameters of an architecture, checked as gfd_net_new checks it. */
int net_param_count(const gfd_net_arch *arch, size_t *count, gfd_err *err);
/* Makes the buffers hold n rows (keeping nothing). */
int net_reserve(gfd_net *net, size_t n, gfd_err *err);

#endif
