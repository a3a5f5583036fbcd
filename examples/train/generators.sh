#!/usr/bin/env bash
# One-step generators trained by gfd-train, with the papers' settings, written to
# docs/results/g-generators.md and g-*.png:
#   1. Deng et al.'s toy demo: checkerboard in [-1, 1]^2 (noise 0.05) and the Swiss roll
#      scaled to max-abs 1 (noise 0.03); MLP 32 -> 256x3 -> 2, Adam 1e-3, 2048 + 2048 per
#      step, drift --preset toy (Laplace, tau 0.05, no floor, no normalisation).
#   2. arXiv:2603.12366's toy study: 8 Gaussians (radius 2, std 0.08) and the 4 x 4
#      checkerboard on [-2, 2]^2 (noise 0.05); residual MLP (width 256, 6 blocks, noise 16,
#      residual scale 0.9, output std 0.001), AdamW 2e-4, 1024 + 1024 per step; one-sided,
#      two-sided and Sinkhorn (20 iterations) at eps 0.01, 0.05, 0.1; exact W2^2 on 1000 vs
#      1000 fresh samples.
#   3. Cao et al.'s Algorithm 1: the MLP generator with kl, rkl, chi2, rkl:0.5,chi2:0.5 and
#      mmd on 8gaussians and 25gaussians; modes, precision/recall, W2.
# The papers' step counts (2000, 5000) do not fit this machine's budget for every run: the
# knobs below scale them, and the page says what was run.
# DENG_STEPS (2000), TOY_STEPS (5000), TOY_WIDTH (256), TOY_BLOCKS (6), TOY_SEEDS (42 43 44
# 45 46), TOY_EPS (0.01 0.05 0.1), TOY_DATA (ring8 checker4), CAO_STEPS (2000); runs go
# side by side (each gfd-train -j 1): STUDY_JOBS, default 2.
source "$(dirname "$0")/../study/common.sh"
DENG_STEPS=${DENG_STEPS:-2000} CAO_STEPS=${CAO_STEPS:-2000}
TOY_STEPS=${TOY_STEPS:-5000} TOY_WIDTH=${TOY_WIDTH:-256} TOY_BLOCKS=${TOY_BLOCKS:-6}
TOY_SEEDS=${TOY_SEEDS:-42 43 44 45 46} TOY_EPS=${TOY_EPS:-0.01 0.05 0.1}
TOY_DATA=${TOY_DATA:-ring8 checker4}
d=$WORK/data

# Deng's data: checker1 N SEED, the 4 x 4 checkerboard on [-1, 1]^2 with noise 0.05 (checker4
# halved has noise 0.025; 0.0433 more makes sqrt(0.025^2 + 0.0433^2) = 0.05);
# swiss1 N SEED, the Swiss roll t (cos t, sin t), t = 1.5 pi (1 + 2u), over its max-abs
# 4.5 pi, with noise 0.03.
checker1() { checker4 "$1" "$2" | awk -F, '{ printf "%.17g,%.17g\n", $1 / 2, $2 / 2 }' |
    paste -d, - <(gfd-sample -n "$1" -s $(($2 + 31)) gaussian) |
    awk -F, '{ printf "%.17g,%.17g\n", $1 + 0.0433 * $3, $2 + 0.0433 * $4 }'; }
swiss1() {
    paste -d, <(gfd-sample -n "$1" -s "$2" uniform -d 1) <(gfd-sample -n "$1" -s $(($2 + 31)) gaussian) |
        awk -F, '{ pi = atan2(0, -1); t = 1.5 * pi * (1 + 2 * ($1 + 1) / 2)
            printf "%.17g,%.17g\n", t * cos(t) / (4.5 * pi) + 0.03 * $2, t * sin(t) / (4.5 * pi) + 0.03 * $3 }'
}

# train ID DATA REF STEPS EVAL-OPTS OPTIONS...: one model, its samples from 1000 (or REF's
# rows) noise rows of seed 1, and gfd-eval's row against REF into $WORK/res/ID.csv.
cat > "$WORK/train-eval" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
id=$1 data=$2 ref=$3 steps=$4 eval_opts=$5
shift 5
n=$(wc -l < "$ref")
gfd-train -j 1 -q --no-progress -t "$data" -T "$steps" "$@" --log "$WORK/log/$id.log.csv" \
    -o "$WORK/out/$id.gfdm" 2> "$WORK/log/$id.txt" || { echo "train $id: $(tail -1 "$WORK/log/$id.txt")" >&2; exit 1; }
gfd-generate -j 1 -m "$WORK/out/$id.gfdm" -n "$n" -s 1 -o "$WORK/out/$id.csv"
# shellcheck disable=SC2086
gfd-eval -j 1 --csv $eval_opts -r "$ref" "$WORK/out/$id.csv" | tail -1 | sed "s|^[^,]*,|$id,|" > "$WORK/res/$id.csv"
EOF
chmod +x "$WORK/train-eval"
jobs=$WORK/jobs
: > "$jobs"

deng="--hidden 256,256,256 --zdim 32 --lr 1e-3 --gen-batch 2048 --data-batch 2048 -f drift --preset toy"
checker1 20000 1 > "$d/checker1.csv"; checker1 1000 2 > "$d/checker1-ref.csv"
swiss1 20000 1 > "$d/swiss1.csv"; swiss1 1000 2 > "$d/swiss1-ref.csv"
for ds in checker1 swiss1; do
    echo "$WORK/train-eval deng-$ds $d/$ds.csv $d/$ds-ref.csv $DENG_STEPS '-m w2,sw2' $deng" >> "$jobs"
done

toy="--net resmlp --width $TOY_WIDTH --blocks $TOY_BLOCKS --zdim 16 --res-scale 0.9 --out-std 0.001"
toy="$toy --optimizer adamw --lr 2e-4 --gen-batch 1024 --data-batch 1024"
toy="$toy --eval-every $((TOY_STEPS / 20 > 0 ? TOY_STEPS / 20 : 1)) --holdout 1000 --eval-metrics w2"
for ds in $TOY_DATA; do
    "$ds" 20000 1 > "$d/$ds.csv"; "$ds" 1000 2 > "$d/$ds-ref.csv"
    for s in $TOY_SEEDS; do for k in one-sided two-sided sinkhorn; do for e in $TOY_EPS; do
        echo "$WORK/train-eval toy-$ds-$k-$e-$s $d/$ds.csv $d/$ds-ref.csv $TOY_STEPS '-m w2' $toy -s $s $(sinkhorn_drift_field $k $e)" >> "$jobs"
    done; done; done
done

cao="--hidden 256,256,256 --zdim 32 --lr 1e-3 --gen-batch 1024 --data-batch 1024"
cao_fields="kl rkl chi2 rkl:0.5,chi2:0.5 mmd"
for ds in 8gaussians 25gaussians; do
    gfd-sample -n 20000 -s 1 "$ds" -o "$d/$ds.csv"; gfd-sample -n 1000 -s 2 "$ds" -o "$d/$ds-ref.csv"
    for f in $cao_fields; do
        echo "$WORK/train-eval cao-$ds-${f//[:,]/_} $d/$ds.csv $d/$ds-ref.csv $CAO_STEPS '--dataset $ds -m w2,coverage,prdc' $cao -f $f" >> "$jobs"
    done
done
run_jobs "$jobs"

w2sq() { awk -F, '{ printf "%.4g\n", $2 * $2 }' "$WORK/res/$1.csv"; }
# mean ± sd of W2^2 over the seeds
toy_cell() {
    for s in $TOY_SEEDS; do w2sq "toy-$1-$2-$3-$s"; done |
        awk '{ s += $1; q += $1 * $1; n++ } END { m = s / n; v = q / n - m * m
             printf "%.3g ± %.2g\n", m, sqrt(v > 0 ? v : 0) }'
}
md=$OUT/g-generators.md
{
    echo "# g. One-step generators (gfd-train), the papers' set-ups"
    echo
    echo "Generated by \`examples/train/generators.sh\` ($(elapsed) s on $(nproc) cores, $(date -u +%Y-%m-%d))."
    echo "Each model is sampled at 1000 rows of fixed noise and scored against 1000 fresh data rows."
    echo
    echo "## 1. Deng et al.'s toy demo ($DENG_STEPS steps)"
    echo
    echo "MLP 32 -> 256x3 -> 2 (SiLU), Adam 1e-3, 2048 generated + 2048 data per step, \`-f drift --preset toy\`."
    echo
    echo "| data | W2 | sw2 |"
    echo "| --- | ---: | ---: |"
    for ds in checker1 swiss1; do
        echo "| $ds | $(fmt "$(column deng-$ds 1)") | $(fmt "$(column deng-$ds 2)") |"
    done
    echo
    echo "![Deng's toy demo: samples](g-deng.png)"
    echo
    echo "## 2. arXiv:2603.12366's toy study ($TOY_STEPS steps, width $TOY_WIDTH, $TOY_BLOCKS blocks)"
    echo
    echo "Residual MLP (noise 16, residual scale 0.9, output std 0.001), AdamW 2e-4, 1024 + 1024."
    echo "Final exact W2^2, mean ± sd over seeds $TOY_SEEDS."
    for ds in $TOY_DATA; do
        echo
        echo "### $ds"
        echo
        printf '| field |'; for e in $TOY_EPS; do printf ' eps = %s |' "$e"; done; echo
        printf '| --- |'; for e in $TOY_EPS; do printf ' ---: |'; done; echo
        for k in one-sided two-sided sinkhorn; do
            printf '| %s |' "$k"
            for e in $TOY_EPS; do printf ' %s |' "$(toy_cell "$ds" "$k" "$e")"; done
            echo
        done
    done
    echo
    echo "![held-out W2^2 against steps](g-toy.png)"
    echo
    echo "![samples](g-toy-samples.png)"
    echo
    echo "## 3. Cao et al.'s Algorithm 1 ($CAO_STEPS steps)"
    echo
    echo "MLP 32 -> 256x3 -> 2, Adam 1e-3, 1024 + 1024 per step, default bandwidth and eta (0.5 h^2)."
    echo "Cells: modes covered · high-quality share · precision · recall · W2."
    echo
    echo "| field | 8gaussians | 25gaussians |"
    echo "| --- | --- | --- |"
    for f in $cao_fields; do
        printf '| %s |' "$f"
        for ds in 8gaussians 25gaussians; do
            id=cao-$ds-${f//[:,]/_}
            # columns: w2, hq, modes, mode_kl, precision, recall, density, coverage
            printf ' %s · %s · %s · %s · %s |' "$(column $id 3)" "$(fmt "$(column $id 2)" 2)" \
                "$(fmt "$(column $id 5)" 2)" "$(fmt "$(column $id 6)" 2)" "$(fmt "$(column $id 1)")"
        done
        echo
    done
    echo
    echo "![Cao's Algorithm 1: samples](g-cao.png)"
} > "$md"

plot_samples() {  # PNG TITLE ID...: a row of scatter plots of samples over their data
    local png=$1 title=$2
    shift 2
    {
        echo "set terminal pngcairo size $((320 * $#)),340 font ',9'"
        echo "set output '$OUT/$png'"
        echo "set datafile separator ','; set size ratio -1; unset key; set termoption noenhanced"
        echo "set multiplot layout 1,$# title '$title'"
        for id in "$@"; do
            ref=$(awk -v i="$id" 'BEGIN { n = split(i, p, "-"); print p[2] }')
            echo "set title '$id'"
            echo "plot '$d/$ref-ref.csv' with dots lc rgb '#4F70BE', '$WORK/out/$id.csv' with points pt 7 ps 0.2 lc rgb '#CA7F30'"
        done
        echo "unset multiplot"
    } | gnuplot
}
plot_samples g-deng.png "Deng et al. toy demo: samples (orange) over data (blue)" deng-checker1 deng-swiss1
set -- $TOY_SEEDS; first=$1
plot_samples g-toy-samples.png "arXiv:2603.12366, eps $(echo $TOY_EPS | cut -d' ' -f1), seed $first" \
    $(for ds in $TOY_DATA; do for k in one-sided two-sided sinkhorn; do echo "toy-$ds-$k-$(echo $TOY_EPS | cut -d' ' -f1)-$first"; done; done)
plot_samples g-cao.png "Cao et al. Algorithm 1 on 8gaussians: samples over data" \
    $(for f in $cao_fields; do echo "cao-8gaussians-${f//[:,]/_}"; done)
# toy_curve DS K E: rows "step mean" of the held-out W2^2 over the seeds, from the logs
toy_curve() {
    for s in $TOY_SEEDS; do tail -n +2 "$WORK/log/toy-$1-$2-$3-$s.log.csv"; done |
        awk -F, '$6 != "nan" { s[$1] += $6 * $6; c[$1]++ } END { for (t in s) print t, s[t] / c[t] }' |
        sort -n
}
for ds in $TOY_DATA; do for k in one-sided two-sided sinkhorn; do for e in $TOY_EPS; do
    toy_curve "$ds" "$k" "$e" > "$WORK/curve-$ds-$k-$e"
done; done; done
{
    echo "set terminal pngcairo size 960,340 font ',9'"
    echo "set output '$OUT/g-toy.png'"
    echo "set logscale y; set grid; set xlabel 'step'"
    echo "set multiplot layout 1,$(echo $TOY_DATA | wc -w) title 'arXiv:2603.12366: held-out W2^2 against steps (mean over seeds)'"
    for ds in $TOY_DATA; do
        echo "set title '$ds'"
        printf "plot"
        sep=""
        for k in one-sided two-sided sinkhorn; do for e in $TOY_EPS; do
            printf "%s '%s' using 1:2 with linespoints ps 0.4 title '%s %s'" "$sep" "$WORK/curve-$ds-$k-$e" "$k" "$e"
            sep=","
        done; done
        echo
    done
    echo "unset multiplot"
} | gnuplot
echo "g-generators: $(elapsed) s, $md"
