/* Numbers in the C locale (numfmt.h): strtod_l for reading; for writing, the calling
 * thread's locale is switched to C around printf and switched back (uselocale acts on the
 * thread only, so the process's locale is never touched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/numfmt.h"
#include "gfd/io.h"

locale_t gfd_c_locale(void)
{
    static locale_t c;  /* created once; a race creates two equal objects, one kept */
    locale_t l = __atomic_load_n(&c, __ATOMIC_ACQUIRE);
    if (l)
        return l;
    locale_t fresh = newlocale(LC_ALL_MASK, "C", (locale_t)0), expected = (locale_t)0;
    if (!fresh)
        return LC_GLOBAL_LOCALE;
    if (!__atomic_compare_exchange_n(&c, &expected, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        freelocale(fresh);
        return expected;
    }
    return fresh;
}

double gfd_strtod(const char *s, char **end)
{
    locale_t c = gfd_c_locale();
    return c == LC_GLOBAL_LOCALE ? strtod(s, end) : strtod_l(s, end, c);
}

locale_t numfmt_begin(void)
{
    locale_t c = gfd_c_locale();
    return c == LC_GLOBAL_LOCALE ? (locale_t)0 : uselocale(c);
}

void numfmt_end(locale_t previous)
{
    if (previous)
        uselocale(previous);
}

int gfd_format_double(char *buf, size_t cap, double x)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, cap, "%.*g", prec, x);
        if (prec == 17 || !isfinite(x) || (n > 0 && (size_t)n < cap && strtod(buf, NULL) == x))
            break;
    }
    return n;
}
