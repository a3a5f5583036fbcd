/* Mini-batch fields (MATH §3.10), the sampler between a flow and its field: each step the
 * particles are split at random into groups of at most B (sizes differing by at most one),
 * each group draws B' targets from Y without replacement, and the field is computed inside
 * the group, the group's particles standing for q and its targets for p. The field does
 * not know it is a batch. Every draw comes from the streams of (seed, step, group), and the
 * groups run one after the other (each field threads inside), so no thread count changes a
 * byte. A group's field draws its own random numbers from a seed of (seed, step, group). B >= N keeps the particles in their order and B' >= M takes Y itself: one group of
 * the whole clouds is the full field, bit for bit. Under several processes (gfd/ranks.h)
 * the groups are dealt over them in contiguous runs, each group computed whole by one
 * process, and the velocities exchanged: the same bytes again. */
#include <stdlib.h>
#include <string.h>

#include "fields/field_impl.h"
#include "gfd/ranks.h"

/* x ~ U{0 .. n-1}, from 53 random bits (n < 2^53). */
static size_t below(gfd_rng *r, size_t n)
{
    return (size_t)(gfd_rng_uniform(r) * (double)n);
}

/* The first k of idx (n) made a uniform random k-subset in random order (partial Fisher-
 * Yates); swaps (k, or NULL) records the partners so that restore() puts idx back. */
static void draw_subset(gfd_rng *r, size_t *idx, size_t n, size_t k, size_t *swaps)
{
    for (size_t t = 0; t < k; t++) {
        size_t j = t + below(r, n - t), tmp = idx[t];
        idx[t] = idx[j], idx[j] = tmp;
        if (swaps)
            swaps[t] = j;
    }
}

static void restore(size_t *idx, size_t k, const size_t *swaps)
{
    for (size_t t = k; t-- > 0;) {
        size_t j = swaps[t], tmp = idx[t];
        idx[t] = idx[j], idx[j] = tmp;
    }
}

/* out (n x d, and weights when c has them) = the rows rows[0..n) of c. */
static void gather(const gfd_cloud *c, const size_t *rows, size_t n, gfd_cloud *out)
{
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        memcpy(out->x + i * c->d, c->x + rows[i] * c->d, c->d * sizeof *c->x);
        if (c->w)
            out->w[i] = c->w[rows[i]];
    }
}

/* Scratch of the groups: index arrays and the clouds of one group. */
typedef struct {
    size_t *perm, *tidx, *swaps;
    gfd_cloud Xg, Yg;
    double *Vg;
} batch_buf;

static int buf_alloc(batch_buf *b, const gfd_cloud *X, const gfd_cloud *Y, size_t B, size_t Bt,
                     gfd_err *err)
{
    const size_t d = X->d;
    *b = (batch_buf){.Xg = {.d = d}, .Yg = {.d = d}};
    b->perm = gfd_alloc(X->n, sizeof *b->perm, "batch order", err);
    b->tidx = b->perm ? gfd_alloc(Y->n, sizeof *b->tidx, "batch targets", err) : NULL;
    b->swaps = b->tidx ? gfd_alloc(Bt, sizeof *b->swaps, "batch targets", err) : NULL;
    b->Xg.x = b->swaps ? gfd_alloc(B, d * sizeof(double), "batch particles", err) : NULL;
    b->Yg.x = b->Xg.x ? gfd_alloc(Bt, d * sizeof(double), "batch targets", err) : NULL;
    b->Vg = b->Yg.x ? gfd_alloc(B, d * sizeof(double), "batch velocities", err) : NULL;
    if (b->Vg && X->w)
        b->Xg.w = gfd_alloc(B, sizeof(double), "batch weights", err);
    if (b->Vg && Y->w)
        b->Yg.w = gfd_alloc(Bt, sizeof(double), "batch weights", err);
    return b->Vg && (!X->w || b->Xg.w) && (!Y->w || b->Yg.w) ? 0 : -1;
}

static void buf_free(batch_buf *b)
{
    free(b->perm), free(b->tidx), free(b->swaps), free(b->Vg);
    free(b->Xg.x), free(b->Xg.w), free(b->Yg.x), free(b->Yg.w);
}

/* Group g of G over N particles in perm order: [first, first + n). */
static void group_rows(size_t N, size_t G, size_t g, size_t *first, size_t *n)
{
    size_t q = N / G, r = N % G;  /* the first r groups hold q + 1 */
    *first = g * q + (g < r ? g : r);
    *n = q + (g < r);
}

/* The processes' runs of groups: process r computes groups [g0, g1), the rows
 * [first(g0), first(g1)) of the permuted order. */
typedef struct {
    size_t N, G;
    int size;
} group_deal;

static void group_span(const void *ctx, int r, size_t *lo, size_t *hi)
{
    const group_deal *gd = ctx;
    size_t g0, g1, n;
    gfd_ranks_share(gd->G, 1, gd->size, r, &g0, &g1);
    group_rows(gd->N, gd->G, g0, lo, &n);
    group_rows(gd->N, gd->G, g1, hi, &n);  /* first(G) = N */
}

/* With several processes: every one's velocities (Vp, N x d in the permuted order, its
 * own groups' rows filled) to every one, then into V in the particles' order. Every
 * process calls it, whatever its status rc; sharing the kernel sums resumes. */
static int share_groups(const gfd_ranks *rk, int rc, size_t N, size_t G, size_t d,
                        const size_t *perm, double *Vp, double *V, gfd_err *err)
{
    gfd_ranks_use(rk);
    group_deal gd = {N, G, rk->size};
    if (rk->share_rows(rk->ctx, rc, &Vp, &d, 1, &(gfd_rank_rows){group_span, &gd}, err) < 0)
        return -1;
    for (size_t i = 0; i < N; i++)
        memcpy(V + perm[i] * d, Vp + i * d, d * sizeof *V);
    return 0;
}

int field_batches(size_t batch, size_t target_batch, const gfd_cloud *X, const gfd_cloud *Y,
                  const gfd_field_args *a, field_group_fn fn, void *ctx, double *V, gfd_err *err)
{
    const size_t N = X->n, M = Y->n, d = X->d;
    size_t B = batch && batch < N ? batch : N, Bt = target_batch ? target_batch : batch ? batch : M;
    Bt = Bt < M ? Bt : M;
    if (B == N && Bt == M)
        return fn(ctx, X, Y, a, V, err);
    const size_t G = (N + B - 1) / B;
    const gfd_ranks *rk = G > 1 ? gfd_ranks_current() : NULL;
    size_t g0 = 0, g1 = G;
    batch_buf b;
    int rc = buf_alloc(&b, X, Y, B, Bt, err);
    double *Vp = NULL;  /* with rk: this process's groups' velocities, in the permuted order */
    if (rk) {
        gfd_ranks_share(G, 1, rk->size, rk->rank, &g0, &g1);
        gfd_ranks_use(NULL);  /* a group is computed by one process: its sums are not shared */
        if (rc == 0 && !(Vp = gfd_alloc(N, d * sizeof *Vp, "batch velocities", err)))
            rc = -1;
    }
    gfd_rng r;
    for (size_t i = 0; rc == 0 && i < N; i++)
        b.perm[i] = i;
    for (size_t j = 0; rc == 0 && j < M; j++)
        b.tidx[j] = j;
    if (rc == 0 && B < N) {  /* the random split: a uniform permutation of the particles */
        gfd_field_rng(&r, a->seed, a->step, GFD_STREAM_BATCH, 0);
        draw_subset(&r, b.perm, N, N, NULL);
    }
    for (size_t g = g0; rc == 0 && g < g1; g++) {
        size_t first, n;
        group_rows(N, G, g, &first, &n);
        gather(X, b.perm + first, n, &b.Xg);
        const gfd_cloud *Yg = Y;
        if (Bt < M) {
            gfd_field_rng(&r, a->seed, a->step, GFD_STREAM_BATCH_TARGETS, g);
            draw_subset(&r, b.tidx, M, Bt, b.swaps);
            gather(Y, b.tidx, Bt, &b.Yg);
            restore(b.tidx, Bt, b.swaps);
            Yg = &b.Yg;
        }
        gfd_field_args ag = *a;  /* the group's own seed for the field's draws */
        gfd_field_rng(&r, a->seed, a->step, GFD_STREAM_BATCH, g + 1);
        ag.seed = gfd_rng_u64(&r);
        rc = fn(ctx, &b.Xg, Yg, &ag, b.Vg, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            memcpy(Vp ? Vp + (first + i) * d : V + b.perm[first + i] * d, b.Vg + i * d, d * sizeof *V);
    }
    if (rk)
        rc = share_groups(rk, rc, N, G, d, b.perm, Vp, V, err);
    free(Vp);
    buf_free(&b);
    return rc;
}
