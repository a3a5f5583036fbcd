#!/usr/bin/env bash
# Seeds for make fuzz: small valid files of every format the readers take (into DIR), and
# small models and checkpoints for the model loader (into MODELS), and field specs with
# their options for the parsers (into SPECS).
set -euo pipefail
dir=$1
bin=$(cd "$(dirname "$0")/.." && pwd)/bin
mkdir -p "$dir"
"$bin/gfd-sample" -n 3 -s 1 gaussian -d 2 -o "$dir/a.csv"
"$bin/gfd-sample" -n 3 -s 1 gaussian -d 3 -o "$dir/b.npy"
"$bin/gfd-sample" -n 2 -s 1 gaussian -d 2 -o "$dir/c.npy.gz"
"$bin/gfd-sample" -n 2 -s 1 gaussian -d 1 -o "$dir/d.csv.gz"
printf '# comment\nx,y\n1,2\n3 4\n' > "$dir/e.csv"
cat "$dir/b.npy" "$dir/b.npy" > "$dir/frames.npy"
models=$2
mkdir -p "$models"
"$bin/gfd-train" -q -t "$dir/a.csv" -f drift -T 2 --hidden 3 --zdim 2 --gen-batch 4 --data-batch 3 \
    -o "$models/mlp.gfdm" --checkpoint "$models/mlp.ck"
"$bin/gfd-train" -q -t "$dir/a.csv" -f drift -T 1 --net resmlp --width 2 --blocks 1 --zdim 2 \
    --gen-batch 4 --data-batch 3 -o "$models/res.gfdm"
specs=$3
mkdir -p "$specs"
printf 'rkl:0.5,chi2:0.5\nratio-clip=100\n' > "$specs/mix"
printf 'drift\ntemps=0.02,0.05,0.2\nfloor=1e-6\npreset=toy\n' > "$specs/drift"
printf 'critic:js:2\ncritic-features=64\n' > "$specs/critic"
printf 'kl:1:0,rkl:0:1\nbatch=64\n' > "$specs/schedule"
printf 'mmd,sw2,coverage,prdc\nk=5\n' > "$specs/metrics"
printf 'sinkhorn-proxy\neps=0.1\ncoupling=one-sided\n' > "$specs/sinkhorn"
printf 'median\n' > "$specs/bw"
