#!/usr/bin/env bats
# The library as its users get it: `make install` into a fresh prefix, gfd.pc through
# pkg-config, examples/kde.c built against the installed library (shared and static) and
# compared byte for byte with gfd-kde, gfd.h compiled as C++ and as strict C, only gfd_
# symbols exported (nm), and `make uninstall` removing every file it installed.
load helper

setup_file() {
    [ -n "${GFD_SKIP_INSTALL:-}" ] && return 0
    export PREFIX="$BATS_FILE_TMPDIR/prefix"
    make -s -C "$GFD_SRC" install PREFIX="$PREFIX" >&3 2>&1
    export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
}

setup() {
    [ -z "${GFD_SKIP_INSTALL:-}" ] || skip "the sanitizer build installs nothing"
    cd "$BATS_TEST_TMPDIR"
}

@test "install: the library, headers, gfd.pc, programs and man pages under PREFIX" {
    for f in lib/libgfd.a lib/libgfd.so lib/libgfd.so.0 lib/pkgconfig/gfd.pc include/gfd.h \
             include/gfd/field.h include/gfd/metric.h bin/gfd-flow share/man/man1/gfd-flow.1 \
             share/man/man7/gfd.7; do
        [ -e "$PREFIX/$f" ] || { echo "missing $f"; return 1; }
    done
    # no private header is installed
    [ ! -e "$PREFIX/include/gfd/field_impl.h" ] && [ ! -e "$PREFIX/include/gfd/stream.h" ]
    run pkg-config --modversion gfd
    [ "$output" = "$(sed -n 's/^#define GFD_VERSION_STRING "\(.*\)"/\1/p' "$GFD_SRC/lib/gfd.h")" ]
    run pkg-config --cflags --libs gfd
    [[ "$output" == *"-I$PREFIX/include"* && "$output" == *"-L$PREFIX/lib -lgfd"* ]] || { echo "$output"; return 1; }
    run pkg-config --static --libs gfd
    [[ "$output" == *"-lopenblas"*"-lz"*"-lm"*"-lgomp"* ]]
}

@test "install: nm shows only gfd_ symbols in libgfd.a and libgfd.so" {
    run bash -c "nm -g --defined-only '$PREFIX/lib/libgfd.a' | awk 'NF == 3 { print \$3 }' | sort -u"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -gt 50 ]
    bad=$(printf '%s\n' "${lines[@]}" | grep -v '^gfd_' || true)
    [ -z "$bad" ] || { echo "not gfd_: $bad"; return 1; }
    run bash -c "nm -D --defined-only '$PREFIX/lib/libgfd.so' | awk '{ print \$3 }' | sort -u"
    bad=$(printf '%s\n' "${lines[@]}" | grep -v '^gfd_' || true)
    [ -z "$bad" ] || { echo "not gfd_: $bad"; return 1; }
}

@test "install: examples/kde.c builds with pkg-config, shared and static, and prints gfd-kde's bytes" {
    gfd-sample -n 300 -s 1 8gaussians -o y.csv
    gfd-sample -n 50 -s 2 gaussian -o q.csv
    cc -std=c11 -Wall -Wextra -Werror "$GFD_SRC/examples/kde.c" $(pkg-config --cflags --libs gfd) -o kde
    LD_LIBRARY_PATH="$PREFIX/lib" ./kde y.csv q.csv > shared.csv
    private=$(pkg-config --static --libs gfd | tr ' ' '\n' | grep -v '^-lgfd$' | tr '\n' ' ')
    cc -std=c11 "$GFD_SRC/examples/kde.c" $(pkg-config --cflags gfd) -Wl,-Bstatic -lgfd -Wl,-Bdynamic \
        $private -o kde-static
    ! ldd kde-static | grep -q libgfd
    ./kde-static y.csv q.csv > static.csv
    gfd-kde -t y.csv q.csv > want.csv
    cmp shared.csv want.csv
    cmp static.csv want.csv
    gfd-sample -n 5 -d 3 gaussian > q3.csv
    expect_fail 1 "kde: q3.csv: 3 columns, but y.csv has 2" ./kde-static y.csv q3.csv
}

@test "install: gfd.h compiles as C++ and as strict C, and its version is the library's" {
    printf '#include <gfd.h>\nint main(void) { return gfd_version_number() == GFD_VERSION_NUMBER ? 0 : 1; }\n' > v.c
    g++ -std=c++11 -Wall -Wextra -pedantic -Werror -x c++ v.c $(pkg-config --cflags --libs gfd) -o vxx
    LD_LIBRARY_PATH="$PREFIX/lib" ./vxx
    cc -std=c99 -Wall -Wextra -pedantic -Werror -Wstrict-prototypes -Wmissing-prototypes \
        v.c $(pkg-config --cflags --libs gfd) -o vc
    LD_LIBRARY_PATH="$PREFIX/lib" ./vc
    # the error names, and gfd_err_prefix, through the public API
    printf '#include <gfd.h>\n#include <stdio.h>\n#include <string.h>\nint main(void) { gfd_err e; gfd_fail(&e, GFD_EDATA, "row 3"); gfd_err_prefix(&e, "%%s", "x.csv"); return strcmp(e.msg, "x.csv: row 3") || strcmp(gfd_error_name(GFD_EDATA), "data") || strcmp(gfd_error_name(GFD_ENUMERIC), "numeric"); }\n' > e.c
    cc -std=c11 e.c $(pkg-config --cflags --libs gfd) -o e
    LD_LIBRARY_PATH="$PREFIX/lib" ./e
}

@test "install: make uninstall removes every file make install put there" {
    p="$BATS_TEST_TMPDIR/p2"
    make -s -C "$GFD_SRC" install PREFIX="$p" > /dev/null
    [ "$(find "$p" -type f | wc -l)" -gt 20 ]
    make -s -C "$GFD_SRC" uninstall PREFIX="$p" > /dev/null
    left=$(find "$p" -type f -o -type l)
    [ -z "$left" ] || { echo "left: $left"; return 1; }
}
