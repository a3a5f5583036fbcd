/* The field table and specs (lib/fields/field.c): parsing "NAME[:PARAM][:WEIGHT],...", its
 * errors, units of mixtures, the table's options, the mixture itself (MATH §3.8), weights
 * of a schedule, input checks, the sphere's restrictions, the streams. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
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
        CHECK(gfd_field_parse(cases[k].text, &s, NULL) == 0 && gfd_field_spec_units(&s) == cases[k].units,
              "%s: wrong units", cases[k].text);
    }
}

/* Whether two descriptors of one name are the same option. */
static int same_option(const gfd_option *a, const gfd_option *b)
{
    return a->type == b->type && !strcmp(a->help, b->help) && a->def == b->def && a->lo == b->lo &&
           a->hi == b->hi && a->lo_open == b->lo_open && a->flags == b->flags &&
           !strcmp(a->arg ? a->arg : "", b->arg ? b->arg : "") &&
           !strcmp(a->text ? a->text : "", b->text ? b->text : "");
}

static void test_table(void)
{
    /* names unique; every entry complete; an option name shared by two entries means one
     * option (the programs list it once); every default list parses */
    const gfd_field_def *t = gfd_field_table();
    size_t n = 0;
    for (; t[n].name; n++) {
        CHECK(t[n].ops && t[n].summary && t[n].options, "%s: incomplete entry", t[n].name);
        for (size_t k = 0; k < n; k++)
            CHECK(strcmp(t[k].name, t[n].name), "%s listed twice", t[n].name);
        for (const gfd_option *o = t[n].options; o->name; o++) {
            CHECK(o->help && (o->type == GFD_OPT_FLAG) == !o->arg, "--%s: help or arg", o->name);
            CHECK(same_option(o, gfd_field_option(o->name)), "--%s of %s differs from its twin",
                  o->name, t[n].name);
            double v[GFD_OPT_MAX_VALUES];
            CHECK(o->type != GFD_OPT_REALS || gfd_option_reals(NULL, o, v) > 0, "--%s default", o->name);
        }
    }
    CHECK(n == 12, "%zu fields", n);
    gfd_settings set;
    gfd_err err;
    gfd_settings_init(&set);
    CHECK(gfd_field_setting(&set, "no-such-option", "1", &err) < 0 && err.code == GFD_EUSAGE, "unknown option");
    CHECK(gfd_field_setting(&set, "floor", "2", &err) < 0 && strstr(err.msg, "--floor: 2 is out of range"),
          "%s", err.msg);
    CHECK(gfd_field_setting(&set, "kernel", "box", &err) < 0 && strstr(err.msg, "unknown value 'box'"),
          "%s", err.msg);
    CHECK(gfd_field_setting(&set, "mc", "2.5", &err) < 0 && strstr(err.msg, "not a whole number"),
          "%s", err.msg);
    CHECK(gfd_field_setting(&set, "temps", "0.1,0.2", NULL) == 0 && gfd_settings_get(&set, "temps")->n == 2,
          "temps list");
}

static void test_ignored_options(void)
{
    /* an option given that no term of the spec takes is named, for the programs' warning */
    gfd_field_spec spec;
    gfd_settings set;
    tu_settings(&set, "floor=0 ratio-clip=10", 0, NULL);
    gfd_field_parse("kl,rkl", &spec, NULL);
    const char *name = gfd_field_spec_ignores(&spec, &set);
    CHECK(name && !strcmp(name, "floor"), "ignored: %s", name ? name : "none");
    gfd_field_parse("kl,drift", &spec, NULL);
    CHECK(!gfd_field_spec_ignores(&spec, &set), "drift takes --floor");
}

static void test_mixture(void)
{
    /* MATH §3.8: rkl:0.5,chi2:0.25,kl:0 = 0.5 rkl + 0.25 chi2 to rounding (1e-15 of the
     * largest term); a single term of weight 1 is the field itself, bit for bit */
    gfd_rng r;
    gfd_rng_seed(&r, 41);
    gfd_cloud Y = tu_cloud(&r, 40, 2, 0, 1, 0), X = tu_cloud(&r, 30, 2, 0.5, 1, 0);
    double *mix = tu_field("rkl:0.5,chi2:0.25,kl:0", NULL, 0.5, &X, &Y);
    double *a = tu_field("rkl", NULL, 0.5, &X, &Y), *b = tu_field("chi2", NULL, 0.5, &X, &Y), worst = 0;
    for (size_t k = 0; k < X.n * 2; k++)
        worst = fmax(worst, fabs(mix[k] - (0.5 * a[k] + 0.25 * b[k])) / fmax(fabs(a[k]), fabs(b[k])));
    CHECK(worst < 1e-15, "mixture off by %.3g", worst);
    double *one = tu_field("rkl:1", NULL, 0.5, &X, &Y);
    CHECK(!memcmp(one, a, X.n * 2 * sizeof *a), "rkl:1 differs from rkl");
    /* across families (two parts): drift:0.5,kl:2 = 0.5 drift + 2 kl to rounding */
    double *m2 = tu_field("drift:0.5,kl:2", NULL, 0.5, &X, &Y), *dr = tu_field("drift", NULL, 0.5, &X, &Y);
    double *kl = tu_field("kl", NULL, 0.5, &X, &Y);
    worst = 0;
    for (size_t k = 0; k < X.n * 2; k++)
        worst = fmax(worst, fabs(m2[k] - (0.5 * dr[k] + 2 * kl[k])) / fmax(fabs(dr[k]), fabs(kl[k])));
    CHECK(worst < 1e-15, "two-part mixture off by %.3g", worst);
    free(mix), free(a), free(b), free(one), free(m2), free(dr), free(kl);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_set_weights(void)
{
    /* a schedule's new weights reach every part: kl:1,drift:0 set to (0, 1) is drift */
    gfd_rng r;
    gfd_rng_seed(&r, 43);
    gfd_cloud Y = tu_cloud(&r, 40, 2, 0, 1, 0), X = tu_cloud(&r, 30, 2, 0.5, 1, 0);
    gfd_field_spec spec;
    gfd_err err;
    gfd_field_parse("kl:1,drift:0", &spec, NULL);
    gfd_field *f = gfd_field_new(&spec, NULL, gfd_geometry_flat(), &err);
    const double w[2] = {0, 1};
    gfd_field_set_weights(f, w);
    double V[60];
    gfd_field_args a = {.h = 0.5};
    CHECK(gfd_field_velocity(f, &X, &Y, &a, V, &err) == 0, "%s", err.msg);
    CHECK(!gfd_field_uses_bandwidth(f), "drift alone uses no bandwidth");
    double *dr = tu_field("drift", NULL, 0.5, &X, &Y);
    CHECK(!memcmp(V, dr, sizeof V), "weights (0, 1) differ from drift");
    free(dr);
    gfd_field_free(f);
    gfd_cloud_free(&X), gfd_cloud_free(&Y);
}

static void test_sphere_restrictions(void)
{
    /* on the sphere: the fields without GFD_FIELD_SPHERE and the flat-only options are
     * usage errors naming them; on flat R^d every field and option runs */
    gfd_field_spec spec;
    gfd_settings set;
    gfd_err err;
    for (const gfd_field_def *f = gfd_field_table(); f->name; f++) {
        char text[64];
        snprintf(text, sizeof text, "%s%s", f->name, f->param ? ":0.5" : "");
        gfd_field_parse(text, &spec, NULL);
        gfd_field *run = gfd_field_new(&spec, NULL, gfd_geometry_sphere(), &err);
        CHECK(!!run == !!(f->flags & GFD_FIELD_SPHERE), "%s on the sphere", f->name);
        CHECK(run || (err.code == GFD_EUSAGE && strstr(err.msg, "not available on the sphere")), "%s", err.msg);
        gfd_field_free(run);
        run = gfd_field_new(&spec, NULL, gfd_geometry_flat(), &err);
        CHECK(run, "%s flat: %s", f->name, err.msg);
        gfd_field_free(run);
    }
    tu_settings(&set, "noise-inject=0.1", 0, NULL);
    gfd_field_parse("mmd", &spec, NULL);
    CHECK(!gfd_field_new(&spec, &set, gfd_geometry_sphere(), &err) &&
          strstr(err.msg, "--noise-inject is not available on the sphere"), "%s", err.msg);
    tu_settings(&set, "kernel=gauss", 0, NULL);
    gfd_field_parse("drift", &spec, NULL);
    CHECK(!gfd_field_new(&spec, &set, gfd_geometry_sphere(), &err) && strstr(err.msg, "gauss"), "%s", err.msg);
}

static void test_bad_inputs(void)
{
    gfd_rng r;
    gfd_rng_seed(&r, 42);
    gfd_cloud Y = tu_cloud(&r, 10, 2, 0, 1, 0), X = tu_cloud(&r, 10, 3, 0, 1, 0);
    gfd_err err;
    double V[30];
    CHECK(tu_field_try("kl", NULL, NULL, 0.5, 0, 0, &X, &Y, V, &err) < 0 && err.code == GFD_EDATA,
          "3 vs 2 columns accepted");
    X.d = 2;
    CHECK(tu_field_try("kl", NULL, NULL, 0, 0, 0, &X, &Y, V, &err) < 0 && err.code == GFD_EUSAGE,
          "h = 0 accepted");
    CHECK(tu_field_try("sliced", NULL, NULL, NAN, 0, 0, &X, &Y, V, &err) == 0, "sliced needs no h: %s", err.msg);
    Y.w = calloc(10, sizeof *Y.w);
    Y.w[3] = -1;
    CHECK(tu_field_try("kl", NULL, NULL, 0.5, 0, 0, &X, &Y, V, &err) < 0 && err.code == GFD_EDATA,
          "a negative weight accepted");
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
    RUN(test_ignored_options);
    RUN(test_mixture);
    RUN(test_set_weights);
    RUN(test_sphere_restrictions);
    RUN(test_bad_inputs);
    RUN(test_streams);
    UNIT_END();
}
