# Shared by the study's experiments (sourced): paths, the job runner, data sets and the
# helpers that turn result rows into markdown. An experiment writes docs/results/NAME.md
# and its PNGs; with --mini (the tests) a miniature of it into $STUDY_OUT.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STUDY=$ROOT/examples/study
PATH="$ROOT/bin:$STUDY:$PATH"
MINI=0
[ "${1:-}" = --mini ] && MINI=1
OUT=${STUDY_OUT:-$ROOT/docs/results}
JOBS=${STUDY_JOBS:-2}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gfd-study.XXXXXX")
export WORK
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$WORK/res" "$WORK/log" "$WORK/out" "$WORK/data"
STARTED=$(date +%s)

# run_jobs FILE: every line of FILE a command, JOBS at a time; fails when one did.
run_jobs() {
    tr '\n' '\0' < "$1" | xargs -0 -P "$JOBS" -n 1 bash -c ||
        { echo "$(basename "$0"): a run failed (above)" >&2; return 1; }
}

# result ID: the row "ID,values..." of a finished run; column ID K: its K-th value.
result() { cat "$WORK/res/$1.csv"; }
column() { cut -d, -f$(($2 + 1)) "$WORK/res/$1.csv"; }

# The first-call floor share of a drift run, from its -v messages (- when not reported).
floor_share() {
    sed -n 's/.*the floor [^ ]* set \([0-9.]*\)%.*/\1/p' "$WORK/log/$1.txt" | head -1 | grep . || echo -
}

# elapsed: seconds since the experiment started.
elapsed() { echo $(($(date +%s) - STARTED)); }

# fmt X [DIGITS]: a number for a table (3 significant digits).
fmt() { awk -v x="$1" -v d="${2:-3}" 'BEGIN { if (x == "-" || x == "") print "-"; else printf "%.*g\n", d, x }'; }

# Data sets the built-in sampler does not have, arXiv:2603.12366's toy geometry:
# ring8 N SEED: 8 Gaussians of radius 2 and std 0.08 (modes balanced, in turn);
# checker4 N SEED: the checkerboard of 4 x 4 tiles on [-2, 2]^2 (the 8 tiles with even
# i + j), noise 0.05.
ring8() {
    gfd-sample -n "$1" -s "$2" gaussian | awk -F, -v OFS=, '{ a = (NR % 8) * atan2(0, -1) / 4
        printf "%.17g,%.17g\n", 2 * cos(a) + 0.08 * $1, 2 * sin(a) + 0.08 * $2 }'
}
ring8_modes() {
    awk 'BEGIN { for (k = 0; k < 8; k++) { a = k * atan2(0, -1) / 4
        printf "%.17g,%.17g,0.08\n", 2 * cos(a), 2 * sin(a) } }'
}
checker4() {
    paste -d, <(gfd-sample -n "$1" -s "$2" uniform) <(gfd-sample -n "$1" -s $(($2 + 7919)) gaussian) |
        awk -F, '{ u = ($1 + 1) * 2; v = ($2 + 1) * 2    # uniform on [0, 4)^2
            i = int(u); j = int(v)
            if ((i + j) % 2) v += (j == 3 ? -3 : 1)      # an odd cell to the even one above
            printf "%.17g,%.17g\n", u - 2 + 0.05 * $3, v - 2 + 0.05 * $4 }'
}
# sinkhorn_drift_field KIND EPS: arXiv:2603.12366's fields (one-sided, two-sided, sinkhorn)
# as gfd options at their eps: their kernel exp(-|x-y|^2/eps) is gfd's --eps eps/2.
sinkhorn_drift_field() {
    local e
    e=$(awk -v e="$2" 'BEGIN { printf "%.17g\n", e / 2 }')
    case $1 in
    one-sided) echo "-f sinkhorn-proxy --coupling one-sided --exclude-self --eps $e" ;;
    two-sided) echo "-f sinkhorn-proxy --no-cross-weight --exclude-self --eps $e" ;;
    sinkhorn) echo "-f sinkhorn --iters 20 --tol 0 --rows-first --eps $e" ;;
    esac
}
# a small blob: S N(0, I) + (CX, CY), N points.
blob() { gfd-sample -n "$1" -s "$2" gaussian | awk -F, -v s="$3" -v cx="${4:-0}" -v cy="${5:-0}" \
    '{ printf "%.17g,%.17g\n", cx + s * $1, cy + s * $2 }'; }

# mode_mass FILE MODES: the fraction of the rows of FILE within 3 sigma of each mode of
# MODES (rows cx,cy,sigma), nearest mode first, then the fraction near none; one line.
mode_mass() {
    awk -F, 'BEGIN { m = 0 } NR == FNR { cx[m] = $1; cy[m] = $2; s[m++] = $3; next }
        { best = -1; for (k = 0; k < m; k++) { d = ($1 - cx[k]) ^ 2 + ($2 - cy[k]) ^ 2
              if (best < 0 || d < bd) { best = k; bd = d } }
          if (bd <= 9 * s[best] ^ 2) c[best]++; else off++; n++ }
        END { for (k = 0; k < m; k++) printf "%.3f ", c[k] / n; printf "%.3f\n", off / n }' "$2" "$1"
}

# plot_clouds PNG TITLE COLS REF LABEL=FILE...: final particles (dots) over the targets REF
# (grey), one panel per LABEL=FILE, COLS panels a row.
plot_clouds() {
    local png=$1 title=$2 cols=$3 ref=$4
    shift 4
    local n=$# rows=$(( ($# + cols - 1) / cols )) script="$WORK/plot.$$.gp"
    {
        echo "set terminal pngcairo size $((cols * 320)),$((rows * 320 + 30)) font ',9'"
        echo "set output '$png'"
        echo "set datafile separator ','"
        echo "set multiplot layout $rows,$cols title '$title'"
        echo "unset key; set size ratio -1; set tics font ',7'"
        for lf in "$@"; do
            echo "set title '${lf%%=*}'"
            echo "plot '$ref' using 1:2 with dots lc rgb '#bbbbbb', '${lf#*=}' using 1:2 with points pt 7 ps 0.15 lc rgb '#1f5fbf'"
        done
        echo "unset multiplot"
    } > "$script"
    gnuplot "$script"
}
