"""Independent checks of gfd-sphere (MATH §4) with numpy, scipy and mpmath.

Usage: sphere_ref.py CHECK ARGS...
  meanlength TABLE          rows "d kappa A" (A printed by gfd-sphere -v): A against
                            scipy.special.ive(d/2, k) / ive(d/2 - 1, k), rtol 1e-12
                            (the ratio of scaled Bessel functions; scipy's own ratio is
                            within 6e-14 of mpmath at 40 digits on this grid, measured)
  dist A B OUT [all]        OUT (one column, or with "all" the N x M matrix) against
                            numpy arccos(clip(a.b, -1, 1)): 1e-12 absolute, valid away
                            from 0 and pi (random pairs: arccos errs by eps / sin t)
  precise X Y OUT           OUT against the angle t between the rows of X and Y in mpmath
                            at 50 digits (exact for the double inputs): |err| <=
                            4 eps t + delta^2 / t, delta = |x| - |y| (test_sphere.c
                            derives it)
  tangent XV OUT            OUT = [x, v - (x.v) x], within 4 eps sqrt(d) |v| (numpy)
  exp XV OUT                OUT = cos|u| x + sin|u| u/|u|, u = v - (x.v) x, within 1e-14,
                            and unit rows within 4 eps
  ks SAMPLES MU KAPPA       the angle t to the nearest row of MU (one row: vMF; several:
                            well separated modes; a --centers file's kappa column is
                            dropped) has the vMF law on S^(d-1), density
                            proportional to exp(kappa cos t) sin(t)^(d-2) on [0, pi]: a
                            KS test (CDF by the trapezoid rule on 200001 points, error
                            < 1e-9) must give p > 1e-3; also every row has unit norm.
"""
import gzip
import sys

import numpy as np

EPS = np.finfo(float).eps


def load(path):
    with open(path, "rb") as f:
        head = f.read(6)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(path) as f:
            head = f.read(6)
    if head == b"\x93NUMPY":
        return np.load(gzip.open(path) if head[:2] == b"\x1f\x8b" else path)
    return np.loadtxt(path, delimiter=",", ndmin=2)


def fail(msg):
    sys.exit(f"sphere_ref: {msg}")


def meanlength(table):
    from scipy.special import ive
    rows = np.loadtxt(table, ndmin=2)
    for d, k, a in rows:
        want = ive(d / 2, k) / ive(d / 2 - 1, k)
        if not abs(a - want) <= 1e-12 * want:
            fail(f"A_{d:g}({k:g}) = {a!r}, scipy {want!r}")
    print(f"{len(rows)} values of A_d(kappa) within 1e-12 of scipy")


def dist(a, b, out, all_pairs=None):
    A, B, D = load(a), load(b), load(out)
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    B /= np.linalg.norm(B, axis=1, keepdims=True)
    want = np.arccos(np.clip(A @ B.T if all_pairs else np.sum(A * B, axis=1, keepdims=True), -1, 1))
    if D.shape != want.shape:
        fail(f"shape {D.shape}, want {want.shape}")
    err = np.abs(D - want).max()
    if not err <= 1e-12:
        fail(f"distances differ from numpy by {err:.3g}")


def precise(x, y, out):
    import mpmath as mp
    mp.mp.dps = 50
    X, Y, D = load(x), load(y), load(out)[:, 0]
    worst = 0
    for a, b, got in zip(X, Y, D):
        a, b = [mp.matrix([mp.mpf(float(v)) for v in r]) for r in (a, b)]
        na, nb = mp.norm(a), mp.norm(b)
        t = 2 * mp.atan2(mp.norm(a / na - b / nb), mp.norm(a / na + b / nb))
        err, delta = abs(mp.mpf(float(got)) - t), na - nb
        if not err <= 4 * EPS * t + delta**2 / t:
            fail(f"dist {got!r}, mpmath {mp.nstr(t, 20)}: error {mp.nstr(err, 3)}")
        worst = max(worst, float(err / t))
    print(f"worst relative error {worst / EPS:.2f} eps over {len(D)} pairs")


def split_rows(XV):
    """Rows [x, v] -> d, the unit x, v and its tangent part u = (I - x x^T) v."""
    d = XV.shape[1] // 2
    x = XV[:, :d] / np.linalg.norm(XV[:, :d], axis=1, keepdims=True)
    v = XV[:, d:]
    return d, x, v, v - np.sum(x * v, axis=1, keepdims=True) * x


def tangent(xv, out):
    XV, T = load(xv), load(out)
    d, x, v, want = split_rows(XV)
    tol = 4 * EPS * np.sqrt(d) * np.linalg.norm(v, axis=1)
    if not (np.abs(T[:, :d] - x).max() <= 2 * EPS and (np.abs(T[:, d:] - want).max(axis=1) <= tol).all()):
        fail("tangent rows differ from numpy")


def exp(xv, out):
    XV, E = load(xv), load(out)
    _, x, _, u = split_rows(XV)
    t = np.linalg.norm(u, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        want = np.cos(t) * x + np.where(t > 0, np.sin(t) / t, 1) * u
    err = np.abs(E - want).max()
    off = np.abs(np.linalg.norm(E, axis=1) - 1).max()
    if not (err <= 1e-14 and off <= 4 * EPS):
        fail(f"exp differs from numpy by {err:.3g}, off the sphere by {off:.3g}")


def ks(samples, mu, kappa):
    from scipy.integrate import cumulative_trapezoid
    from scipy.stats import kstest
    X, M, kappa = load(samples), load(mu), float(kappa)
    M = M[:, : X.shape[1]]  # a --centers (modes) file: drop its sigma column
    M /= np.linalg.norm(M, axis=1, keepdims=True)
    d = X.shape[1]
    off = np.abs(np.linalg.norm(X, axis=1) - 1).max()
    if not off <= 4 * EPS:
        fail(f"a sample is off the sphere by {off:.3g}")
    near = np.max(X @ M.T, axis=1)
    dx = np.linalg.norm(X[:, None, :] - M[None, :, :], axis=2).min(axis=1)
    t = 2 * np.arcsin(np.minimum(dx / 2, 1))  # the angle, accurate near 0
    grid = np.linspace(0, np.pi, 200001)
    dens = np.exp(kappa * (np.cos(grid) - 1)) * np.sin(grid) ** (d - 2)
    cdf = cumulative_trapezoid(dens, grid, initial=0)
    cdf /= cdf[-1]
    res = kstest(t, lambda s: np.interp(s, grid, cdf))
    if not res.pvalue > 1e-3:
        fail(f"d {d} kappa {kappa}: KS statistic {res.statistic:.4f}, p {res.pvalue:.3g}; "
             f"mean x.mu {near.mean():.5f}")
    print(f"d {d} kappa {kappa}: KS p = {res.pvalue:.3f}")


if __name__ == "__main__":
    {"meanlength": meanlength, "dist": dist, "precise": precise, "tangent": tangent,
     "exp": exp, "ks": ks}[sys.argv[1]](*sys.argv[2:])
