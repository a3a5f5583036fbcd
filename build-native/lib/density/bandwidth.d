build-native/lib/density/bandwidth.o: lib/density/bandwidth.c \
 lib/core/numfmt.h lib/density/select.h lib/gfd/bandwidth.h \
 lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h lib/gfd/rng.h
lib/core/numfmt.h:
lib/density/select.h:
lib/gfd/bandwidth.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/rng.h:
