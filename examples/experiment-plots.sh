#!/usr/bin/env bash
# gnuplot PNGs of examples/experiment.sh's outputs in DIR: for each dataset the final
# particles of every field side by side (DIR/DATASET-particles.png) and metric-vs-step
# curves from the flow logs (DIR/DATASET-curves.png).
set -euo pipefail
PATH="$(cd "$(dirname "$0")/.." && pwd)/bin:$PATH"
cd "$1"
fields=${FIELDS:-"kl rkl chi2 rkl:0.5,chi2:0.5 mmd drift sinkhorn-proxy sliced"}
datasets=${DATASETS:-"8gaussians 25gaussians checkerboard"}
label() { echo "$1" | tr ':,' '-_'; }

for ds in $datasets; do
    r=4.5; [ "$ds" = 25gaussians ] && r=2
    {
        echo 'set terminal pngcairo size 1600,860 font ",10"'
        echo "set output '$ds-particles.png'"
        echo 'set datafile separator ","'
        echo "set multiplot layout 2,4 title '$ds: final particles (blue) over the data (grey)'"
        echo "set size ratio -1; unset key; set xrange [-$r:$r]; set yrange [-$r:$r]"
        for f in $fields; do
            echo "set title '$f'"
            echo "plot '< gfd-sample -n 4000 -s 1 $ds' using 1:2 with dots lc rgb '#aaaaaa', \\"
            echo "     '$ds-$(label "$f").csv' using 1:2 with dots lc rgb '#1f4e79'"
        done
        echo 'unset multiplot'
    } | gnuplot

    {
        echo 'set terminal pngcairo size 1200,480 font ",10"'
        echo "set output '$ds-curves.png'"
        echo 'set datafile separator ","'
        echo 'set key outside right; set xlabel "step"'
        echo "set multiplot layout 1,2 title '$ds: metrics during the flow'"
        echo "set logscale y; set title 'sliced W2 to the data'"
        printf "plot "
        for f in $fields; do printf "'%s' using 'step':'sw2' with lines title '%s', " "$ds-$(label "$f").log.csv" "$f"; done
        echo
        echo "unset logscale y; set title 'precision (prdc)'"
        printf "plot "
        for f in $fields; do printf "'%s' using 'step':'precision' with lines title '%s', " "$ds-$(label "$f").log.csv" "$f"; done
        echo
        echo 'unset multiplot'
    } | gnuplot
done
