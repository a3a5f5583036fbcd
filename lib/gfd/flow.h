/* A whole run (gfd-flow): T explicit Euler steps (MATH §1) of a field (§3.8), with
 * schedules for the step size, the bandwidth and the mixture weights. The library prints
 * nothing: an observer called after every step writes frames, logs, progress. */
#ifndef GFD_FLOW_H
#define GFD_FLOW_H

#include "bandwidth.h"
#include "defs.h"
#include "field.h"
#include "step.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef struct {
    int steps;                      /* T */
    int start;                      /* steps already done (a resumed run): t runs start .. T-1,
                                       with the streams, decay and schedules of step t */
    double start_time;              /* their flow time */
    gfd_step_opts step;             /* eta, max_move, noise, seed (geometry: the field's) */
    int eta_given, max_move_given;  /* else MATH §1's defaults for the h of each step */
    double eta_decay;               /* eta_t = eta_0 * eta_decay^t (1: constant) */
    int eta_decay_given;            /* else the field's flow_eta_end sets it (field.h) */
    gfd_bw_rule bw0, bw1;           /* h_t = h_0 (h_1/h_0)^(t/(T-1)) (geometric anneal) */
    int mix_schedule;               /* term weights go linearly from w0 to w1 over the run */
    double w0[GFD_MAX_TERMS], w1[GFD_MAX_TERMS];
    const gfd_engine *engine;       /* every step's (--rtol), or NULL: exact */
} gfd_flow_opts;

typedef struct {
    int step;              /* steps done: 0 before the first */
    double time;           /* flow time: the sum of the step sizes so far */
    double h, eta, max_move;
    double mean_v, max_v;  /* |v| of the step just taken (NaN at step 0) */
    const gfd_field *field;  /* gfd_field_report() tells what the last velocity did */
} gfd_flow_state;

/* Called with X after step 0 (the start) and after every step; non-zero stops the run. */
typedef int (*gfd_flow_observer)(void *ctx, const gfd_cloud *X, const gfd_flow_state *st,
                                 gfd_err *err);

/* Defaults: T = 100, no decay, bandwidths both `bw`, constant weights. */
void gfd_flow_opts_default(gfd_flow_opts *o, const gfd_bw_rule *bw);
/* "NAME[:PARAM]:W0:W1,..." (--mix-schedule): spec gets the fields, o the two weight sets. */
int gfd_flow_parse_mix(const char *text, gfd_field_spec *spec, gfd_flow_opts *o, gfd_err *err);
/* The field's flow defaults where the options did not choose: its mini-batches
 * (gfd_field_def.flow_batch) into f, and the step's decay (flow_eta_end reached at the last
 * step) into o. gfd_flow applies them itself; programs call it to report them. */
void gfd_flow_defaults(gfd_field *f, gfd_flow_opts *o);
/* Runs the flow of field f: X (N x d) moves toward Y (M x d), bandwidths chosen from Y by
 * the field's geometry. Unless given, the mini-batches and the step's decay are the
 * field's flow defaults (gfd_field_def.flow_batch, flow_eta_end). On a non-finite particle
 * it fails with GFD_ENUMERIC naming the step and restores X to the last finite state. */
int gfd_flow(gfd_field *f, const gfd_flow_opts *o, gfd_cloud *X, const gfd_cloud *Y,
             gfd_flow_observer observe, void *ctx, gfd_err *err);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
