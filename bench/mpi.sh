#!/usr/bin/env bash
# MPI scaling on this machine (docs/SCALING.md): the seconds per step of gfd-flow -f kl as
# ranks x threads vary, at N = M = $MPI_N2 (default 40000) for d = 2 and $MPI_N64 (default
# 20000) for d = 64 ($MPI_DIMS, default "2 64", picks the dimensions; $MPI_CONFIGS, default
# "0:2 1:1 2:1 1:2", the RANKS:THREADS beyond the plain one-thread run, RANKS 0 the plain
# program). A step's time is that of a -T 2 run less a -T 1 run (start-up, reading
# and the first bandwidth cancel), the best of $MPI_REPS (default 2) tries. Prints the CPU,
# the OpenBLAS kernel and a markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reps=${MPI_REPS:-2}
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
gfd-sample -n 10 gaussian -o "$tmp/t.npy"
echo "openblas: $(gfd-kde -v -t "$tmp/t.npy" "$tmp/t.npy" 2>&1 >/dev/null | sed -n 's/.*OpenBLAS kernel //p')"

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'; }

# step_time RANKS THREADS D: seconds of one step, kl, N = M = n.
step_time() {
    local p=$1 j=$2 d=$3 t1 t2 run
    run=(gfd-flow -j "$j")
    [ "$p" -eq 0 ] || run=(mpirun -q -n "$p" --bind-to none gfd-flow-mpi -j "$j")
    local best=
    for _ in $(seq "$reps"); do
        t1=$(seconds "${run[@]}" -t "$tmp/y$d.npy" -f kl -T 1 -q "$tmp/x$d.npy" -o "$tmp/o.npy")
        t2=$(seconds "${run[@]}" -t "$tmp/y$d.npy" -f kl -T 2 -q "$tmp/x$d.npy" -o "$tmp/o.npy")
        best=$(awk -v a="$t1" -v b="$t2" -v m="$best" 'BEGIN { t = b - a; printf "%.2f", m == "" || t < m ? t : m }')
    done
    echo "$best"
}

echo
echo "| d | N = M | program | ranks x threads | s / step | speed-up | efficiency |"
echo "|---|---|---|---|---|---|---|"
for d in ${MPI_DIMS:-2 64}; do
    n=$([ "$d" -eq 2 ] && echo "${MPI_N2:-40000}" || echo "${MPI_N64:-20000}")
    gfd-sample -n "$n" gaussian -d "$d" -s 1 -o "$tmp/y$d.npy"
    gfd-sample -n "$n" gaussian -d "$d" -s 2 -o "$tmp/x$d.npy"
    base=$(step_time 0 1 "$d")
    echo "| $d | $n | gfd-flow | 1 x 1 | $base | 1 | 100% |"
    for cfg in ${MPI_CONFIGS:-0:2 1:1 2:1 1:2}; do
        set -- ${cfg/:/ }
        t=$(step_time "$1" "$2" "$d")
        cores=$(( ($1 > 0 ? $1 : 1) * $2 ))
        prog=$([ "$1" -eq 0 ] && echo gfd-flow || echo gfd-flow-mpi)
        awk -v b="$base" -v t="$t" -v c="$cores" -v p="$prog" -v r="$([ "$1" -eq 0 ] && echo 1 || echo "$1")" \
            -v j="$2" -v d="$d" -v n="$n" \
            'BEGIN { printf "| %s | %s | %s | %s x %s | %.2f | %.2f | %.0f%% |\n", d, n, p, r, j, t, b / t, 100 * b / t / c }'
    done
done
