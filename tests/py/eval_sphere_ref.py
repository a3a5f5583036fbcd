"""Independent references for gfd-eval --sphere (MATH §4), read back from its --json
table. Prints one number: the error of gfd-eval's value against the reference; the
unit is stated per metric; tests/eval_sphere.bats compares it with the tolerance.
Usage: eval_sphere_ref.py METRIC REFERENCE SAMPLES TABLE.json [PARAM ...]
  w2    POT ot.emd2(a, b, theta^2), theta = arccos of the clipped dot products (the
        squared geodesic cost matrix), then sqrt; rel error
  mmd BW  double loop over all pairs, U-statistic, vMF kernel exp(kappa (x.y - 1)),
        kappa = 1/BW^2; BW "median": numpy's median of the geodesic distances of the
        reference pairs j < k; abs error
  energy  2 E theta(X, Y) - E theta(X, X') - E theta(Y, Y'), geodesic theta, U-statistics;
        abs error
  prdc K  Naeem et al.'s precision, recall, density, coverage with the geodesic distance
        matrix and K nearest neighbours; max abs error over the four
  sw2circle  d = 2: every great circle of S^1 is S^1 itself, so SSW_2 is W_2 on the circle
        of length 1, computed here from Bonet et al.'s definition (their eq. 4) by trying
        the shift alpha at every kink of the piecewise linear cost; rel error
  sw2lap  the same W_2 on the circle (N = M), by scipy's linear_sum_assignment on the cost
        min(|s - t|, 1 - |s - t|)^2 (a check of sw2circle's transcription); rel error
  sw2 L SEED  Monte Carlo SSW_2^2 of Bonet et al. with L great circles drawn as POT does
        (QR of d x 2 Gaussian matrices), circle W_2 as in sw2lap (N = M): z-score of gfd's sw2^2,
        se from the per-circle spread and both L (gfd's L from the table's projections)"""
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


def energy(x, y):
    def mean(a, b, self):
        g = geodesic(a, b)
        return (g.sum() - (np.trace(g) if self else 0)) / (len(a) * (len(b) - self))
    return 2 * mean(x, y, 0) - mean(x, x, 1) - mean(y, y, 1)


def prdc(fake, real, k):
    def radii(z):
        g = geodesic(z, z)
        np.fill_diagonal(g, np.inf)
        return np.sort(g, axis=1)[:, k - 1]
    rr, rf = radii(real), radii(fake)
    d = geodesic(real, fake)
    precision = (d < rr[:, None]).any(axis=0).mean()
    recall = (d < rf[None, :]).any(axis=1).mean()
    density = (1 / k) * (d < rr[:, None]).sum(axis=0).mean()
    coverage = (d.min(axis=1) < rr).mean()
    return [precision, recall, density, coverage]


def turns(x, u):
    """Positions in turns [0, 1) of the projections of the rows of x on the plane u (d x 2)."""
    p = x @ u
    return np.mod(np.arctan2(p[:, 1], p[:, 0]) / (2 * np.pi), 1.0)


def quantile(v, levels):
    """Left-continuous quantile function of the equal-mass atoms v at levels in (-inf, inf),
    lifted periodically: F^-1(u + 1) = F^-1(u) + 1."""
    v = np.sort(v)
    lift = np.floor(levels)
    frac = levels - lift
    idx = np.clip(np.ceil(frac * len(v)).astype(int) - 1, 0, len(v) - 1)
    return v[idx] + lift


def circle_w2sq(x, y):
    """Bonet et al. eq. 4: min over alpha of int_0^1 (F_x^-1(t) - F_y^-1(t + alpha))^2 dt.
    The cost is piecewise linear in alpha, kinks where t + alpha meets j/m while t meets i/n;
    the minimum over alpha in [-1, 1] is at one of the kinks."""
    n, m = len(x), len(y)
    kinks = (np.arange(m)[None, :] / m - np.arange(n)[:, None] / n).ravel()
    kinks = np.unique(np.concatenate([kinks - 1, kinks, kinks + 1]))
    kinks = kinks[(kinks >= -1) & (kinks <= 1)]
    best = np.inf
    for a in kinks:
        # exact integral: the integrand is constant between the merged breakpoints
        cuts = np.unique(np.concatenate([np.arange(n + 1) / n,
                                         np.mod(np.arange(m + 1) / m - a, 1.0), [0.0, 1.0]]))
        cuts = cuts[(cuts >= 0) & (cuts <= 1)]
        mid = (cuts[1:] + cuts[:-1]) / 2
        z = quantile(x, mid) - quantile(y, mid + a)
        best = min(best, float(np.sum(z * z * np.diff(cuts))))
    return best


def circle_w2sq_lap(x, y):
    from scipy.optimize import linear_sum_assignment
    g = np.abs(x[:, None] - y[None, :])
    c = np.minimum(g, 1 - g) ** 2
    r, k = linear_sum_assignment(c)
    return c[r, k].mean()


def sw2_sphere(s, y, L, seed):
    rng = np.random.default_rng(seed)
    vals = np.empty(L)
    for l in range(L):
        u, _ = np.linalg.qr(rng.normal(size=(s.shape[1], 2)))
        vals[l] = circle_w2sq_lap(turns(s, u), turns(y, u))
    return vals


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
    elif metric == "energy":
        print(abs(row["energy"] - energy(s, y)))
    elif metric == "prdc":
        want = prdc(s, y, int(sys.argv[5]))
        got = [row[c] for c in ("precision", "recall", "density", "coverage")]
        print(max(abs(g - w) for g, w in zip(got, want)))
    elif metric == "sw2circle":
        plane = np.eye(2)
        want = np.sqrt(circle_w2sq(turns(s, plane), turns(y, plane)))
        print(abs(row["sw2"] - want) / want)
    elif metric == "sw2lap":
        plane = np.eye(2)
        want = np.sqrt(circle_w2sq_lap(turns(s, plane), turns(y, plane)))
        print(abs(row["sw2"] - want) / want)
    elif metric == "sw2":
        L, L_gfd, seed = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
        vals = sw2_sphere(s, y, L, seed)
        se = vals.std() * np.sqrt(1 / L + 1 / L_gfd)
        print(abs(row["sw2"] ** 2 - vals.mean()) / se)
    else:
        sys.exit("unknown metric " + metric)


main()
