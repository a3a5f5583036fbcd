#!/usr/bin/env python3
"""drift_ref.py X Y V [drift options]: checks V (gfd-velocity -f drift --only-v) against
a numpy transcription of Deng et al.'s drift_loss.py (MATH §3.4) on full matrices:
targets [X, Y], distances sqrt(max(|x - t|^2, 1e-8)) (cdist's clamp; laplace kernel only),
scale, self-mask, per temperature row and column softmax, floor, coefficients, RMS
normalisation. Row weights are normalised to mean 1 within each set (ones when unweighted,
drift_loss.py's default). --preset alg2|toy: Algorithm 2 as printed (temperature 0.05,
self distance +1e6, no floor, no clamp, no RMS, no scale), written out separately below
from the paper's pseudo-code as a second transcription. --sphere: unit rows, the cosine distance
1 - x.t in place of |x - t| (MATH §4, gfd-velocity(1) SPHERE), and V projected on the
tangent spaces. Exits 1 if the relative error (max norm) exceeds --tol (1e-9: float64
both sides, measured ~1e-14)."""
import argparse
import sys

import numpy as np


def softmax(l, axis):
    e = np.exp(l - l.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def mean_one(w, n):
    return np.ones(n) if w is None else w * n / w.sum()


def drift(X, Y, a):
    n, d = X.shape
    T = np.concatenate([X, Y])
    tw = np.concatenate([mean_one(a.wx, n), mean_one(a.wy, len(Y))])
    if a.sphere:
        dist = 1 - X @ T.T
    else:
        d2 = ((X[:, None, :] - T[None, :, :]) ** 2).sum(-1)
        dist = np.sqrt(np.maximum(d2, 1e-8) if a.kernel == "laplace" and not a.no_clamp else d2)
    scale = (dist * tw[None, :]).mean() / tw.mean()
    s_in, div = (1.0, 1.0) if a.no_scale else (max(scale / d ** 0.5, 1e-3), max(scale, 1e-3))
    Xs, Ts = X / s_in, T / s_in
    dn = dist / div
    if not a.no_mask:
        dn[np.arange(n), np.arange(n)] += a.mask
    force = np.zeros_like(Xs)
    for R in a.temps:
        logits = -dn ** 2 / (2 * R * R) if a.kernel == "gauss" else -dn / R
        if a.normalize == "sep":
            bias = np.log(tw)
            aq = softmax(logits[:, :n] + bias[None, :n], 1)
            ap = softmax(logits[:, n:] + bias[None, n:], 1)
            f = ap @ Ts[n:] - aq @ Ts[:n]
        else:
            aff = np.sqrt(np.maximum(softmax(logits, 1) * softmax(logits, 0), a.floor))
            aff = aff * tw[None, :]
            aneg, apos = aff[:, :n], aff[:, n:]
            coeff = np.concatenate([-aneg * apos.sum(1, keepdims=True),
                                    apos * aneg.sum(1, keepdims=True)], axis=1)
            f = coeff @ Ts - coeff.sum(1, keepdims=True) * Xs
        if not a.no_rms:
            f = f / np.sqrt(max((f ** 2).mean(), 1e-8))
        force += f
    V = s_in * force
    if a.sphere:
        V = V - (V * X).sum(1, keepdims=True) * X
    return V


def algorithm2(X, Y, temp, mask):
    """Deng et al.'s Algorithm 2: a joint kernel over [X, Y] with the self distance
    raised, A = sqrt(softmax_row * softmax_col), cross-weighted V = A_pos-weighted mean
    of Y minus A_neg-weighted mean of X, each times the other block's row mass."""
    n = len(X)
    T = np.concatenate([X, Y])
    dist = np.sqrt(((X[:, None, :] - T[None, :, :]) ** 2).sum(-1))
    dist[np.arange(n), np.arange(n)] += mask
    K = -dist / temp
    A = np.sqrt(softmax(K, 1) * softmax(K, 0))
    An, Ap = A[:, :n], A[:, n:]
    sn, sp = An.sum(1, keepdims=True), Ap.sum(1, keepdims=True)
    return sn * (Ap @ Y) - sp * (An @ X)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("X"), p.add_argument("Y"), p.add_argument("V")
    p.add_argument("--weights"), p.add_argument("--target-weights")
    p.add_argument("--temps", default="0.02,0.05,0.2")
    p.add_argument("--floor", type=float, default=1e-6)
    p.add_argument("--kernel", default="laplace")
    p.add_argument("--normalize", default="both")
    p.add_argument("--mask", type=float, default=100.0)
    for s in ("no-mask", "no-rms", "no-scale", "no-clamp", "sphere"):
        p.add_argument("--" + s, action="store_true")
    p.add_argument("--preset", choices=["drift_loss", "alg2", "toy"], default="drift_loss")
    p.add_argument("--tol", type=float, default=1e-9)
    a = p.parse_args()
    load = lambda f: np.loadtxt(f, delimiter=",", ndmin=2)
    X, Y, V = load(a.X), load(a.Y), load(a.V)
    a.temps = [float(t) for t in a.temps.split(",")]
    a.wx = None if a.weights is None else np.loadtxt(a.weights, ndmin=1)
    a.wy = None if a.target_weights is None else np.loadtxt(a.target_weights, ndmin=1)
    W = drift(X, Y, a) if a.preset == "drift_loss" else algorithm2(X, Y, 0.05, 1e6)
    err = np.abs(V - W).max() / np.abs(W).max()
    print(f"drift: relative error {err:.3g}")
    sys.exit(0 if err <= a.tol else 1)


main()
