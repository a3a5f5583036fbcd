/* The critic (MATH §3.9; lib/fields/critic_fit.c, critic.c) against independent checks:
 * grad d against central differences of d; the fit against the optimality condition of its
 * loss, summed pair by pair in long double; on two Gaussians the logit against the true
 * log-ratio; zero velocity at X == Y; the F-divergence weights g(r) of the terms; warm
 * starts; the same bytes for one and two threads. */
#include <omp.h>

#include "fields/critic.h"
#include "testutil.h"

/* d and grad d of m at the rows of Q, checked to succeed; malloc'd. */
static double *logits(const critic_model *m, const gfd_cloud *Q, double **grad)
{
    gfd_err err;
    double *l = malloc(Q->n * sizeof *l);
    *grad = grad ? malloc(Q->n * Q->d * sizeof **grad) : NULL;
    CHECK(critic_eval(m, Q->x, Q->n, l, grad ? *grad : NULL, &err) == 0, "%s", err.msg);
    return l;
}

static void test_gradient_fd(void)
{
    /* a model with random weights: grad d against central differences, step 1e-5 (the
     * truncation error ~ 1e-10 |d'''|, rounding ~ 1e-11): relative 1e-7 */
    critic_model m;
    gfd_err err;
    CHECK(critic_model_init(&m, 64, 3, 5, &err) == 0, "%s", err.msg);
    m.h = 0.7;
    gfd_rng r;
    gfd_rng_seed(&r, 9);
    for (size_t f = 0; f <= m.F; f++)
        m.theta[f] = gfd_rng_normal(&r);
    gfd_cloud X = tu_cloud(&r, 20, 3, 0, 1, 0);
    double *grad, *l = logits(&m, &X, &grad), worst = 0, gmax = 0;
    const double step = 1e-5;
    for (size_t i = 0; i < X.n; i++)
        for (size_t c = 0; c < 3; c++) {
            double lp, lm, x0 = X.x[i * 3 + c];
            X.x[i * 3 + c] = x0 + step;
            CHECK(critic_eval(&m, X.x + i * 3, 1, &lp, NULL, &err) == 0, "%s", err.msg);
            X.x[i * 3 + c] = x0 - step;
            CHECK(critic_eval(&m, X.x + i * 3, 1, &lm, NULL, &err) == 0, "%s", err.msg);
            X.x[i * 3 + c] = x0;
            worst = fmax(worst, fabs((lp - lm) / (2 * step) - grad[i * 3 + c]));
            gmax = fmax(gmax, fabs(grad[i * 3 + c]));
        }
    printf("# grad d vs central differences: worst %.3g of max |grad| %.3g\n", worst, gmax);
    CHECK(worst <= 1e-7 * gmax, "worst %.3g", worst);
    free(l), free(grad), critic_model_free(&m), gfd_cloud_free(&X);
}

/* The loss of MATH §3.9 at theta and its gradient (P), pair by pair in long double from the
 * model's features: the particles label 1, the targets 0, each class weighing 1/2. */
static long double ref_loss(const critic_model *m, const gfd_cloud *X, const gfd_cloud *Y,
                            double l2, const double *theta, long double *grad)
{
    const size_t F = m->F, d = m->d;
    long double loss = 0, *phi = malloc((F + 1) * sizeof *phi);
    for (size_t f = 0; f <= F; f++)
        grad[f] = f < F ? l2 * theta[f] : 0;
    for (int set = 0; set < 2; set++) {
        const gfd_cloud *C = set ? Y : X;
        long double *w = tu_ref_weights(C);
        for (size_t k = 0; k < C->n; k++) {
            long double z = theta[F];
            for (size_t f = 0; f < F; f++) {
                long double u = m->b[f];
                for (size_t c = 0; c < d; c++)
                    u += (long double)m->Z[f * d + c] * C->x[k * d + c] / m->h;
                phi[f] = sqrtl(2.0L / F) * cosl(u);
                z += theta[f] * phi[f];
            }
            phi[F] = 1;
            long double y = set ? 0 : 1, t = y ? -z : z, c = 0.5L * w[k];
            loss += c * (t > 0 ? t + log1pl(expl(-t)) : log1pl(expl(t)));
            long double sg = 1 / (1 + expl(-z));
            for (size_t f = 0; f <= F; f++)
                grad[f] += c * (sg - y) * phi[f];
        }
        free(w);
    }
    for (size_t f = 0; f < F; f++)
        loss += 0.5L * l2 * theta[f] * theta[f];
    free(phi);
    return loss;
}

static void test_optimality(void)
{
    /* weighted clouds, F = 40, l2 = 1e-2: at the fit the reference gradient is below 1e-9
     * (the solver's --tol), the loss agrees to 1e-12 and every perturbation raises it */
    gfd_rng r;
    gfd_rng_seed(&r, 3);
    gfd_cloud X = tu_cloud(&r, 60, 2, 0, 1, 1), Y = tu_cloud(&r, 80, 2, 0.8, 1.2, 1);
    critic_model m;
    critic_fit_info info;
    gfd_err err;
    CHECK(critic_model_init(&m, 40, 2, 1, &err) == 0, "%s", err.msg);
    m.h = 0.8;
    CHECK(critic_fit(&m, &X, &Y, 1e-2, 1e-10, 50, &info, &err) == 0, "%s", err.msg);
    long double g[41], g2[41];
    long double loss = ref_loss(&m, &X, &Y, 1e-2, m.theta, g), gmax = 0;
    for (int f = 0; f <= 40; f++)
        gmax = fmaxl(gmax, fabsl(g[f]));
    printf("# fit: %d Newton iterations, loss %.15g (reference %.15Lg), reference gradient %.3Lg\n",
           info.iters, info.loss, loss, gmax);
    CHECK(info.converged && gmax <= 1e-9, "gradient %.3Lg", gmax);
    CHECK_CLOSE(info.loss, (double)loss, 1e-12);
    double theta[41];
    for (int k = 0; k < 20; k++) {
        for (int f = 0; f <= 40; f++)
            theta[f] = m.theta[f] + 1e-3 * gfd_rng_normal(&r);
        CHECK(ref_loss(&m, &X, &Y, 1e-2, theta, g2) > loss, "a perturbation lowered the loss");
    }
    critic_model_free(&m), gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_two_gaussians(void)
{
    /* q = N(0, I), p = N(mu, I), mu = (1, 0), N = M = 4000: log q/p = 1/2 - x_1. On a grid of
     * [-1, 2] x [-1, 1], where both have mass, the RMS error of d is 0.05 (sampling noise of
     * 8000 points over 512 features, and the l2 bias): tolerance 0.15; the kl velocity
     * -grad d is near mu, RMS error 0.16 (a derivative, noisier): tolerance 0.3 */
    gfd_rng r;
    gfd_rng_seed(&r, 17);
    gfd_cloud X = tu_cloud(&r, 4000, 2, 0, 1, 0), Y = tu_cloud(&r, 4000, 2, 0, 1, 0);
    for (size_t j = 0; j < Y.n; j++)
        Y.x[j * 2] += 1;
    critic_model m;
    critic_fit_info info;
    gfd_err err;
    CHECK(critic_model_init(&m, 512, 2, 4, &err) == 0, "%s", err.msg);
    m.h = 1;
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &info, &err) == 0 && info.converged, "%s", err.msg);
    gfd_cloud G;
    gfd_cloud_alloc(&G, 31 * 21, 2, NULL);
    for (int a = 0; a < 31; a++)
        for (int b = 0; b < 21; b++) {
            G.x[(a * 21 + b) * 2] = -1 + 0.1 * a;
            G.x[(a * 21 + b) * 2 + 1] = -1 + 0.1 * b;
        }
    double *grad, *l = logits(&m, &G, &grad), se = 0, sv = 0;
    for (size_t i = 0; i < G.n; i++) {
        double e = l[i] - (0.5 - G.x[i * 2]);
        se += e * e;
        sv += (-grad[i * 2] - 1) * (-grad[i * 2] - 1) + grad[i * 2 + 1] * grad[i * 2 + 1];
    }
    se = sqrt(se / G.n), sv = sqrt(sv / G.n);
    printf("# two Gaussians: %d Newton iterations; RMS error of d %.3g, of -grad d %.3g\n",
           info.iters, se, sv);
    CHECK(se <= 0.15, "RMS error of the logit %.3g", se);
    CHECK(sv <= 0.3, "RMS error of the velocity %.3g", sv);
    free(l), free(grad), critic_model_free(&m);
    gfd_cloud_free(&X), gfd_cloud_free(&Y), gfd_cloud_free(&G);
}

static void test_identity_and_terms(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 21);
    gfd_cloud X = tu_cloud(&r, 150, 2, 0, 1, 0), Y = tu_cloud(&r, 170, 2, 0.5, 1, 0);
    /* X == Y: theta = 0 is the optimum (the two classes' gradients cancel), so v = 0 */
    double *V = tu_field("critic", NULL, 0.5, &X, &X), vmax = 0;
    for (size_t e = 0; e < X.n * 2; e++)
        vmax = fmax(vmax, fabs(V[e]));
    CHECK(vmax == 0, "X == Y: |v| up to %.3g", vmax);
    free(V);
    /* the terms share one fit and differ by g(r) of MATH §3.1: rkl = e^(-d) kl, chi2 =
     * 2 e^d kl, alpha:1 = kl to the bit, a mixture the weighted sum */
    double *kl = tu_field("critic", NULL, 0.5, &X, &Y), *rkl = tu_field("critic:rkl", NULL, 0.5, &X, &Y);
    double *a1 = tu_field("critic:alpha:1", NULL, 0.5, &X, &Y);
    double *mix = tu_field("critic:kl:0.25,critic:js:2", NULL, 0.5, &X, &Y);
    double *js = tu_field("critic:js", NULL, 0.5, &X, &Y);
    double worst = 0, worst_mix = 0;
    for (size_t i = 0; i < X.n; i++) {
        /* r from the two fields: |rkl| / |kl| = 1/r */
        double nk = hypot(kl[i * 2], kl[i * 2 + 1]), nr = hypot(rkl[i * 2], rkl[i * 2 + 1]);
        double rr = nk / nr;
        for (int c = 0; c < 2; c++) {
            worst = fmax(worst, fabs(js[i * 2 + c] - kl[i * 2 + c] / (1 + rr)) / (nk + 1e-300));
            worst_mix = fmax(worst_mix, fabs(mix[i * 2 + c] - 0.25 * kl[i * 2 + c] - 2 * js[i * 2 + c]) / (nk + 1e-300));
        }
    }
    CHECK(!memcmp(kl, a1, X.n * 2 * sizeof *kl), "critic:alpha:1 differs from critic:kl");
    CHECK(worst <= 1e-12 && worst_mix <= 1e-12, "js %.3g, mixture %.3g", worst, worst_mix);
    free(kl), free(rkl), free(a1), free(mix), free(js);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_parse(void)
{
    gfd_field_spec s;
    gfd_err err;
    CHECK(gfd_field_parse("critic", &s, &err) == 0 && s.terms[0].word == 0 && s.terms[0].weight == 1, "critic");
    CHECK(gfd_field_parse("critic:0.5", &s, &err) == 0 && s.terms[0].word == 0 && s.terms[0].weight == 0.5,
          "critic:0.5");
    CHECK(gfd_field_parse("critic:chi2:2,kl", &s, &err) == 0 && s.terms[0].word == 2 &&
          s.terms[0].weight == 2 && s.nterms == 2, "critic:chi2:2,kl");
    CHECK(gfd_field_parse("critic:alpha:0.5:3", &s, &err) == 0 && s.terms[0].word == 3 &&
          s.terms[0].param == 0.5 && s.terms[0].weight == 3, "critic:alpha:0.5:3");
    CHECK(gfd_field_parse("critic:alpha", &s, &err) < 0 && strstr(err.msg, "needs a number: critic:alpha:A"),
          "%s", err.msg);
    CHECK(gfd_field_parse("critic:tv", &s, &err) < 0 && strstr(err.msg, "F is one of kl, rkl, chi2, alpha:A, js"),
          "%s", err.msg);
    CHECK(gfd_field_parse("critic:kl:1:2", &s, &err) < 0 && strstr(err.msg, "weight"), "%s", err.msg);
    CHECK(gfd_field_parse("alpha:0.5:2", &s, &err) == 0 && s.terms[0].param == 0.5 && s.terms[0].weight == 2,
          "alpha:0.5:2");
    CHECK(gfd_field_parse("alpha", &s, &err) < 0 && strstr(err.msg, "needs a number: alpha:A"), "%s", err.msg);
}

static void test_warm_start_and_threads(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 8);
    gfd_cloud X = tu_cloud(&r, 700, 3, 0, 1, 0), Y = tu_cloud(&r, 600, 3, 0.7, 0.8, 0);
    critic_model m;
    critic_fit_info cold, again, warm, cold2;
    gfd_err err;
    CHECK(critic_model_init(&m, 128, 3, 2, &err) == 0, "%s", err.msg);
    m.h = 0.9;
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &cold, &err) == 0, "%s", err.msg);
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &again, &err) == 0, "%s", err.msg);
    for (size_t e = 0; e < X.n * 3; e++)
        X.x[e] += 0.02;  /* a flow step */
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &warm, &err) == 0, "%s", err.msg);
    double *V1 = malloc(X.n * 3 * sizeof *V1), *V2 = malloc(X.n * 3 * sizeof *V2);
    double *l1 = malloc(X.n * sizeof *l1), *l2 = malloc(X.n * sizeof *l2);
    CHECK(critic_eval(&m, X.x, X.n, l1, V1, &err) == 0, "%s", err.msg);
    memset(m.theta, 0, (m.F + 1) * sizeof *m.theta);
    int threads = omp_get_max_threads();
    omp_set_num_threads(threads > 1 ? 1 : 2);
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &cold2, &err) == 0, "%s", err.msg);
    CHECK(critic_eval(&m, X.x, X.n, l2, V2, &err) == 0, "%s", err.msg);
    omp_set_num_threads(threads);
    printf("# Newton iterations: cold %d, again %d, after a step %d (warm) and %d (cold)\n",
           cold.iters, again.iters, warm.iters, cold2.iters);
    CHECK(again.iters == 0 && warm.iters < cold2.iters, "warm starts do not save iterations");
    /* the cold fit at the moved X with another thread count: the same bytes as a cold fit
     * there with this one */
    double *V3 = malloc(X.n * 3 * sizeof *V3);
    memset(m.theta, 0, (m.F + 1) * sizeof *m.theta);
    CHECK(critic_fit(&m, &X, &Y, 1e-3, 1e-9, 50, &cold2, &err) == 0, "%s", err.msg);
    CHECK(critic_eval(&m, X.x, X.n, l1, V3, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(V2, V3, X.n * 3 * sizeof *V2) && !memcmp(l1, l2, X.n * sizeof *l1),
          "1 and 2 threads differ");
    free(V1), free(V2), free(V3), free(l1), free(l2);
    critic_model_free(&m), gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

int main(void)
{
    RUN(test_gradient_fd);
    RUN(test_optimality);
    RUN(test_two_gaussians);
    RUN(test_identity_and_terms);
    RUN(test_parse);
    RUN(test_warm_start_and_threads);
    UNIT_END();
}
