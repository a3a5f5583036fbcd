/* Option descriptors and settings (options.h): parsing and checking a value against its
 * descriptor, storing it by name, reading it back with the default as fallback. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/numfmt.h"
#include "gfd/options.h"

void gfd_settings_init(gfd_settings *s)
{
    memset(s, 0, sizeof *s);
}

const gfd_setting *gfd_settings_get(const gfd_settings *s, const char *name)
{
    for (int k = 0; s && k < s->n; k++)
        if (!strcmp(s->s[k].name, name))
            return &s->s[k];
    return NULL;
}

/* A finite number filling all of text. */
static int number(const char *text, double *v)
{
    char *end;
    errno = 0;
    *v = gfd_strtod(text, &end);
    return end == text || *end || errno == ERANGE || !isfinite(*v) ? -1 : 0;
}

static int check_range(const gfd_option *opt, const char *text, double v, gfd_err *err)
{
    int low = opt->lo_open ? !(v > opt->lo) : !(v >= opt->lo);
    if (low || !(v <= opt->hi))
        return gfd_fail(err, GFD_EUSAGE, "--%s: %s is out of range %s%g, %g]", opt->name, text,
                        opt->lo_open ? "(" : "[", opt->lo, opt->hi);
    return 0;
}

static int parse_int(const gfd_option *opt, const char *text, double *v, gfd_err *err)
{
    if (number(text, v) < 0 || *v != floor(*v) || strpbrk(text, ".eEpPxX"))
        return gfd_fail(err, GFD_EUSAGE, "--%s: '%s' is not a whole number", opt->name, text);
    return check_range(opt, text, *v, err);
}

static int parse_real(const gfd_option *opt, const char *text, double *v, gfd_err *err)
{
    if (number(text, v) < 0)
        return gfd_fail(err, GFD_EUSAGE, "--%s: '%s' is not a number", opt->name, text);
    return check_range(opt, text, *v, err);
}

/* "a,b,c" into set->v. */
static int parse_reals(const gfd_option *opt, const char *text, gfd_setting *set, gfd_err *err)
{
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return gfd_fail(err, GFD_EUSAGE, "--%s: list too long", opt->name);
    strcpy(buf, text);
    set->n = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (set->n == GFD_OPT_MAX_VALUES)
            return gfd_fail(err, GFD_EUSAGE, "--%s: at most %d values", opt->name, GFD_OPT_MAX_VALUES);
        if (parse_real(opt, tok, &set->v[set->n++], err) < 0)
            return -1;
    }
    if (set->n == 0)
        return gfd_fail(err, GFD_EUSAGE, "--%s: no value given", opt->name);
    return 0;
}

/* The index of word in "a|b|c", or -1. */
static int choice_index(const char *words, const char *word)
{
    size_t len = strlen(word);
    int k = 0;
    for (const char *w = words; *w; k++) {
        size_t n = strcspn(w, "|");
        if (n == len && !strncmp(w, word, len))
            return k;
        w += n + (w[n] == '|');
    }
    return -1;
}

static int parse_choice(const gfd_option *opt, const char *text, double *v, gfd_err *err)
{
    int k = choice_index(opt->text, text);
    if (k < 0) {
        char words[256];
        snprintf(words, sizeof words, "%s", opt->text);
        for (char *p = strchr(words, '|'); p; p = strchr(p, '|'))
            *p = ',';
        return gfd_fail(err, GFD_EUSAGE, "--%s: unknown value '%s' (one of %s)", opt->name, text, words);
    }
    *v = k;
    return 0;
}

static gfd_setting *slot(gfd_settings *s, const char *name, gfd_err *err)
{
    for (int k = 0; k < s->n; k++)
        if (!strcmp(s->s[k].name, name))
            return &s->s[k];
    if (s->n == GFD_SETTINGS_MAX) {
        gfd_fail(err, GFD_EUSAGE, "more than %d options", GFD_SETTINGS_MAX);
        return NULL;
    }
    return &s->s[s->n++];
}

int gfd_settings_set(gfd_settings *s, const gfd_option *opt, const char *text, gfd_err *err)
{
    gfd_setting v = {.name = opt->name, .n = 1, .v = {1}};
    if (opt->type != GFD_OPT_FLAG && !text)
        return gfd_fail(err, GFD_EUSAGE, "--%s needs a value", opt->name);
    int rc = 0;
    switch (opt->type) {
    case GFD_OPT_FLAG: break;
    case GFD_OPT_INT: rc = parse_int(opt, text, &v.v[0], err); break;
    case GFD_OPT_REAL: rc = parse_real(opt, text, &v.v[0], err); break;
    case GFD_OPT_REALS: rc = parse_reals(opt, text, &v, err); break;
    case GFD_OPT_CHOICE: rc = parse_choice(opt, text, &v.v[0], err); break;
    }
    gfd_setting *at = rc == 0 ? slot(s, opt->name, err) : NULL;
    if (!at)
        return -1;
    *at = v;
    return 0;
}

int gfd_option_flag(const gfd_settings *s, const gfd_option *opt)
{
    return gfd_settings_get(s, opt->name) != NULL;
}

long gfd_option_int(const gfd_settings *s, const gfd_option *opt)
{
    const gfd_setting *v = gfd_settings_get(s, opt->name);
    return (long)(v ? v->v[0] : opt->def);
}

double gfd_option_real(const gfd_settings *s, const gfd_option *opt)
{
    const gfd_setting *v = gfd_settings_get(s, opt->name);
    return v ? v->v[0] : opt->def;
}

int gfd_option_choice(const gfd_settings *s, const gfd_option *opt)
{
    const gfd_setting *v = gfd_settings_get(s, opt->name);
    return v ? (int)v->v[0] : 0;
}

int gfd_option_reals(const gfd_settings *s, const gfd_option *opt, double *out)
{
    const gfd_setting *v = gfd_settings_get(s, opt->name);
    gfd_setting def = {.n = 0};
    if (!v) {  /* the default list is valid by construction (a test parses every one) */
        parse_reals(opt, opt->text, &def, NULL);
        v = &def;
    }
    memcpy(out, v->v, (size_t)v->n * sizeof *out);
    return v->n;
}

void gfd_option_default_text(const gfd_option *opt, char *buf, size_t cap)
{
    locale_t old;
    switch (opt->type) {
    case GFD_OPT_FLAG: snprintf(buf, cap, "%s", ""); return;
    case GFD_OPT_REALS: snprintf(buf, cap, "%s", opt->text); return;
    case GFD_OPT_CHOICE: snprintf(buf, cap, "%.*s", (int)strcspn(opt->text, "|"), opt->text); return;
    case GFD_OPT_INT:
    case GFD_OPT_REAL:
        if (opt->text) {
            snprintf(buf, cap, "%s", opt->text);
            return;
        }
        old = numfmt_begin();
        snprintf(buf, cap, "%g", opt->def);
        numfmt_end(old);
        return;
    }
}
