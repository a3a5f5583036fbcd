"""Reads a gfd-sample .npy output (gzip'd or not) with numpy and checks it: shape
(N, D), dtype float64, all finite, and, given a CSV of the same draw, exactly equal to it
(CSV is written with %.17g, which round-trips float64).
Usage: sample_check.py FILE.npy[.gz] N D [SAME.csv]"""
import gzip
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    return np.load(gzip.open(path) if gz else path)


def main(path, n, d, csv=None):
    a = load(path)
    assert a.shape == (int(n), int(d)), f"shape {a.shape}, want ({n}, {d})"
    assert a.dtype == np.float64, f"dtype {a.dtype}"
    assert np.isfinite(a).all(), "values that are not finite"
    if csv:
        b = np.loadtxt(csv, delimiter=",", ndmin=2)
        assert np.array_equal(a, b), f"npy and csv differ by {np.abs(a - b).max()}"


if __name__ == "__main__":
    main(*sys.argv[1:])
