"""Independent references for gfd-eval's metrics (MATH §5), read back from its --json
table. Prints one number: the error of gfd-eval's value(s) against the reference, in the
unit stated per metric below; tests/eval.bats compares it with the tolerance.
Usage: eval_ref.py METRIC REFERENCE SAMPLES TABLE.json [PARAM ...]
  mmd BW        numpy over all pairs, U-statistic, kernel exp(-|x-y|^2/(2 BW^2)); abs error
  energy        numpy over all pairs, U-statistics; abs error
  w2            POT ot.emd2(a, b, ot.dist(S, Y)) (squared Euclidean cost), then sqrt; rel error
  sinkhorn EPS  POT ot.sinkhorn(..., method='sinkhorn_log') plans on ot.dist (|x-y|^2, Gibbs
                kernel exp(-C/EPS)); OT = <P,C> + EPS KL(P | a x b) per pair; S = OT_xy -
                (OT_xx + OT_yy)/2; rel error
  sw2 L SEED    POT ot.sliced_wasserstein_distance with L projections (log=True): z-score of
                gfd's sw2^2 against POT's, se from the per-projection W2^2 spread and both L
  sw2exact      d = 1: POT with the projection [[1]], exact; rel error
  prdc K        numpy transcription of Naeem et al.'s prdc package; max abs error
  coverage MODES  numpy: nearest centre, 3 sigma, 20% of N/K, KL to uniform; max abs error
  nll H         scipy.special.logsumexp of the Gaussian KDE; max rel error
Weights: with WX=FILE and/or WY=FILE in the environment (one column each), the samples' and
the reference's rows are weighted (mmd, energy, sinkhorn, coverage, nll): the pair (i, j)
has weight wx_i wy_j, a U-statistic's self sum is divided by 1 - sum w_i^2 (w normalised),
sinkhorn's marginals are the weights, coverage counts weight, nll is a weighted mean of
the weighted KDE."""
import gzip
import json
import os
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        head = f.read(6)
    if head[:2] == b"\x1f\x8b":
        return np.load(gzip.open(path))
    if head == b"\x93NUMPY":
        return np.load(path)
    return np.loadtxt(path, delimiter=",", ndmin=2)


def sqdist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def weights(var, n):
    """The normalised weights in the file named by $var, or uniform."""
    w = np.loadtxt(os.environ[var], ndmin=1) if os.environ.get(var) else np.ones(n)
    return w / w.sum()


def u_mean(k, w):
    """sum_{i != j} w_i w_j k_ij / sum_{i != j} w_i w_j."""
    ww = np.outer(w, w)
    return ((ww * k).sum() - np.trace(ww * k)) / (1 - (w * w).sum())


def mmd(x, y, bw, wx, wy):
    k = lambda a, b: np.exp(-sqdist(a, b) / (2 * bw * bw))
    return u_mean(k(x, x), wx) + u_mean(k(y, y), wy) - 2 * wx @ k(x, y) @ wy


def energy(x, y, wx, wy):
    d = lambda a, b: np.sqrt(sqdist(a, b))
    return 2 * wx @ d(x, y) @ wy - u_mean(d(x, x), wx) - u_mean(d(y, y), wy)


def entropic_ot(x, y, eps, a, b):
    import ot
    c = ot.dist(x, y)  # squared Euclidean
    p = ot.sinkhorn(a, b, c, eps, method="sinkhorn_log", numItermax=200000, stopThr=1e-13)
    ab = np.outer(a, b)
    kl = np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / ab), 0))
    return np.sum(p * c) + eps * kl


def prdc(fake, real, k):
    def radii(z):
        return np.sort(np.sqrt(sqdist(z, z)), axis=1)[:, k]
    rr, rf = radii(real), radii(fake)
    d = np.sqrt(sqdist(real, fake))
    precision = (d < rr[:, None]).any(axis=0).mean()
    recall = (d < rf[None, :]).any(axis=1).mean()
    density = (1 / k) * (d < rr[:, None]).sum(axis=0).mean()
    coverage = (d.min(axis=1) < rr).mean()
    return [precision, recall, density, coverage]


def coverage(x, modes, w):
    c, sigma = modes[:, :-1], modes[:, -1]
    d2 = sqdist(x, c)
    near = d2.argmin(axis=1)
    hq = (np.sqrt(d2[np.arange(len(x)), near]) <= 3 * sigma[near]) & (w > 0)
    mass = np.bincount(near[hq], weights=w[hq], minlength=len(c))
    covered = (mass >= 0.2 / len(c) * (1 - 1e-12)).sum()
    h = mass[mass > 0] / mass.sum()
    return [w[hq].sum(), covered, np.sum(h * np.log(len(c) * h))]


def nll(x, y, h, wx, wy):
    from scipy.special import logsumexp
    d = x.shape[1]
    def xent(p, wp, q, wq):
        lp = logsumexp(-sqdist(q, p) / (2 * h * h), b=wp[None, :], axis=1) - 0.5 * d * np.log(2 * np.pi * h * h)
        return -(wq[wq > 0] * lp[wq > 0]).sum()
    return [xent(x, wx, y, wy), xent(y, wy, x, wx)]


def main(metric, ref, samples, table, *params):
    y, x = load(ref), load(samples)
    wx, wy = weights("WX", len(x)), weights("WY", len(y))
    row = json.load(open(table))[0]
    if metric == "mmd":
        print(abs(row["mmd2"] - mmd(x, y, float(params[0]), wx, wy)))
    elif metric == "energy":
        print(abs(row["energy"] - energy(x, y, wx, wy)))
    elif metric == "w2":
        import ot
        want = np.sqrt(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), ot.dist(x, y), numItermax=10**7))
        print(abs(row["w2"] - want) / want)
    elif metric == "sinkhorn":
        eps = float(params[0])
        want = entropic_ot(x, y, eps, wx, wy) - 0.5 * (entropic_ot(x, x, eps, wx, wx) + entropic_ot(y, y, eps, wy, wy))
        print(abs(row["sinkhorn"] - want) / abs(want))
    elif metric == "sw2":
        import ot
        L, L_gfd = int(params[0]), int(params[1])
        res, log = ot.sliced_wasserstein_distance(x, y, n_projections=L, seed=int(params[2]), log=True)
        w = np.asarray(log["projected_emds"])
        se = np.sqrt(w.var() / L + w.var() / L_gfd)
        print(abs(row["sw2"] ** 2 - res ** 2) / se)
    elif metric == "sw2exact":
        import ot
        want = ot.sliced_wasserstein_distance(x, y, n_projections=1, projections=np.ones((1, 1)))
        print(abs(row["sw2"] - want) / want)
    elif metric == "prdc":
        got = [row[c] for c in ("precision", "recall", "density", "coverage")]
        print(max(abs(g - w) for g, w in zip(got, prdc(x, y, int(params[0])))))
    elif metric == "coverage":
        got = [row[c] for c in ("hq", "modes", "mode_kl")]
        print(max(abs(g - w) for g, w in zip(got, coverage(x, load(params[0]), wx))))
    elif metric == "nll":
        got = [row["nll_ref"], row["nll_samp"]]
        print(max(abs(g - w) / abs(w) for g, w in zip(got, nll(x, y, float(params[0]), wx, wy))))
    else:
        sys.exit(f"eval_ref.py: unknown metric {metric}")


if __name__ == "__main__":
    main(*sys.argv[1:])
