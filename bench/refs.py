"""Reference implementations for the roofline bench: what an ML researcher writes with
numpy, PyTorch, scipy or POT (dense distance matrices, logsumexp / softmax, in chunks of
rows where the op allows), timed on the same data as gfd.

    refs.py OP LIB X.npy Y.npy H ROWS THREADS [--out OUT.npy] [--projections L]

OP    kde | kl | mmd | drift | sinkhorn-proxy | sliced | eval-mmd | eval-energy |
      eval-sinkhorn
LIB   numpy | torch32 | torch64 | scipy | pot  (torch32/64: the inputs are converted to
      float32/float64 before timing; the formulas are numpy's, written once)
X, Y  float64 N x d particles (kde: the query points) and M x d targets (the reference).
H     the Gaussian bandwidth h; ignored by drift, sliced and eval-energy.
ROWS  kde, kl, mmd (independent per query row): the first ROWS rows of X, against the
      whole of Y (and the whole of X for kl, mmd); every other op: the sub-clouds
      X[:ROWS], Y[:ROWS].
THREADS  OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS, set before numpy is
      imported; torch.set_num_threads for torch.
--out      save the result as float64: log-densities (R), a field (R x d) or a metric
           (1 element).
--projections  sliced: directions (default 64, gfd-velocity's default).

Prints `SECONDS ROWS_USED` (the computation alone, best of 2 runs; file loading and the
torch conversion are not timed), or `NA` when LIB has no implementation of OP. Exit 0.
R below is ROWS_USED; "pairs" is the count of point pairs one pass touches, for the
caller's rates.

kde            log p_h(x) = lse_j(-|x - y_j|^2 / (2h^2)) - log M - (d/2) log(2 pi h^2), the
               normalised KDE of MATH 2.1 (gfd-kde). R M pairs. scipy: gaussian_kde with
               covariance h^2 I.
kl             (m_p - m_q) / h^2 (MATH 3.1, 2.2), self pair kept. R (M + N) pairs.
mmd            sum_j k(x-y_j)(y_j-x)/(M h^2) - sum_i k(x-x_i)(x_i-x)/(N h^2), k unnormalised
               (MATH 3.5). R (M + N) pairs.
drift          MATH 3.4 (drift_loss.py, the defaults: laplace, temps 0.02,0.05,0.2, floor
               1e-6, self-mask +100, distance clamp 1e-8, RMS per temperature), dense.
               R 2R pairs.
sinkhorn-proxy MATH 3.6, eps = h^2 (gfd-velocity's default): per block A = K / sqrt(rowsum
               colsum), v = m+ m- (T+ - T-), self pairs kept. R 2R pairs.
sliced         numpy/torch: the field of MATH 3.7 with L directions (midpoint quantile
               levels, linear interpolation, clamped). The directions are this script's
               own random draws (seed 0), not gfd's streams, so it equals gfd's field only
               in expectation (exactly for d = 1, where every direction gives the same
               move). pot: ot.sliced_wasserstein_distance with L projections, the metric
               value (POT has no sliced field): the cost of the same projections and
               sorts. L x 2R projected points sorted.
eval-mmd       unbiased MMD^2 U-statistic of gfd-eval -m mmd --mmd-bw H (self pairs left
               out). 3 R^2 pairs.
eval-energy    2 E|X-Y| - E|X-X'| - E|Y-Y'| with U-statistics (gfd-eval -m energy).
               3 R^2 pairs.
eval-sinkhorn  S_eps = OT(a,b) - (OT(a,a) + OT(b,b))/2, cost |x-y|^2, eps = 2 h^2 (gfd-eval
               -m sinkhorn -b H's default), each OT_eps the dual value <a,f> + <b,g> of
               log-domain Sinkhorn. numpy/torch: plain alternating updates from zero
               potentials, stopped when the L1 error of the row marginal after the column
               update is <= 1e-6 (gfd's rule and tolerance), at most 10000 iterations; gfd
               instead anneals eps from the squared diameter and over-relaxes (omega 1.8),
               so it runs fewer iterations to the same fixed point; the values agree to
               second order in the marginal error (the dual is stationary there). pot:
               ot.sinkhorn(method="sinkhorn_log", stopThr=1e-6), whose test is the L2 error
               of the column marginal every 10 iterations, then the same dual value (POT's
               sinkhorn2 would return <P, C> alone, a different quantity). Three R x R
               blocks, two passes each per iteration.

Agreement with gfd (N = M = 300, d = 2 and 16, h = 0.5; max |ref - gfd| / max |gfd|):
float64 (numpy, torch64, scipy) within 1e-10 for the kernel ops and metrics, 1e-9 for
eval-sinkhorn (pot 3e-9: the stopping rules differ). torch32 within 1e-5, except two cancellations float32 cannot carry: the mmd field at
d = 16, h = 0.5 (1e-3; the particles are isolated, the self pair holds all of the q
softmax and m_q - x is 1e-7 of x; 1e-5 at h = 1), and the metrics, whose value is a small
difference of large means (their pair sums are therefore accumulated in float64). sliced
matches exactly at d = 1 and only in magnitude otherwise (its directions are not gfd's).

NA: scipy for everything but kde; pot for kde, kl, mmd, drift, eval-mmd, eval-energy (no
such routine in POT 0.8.2) and sinkhorn-proxy (POT's Sinkhorn iterates to a plan; the
one-shot sqrt(row x column softmax) is not among its solvers).
"""
import os
import sys

OPS = ("kde", "kl", "mmd", "drift", "sinkhorn-proxy", "sliced", "eval-mmd", "eval-energy",
       "eval-sinkhorn")
LIBS = ("numpy", "torch32", "torch64", "scipy", "pot")
CHUNK = 1024


def positional(argv):
    """The positional arguments of argv (options --out, --projections take a value)."""
    out, skip = [], False
    for a in argv:
        if skip or a.startswith("--"):
            skip = not skip and "=" not in a
            continue
        out.append(a)
    return out


if __name__ == "__main__" and len(positional(sys.argv[1:])) == 7:
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = positional(sys.argv[1:])[6]

import argparse  # noqa: E402
import time  # noqa: E402
import numpy as np  # noqa: E402
from scipy.special import logsumexp  # noqa: E402


class Numpy:
    """The array operations the ops need, numpy flavour."""
    exp, expm1, sqrt, zeros = np.exp, np.expm1, np.sqrt, np.zeros
    cat = staticmethod(np.concatenate)

    @staticmethod
    def convert(a):
        return np.asarray(a, dtype=np.float64)

    @staticmethod
    def lse(a, axis):
        return logsumexp(a, axis=axis)

    @staticmethod
    def sqdist(a, b):
        """|a_i - b_j|^2 by the BLAS expansion |a|^2 + |b|^2 - 2 a.b, clipped at 0."""
        d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
        return np.maximum(d2, 0)

    @staticmethod
    def clamp_min(a, lo):
        return np.maximum(a, lo)

    @staticmethod
    def sort(a):
        """Sorted columns and the row order that sorts each column."""
        order = np.argsort(a, axis=0)
        return np.take_along_axis(a, order, 0), order

    @staticmethod
    def unsort(a, order):
        """out[order[k, l], l] = a[k, l]."""
        out = np.empty_like(a)
        np.put_along_axis(out, order, a, 0)
        return out

    @staticmethod
    def total(a):
        return float(a.sum())

    @staticmethod
    def result(a):
        return np.asarray(a, dtype=np.float64)


def torch_backend(dtype):
    """The same operations on torch tensors of dtype."""
    import torch

    class Torch:
        exp, expm1, sqrt, cat = torch.exp, torch.expm1, torch.sqrt, torch.cat

        @staticmethod
        def zeros(n):
            return torch.zeros(n, dtype=dtype)

        @staticmethod
        def lse(a, axis):
            return torch.logsumexp(a, dim=axis)

        @staticmethod
        def sqdist(a, b):
            return torch.cdist(a, b).square()

        @staticmethod
        def clamp_min(a, lo):
            return torch.clamp(a, min=lo)

        @staticmethod
        def sort(a):
            return torch.sort(a, dim=0)

        @staticmethod
        def unsort(a, order):
            return torch.empty_like(a).scatter_(0, order, a)

        @staticmethod
        def total(a):
            """The sum, accumulated in float64 (float32 loses the metrics' cancellations)."""
            return float(a.sum(dtype=torch.float64))

        @staticmethod
        def result(a):
            return np.asarray(a.numpy() if torch.is_tensor(a) else a, dtype=np.float64)

        @staticmethod
        def convert(a):
            return torch.from_numpy(a).to(dtype)

    return Torch


# ---- the ops, written once for Numpy and Torch (B) ----

def by_rows(B, f, q):
    """f over blocks of CHUNK query rows, the outputs concatenated."""
    return B.cat([f(q[a:a + CHUNK]) for a in range(0, len(q), CHUNK)])


def mean_shift(B, q, ref, h):
    """lse_j(-|q - r_j|^2 / (2h^2)) and the softmax-weighted mean of ref (MATH 2.2)."""
    logit = -B.sqdist(q, ref) / (2 * h * h)
    lse = B.lse(logit, 1)
    return lse, B.exp(logit - lse[:, None]) @ ref


def kde(B, q, y, h):
    norm = np.log(len(y)) + 0.5 * y.shape[1] * np.log(2 * np.pi * h * h)
    return by_rows(B, lambda c: B.lse(-B.sqdist(c, y) / (2 * h * h), 1) - norm, q)


def kl(B, q, x, y, h):
    return by_rows(B, lambda c: (mean_shift(B, c, y, h)[1] - mean_shift(B, c, x, h)[1])
                   / (h * h), q)


def mmd(B, q, x, y, h):
    def rows(c):
        lp, mp = mean_shift(B, c, y, h)
        lq, mq = mean_shift(B, c, x, h)
        return (B.exp(lp - np.log(len(y)))[:, None] * (mp - c)
                - B.exp(lq - np.log(len(x)))[:, None] * (mq - c)) / (h * h)
    return by_rows(B, rows, q)


def sqrt_softmaxes(B, logit):
    """sqrt(softmax_rows * softmax_cols) = exp(L - r/2 - c/2), in the log domain."""
    return B.exp(logit - 0.5 * B.lse(logit, 1)[:, None] - 0.5 * B.lse(logit, 0)[None, :])


def drift(B, x, y, temps=(0.02, 0.05, 0.2), floor=1e-6):
    """MATH 3.4. F = c_neg X_s + c_pos Y_s - rowsum(c_neg + c_pos) x_s reduces to
    S_n (A_pos Y_s) - S_p (A_neg X_s), S the row masses: the last term cancels."""
    n, d = x.shape
    dist = B.sqrt(B.clamp_min(B.sqdist(x, B.cat([x, y])), 1e-8))
    scale = float(dist.mean())
    s_in = max(scale / np.sqrt(d), 1e-3)
    dn = dist / max(scale, 1e-3)
    dn[np.arange(n), np.arange(n)] += 100
    xs, ys = x / s_in, y / s_in
    v = 0
    for r in temps:
        a = B.clamp_min(sqrt_softmaxes(B, -dn / r), np.sqrt(floor))
        an, ap = a[:, :n], a[:, n:]
        f = an.sum(1)[:, None] * (ap @ ys) - ap.sum(1)[:, None] * (an @ xs)
        v = v + f / np.sqrt(max(float((f * f).mean()), 1e-8))
    return s_in * v


def sinkhorn_proxy(B, x, y, eps):
    """MATH 3.6: per block A = sqrt(row x column softmax); v = m- (A+ Y) - m+ (A- X),
    which is m+ m- (T+ - T-)."""
    ap = sqrt_softmaxes(B, -B.sqdist(x, y) / (2 * eps))
    an = sqrt_softmaxes(B, -B.sqdist(x, x) / (2 * eps))
    return an.sum(1)[:, None] * (ap @ y) - ap.sum(1)[:, None] * (an @ x)


def quantile_index(n, m):
    """Rank k of n at level (k + 0.5)/n on the targets' levels (j + 0.5)/m, clamped:
    the lower index j0 and the weight of j0 + 1."""
    pos = np.clip((np.arange(n) + 0.5) * m / n - 0.5, 0, m - 1)
    j0 = np.minimum(np.floor(pos).astype(np.int64), m - 2)
    return j0, (pos - j0)[:, None]


def sliced(B, x, y, projections):
    """MATH 3.7 with directions of numpy's generator (seed 0)."""
    theta = B.convert(np.random.default_rng(0).standard_normal((projections, x.shape[1])))
    theta = theta / B.sqrt((theta * theta).sum(1))[:, None]
    sx, order = B.sort(x @ theta.T)
    ty, _ = B.sort(y @ theta.T)
    j0, w = quantile_index(len(x), len(y))
    w = B.convert(w)
    q = ty[j0] * (1 - w) + ty[j0 + 1] * w
    return B.unsort(q - sx, order) @ theta / projections


def pair_mean(B, a, b, kernel, self_pairs):
    """Mean of kernel(|a_i - b_j|^2) over the pairs, i == j left out when self_pairs."""
    total = 0.0
    for s in range(0, len(a), CHUNK):
        k = kernel(B.sqdist(a[s:s + CHUNK], b))
        if self_pairs:
            i = np.arange(len(k))
            k[i, i + s] = 0
        total += B.total(k)
    return total / (len(a) * (len(b) - self_pairs))


def u_statistic(B, x, y, kernel):
    """E k(X, X') + E k(Y, Y') - 2 E k(X, Y), U-statistics."""
    return (pair_mean(B, x, x, kernel, 1) + pair_mean(B, y, y, kernel, 1)
            - 2 * pair_mean(B, x, y, kernel, 0))


def eval_mmd(B, x, y, h):
    return u_statistic(B, x, y, lambda d2: B.exp(-d2 / (2 * h * h)))


def eval_energy(B, x, y):
    return -u_statistic(B, x, y, B.sqrt)


def ot_eps(B, a, b, eps, tol=1e-6, max_iters=10000):
    """OT_eps for the cost |a_i - b_j|^2, uniform weights: log-domain Sinkhorn on the
    potentials f/eps, g/eps, stopped at the L1 row-marginal error tol; the dual value."""
    logit = -B.sqdist(a, b) / eps
    la, lb = -np.log(len(a)), -np.log(len(b))
    f = B.zeros(len(a))
    for _ in range(max_iters):
        g = -B.lse(logit + (f + la)[:, None], 0)
        f_new = -B.lse(logit + (g + lb)[None, :], 1)
        error = float(abs(B.expm1(f - f_new)).sum()) / len(a)
        f = f_new
        if error <= tol:
            break
    return eps * float(f.mean() + g.mean())  # the rows sum to a: the plan's mass is 1


def eval_sinkhorn(B, x, y, eps):
    return ot_eps(B, x, y, eps) - 0.5 * (ot_eps(B, x, x, eps) + ot_eps(B, y, y, eps))


GENERIC = {  # (B, q, x, y, h, projections): q = X[:ROWS] for kde, kl, mmd, else q is x
    "kde": lambda B, q, x, y, h, L: kde(B, q, y, h),
    "kl": lambda B, q, x, y, h, L: kl(B, q, x, y, h),
    "mmd": lambda B, q, x, y, h, L: mmd(B, q, x, y, h),
    "drift": lambda B, q, x, y, h, L: drift(B, x, y),
    "sinkhorn-proxy": lambda B, q, x, y, h, L: sinkhorn_proxy(B, x, y, h * h),
    "sliced": lambda B, q, x, y, h, L: sliced(B, x, y, L),
    "eval-mmd": lambda B, q, x, y, h, L: eval_mmd(B, x, y, h),
    "eval-energy": lambda B, q, x, y, h, L: eval_energy(B, x, y),
    "eval-sinkhorn": lambda B, q, x, y, h, L: eval_sinkhorn(B, x, y, 2 * h * h),
}
ROW_OPS = ("kde", "kl", "mmd")


# ---- scipy and POT ----

def scipy_kde(q, y, h):
    """scipy.stats.gaussian_kde with covariance h^2 I."""
    from scipy import stats

    class IsotropicKDE(stats.gaussian_kde):
        def __init__(self, data):
            self._data_covariance = np.eye(data.shape[0])
            self._data_cho_cov = np.eye(data.shape[0])
            super().__init__(data, bw_method=h)

    kde_ = IsotropicKDE(y.T)
    return lambda: kde_.logpdf(q.T)


def pot_ot_eps(a, b, eps):
    """OT_eps by ot.sinkhorn (log domain), as the dual value of its potentials (POT's
    log_u = f/eps + log a)."""
    import ot
    wa, wb = ot.unif(len(a)), ot.unif(len(b))
    _, log = ot.sinkhorn(wa, wb, ot.dist(a, b), eps, method="sinkhorn_log",
                         numItermax=10000, stopThr=1e-6, log=True, warn=False)
    return eps * (wa @ (log["log_u"] - np.log(wa)) + wb @ (log["log_v"] - np.log(wb)))


def pot_job(op, x, y, h, projections):
    import ot
    if op == "sliced":
        return lambda: ot.sliced_wasserstein_distance(x, y, n_projections=projections, seed=0)
    if op == "eval-sinkhorn":
        eps = 2 * h * h
        return lambda: pot_ot_eps(x, y, eps) - 0.5 * (pot_ot_eps(x, x, eps)
                                                      + pot_ot_eps(y, y, eps))
    return None


# ---- driver ----

def job(op, lib, x, y, h, rows, projections, threads):
    """A zero-argument callable computing OP with LIB on the prepared inputs, and the
    backend that turns its result into numpy; (None, None) when LIB lacks OP."""
    q, x, y = (x[:rows], x, y) if op in ROW_OPS else (x[:rows], x[:rows], y[:rows])
    if lib == "scipy":
        return (scipy_kde(q, y, h), Numpy) if op == "kde" else (None, None)
    if lib == "pot":
        return pot_job(op, x, y, h, projections), Numpy
    if lib == "numpy":
        B = Numpy
    else:
        import torch
        torch.set_num_threads(threads)
        B = torch_backend(torch.float32 if lib == "torch32" else torch.float64)
    q, x, y = B.convert(q), B.convert(x), B.convert(y)
    return (lambda: GENERIC[op](B, q, x, y, h, projections)), B


def best_of_2(compute):
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        out = compute()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    ap = argparse.ArgumentParser(description="Reference implementations for the bench.")
    ap.add_argument("op", choices=OPS)
    ap.add_argument("lib", choices=LIBS)
    ap.add_argument("x")
    ap.add_argument("y")
    ap.add_argument("h", type=float)
    ap.add_argument("rows", type=int)
    ap.add_argument("threads", type=int)
    ap.add_argument("--out")
    ap.add_argument("--projections", type=int, default=64)
    a = ap.parse_args()
    x, y = np.load(a.x), np.load(a.y)
    rows = min(a.rows, len(x)) if a.op in ROW_OPS else min(a.rows, len(x), len(y))
    compute, B = job(a.op, a.lib, x, y, a.h, rows, a.projections, a.threads)
    if compute is None:
        print("NA")
        return
    seconds, out = best_of_2(compute)
    if a.out:
        np.save(a.out, np.atleast_1d(B.result(out)))
    print(f"{seconds:.6g} {rows}")


if __name__ == "__main__":
    main()
