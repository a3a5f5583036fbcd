"""Independent checks of gfd-kde with numpy/scipy (Debian's python3-scipy).

kde_ref.py scipy Y Q H OUT        max relative error of OUT against scipy.stats.gaussian_kde
                                  with covariance H^2 I (log-density)
kde_ref.py score Y Q H OUT        max relative error of OUT against the numpy mean-shift score
kde_ref.py loo Y H OUT            max relative error against a numpy leave-one-out KDE
kde_ref.py bw RULE Y              the bandwidth of MATH 2.5 computed by numpy
kde_ref.py weighted Y W Q H OUT   max relative error against scipy.stats.gaussian_kde with
                                  weights W and covariance H^2 I
kde_ref.py diag Y Q H OUT [SCORE] max relative error against scipy.stats.gaussian_kde with
                                  covariance H^2 diag(std(Y)^2) (and of SCORE against numpy's)
"""
import sys
import numpy as np
from scipy import stats
from scipy.special import logsumexp


def load(path):
    return np.loadtxt(path, delimiter=",", ndmin=2) if path.endswith(".csv") else np.load(path)


class IsotropicKDE(stats.gaussian_kde):
    """gaussian_kde with covariance h^2 I: unit data covariance, factor h."""

    def __init__(self, data, h, weights=None):
        self._data_covariance = np.eye(data.shape[0])
        self._data_cho_cov = np.eye(data.shape[0])
        super().__init__(data, bw_method=h, weights=weights)


def rel(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def logp_numpy(y, q, h):
    d2 = ((q[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    return logsumexp(-d2 / (2 * h * h), axis=1) - np.log(len(y)) - y.shape[1] / 2 * np.log(2 * np.pi * h * h)


def main(argv):
    mode = argv[1]
    if mode == "scipy":
        y, q, h, out = load(argv[2]), load(argv[3]), float(argv[4]), load(argv[5])
        print(rel(out[:, 0], IsotropicKDE(y.T, h).logpdf(q.T)))
    elif mode == "score":
        y, q, h, out = load(argv[2]), load(argv[3]), float(argv[4]), load(argv[5])
        d2 = ((q[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        a = np.exp(-d2 / (2 * h * h) - logsumexp(-d2 / (2 * h * h), axis=1, keepdims=True))
        print(rel(out, (a @ y - q) / (h * h)))
    elif mode == "weighted":
        y, w, q, h, out = load(argv[2]), load(argv[3])[:, 0], load(argv[4]), float(argv[5]), load(argv[6])
        print(rel(out[:, 0], IsotropicKDE(y.T, h, weights=w).logpdf(q.T)))
    elif mode == "diag":
        y, q, h, out = load(argv[2]), load(argv[3]), float(argv[4]), load(argv[5])
        s = y.std(axis=0, ddof=1)
        kde = IsotropicKDE.__new__(IsotropicKDE)
        kde._data_covariance = np.diag(s * s)
        kde._data_cho_cov = np.diag(s)
        stats.gaussian_kde.__init__(kde, y.T, bw_method=h)
        errs = [rel(out[:, 0], kde.logpdf(q.T))]
        if len(argv) > 6:
            d2 = ((((q[:, None, :] - y[None, :, :]) / s) ** 2).sum(-1))
            a = np.exp(-d2 / (2 * h * h) - logsumexp(-d2 / (2 * h * h), axis=1, keepdims=True))
            errs.append(rel(load(argv[6]), (a @ y - q) / (h * h * s * s)))
        print(max(errs))
    elif mode == "loo":
        y, h, out = load(argv[2]), float(argv[3]), load(argv[4])
        d2 = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(d2, np.inf)
        ref = logsumexp(-d2 / (2 * h * h), axis=1) - np.log(len(y) - 1) - y.shape[1] / 2 * np.log(2 * np.pi * h * h)
        print(rel(out[:, 0], ref))
    elif mode == "bw":
        y = load(argv[3])
        m, d = y.shape
        sigma = np.sqrt(np.mean(np.var(y, axis=0, ddof=1)))
        if argv[2] == "scott":
            print(repr(sigma * m ** (-1 / (d + 4))))
        elif argv[2] == "silverman":
            print(repr(sigma * (4 / ((d + 2) * m)) ** (1 / (d + 4))))
        else:
            iu = np.triu_indices(m, 1)
            d2 = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)[iu]
            print(repr(np.sqrt(0.5 * np.median(d2) / np.log(m + 1))))


if __name__ == "__main__":
    main(sys.argv)
