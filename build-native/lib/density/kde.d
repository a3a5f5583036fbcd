build-native/lib/density/kde.o: lib/density/kde.c lib/gfd/kde.h \
 lib/gfd/defs.h lib/gfd/cloud.h lib/gfd/err.h lib/gfd/ksum.h
lib/gfd/kde.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/ksum.h:
