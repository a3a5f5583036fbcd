build-native/lib/io/io.o: lib/io/io.c lib/gfd/io.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/io/stream.h lib/gfd/cloud.h
lib/gfd/io.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/io/stream.h:
lib/gfd/cloud.h:
