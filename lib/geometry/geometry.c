/* The public face of a geometry (gfd/geometry.h): each call is the geometry's own. */
#include "geometry/geometry.h"

const char *gfd_geometry_name(const gfd_geometry *g) { return g->name; }

int gfd_geometry_points(const gfd_geometry *g, double *X, size_t n, size_t d, size_t ld,
                        int project, const char *name, gfd_err *err)
{
    return g->points(X, n, d, ld, project, name, err);
}

int gfd_geometry_bandwidth(const gfd_geometry *g, const gfd_bw_rule *rule, const gfd_cloud *Y,
                           uint64_t seed, double *h, gfd_err *err)
{
    return g->bandwidth(rule, Y, seed, h, err);
}

double gfd_geometry_dist(const gfd_geometry *g, const double *x, const double *y, size_t d)
{
    return g->dist(x, y, d);
}

void gfd_geometry_tangent(const gfd_geometry *g, const double *x, const double *v, double *out,
                          size_t d)
{
    g->tangent(x, v, out, d);
}

void gfd_geometry_move(const gfd_geometry *g, const double *x, const double *v, double *out,
                       size_t d)
{
    g->move(x, v, out, d);
}
