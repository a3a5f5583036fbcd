build-native/lib/sample/vmf.o: lib/sample/vmf.c lib/gfd/vmf.h \
 lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h lib/gfd/rng.h
lib/gfd/vmf.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/rng.h:
