"""Direct numpy checks of gfd's fields and steps on the sphere (MATH §4): dense N x M
logit matrices, scipy's logsumexp, no code shared with gfd.
  gen KIND N D SEED           unit rows to stdout: KIND modes (3 clusters) or uniform
  rotate FILE ANGLE           FILE's rows turned by ANGLE in the plane of axes 1 and 2
  fields H Y FIELD=OUT... [--weights W] [--target-weights W] [--exclude-self]
                              rows [x, v] of gfd-velocity --sphere -b H against
                              v = g(r) kappa (I - x x^T)(m_p - m_q), vMF kernel (1e-9)
  tangent EUC SPH             SPH's v is (I - x x^T) of EUC's v, rows [x, v] (1e-12)
  step XV ETA CAP OUT         OUT is exp_x(f eta u), u = (I - x x^T) v, the geodesic
                              length f eta |u| capped at CAP (0: none) (1e-12)
  norms FILE TOL              every row of FILE has norm 1 within TOL
  bandwidth Y RULE H          H is RULE (scott or silverman) on Y's geodesic spread (1e-12)
Tolerances are relative to the largest |v| (or absolute for unit points); the C unit
tests reach ~1e-15, float64 rounding of N-term sums on both sides."""
import sys

import numpy as np
from scipy.special import logsumexp


def load(path):
    with open(path, "rb") as f:
        npy = f.read(6) == b"\x93NUMPY"
    return np.load(path) if npy else np.loadtxt(path, delimiter=",", ndmin=2)


def save(X):
    np.savetxt(sys.stdout, X, delimiter=",", fmt="%.17g")


def unit(X):
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def tangent(X, V):
    return V - (X * V).sum(1, keepdims=True) * X


def gen(kind, n, d, seed):
    rng = np.random.default_rng(int(seed))
    n, d = int(n), int(d)
    if kind == "uniform":
        return unit(rng.standard_normal((n, d)))
    mu = unit(rng.standard_normal((3, d)))
    return unit(mu[np.arange(n) % 3] + 0.35 * rng.standard_normal((n, d)))


def log_weights(n, path):
    w = np.ones(n) if path is None else load(path)[:, 0]
    return np.log(w / w.sum())


def vmf_pass(Q, R, logw, kappa, drop_diagonal=False):
    """log sum_j w_j exp(kappa (q.r_j - 1)) and the softmax mean of the r_j (MATH §4)."""
    L = logw[None, :] + kappa * (Q @ R.T - 1)
    if drop_diagonal:
        np.fill_diagonal(L, -np.inf)
    lse = logsumexp(L, axis=1)
    return lse, np.exp(L - lse[:, None]) @ R


def velocity(field, h, X, Y, lwx, lwy, exclude_self, clip=1e6):
    kappa = 1 / h**2
    lp, mp = vmf_pass(X, Y, lwy, kappa)
    lq, mq = vmf_pass(X, X, lwx, kappa, exclude_self)
    if exclude_self:
        lq = lq - np.log1p(-np.exp(lwx))
    if field == "mmd":  # MATH §3.5 with k = exp(kappa (x.y - 1)), Riemannian gradient
        return kappa * tangent(X, np.exp(lp)[:, None] * mp - np.exp(lq)[:, None] * mq)
    r = np.clip(np.exp(lq - lp), 1 / clip, clip)
    if field.startswith("alpha:"):
        g = r ** (float(field[6:]) - 1)
    else:
        g = {"kl": np.ones_like(r), "rkl": 1 / r, "chi2": 2 * r, "js": 1 / (1 + r)}[field]
    return g[:, None] * kappa * tangent(X, mp - mq)  # MATH §4


def check(name, got, want, tol):
    err = np.linalg.norm(got - want, axis=1).max() / max(np.linalg.norm(want, axis=1).max(), 1e-300)
    if not err <= tol:
        sys.exit(f"{name}: relative error {err:.3g} > {tol}")


def fields(args):
    opts = {"--weights": None, "--target-weights": None}
    excl = "--exclude-self" in args
    args = [a for a in args if a != "--exclude-self"]
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = args[i + 1]
            del args[i:i + 2]
    h, Y = float(args[0]), load(args[1])
    d = Y.shape[1]
    for spec in args[2:]:
        field, path = spec.split("=")
        out = load(path)
        X, V = out[:, :d], out[:, d:]
        want = velocity(field, h, X, Y, log_weights(len(X), opts["--weights"]),
                        log_weights(len(Y), opts["--target-weights"]), excl)
        check(field, V, want, 1e-9)


def step(xv, eta, cap, out):
    XV, eta, cap = load(xv), float(eta), float(cap)
    d = XV.shape[1] // 2
    X, U = XV[:, :d], eta * tangent(XV[:, :d], XV[:, d:])
    t = np.linalg.norm(U, axis=1, keepdims=True)
    if cap > 0:
        U = U * np.minimum(1, cap / np.maximum(t, 1e-300))
        t = np.minimum(t, cap)
    want = np.cos(t) * X + np.sinc(t / np.pi) * U  # sin(t)/t = sinc(t/pi)
    got = load(out)
    if not np.abs(got - want).max() <= 1e-12:
        sys.exit(f"step: off by {np.abs(got - want).max():.3g}")


def bandwidth(ypath, rule, h):
    Y = load(ypath)
    m, p = Y.shape[0], Y.shape[1] - 1
    mu = Y.sum(0) / np.linalg.norm(Y.sum(0))
    theta = np.arccos(np.clip(Y @ mu, -1, 1))
    sigma = np.sqrt((theta**2).sum() / (m - 1) / p)
    want = sigma * (m ** (-1 / (p + 4)) if rule == "scott" else (4 / ((p + 2) * m)) ** (1 / (p + 4)))
    if not abs(float(h) - want) <= 1e-12 * want:
        sys.exit(f"bandwidth {h}, want {want!r}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        save(gen(*args))
    elif cmd == "rotate":
        X, a = load(args[0]), float(args[1])
        X[:, :2] = X[:, :2] @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
        save(X)
    elif cmd == "fields":
        fields(args)
    elif cmd == "tangent":
        E, S = load(args[0]), load(args[1])
        d = E.shape[1] // 2
        if not np.abs(E[:, :d] - S[:, :d]).max() <= 1e-15:  # --sphere renormalises x
            sys.exit("tangent: the x columns differ")
        check("tangent", S[:, d:], tangent(E[:, :d], E[:, d:]), 1e-12)
    elif cmd == "step":
        step(*args)
    elif cmd == "norms":
        X, tol = load(args[0]), float(args[1])
        off = np.abs(np.linalg.norm(X, axis=1) - 1).max()
        if not off <= tol:
            sys.exit(f"norms: off 1 by {off:.3g} > {tol}")
        print(f"norms: off 1 by at most {off:.3g}")
    elif cmd == "bandwidth":
        bandwidth(*args)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
