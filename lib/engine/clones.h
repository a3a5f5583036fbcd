/* Run-time dispatch of the hot kernels (private to lib/). GFD_CLONES before a function
 * makes the compiler build it once per instruction set (AVX-512, AVX2 with FMA, and the
 * baseline) and pick the best for the CPU when the program starts, so that a library
 * built for any x86-64 runs at the speed of one built with -march=native. Everything the
 * function inlines (the exp of vexp.h, the distance loops) is compiled for each set.
 * A build for one CPU (make NATIVE=1) defines GFD_NO_CLONES. */
#ifndef GFD_CLONES_H
#define GFD_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(GFD_NO_CLONES)
#define GFD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GFD_CLONES
#endif

/* The same for a function whose callees are to be inlined into each clone (flatten), so
 * that a whole solver runs on one instruction set; clang cannot combine the two and gets
 * the clones alone. */
#if defined(__clang__)
#define GFD_CLONES_FLAT GFD_CLONES
#elif defined(__GNUC__) && defined(__x86_64__) && !defined(GFD_NO_CLONES)
#define GFD_CLONES_FLAT GFD_CLONES __attribute__((flatten))
#else
#define GFD_CLONES_FLAT __attribute__((flatten))
#endif

#endif
