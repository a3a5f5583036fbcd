/* exp for non-positive arguments, written so that compilers vectorise loops over it
 * (no libm call, no branch). Every kernel sum shifts its logits by their running
 * maximum (MATH §2.1), so its arguments are <= 0. Range reduction x = k ln2 + r,
 * |r| <= ln2/2, then a degree-13 Taylor polynomial (truncation < 2e-16 relative) and
 * 2^k built in the exponent bits. Below -708 the result is 0 (relative to the term
 * at the maximum, which is 1, that is far below double precision); -inf gives 0. */
#ifndef GFD_VEXP_H
#define GFD_VEXP_H

#include <stdint.h>
#include <string.h>

static inline double gfd_exp_nonpos(double x)
{
    const double log2e = 1.4426950408889634, ln2_hi = 6.93147180369123816490e-01,
                 ln2_lo = 1.90821492927058770002e-10, shifter = 0x1.8p52;
    double xc = x < -708.0 ? -708.0 : x;
    double kd = xc * log2e + shifter;  /* round to nearest: k sits in the low bits */
    uint64_t kbits;
    memcpy(&kbits, &kd, sizeof kbits);
    kd -= shifter;
    double r = xc - kd * ln2_hi - kd * ln2_lo;
    double p = 1.0 / 6227020800.0;             /* 1/13! */
    p = p * r + 1.0 / 479001600.0;             /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t sbits = (kbits + 1023) << 52;  /* k in [-1022, 0]: 2^k exactly */
    double scale;
    memcpy(&scale, &sbits, sizeof scale);
    return x < -708.0 ? 0.0 : p * scale;
}

/* The same in float32 for the engine's f32 path: |r| <= ln2/2, a degree-7 Taylor polynomial
 * (truncation < 3e-9 relative, far below float's 6e-8); below -87 the result is 0. */
static inline float gfd_expf_nonpos(float x)
{
    const float log2e = 1.44269504f, ln2_hi = 0.693145752f, ln2_lo = 1.42860677e-06f,
                shifter = 0x1.8p23f;
    float xc = x < -87.0f ? -87.0f : x;
    float kf = xc * log2e + shifter;
    uint32_t kbits;
    memcpy(&kbits, &kf, sizeof kbits);
    kf -= shifter;
    float r = xc - kf * ln2_hi - kf * ln2_lo;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t sbits = (kbits + 127u) << 23;  /* k in [-126, 0]: 2^k exactly */
    float scale;
    memcpy(&scale, &sbits, sizeof scale);
    return x < -87.0f ? 0.0f : p * scale;
}

#endif
