#!/usr/bin/env bash
# make bench, after bench/run: gfd-train's steps per second against the same training in
# PyTorch on the CPU (bench/train_torch.py), on Deng et al.'s toy set-up: MLP
# 32 -> 256x3 -> 2 (SiLU), Adam lr 1e-3, 2048 generated + 2048 data rows per step, field
# drift --preset toy, data gfd-sample -n 20000 -s 1 checkerboard. Both skip 5 warm-up
# steps and time the next $BENCH_TRAIN_STEPS (default 30): gfd's from its --log CSV (the
# time column at the last step minus at step 5). gfd computes in double, so gfd/f64 is
# the like-for-like ratio. About a minute on 2 idle cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
PY=${GFD_PYTHON:-/usr/bin/python3}
steps=${BENCH_TRAIN_STEPS:-30}
warm=5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c 'import torch' 2>/dev/null ||
    { echo "bench/train.sh: PyTorch missing for $PY (run 'make bench-deps' as root)" >&2; exit 1; }
blas_pc="PKG_CONFIG_PATH=$(make -s -C "$here" -f Makefile print-blas-pcpath 2>/dev/null)"
cc "$here/bench/corename.c" $(env $blas_pc pkg-config --cflags --libs openblas) \
   -Wl,-rpath,"$(env $blas_pc pkg-config --variable=libdir openblas)" -o "$tmp/corename"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "CPU: ${cpu:-unknown}, $(nproc) cores; OpenBLAS core: $("$tmp/corename")"
echo "torch $("$PY" -c 'import torch; print(torch.__version__)')"

gfd-sample -n 20000 -s 1 checkerboard -o "$tmp/y.npy"

# gfd_rate J: steps/s of gfd-train -j J over steps warm+1 .. warm+steps.
gfd_rate() {
    gfd-train -j "$1" -T $((warm + steps)) -f drift --preset toy -t "$tmp/y.npy" \
        -o "$tmp/model.gfd" --log "$tmp/log.csv" --no-progress -q
    awk -F, -v w="$warm" -v n="$steps" '
        $1 == w { t0 = $2 } $1 == w + n { t1 = $2 }
        END { if (t1 > t0) printf "%.4g", n / (t1 - t0); else exit 1 }' "$tmp/log.csv"
}
# torch_rate DTYPE THREADS: the steps/s that bench/train_torch.py prints.
torch_rate() {
    "$PY" "$here/bench/train_torch.py" --steps "$steps" --threads "$2" --dtype "$1" \
        --data "$tmp/y.npy" | sed -n 's/^torch .* steps\/s=//p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

echo
echo "gfd-train vs PyTorch, drift --preset toy, 2048 + 2048 per step, $steps steps timed (steps/s)"
printf '%-8s %10s %10s %10s %9s %9s\n' "threads" "gfd" "torch f32" "torch f64" "gfd/f32" "gfd/f64"
for j in 1 2; do
    g=$(gfd_rate "$j")
    t32=$(torch_rate float32 "$j")
    t64=$(torch_rate float64 "$j")
    printf '%-8s %10s %10s %10s %9s %9s\n' "$j" "$g" "$t32" "$t64" "$(ratio "$g" "$t32")" "$(ratio "$g" "$t64")"
done
