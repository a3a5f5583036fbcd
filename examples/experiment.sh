#!/usr/bin/env bash
# The collapse / blur experiment (Cao et al.; arXiv:2605.05118): from a standard Gaussian,
# flow toward 8gaussians, 25gaussians and checkerboard with each field for a fixed number
# of steps, then one gfd-eval table of all runs and gnuplot PNGs of the final particles and
# of metric-vs-step curves. Writes into $OUT (default out/experiment).
# N particles (= targets), STEPS steps; defaults N=4000, STEPS=200.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PATH="$here/bin:$PATH"
out=${OUT:-$here/out/experiment}
n=${N:-4000}
steps=${STEPS:-200}
datasets=${DATASETS:-"8gaussians 25gaussians checkerboard"}
fields=${FIELDS:-"kl rkl chi2 rkl:0.5,chi2:0.5 mmd drift sinkhorn-proxy sliced"}
mkdir -p "$out"
cd "$out"

label() { echo "$1" | tr ':,' '-_'; }   # a field spec as a file name
modes_of() { case $1 in 8gaussians|25gaussians) echo "--dataset $1" ;; *) echo "" ;; esac; }
metrics_of() { case $1 in 8gaussians|25gaussians) echo "coverage,prdc,sw2,mmd" ;; *) echo "prdc,sw2,mmd" ;; esac; }

start=$(date +%s)
gfd-sample -n "$n" -s 2 gaussian -d 2 -o start.npy
for ds in $datasets; do
    gfd-sample -n "$n" -s 1 "$ds" -o "$ds.npy"
    for f in $fields; do
        l=$(label "$f")
        echo "experiment: $ds, $f"
        # shellcheck disable=SC2046
        gfd-flow -t "$ds.npy" -f "$f" -T "$steps" --every $((steps / 20)) --no-progress \
            --log "$ds-$l.log.csv" --metrics "$(metrics_of "$ds")" $(modes_of "$ds") \
            start.npy -o "$ds-$l.csv"
    done
    # shellcheck disable=SC2046
    gfd-eval -r "$ds.npy" --metrics "$(metrics_of "$ds")" $(modes_of "$ds") --csv \
        $(for f in $fields; do echo "$ds-$(label "$f").csv"; done) > "$ds.eval.csv"
    gfd-eval -r "$ds.npy" --metrics "$(metrics_of "$ds")" $(modes_of "$ds") \
        $(for f in $fields; do echo "$ds-$(label "$f").csv"; done) | tee "$ds.eval.txt"
done
echo "experiment: $(( $(date +%s) - start )) s for n = $n, $steps steps"
"$here/examples/experiment-plots.sh" "$out"
