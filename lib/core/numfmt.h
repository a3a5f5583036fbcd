/* Numbers in text, in the C locale whatever the caller's (private to lib/): a caller that
 * runs under a locale with a decimal comma still reads and writes gfd's files. */
#ifndef GFD_NUMFMT_H
#define GFD_NUMFMT_H

#include <locale.h>

/* strtod in the C locale. */
double gfd_strtod(const char *s, char **end);
/* The C locale object, for uselocale() around a run of printf calls (numfmt_begin/end). */
locale_t gfd_c_locale(void);
/* Switches this thread to the C locale for numbers; returns what to give numfmt_end. */
locale_t numfmt_begin(void);
void numfmt_end(locale_t previous);

#endif
