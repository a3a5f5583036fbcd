#!/usr/bin/env bash
# The MPI variants (make mpi; gfd(7) RUNNING UNDER MPI): one flow of kl from a Gaussian
# toward 8gaussians, run plain and on RANKS ranks (default 2) of one thread each; the two
# outputs are the same bytes, and the times are printed. Writes into $OUT (default
# out/mpi). N points (default 20000), STEPS (default 5).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
out=${OUT:-$here/out/mpi}
n=${N:-20000}
steps=${STEPS:-5}
ranks=${RANKS:-2}
[ -x "$here/bin/gfd-flow-mpi" ] || make -C "$here" -s mpi
mkdir -p "$out"
cd "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI and containers run as root

gfd-sample -n "$n" 8gaussians -s 1 -o y.npy
gfd-sample -n "$n" gaussian -d 2 -s 2 -o x.npy
seconds() { local t0; t0=$(date +%s.%N); "$@"; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
t1=$(seconds gfd-flow -j 1 -t y.npy -f kl -T "$steps" x.npy -o plain.npy)
tp=$(seconds mpirun -q --oversubscribe -n "$ranks" gfd-flow-mpi -j 1 -t y.npy -f kl -T "$steps" x.npy -o ranks.npy)
cmp plain.npy ranks.npy
echo "N = M = $n, $steps steps of kl: plain on 1 thread $t1 s, $ranks ranks of 1 thread $tp s; the same bytes"
