/* Prints the CPU kernel OpenBLAS chose (it falls back to an old one on CPUs it does not
 * know: every bench figure is printed with it). */
#include <stdio.h>

char *openblas_get_corename(void);
int openblas_get_parallel(void);

int main(void)
{
    static const char *const kinds[] = {"sequential", "pthreads", "OpenMP"};
    int p = openblas_get_parallel();
    printf("%s (%s)\n", openblas_get_corename(), p >= 0 && p <= 2 ? kinds[p] : "?");
    return 0;
}
