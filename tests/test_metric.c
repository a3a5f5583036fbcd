/* The metric table (lib/metric.c) and its text (lib/metric_table.c): parsing lists,
 * the default list, column names, option resolution from the reference (the median
 * distance against a direct computation), errors that name the metric, and the three
 * table formats byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "unit.h"

static void test_parse(void)
{
    gfd_metric_spec spec;
    gfd_err err;
    CHECK(gfd_metric_parse("w2,mmd,prdc", &spec, &err) == 0 && spec.n == 3, "%s", err.msg);
    CHECK(!strcmp(spec.defs[0]->name, "w2") && !strcmp(spec.defs[2]->name, "prdc"), "order");
    const char *cols[16];
    CHECK(gfd_metric_columns(&spec, cols) == 6, "columns");
    CHECK(!strcmp(cols[0], "w2") && !strcmp(cols[1], "mmd2") && !strcmp(cols[5], "coverage"), "names");
    CHECK(gfd_metric_parse("mmd,nope", &spec, &err) < 0 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "unknown metric 'nope' (metrics: mmd, energy,"), "%s", err.msg);
    CHECK(gfd_metric_parse("mmd,,w2", &spec, &err) < 0 && strstr(err.msg, "unknown metric ''"), "%s", err.msg);
    CHECK(gfd_metric_parse("mmd,mmd", &spec, &err) < 0 && strstr(err.msg, "given twice"), "%s", err.msg);
}

static void test_default(void)
{
    gfd_metric_spec spec;
    gfd_metric_default(&spec, 0, 0);
    CHECK(spec.n == 6, "%d metrics without modes and w2", spec.n);
    for (int t = 0; t < spec.n; t++)
        CHECK(strcmp(spec.defs[t]->name, "w2") && strcmp(spec.defs[t]->name, "coverage"), "%s", spec.defs[t]->name);
    gfd_metric_default(&spec, 1, 1);
    CHECK(spec.n == 8, "%d metrics with both", spec.n);
}

static void test_prepare(void)
{
    /* mmd's default bandwidth: the median of the 3 pairwise distances of 3 points on a
     * line at 0, 1, 4 (1, 3, 4): 3. eps = 2 h^2 for the fixed -b 0.5: 0.5. */
    double y[] = {0, 1, 4};
    gfd_cloud R = {.n = 3, .d = 1, .x = y};
    gfd_metric_spec spec;
    gfd_metric_opts o;
    gfd_err err;
    gfd_metric_opts_default(&o);
    o.bw = (gfd_bw_rule){GFD_BW_FIXED, 0.5};
    gfd_metric_parse("mmd,sinkhorn", &spec, NULL);
    CHECK(gfd_metric_prepare(&spec, &o, &R, &err) == 0, "%s", err.msg);
    CHECK(o.n_mmd_bw == 1 && o.mmd_bw[0] == 3, "median distance %g", o.mmd_bw[0]);
    CHECK(o.h == 0.5 && o.eps == 0.5, "h %g eps %g", o.h, o.eps);
    gfd_metric_parse("coverage", &spec, NULL);
    CHECK(gfd_metric_prepare(&spec, &o, &R, &err) < 0 && err.code == GFD_EUSAGE &&
          strstr(err.msg, "--modes FILE or --dataset NAME"), "%s", err.msg);
    double m[] = {0, 1, 1};
    gfd_cloud modes = {.n = 1, .d = 3, .x = m};
    o.modes = &modes;
    CHECK(gfd_metric_prepare(&spec, &o, &R, &err) < 0 && err.code == GFD_EDATA &&
          strstr(err.msg, "the modes have 3 columns, want 2"), "%s", err.msg);
}

static void test_eval_errors(void)
{
    double x[4] = {0, 1, 2, 3}, y[3] = {0, 1, 2};
    gfd_cloud S = {.n = 2, .d = 2, .x = x}, R = {.n = 3, .d = 1, .x = y}, S1 = {.n = 4, .d = 1, .x = x};
    gfd_metric_spec spec;
    gfd_metric_opts o;
    gfd_err err;
    double v[4];
    gfd_metric_opts_default(&o);
    gfd_metric_parse("w2", &spec, NULL);
    CHECK(gfd_metric_eval(&spec, &o, &S, &R, v, &err) < 0 && err.code == GFD_EDATA &&
          !strcmp(err.msg, "2 columns, but the reference has 1"), "%s", err.msg);
    CHECK(gfd_metric_eval(&spec, &o, &S1, &R, v, &err) < 0 &&
          !strncmp(err.msg, "w2: exact W2 needs as many samples", 34), "%s", err.msg);
}

static void test_table_formats(void)
{
    const char *cols[] = {"mmd2", "mode_kl"}, *rows[] = {"a.csv", "b,\"c\".npy"};
    double v[] = {0.5, 1.0 / 3, -2e-7, NAN};
    char *t = gfd_metric_table_format(GFD_TABLE_TEXT, cols, 2, rows, 2, v, NULL);
    CHECK(t && !strcmp(t, "file         mmd2   mode_kl\n"
                           "a.csv         0.5  0.333333\n"
                           "b,\"c\".npy  -2e-07       nan\n"), "text:\n%s", t);
    free(t);
    t = gfd_metric_table_format(GFD_TABLE_CSV, cols, 2, rows, 2, v, NULL);
    CHECK(t && !strcmp(t, "file,mmd2,mode_kl\na.csv,0.5,0.33333333333333331\n"
                           "\"b,\"\"c\"\".npy\",-1.9999999999999999e-07,nan\n"), "csv:\n%s", t);
    free(t);
    t = gfd_metric_table_format(GFD_TABLE_JSON, cols, 2, rows, 2, v, NULL);
    CHECK(t && !strcmp(t, "[\n  {\"file\": \"a.csv\", \"mmd2\": 0.5, \"mode_kl\": 0.33333333333333331},\n"
                           "  {\"file\": \"b,\\\"c\\\".npy\", \"mmd2\": -1.9999999999999999e-07, \"mode_kl\": null}\n]\n"),
          "json:\n%s", t);
    free(t);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_default);
    RUN(test_prepare);
    RUN(test_eval_errors);
    RUN(test_table_formats);
    UNIT_END();
}
