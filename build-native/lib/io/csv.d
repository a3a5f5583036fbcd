build-native/lib/io/csv.o: lib/io/csv.c lib/core/numfmt.h lib/io/stream.h \
 lib/gfd/cloud.h lib/gfd/defs.h lib/gfd/err.h lib/gfd/io.h \
 lib/gfd/cloud.h
lib/core/numfmt.h:
lib/io/stream.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/io.h:
lib/gfd/cloud.h:
