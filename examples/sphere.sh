#!/usr/bin/env bash
# Flows on the hypersphere (MATH §4): from the uniform distribution to a mixture of 4 vMF
# modes (kappa 50), on S^2 with a 3-D gnuplot picture and on S^15 with gfd-eval numbers;
# and the same mixture flowed in R^d then projected, against flowed on the sphere. The kernel
# fields keep the mass each basin caught at the start; sliced, over great circles, moves it.
# Writes into $OUT (default out/sphere). N points (default 800), STEPS (default 300).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
out=${OUT:-$here/out/sphere}
n=${N:-800}
steps=${STEPS:-300}
mkdir -p "$out"
cd "$out"

# Coverage counts a point within 3 sigma (geodesic, radians) of its nearest centre. The
# modes file of --centers has sigma = 1/sqrt(kappa), the spread along one tangent
# direction; in d - 1 of them a mode's typical angular radius is sqrt((d-1)/kappa), so the
# modes are rewritten with sigma = (2/3) sqrt(d-1) / sqrt(kappa): 3 sigma at twice that.
# The metrics are gfd-eval --sphere's: geodesic coverage and w2, spherical sliced sw2
# (in turns), vMF-kernel mmd.
to_modes() { awk -F, '{ for (i = 1; i < NF; i++) printf "%s,", $i;
                        printf "%.17g\n", 2 / 3 * sqrt(NF - 2) * $NF }'; }

for d in 3 16; do
    gfd-sphere sample vmf-mixture -d $d --modes 4 --kappa 50 -n "$n" -s 1 -o "data$d.csv"
    gfd-sphere sample vmf-mixture -d $d --modes 4 --kappa 50 -s 1 --centers | to_modes > "modes$d.csv"
    # another draw of the data around the same centres: the row to beat
    gfd-sphere sample vmf-mixture -d $d --modes 4 --kappa 50 -s 1 --centers | cut -d, -f1-$d > "centres$d.csv"
    gfd-sphere sample vmf-mixture -d $d --kappa 50 -n "$n" -s 3 --centers-in "centres$d.csv" -o "redraw$d.csv"
    gfd-sphere sample uniform -d $d -n "$n" -s 2 -o "start$d.csv"
    for f in kl rkl:0.5,chi2:0.5 sliced; do
        l=$(echo "$f" | tr ':,' '-_')
        gfd-flow --sphere -t "data$d.csv" -f "$f" -T "$steps" --no-progress "start$d.csv" -o "sphere$d-$l.csv"
        # the same flow in R^d, projected onto the sphere at the end
        gfd-flow -t "data$d.csv" -f "$f" -T "$steps" --no-progress "start$d.csv" | gfd-sphere project -o "flat$d-$l.csv"
    done
    echo "S^$((d - 1)): N = $n, $steps steps, 4 vMF modes (kappa 50); coverage: 3 sigma = twice a mode's angular radius"
    gfd-eval --sphere -r "data$d.csv" --modes "modes$d.csv" --metrics coverage,w2,sw2,mmd \
        "redraw$d.csv" "start$d.csv" sphere$d-*.csv flat$d-*.csv | tee "eval$d.txt"
done

gnuplot <<'GP'
set terminal pngcairo size 1200,1100 font ",10"
set output "sphere-s2.png"
set datafile separator ","
set multiplot layout 2,2 title "S^2: uniform start -> 4 vMF modes (kappa 50), data in grey"
set view equal xyz; set view 60, 30; unset key; unset border; unset tics
set xrange [-1:1]; set yrange [-1:1]; set zrange [-1:1]; set xyplane 0
set parametric; set urange [0:2*pi]; set vrange [-pi/2:pi/2]; set isosamples 19,11
ball = "cos(u)*cos(v), sin(u)*cos(v), sin(v) with lines lc rgb '#e6e6e6'"
set title "start (uniform)"
splot @ball, "data3.csv" with points pt 7 ps 0.25 lc rgb "#bbbbbb", "start3.csv" with points pt 7 ps 0.3 lc rgb "#1f4e79"
set title "kl on the sphere"
splot @ball, "data3.csv" with points pt 7 ps 0.25 lc rgb "#bbbbbb", "sphere3-kl.csv" with points pt 7 ps 0.3 lc rgb "#1f4e79"
set title "rkl:0.5,chi2:0.5 on the sphere"
splot @ball, "data3.csv" with points pt 7 ps 0.25 lc rgb "#bbbbbb", "sphere3-rkl-0.5_chi2-0.5.csv" with points pt 7 ps 0.3 lc rgb "#1f4e79"
set title "sliced on great circles"
splot @ball, "data3.csv" with points pt 7 ps 0.25 lc rgb "#bbbbbb", "sphere3-sliced.csv" with points pt 7 ps 0.3 lc rgb "#1f4e79"
unset multiplot
GP
echo "sphere: wrote $out/sphere-s2.png"
