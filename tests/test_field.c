/* The field table and specs (lib/field.c): parsing "NAME[:PARAM][:WEIGHT],...", its
 * errors, units of mixtures, the mixture itself (MATH §3.8), input checks, the streams. */
#include <stdlib.h>
#include <string.h>

#include "../lib/gfd.h"
#include "testutil.h"
#include "unit.h"

static void test_parse(void)
{
    gfd_field_spec s;
    gfd_err err;
    CHECK(gfd_field_parse("rkl:0.5,chi2:0.5", &s, &err) == 0, "%s", err.msg);
    CHECK(s.nterms == 2 && !strcmp(s.terms[0].def->name, "rkl") && s.terms[0].weight == 0.5
          && !strcmp(s.terms[1].def->name, "chi2") && s.terms[1].weight == 0.5, "rkl:0.5,chi2:0.5");
    CHECK(gfd_field_parse("alpha:0.5:2,kl-smoothed,sinkhorn-proxy:0", &s, &err) == 0, "%s", err.msg);
    CHECK(s.nterms == 3 && s.terms[0].param == 0.5 && s.terms[0].weight == 2 && s.terms[1].weight == 1
          && !strcmp(s.terms[1].def->name, "kl-smoothed") && s.terms[2].weight == 0, "alpha:0.5:2,...");
    CHECK(gfd_field_parse("alpha:-1", &s, &err) == 0 && s.terms[0].param == -1 && s.terms[0].weight == 1,
          "alpha:-1");
}

static void test_parse_errors(void)
{
    static const struct { const char *text, *msg; } bad[] = {
        {"foo", "unknown field 'foo' (fields: kl, rkl,"}, {"kl,foo:2", "unknown field 'foo'"},
        {"alpha", "needs a number"}, {"alpha:x", "needs a number"}, {"kl:-1", "weight must be"},
        {"kl:0.5:1", "weight must be"}, {"kl:", "weight must be"}, {"kl,,rkl", "empty term"},
        {"", "empty term"}, {"kl:0,rkl:0", "every weight is zero"}, {"kl:inf", "weight must be"},
        {"kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl,kl", "more than 16 terms"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        gfd_field_spec s;
        gfd_err err = {0};
        int rc = gfd_field_parse(bad[k].text, &s, &err);
        CHECK(rc < 0 && err.code == GFD_EUSAGE && strstr(err.msg, bad[k].msg),
              "'%s': rc %d, message '%s'", bad[k].text, rc, err.msg);
    }
}

static void test_units(void)
{
    /* MATH §1: displacement only if every term is */
    static const struct { const char *text; gfd_units units; } cases[] = {
        {"kl", GFD_UNITS_SCORE}, {"mmd", GFD_UNITS_SCORE}, {"drift", GFD_UNITS_DISPLACEMENT},
        {"sinkhorn,sliced:2", GFD_UNITS_DISPLACEMENT}, {"drift,kl", GFD_UNITS_SCORE},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        gfd_field_spec s;
        CHECK(gfd_field_parse(cases[k].text, &s, NULL) == 0 && gfd_field_units(&s) == cases[k].units,
              "%s: wrong units", cases[k].text);
    }
}

static void test_table(void)
{
    /* names unique; every entry has a compute function and a summary */
    const gfd_field_def *t = gfd_field_table();
    size_t n = 0;
    for (; t[n].name; n++) {
        CHECK(t[n].compute && t[n].summary, "%s: incomplete entry", t[n].name);
        for (size_t k = 0; k < n; k++)
            CHECK(strcmp(t[k].name, t[n].name), "%s listed twice", t[n].name);
    }
    CHECK(n == 11, "%zu fields", n);
}

static double *velocity(const char *text, const gfd_field_opts *o, const gfd_cloud *X, const gfd_cloud *Y)
{
    gfd_field_spec s;
    gfd_err err;
    double *V = malloc(X->n * X->d * sizeof *V);
    CHECK(gfd_field_parse(text, &s, &err) == 0 && gfd_velocity(&s, o, X, Y, V, NULL, &err) == 0,
          "%s: %s", text, err.msg);
    return V;
}

static void test_mixture(void)
{
    /* MATH §3.8: rkl:0.5,chi2:0.25,kl:0 = 0.5 rkl + 0.25 chi2 to rounding (1e-15 of the
     * largest term); a single term of weight 1 is the field itself, bit for bit */
    gfd_rng r;
    gfd_rng_seed(&r, 41);
    gfd_cloud Y = tu_cloud(&r, 40, 2, 0, 1, 0), X = tu_cloud(&r, 30, 2, 0.5, 1, 0);
    gfd_field_opts o;
    gfd_field_opts_default(&o);
    o.h = 0.5;
    double *mix = velocity("rkl:0.5,chi2:0.25,kl:0", &o, &X, &Y);
    double *a = velocity("rkl", &o, &X, &Y), *b = velocity("chi2", &o, &X, &Y), worst = 0;
    for (size_t k = 0; k < X.n * 2; k++)
        worst = fmax(worst, fabs(mix[k] - (0.5 * a[k] + 0.25 * b[k])) / fmax(fabs(a[k]), fabs(b[k])));
    CHECK(worst < 1e-15, "mixture off by %.3g", worst);
    double *one = velocity("rkl:1", &o, &X, &Y);
    CHECK(!memcmp(one, a, X.n * 2 * sizeof *a), "rkl:1 differs from rkl");
    free(mix), free(a), free(b), free(one);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_bad_inputs(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 42);
    gfd_cloud Y = tu_cloud(&r, 10, 2, 0, 1, 0), X = tu_cloud(&r, 10, 3, 0, 1, 0);
    gfd_field_opts o;
    gfd_field_opts_default(&o);
    o.h = 0.5;
    gfd_field_spec s;
    gfd_err err;
    double V[30];
    gfd_field_parse("kl", &s, NULL);
    CHECK(gfd_velocity(&s, &o, &X, &Y, V, NULL, &err) < 0 && err.code == GFD_EDATA, "3 vs 2 columns accepted");
    X.d = 2;
    o.h = 0;
    CHECK(gfd_velocity(&s, &o, &X, &Y, V, NULL, &err) < 0 && err.code == GFD_EUSAGE, "h = 0 accepted");
    o.h = 0.5;
    Y.w = calloc(10, sizeof *Y.w);
    Y.w[3] = -1;
    CHECK(gfd_velocity(&s, &o, &X, &Y, V, NULL, &err) < 0 && err.code == GFD_EDATA, "a negative weight accepted");
    X.d = 3;
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_streams(void)
{
    /* streams differ by seed, step, purpose and index, and repeat exactly */
    gfd_rng r;
    uint64_t v[5];
    const uint64_t args[5][4] = {{1, 2, GFD_STREAM_MC, 3}, {2, 2, GFD_STREAM_MC, 3},
                                 {1, 3, GFD_STREAM_MC, 3}, {1, 2, GFD_STREAM_STEP_NOISE, 3},
                                 {1, 2, GFD_STREAM_MC, 4}};
    for (int k = 0; k < 5; k++) {
        gfd_field_rng(&r, args[k][0], args[k][1], (int)args[k][2], args[k][3]);
        v[k] = gfd_rng_u64(&r);
        for (int j = 0; j < k; j++)
            CHECK(v[j] != v[k], "streams %d and %d start alike", j, k);
    }
    gfd_field_rng(&r, 1, 2, GFD_STREAM_MC, 3);
    CHECK(gfd_rng_u64(&r) == v[0], "a stream did not repeat");
}

int main(void)
{
    RUN(test_parse);
    RUN(test_parse_errors);
    RUN(test_units);
    RUN(test_table);
    RUN(test_mixture);
    RUN(test_bad_inputs);
    RUN(test_streams);
    UNIT_END();
}
