/* Velocity fields (MATH §3). Every field is one self-describing entry of the table
 * (gfd_field_table): its name, unit family (MATH §1), what it uses and where it runs
 * (GFD_FIELD_*), and its long options as descriptors (options.h). A field spec is a
 * weighted mixture of terms (MATH §3.8), "-f rkl:0.5,chi2:0.5", "-f alpha:0.5:1"
 * (parameter, then weight). A gfd_field is a spec made ready for one run: each term's
 * options read from the settings, its state (scratch, a solver's report) kept from one
 * velocity to the next. */
#ifndef GFD_FIELD_H
#define GFD_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "cloud.h"
#include "defs.h"
#include "geometry.h"
#include "ksum.h"
#include "options.h"
#include "rng.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

#define GFD_MAX_TERMS 16

typedef enum { GFD_UNITS_SCORE, GFD_UNITS_DISPLACEMENT } gfd_units;

enum {  /* gfd_field_def.flags */
    GFD_FIELD_BANDWIDTH = 1,   /* uses the bandwidth h (sinkhorn's only without --eps) */
    GFD_FIELD_SPHERE = 2,      /* runs on the sphere (MATH §4) */
    GFD_FIELD_SELF_KDE = 4,    /* sums a kernel over the particles themselves (q_h) */
    GFD_FIELD_STOCHASTIC = 8,  /* draws random numbers, from the streams of (-s, step) */
    GFD_FIELD_TARGET_SUMS = 16, /* the targets enter only through kernel sums over them (log p_h,
                                   m_p): they may be sharded over processes (gfd/ranks.h) */
};

/* The operations behind an entry (init, compute, free): private to the library. */
typedef struct gfd_field_ops gfd_field_ops;

typedef struct {
    const char *name;
    const char *summary;        /* one line for --help and --list-fields */
    const char *param;          /* the parameter of NAME:PARAM ("A" for alpha), or NULL */
    /* When PARAM is a word (critic:rkl): its values, the first the default, NULL-ended; a
     * value "alpha:A" takes a number after it (critic:alpha:0.5). NULL: PARAM is a number. */
    const char *const *words;
    gfd_units units;
    unsigned flags;             /* GFD_FIELD_* */
    const gfd_option *options;  /* its long options, ended by an entry with a NULL name */
    const gfd_field_ops *ops;
    /* How a flow runs it unless told otherwise: mini-batches of flow_batch particles with as
     * many fresh targets (0: the whole clouds), and the step decaying geometrically to
     * flow_eta_end times its first value by the last step (0: constant). */
    size_t flow_batch;
    double flow_eta_end;
} gfd_field_def;

/* The table, ended by an entry with a NULL name. */
const gfd_field_def *gfd_field_table(void);
/* The options every field takes (the mini-batches of MATH §3.10), ended by a NULL name. */
const gfd_option *gfd_field_run_options(void);
/* The descriptor of the field option called name (from any entry, or a run option), or NULL. */
const gfd_option *gfd_field_option(const char *name);
/* gfd_settings_set for the field option called name (GFD_EUSAGE if there is none). */
int gfd_field_setting(gfd_settings *s, const char *name, const char *value, gfd_err *err);

typedef struct {
    const gfd_field_def *def;
    int word;              /* the index of the word parameter in def->words (0: default) */
    double param, weight;  /* the number parameter (alpha:A, critic:alpha:A) and weight */
} gfd_field_term;

typedef struct {
    gfd_field_term terms[GFD_MAX_TERMS];
    int nterms;
} gfd_field_spec;

/* Parses "NAME[:PARAM][:WEIGHT],..." (weights >= 0, default 1, at least one > 0); a word
 * PARAM may be left out ("critic:0.5" is critic:kl at weight 0.5). */
int gfd_field_parse(const char *text, gfd_field_spec *spec, gfd_err *err);
/* Units of a spec: displacement only if every term is (MATH §1: a mixture across the
 * families counts as score). */
gfd_units gfd_field_spec_units(const gfd_field_spec *spec);
/* The first option given in s that no term of spec takes, or NULL. */
const char *gfd_field_spec_ignores(const gfd_field_spec *spec, const gfd_settings *s);

typedef struct gfd_field gfd_field;

/* A field for one run: every term checked against the geometry (NULL: flat) and its
 * options read from s (NULL: every default). GFD_EUSAGE for a field or option not
 * available there. */
gfd_field *gfd_field_new(const gfd_field_spec *spec, const gfd_settings *s,
                         const gfd_geometry *geometry, gfd_err *err);
void gfd_field_free(gfd_field *f);
const gfd_field_spec *gfd_field_get_spec(const gfd_field *f);
const gfd_geometry *gfd_field_geometry(const gfd_field *f);
gfd_units gfd_field_units(const gfd_field *f);
/* Whether v depends on the bandwidth: gfd_field_velocity requires h > 0 only then. */
int gfd_field_uses_bandwidth(const gfd_field *f);
/* Whether the targets enter f only through kernel sums over them (every term
 * GFD_FIELD_TARGET_SUMS, and no mini-batches): then they may be sharded (gfd/ranks.h). */
int gfd_field_sums_targets(const gfd_field *f);
/* New weights of the terms, in the spec's order (a schedule of the mixture). */
void gfd_field_set_weights(gfd_field *f, const double *w);
/* The mini-batches in force (MATH §3.10): particles per group and targets per group, 0 for
 * the whole clouds. A flow calls gfd_field_set_batch with the spec's flow_batch defaults
 * when --batch was not given. */
void gfd_field_batch(const gfd_field *f, size_t *batch, size_t *target_batch);
void gfd_field_set_batch(gfd_field *f, size_t batch, size_t target_batch);
/* Whether the settings chose the batch (--batch or --target-batch given). */
int gfd_field_batch_given(const gfd_field *f);
/* The field's flow defaults: the largest flow_batch and the smallest nonzero flow_eta_end
 * of its terms (their definitions', or what a preset made them; 0 when none has one). */
size_t gfd_field_flow_batch(const gfd_field *f);
double gfd_field_flow_eta_end(const gfd_field *f);

/* What one evaluation depends on besides the clouds. */
typedef struct {
    double h;          /* the bandwidth in force (MATH §2.5) */
    uint64_t seed;     /* -s: random draws use the streams of (seed, step) */
    uint64_t step;     /* the step of a flow */
    const gfd_engine *engine;  /* --rtol for the KDE passes of the score fields and mmd, or NULL */
} gfd_field_args;

/* v = sum_t weight_t v_t at the particles X toward the targets Y (MATH §3, §3.8); on the
 * sphere X and Y must be unit rows and V is tangent. X: N x d, Y: M x d, V: N x d. */
int gfd_field_velocity(gfd_field *f, const gfd_cloud *X, const gfd_cloud *Y,
                       const gfd_field_args *a, double *V, gfd_err *err);
/* What the last velocity reported ("sinkhorn: 50 iterations, marginal error 1e-3"), one
 * line per term that reports, into buf; returns the length (0: nothing to report). */
size_t gfd_field_report(const gfd_field *f, char *buf, size_t cap);

/* What a random stream is for, so that draws for different uses never coincide. */
enum { GFD_STREAM_MC = 1, GFD_STREAM_NOISE_INJECT, GFD_STREAM_STEP_NOISE, GFD_STREAM_DIRECTIONS,
       GFD_STREAM_BATCH, GFD_STREAM_BATCH_TARGETS, GFD_STREAM_CRITIC,
       GFD_STREAM_GEN_NOISE, GFD_STREAM_GEN_EVAL, GFD_STREAM_GEN_SAMPLE, GFD_STREAM_HOLDOUT };
/* The generator of stream (seed, step, purpose, i): the draws of particle (or direction) i
 * for one purpose at one step. Every random choice of a field or a step comes from such a
 * stream, never from a generator shared across rows, so bytes do not depend on -j. */
void gfd_field_rng(gfd_rng *r, uint64_t seed, uint64_t step, int purpose, uint64_t i);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
