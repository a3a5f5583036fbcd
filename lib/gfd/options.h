/* Self-describing options. Every field and metric lists its long options as descriptors:
 * name, type, default, bounds and one help line. Programs build their getopt tables and
 * --help from the descriptors; a gfd_settings holds the values given, by option name, and
 * each field or metric reads its own from it, the default where none was given. */
#ifndef GFD_OPTIONS_H
#define GFD_OPTIONS_H

#include <stddef.h>

#include "defs.h"
#include "err.h"

GFD_BEGIN_DECLS
GFD_VISIBLE_BEGIN

typedef enum {
    GFD_OPT_FLAG,    /* no value: given or not */
    GFD_OPT_INT,     /* a whole number in [lo, hi] */
    GFD_OPT_REAL,    /* a finite number in [lo, hi], or (lo, hi] when lo_open */
    GFD_OPT_REALS,   /* a comma-separated list of 1 to GFD_OPT_MAX_VALUES such numbers */
    GFD_OPT_CHOICE,  /* one of the words of `text`, "laplace|gauss" (the first is the default) */
} gfd_opt_type;

#define GFD_OPT_MAX_VALUES 16

enum {  /* gfd_option.flags */
    GFD_OPT_FLAT_ONLY = 1,  /* not available on the sphere (a usage error when given there) */
};

typedef struct {
    const char *name;     /* the long option without "--": "ratio-clip" */
    gfd_opt_type type;
    const char *arg;      /* the value's name in --help, "R" (NULL for a flag) */
    const char *help;     /* one line */
    double def, lo, hi;   /* INT, REAL: the default; INT, REAL, REALS: the bounds */
    int lo_open;          /* REAL, REALS: the value must be above lo */
    const char *text;     /* CHOICE: the words; REALS: the default list; INT, REAL: the
                             default as --help shows it ("h^2"), or NULL for def */
    unsigned flags;       /* GFD_OPT_* */
} gfd_option;

typedef struct {
    const char *name;     /* the option's name */
    int n;                /* values held: 1, or the length of a REALS list */
    double v[GFD_OPT_MAX_VALUES];  /* the values; CHOICE: the word's index; FLAG: 1 */
} gfd_setting;

#define GFD_SETTINGS_MAX 64

typedef struct {
    gfd_setting s[GFD_SETTINGS_MAX];
    int n;
} gfd_settings;

void gfd_settings_init(gfd_settings *s);
/* Checks text (NULL for a flag) against the descriptor and stores the value, replacing one
 * given before. A bad value is GFD_EUSAGE naming the option: "--floor: 2 is out of range". */
int gfd_settings_set(gfd_settings *s, const gfd_option *opt, const char *text, gfd_err *err);
/* The setting given for the option called name, or NULL (also when s is NULL). */
const gfd_setting *gfd_settings_get(const gfd_settings *s, const char *name);

/* The value of opt in s (s may be NULL): the one given, else the default. */
int gfd_option_flag(const gfd_settings *s, const gfd_option *opt);
long gfd_option_int(const gfd_settings *s, const gfd_option *opt);
double gfd_option_real(const gfd_settings *s, const gfd_option *opt);
int gfd_option_choice(const gfd_settings *s, const gfd_option *opt);   /* the word's index */
/* A REALS list into out (GFD_OPT_MAX_VALUES); returns its length. */
int gfd_option_reals(const gfd_settings *s, const gfd_option *opt, double *out);
/* The default as --help shows it ("1e+06", "0.02,0.05,0.2", "laplace", "h^2"); "" for a flag. */
void gfd_option_default_text(const gfd_option *opt, char *buf, size_t cap);

GFD_VISIBLE_END
GFD_END_DECLS

#endif
