build-native/lib/core/cloud.o: lib/core/cloud.c lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
