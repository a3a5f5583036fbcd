#!/usr/bin/env bash
# Seeds for make fuzz: small valid files of every format the readers take.
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
