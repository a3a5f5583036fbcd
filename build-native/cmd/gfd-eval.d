build-native/cmd/gfd-eval.o: cmd/gfd-eval.c cmd/../cli/tables.h \
 cmd/../cli/cli.h lib/gfd.h lib/gfd/defs.h lib/gfd/err.h lib/gfd/defs.h \
 lib/gfd/cloud.h lib/gfd/err.h lib/gfd/io.h lib/gfd/cloud.h lib/gfd/rng.h \
 lib/gfd/options.h lib/gfd/geometry.h lib/gfd/bandwidth.h \
 lib/gfd/sphere.h lib/gfd/sample.h lib/gfd/rng.h lib/gfd/vmf.h \
 lib/gfd/modes.h lib/gfd/geometry.h lib/gfd/ksum.h lib/gfd/bandwidth.h \
 lib/gfd/kde.h lib/gfd/ksum.h lib/gfd/field.h lib/gfd/options.h \
 lib/gfd/step.h lib/gfd/field.h lib/gfd/flow.h lib/gfd/step.h \
 lib/gfd/metric.h
cmd/../cli/tables.h:
cmd/../cli/cli.h:
lib/gfd.h:
lib/gfd/defs.h:
lib/gfd/err.h:
lib/gfd/defs.h:
lib/gfd/cloud.h:
lib/gfd/err.h:
lib/gfd/io.h:
lib/gfd/cloud.h:
lib/gfd/rng.h:
lib/gfd/options.h:
lib/gfd/geometry.h:
lib/gfd/bandwidth.h:
lib/gfd/sphere.h:
lib/gfd/sample.h:
lib/gfd/rng.h:
lib/gfd/vmf.h:
lib/gfd/modes.h:
lib/gfd/geometry.h:
lib/gfd/ksum.h:
lib/gfd/bandwidth.h:
lib/gfd/kde.h:
lib/gfd/ksum.h:
lib/gfd/field.h:
lib/gfd/options.h:
lib/gfd/step.h:
lib/gfd/field.h:
lib/gfd/flow.h:
lib/gfd/step.h:
lib/gfd/metric.h:
