/* The model file (.gfdm, gfd-train(1) MODEL FILE): a generator network's architecture and
 * weights, little-endian, version 1:
 *
 *   offset  0  8 bytes  magic "GFDMODEL"
 *           8  u32 x 10 version (1), kind (1 MLP, 2 residual MLP), flags (1: outputs on the
 *                       sphere, 2: optimizer state follows the weights), zdim, dout,
 *                       width, blocks (residual MLP; 0 for an MLP), nhidden, 0, 0
 *          48  u32 x nhidden  the MLP's hidden widths
 *              f64      residual scale (1 for an MLP)
 *              u64      P, the number of parameters
 *              f64 x P  the parameters, layer by layer: Linear W (out x in, row-major) then
 *                       b; LayerNorm gain then bias
 *   flags & 2: i64 steps done, u64 a hash of the training options, f64 x P Adam's first
 *              moments, f64 x P its second moments (a checkpoint)
 *   last 8     u64 FNV-1a 64 of every byte before it
 *
 * Loading checks every field and refuses a file that is not exactly this. */
#ifndef GFD_MODEL_H
#define GFD_MODEL_H

#include <stdint.h>

#include "defs.h"
#include "err.h"
#include "net.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

#define GFD_MODEL_VERSION 1

/* A checkpoint's optimizer state: m and v hold gfd_net_nparams doubles each. */
typedef struct {
    long done;
    uint64_t options_hash;
    double *m, *v;
} gfd_model_state;

/* Writes net (and st, when not NULL) to path atomically ("-": standard output). */
int gfd_model_save(const char *path, const gfd_net *net, const gfd_model_state *st,
                   gfd_err *err);
/* Reads a model. With st not NULL the file must be a checkpoint, and st->m and st->v are
 * allocated (caller frees); without, a checkpoint's state is skipped. Errors name the file
 * and what is wrong: "m.gfdm: bad magic (not a gfd model)", "truncated", "checksum ...". */
gfd_net *gfd_model_load(const char *path, gfd_model_state *st, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
