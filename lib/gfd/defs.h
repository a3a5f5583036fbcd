/* What every public header of libgfd shares: C linkage for C++ callers, and the default
 * visibility of the API (the library is built with -fvisibility=hidden, so everything a
 * public header does not declare stays internal). */
#ifndef GFD_DEFS_H
#define GFD_DEFS_H

#ifdef __cplusplus
#define GFD_BEGIN_DECLS extern "C" {
#define GFD_END_DECLS }
#else
#define GFD_BEGIN_DECLS
#define GFD_END_DECLS
#endif

#if defined(__GNUC__)
#define GFD_VISIBLE_BEGIN _Pragma("GCC visibility push(default)")
#define GFD_VISIBLE_END _Pragma("GCC visibility pop")
#else
#define GFD_VISIBLE_BEGIN
#define GFD_VISIBLE_END
#endif

#if defined(__GNUC__)
#define GFD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GFD_PRINTF(f, a)
#endif

#endif
