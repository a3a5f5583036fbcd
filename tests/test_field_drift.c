/* The drift field (lib/fields/drift.c, MATH §3.4), through the public API with its options
 * as text, against two independent computations: the KDE mean shifts of §3.2 (a direct
 * log-sum-exp loop) and a full-matrix long-double transcription of drift_loss.py
 * (ref_drift below: row and column softmax of the whole N x (N+M) logit matrix, floor,
 * coefficients, rowsum term, per-temperature RMS). The options of each case are one
 * drift_case, which the reference reads and drift_text writes out for the library. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "testutil.h"
#include "unit.h"

/* The bandwidth argument of every call: drift does not use it. */
#define DRIFT_H 0.5

/* The options of one case (MATH §3.4). */
typedef struct {
    double temps[GFD_OPT_MAX_VALUES];
    int ntemps;
    double floor;
    int gauss, sep, no_mask, no_rms, no_scale;  /* --kernel gauss, --normalize sep, flags */
} drift_case;

/* drift_loss.py's defaults: laplace, both, 3 temperatures, floor 1e-6, mask, RMS, scale. */
static drift_case drift_opts(void)
{
    drift_case o = {.ntemps = 3, .temps = {0.02, 0.05, 0.2}, .floor = 1e-6};
    return o;
}

/* The options of o that differ from drift_opts() as text for tu_field ("temps=0.3,1
 * no-scale"), so that the library's own defaults stand for the rest. */
static const char *drift_text(const drift_case *o, char *buf, size_t cap)
{
    const drift_case def = drift_opts();
    size_t len = 0;
    buf[0] = 0;
    int same = o->ntemps == def.ntemps;
    for (int r = 0; same && r < o->ntemps; r++)
        same = o->temps[r] == def.temps[r];
    if (!same) {
        len += (size_t)snprintf(buf + len, cap - len, "temps=");
        for (int r = 0; r < o->ntemps; r++)
            len += (size_t)snprintf(buf + len, cap - len, "%s%.17g", r ? "," : "", o->temps[r]);
    }
    if (o->floor != def.floor)
        len += (size_t)snprintf(buf + len, cap - len, " floor=%.17g", o->floor);
    const char *words[] = {" kernel=gauss", " normalize=sep", " no-mask", " no-rms", " no-scale"};
    const int on[] = {o->gauss, o->sep, o->no_mask, o->no_rms, o->no_scale};
    for (int k = 0; k < 5; k++)
        if (on[k])
            len += (size_t)snprintf(buf + len, cap - len, "%s", words[k]);
    CHECK(len < cap, "options too long for the buffer");
    return buf + (buf[0] == ' ');
}

/* Row weights with mean 1 (ones when unweighted): drift_loss.py's target weights. */
static long double mean_one(const gfd_cloud *c, size_t i)
{
    if (!c->w)
        return 1;
    long double s = 0;
    for (size_t j = 0; j < c->n; j++)
        s += c->w[j];
    return c->w[i] * (long double)c->n / s;
}

/* softmax of l[0..len) with stride `step`, in place (max-shifted). */
static void softmax(long double *l, size_t len, size_t step)
{
    long double mx = -INFINITY, s = 0;
    for (size_t t = 0; t < len; t++)
        mx = fmaxl(mx, l[t * step]);
    for (size_t t = 0; t < len; t++)
        s += l[t * step] = expl(l[t * step] - mx);
    for (size_t t = 0; t < len; t++)
        l[t * step] /= s;
}

/* One temperature of drift_loss.py on full matrices: force (scaled coordinates, n x d). */
static void ref_temperature(const long double *Dn, const long double *Ts, const long double *tw,
                            size_t n, size_t T, size_t d, double R, const drift_case *o,
                            long double *force)
{
    long double *row = malloc(n * T * sizeof *row), *col = malloc(n * T * sizeof *col);
    for (size_t e = 0; e < n * T; e++) {
        long double z = Dn[e];
        row[e] = col[e] = o->gauss ? -z * z / (2.0L * R * R) : -z / R;
    }
    for (size_t i = 0; i < n; i++)
        softmax(row + i * T, T, 1);
    for (size_t t = 0; t < T; t++)
        softmax(col + t, n, T);
    for (size_t i = 0; i < n; i++) {
        long double *A = row + i * T, sum_neg = 0, sum_pos = 0, total = 0;
        for (size_t t = 0; t < T; t++) {
            A[t] = sqrtl(fmaxl(A[t] * col[i * T + t], o->floor)) * tw[t];
            *(t < n ? &sum_neg : &sum_pos) += A[t];
        }
        for (size_t c = 0; c < d; c++)
            force[i * d + c] = 0;
        for (size_t t = 0; t < T; t++) {
            long double coef = t < n ? -A[t] * sum_pos : A[t] * sum_neg;
            total += coef;
            for (size_t c = 0; c < d; c++)
                force[i * d + c] += coef * Ts[t * d + c];
        }
        for (size_t c = 0; c < d; c++)
            force[i * d + c] -= total * Ts[i * d + c];  /* x_i is target i */
    }
    free(row), free(col);
}

/* normalize sep: (m_p - m_q)(scaled) with softmax over Y and over X separately. */
static void ref_sep(const long double *Dn, const long double *Ts, const gfd_cloud *X,
                    const gfd_cloud *Y, double R, const drift_case *o, long double *force)
{
    size_t n = X->n, m = Y->n, T = n + m, d = X->d;
    long double *l = malloc(T * sizeof *l);
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < T; t++) {
            long double z = Dn[i * T + t];
            const gfd_cloud *c = t < n ? X : Y;
            l[t] = (o->gauss ? -z * z / (2.0L * R * R) : -z / R)
                 + logl(mean_one(c, t < n ? t : t - n));
        }
        softmax(l, n, 1);
        softmax(l + n, m, 1);
        for (size_t c = 0; c < d; c++) {
            long double mq = 0, mp = 0;
            for (size_t t = 0; t < T; t++)
                *(t < n ? &mq : &mp) += l[t] * Ts[t * d + c];
            force[i * d + c] = mp - mq;
        }
    }
    free(l);
}

/* drift_loss.py, transcribed: targets [X, Y], scale, self-mask, temperatures, RMS. */
static void ref_drift(const gfd_cloud *X, const gfd_cloud *Y, const drift_case *o, double *V)
{
    size_t n = X->n, m = Y->n, T = n + m, d = X->d;
    long double *Ts = malloc(T * d * sizeof *Ts), *tw = malloc(T * sizeof *tw);
    long double *Dn = malloc(n * T * sizeof *Dn), *force = malloc(n * d * sizeof *force);
    long double *acc = calloc(n * d, sizeof *acc), wsum = 0, dsum = 0;
    for (size_t t = 0; t < T; t++) {
        const double *row = t < n ? X->x + t * d : Y->x + (t - n) * d;
        for (size_t c = 0; c < d; c++)
            Ts[t * d + c] = row[c];
        tw[t] = t < n ? mean_one(X, t) : mean_one(Y, t - n);
        wsum += tw[t];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < T; t++) {
            long double s = 0;
            for (size_t c = 0; c < d; c++)
                s += (Ts[i * d + c] - Ts[t * d + c]) * (Ts[i * d + c] - Ts[t * d + c]);
            /* drift_loss.py's clamp sqrt(max(d^2, 1e-8)), laplace only (MATH §3.4) */
            Dn[i * T + t] = sqrtl(o->gauss ? s : fmaxl(s, 1e-8L));
            dsum += Dn[i * T + t] * tw[t];
        }
    long double scale = (dsum / (long double)(n * T)) / (wsum / (long double)T);
    long double s_in = o->no_scale ? 1 : fmaxl(scale / sqrtl((long double)d), 1e-3L);
    long double div = o->no_scale ? 1 : fmaxl(scale, 1e-3L);
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < T; t++)
            Dn[i * T + t] = Dn[i * T + t] / div + (!o->no_mask && t == i ? 100 : 0);
    for (size_t e = 0; e < T * d; e++)
        Ts[e] /= s_in;
    for (int r = 0; r < o->ntemps; r++) {
        if (o->sep)
            ref_sep(Dn, Ts, X, Y, o->temps[r], o, force);
        else
            ref_temperature(Dn, Ts, tw, n, T, d, o->temps[r], o, force);
        long double ms = 0;
        for (size_t e = 0; e < n * d; e++)
            ms += force[e] * force[e];
        long double div_r = o->no_rms ? 1 : sqrtl(fmaxl(ms / (long double)(n * d), 1e-8L));
        for (size_t e = 0; e < n * d; e++)
            acc[e] += force[e] / div_r;
    }
    for (size_t e = 0; e < n * d; e++)
        V[e] = (double)(s_in * acc[e]);
    free(Ts), free(tw), free(Dn), free(force), free(acc);
}

/* max_i |a_i - b_i| / max_i |b_i| over n x d entries. */
static double rel_err(const double *a, const double *b, size_t nd)
{
    double num = 0, den = 0;
    for (size_t e = 0; e < nd; e++) {
        num = fmax(num, fabs(a[e] - b[e]));
        den = fmax(den, fabs(b[e]));
        if (isnan(a[e]))
            return INFINITY;
    }
    return num / den;
}

static void compare_ref(const char *what, gfd_cloud X, gfd_cloud Y, drift_case o, double tol)
{
    char text[256];
    double *V = tu_field("drift", drift_text(&o, text, sizeof text), DRIFT_H, &X, &Y);
    double *W = malloc(X.n * X.d * sizeof *W);
    ref_drift(&X, &Y, &o, W);
    double e = rel_err(V, W, X.n * X.d);
    CHECK(e <= tol, "%s [%s]: relative error %.3g > %.3g", what, text, e, tol);
    printf("# %s: relative error %.2g\n", what, e);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_official_laplace(void)
{
    /* the library's defaults (no options given) vs the transcription with drift_loss.py's
     * (laplace, both, 3 temperatures, RMS, floor 1e-6, mask, scale): 1e-9 leaves room for
     * the float64 passes (~1e-13 seen) */
    drift_case o = drift_opts();
    compare_ref("laplace", tu_seeded_cloud(1, 37, 3, 0.5, 1, 0), tu_seeded_cloud(2, 53, 3, 0, 1, 0), o, 1e-9);
    compare_ref("laplace weighted", tu_seeded_cloud(3, 40, 2, 1, 1, 1), tu_seeded_cloud(4, 31, 2, 0, 1, 1), o, 1e-9);
    o.floor = 1e-3;  /* a floor that most pairs sit on */
    compare_ref("laplace floor 1e-3", tu_seeded_cloud(5, 29, 2, 0, 1, 0),
                tu_seeded_cloud(6, 45, 2, 0, 1, 0), o, 1e-9);
    o.floor = 0;
    compare_ref("laplace no floor", tu_seeded_cloud(5, 29, 2, 0, 1, 0), tu_seeded_cloud(6, 45, 2, 0, 1, 0), o, 1e-9);
}

static void test_official_switches(void)
{
    drift_case o = drift_opts();
    o.gauss = 1;
    compare_ref("gauss", tu_seeded_cloud(7, 33, 2, 0.3, 1, 0), tu_seeded_cloud(8, 41, 2, 0, 1, 0), o, 1e-9);
    o.no_rms = o.no_mask = 1;
    compare_ref("gauss no-rms no-mask", tu_seeded_cloud(9, 33, 2, 0.3, 1, 1),
                tu_seeded_cloud(10, 41, 2, 0, 1, 0), o, 1e-9);
    o = drift_opts();
    o.no_scale = 1;
    o.temps[0] = 0.3, o.temps[1] = 1, o.ntemps = 2;
    compare_ref("no-scale", tu_seeded_cloud(11, 30, 3, 0.3, 1, 0), tu_seeded_cloud(12, 20, 3, 0, 1, 0), o, 1e-9);
    o.sep = 1;
    compare_ref("sep", tu_seeded_cloud(13, 30, 2, 0.3, 1, 1), tu_seeded_cloud(14, 25, 2, 0, 1, 1), o, 1e-9);
    o = drift_opts();
    o.temps[0] = 1e-3, o.ntemps = 1;  /* logits near -1e3 / scale: log space throughout */
    compare_ref("tiny temperature", tu_seeded_cloud(15, 30, 2, 0.3, 1, 0),
                tu_seeded_cloud(16, 25, 2, 0, 1, 0), o, 1e-9);
}

/* h^2 v_kl with v_kl = (m_p - m_q) / h^2 (MATH §2.2, §3.1), self term included:
 * direct loops, log-sum-exp in long double. */
static void ref_kl_times_h2(const gfd_cloud *X, const gfd_cloud *Y, double h, double *V)
{
    size_t n = X->n, d = X->d;
    long double *wy = tu_ref_weights(Y), *wx = tu_ref_weights(X), m[2][8], lse;
    for (size_t i = 0; i < n; i++) {
        tu_ref_pass(X->x + i * d, Y, wy, h, -1, &lse, m[0]);
        tu_ref_pass(X->x + i * d, X, wx, h, -1, &lse, m[1]);
        for (size_t k = 0; k < d; k++)  /* h^2 * (m_p - m_q) / h^2 */
            V[i * d + k] = (double)(h * h * ((m[0][k] - m[1][k]) / (h * h)));
    }
    free(wy), free(wx);
}

static void check_kl(size_t n, size_t m, size_t d, double h, int weighted)
{
    gfd_cloud X = tu_seeded_cloud(20 + n, n, d, 0.4, 1, weighted), Y = tu_seeded_cloud(21 + m, m, d, 0, 1, weighted);
    drift_case o = drift_opts();
    o.gauss = o.sep = 1;
    o.no_mask = o.no_rms = o.no_scale = 1;
    o.temps[0] = h, o.ntemps = 1;
    char text[256];
    double *V = tu_field("drift", drift_text(&o, text, sizeof text), DRIFT_H, &X, &Y);
    double *W = malloc(n * d * sizeof *W);
    ref_kl_times_h2(&X, &Y, h, W);
    double e = rel_err(V, W, n * d);
    CHECK(e <= 1e-12, "n=%zu d=%zu h=%g: relative error %.3g > 1e-12", n, d, h, e);
    printf("# n=%zu m=%zu d=%zu h=%g: drift vs h^2 kl, relative error %.2g\n", n, m, d, h, e);
    free(V), free(W);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_equals_h2_kl(void)
{
    /* MATH §3.2: gauss, sep, no-mask, no-rms, no-scale, temps h gives h^2 kl; 1e-12
     * relative (max norm): the engine and the long-double loop agree to ~1e-15 */
    check_kl(200, 700, 2, 0.4, 0);
    check_kl(150, 120, 3, 0.8, 1);
    check_kl(100, 600, 2, 1e-3, 0);  /* tiny bandwidth: logits near -1e6 */
}

static void test_identity(void)
{
    /* --no-mask and X == Y: every block and its mirror are the same passes: v = 0 */
    gfd_cloud X = tu_seeded_cloud(30, 300, 2, 0, 1, 0), Y = tu_seeded_cloud(30, 300, 2, 0, 1, 0);
    drift_case o = drift_opts();
    o.no_mask = 1;
    double worst = 0;
    char text[256];
    for (int kernel = 0; kernel < 2; kernel++) {
        o.gauss = kernel;
        double *V = tu_field("drift", drift_text(&o, text, sizeof text), DRIFT_H, &X, &Y);
        for (size_t e = 0; e < 600; e++)
            worst = fmax(worst, fabs(V[e]));
        free(V);
    }
    o.sep = 1;
    o.temps[0] = 1e-3;  /* and a tiny temperature (gauss, from the loop) */
    double *V = tu_field("drift", drift_text(&o, text, sizeof text), DRIFT_H, &X, &Y);
    for (size_t e = 0; e < 600; e++)
        worst = fmax(worst, fabs(V[e]));
    CHECK(worst < 1e-12, "|v| = %.3g at X == Y", worst);
    free(V);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

/* RMS over particles of |v|. */
static double rms_norm(const double *V, size_t n, size_t d)
{
    double s = 0;
    for (size_t e = 0; e < n * d; e++)
        s += V[e] * V[e];
    return sqrt(s / (double)n);
}

static void test_masked_identity_diagnostics(void)
{
    /* with the self-mask, X == Y is not a fixed point: each particle sees itself only
     * among the targets. Diagnostics of how |v| (RMS over particles) changes with N. */
    for (size_t n = 100; n <= 1600; n *= 4) {
        gfd_cloud X = tu_seeded_cloud(40, n, 2, 0, 1, 0);
        double rms[3];
        char text[256];
        for (int k = 0; k < 3; k++) {  /* default, --no-rms, --normalize sep --no-rms */
            drift_case o = drift_opts();
            o.no_rms = k > 0;
            o.sep = k == 2;
            double *V = tu_field("drift", drift_text(&o, text, sizeof text), DRIFT_H, &X, &X);
            rms[k] = rms_norm(V, n, 2);
            free(V);
        }
        printf("# masked, X == Y, N = %zu: |v| rms %.4g (default), %.4g (--no-rms), %.4g (sep --no-rms)\n",
               n, rms[0], rms[1], rms[2]);
        gfd_cloud_free(&X);
    }
}

static void test_thread_invariance(void)
{
    gfd_cloud X = tu_seeded_cloud(50, 900, 2, 0.3, 1, 1), Y = tu_seeded_cloud(51, 700, 2, 0, 1, 0);
    size_t nd = 900 * 2;
    for (int sep = 0; sep < 2; sep++) {
        drift_case o = drift_opts();
        o.sep = sep;
        char text[256];
        drift_text(&o, text, sizeof text);
        omp_set_num_threads(1);
        double *V1 = tu_field("drift", text, DRIFT_H, &X, &Y);
        omp_set_num_threads(2);
        double *V2 = tu_field("drift", text, DRIFT_H, &X, &Y);
        CHECK(!memcmp(V1, V2, nd * sizeof *V1), "sep=%d: results differ between 1 and 2 threads", sep);
        free(V1), free(V2);
    }
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

/* Whether drift with the options of o is refused when they are read, a usage error naming
 * the option --name. */
static int refused(const drift_case *o, const char *name)
{
    gfd_cloud X = tu_seeded_cloud(60, 5, 2, 0, 1, 0);
    double V[10];
    char text[256];
    gfd_err err;
    int rc = tu_field_try("drift", drift_text(o, text, sizeof text), NULL, DRIFT_H, 0, 0, &X, &X, V, &err);
    int ok = rc == -1 && err.code == GFD_EUSAGE && strstr(err.msg, name);
    if (!ok)
        printf("# [%s]: rc %d, '%s'\n", text, rc, rc < 0 ? err.msg : "");
    gfd_cloud_free(&X);
    return ok;
}

static void test_bad_options(void)
{
    /* out-of-range values are usage errors when the options are read (lib/fields/drift.c's
     * drift_options: temperatures > 0, at least one, floor in [0, 1]) */
    drift_case o = drift_opts();
    o.temps[1] = 0;
    CHECK(refused(&o, "--temps"), "temperature 0 accepted");
    o = drift_opts();
    o.floor = -1;
    CHECK(refused(&o, "--floor"), "floor -1 accepted");
    o = drift_opts();
    o.ntemps = 0;
    CHECK(refused(&o, "--temps"), "no temperatures accepted");
}

int main(void)
{
    RUN(test_official_laplace);
    RUN(test_official_switches);
    RUN(test_equals_h2_kl);
    RUN(test_identity);
    RUN(test_masked_identity_diagnostics);
    RUN(test_thread_invariance);
    RUN(test_bad_options);
    UNIT_END();
}
