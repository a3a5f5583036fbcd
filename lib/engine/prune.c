/* The certified fast mode of the engine (gfd_engine.rtol > 0, gfd/ksum.h), for d <= 3.
 *
 * The references are sorted into the cells of a grid (side about the kernel's width), the
 * queries too, and the queries are taken in blocks of QBLOCK neighbours. For a block B and
 * a cell C, every pair has logit l_ij <= bias_j + u(delta(B, C)), u the kernel's logit at the
 * distance delta between the bounding boxes of B's queries and C's references (gauss
 * -coef delta^2, laplace -coef max(delta, sqrt(min_sq)); diag <= 0 only lowers l), so the
 * cell's mass at any row of B is at most U(B, C) = exp(lmass_C + u(delta)), lmass_C =
 * log sum_{j in C} exp(bias_j). Per block:
 *   1. the cells next to the block (a window of one cell around it) are summed exactly,
 *      giving every row i a kept mass K_i and their least, K;
 *   2. a window of w cells is chosen so that every reference outside it, at distance
 *      > w side, has mass at most exp(lmass_all + u(w side)) <= rtol K / 2;
 *   3. inside it, cells are pruned smallest bound first while their bounds sum to at most
 *      rtol K / 2 (bucketed by log U, so no sort), and the rest are summed exactly.
 * Proof of the guarantee: a row's pruned mass P_i <= rtol K <= rtol K_i, so its kept sum
 * S_i' = K_i' >= K_i and the exact S_i = S_i' + P_i give
 *     0 <= log S_i - log S_i' = log(1 + P_i / S_i') <= rtol,
 *     |out_i - out_i'| = |sum_pruned e_j (v_j - out_i')| / S_i <= (P_i / S_i) max_j |v_j - out_i'|
 *                     <= rtol max_j |v_j - out_i'|   (componentwise).
 * Rows merge their cells in one order fixed by the data, so results do not depend on the
 * number of threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/ksum_impl.h"

#define PRUNE_MAX_D 3
#define QBLOCK 32           /* queries per block */
#define NBUCKET 64          /* buckets of log U below the budget, ... */
#define BUCKET_W 0.5        /* ... each this wide (natural log units) */
#define MIN_CELLS_PER_DIM 6 /* a grid coarser than this along every dimension cannot pay */

typedef struct {
    size_t d, dim[PRUNE_MAX_D], stride[PRUNE_MAX_D], ncell;
    double origin[PRUNE_MAX_D], side;
    size_t *start;       /* ncell + 1: cell c holds sorted references [start[c], start[c + 1]) */
    double *lo, *hi;     /* ncell x d bounding boxes of the cells' references */
    double *lmass;       /* ncell: log sum exp(bias_j) over the cell, -inf when empty */
    double lmass_all;
} grid;

/* The kernel's logit bound at distance delta (without bias). */
static double logit_bound(const plan *p, double delta)
{
    if (p->kernel == GFD_KERNEL_GAUSS)
        return -p->sp[0].coef * delta * delta;
    return -p->sp[0].coef * sqrt(fmax(delta * delta, p->min_sq));
}

/* The distance at which the logit bound falls to lb (lb < 0): its inverse. */
static double bound_distance(const plan *p, double lb)
{
    return p->kernel == GFD_KERNEL_GAUSS ? sqrt(-lb / p->sp[0].coef) : -lb / p->sp[0].coef;
}

/* The grid cell index of one coordinate, clamped into the grid. */
static size_t cell_coord(const grid *g, size_t c, double x)
{
    double t = floor((x - g->origin[c]) / g->side);
    return t < 0 ? 0 : t >= (double)g->dim[c] ? g->dim[c] - 1 : (size_t)t;
}

static size_t cell_of(const grid *g, const double *x)
{
    size_t id = 0;
    for (size_t c = 0; c < g->d; c++)
        id += cell_coord(g, c, x[c]) * g->stride[c];
    return id;
}

/* Sizes the grid over R's bounding box: side about the kernel's width, coarsened until
 * there are at most m / 4 cells. Returns 0 when it would be too coarse to prune. */
static int grid_size(grid *g, const plan *p, const double *R)
{
    const size_t m = p->m, d = p->d;
    double lo[PRUNE_MAX_D], hi[PRUNE_MAX_D];
    for (size_t c = 0; c < d; c++)
        lo[c] = INFINITY, hi[c] = -INFINITY;
    for (size_t j = 0; j < m; j++)
        for (size_t c = 0; c < d; c++)
            lo[c] = fmin(lo[c], R[j * d + c]), hi[c] = fmax(hi[c], R[j * d + c]);
    double cap = fmax(1, (double)m / 4), cells;
    g->d = d;
    g->side = p->kernel == GFD_KERNEL_GAUSS ? 1 / sqrt(p->sp[0].coef) : 2 / p->sp[0].coef;
    for (;;) {
        cells = 1;
        for (size_t c = 0; c < d; c++)
            cells *= floor((hi[c] - lo[c]) / g->side) + 1;
        if (cells <= cap)
            break;
        g->side *= 1.25;
    }
    int fine = 0;
    for (size_t c = 0; c < d; c++) {
        g->origin[c] = lo[c];
        g->dim[c] = (size_t)floor((hi[c] - lo[c]) / g->side) + 1;
        fine |= g->dim[c] >= MIN_CELLS_PER_DIM;
    }
    g->ncell = 1;
    for (size_t c = d; c-- > 0;) {
        g->stride[c] = g->ncell;
        g->ncell *= g->dim[c];
    }
    return fine;
}

/* Cell index of every row of X (n x d), and the counting sort of the rows by it: order[r]
 * the row at sorted position r; start (ncell + 1) the cells' first positions. */
static void sort_by_cell(const grid *g, const double *X, size_t n, size_t *cell, size_t *order,
                         size_t *start)
{
    memset(start, 0, (g->ncell + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++) {
        cell[i] = cell_of(g, X + i * g->d);
        start[cell[i] + 1]++;
    }
    for (size_t c = 0; c < g->ncell; c++)
        start[c + 1] += start[c];
    size_t *fill = malloc(g->ncell * sizeof *fill);
    memcpy(fill, start, g->ncell * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        order[fill[cell[i]]++] = i;
    free(fill);
}

/* The cells' boxes and log masses, from the sorted references. */
static void grid_cells(grid *g, const plan *p, const double *R, const size_t *order)
{
    const size_t d = g->d;
    double all_max = -INFINITY, all_sum = 0;
    for (size_t c = 0; c < g->ncell; c++) {
        double mx = -INFINITY, s = 0;
        for (size_t e = 0; e < d; e++)
            g->lo[c * d + e] = INFINITY, g->hi[c * d + e] = -INFINITY;
        for (size_t r = g->start[c]; r < g->start[c + 1]; r++) {
            const double *x = R + order[r] * d;
            for (size_t e = 0; e < d; e++)
                g->lo[c * d + e] = fmin(g->lo[c * d + e], x[e]), g->hi[c * d + e] = fmax(g->hi[c * d + e], x[e]);
            double b = p->sp[0].bias ? p->sp[0].bias[r] : 0;  /* the bias is already in sorted order */
            merge(&mx, &s, NULL, 0, b, 1, NULL);
        }
        g->lmass[c] = s > 0 ? mx + log(s) : -INFINITY;
        merge(&all_max, &all_sum, NULL, 0, g->lmass[c], 1, NULL);
    }
    g->lmass_all = all_sum > 0 ? all_max + log(all_sum) : -INFINITY;
}

/* A block of queries: its rows (original indices), bounding box and cell ranges. */
typedef struct {
    const size_t *rows;
    size_t len;
    double lo[PRUNE_MAX_D], hi[PRUNE_MAX_D];
    size_t clo[PRUNE_MAX_D], chi[PRUNE_MAX_D];
} block;

static void block_box(const grid *g, const plan *p, block *b)
{
    for (size_t c = 0; c < g->d; c++)
        b->lo[c] = INFINITY, b->hi[c] = -INFINITY;
    for (size_t r = 0; r < b->len; r++)
        for (size_t c = 0; c < g->d; c++) {
            double x = p->Q[b->rows[r] * g->d + c];
            b->lo[c] = fmin(b->lo[c], x), b->hi[c] = fmax(b->hi[c], x);
        }
    for (size_t c = 0; c < g->d; c++)
        b->clo[c] = cell_coord(g, c, b->lo[c]), b->chi[c] = cell_coord(g, c, b->hi[c]);
}

/* The distance between the block's box and cell c's. */
static double box_distance(const grid *g, const block *b, size_t c)
{
    double s = 0;
    for (size_t e = 0; e < g->d; e++) {
        double gap = fmax(fmax(g->lo[c * g->d + e] - b->hi[e], b->lo[e] - g->hi[c * g->d + e]), 0);
        s += gap * gap;
    }
    return sqrt(s);
}

/* The cell ranges of a window of w cells around the block, clipped to the grid. */
static void window(const grid *g, const block *b, size_t w, size_t *lo, size_t *hi)
{
    for (size_t c = 0; c < PRUNE_MAX_D; c++) {
        lo[c] = c < g->d ? (b->clo[c] > w ? b->clo[c] - w : 0) : 0;
        hi[c] = c < g->d ? (b->chi[c] + w < g->dim[c] ? b->chi[c] + w : g->dim[c] - 1) : 0;
    }
}

static int in_window(const grid *g, size_t cell, const size_t *lo, const size_t *hi)
{
    for (size_t c = 0; c < g->d; c++) {
        size_t x = cell / g->stride[c] % g->dim[c];
        if (x < lo[c] || x > hi[c])
            return 0;
    }
    return 1;
}

/* Per-thread scratch: the rows' states, one range's state, the direct path's tiles. */
typedef struct {
    double *rows, *st;
    direct_scratch ds;
    size_t pairs_kept;
    double bound;
} prune_scratch;

/* Sums the sorted references [r0, r1) exactly into every row of the block. */
static void sum_range(const plan *p, const block *b, size_t r0, size_t r1, prune_scratch *s)
{
    const size_t k = p->k;
    if (r0 == r1)
        return;
    for (size_t r = 0; r < b->len; r++) {
        ksum_direct_range(p, b->rows[r], r0, r1, &s->ds, s->st);
        state_merge(s->rows + r * (2 + k), s->st, k);
    }
    s->pairs_kept += (r1 - r0) * b->len;
}

/* What a scan of the window does with each cell: sum it, or skip it. */
typedef int (*keep_fn)(const grid *g, size_t cell, const void *ctx);

/* The window [lo, hi] as lines of cells along the last dimension (stride 1): calls
 * line(base, len, ctx) for the cells base .. base + len - 1 of each, in cell order. */
static void window_lines(const grid *g, const size_t *lo, const size_t *hi,
                         void (*line)(size_t base, size_t len, void *ctx), void *ctx)
{
    const size_t d = g->d, last = d - 1;
    size_t a0 = d >= 2 ? lo[0] : 0, b0 = d >= 2 ? hi[0] : 0;
    size_t a1 = d == 3 ? lo[1] : 0, b1 = d == 3 ? hi[1] : 0;
    for (size_t x0 = a0; x0 <= b0; x0++)
        for (size_t x1 = a1; x1 <= b1; x1++) {
            size_t base = (d >= 2 ? x0 * g->stride[0] : 0) + (d == 3 ? x1 * g->stride[1] : 0);
            line(base + lo[last], hi[last] - lo[last] + 1, ctx);
        }
}

/* A scan: the block, where to sum, and which cells to keep. */
typedef struct {
    const grid *g;
    const plan *p;
    const block *b;
    keep_fn keep;
    const void *keep_ctx;
    prune_scratch *s;
} scan;

/* Sums a line's kept cells, consecutive ones as one range of sorted references. */
static void scan_line(size_t base, size_t len, void *ctx)
{
    const scan *sc = ctx;
    const grid *g = sc->g;
    size_t run0 = 0, run1 = 0;  /* the pending range */
    for (size_t cell = base; cell < base + len; cell++) {
        if (g->start[cell] == g->start[cell + 1])
            continue;           /* empty: ranges run across it */
        if (!sc->keep(g, cell, sc->keep_ctx) || run1 != g->start[cell]) {
            sum_range(sc->p, sc->b, run0, run1, sc->s);
            run0 = run1 = g->start[cell];
            if (!sc->keep(g, cell, sc->keep_ctx))
                continue;
        }
        run1 = g->start[cell + 1];
    }
    sum_range(sc->p, sc->b, run0, run1, sc->s);
}

static void scan_window(const grid *g, const plan *p, const block *b, const size_t *lo,
                        const size_t *hi, keep_fn keep, const void *ctx, prune_scratch *s)
{
    scan sc = {g, p, b, keep, ctx, s};
    window_lines(g, lo, hi, scan_line, &sc);
}

static int keep_all(const grid *g, size_t cell, const void *ctx)
{
    (void)g, (void)cell, (void)ctx;
    return 1;
}

/* Phase 3's choice: cells outside the first window, not pruned. */
typedef struct {
    const block *b;
    const plan *p;
    size_t lo1[PRUNE_MAX_D], hi1[PRUNE_MAX_D];
    double lbudget, cut;   /* log budget; prune cells with log U <= cut */
} phase3;

static double cell_log_bound(const grid *g, const plan *p, const block *b, size_t cell)
{
    return g->lmass[cell] + logit_bound(p, box_distance(g, b, cell));
}

static int keep_unpruned(const grid *g, size_t cell, const void *ctx)
{
    const phase3 *ph = ctx;
    if (in_window(g, cell, ph->lo1, ph->hi1) || g->lmass[cell] == -INFINITY)
        return 0;
    return cell_log_bound(g, ph->p, ph->b, cell) > ph->cut;
}

/* Phase 3's buckets: (lbudget - log U) / BUCKET_W, mass relative to the budget. */
typedef struct {
    const grid *g;
    const phase3 *ph;
    double mass[NBUCKET];
} buckets;

static void bucket_line(size_t base, size_t len, void *ctx)
{
    buckets *bk = ctx;
    const grid *g = bk->g;
    for (size_t cell = base; cell < base + len; cell++) {
        if (g->lmass[cell] == -INFINITY || in_window(g, cell, bk->ph->lo1, bk->ph->hi1))
            continue;
        double gap = bk->ph->lbudget - cell_log_bound(g, bk->ph->p, bk->ph->b, cell);
        if (gap <= 0)
            continue;
        size_t k = gap / BUCKET_W >= NBUCKET - 1 ? NBUCKET - 1 : (size_t)(gap / BUCKET_W);
        bk->mass[k] += exp(-gap);
    }
}

/* Phase 3's cut: prune the buckets of the smallest bounds while their masses sum to at
 * most the budget; returns the log bound at and below which cells are pruned, and in
 * *pruned their summed bound over the budget (<= 1). */
static double prune_cut(const grid *g, const phase3 *ph, const size_t *lo, const size_t *hi,
                        double *pruned)
{
    buckets bk = {.g = g, .ph = ph};
    window_lines(g, lo, hi, bucket_line, &bk);
    double cum = 0, cut = -INFINITY;
    for (size_t k = NBUCKET; k-- > 0;) {
        if (cum + bk.mass[k] > 1)
            break;
        cum += bk.mass[k];
        cut = ph->lbudget - (double)k * BUCKET_W;  /* buckets >= k: gap >= k W */
    }
    *pruned = cum;
    return cut;
}

/* One block: the three phases of the header. */
static void prune_block(const grid *g, const plan *p, double rtol, block *b, prune_scratch *s,
                        double *lse, double *out)
{
    const size_t k = p->k;
    block_box(g, p, b);
    for (size_t r = 0; r < b->len; r++)
        state_empty(s->rows + r * (2 + k), k);
    phase3 ph = {.b = b, .p = p};
    window(g, b, 1, ph.lo1, ph.hi1);
    scan_window(g, p, b, ph.lo1, ph.hi1, keep_all, NULL, s);
    double lk = INFINITY;
    for (size_t r = 0; r < b->len; r++) {
        const double *st = s->rows + r * (2 + k);
        lk = fmin(lk, st[1] > 0 ? st[0] + log(st[1]) : -INFINITY);
    }
    size_t lo[PRUNE_MAX_D], hi[PRUNE_MAX_D], span = 0, w = 0;
    for (size_t c = 0; c < g->d; c++)
        span = g->dim[c] > span ? g->dim[c] : span;
    /* the window: every reference outside it is more than w sides away (cell_coord clamps
     * queries outside the grid to its border cells, which keeps that true) */
    ph.lbudget = log(rtol / 2) + lk;
    double lout = -INFINITY;  /* log of the bound on everything outside the window */
    if (lk == -INFINITY) {
        w = span;             /* nothing kept yet: no budget, the whole grid */
    } else if (g->lmass_all <= ph.lbudget) {
        w = 1, lout = g->lmass_all;
    } else {
        double wd = ceil(bound_distance(p, ph.lbudget - g->lmass_all) / g->side);
        w = wd >= (double)span ? span : wd < 1 ? 1 : (size_t)wd;
        lout = w >= span ? -INFINITY : g->lmass_all + logit_bound(p, (double)w * g->side);
    }
    window(g, b, w, lo, hi);
    double pruned = 0;
    ph.cut = lk == -INFINITY ? -INFINITY : prune_cut(g, &ph, lo, hi, &pruned);
    if (w == 1)             /* phase 1 summed the whole window */
        ph.cut = INFINITY, pruned = 0;
    scan_window(g, p, b, lo, hi, keep_unpruned, &ph, s);
    if (lk > -INFINITY)
        s->bound = fmax(s->bound, exp(lout - lk) + pruned * rtol / 2);
    for (size_t r = 0; r < b->len; r++)
        state_finish(s->rows + r * (2 + k), k, lse + b->rows[r], out ? out + b->rows[r] * k : NULL);
}

/* Whether the pruned path applies to this call. */
static int applies(const gfd_ksum_spec *spec, size_t d)
{
    return spec->engine && spec->engine->rtol > 0 && d <= PRUNE_MAX_D && !spec->floor &&
           (spec->kernel == GFD_KERNEL_GAUSS || spec->kernel == GFD_KERNEL_LAPLACE) &&
           !(spec->self && spec->diag > 0);
}

/* The direct layout of R, V and the bias in sorted order, and the queries' self columns. */
static int sorted_layout(plan *p, const double *R, const double *V, const double *bias,
                         const size_t *order, size_t *pos, double **bias_sorted, gfd_err *err)
{
    const size_t m = p->m, d = p->d, k = p->k;
    p->Rt = gfd_alloc(m, d * sizeof(double), "pruned references", err);
    p->vt_copy = p->Rt ? gfd_alloc(m, (k ? k : 1) * sizeof(double), "pruned values", err) : NULL;
    *bias_sorted = p->vt_copy && bias ? gfd_alloc(m, sizeof(double), "pruned bias", err) : NULL;
    if (!p->vt_copy || (bias && !*bias_sorted))
        return -1;
    for (size_t r = 0; r < m; r++) {
        size_t j = order[r];
        pos[j] = r;
        for (size_t c = 0; c < d; c++)
            p->Rt[c * m + r] = R[j * d + c];
        for (size_t c = 0; c < k; c++)
            p->vt_copy[c * m + r] = V[j * k + c];
        if (bias)
            (*bias_sorted)[r] = bias[j];
    }
    p->Vt = p->vt_copy;
    p->sp[0].bias = *bias_sorted;
    return 0;
}

/* Every block, in parallel; the blocks' statistics summed into the engine's. */
static int run_blocks(const grid *g, const plan *p, double rtol, const size_t *qorder,
                      gfd_ksum_stats *stats, double *lse, double *out)
{
    const size_t n = p->n, k = p->k, nblocks = (n + QBLOCK - 1) / QBLOCK;
    int failed = 0;
    double kept = 0, bound = 0;
    #pragma omp parallel reduction(+:kept) reduction(max:bound)
    {
        prune_scratch s = {.rows = malloc(QBLOCK * (2 + k) * sizeof(double)),
                           .st = malloc((2 + k) * sizeof(double)),
                           .ds = {malloc(TILE * sizeof(double)), malloc((k ? k : 1) * sizeof(double))}};
        int ok = s.rows && s.st && s.ds.l && s.ds.acc;
        if (!ok) {
            #pragma omp atomic write
            failed = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t t = 0; t < nblocks; t++) {
            if (!ok)
                continue;
            block b = {.rows = qorder + t * QBLOCK, .len = n - t * QBLOCK < QBLOCK ? n - t * QBLOCK : QBLOCK};
            prune_block(g, p, rtol, &b, &s, lse, out);
        }
        kept += (double)s.pairs_kept;
        bound = fmax(bound, s.bound);
        free(s.rows), free(s.st), free(s.ds.l), free(s.ds.acc);
    }
    if (stats) {
        stats->pairs += (double)n * (double)p->m;
        stats->kept += kept;
        stats->bound = fmax(stats->bound, bound);
    }
    return failed ? -1 : 0;
}

int ksum_pruned(const double *Q, size_t n, const double *R, size_t m, size_t d,
                const double *V, size_t k, const gfd_ksum_spec *spec, double coef,
                double *lse, double *out, gfd_err *err)
{
    if (!applies(spec, d) || n == 0)
        return 0;
    plan p = {.n = n, .m = m, .d = d, .k = k, .Q = Q, .kernel = spec->kernel, .nspec = 1,
              .min_sq = spec->min_sqdist > 0 ? spec->min_sqdist : 0, .self = spec->self,
              .sp[0] = {.coef = coef, .diag = spec->diag}};
    grid g = {0};
    if (!grid_size(&g, &p, R))
        return 0;
    size_t *rcell = gfd_alloc(m, sizeof *rcell, "pruned grid", err);
    size_t *order = rcell ? gfd_alloc(m, sizeof *order, "pruned grid", err) : NULL;
    size_t *pos = order ? gfd_alloc(m, sizeof *pos, "pruned grid", err) : NULL;
    size_t *qcell = pos ? gfd_alloc(n, sizeof *qcell, "pruned grid", err) : NULL;
    size_t *qorder = qcell ? gfd_alloc(n, sizeof *qorder, "pruned grid", err) : NULL;
    size_t *qstart = qorder ? gfd_alloc(g.ncell + 1, sizeof *qstart, "pruned grid", err) : NULL;
    size_t *self_col = qstart && spec->self ? gfd_alloc(n, sizeof *self_col, "pruned grid", err) : NULL;
    g.start = qstart ? gfd_alloc(g.ncell + 1, sizeof *g.start, "pruned grid", err) : NULL;
    g.lo = g.start ? gfd_alloc(g.ncell, d * sizeof *g.lo, "pruned grid", err) : NULL;
    g.hi = g.lo ? gfd_alloc(g.ncell, d * sizeof *g.hi, "pruned grid", err) : NULL;
    g.lmass = g.hi ? gfd_alloc(g.ncell, sizeof *g.lmass, "pruned grid", err) : NULL;
    double *bias_sorted = NULL;
    int rc = g.lmass && (!spec->self || self_col) ? 0 : -1;
    if (rc == 0) {
        sort_by_cell(&g, R, m, rcell, order, g.start);
        rc = sorted_layout(&p, R, V, spec->bias, order, pos, &bias_sorted, err);
    }
    if (rc == 0) {
        grid_cells(&g, &p, R, order);
        sort_by_cell(&g, Q, n, qcell, qorder, qstart);
        for (size_t i = 0; self_col && i < n; i++)
            self_col[i] = pos[i + spec->self_offset];
        p.self_col = self_col;
        if (run_blocks(&g, &p, spec->engine->rtol, qorder, spec->engine->stats, lse, out) < 0)
            rc = gfd_fail(err, GFD_ENOMEM, "kernel sum: out of memory for per-thread scratch");
    }
    free(rcell), free(order), free(pos), free(qcell), free(qorder), free(qstart), free(self_col);
    free(g.start), free(g.lo), free(g.hi), free(g.lmass), free(bias_sorted);
    free(p.Rt), free(p.vt_copy);
    return rc < 0 ? -1 : 1;
}
