/* Which OpenBLAS kernel runs gfd's GEMMs, and whether it is the right one. OpenBLAS
 * (Debian's 0.3.21) picks its kernel by the CPU's model number when it loads, and on models
 * newer than itself falls back to an old one (Prescott, SSE3) that runs DGEMM 5-6x slower
 * on an AVX-512 Xeon. The choice is made once, at load, from the environment variable
 * OPENBLAS_CORETYPE: a program can only ask for another kernel by setting it and starting
 * again, which gfd's programs do (gfd(7), ENVIRONMENT); a program linking the library can
 * do the same with these two functions. */
#ifndef GFD_BLAS_H
#define GFD_BLAS_H

#include "defs.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

/* The name of the kernel OpenBLAS runs ("Haswell", "SkylakeX", "Prescott", ...). */
const char *gfd_blas_core(void);

/* The OPENBLAS_CORETYPE to ask for when `core` is a fallback below what this CPU can run
 * (a pre-AVX2 kernel on a CPU with AVX2 and FMA), or NULL when `core` is right. */
const char *gfd_blas_better_core(const char *core);

/* The same for a CPU described by its features (1/0): the decision alone, for tests. */
const char *gfd_blas_better_core_for(const char *core, int avx2_fma, int avx512);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
