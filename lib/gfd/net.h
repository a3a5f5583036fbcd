/* One-step generators (gfd-train(1)): a network x = f(z) from noise z in R^zdim to a sample in
 * R^d, trained so that each batch of its outputs moves along a velocity field. Two
 * architectures: the MLP of Deng et al.'s toy demo (Linear and SiLU layers) and the
 * residual MLP of arXiv:2603.12366 (LayerNorm, SiLU, blocks x + s g(x)). Forward and
 * backward are hand-written over OpenBLAS GEMMs in float64; the batch is cut into blocks of
 * fixed size, so no thread count changes a byte. */
#ifndef GFD_NET_H
#define GFD_NET_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

#define GFD_NET_MAX_HIDDEN 16    /* hidden layers of an MLP */
#define GFD_NET_MAX_BLOCKS 64    /* blocks of a residual MLP */
#define GFD_NET_MAX_WIDTH 65536  /* zdim, d, any width */

typedef enum { GFD_NET_MLP = 1, GFD_NET_RESMLP = 2 } gfd_net_kind;

typedef struct {
    gfd_net_kind kind;
    int zdim, dout;                    /* noise and output dimensions */
    int nhidden;                       /* MLP: hidden layers, widths in hidden[] */
    int hidden[GFD_NET_MAX_HIDDEN];
    int width, blocks;                 /* residual MLP: width h, blocks (inner width 2h) */
    double res_scale;                  /* residual MLP: x + res_scale g(x) */
    int sphere;                        /* outputs normalised onto S^(dout-1) */
} gfd_net_arch;

typedef struct gfd_net gfd_net;

/* A network of the architecture (checked: GFD_EUSAGE for bad shapes), weights zero. */
gfd_net *gfd_net_new(const gfd_net_arch *arch, gfd_err *err);
void gfd_net_free(gfd_net *net);
const gfd_net_arch *gfd_net_get_arch(const gfd_net *net);
/* Whether two architectures make the same network (fields the kind does not use ignored). */
int gfd_net_arch_equal(const gfd_net_arch *a, const gfd_net_arch *b);
/* One line for -v: "mlp, noise 32, output 2, 140546 parameters" (with " on the sphere"). */
void gfd_net_describe(const gfd_net *net, char *buf, size_t cap);
/* The parameters, in the order of the model file (man gfd-train, MODEL FILE). */
size_t gfd_net_nparams(const gfd_net *net);
double *gfd_net_params(const gfd_net *net);
/* PyTorch's default initialisation from the streams of seed: Linear weights and biases
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), LayerNorm gain 1 and bias 0; out_std > 0 draws the
 * output layer's weights N(0, out_std^2) with a zero bias (a start collapsed at 0). */
void gfd_net_init(gfd_net *net, uint64_t seed, double out_std);

/* X (n x dout) = f(Z) for Z (n x zdim), keeping what backward needs. */
int gfd_net_forward(gfd_net *net, const double *Z, size_t n, double *X, gfd_err *err);
/* The same without keeping anything: for sampling, in chunks of any size. */
int gfd_net_sample(gfd_net *net, const double *Z, size_t n, double *X, gfd_err *err);
/* grad (gfd_net_nparams) = d loss / d params, for dX = d loss / dX at the last forward's
 * outputs (n x dout). */
int gfd_net_backward(gfd_net *net, const double *dX, double *grad, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
