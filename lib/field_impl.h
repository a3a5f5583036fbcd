/* The compute functions of the field table (lib/field.c), one file each or a few
 * per family; all have the type gfd_field_fn of field.h. Not part of the public API. */
#ifndef GFD_FIELD_IMPL_H
#define GFD_FIELD_IMPL_H

#include "field.h"

/* The two kernel passes of the score fields (MATH §2.2, §2.3), lib/field_fdiv.c. For query
 * rows Q (row i belongs to particle i): lp = log sum_j w_j k(q_i, y_j) and mp = sum_j a_j y_j
 * over the targets; lq and mq the same over the particles, the self pair (i, i) included
 * unless o->exclude_self (then dropped and the other weights renormalised, as gfd_kde).
 * k is the unnormalised Gaussian exp(-|z|^2/(2h^2)): (2 pi h^2)^(d/2) is left out of lp
 * and lq alike. With o->sphere (MATH §4) k is exp(kappa (q.y - 1)), kappa = 1/h^2: the vMF
 * kernel over e^kappa, equal to the Gaussian on unit rows. Q: N x d, lp, lq: N, mp, mq: N x d. */
/* MATH §3.1/§3.8: whether a field is an f-divergence field, and the §3.1 terms of a
 * mixture summed over one pair of kernel passes (other terms are skipped). */
int field_is_fdiv(const gfd_field_def *def);
int field_fdiv_terms(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                     const gfd_field_term *terms, int nterms, double *V, gfd_err *err);
int field_kde_passes(const gfd_cloud *X, const gfd_cloud *Y, const double *Q,
                     const gfd_field_opts *o, double *lp, double *mp, double *lq, double *mq,
                     gfd_err *err);

/* MATH §3.1, lib/field_fdiv.c: kl, rkl, chi2, alpha:A (param A), js */
int field_kl(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
             double param, double *V, gfd_field_report *rep, gfd_err *err);
int field_rkl(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
              double param, double *V, gfd_field_report *rep, gfd_err *err);
int field_chi2(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
               double param, double *V, gfd_field_report *rep, gfd_err *err);
int field_alpha(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                double param, double *V, gfd_field_report *rep, gfd_err *err);
int field_js(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
             double param, double *V, gfd_field_report *rep, gfd_err *err);
/* MATH §3.3, lib/field_smoothed.c */
int field_kl_smoothed(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                      double param, double *V, gfd_field_report *rep, gfd_err *err);
/* MATH §3.5, lib/field_mmd.c */
int field_mmd(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
              double param, double *V, gfd_field_report *rep, gfd_err *err);

/* MATH §3.4, lib/field_drift.c */
int field_drift(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                double param, double *V, gfd_field_report *rep, gfd_err *err);
/* MATH §3.6, lib/field_sinkhorn.c */
int field_sinkhorn(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                   double param, double *V, gfd_field_report *rep, gfd_err *err);
int field_sinkhorn_proxy(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                         double param, double *V, gfd_field_report *rep, gfd_err *err);
/* MATH §3.7, lib/field_sliced.c */
int field_sliced(const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_opts *o,
                 double param, double *V, gfd_field_report *rep, gfd_err *err);

#endif
