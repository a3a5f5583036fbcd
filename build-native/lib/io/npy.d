build-native/lib/io/npy.o: lib/io/npy.c lib/io/stream.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/io.h lib/gfd/cloud.h
lib/io/stream.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/io.h:
lib/gfd/cloud.h:
