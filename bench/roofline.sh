#!/usr/bin/env bash
# make bench, first part: the roofline. Writes bench/results.md and bench/roofline.png.
# For every tool and size (N = M in 2000, 20000, 100000; d in 2, 16, 128, 1024) within the
# time budget: gfd's kernel pairs per second at -j 1 and on all cores, its peak memory
# (/usr/bin/time), and beside it, in the same run, numpy / PyTorch float32 and float64 /
# scipy / POT where they compute the same thing (bench/refs.py, on a share of the rows and
# scaled up: linearly for row-wise sums and sliced's sorts, quadratically for whole-cloud
# pair sums), with the ratio; and the machine's limits: an exp + mean-shift probe
# (bench/probe.c, d = 2) and OpenBLAS DGEMM (bench/dgemm.c), with gfd's fraction of them.
# BENCH_BUDGET (seconds, default 30): a size runs when gfd's estimated -j 1 time is below it.
# The measurements are kept in bench/roofline.tsv and bench/roofline.env;
# BENCH_REPORT_ONLY=1 writes results.md and the plot again from them; BENCH_OPS="kde kl"
# measures those ops alone.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
PY=${GFD_PYTHON:-/usr/bin/python3}
budget=${BENCH_BUDGET:-30}
out=${BENCH_OUT:-$here/bench}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=$out/roofline.tsv

# Flops per unit pair of the OpenBLAS path (d >= 4), for the roof: a distance tile is 2d,
# a mean shift over d values 2d more; drift runs 3 distance and 2 mean-shift passes per
# temperature over N (N + M) unit pairs... (21 d for its 3 temperatures), the proxy one
# temperature's worth (7 d), the metrics' blocks 2d; energy's distances are direct loops
# and sinkhorn iterates and sliced sorts (no roof: "-").
flops() {
    case $1 in
    kde | eval-mmd) echo 2 ;; kl | mmd) echo 4 ;; drift) echo 21 ;; sinkhorn-proxy) echo 7 ;; *) echo 0 ;;
    esac
}

# The measurements: the machine's limits into roofline.env, one row per (op, N, d) into
# roofline.tsv (op N d pairs t1 tn peak1 peakn, then the references' seconds: numpy torch32
# torch64 scipy pot, NA where none).
measure() {
# The bench programs, with the engine's flags (the probe includes lib/engine/vexp.h).
blas_pc="PKG_CONFIG_PATH=$(make -s -C "$here" -f Makefile print-blas-pcpath 2>/dev/null)"
blas="$(env $blas_pc pkg-config --cflags --libs openblas) -Wl,-rpath,$(env $blas_pc pkg-config --variable=libdir openblas)"
cflags="-O3 -std=c11 -D_GNU_SOURCE -fno-math-errno -fno-trapping-math -ffp-contract=fast -fopenmp -march=native -I$here/lib"
cc $cflags "$here/bench/probe.c" -o "$tmp/probe"
cc -O2 "$here/bench/dgemm.c" $blas -o "$tmp/dgemm"
cc "$here/bench/corename.c" $blas -o "$tmp/corename"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
core=$("$tmp/corename")
torch=$("$PY" -c 'import torch; print(torch.__version__)')

# Machine limits. DGEMM before (OpenBLAS's own choice, and its Prescott fallback, which
# it takes on Xeons newer than itself) and after gfd's choice (what the programs run).
probe=$("$tmp/probe" 8000 8000 2 2>/dev/null)
read -r dg1 sg1 < <(env -u OPENBLAS_CORETYPE "$tmp/dgemm" 2000 1 2>/dev/null)
read -r dgn sgn < <(env -u OPENBLAS_CORETYPE "$tmp/dgemm" 2000 "$cores" 2>/dev/null)
read -r dgp _ < <(OPENBLAS_CORETYPE=Prescott "$tmp/dgemm" 2000 1 2>/dev/null)
gfd_core=$(gfd-kde -v -b 1 -t <(echo 0,0) <(echo 0,0) -o "$tmp/x.csv" 2>&1 | sed -n 's/.*OpenBLAS kernel //p')

# command OP Y X H: the gfd command line of an op; H = sqrt(d) / 2 for standard normal
# data, so that a pair's logit is O(1) at every d.
command() {
    local op=$1 y=$2 x=$3 h=$4
    case $op in
    kde) echo "gfd-kde -b $h -t $y $x" ;;
    kl | mmd | sinkhorn-proxy) echo "gfd-velocity -b $h -f $op -t $y $x" ;;
    drift | sliced) echo "gfd-velocity -f $op -t $y $x" ;;
    eval-mmd) echo "gfd-eval -m mmd --mmd-bw $h -r $y $x" ;;
    eval-energy) echo "gfd-eval -m energy -r $y $x" ;;
    eval-sinkhorn) echo "gfd-eval -m sinkhorn -b $h -r $y $x" ;;  # eps = 2 h^2, as refs.py
    esac
}

# Pairs of an op at N = M = n (the unit of every rate), and passes over them (for the
# budget estimate): kde one pass; fields one over Y and one over X per particle; drift 5
# passes per temperature; the metrics three blocks; sliced points x projections.
pairs() {
    case $1 in
    kde | eval-sinkhorn) echo "$2 * $2" ;;
    kl | mmd | drift | sinkhorn-proxy) echo "2 * $2 * $2" ;;
    eval-mmd | eval-energy) echo "3 * $2 * $2" ;;
    sliced) echo "2 * $2 * 64" ;;
    esac
}
passes() {
    case $1 in
    drift) echo 8 ;; sinkhorn-proxy) echo 3 ;; eval-sinkhorn) echo 200 ;; *) echo 1 ;;
    esac
}
# Flops per unit pair and dimension at high d, for the estimate: flops(), and for the ops
# without a roof energy's direct loops as if 10, sliced 1, sinkhorn's ~200 passes 400.
cost() {
    case $1 in
    eval-energy) echo 10 ;; sliced) echo 1 ;; eval-sinkhorn) echo 400 ;; *) flops "$1" ;;
    esac
}
# References run on a share of the rows and are scaled up: row-wise sums (kde, kl, mmd)
# and sliced (sorts, N log N) linearly, whole-cloud pair computations quadratically.
whole() { case $1 in kde | kl | mmd) return 1 ;; *) return 0 ;; esac; }
quadratic() { case $1 in kde | kl | mmd | sliced) return 1 ;; *) return 0 ;; esac; }

# run J CMD...: "seconds peak-KiB" of one gfd run.
run() {
    local j=$1 o=$tmp/o.npy
    shift
    [ "$1" = gfd-eval ] && o=$tmp/o.txt
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" -j "$j" -o "$o" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; return 1; }
    cat "$tmp/time"
}

# ref OP LIB n H: a reference's seconds for the whole problem, scaled up from its share of rows.
ref() {
    local op=$1 lib=$2 n=$3 h=$4 rows r t used
    rows=$(( n < 1000 ? n : 1000 ))
    whole "$op" && rows=$(( n < 2000 ? n : 2000 ))
    r=$("$PY" "$here/bench/refs.py" "$op" "$lib" "$tmp/x.npy" "$tmp/y.npy" "$h" "$rows" 1 2>/dev/null) || r=NA
    [ "$r" = NA ] && { echo NA; return; }
    read -r t used <<<"$r"
    if quadratic "$op"; then awk -v t="$t" -v n="$n" -v u="$used" 'BEGIN { print t * (n / u) ^ 2 }'
    else awk -v t="$t" -v n="$n" -v u="$used" 'BEGIN { print t * n / u }'; fi
}

numpy=$("$PY" -c 'import numpy; print(numpy.__version__)')
pot=$("$PY" -c 'import ot; print(ot.__version__)')
for v in cpu cores core gfd_core torch numpy pot probe dg1 sg1 dgn sgn dgp; do
    printf '%s=%q\n' "$v" "${!v}"
done >"$out/roofline.env"
echo "CPU: $cpu, $cores cores; OpenBLAS $core; gfd runs it as $gfd_core; torch $torch" >&2
: >"$rows"
for op in ${BENCH_OPS:-kde kl mmd drift sinkhorn-proxy sliced eval-mmd eval-energy eval-sinkhorn}; do
    for n in 2000 20000 100000; do
        for d in 2 16 128 1024; do
            p=$(( $(pairs "$op" "$n") ))
            est=$(awk -v p="$p" -v d="$d" -v k="$(passes "$op")" -v f="$(cost "$op")" \
                'BEGIN { print p * (k * 2.5e-9 + d * f / 2e10) }')
            awk -v e="$est" -v b="$budget" 'BEGIN { exit !(e < b) }' || continue
            gfd-sample -n "$n" -s 1 gaussian -d "$d" -o "$tmp/y.npy"
            gfd-sample -n "$n" -s 2 gaussian -d "$d" -o "$tmp/x.npy"
            h=$(awk -v d="$d" 'BEGIN { print 0.5 * sqrt(d) }')
            cmd=$(command "$op" "$tmp/y.npy" "$tmp/x.npy" "$h")
            read -r t1 m1 < <(run 1 $cmd)
            read -r tn mn < <(run "$cores" $cmd)
            refs=""
            for lib in numpy torch32 torch64 scipy pot; do
                refs="$refs $(ref "$op" "$lib" "$n" "$h")"
            done
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n' "$op" "$n" "$d" "$p" "$t1" "$tn" "$m1" "$mn" \
                "$(tr ' ' '\t' <<<"$refs")" >>"$rows"
            echo "  $op N=$n d=$d: gfd $t1 s (-j 1), $tn s (-j $cores);$refs" >&2
        done
    done
done

}

[ "${BENCH_REPORT_ONLY:-0}" = 1 ] || measure
. "$out/roofline.env"


# results.md: the machine, its limits, then one table row per (op, N, d).
{
    echo "# gfd roofline ($(date -u +%F))"
    echo
    echo "Written by \`make bench\` (bench/roofline.sh); every figure of one run on one machine."
    [ -z "${BENCH_NOTE:-}" ] || printf '\n%s\n' "$BENCH_NOTE"
    echo
    echo "- CPU: $cpu, $cores cores; OpenBLAS kernel: $core by its own choice, $gfd_core in gfd's programs"
    echo "- PyTorch $torch on the CPU; numpy $numpy, POT $pot"
    echo "- exp + mean-shift probe (bench/probe.c, d = 2, one thread): $probe pairs/s"
    echo "- DGEMM 2000^3, one thread: $dg1 GFLOP/s ($dgp with OpenBLAS's Prescott fallback); $cores threads: $dgn GFLOP/s"
    echo "- SGEMM 2000^3: $sg1 GFLOP/s one thread, $sgn on $cores"
    echo
    echo "Rates are kernel pairs per second of gfd at -j 1 (N = M; kde N M pairs, fields N (N + M),"
    echo "metrics N^2 + M^2 + N M, sinkhorn N M per iteration, sliced points x 64 projections)."
    echo "\"x torch32\" etc.: the reference's time over gfd's, both on one thread (> 1: gfd faster);"
    echo "references run on up to 1000 rows (row-wise sums) or 2000-row sub-clouds (the rest) and"
    echo "are scaled up: linearly for row-wise sums and sliced, quadratically for whole-cloud pair"
    echo "sums (for eval-sinkhorn: as many iterations at full size as on the sub-cloud, a guess)."
    echo "\"of roof\": gfd's -j 1 rate over the probe (d = 2), or"
    echo "(d >= 16) its flops (2d per distance tile, 2d more per mean shift, per pass) over DGEMM's"
    echo "one-core rate. \"scaling\": -j 1 time over -j $cores time."
    echo
    echo "| op | N | d | gfd pairs/s (-j 1) | s (-j 1) | scaling | peak MiB | of roof | x numpy | x torch32 | x torch64 | x scipy | x POT |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    while IFS=$'\t' read -r op rest_of_row; do
        printf '%s\t%s\t%s\n' "$op" "$(flops "$op")" "$rest_of_row"
    done <"$rows" | awk -F'\t' -v probe="$probe" -v dg="$dg1" '
        function ratio(r, t) { return r == "NA" ? "-" : sprintf("%.1f", r / t) }
        {
            rate = $5 / $6
            roof = $4 <= 2 ? sprintf("%.0f%%", 100 * rate / probe) : $2 == 0 ? "-" \
                 : sprintf("%.0f%%", 100 * rate * $2 * $4 / (dg * 1e9))
            printf "| %s | %d | %d | %.3g | %.2f | %.2fx | %.0f | %s | %s | %s | %s | %s | %s |\n",
                $1, $3, $4, rate, $6, $6 / $7, ($8 > $9 ? $8 : $9) / 1024, roof,
                ratio($10, $6), ratio($11, $6), ratio($12, $6), ratio($13, $6), ratio($14, $6)
        }' 
} >"$out/results.md"

# roofline.png: gfd-kde and the kl field against d (N = 2000 and 20000), torch's kl at
# N = 20000 in the same units, and the roof min(probe, DGEMM / 2d).
awk -F'\t' '$1 == "kde" || $1 == "kl" { print $1, $2, $3, $4 / $5, ($10 == "NA" ? "NaN" : $4 / $10), ($11 == "NA" ? "NaN" : $4 / $11) }' \
    "$rows" >"$tmp/plot.dat"
gnuplot <<EOF
set terminal pngcairo size 900,600
set output "$out/roofline.png"
set logscale xy
set xlabel "dimension d"
set ylabel "kernel pairs per second, one thread"
set title "gfd on $cpu (OpenBLAS $gfd_core)"
set key outside right
set xrange [1.5:1400]
roof(d) = $dg1 * 1e9 / (2 * d) < $probe ? $dg1 * 1e9 / (2 * d) : $probe
plot roof(x) w l dt 2 lc rgb "black" t "roof: min(probe, DGEMM / 2d)", \
     "$tmp/plot.dat" u (strcol(1) eq "kde" && \$2 == 2000 ? \$3 : NaN):4 w lp pt 7 t "gfd-kde N=2000", \
     "" u (strcol(1) eq "kde" && \$2 == 20000 ? \$3 : NaN):4 w lp pt 7 t "gfd-kde N=20000", \
     "" u (strcol(1) eq "kl" && \$2 == 2000 ? \$3 : NaN):4 w lp pt 5 t "gfd kl N=2000", \
     "" u (strcol(1) eq "kl" && \$2 == 20000 ? \$3 : NaN):4 w lp pt 5 t "gfd kl N=20000", \
     "" u (strcol(1) eq "kl" && \$2 == 20000 ? \$3 : NaN):5 w lp pt 4 t "torch f32 kl N=20000", \
     "" u (strcol(1) eq "kl" && \$2 == 20000 ? \$3 : NaN):6 w lp pt 6 t "torch f64 kl N=20000"
EOF
cat "$out/results.md"
