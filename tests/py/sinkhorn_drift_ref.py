#!/usr/bin/env python3
"""sinkhorn_drift_ref.py KIND X Y V EPS [ITERS]: checks V (gfd-velocity --only-v) against a
numpy transcription of the toy code of arXiv:2603.12366 (mint-vu/sinkhorn_drift,
toy/Gen_Modeling.py, the log-domain plans and compute_drift with its defaults). EPS is
theirs: their kernel exp(-|x - y|^2 / EPS) is gfd's --eps EPS/2. Their drift is
V = P_xy Y - P_xx X with row-stochastic plans (the "- x" of both terms cancels):
  one-sided   P = row softmax; in P_xx the self pairs get logit -inf
  two-sided   P = exp((log row softmax + log column softmax)/2), rows renormalised,
              + 1e-24 and renormalised again; self pairs masked in P_xx as above
  sinkhorn    ITERS times: normalise rows, then columns, in log space (no mask);
              then rows renormalised
Tolerance 1e-9 relative (max norm): float64 on both sides; their + 1e-12 in the row sums
moves V by about 1e-12 relative, which gfd leaves out."""
import sys

import numpy as np


def lse(L, axis):
    top = L.max(axis=axis, keepdims=True)
    return top + np.log(np.exp(L - top).sum(axis=axis, keepdims=True))


def logits(A, B, eps, mask):
    d2 = (A ** 2).sum(1)[:, None] - 2 * A @ B.T + (B ** 2).sum(1)[None, :]
    L = -d2 / eps
    if mask:
        np.fill_diagonal(L, -np.inf)
    return L


def one_sided(A, B, eps, mask):
    L = logits(A, B, eps, mask)
    return np.exp(L - lse(L, 1))


def two_sided(A, B, eps, mask):
    L = logits(A, B, eps, mask)
    t = 0.5 * ((L - lse(L, 1)) + (L - lse(L, 0)))
    P = np.exp(t - lse(t, 1)) + 1e-24
    return P / (P.sum(1, keepdims=True) + 1e-12)


def sinkhorn(A, B, eps, iters):
    t = logits(A, B, eps, False)
    for _ in range(iters):
        t = t - lse(t, 1)
        t = t - lse(t, 0)
    P = np.exp(t)
    return P / (P.sum(1, keepdims=True) + 1e-12)


def main():
    kind, fx, fy, fv, eps = sys.argv[1:6]
    eps, iters = float(eps), int(sys.argv[6]) if len(sys.argv) > 6 else 30
    load = lambda f: np.loadtxt(f, delimiter=",", ndmin=2)
    X, Y, V = load(fx), load(fy), load(fv)
    if kind == "sinkhorn":
        W = sinkhorn(X, Y, eps, iters) @ Y - sinkhorn(X, X, eps, iters) @ X
    else:
        plan = {"one-sided": one_sided, "two-sided": two_sided}[kind]
        W = plan(X, Y, eps, False) @ Y - plan(X, X, eps, True) @ X
    err = np.abs(V - W).max() / np.abs(W).max()
    print(f"{kind}: relative error {err:.3g}, max |v| {np.abs(W).max():.3g}")
    sys.exit(0 if err <= 1e-9 else 1)


main()
