"""Pairs per second of scipy.stats.gaussian_kde.logpdf (covariance h^2 I) on the first
Q query rows: bench/scipy_kde.py Y.npy Q.npy H Q."""
import sys
import time
import numpy as np
from scipy import stats


class IsotropicKDE(stats.gaussian_kde):
    def __init__(self, data, h):
        self._data_covariance = np.eye(data.shape[0])
        self._data_cho_cov = np.eye(data.shape[0])
        super().__init__(data, bw_method=h)


y, q = np.load(sys.argv[1]), np.load(sys.argv[2])[: int(sys.argv[4])]
kde = IsotropicKDE(y.T, float(sys.argv[3]))
t = time.perf_counter()
kde.logpdf(q.T)
print(len(y) * len(q) / (time.perf_counter() - t))
