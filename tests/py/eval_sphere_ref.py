"""Independent references for gfd-eval --sphere (MATH §4), read back from its --json
table. Prints one number: the error of gfd-eval's value against the reference; the
unit is stated per metric; tests/eval_sphere.bats compares it with the tolerance.
Usage: eval_sphere_ref.py METRIC REFERENCE SAMPLES TABLE.json [PARAM ...]
  w2    POT ot.emd2(a, b, theta^2), theta = arccos of the clipped dot products (the
        squared geodesic cost matrix), then sqrt; rel error
  mmd BW  double loop over all pairs, U-statistic, vMF kernel exp(kappa (x.y - 1)),
        kappa = 1/BW^2; BW "median": numpy's median of the geodesic distances of the
        reference pairs j < k; abs error"""
import json
import sys

import numpy as np


def load(path):
    return np.loadtxt(path, delimiter=",", ndmin=2)


def geodesic(a, b):
    return np.arccos(np.clip(a @ b.T, -1, 1))


def mmd(x, y, bw):
    kappa = 1 / (bw * bw)

    def mean(a, b, self):
        s = 0.0
        for i in range(len(a)):
            for j in range(len(b)):
                if not (self and i == j):
                    s += np.exp(kappa * (a[i] @ b[j] - 1))
        return s / (len(a) * (len(b) - self))
    return mean(x, x, 1) + mean(y, y, 1) - 2 * mean(x, y, 0)


def main():
    metric, y, s, table = sys.argv[1], load(sys.argv[2]), load(sys.argv[3]), sys.argv[4]
    row = json.load(open(table))[0]
    if metric == "w2":
        import ot
        a = np.full(len(s), 1 / len(s))
        want = np.sqrt(ot.emd2(a, a, geodesic(s, y) ** 2, numItermax=10**7))
        print(abs(row["w2"] - want) / want)
    elif metric == "mmd":
        bw = sys.argv[5]
        if bw == "median":
            bw = np.median(geodesic(y, y)[np.triu_indices(len(y), 1)])
        print(abs(row["mmd2"] - mmd(s, y, float(bw))))
    else:
        sys.exit("unknown metric " + metric)


main()
