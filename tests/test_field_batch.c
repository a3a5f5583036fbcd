/* Mini-batches (MATH §3.10, lib/fields/batch.c) through a recording group function: the
 * groups partition the particles in sizes that differ by at most one, each group's targets
 * are distinct rows of Y, every velocity lands on its own particle, weights travel with
 * their rows, the draws repeat for a (seed, step) and are uniform (co-membership and target
 * frequencies against their exact probabilities, within 4.5 standard errors), and batches
 * at least as large as the clouds pass the clouds themselves. */
#include "fields/field_impl.h"
#include "testutil.h"

#define MAXG 64

/* What the group function saw: per call the original rows (recovered from coordinate 0,
 * which is the row number: X rows 0.., Y rows 1000..). */
typedef struct {
    int calls;
    size_t nx[MAXG], ny[MAXG];
    int xrow[MAXG][64], yrow[MAXG][64];
    const gfd_cloud *lastX, *lastY;
    int bad_weight;
} record;

/* V_i = 3 x_i + (sum of the group's target rows), so the assembly can be checked. */
static int recorder(void *ctx, const gfd_cloud *X, const gfd_cloud *Y, const gfd_field_args *a,
                    double *V, gfd_err *err)
{
    (void)a, (void)err;
    record *r = ctx;
    int g = r->calls++;
    r->lastX = X, r->lastY = Y, r->nx[g] = X->n, r->ny[g] = Y->n;
    double tsum = 0;
    for (size_t j = 0; j < Y->n; j++) {
        r->yrow[g][j] = (int)Y->x[j * Y->d] - 1000;
        tsum += Y->x[j * Y->d];
        r->bad_weight |= Y->w && Y->w[j] != 1 + Y->x[j * Y->d];
    }
    for (size_t i = 0; i < X->n; i++) {
        r->xrow[g][i] = (int)X->x[i * X->d];
        r->bad_weight |= X->w && X->w[i] != 1 + X->x[i * X->d];
        for (size_t c = 0; c < X->d; c++)
            V[i * X->d + c] = 3 * X->x[i * X->d + c] + tsum;
    }
    return 0;
}

/* Clouds whose coordinate 0 names the row (X: i, Y: 1000 + j), weights 1 + that. */
static gfd_cloud row_cloud(size_t n, size_t d, double base, int weighted)
{
    gfd_cloud c;
    gfd_cloud_alloc(&c, n, d, NULL);
    c.w = weighted ? malloc(n * sizeof *c.w) : NULL;
    for (size_t i = 0; i < n; i++) {
        c.x[i * d] = base + (double)i;
        for (size_t k = 1; k < d; k++)
            c.x[i * d + k] = 0.25 * (double)k;
        if (weighted)
            c.w[i] = 1 + c.x[i * d];
    }
    return c;
}

static void batch_run(size_t B, size_t Bt, const gfd_cloud *X, const gfd_cloud *Y, uint64_t seed,
                      uint64_t step, record *r, double *V)
{
    gfd_field_args a = {.h = 1, .seed = seed, .step = step};
    gfd_err err = {0};
    *r = (record){0};
    CHECK(field_batches(B, Bt, X, Y, &a, recorder, r, V, &err) == 0, "%s", err.msg);
}

static void test_partition(void)
{
    const size_t N = 103, M = 57, d = 2, B = 10, Bt = 7;
    gfd_cloud X = row_cloud(N, d, 0, 1), Y = row_cloud(M, d, 1000, 1);
    double *V = malloc(N * d * sizeof *V);
    record r;
    batch_run(B, Bt, &X, &Y, 7, 3, &r, V);
    CHECK(r.calls == 11, "%d groups, want ceil(103/10) = 11", r.calls);
    int seen[103] = {0};
    for (int g = 0; g < r.calls; g++) {
        CHECK(r.nx[g] == 9 || r.nx[g] == 10, "group %d of %zu", g, r.nx[g]);
        CHECK(r.ny[g] == Bt, "group %d has %zu targets", g, r.ny[g]);
        int used[57] = {0};
        double tsum = 0;
        for (size_t j = 0; j < r.ny[g]; j++) {
            CHECK(!used[r.yrow[g][j]]++, "group %d draws target %d twice", g, r.yrow[g][j]);
            tsum += 1000 + r.yrow[g][j];
        }
        for (size_t i = 0; i < r.nx[g]; i++) {
            int row = r.xrow[g][i];
            CHECK(!seen[row]++, "particle %d in two groups", row);
            CHECK(V[row * d] == 3 * row + tsum && V[row * d + 1] == 0.75 + tsum,
                  "particle %d got another's velocity", row);
        }
    }
    for (size_t i = 0; i < N; i++)
        CHECK(seen[i] == 1, "particle %zu in no group", i);
    CHECK(!r.bad_weight, "a weight left its row");
    free(V), gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_whole_clouds(void)
{
    const size_t N = 20, M = 30, d = 3;
    gfd_cloud X = row_cloud(N, d, 0, 0), Y = row_cloud(M, d, 1000, 0);
    double *V = malloc(N * d * sizeof *V);
    record r;
    const size_t sizes[][2] = {{0, 0}, {20, 30}, {500, 0}, {20, 900}};
    for (int k = 0; k < 4; k++) {
        batch_run(sizes[k][0], sizes[k][1], &X, &Y, 1, 1, &r, V);
        CHECK(r.calls == 1 && r.lastX == &X && r.lastY == &Y, "B = %zu, B' = %zu: not the clouds",
              sizes[k][0], sizes[k][1]);
    }
    /* B >= N with fewer targets: the particles in order, targets drawn */
    batch_run(20, 5, &X, &Y, 1, 1, &r, V);
    CHECK(r.calls == 1 && r.lastY != &Y && r.ny[0] == 5, "B' = 5 took %zu targets", r.ny[0]);
    for (size_t i = 0; i < N; i++)
        CHECK(r.xrow[0][i] == (int)i, "row %zu moved", i);
    free(V), gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

/* The groups of every particle pair and target as one signature of a run. */
static unsigned long signature(const record *r)
{
    unsigned long s = 0;
    for (int g = 0; g < r->calls; g++) {
        for (size_t i = 0; i < r->nx[g]; i++)
            s = s * 31 + (unsigned long)r->xrow[g][i];
        for (size_t j = 0; j < r->ny[g]; j++)
            s = s * 37 + (unsigned long)r->yrow[g][j];
    }
    return s;
}

static void test_repeats(void)
{
    gfd_cloud X = row_cloud(40, 2, 0, 0), Y = row_cloud(40, 2, 1000, 0);
    double *V = malloc(40 * 2 * sizeof *V);
    record r;
    batch_run(8, 8, &X, &Y, 5, 2, &r, V);
    unsigned long a = signature(&r);
    batch_run(8, 8, &X, &Y, 5, 2, &r, V);
    CHECK(signature(&r) == a, "the same seed and step drew other groups");
    batch_run(8, 8, &X, &Y, 5, 3, &r, V);
    CHECK(signature(&r) != a, "another step drew the same groups");
    batch_run(8, 8, &X, &Y, 6, 2, &r, V);
    CHECK(signature(&r) != a, "another seed drew the same groups");
    free(V), gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

/* count of S Bernoulli(p) trials within 4.5 standard errors of S p */
static void check_frequency(const char *what, long count, long S, double p)
{
    double se = sqrt(S * p * (1 - p));
    CHECK(fabs(count - S * p) <= 4.5 * se, "%s: %ld of %ld, want %.1f +- %.1f", what, count, S,
          S * p, 4.5 * se);
}

static void test_uniform(void)
{
    /* N = 6 in groups of 3, M = 5 with B' = 2: particles 0 and 1 share a group with
     * probability 2/5, target 0 is in particle 0's group with 2/5, targets 0 and 1 both with
     * 1/10, and particle 0 is first in its group with 1/3 */
    gfd_cloud X = row_cloud(6, 1, 0, 0), Y = row_cloud(5, 1, 1000, 0);
    double V[6];
    record r;
    const long S = 6000;
    long together = 0, target0 = 0, both = 0, first = 0;
    for (long s = 0; s < S; s++) {
        batch_run(3, 2, &X, &Y, 11, (uint64_t)s, &r, V);
        for (int g = 0; g < r.calls; g++) {
            int has0 = 0, has1 = 0, t0 = 0, t1 = 0;
            for (size_t i = 0; i < r.nx[g]; i++)
                has0 |= r.xrow[g][i] == 0, has1 |= r.xrow[g][i] == 1;
            for (size_t j = 0; j < r.ny[g]; j++)
                t0 |= r.yrow[g][j] == 0, t1 |= r.yrow[g][j] == 1;
            if (has0) {
                together += has1, target0 += t0, both += t0 && t1, first += r.xrow[g][0] == 0;
            }
        }
    }
    check_frequency("particles 0 and 1 together", together, S, 0.4);
    check_frequency("target 0 with particle 0", target0, S, 0.4);
    check_frequency("targets 0 and 1 with particle 0", both, S, 0.1);
    check_frequency("particle 0 first in its group", first, S, 1.0 / 3);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

int main(void)
{
    RUN(test_partition);
    RUN(test_whole_clouds);
    RUN(test_repeats);
    RUN(test_uniform);
    UNIT_END();
}
