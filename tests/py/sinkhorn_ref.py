#!/usr/bin/env python3
"""sinkhorn_ref.py MODE X Y V EPS: checks V (gfd-velocity --only-v) for MATH §3.6.
MODE sinkhorn: v = T_qp - T_qq with barycentric maps of the plans of POT's
  ot.bregman.sinkhorn_log (cost |x-y|^2/2, reg = EPS, run to convergence); the maps of
  converged plans agree to the stopping threshold: tolerance 1e-6 absolute (unit data).
MODE proxy | proxy-nocross: a numpy transcription on full matrices,
  A = K / sqrt(rowsum(K) colsum(K)) per block, v = m+ m- (T+ - T-) (or T+ - T-);
  tolerance 1e-9 relative (max norm), float64 both sides."""
import sys

import numpy as np


def cost(A, B):
    return 0.5 * ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)


def pot_map(A, B, eps):
    import ot
    a, b = np.full(len(A), 1 / len(A)), np.full(len(B), 1 / len(B))
    P = ot.bregman.sinkhorn_log(a, b, cost(A, B), eps, numItermax=100000, stopThr=1e-13)
    return P @ B / P.sum(1, keepdims=True)


def proxy_block(A, B, eps):
    K = np.exp(-cost(A, B) / eps)
    Aff = K / np.sqrt(K.sum(1, keepdims=True) * K.sum(0, keepdims=True))
    m = Aff.sum(1)
    return m, Aff @ B / m[:, None]


def main():
    mode, fx, fy, fv, eps = sys.argv[1:6]
    eps = float(eps)
    load = lambda f: np.loadtxt(f, delimiter=",", ndmin=2)
    X, Y, V = load(fx), load(fy), load(fv)
    if mode == "sinkhorn":
        W = pot_map(X, Y, eps) - pot_map(X, X, eps)
        err, tol = np.abs(V - W).max(), 1e-6
    else:
        mp, Tp = proxy_block(X, Y, eps)
        mn, Tn = proxy_block(X, X, eps)
        w = 1.0 if mode == "proxy-nocross" else (mp * mn)[:, None]
        W = w * (Tp - Tn)
        err, tol = np.abs(V - W).max() / np.abs(W).max(), 1e-9
    print(f"{mode}: error {err:.3g} (tolerance {tol:g}), max |v| {np.abs(W).max():.3g}")
    sys.exit(0 if err <= tol else 1)


main()
