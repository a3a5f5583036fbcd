build-native/lib/core/options.o: lib/core/options.c lib/core/numfmt.h \
 lib/gfd/options.h lib/gfd/defs.h lib/gfd/err.h
lib/core/numfmt.h:
lib/gfd/options.h:
lib/gfd/defs.h:
lib/gfd/err.h:
