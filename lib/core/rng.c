/* The one random generator of gfd (rng.h): xoshiro256** (Blackman and Vigna 2018)
 * seeded through splitmix64, uniforms with 53 random bits, normals by the Marsaglia
 * polar method, directions as normalised normal vectors. Owns no global state: a
 * generator is its struct, so threads each use their own (gfd_rng_split). */
#include <math.h>

#include "gfd/rng.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL  /* 2^64 / golden ratio, the splitmix64 increment */

/* splitmix64's output function: a bijection of 64-bit words with good avalanche. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The state is four consecutive splitmix64 outputs from counter `start`, as the
 * xoshiro authors recommend. The outputs are distinct, so the state is never all zero. */
static void seed_from(gfd_rng *r, uint64_t start)
{
    for (int i = 0; i < 4; i++) {
        start += GOLDEN;
        r->s[i] = mix64(start);
    }
    r->spare = 0;
    r->has_spare = 0;
}

void gfd_rng_seed(gfd_rng *r, uint64_t seed)
{
    seed_from(r, seed);
}

/* Stream `index` of `seed` starts splitmix64 at mix64(seed ^ mix64(index + GOLDEN)).
 * For one seed, index -> start is a bijection (mix64 and xor are invertible), so two
 * streams of a seed never share a start; starts within 4 increments of each other
 * (which would share state words) happen with probability ~2^-61 per pair. */
void gfd_rng_split(gfd_rng *r, uint64_t seed, uint64_t index)
{
    seed_from(r, mix64(seed ^ mix64(index + GOLDEN)));
}

/* xoshiro256**: the reference algorithm, output rotl(s1 * 5, 7) * 9. */
uint64_t gfd_rng_u64(gfd_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* The top 53 bits as a multiple of 2^-53: every double k 2^-53 in [0, 1) equally likely. */
double gfd_rng_uniform(gfd_rng *r)
{
    return (double)(gfd_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Polar method: (u, v) uniform in the unit disc, s = u^2 + v^2; then u m and v m with
 * m = sqrt(-2 ln s / s) are two independent N(0, 1). The second is kept for the next call. */
double gfd_rng_normal(gfd_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * gfd_rng_uniform(r) - 1;
        v = 2 * gfd_rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double m = sqrt(-2 * log(s) / s);
    r->spare = v * m;
    r->has_spare = 1;
    return u * m;
}

/* A standard normal vector is rotation invariant, so its direction is uniform on the
 * sphere. u: d. A zero vector (probability ~0) is drawn again; d < 1 draws nothing. */
void gfd_rng_direction(gfd_rng *r, double *u, int d)
{
    if (d < 1)
        return;
    double norm2;
    do {
        norm2 = 0;
        for (int k = 0; k < d; k++) {
            u[k] = gfd_rng_normal(r);
            norm2 += u[k] * u[k];
        }
    } while (norm2 == 0);
    double inv = 1 / sqrt(norm2);
    for (int k = 0; k < d; k++)
        u[k] *= inv;
}

void gfd_rng_plane(gfd_rng *r, double *u, int d)
{
    double *w = u + d, norm2;
    gfd_rng_direction(r, u, d);
    /* The part of w orthogonal to u has a uniform direction whatever its length, so
     * redrawing the few w within 0.01 rad of +-u keeps the law and keeps one pass of
     * Gram-Schmidt orthogonal to rounding. */
    do {
        gfd_rng_direction(r, w, d);
        double dot = 0;
        for (int k = 0; k < d; k++)
            dot += u[k] * w[k];
        norm2 = 0;
        for (int k = 0; k < d; k++) {
            w[k] -= dot * u[k];
            norm2 += w[k] * w[k];
        }
    } while (norm2 < 1e-4);
    double inv = 1 / sqrt(norm2);
    for (int k = 0; k < d; k++)
        w[k] *= inv;
}
