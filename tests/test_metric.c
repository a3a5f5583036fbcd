/* The metric table and the prepared list (lib/metrics/metric.c) and its text
 * (lib/metrics/table.c): parsing lists, the default list (with and without modes and
 * same-size sets, flat and on the sphere), column names, what is resolved from the
 * reference (the median distance and eps, through gfd_metrics_report and against the
 * values with them given), errors that name the metric, and the three table formats
 * byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "gfd.h"
#include "gfd/metric.h"
#include "testutil.h"
#include "unit.h"

/* Whether the columns of metrics `names` (NULL: the default list) for setup s and reference
 * R are exactly `want` (NULL-terminated); prints them when not. */
static int columns_are(const char *names, const gfd_metric_setup *s, const gfd_cloud *R,
                       const char *const *want)
{
    gfd_err err;
    const char *cols[GFD_METRIC_MAX_COLUMNS];
    gfd_metrics *m = gfd_metrics_new(names, s, R, &err);
    CHECK(m, "%s", err.msg);
    if (!m)
        return 0;
    size_t n = gfd_metrics_columns(m, cols), k = 0;
    int same = 1;
    for (; want[k]; k++)
        same &= k < n && !strcmp(cols[k], want[k]);
    same &= k == n;
    if (!same)
        for (size_t c = 0; c < n; c++)
            printf("# column %zu: %s\n", c, cols[c]);
    gfd_metrics_free(m);
    return same;
}

static void test_parse(void)
{
    gfd_cloud R = tu_seeded_cloud(1, 20, 2, 0, 1, 0);
    gfd_metric_setup s = {.bw = {GFD_BW_SCOTT, 0}};
    gfd_err err;
    /* the order given: w2, mmd, prdc (4 columns) */
    const char *want[] = {"w2", "mmd2", "precision", "recall", "density", "coverage", NULL};
    CHECK(columns_are("w2,mmd,prdc", &s, &R, want), "columns of w2,mmd,prdc");
    gfd_metrics *m = gfd_metrics_new("w2,mmd,prdc", &s, &R, &err);
    CHECK(m && gfd_metrics_columns(m, NULL) == 6, "columns");
    gfd_metrics_free(m);
    CHECK(!gfd_metrics_new("mmd,nope", &s, &R, &err) && err.code == GFD_EUSAGE &&
          strstr(err.msg, "unknown metric 'nope' (metrics: mmd, energy,"), "%s", err.msg);
    CHECK(!gfd_metrics_new("mmd,,w2", &s, &R, &err) && strstr(err.msg, "unknown metric ''"), "%s", err.msg);
    CHECK(!gfd_metrics_new("mmd,mmd", &s, &R, &err) && strstr(err.msg, "given twice"), "%s", err.msg);
    gfd_cloud_free(&R);
}

static void test_default(void)
{
    /* without modes and w2: 6 metrics; with both (N = M): 8; w2 only for N = M up to
     * GFD_W2_MAX; on the sphere only the metrics with a spherical version */
    gfd_cloud R = tu_seeded_cloud(2, 20, 2, 0, 1, 0);
    double mx[] = {1, 0, 1, 0, 1, 0.5};  /* unit centres, for the sphere too */
    gfd_cloud modes = {.n = 2, .d = 3, .x = mx};
    gfd_metric_setup s = {.bw = {GFD_BW_SCOTT, 0}};
    const char *six[] = {"mmd2", "energy", "sw2", "sinkhorn", "precision", "recall", "density",
                         "coverage", "nll_ref", "nll_samp", NULL};
    const char *eight[] = {"mmd2", "energy", "sw2", "w2", "sinkhorn", "hq", "modes", "mode_kl",
                           "precision", "recall", "density", "coverage", "nll_ref", "nll_samp", NULL};
    CHECK(columns_are(NULL, &s, &R, six), "the metrics without modes and w2");
    s.modes = &modes, s.same_size = R.n;
    CHECK(columns_are(NULL, &s, &R, eight), "the metrics with both");
    s.same_size = GFD_W2_MAX + 1;
    const char *no_w2[] = {"mmd2", "energy", "sw2", "sinkhorn", "hq", "modes", "mode_kl",
                           "precision", "recall", "density", "coverage", "nll_ref", "nll_samp", NULL};
    CHECK(columns_are(NULL, &s, &R, no_w2), "w2 above GFD_W2_MAX");
    for (size_t i = 0; i < R.n; i++) {  /* unit rows */
        double r = hypot(R.x[2 * i], R.x[2 * i + 1]);
        R.x[2 * i] /= r, R.x[2 * i + 1] /= r;
    }
    s.geometry = gfd_geometry_sphere(), s.same_size = R.n;
    const char *sphere[] = {"mmd2", "energy", "sw2", "w2", "hq", "modes", "mode_kl", "precision",
                            "recall", "density", "coverage", NULL};
    CHECK(columns_are(NULL, &s, &R, sphere), "the metrics on the sphere");
    gfd_err err;
    CHECK(!gfd_metrics_new("mmd,sinkhorn", &s, &R, &err) && err.code == GFD_EUSAGE &&
          strstr(err.msg, "sinkhorn is not available with --sphere"), "%s", err.msg);
    gfd_cloud_free(&R);
}

static void test_prepare(void)
{
    /* mmd's default bandwidth: the median of the 3 pairwise distances of 3 points on a
     * line at 0, 1, 4 (1, 3, 4): 3. eps = 2 h^2 for the fixed -b 0.5: 0.5. The values are
     * those with both given, bit for bit. */
    double y[] = {0, 1, 4}, x[] = {0.5, 2, 3};
    gfd_cloud R = {.n = 3, .d = 1, .x = y}, S = {.n = 3, .d = 1, .x = x};
    gfd_metric_setup s = {.bw = {GFD_BW_FIXED, 0.5}};
    gfd_err err;
    char report[256];
    double v[2] = {0}, given[2] = {-1, -1};
    gfd_metrics *m = gfd_metrics_new("mmd,sinkhorn", &s, &R, &err);
    CHECK(m, "%s", err.msg);
    if (m) {
        gfd_metrics_report(m, report, sizeof report);
        CHECK(!strcmp(report, "mmd: bandwidth 3 (the median distance of the reference)\n"
                              "sinkhorn: eps 0.5 (2 h^2, h 0.5)"), "report:\n%s", report);
        CHECK(gfd_metrics_eval(m, &S, v, &err) == 0, "%s", err.msg);
        gfd_metrics_free(m);
    }
    CHECK(tu_metric_try("mmd,sinkhorn", "mmd-bw=3 eps=0.5", NULL, NULL, &S, &R, given, &err) == 0,
          "%s", err.msg);
    CHECK(v[0] == given[0] && v[1] == given[1], "median distance and 2 h^2: %.17g %.17g, "
          "given 3 and 0.5: %.17g %.17g", v[0], v[1], given[0], given[1]);
    CHECK(!gfd_metrics_new("coverage", &s, &R, &err) && err.code == GFD_EUSAGE &&
          strstr(err.msg, "--modes FILE or --dataset NAME"), "%s", err.msg);
    double mx[] = {0, 1, 1};
    gfd_cloud modes = {.n = 1, .d = 3, .x = mx};
    s.modes = &modes;
    CHECK(!gfd_metrics_new("coverage", &s, &R, &err) && err.code == GFD_EDATA &&
          strstr(err.msg, "the modes have 3 columns, want 2"), "%s", err.msg);
}

static void test_eval_errors(void)
{
    double x[4] = {0, 1, 2, 3}, y[3] = {0, 1, 2}, w[3] = {1, 1, 1};
    gfd_cloud S = {.n = 2, .d = 2, .x = x}, R = {.n = 3, .d = 1, .x = y}, S1 = {.n = 4, .d = 1, .x = x};
    gfd_metric_setup s = {.bw = {GFD_BW_SCOTT, 0}};
    gfd_err err;
    double v[4];
    gfd_metrics *m = gfd_metrics_new("w2", &s, &R, &err);
    CHECK(m, "%s", err.msg);
    if (m) {
        CHECK(gfd_metrics_eval(m, &S, v, &err) < 0 && err.code == GFD_EDATA &&
              !strcmp(err.msg, "2 columns, but the reference has 1"), "%s", err.msg);
        CHECK(gfd_metrics_eval(m, &S1, v, &err) < 0 &&
              !strncmp(err.msg, "w2: exact W2 needs as many samples", 34), "%s", err.msg);
        gfd_metrics_free(m);
    }
    R.w = w;  /* a weighted cloud is refused by a metric without GFD_METRIC_WEIGHTS */
    CHECK(!gfd_metrics_new("w2", &s, &R, &err) && err.code == GFD_EUSAGE &&
          strstr(err.msg, "w2 takes no weights"), "%s", err.msg);
    m = gfd_metrics_new("mmd", &s, &R, &err);  /* and taken by one with it */
    CHECK(m, "%s", err.msg);
    gfd_metrics_free(m);
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
    CHECK(t && !strcmp(t, "file,mmd2,mode_kl\na.csv,0.5,0.3333333333333333\n"
                           "\"b,\"\"c\"\".npy\",-2e-07,nan\n"), "csv:\n%s", t);
    free(t);
    t = gfd_metric_table_format(GFD_TABLE_JSON, cols, 2, rows, 2, v, NULL);
    CHECK(t && !strcmp(t, "[\n  {\"file\": \"a.csv\", \"mmd2\": 0.5, \"mode_kl\": 0.3333333333333333},\n"
                           "  {\"file\": \"b,\\\"c\\\".npy\", \"mmd2\": -2e-07, \"mode_kl\": null}\n]\n"),
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
