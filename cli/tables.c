/* The table-driven parts of the programs (tables.h). A field table entry and a metric table
 * entry are read through one small view, so that everything below serves both. */
#include <string.h>

#include "tables.h"

/* One entry of either table, as the programs show it. */
typedef struct {
    const char *name, *param, *summary;
    const gfd_option *options;
    int sphere;
    char kind[64];  /* fields: the units and flags; metrics: the columns */
} entry;

static void field_kind(const gfd_field_def *f, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s%s", f->units == GFD_UNITS_SCORE ? "score" : "displacement",
             f->flags & GFD_FIELD_BANDWIDTH ? ",bandwidth" : "",
             f->flags & GFD_FIELD_SELF_KDE ? ",self-kde" : "",
             f->flags & GFD_FIELD_STOCHASTIC ? ",random" : "",
             f->flags & GFD_FIELD_TARGET_SUMS ? ",sums" : "");
}

/* The columns, then ";weights" when the metric takes weighted sets. */
static void metric_kind(const gfd_metric_def *m, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (const char *const *c = m->columns; *c; c++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", c == m->columns ? "" : ",", *c);
    if (m->flags & GFD_METRIC_WEIGHTS)
        snprintf(buf + strlen(buf), cap - strlen(buf), ";weights");
}

/* Entry k of table `which` into e; 0 past the last. */
static int entry_at(int which, int k, entry *e)
{
    if (which == CLI_FIELDS) {
        const gfd_field_def *f = gfd_field_table() + k;
        if (!f->name)
            return 0;
        *e = (entry){f->name, f->param, f->summary, f->options, !!(f->flags & GFD_FIELD_SPHERE), ""};
        field_kind(f, e->kind, sizeof e->kind);
        return 1;
    }
    const gfd_metric_def *m = gfd_metric_table() + k;
    if (!m->name)
        return 0;
    *e = (entry){m->name, NULL, m->summary, m->options, !!(m->flags & GFD_METRIC_SPHERE), ""};
    metric_kind(m, e->kind, sizeof e->kind);
    return 1;
}

static const struct option common_longs[] = {CLI_COMMON_LONG, {0, 0, 0, 0}};

static void push_long(cli_optset *s, int *n, struct option o)
{
    if (*n + 1 < CLI_MAX_LONGS)  /* a compile-time bound: a test parses every program */
        s->longs[(*n)++] = o;
}

/* Adds the options of one descriptor list, each name once. */
static void push_options(cli_optset *s, int *n, const gfd_option *list)
{
    for (const gfd_option *d = list; d->name; d++) {
        int seen = 0;
        for (int t = 0; t < s->n && !seen; t++)
            seen = !strcmp(s->desc[t]->name, d->name);
        if (seen || s->n == CLI_MAX_TABLE_OPTS)
            continue;
        push_long(s, n, (struct option){d->name, d->type == GFD_OPT_FLAG ? no_argument : required_argument,
                                        0, CLI_TABLE_OPT + s->n});
        s->desc[s->n++] = d;
    }
}

void cli_optset_init(cli_optset *s, const struct option *own, int which)
{
    int n = 0;
    s->n = 0;
    for (const struct option *o = own; o->name; o++)
        push_long(s, &n, *o);
    if (which == CLI_FIELDS)  /* the options of every field first */
        push_options(s, &n, gfd_field_run_options());
    entry e;
    for (int k = 0; which && entry_at(which, k, &e); k++)
        push_options(s, &n, e.options);
    for (const struct option *o = common_longs; o->name; o++)
        push_long(s, &n, *o);
    s->longs[n] = (struct option){0, 0, 0, 0};
}

const gfd_option *cli_optset_desc(const cli_optset *s, int opt)
{
    return opt >= CLI_TABLE_OPT && opt < CLI_TABLE_OPT + s->n ? s->desc[opt - CLI_TABLE_OPT] : NULL;
}

int cli_table_option(const cli_common *c, const cli_optset *s, gfd_settings *set, int opt,
                     const char *arg)
{
    const gfd_option *d = cli_optset_desc(s, opt);
    gfd_err err;
    if (!d)
        return 0;
    if (gfd_settings_set(set, d, arg, &err) < 0)
        cli_usage_error(c, "%s", err.msg);
    return 1;
}

/* Prints text, the cursor at column `at`, wrapped before column 80 at an indent of 26. */
static void wrapped(FILE *f, int at, const char *text)
{
    const int col = 26;
    int first = 1;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t word = strcspn(p, " ");
        if (!word)
            break;
        if (!first && at + 1 + (int)word >= 80) {
            at = fprintf(f, "\n%*s", col, "") - 1;
        } else if (!first) {
            at += fprintf(f, " ");
        }
        at += fprintf(f, "%.*s", (int)word, p);
        p += word;
        first = 0;
    }
    fputc('\n', f);
}

/* ", " joined names of the entries that take an option called name ("every field" for
 * the options of every field). */
static void users(int which, const char *name, char *buf, size_t cap)
{
    entry e;
    snprintf(buf, cap, "%s", "");
    for (int k = 0; entry_at(which, k, &e); k++)
        for (const gfd_option *d = e.options; d->name; d++)
            if (!strcmp(d->name, name))
                snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", *buf ? ", " : "", e.name);
    if (!*buf)
        snprintf(buf, cap, "%s", "every field");
}

void cli_help_options(FILE *f, int which)
{
    cli_optset s;
    static const struct option none[] = {{0, 0, 0, 0}};
    cli_optset_init(&s, none, which);
    for (int t = 0; t < s.n; t++) {
        const gfd_option *d = s.desc[t];
        char def[64], who[256], text[512];
        gfd_option_default_text(d, def, sizeof def);
        users(which, d->name, who, sizeof who);
        snprintf(text, sizeof text, "%s: %s%s%s%s", who, d->help, *def ? " (" : "", def, *def ? ")" : "");
        int at = fprintf(f, "      --%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
        if (at >= 26)
            at += fprintf(f, " ");
        else
            at += fprintf(f, "%*s", 26 - at, "");
        wrapped(f, at, text);
    }
}

void cli_help_list(FILE *f, int which)
{
    entry e;
    for (int k = 0; entry_at(which, k, &e); k++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s%s", e.name, e.param ? ":" : "", e.param ? e.param : "");
        int at = fprintf(f, "  %-15s %-7s ", name, e.sphere ? "sphere" : "-");
        wrapped(f, at, e.summary);
    }
}

_Noreturn void cli_list(const cli_common *c, int which)
{
    entry e;
    for (int k = 0; entry_at(which, k, &e); k++)
        printf("%-15s %-7s %-36s %s\n", e.name, e.sphere ? "sphere" : "flat", e.kind, e.summary);
    cli_exit(c);
}
