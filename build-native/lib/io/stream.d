build-native/lib/io/stream.o: lib/io/stream.c lib/io/stream.h \
 lib/gfd/cloud.h lib/gfd/defs.h lib/gfd/err.h lib/gfd/io.h \
 lib/gfd/cloud.h
lib/io/stream.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/io.h:
lib/gfd/cloud.h:
