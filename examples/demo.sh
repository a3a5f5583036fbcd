#!/usr/bin/env bash
# The main job: sample a built-in dataset, evaluate its KDE log-density on a grid, and
# plot density and samples with gnuplot. Writes out/demo-kde.png (and its data).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
out=${OUT:-$here/out}
mkdir -p "$out"
cd "$out"

gfd-sample -n 4000 -s 1 8gaussians -o data.csv
h=$(printf %.3g "$(gfd-kde -t data.csv --print-bandwidth)")
echo "demo: 4000 points of 8gaussians, scott bandwidth h = $h"

# a 200 x 200 grid over [-4, 4]^2, one query point per row
awk 'BEGIN { for (i = 0; i < 200; i++) for (j = 0; j < 200; j++)
             printf "%.6f,%.6f\n", -4 + 8 * i / 199, -4 + 8 * j / 199 }' > grid.csv
gfd-kde -t data.csv grid.csv -o logp.csv
paste -d, grid.csv logp.csv > density.csv

gnuplot <<GP
set terminal pngcairo size 1000,480 font ",10"
set output "demo-kde.png"
set datafile separator ","
set multiplot layout 1,2 title "gfd: 8gaussians, Gaussian KDE, h = $h"
set size ratio -1
set xrange [-4:4]; set yrange [-4:4]
set title "samples (n = 4000)"
plot "data.csv" using 1:2 with dots lc rgb "#1f4e79" notitle
set title "log p_h on a 200 x 200 grid"
set cbrange [-9:-1]
set palette defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")
plot "density.csv" using 1:2:3 with image notitle
unset multiplot
GP
echo "demo: wrote $out/demo-kde.png"
