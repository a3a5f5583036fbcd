/* The one random generator of gfd: xoshiro256** seeded by splitmix64, standard
 * normals by the polar (Marsaglia) method, uniform directions on the sphere.
 * Same seed, same stream, on every machine. Independent streams for parallel work
 * come from gfd_rng_split (a seed derived from (seed, stream index)), never from
 * sharing one generator between threads. */
#ifndef GFD_RNG_H
#define GFD_RNG_H

#include <stdint.h>
#include "defs.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef struct {
    uint64_t s[4];
    double spare;   /* the second normal of a polar pair */
    int has_spare;
} gfd_rng;

void gfd_rng_seed(gfd_rng *r, uint64_t seed);
/* A generator for stream `index` of `seed`, independent of the others. */
void gfd_rng_split(gfd_rng *r, uint64_t seed, uint64_t index);
uint64_t gfd_rng_u64(gfd_rng *r);
double gfd_rng_uniform(gfd_rng *r);          /* [0, 1), 53 random bits */
double gfd_rng_normal(gfd_rng *r);           /* N(0, 1) */
void gfd_rng_direction(gfd_rng *r, double *u, int d);  /* uniform on S^(d-1) */
/* An orthonormal pair u[0..d), u[d..2d) uniform on the Stiefel manifold V(d, 2) (a great
 * circle of S^(d-1) with an orientation): Gram-Schmidt of two uniform directions, as the
 * QR of a d x 2 Gaussian matrix. d >= 2. */
void gfd_rng_plane(gfd_rng *r, double *u, int d);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
