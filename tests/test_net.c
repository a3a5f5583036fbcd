/* Generator networks and their training (lib/train/) against independent checks: the
 * forward pass against a direct loop over the documented parameter layout; the backward
 * pass against central differences of the forward, for every operation (Linear, SiLU,
 * LayerNorm, residual add, the sphere's normalisation); the same bytes for one and two
 * threads, and for processes that deal the batch's parts; the collapsed start; one training
 * step against Adam's closed form at step 1 (p1 = p0 - lr g / (|g| + eps)); the model
 * file's round trip. */
#include <omp.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static gfd_net *make(gfd_net_arch a, uint64_t seed)
{
    gfd_err err;
    gfd_net *net = gfd_net_new(&a, &err);
    CHECK(net != NULL, "%s", err.msg);
    gfd_net_init(net, seed, 0);
    return net;
}

static const gfd_net_arch MLP = {.kind = GFD_NET_MLP, .zdim = 3, .dout = 2, .nhidden = 2,
                                 .hidden = {5, 4}};
static const gfd_net_arch RES = {.kind = GFD_NET_RESMLP, .zdim = 3, .dout = 2, .width = 4,
                                 .blocks = 2, .res_scale = 0.9};
static const gfd_net_arch SPH = {.kind = GFD_NET_MLP, .zdim = 2, .dout = 3, .nhidden = 1,
                                 .hidden = {6}, .sphere = 1};

static double *noise(size_t n, int zdim, uint64_t seed)
{
    double *Z = malloc(n * zdim * sizeof *Z);
    gfd_net_noise(seed, 1, GFD_STREAM_GEN_NOISE, n, zdim, Z);
    return Z;
}

/* ---- the forward pass by direct loops over the layout of gfd/model.h ---- */

static double silu(double x) { return x / (1 + exp(-x)); }

/* y[out] = W x + b with W at p (out x in), b after it; returns the next parameter. */
static const double *ref_linear(const double *p, const double *x, int in, double *y, int out)
{
    for (int o = 0; o < out; o++) {
        double s = p[(size_t)out * in + o];
        for (int i = 0; i < in; i++)
            s += p[o * in + i] * x[i];
        y[o] = s;
    }
    return p + (size_t)out * in + out;
}

static const double *ref_norm(const double *p, double *x, int w)
{
    double mu = 0, var = 0;
    for (int j = 0; j < w; j++)
        mu += x[j] / w;
    for (int j = 0; j < w; j++)
        var += (x[j] - mu) * (x[j] - mu) / w;
    for (int j = 0; j < w; j++)
        x[j] = p[j] * (x[j] - mu) / sqrt(var + 1e-5) + p[w + j];
    return p + 2 * w;
}

static void ref_resmlp(const gfd_net_arch *a, const double *p, const double *z, double *out)
{
    double h[64], t[128];
    int w = a->width;
    p = ref_linear(p, z, a->zdim, h, w);
    p = ref_norm(p, h, w);
    for (int j = 0; j < w; j++)
        h[j] = silu(h[j]);
    for (int b = 0; b < a->blocks; b++) {
        double u[64];
        p = ref_linear(p, h, w, t, 2 * w);
        p = ref_norm(p, t, 2 * w);
        for (int j = 0; j < 2 * w; j++)
            t[j] = silu(t[j]);
        p = ref_linear(p, t, 2 * w, u, w);
        p = ref_norm(p, u, w);
        for (int j = 0; j < w; j++)
            h[j] += a->res_scale * u[j];
    }
    ref_linear(p, h, w, out, a->dout);
}

static void test_forward_reference(void)
{
    /* the residual MLP's outputs against the direct loops: same sums in another order,
     * relative 1e-12 */
    gfd_err err;
    gfd_net *net = make(RES, 3);
    size_t n = 70;
    double *Z = noise(n, 3, 5), X[140], ref[2];
    CHECK(gfd_net_forward(net, Z, n, X, &err) == 0, "%s", err.msg);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        ref_resmlp(&RES, gfd_net_params(net), Z + 3 * i, ref);
        for (int j = 0; j < 2; j++)
            worst = fmax(worst, fabs(X[2 * i + j] - ref[j]) / fmax(1, fabs(ref[j])));
    }
    printf("# residual MLP vs direct loops: worst relative error %.3g\n", worst);
    CHECK(worst < 1e-12, "forward differs from the direct loops by %g", worst);
    free(Z), gfd_net_free(net);
}

/* L = sum_ij c_ij x_ij; its gradient by backward against central differences, step 1e-6
 * (truncation ~1e-12 |L'''|, rounding ~1e-10 |L|): within 1e-6 of the largest. */
static void check_backward(gfd_net_arch a, const char *name)
{
    gfd_err err;
    gfd_net *net = make(a, 11);
    size_t n = 70, P = gfd_net_nparams(net), len = n * a.dout;
    double *Z = noise(n, a.zdim, 2), *X = malloc(len * sizeof *X), *c = noise(n, a.dout, 9);
    double *grad = malloc(P * sizeof *grad), *p = gfd_net_params(net);
    CHECK(gfd_net_forward(net, Z, n, X, &err) == 0, "%s", err.msg);
    CHECK(gfd_net_backward(net, c, grad, &err) == 0, "%s", err.msg);
    double worst = 0, gmax = 0;
    for (size_t k = 0; k < P; k++) {
        double p0 = p[k], lp = 0, lm = 0;
        p[k] = p0 + 1e-6, gfd_net_sample(net, Z, n, X, &err);
        for (size_t i = 0; i < len; i++)
            lp += c[i] * X[i];
        p[k] = p0 - 1e-6, gfd_net_sample(net, Z, n, X, &err);
        for (size_t i = 0; i < len; i++)
            lm += c[i] * X[i];
        p[k] = p0;
        worst = fmax(worst, fabs((lp - lm) / 2e-6 - grad[k]));
        gmax = fmax(gmax, fabs(grad[k]));
    }
    printf("# %s: %zu parameters, worst |backward - central difference| %.3g (largest %.3g)\n",
           name, P, worst, gmax);
    CHECK(worst <= 1e-6 * gmax && gmax > 0, "%s: backward off by %g", name, worst);
    free(Z), free(X), free(c), free(grad), gfd_net_free(net);
}

static void test_backward_mlp(void) { check_backward(MLP, "MLP (Linear, SiLU)"); }
static void test_backward_resmlp(void) { check_backward(RES, "residual MLP (LayerNorm, add)"); }
static void test_backward_sphere(void) { check_backward(SPH, "MLP onto the sphere"); }

static void test_threads(void)
{
    /* forward and backward on 1 and 2 threads: the same bytes */
    gfd_err err;
    gfd_net_arch a = RES;
    a.width = 32, a.blocks = 3;
    gfd_net *net = make(a, 4);
    size_t n = 300, P = gfd_net_nparams(net);
    double *Z = noise(n, 3, 1), *c = noise(n, 2, 8), X[2][600];
    double *g[2] = {malloc(P * sizeof(double)), malloc(P * sizeof(double))};
    int threads = omp_get_max_threads();
    for (int t = 0; t < 2; t++) {
        omp_set_num_threads(t ? 2 : 1);
        CHECK(gfd_net_forward(net, Z, n, X[t], &err) == 0, "%s", err.msg);
        CHECK(gfd_net_backward(net, c, g[t], &err) == 0, "%s", err.msg);
    }
    omp_set_num_threads(threads);
    CHECK(!memcmp(X[0], X[1], sizeof X[0]) && !memcmp(g[0], g[1], P * sizeof(double)),
          "1 and 2 threads differ");
    free(Z), free(c), free(g[0]), free(g[1]), gfd_net_free(net);
}

/* Processes simulated in one (gfd/ranks.h): rank r of P runs forward and backward on a
 * batch of 1100 rows (5 parts of 256). The fake exchange checks that r computed its rows of
 * the outputs as one process does and left the others alone, then fills the rows and part
 * gradients the other ranks own from one process's run; a part's gradient is the gradient
 * of that part's rows alone. r's gradient must be one process's bytes. */
typedef struct {
    int rank, calls, bad;
    const double *X, *parts;  /* one process's outputs (n x dout), part gradients (parts x P) */
    size_t dout;
} fake_ranks;

static int fake_share(void *ctx, int status, double *const *buf, const size_t *width,
                      size_t nbuf, const gfd_rank_rows *rows, gfd_err *err)
{
    (void)err, (void)nbuf;
    fake_ranks *f = ctx;
    int outputs = f->calls++ == 0;
    const double *ref = outputs ? f->X : f->parts;
    size_t w = width[0], lo, hi, total = 0;
    for (int r = 0; r < 8; r++)
        rows->of(rows->ctx, r, &lo, &hi), total = hi > total ? hi : total;
    rows->of(rows->ctx, f->rank, &lo, &hi);
    for (size_t i = 0; outputs && i < total * w; i++)
        f->bad += i >= lo * w && i < hi * w ? buf[0][i] != ref[i] : !isnan(buf[0][i]);
    for (size_t i = 0; i < total * w; i++)
        if (i < lo * w || i >= hi * w)
            buf[0][i] = ref[i];
    return status;
}

static void test_ranks(void)
{
    gfd_err err;
    gfd_net_arch archs[2] = {RES, SPH};
    archs[0].width = 8;
    for (int a = 0; a < 2; a++) {
        gfd_net *net = make(archs[a], 3);
        size_t n = 1100, zd = (size_t)archs[a].zdim, dout = (size_t)archs[a].dout;
        size_t P = gfd_net_nparams(net), np = (n + 255) / 256;
        double *Z = noise(n, (int)zd, 2), *c = noise(n, (int)dout, 9);
        double *X1 = malloc(n * dout * sizeof *X1), *g1 = malloc(P * sizeof *g1);
        double *Xr = malloc(n * dout * sizeof *Xr), *gr = malloc(P * sizeof *gr);
        double *parts = malloc(np * P * sizeof *parts);
        CHECK(gfd_net_forward(net, Z, n, X1, &err) == 0 && gfd_net_backward(net, c, g1, &err) == 0,
              "%s", err.msg);
        for (size_t p = 0; p < np; p++) {
            size_t r0 = p * 256, rows = n - r0 < 256 ? n - r0 : 256;
            CHECK(gfd_net_forward(net, Z + r0 * zd, rows, Xr, &err) == 0 &&
                  gfd_net_backward(net, c + r0 * dout, parts + p * P, &err) == 0, "%s", err.msg);
        }
        for (int size = 2; size <= 7; size += size == 3 ? 4 : 1) {
            for (int r = 0; r < size; r++) {
                gfd_net *mine = make(archs[a], 3);
                fake_ranks f = {.rank = r, .X = X1, .parts = parts, .dout = dout};
                gfd_ranks rk = {.rank = r, .size = size, .share_rows = fake_share, .ctx = &f};
                for (size_t i = 0; i < n * dout; i++)
                    Xr[i] = NAN;
                gfd_ranks_use(&rk);
                int ok = gfd_net_forward(mine, Z, n, Xr, &err) == 0 &&
                         gfd_net_backward(mine, c, gr, &err) == 0;
                gfd_ranks_use(NULL);
                CHECK(ok, "%s", err.msg);
                CHECK(f.calls == 2 && !f.bad, "arch %d, rank %d of %d: %d exchanges, %d output "
                      "values off or computed for another rank", a, r, size, f.calls, f.bad);
                CHECK(!memcmp(gr, g1, P * sizeof *g1), "arch %d, rank %d of %d: the gradient "
                      "differs from one process's", a, r, size);
                gfd_net_free(mine);
            }
        }
        free(Z), free(c), free(X1), free(g1), free(Xr), free(gr), free(parts), gfd_net_free(net);
    }
}

static void test_collapsed_start(void)
{
    /* output weights N(0, 0.001^2), bias 0: outputs within 0.1 of the origin (x_j is a sum
     * of 256 activations of size O(1-3) after the residual blocks, times 0.001: ~ 0.02-0.05),
     * against an O(1) spread of the data */
    gfd_err err;
    gfd_net_arch a = {.kind = GFD_NET_RESMLP, .zdim = 16, .dout = 2, .width = 256, .blocks = 2,
                      .res_scale = 0.9};
    gfd_net *net = gfd_net_new(&a, &err);
    gfd_net_init(net, 1, 1e-3);
    double *Z = noise(200, 16, 3), X[400], big = 0;
    CHECK(gfd_net_forward(net, Z, 200, X, &err) == 0, "%s", err.msg);
    for (int i = 0; i < 400; i++)
        big = fmax(big, fabs(X[i]));
    printf("# collapsed start: largest |x_j| %.3g\n", big);
    CHECK(big < 0.1 && big > 0, "outputs reach %g", big);
    free(Z), gfd_net_free(net);
}

static void test_adam_first_step(void)
{
    /* one trainer step against its parts: the field at f(z) toward the same data batch,
     * dX = -2 V / (G d), backward, then Adam's first step p - lr g / (|g| + 1e-8) */
    gfd_err err;
    gfd_rng r;
    gfd_rng_seed(&r, 5);
    gfd_cloud Y = tu_cloud(&r, 300, 2, 1, 1, 0);
    gfd_field_spec spec;
    CHECK(gfd_field_parse("drift", &spec, &err) == 0, "%s", err.msg);
    gfd_field *f = gfd_field_new(&spec, NULL, NULL, &err);
    gfd_net *net = make(MLP, 7);
    size_t P = gfd_net_nparams(net), G = 100;
    double *p0 = malloc(P * sizeof *p0), *grad = malloc(P * sizeof *grad);
    memcpy(p0, gfd_net_params(net), P * sizeof *p0);
    gfd_train_opts o;
    gfd_train_opts_default(&o);
    o.gen_batch = G, o.data_batch = 50, o.seed = 3, o.lr = 1e-2;
    double *Z = noise(G, 3, 3), X[200], V[200], dX[200];
    gfd_net_forward(net, Z, G, X, &err);
    gfd_field_set_batch(f, G, 50);
    gfd_cloud Xc = {.n = G, .d = 2, .x = X};
    gfd_field_args fa = {.seed = 3, .step = 1};
    CHECK(gfd_field_velocity(f, &Xc, &Y, &fa, V, &err) == 0, "%s", err.msg);
    double loss = 0;
    for (int i = 0; i < 200; i++)
        dX[i] = -2 * V[i] / 200, loss += V[i] * V[i] / 200;
    gfd_net_backward(net, dX, grad, &err);
    gfd_trainer *t = gfd_trainer_new(net, f, &Y, &o, &err);
    gfd_train_report rep;
    CHECK(t && gfd_trainer_step(t, &rep, &err) == 0, "%s", err.msg);
    CHECK_CLOSE(rep.loss, loss, 1e-12);
    double worst = 0;
    for (size_t k = 0; k < P; k++)
        worst = fmax(worst, fabs(gfd_net_params(net)[k] - (p0[k] - 1e-2 * grad[k] / (fabs(grad[k]) + 1e-8))));
    CHECK(worst < 1e-15, "first Adam step off by %g", worst);
    free(Z), free(p0), free(grad), gfd_trainer_free(t), gfd_net_free(net), gfd_field_free(f);
    gfd_cloud_free(&Y);
}

static void test_model_round_trip(void)
{
    /* save and load a checkpoint: the same architecture, weights and state, bit for bit */
    gfd_err err;
    char path[] = "/tmp/gfd-test-model-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    gfd_net *net = make(RES, 2);
    size_t P = gfd_net_nparams(net);
    double *m = noise(P, 1, 4), *v = noise(P, 1, 6);
    gfd_model_state st = {.done = 42, .options_hash = 0x1234567890abcdefu, .m = m, .v = v}, back;
    CHECK(gfd_model_save(path, net, &st, &err) == 0, "%s", err.msg);
    gfd_net *again = gfd_model_load(path, &back, &err);
    CHECK(again != NULL, "%s", err.msg);
    if (again) {
        CHECK(gfd_net_arch_equal(gfd_net_get_arch(again), gfd_net_get_arch(net)),
              "architecture differs");
        CHECK(!memcmp(gfd_net_params(again), gfd_net_params(net), P * sizeof(double)) &&
              !memcmp(back.m, m, P * sizeof *m) && !memcmp(back.v, v, P * sizeof *v) &&
              back.done == 42 && back.options_hash == st.options_hash, "state differs");
        free(back.m), free(back.v), gfd_net_free(again);
    }
    CHECK(gfd_model_save(path, net, NULL, &err) == 0, "%s", err.msg);
    CHECK(!gfd_model_load(path, &back, &err) && strstr(err.msg, "not a checkpoint"),
          "a model loaded as a checkpoint");
    unlink(path), free(m), free(v), gfd_net_free(net);
}

int main(void)
{
    RUN(test_forward_reference);
    RUN(test_backward_mlp);
    RUN(test_backward_resmlp);
    RUN(test_backward_sphere);
    RUN(test_threads);
    RUN(test_ranks);
    RUN(test_collapsed_start);
    RUN(test_adam_first_step);
    RUN(test_model_round_trip);
    UNIT_END();
}
