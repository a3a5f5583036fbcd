build-native/lib/ot/line.o: lib/ot/line.c lib/ot/ot.h lib/gfd/cloud.h \
 lib/gfd/defs.h lib/gfd/err.h lib/gfd/geometry.h lib/gfd/bandwidth.h \
 lib/gfd/cloud.h
lib/ot/ot.h:
lib/gfd/cloud.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/cloud.h:
