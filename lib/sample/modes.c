/* Mixture modes (gfd/modes.h): rows [c, sigma] from the built-in mixtures and from vMF
 * mixtures, and their checks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geometry/geometry.h"
#include "gfd/modes.h"
#include "gfd/sample.h"

/* out (K x (d + 1)) = rows [c_k, sigma_k] of centres C (K x d) and sigma. */
static int rows(const gfd_cloud *C, double sigma, gfd_cloud *out, gfd_err *err)
{
    const size_t K = C->n, d = C->d;
    if (gfd_cloud_alloc(out, K, d + 1, err) < 0)
        return -1;
    for (size_t k = 0; k < K; k++) {
        memcpy(out->x + k * (d + 1), C->x + k * d, d * sizeof *C->x);
        out->x[k * (d + 1) + d] = sigma;
    }
    return 0;
}

int gfd_modes_builtin(const char *name, gfd_cloud *modes, gfd_err *err)
{
    gfd_cloud c;
    double sigma;
    if (gfd_sample_centers(name, &c, &sigma, err) < 0)
        return -1;
    int rc = rows(&c, sigma, modes, err);
    gfd_cloud_free(&c);
    return rc;
}

int gfd_modes_vmf(const gfd_cloud *mu, double kappa, gfd_cloud *modes, gfd_err *err)
{
    if (!(kappa > 0) || !isfinite(kappa))
        return gfd_fail(err, GFD_EUSAGE, "kappa %g: the modes need a positive concentration", kappa);
    return rows(mu, 1 / sqrt(kappa), modes, err);  /* MATH §4: sigma = 1/sqrt(kappa) */
}

int gfd_modes_check(const gfd_cloud *modes, size_t d, const gfd_geometry *g, const char *name,
                    gfd_err *err)
{
    if (modes->d != d + 1)
        return gfd_fail(err, GFD_EDATA, "%s have %zu columns, want %zu: [c_1 .. c_%zu, sigma]",
                        name, modes->d, d + 1, d);
    for (size_t k = 0; k < modes->n; k++) {
        double sigma = modes->x[k * (d + 1) + d];
        if (!(sigma > 0) || !isfinite(sigma))
            return gfd_fail(err, GFD_EDATA, "%s: mode %zu: sigma must be a positive number, not %g",
                            name, k + 1, sigma);
    }
    char centres[256];
    snprintf(centres, sizeof centres, "%s' centres", name);
    return g->check(modes->x, modes->n, d, d + 1, centres, err);
}
