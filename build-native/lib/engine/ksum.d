build-native/lib/engine/ksum.o: lib/engine/ksum.c \
 /usr/include/x86_64-linux-gnu/openblas-openmp/cblas.h \
 /usr/include/x86_64-linux-gnu/openblas-openmp/openblas_config.h \
 lib/engine/clones.h lib/engine/vexp.h lib/gfd/ksum.h lib/gfd/defs.h \
 lib/gfd/err.h
/usr/include/x86_64-linux-gnu/openblas-openmp/cblas.h:
/usr/include/x86_64-linux-gnu/openblas-openmp/openblas_config.h:
lib/engine/clones.h:
lib/engine/vexp.h:
lib/gfd/ksum.h:
lib/gfd/defs.h:
lib/gfd/err.h:
