#!/usr/bin/env python3
"""sliced_ref.py X Y V: checks V (gfd-velocity -f sliced --only-v) in d = 1, where every
direction is +1 or -1 and the field is the same for both: v(x) = Q(u) - x, with u = (k+0.5)/N
the level of the particle of rank k and Q the targets' quantile function through
(sorted y_j, (j+0.5)/M), linear in between and clamped at the ends (MATH §3.7):
numpy.interp is exactly that. Tolerance 1e-12 absolute (unit-scale data)."""
import sys

import numpy as np

X, Y, V = (np.loadtxt(f, delimiter=",", ndmin=2)[:, 0] for f in sys.argv[1:4])
n, m = len(X), len(Y)
rank = np.empty(n, dtype=int)
rank[np.argsort(X, kind="stable")] = np.arange(n)
Q = np.interp((rank + 0.5) / n, (np.arange(m) + 0.5) / m, np.sort(Y))
err = np.abs(V - (Q - X)).max()
print(f"sliced d=1: max error {err:.3g}")
sys.exit(0 if err <= 1e-12 else 1)
