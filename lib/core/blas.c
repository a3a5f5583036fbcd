/* The OpenBLAS kernel and the check that it suits the CPU (gfd/blas.h). */
#include <string.h>
#include <strings.h>

#include "gfd/blas.h"

char *openblas_get_corename(void);

const char *gfd_blas_core(void) { return openblas_get_corename(); }

/* OpenBLAS's x86-64 kernels that use AVX2 and FMA (or AVX-512): the rest are older. */
static int is_modern(const char *core)
{
    static const char *const modern[] = {"haswell", "zen", "skylakex", "cooperlake",
                                         "sapphirerapids"};
    for (size_t i = 0; i < sizeof modern / sizeof *modern; i++)
        if (!strcasecmp(core, modern[i]))
            return 1;
    return 0;
}

const char *gfd_blas_better_core_for(const char *core, int avx2_fma, int avx512)
{
    if (!core || is_modern(core) || !avx2_fma)
        return NULL;
    return avx512 ? "SkylakeX" : "Haswell";
}

const char *gfd_blas_better_core(const char *core)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    int avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    /* SkylakeX's kernels use F, DQ, BW and VL (they come together on every such CPU) */
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    return gfd_blas_better_core_for(core, avx2_fma, avx512);
#else
    (void)core;
    return NULL;
#endif
}
