/* What the programs take from the library's tables (cli/tables.c): the field and metric
 * options as long options, each name once; their --help lines; the lists of fields and
 * metrics of --help, --list-fields and --list-metrics. Nothing here names a field or a
 * metric: adding one to a table adds it to every program that lists the table. */
#ifndef GFD_CLI_TABLES_H
#define GFD_CLI_TABLES_H

#include <stdio.h>

#include "cli.h"

enum { CLI_FIELDS = 1, CLI_METRICS = 2 };  /* which table */
#define CLI_TABLE_OPT 0x5000               /* getopt codes of table options: + index */
#define CLI_MAX_TABLE_OPTS 64
#define CLI_MAX_LONGS 128

typedef struct {
    const gfd_option *desc[CLI_MAX_TABLE_OPTS];  /* by getopt code - CLI_TABLE_OPT */
    int n;
    struct option longs[CLI_MAX_LONGS];          /* for getopt_long, ended by zeros */
} cli_optset;

/* longs = the program's own options (ended by a zero entry), the options of table `which`
 * and the shared options of cli.h. */
void cli_optset_init(cli_optset *s, const struct option *own, int which);
/* The descriptor behind getopt code opt, or NULL when opt is not a table option. */
const gfd_option *cli_optset_desc(const cli_optset *s, int opt);
/* Stores the value of a table option (opt a code of s) in set: 1, 0 if opt is not one;
 * exits 2 on a bad value. */
int cli_table_option(const cli_common *c, const cli_optset *s, gfd_settings *set, int opt,
                     const char *arg);

/* --help: the table's options, one entry each with its default and the entries that take
 * it; and the list of entries with where they run ("sphere": also with --sphere). */
void cli_help_options(FILE *f, int which);
void cli_help_list(FILE *f, int which);
/* --list-fields, --list-metrics: one line per entry (name, units or columns, flags,
 * summary), then exit. */
_Noreturn void cli_list(const cli_common *c, int which);

#endif
