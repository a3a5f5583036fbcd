"""Pairs per second of numpy implementations of the kl, mmd and drift fields (the
reference for make bench): bench/numpy_fields.py FIELD X.npy Y.npy H ROWS.
Only the first ROWS particles are evaluated (in chunks, so no N x M matrix is held at
once); the rate is pairs per second of the field's own pair count: kl and mmd make one
pass over Y and one over X per particle (N (M + N) pairs); drift needs the column
softmax over all particles, so its rate is measured on an ROWS-particle sub-cloud."""
import sys
import time
import numpy as np
from scipy.special import logsumexp


def mean_shift(x, ref, h, chunk=512):
    lse, m = np.empty(len(x)), np.empty_like(x)
    for a in range(0, len(x), chunk):
        q = x[a:a + chunk]
        logit = -((q[:, None, :] - ref[None, :, :]) ** 2).sum(-1) / (2 * h * h)
        lse[a:a + chunk] = logsumexp(logit, axis=1)
        m[a:a + chunk] = np.exp(logit - lse[a:a + chunk, None]) @ ref
    return lse, m


def kl(x_eval, x, y, h):
    _, mp = mean_shift(x_eval, y, h)
    _, mq = mean_shift(x_eval, x, h)
    return (mp - mq) / (h * h)


def mmd(x_eval, x, y, h):
    lp, mp = mean_shift(x_eval, y, h)
    lq, mq = mean_shift(x_eval, x, h)
    return (np.exp(lp - np.log(len(y)))[:, None] * (mp - x_eval)
            - np.exp(lq - np.log(len(x)))[:, None] * (mq - x_eval)) / (h * h)


def drift(x, y, temps=(0.02, 0.05, 0.2), floor=1e-6):
    """MATH 3.4 with dense matrices (drift_loss.py's algorithm)."""
    n, d = x.shape
    t = np.concatenate([x, y])
    dist = np.sqrt(((x[:, None, :] - t[None, :, :]) ** 2).sum(-1))
    scale = dist.mean()
    s_in = max(scale / np.sqrt(d), 1e-3)
    dn = dist / max(scale, 1e-3)
    dn[np.arange(n), np.arange(n)] += 100
    xs, ts = x / s_in, t / s_in
    v = np.zeros_like(x)
    for r in temps:
        logit = -dn / r
        a = np.sqrt(np.maximum(np.exp(logit - logsumexp(logit, 1, keepdims=True))
                               * np.exp(logit - logsumexp(logit, 0, keepdims=True)), floor))
        an, ap = a[:, :n], a[:, n:]
        cn, cp = -an * ap.sum(1, keepdims=True), ap * an.sum(1, keepdims=True)
        f = cn @ xs + cp @ ts[n:] - (cn.sum(1) + cp.sum(1))[:, None] * xs
        v += f / np.sqrt(max((f ** 2).mean(), 1e-8))
    return s_in * v


def main(field, xpath, ypath, h, rows):
    x, y = np.load(xpath), np.load(ypath)
    t0 = time.perf_counter()
    if field == "drift":
        drift(x[:rows], y[:rows])
        pairs = rows * 2 * rows
    else:
        (kl if field == "kl" else mmd)(x[:rows], x, y, h)
        pairs = rows * (len(x) + len(y))
    print(pairs / (time.perf_counter() - t0))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
