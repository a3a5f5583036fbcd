"""A direct numpy implementation of the score fields of MATH §3.1 and §3.5, checked
against gfd-velocity's output rows [x, v]: dense N x M matrices of logits, scipy's
logsumexp, no code shared with gfd. Passes when every particle's v agrees to 1e-9
relative (Euclidean norm per particle; the C unit tests reach ~1e-13).
Usage: field_ref.py H Y FIELD=OUT... [--target-weights W] [--weights W] [--exclude-self]
FIELD: kl, rkl, chi2, js, alpha:A or mmd, OUT its output file; H the bandwidth given to
gfd-velocity with -b."""
import argparse
import sys

import numpy as np
from scipy.special import logsumexp


def load(path):
    with open(path, "rb") as f:
        npy = f.read(6) == b"\x93NUMPY"
    return np.load(path) if npy else np.loadtxt(path, delimiter=",", ndmin=2)


def log_weights(n, path):
    w = np.ones(n) if path is None else load(path)[:, 0]
    return np.log(w / w.sum())


def kernel_pass(Q, R, logw, h, drop_diagonal=False):
    """log sum_j w_j exp(-|q - r_j|^2 / (2 h^2)) and the softmax mean of the r_j (MATH §2.2)."""
    L = logw[None, :] - ((Q[:, None, :] - R[None, :, :]) ** 2).sum(-1) / (2 * h * h)
    if drop_diagonal:
        np.fill_diagonal(L, -np.inf)
    lse = logsumexp(L, axis=1)
    return lse, np.exp(L - lse[:, None]) @ R


def velocity(field, h, X, Y, lwx, lwy, exclude_self, clip=1e6):
    lp, mp = kernel_pass(X, Y, lwy, h)
    lq, mq = kernel_pass(X, X, lwx, h, exclude_self)
    if exclude_self:  # MATH §2.3: the others' weights renormalised to sum 1
        lq = lq - np.log1p(-np.exp(lwx))
    if field == "mmd":  # MATH §3.5 with the unnormalised kernel
        return (np.exp(lp)[:, None] * (mp - X) - np.exp(lq)[:, None] * (mq - X)) / h**2
    r = np.clip(np.exp(lq - lp), 1 / clip, clip)  # MATH §3.1
    if field.startswith("alpha:"):
        g = r ** (float(field[6:]) - 1)
    else:
        g = {"kl": np.ones_like(r), "rkl": 1 / r, "chi2": 2 * r, "js": 1 / (1 + r)}[field]
    return g[:, None] * (mp - mq) / h**2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("h", type=float)
    ap.add_argument("targets")
    ap.add_argument("checks", nargs="+", metavar="FIELD=OUT")
    ap.add_argument("--target-weights")
    ap.add_argument("--weights")
    ap.add_argument("--exclude-self", action="store_true")
    a = ap.parse_args()
    Y = load(a.targets)
    d = Y.shape[1]
    for check in a.checks:
        field, path = check.split("=")
        out = load(path)
        assert out.shape[1] == 2 * d, f"{path} has {out.shape[1]} columns, want {2 * d}"
        X, V = out[:, :d], out[:, d:]
        want = velocity(field, a.h, X, Y, log_weights(len(X), a.weights),
                        log_weights(len(Y), a.target_weights), a.exclude_self)
        err = np.linalg.norm(V - want, axis=1) / np.linalg.norm(want, axis=1)
        if not err.max() <= 1e-9:
            sys.exit(f"{field}: worst relative error {err.max():.3g} at particle {err.argmax() + 1}")


if __name__ == "__main__":
    main()
