/* Deng et al.'s drift field (MATH §3.4) as drift_loss.py computes it, in streaming
 * passes of the kernel-sum engine: no N x (N+M) matrix is ever formed.
 *
 * With logits L_it over targets t in [X, Y], row lse r_i and column lse c_t (over the
 * particles), A_it = w_t max(exp(L_it - r_i/2 - c_t/2), sqrt(floor)). Per temperature:
 * - X block: one pass gives r over X and, since L is symmetric there, c over X;
 * - Y block: a pass X vs Y gives r over Y, a pass Y vs X gives c over Y;
 * - two floored passes (bias -c_t/2, per-particle floor r_i/2 + log sqrt(floor), values
 *   [w_t, w_t t]) give the masses S_n, S_p and maps T_n, T_p of each block, and
 *   F = S_n S_p (T_p - T_n) (the rowsum(c_neg + c_pos) x term of §3.4 vanishes).
 * Each pass runs for a group of temperatures at once (gfd_ksum_multi: the distances once),
 * as many as TEMP_GROUP_BYTES of per-temperature N x (d+1) sums allow.
 * Owns the distance scale too (a plain O(N (N+M)) sum, not a kernel sum).
 * On the sphere (MATH §4) the distance is the cosine distance D = 1 - x.t = |x - t|^2/2
 * of unit rows: the laplace logits -D/(R div) are then the vMF kernel's x.t/(R div) up
 * to one constant, which cancels in every row and column softmax, in the floor (shifted
 * alike) and in the self-mask (diag -100/R as before). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/clones.h"
#include "fields/field_impl.h"

enum { O_PRESET, O_TEMPS, O_FLOOR, O_KERNEL, O_NORMALIZE, O_NO_MASK, O_NO_RMS, O_NO_SCALE };

/* --preset: what the other options default to. drift_loss: the official drift_loss.py
 * (MATH §3.4); alg2: Algorithm 2 as printed in the paper (one temperature, self distance
 * +1e6, no floor, no RMS, no scale, no distance clamp); toy: the same as the toy demo
 * notebook runs it, on fresh batches of 2048 + 2048 in a flow. */
enum { PRESET_DRIFT_LOSS, PRESET_ALG2, PRESET_TOY };

const gfd_option drift_options[] = {
    {.name = "preset", .type = GFD_OPT_CHOICE, .arg = "P",
     .help = "the defaults of the other drift options: drift_loss.py's, Algorithm 2 as printed, "
             "or the toy demo's (man page)", .text = "drift_loss|alg2|toy"},
    {.name = "temps", .type = GFD_OPT_REALS, .arg = "T,...", .help = "temperatures R, summed",
     .lo = 0, .lo_open = 1, .hi = HUGE_VAL, .text = "0.02,0.05,0.2"},
    {.name = "floor", .type = GFD_OPT_REAL, .arg = "F", .help = "floor under the softmax product",
     .def = 1e-6, .lo = 0, .hi = 1},
    {.name = "kernel", .type = GFD_OPT_CHOICE, .arg = "K", .help = "exp(-D/R) or exp(-D^2/(2R^2))",
     .text = "laplace|gauss"},
    {.name = "normalize", .type = GFD_OPT_CHOICE, .arg = "N",
     .help = "joint softmaxes over [X, Y], or separate ones (m_p - m_q)", .text = "both|sep"},
    {.name = "no-mask", .type = GFD_OPT_FLAG, .help = "no +100 on the self distance"},
    {.name = "no-rms", .type = GFD_OPT_FLAG, .help = "no per-temperature RMS normalisation"},
    {.name = "no-scale", .type = GFD_OPT_FLAG, .help = "no division by the mean distance"},
    {.name = NULL},
};

/* The options read (MATH §3.4), over the preset's values. */
typedef struct {
    double temps[GFD_OPT_MAX_VALUES];
    int ntemps;
    double floor;
    gfd_kernel kernel;      /* laplace or gauss */
    int sep, no_rms, no_scale;
    double mask;            /* added to the normalised self distance: 100, 1e6, 0 */
    double min_sq;          /* drift_loss.py's clamp of |x - t|^2 (1e-8), 0 for the presets */
} drift_opts;

/* The state of a run: the options, and what report() tells of the first call. */
typedef struct {
    drift_opts o;
    int calls;
    double floor_share;     /* the share of the affinity mass the floor added (first call) */
    size_t first_n, first_t;
} drift_state;

#define MASK 100.0         /* MATH §3.4: added to the normalised self distance */
#define ALG2_MASK 1e6      /* Algorithm 2's self distance */
#define MIN_SQDIST 1e-8    /* MATH §3.4: D = sqrt(max(|x - t|^2, 1e-8)) */
#define SCALE_MIN 1e-3     /* MATH §3.4: floors of the scale and s_in */
#define RMS_MIN 1e-8       /* MATH §3.4: floor of mean(F^2) */
#define DIST_TILE 512      /* targets per tile of the scale sum */
_Static_assert(GFD_OPT_MAX_VALUES <= GFD_KSUM_MAX_SPECS, "a group of temperatures is one multi call");
#define TEMP_GROUP_BYTES ((size_t)256 << 20)  /* per-temperature sums held at once */

/* What every temperature shares. */
typedef struct {
    const gfd_cloud *X, *Y;
    const drift_opts *o;
    const gfd_geometry *g; /* the distance D and its kernel */
    size_t n, m, d;
    double *wx, *wy;       /* column weights, mean 1 in each set (all ones when unweighted) */
    double dist_div, s_in; /* distances are divided by dist_div, coordinates by s_in */
} drift_ctx;

/* Row weights normalised to mean 1, so unweighted clouds get drift_loss.py's ones. */
static double *mean_one_weights(const gfd_cloud *c, gfd_err *err)
{
    double *w = gfd_alloc(c->n, sizeof *w, "drift weights", err);
    if (!w || gfd_cloud_logweights(c, w, err) < 0) {
        free(w);
        return NULL;
    }
    for (size_t i = 0; i < c->n; i++)
        w[i] = exp(w[i]) * (double)c->n;
    return w;
}

/* sum_t w_t D(q, t) over the targets T held as columns (d x M), D the geometry's kernel
 * distance of |q - t|^2: tiles of squared distances built one coordinate at a time, so the
 * loops over targets vectorise. */
GFD_CLONES
static double weighted_distance_sum(const gfd_geometry *g, const double *q, const double *Tt,
                                    const double *w, size_t m, size_t d, double min_sq)
{
    double s = 0, d2[DIST_TILE];
    for (size_t t0 = 0; t0 < m; t0 += DIST_TILE) {
        size_t len = m - t0 < DIST_TILE ? m - t0 : DIST_TILE;
        for (size_t t = 0; t < len; t++)
            d2[t] = 0;
        for (size_t c = 0; c < d; c++) {
            const double qc = q[c], *col = Tt + c * m + t0;
            #pragma omp simd
            for (size_t t = 0; t < len; t++)
                d2[t] += (qc - col[t]) * (qc - col[t]);
        }
        #pragma omp simd
        for (size_t t = 0; t < len; t++)
            d2[t] = d2[t] > min_sq ? d2[t] : min_sq;  /* MATH §3.4's clamp */
        g->kernel_dists(d2, len);
        #pragma omp simd reduction(+:s)
        for (size_t t = 0; t < len; t++)
            s += w[t0 + t] * d2[t];
    }
    return s;
}

/* The rows of a cloud as columns (d x n). */
static double *columns(const gfd_cloud *c, gfd_err *err)
{
    double *t = gfd_alloc(c->n, c->d * sizeof *t, "drift columns", err);
    for (size_t i = 0; t && i < c->n; i++)
        for (size_t k = 0; k < c->d; k++)
            t[k * c->n + i] = c->x[i * c->d + k];
    return t;
}

/* MATH §3.4: scale = mean over all (i, t) of w_t D(x_i, t), over the mean weight.
 * Rows in parallel, each summed in a fixed order, then added in row order. */
static int drift_scale(const drift_ctx *cx, double *scale, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d;
    double *row = gfd_alloc(n, sizeof *row, "drift scale", err);
    double *xt = row ? columns(cx->X, err) : NULL, *yt = xt ? columns(cx->Y, err) : NULL;
    if (yt) {
        #pragma omp parallel for schedule(dynamic, 16)
        for (size_t i = 0; i < n; i++)
            row[i] = weighted_distance_sum(cx->g, cx->X->x + i * d, xt, cx->wx, n, d, cx->o->min_sq)
                   + weighted_distance_sum(cx->g, cx->X->x + i * d, yt, cx->wy, m, d, cx->o->min_sq);
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += row[i];
        *scale = s / ((double)n * (double)(n + m));  /* the weights have mean 1: sum n + m */
    }
    free(row), free(xt), free(yt);
    return yt ? 0 : -1;
}

/* Engine spec of temperature R: logits -D_norm/R (laplace) or -D_norm^2/(2R^2) (gauss),
 * D_norm = D / dist_div (the geometry's kernel of tau = R dist_div); the self pair gets the
 * logit of D_norm = mask (the self-mask). */
static gfd_ksum_spec temp_spec(const drift_ctx *cx, double R)
{
    gfd_ksum_spec sp;
    const double mask = cx->o->mask;
    int gauss = cx->o->kernel == GFD_KERNEL_GAUSS;
    cx->g->dist_kernel(cx->o->kernel, cx->dist_div * R, &sp, NULL);  /* checked at init */
    sp.diag = gauss ? -mask * mask / (2 * R * R) : -mask / R;
    sp.min_sqdist = cx->o->min_sq;
    return sp;
}

/* Values [w_t, w_t t] (M x (d+1)) of a floored pass. */
static double *weighted_values(const gfd_cloud *T, const double *w, gfd_err *err)
{
    const size_t m = T->n, d = T->d;
    double *v = gfd_alloc(m, (d + 1) * sizeof *v, "drift values", err);
    for (size_t t = 0; v && t < m; t++) {
        v[t * (d + 1)] = w[t];
        for (size_t c = 0; c < d; c++)
            v[t * (d + 1) + 1 + c] = w[t] * T->x[t * d + c];
    }
    return v;
}

/* One temperature's scratch of mode "both": N doubles each (lxx, lxy, r, fl, bx, ln, lp),
 * M each (cy, by), N x (d+1) each (outn, outp). */
typedef struct {
    double *lxx, *lxy, *r, *fl, *bx, *ln, *lp, *cy, *by, *outn, *outp;
} both_buf;

static size_t both_doubles(const drift_ctx *cx)
{
    return 7 * cx->n + 2 * cx->m + 2 * cx->n * (cx->d + 1);
}

/* The scratch of nt temperatures, carved from one allocation (returned). */
static double *both_alloc(const drift_ctx *cx, both_buf *b, size_t nt, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, k = cx->d + 1;
    double *p = gfd_alloc(nt, both_doubles(cx) * sizeof *p, "drift scratch", err), *q = p;
    for (size_t t = 0; p && t < nt; t++) {
        double **slot[] = {&b[t].lxx, &b[t].lxy, &b[t].r, &b[t].fl, &b[t].bx, &b[t].ln, &b[t].lp,
                           &b[t].cy, &b[t].by, &b[t].outn, &b[t].outp};
        size_t len[] = {n, n, n, n, n, n, n, m, m, n * k, n * k};
        for (size_t e = 0; e < sizeof len / sizeof *len; e++)
            *slot[e] = q, q += len[e];
    }
    return p;
}

/* How many temperatures a pass takes at once: what TEMP_GROUP_BYTES of scratch holds, at
 * least one. */
static size_t temp_group(const drift_ctx *cx, size_t per_temp_doubles)
{
    size_t fit = TEMP_GROUP_BYTES / (per_temp_doubles * sizeof(double) + 1);
    size_t nt = (size_t)cx->o->ntemps;
    return fit < 1 ? 1 : fit < nt ? fit : nt;
}

/* The floor's share of the affinity mass is measured on SHARE_BLOCKS evenly spaced blocks
 * of SHARE_ROWS particles (all of them when there are no more): a diagnostic, at a small
 * fraction of the cost of two more passes over every pair. */
#define SHARE_BLOCKS 16
#define SHARE_ROWS 32

/* Over the particles [i0, i0 + len): the row sums of the products a_it without the floor
 * and of A_it with it (sx, sy the floored passes' specs; b as drift_both left it). */
static int floor_share_rows(const drift_ctx *cx, gfd_ksum_spec sx, gfd_ksum_spec sy,
                            const both_buf *b, size_t i0, size_t len, double *plain,
                            double *floored, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d, k = d + 1;
    double *p = gfd_alloc(len, 4 * sizeof *p, "drift floor share", err);
    if (!p)
        return -1;
    double *ln0 = p, *on0 = p + len, *lp0 = p + 2 * len, *op0 = p + 3 * len;
    const double *Xb = cx->X->x + i0 * d;
    sx.floor = sy.floor = NULL;
    sx.self_offset = i0;
    int rc = gfd_ksum(Xb, len, cx->X->x, n, d, cx->wx, 1, &sx, ln0, on0, err) < 0 ||
             gfd_ksum(Xb, len, cx->Y->x, m, d, cx->wy, 1, &sy, lp0, op0, err) < 0 ? -1 : 0;
    for (size_t e = 0; rc == 0 && e < len; e++) {
        size_t i = i0 + e;
        *floored += exp(b->ln[i] - 0.5 * b->r[i]) * b->outn[i * k] + exp(b->lp[i] - 0.5 * b->r[i]) * b->outp[i * k];
        *plain += exp(ln0[e] - 0.5 * b->r[i]) * on0[e] + exp(lp0[e] - 0.5 * b->r[i]) * op0[e];
    }
    free(p);
    return rc;
}

/* The share of the affinity mass that the floor adds: 1 - sum_it a_it / sum_it A_it over
 * the sampled particles, a the products without the floor. */
static int floor_share(const drift_ctx *cx, gfd_ksum_spec sx, gfd_ksum_spec sy, const both_buf *b,
                       double *share, gfd_err *err)
{
    const size_t n = cx->n, blocks = n <= SHARE_BLOCKS * SHARE_ROWS ? 1 : SHARE_BLOCKS;
    double floored = 0, plain = 0;
    for (size_t blk = 0; blk < blocks; blk++) {
        size_t i0 = blocks == 1 ? 0 : blk * (n / blocks), len = blocks == 1 ? n : SHARE_ROWS;
        if (floor_share_rows(cx, sx, sy, b, i0, len, &plain, &floored, err) < 0)
            return -1;
    }
    *share = floored > 0 ? 1 - plain / floored : 0;
    return 0;
}

/* V += s_in F_R / sqrt(max(mean(F_R^2), 1e-8)) (MATH §3.4), or s_in F_R with --no-rms. */
static void add_temperature(const drift_ctx *cx, const double *F, double *V)
{
    const size_t nd = cx->n * cx->d;
    double ss = 0;
    for (size_t e = 0; e < nd; e++)
        ss += F[e] * F[e];
    double div = cx->o->no_rms ? 1 : sqrt(fmax(ss / (double)nd, RMS_MIN));
    for (size_t e = 0; e < nd; e++)
        V[e] += cx->s_in * (F[e] / div);
}

/* The lse passes of temperatures R[0 .. nt): r over [X, Y] and the column lse of X (from
 * the X block) and of Y (a pass Y vs X), then the floored passes' biases and floors. */
static int both_lse(const drift_ctx *cx, const double *R, size_t nt, both_buf *b,
                    gfd_ksum_spec *sx, gfd_ksum_spec *sy, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d;
    double *lxx[GFD_KSUM_MAX_SPECS], *lxy[GFD_KSUM_MAX_SPECS], *cy[GFD_KSUM_MAX_SPECS];
    for (size_t t = 0; t < nt; t++) {
        sx[t] = sy[t] = temp_spec(cx, R[t]);
        sx[t].self = 1;
        lxx[t] = b[t].lxx, lxy[t] = b[t].lxy, cy[t] = b[t].cy;
    }
    if (gfd_ksum_multi(cx->X->x, n, cx->X->x, n, d, NULL, 0, sx, nt, lxx, NULL, err) < 0 ||
        gfd_ksum_multi(cx->X->x, n, cx->Y->x, m, d, NULL, 0, sy, nt, lxy, NULL, err) < 0 ||
        gfd_ksum_multi(cx->Y->x, m, cx->X->x, n, d, NULL, 0, sy, nt, cy, NULL, err) < 0)
        return -1;
    double log_s = 0.5 * log(cx->o->floor);  /* sqrt(max(p, floor)) = max(sqrt p, sqrt floor) */
    for (size_t t = 0; t < nt; t++) {
        both_buf *bt = &b[t];
        for (size_t i = 0; i < n; i++) {
            double hi = fmax(bt->lxx[i], bt->lxy[i]), lo = fmin(bt->lxx[i], bt->lxy[i]);
            bt->r[i] = hi + log1p(exp(lo - hi));  /* row lse over [X, Y] */
            bt->fl[i] = log_s + 0.5 * bt->r[i];
            bt->bx[i] = -0.5 * bt->lxx[i];        /* column lse of X columns = row lse of X block */
        }
        for (size_t j = 0; j < m; j++)
            bt->by[j] = -0.5 * bt->cy[j];
        sx[t].bias = bt->bx, sy[t].bias = bt->by;
        sx[t].floor = sy[t].floor = bt->fl;
    }
    return 0;
}

/* F (scaled coordinates, N x d) from one temperature's floored passes. */
static void both_force(const drift_ctx *cx, const both_buf *b, double *F)
{
    const size_t n = cx->n, d = cx->d, k = d + 1;
    for (size_t i = 0; i < n; i++) {
        const double *on = b->outn + i * k, *op = b->outp + i * k;
        /* S = sum_t A_it = exp(lse - r/2) * (softmax-weighted mean of w_t) */
        double sn = exp(b->ln[i] - 0.5 * b->r[i]) * on[0], sp = exp(b->lp[i] - 0.5 * b->r[i]) * op[0];
        for (size_t c = 0; c < d; c++) {
            double tn = on[0] > 0 ? on[1 + c] / on[0] : 0, tp = op[0] > 0 ? op[1 + c] / op[0] : 0;
            F[i * d + c] = sn * sp * (tp - tn) / cx->s_in;  /* MATH §3.4: c_neg X_s + c_pos Y_s - ... */
        }
    }
}

/* MATH §3.4, normalize both, temperatures R[0 .. nt): V += each one's normalised F (F:
 * scratch); *share (when not NULL) the floor's largest share of the affinity mass. */
static int drift_both(const drift_ctx *cx, const double *R, size_t nt, both_buf *b,
                      const double *vx, const double *vy, double *F, double *V, double *share,
                      gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d, k = d + 1;
    gfd_ksum_spec sx[GFD_KSUM_MAX_SPECS], sy[GFD_KSUM_MAX_SPECS];
    double *ln[GFD_KSUM_MAX_SPECS], *lp[GFD_KSUM_MAX_SPECS];
    double *outn[GFD_KSUM_MAX_SPECS], *outp[GFD_KSUM_MAX_SPECS];
    if (both_lse(cx, R, nt, b, sx, sy, err) < 0)
        return -1;
    for (size_t t = 0; t < nt; t++)
        ln[t] = b[t].ln, lp[t] = b[t].lp, outn[t] = b[t].outn, outp[t] = b[t].outp;
    if (gfd_ksum_multi(cx->X->x, n, cx->X->x, n, d, vx, k, sx, nt, ln, outn, err) < 0 ||
        gfd_ksum_multi(cx->X->x, n, cx->Y->x, m, d, vy, k, sy, nt, lp, outp, err) < 0)
        return -1;
    for (size_t t = 0; t < nt; t++) {
        double sh = 0;
        if (share && cx->o->floor > 0 && floor_share(cx, sx[t], sy[t], &b[t], &sh, err) < 0)
            return -1;
        if (share)
            *share = fmax(*share, sh);
        both_force(cx, &b[t], F);
        add_temperature(cx, F, V);
    }
    return 0;
}

/* MATH §3.4, normalize sep, temperatures R[0 .. nt): F_R = m_p - m_q (scaled coordinates);
 * V += each one's normalised F_R. mp, mq: nt x N x d, lse: N. */
static int drift_sep(const drift_ctx *cx, const double *R, size_t nt, const double *logwx,
                     const double *logwy, double *mp, double *mq, double *lse, double *F,
                     double *V, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d;
    gfd_ksum_spec sx[GFD_KSUM_MAX_SPECS], sy[GFD_KSUM_MAX_SPECS];
    double *lses[GFD_KSUM_MAX_SPECS], *mps[GFD_KSUM_MAX_SPECS], *mqs[GFD_KSUM_MAX_SPECS];
    for (size_t t = 0; t < nt; t++) {
        sx[t] = sy[t] = temp_spec(cx, R[t]);
        sx[t].self = 1;
        sx[t].bias = logwx, sy[t].bias = logwy;
        lses[t] = lse, mps[t] = mp + t * n * d, mqs[t] = mq + t * n * d;
    }
    if (gfd_ksum_multi(cx->X->x, n, cx->Y->x, m, d, cx->Y->x, d, sy, nt, lses, mps, err) < 0 ||
        gfd_ksum_multi(cx->X->x, n, cx->X->x, n, d, cx->X->x, d, sx, nt, lses, mqs, err) < 0)
        return -1;
    for (size_t t = 0; t < nt; t++) {
        for (size_t e = 0; e < n * d; e++)
            F[e] = (mps[t][e] - mqs[t][e]) / cx->s_in;
        add_temperature(cx, F, V);
    }
    return 0;
}

/* The value of opt: given, else the preset's (a REAL option, or flags: return 0/1). */
static double preset_real(const gfd_settings *s, int opt, double preset)
{
    return gfd_settings_get(s, drift_options[opt].name) ? gfd_option_real(s, &drift_options[opt]) : preset;
}

static int preset_flag(const gfd_settings *s, int opt, int preset)
{
    return gfd_option_flag(s, &drift_options[opt]) || preset;
}

/* The preset's defaults, then the options given over them. */
static void read_options(const gfd_settings *s, drift_opts *o, int preset)
{
    int paper = preset != PRESET_DRIFT_LOSS;  /* alg2 and toy: Algorithm 2's settings */
    if (paper && !gfd_settings_get(s, drift_options[O_TEMPS].name)) {
        o->temps[0] = 0.05;
        o->ntemps = 1;
    } else {
        o->ntemps = gfd_option_reals(s, &drift_options[O_TEMPS], o->temps);
    }
    o->floor = preset_real(s, O_FLOOR, paper ? 0 : drift_options[O_FLOOR].def);
    o->kernel = gfd_option_choice(s, &drift_options[O_KERNEL]) ? GFD_KERNEL_GAUSS : GFD_KERNEL_LAPLACE;
    o->sep = gfd_option_choice(s, &drift_options[O_NORMALIZE]);
    o->mask = gfd_option_flag(s, &drift_options[O_NO_MASK]) ? 0 : paper ? ALG2_MASK : MASK;
    o->no_rms = preset_flag(s, O_NO_RMS, paper);
    o->no_scale = preset_flag(s, O_NO_SCALE, paper);
    o->min_sq = paper ? 0 : MIN_SQDIST;
}

static int drift_init(field_part *p, const gfd_settings *s, gfd_err *err)
{
    drift_state *st = gfd_alloc(1, sizeof *st, "drift field", err);
    if (!st)
        return -1;
    p->state = st;
    int preset = gfd_option_choice(s, &drift_options[O_PRESET]);
    read_options(s, &st->o, preset);
    /* in a flow: drift_loss.py's batches, and its RMS-normalised |V| needs a decaying step;
     * Algorithm 2 as printed takes the whole clouds; the toy demo 2048 + 2048 */
    p->flow_batch = preset == PRESET_ALG2 ? 0 : preset == PRESET_TOY ? 2048 : p->flow_batch;
    p->flow_eta_end = st->o.no_rms ? 0 : p->flow_eta_end;
    gfd_ksum_spec sp;
    if (p->geom->dist_kernel(st->o.kernel, 1, &sp, err) < 0)
        return gfd_err_prefix(err, "drift");
    if (sp.kernel != GFD_KERNEL_LAPLACE)  /* the clamp is of |x - t|: not the sphere's 1 - x.t, */
        st->o.min_sq = 0;                 /* nor of the gauss switch (not in drift_loss.py) */
    return 0;
}

/* Coordinates and distances divisors (MATH §3.4); 1 and 1 with --no-scale. */
static int drift_setup(drift_ctx *cx, gfd_err *err)
{
    cx->wx = mean_one_weights(cx->X, err);
    cx->wy = cx->wx ? mean_one_weights(cx->Y, err) : NULL;
    if (!cx->wy)
        return -1;
    cx->dist_div = cx->s_in = 1;
    if (cx->o->no_scale)
        return 0;
    double scale;
    if (drift_scale(cx, &scale, err) < 0)
        return -1;
    if (!isfinite(scale))
        return gfd_fail(err, GFD_ENUMERIC, "the mean distance is %g: the particles diverged", scale);
    cx->s_in = fmax(scale / sqrt((double)cx->d), SCALE_MIN);
    cx->dist_div = fmax(scale, SCALE_MIN);
    return 0;
}

/* *share (when not NULL): the floor's largest share over the temperatures. */
static int drift_temps_both(const drift_ctx *cx, double *F, double *V, double *share, gfd_err *err)
{
    const size_t group = temp_group(cx, both_doubles(cx)), nt = (size_t)cx->o->ntemps;
    both_buf b[GFD_KSUM_MAX_SPECS];
    double *scratch = both_alloc(cx, b, group, err);
    double *vx = scratch ? weighted_values(cx->X, cx->wx, err) : NULL;
    double *vy = vx ? weighted_values(cx->Y, cx->wy, err) : NULL;
    int rc = vy ? 0 : -1;
    for (size_t t = 0; rc == 0 && t < nt; t += group)
        rc = drift_both(cx, cx->o->temps + t, nt - t < group ? nt - t : group, b, vx, vy, F, V,
                        share, err);
    free(scratch), free(vx), free(vy);
    return rc;
}

static int drift_temps_sep(const drift_ctx *cx, double *F, double *V, gfd_err *err)
{
    const size_t n = cx->n, m = cx->m, d = cx->d, nt = (size_t)cx->o->ntemps;
    const size_t group = temp_group(cx, 2 * n * d);
    double *lwx = gfd_alloc(n, sizeof(double), "drift scratch", err);
    double *lwy = gfd_alloc(m, sizeof(double), "drift scratch", err);
    double *lse = gfd_alloc(n, sizeof(double), "drift scratch", err);
    double *mp = gfd_alloc(group * n, d * sizeof(double), "drift scratch", err);
    double *mq = gfd_alloc(group * n, d * sizeof(double), "drift scratch", err);
    int rc = lwx && lwy && lse && mp && mq ? 0 : -1;
    if (rc == 0)
        rc = gfd_cloud_logweights(cx->X, lwx, err) < 0 || gfd_cloud_logweights(cx->Y, lwy, err) < 0 ? -1 : 0;
    for (size_t t = 0; rc == 0 && t < nt; t += group)
        rc = drift_sep(cx, cx->o->temps + t, nt - t < group ? nt - t : group, lwx, lwy, mp, mq,
                       lse, F, V, err);
    free(lwx), free(lwy), free(lse), free(mp), free(mq);
    return rc;
}

/* X: N x d, Y: M x d, V: N x d. MATH §3.4: V = s_in sum_R F_R / rms(F_R). */
static int drift_compute(field_part *p, const field_call *c, double *V, gfd_err *err)
{
    drift_state *st = p->state;
    const drift_opts *o = &st->o;
    double *share = st->calls++ == 0 ? &st->floor_share : NULL;  /* measured on the first call */
    const gfd_cloud *X = c->X, *Y = c->Y;
    drift_ctx cx = {.X = X, .Y = Y, .o = o, .g = p->geom, .n = X->n, .m = Y->n, .d = X->d};
    double *F = gfd_alloc(cx.n, cx.d * sizeof *F, "drift force", err);
    int rc = F ? drift_setup(&cx, err) : -1;
    if (rc == 0) {
        memset(V, 0, cx.n * cx.d * sizeof *V);
        rc = o->sep ? drift_temps_sep(&cx, F, V, err) : drift_temps_both(&cx, F, V, share, err);
    }
    if (share)
        st->first_n = X->n, st->first_t = X->n + Y->n;
    free(F), free(cx.wx), free(cx.wy);
    return rc;
}

/* The floor's share of the first call, and a warning when it sets most of the mass. */
static size_t drift_report(const field_part *p, char *buf, size_t cap)
{
    const drift_state *st = p->state;
    if (!st->calls || st->o.sep || !(st->o.floor > 0))
        return 0;
    int n = snprintf(buf, cap, "drift: the floor %g set %.1f%% of the affinity mass (first call: "
                     "%zu particles, %zu targets)%s", st->o.floor, 100 * st->floor_share,
                     st->first_n, st->first_t,
                     st->floor_share > 0.5 ? "\nwarning: drift: the floor sets most of the affinity "
                     "mass, so the kernel is nearly uniform: use mini-batches (--batch 64) or --floor 0" : "");
    return n < 0 ? 0 : (size_t)n;
}

const gfd_field_ops drift_ops = {.init = drift_init, .compute = drift_compute, .report = drift_report};
