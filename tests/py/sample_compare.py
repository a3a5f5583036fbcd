"""Two-sample check of gfd-sample against the published definitions: each toy set is
drawn here with numpy as FFJORD's lib/toy_data.py, WGAN-GP's gan_toy.py and sklearn's
make_moons / make_circles / make_swiss_roll define it (fixed counts per class and evenly
spaced angles where they use them), and compared with gfd-sample's points by
Kolmogorov-Smirnov tests on the radius and on projections at 0, 45, 90 and 135 degrees.
Fails when any p-value is below 1e-3 (the seeds are fixed, so a pass is reproducible).
Usage: sample_compare.py DIST FILE.npy [DIST FILE.npy ...]"""
import sys

import numpy as np
from scipy.stats import ks_2samp

pi = np.pi


def eight_gaussians(rng, n):
    s = 1 / np.sqrt(2)
    unit = np.array([(1, 0), (-1, 0), (0, 1), (0, -1), (s, s), (s, -s), (-s, s), (-s, -s)])
    return (4 * unit[rng.integers(0, 8, n)] + 0.5 * rng.standard_normal((n, 2))) / 1.414


def twentyfive_gaussians(rng, n):
    grid = np.array([(2 * i, 2 * j) for i in range(-2, 3) for j in range(-2, 3)], float)
    x = np.tile(grid, (n // 25, 1)) + 0.05 * rng.standard_normal((n // 25 * 25, 2))
    return rng.permutation(x) / 2.828


def checkerboard(rng, n):
    x1 = rng.random(n) * 4 - 2
    x2 = rng.random(n) - rng.integers(0, 2, n) * 2 + np.floor(x1) % 2
    return np.stack([x1, x2], 1) * 2


def moons(rng, n):
    t_out, t_in = np.linspace(0, pi, n // 2), np.linspace(0, pi, n - n // 2)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    x += 0.1 * rng.standard_normal(x.shape)
    return 2 * x + np.array([-1, -0.2])


def swissroll(rng, n):
    t = 1.5 * pi * (1 + 2 * rng.random(n))
    x = np.stack([t * np.cos(t), t * np.sin(t)], 1) + rng.standard_normal((n, 2))
    return x / 5


def circles(rng, n):
    t_out = np.linspace(0, 2 * pi, n // 2, endpoint=False)
    t_in = np.linspace(0, 2 * pi, n - n // 2, endpoint=False)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        0.5 * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    return 3 * (x + 0.08 * rng.standard_normal(x.shape))


def rings(rng, n):
    parts = []
    for radius, m in zip((3, 2.25, 1.5, 0.75), (n // 4, n // 4, n // 4, n - 3 * (n // 4))):
        t = np.linspace(0, 2 * pi, m, endpoint=False)
        parts.append(radius * np.stack([np.cos(t), np.sin(t)], 1))
    x = np.concatenate(parts)
    return x + 0.08 * rng.standard_normal(x.shape)


def pinwheel(rng, n):
    labels = np.repeat(np.arange(5), n // 5)
    f = rng.standard_normal((labels.size, 2)) * np.array([0.3, 0.1])
    f[:, 0] += 1
    a = 2 * pi * labels / 5 + 0.25 * np.exp(f[:, 0])
    c, s = np.cos(a), np.sin(a)
    return 2 * np.stack([f[:, 0] * c + f[:, 1] * s, -f[:, 0] * s + f[:, 1] * c], 1)


def two_spirals(rng, n):
    t = np.sqrt(rng.random(n // 2)) * 3 * pi
    arm = np.stack([-np.cos(t) * t, np.sin(t) * t], 1) + 0.5 * rng.random((n // 2, 2))
    x = np.concatenate([arm, -arm]) / 3
    return x + 0.1 * rng.standard_normal(x.shape)


DEFINITIONS = {
    "gaussian": lambda rng, n: rng.standard_normal((n, 2)),
    "uniform": lambda rng, n: rng.uniform(-1, 1, (n, 2)),
    "8gaussians": eight_gaussians, "25gaussians": twentyfive_gaussians,
    "checkerboard": checkerboard, "moons": moons, "swissroll": swissroll,
    "circles": circles, "rings": rings, "pinwheel": pinwheel, "2spirals": two_spirals,
}


def compare(dist, path):
    ours = np.load(path)
    ref = DEFINITIONS[dist](np.random.default_rng(12345), len(ours))
    stats = {"radius": lambda x: np.hypot(x[:, 0], x[:, 1])}
    for deg in (0, 45, 90, 135):
        u = np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
        stats[f"projection {deg}"] = lambda x, u=u: x @ u
    bad = []
    for name, f in stats.items():
        p = ks_2samp(f(ours), f(ref)).pvalue
        if p < 1e-3:
            bad.append(f"{name}: KS p = {p:.2g}")
    return [f"{dist}: " + "; ".join(bad)] if bad else []


def main(args):
    failures = sum((compare(d, p) for d, p in zip(args[::2], args[1::2])), [])
    assert not failures, "\n".join(failures)


if __name__ == "__main__":
    main(sys.argv[1:])
