/* A clean failure under a tight address-space limit (ulimit -v). OpenBLAS 0.3.21 retries a
 * failed mmap of its work buffer forever (memory.c's blas_memory_alloc): once from its
 * constructor, and again in each thread's first call. Under a limit that leaves no room
 * for those buffers every program would hang, even for --help. This runs from
 * .preinit_array, after the libraries are mapped and before any of them starts, and exits
 * with one line when the limit cannot hold what is mapped now, a buffer for each thread
 * and one more for the constructor, and what each thread past the first maps besides.
 * Measured here (OpenBLAS 0.3.21, glibc 2.36): one thread runs from 312 MB, two from
 * about 650 MB; the estimate is 332 and 661 MB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define BLAS_BUFFER_MB 129   /* OpenBLAS's BUFFER_SIZE (128 MB) and its page of padding */
#define THREAD_MB 200        /* a thread's stack, its malloc arena (64 MB, reserved as 128
                                while aligned) and the OpenMP runtime's share */
#define SLACK_MB 32          /* the heap and the libraries' own allocations at start */

/* Megabytes of address space mapped now (/proc/self/statm's first field), or 0. */
static long mapped_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0;
    if (f) {
        if (fscanf(f, "%ld", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (long)((double)pages * (double)sysconf(_SC_PAGESIZE) / (1 << 20));
}

/* The threads OpenMP will start: OMP_NUM_THREADS's first number, else the CPUs online
 * (envp: getenv does not work yet this early). */
static long threads(char **envp)
{
    const char *env = NULL, *key = "OMP_NUM_THREADS=";
    for (char **e = envp; e && *e; e++)
        if (!strncmp(*e, key, strlen(key)))
            env = *e + strlen(key);
    long n = env ? strtol(env, NULL, 10) : 0;
    return n > 0 ? n : sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
}

static void check_address_space(int argc, char **argv, char **envp)
{
    (void)argc;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return;
    long t = threads(envp);
    long need = mapped_mb() + (t + 1) * BLAS_BUFFER_MB + (t - 1) * THREAD_MB + SLACK_MB;
    long limit = (long)(rl.rlim_cur >> 20);
    if (limit >= need)
        return;
    const char *prog = argv && argv[0] ? strrchr(argv[0], '/') : NULL;
    prog = prog ? prog + 1 : argv && argv[0] ? argv[0] : "gfd";
    dprintf(STDERR_FILENO, "%s: the address-space limit (ulimit -v) of %ld MB is below the %ld MB "
            "that OpenBLAS's work buffers need with %ld thread%s: raise it, or set OMP_NUM_THREADS "
            "lower\n", prog, limit, need, t, t == 1 ? "" : "s");
    _exit(1);
}

__attribute__((section(".preinit_array"), used))
static void (*const preinit_check)(int, char **, char **) = check_address_space;
