build-native/lib/sample/sample.o: lib/sample/sample.c lib/gfd/sample.h \
 lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h lib/gfd/rng.h
lib/gfd/sample.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/rng.h:
