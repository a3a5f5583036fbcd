/* LD_PRELOAD shim for tests/blas.bats: makes OpenBLAS seem to have picked its Prescott
 * kernel when OPENBLAS_CORETYPE is unset, as it does on CPUs newer than itself, so that
 * the programs' restart with the right kernel (cli/cli.c) can be tested on any machine. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

char *openblas_get_corename(void);

char *openblas_get_corename(void)
{
    static char prescott[] = "Prescott";
    char *(*real)(void) = (char *(*)(void))dlsym(RTLD_NEXT, "openblas_get_corename");
    return getenv("OPENBLAS_CORETYPE") || !real ? real() : prescott;
}
