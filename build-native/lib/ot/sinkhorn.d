build-native/lib/ot/sinkhorn.o: lib/ot/sinkhorn.c lib/gfd/ksum.h \
 lib/gfd/defs.h lib/gfd/err.h lib/ot/ot.h lib/gfd/cloud.h \
 lib/gfd/geometry.h lib/gfd/bandwidth.h lib/gfd/cloud.h
lib/gfd/ksum.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/ot/ot.h:
lib/gfd/cloud.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/cloud.h:
