"""Checks of gfd-flow's outputs with numpy.

flow_check.py log LOG T K ETA G     rows at K, 2K, .., T; eta column = ETA G^(step-1)
flow_check.py anneal LOG H0 H1 T    bandwidth of step s = H0 (H1/H0)^((s-1)/(T-1))
flow_check.py frames FILE N ROWS    FILE holds N .npy frames of ROWS rows
flow_check.py finite FILE           every value is finite
"""
import sys
import numpy as np


def load_log(path):
    """The rows of the steps taken: the first row, step 0 (the start: eta 0, no |v|), is
    checked and dropped."""
    log = np.genfromtxt(path, delimiter=",", names=True)
    first = log[0]
    assert first["step"] == 0 and first["time"] == 0 and first["eta"] == 0, first
    assert np.isnan(first["mean_v"]) and np.isnan(first["max_v"]), first
    return log[1:]


def main(argv):
    mode = argv[1]
    if mode == "log":
        log, T, K, eta, g = load_log(argv[2]), int(argv[3]), int(argv[4]), float(argv[5]), float(argv[6])
        steps = np.arange(K, T + 1, K)
        assert np.array_equal(log["step"], steps), log["step"]
        want = eta * g ** (steps - 1)
        assert np.allclose(log["eta"], want, rtol=1e-14, atol=0), (log["eta"], want)
        assert np.allclose(log["time"], np.cumsum(eta * g ** np.arange(T))[steps - 1], rtol=1e-12)
    elif mode == "anneal":
        log, h0, h1, T = load_log(argv[2]), float(argv[3]), float(argv[4]), int(argv[5])
        want = h0 * (h1 / h0) ** ((log["step"] - 1) / (T - 1))
        assert np.allclose(log["bandwidth"], want, rtol=1e-14, atol=0), (log["bandwidth"], want)
    elif mode == "frames":
        frames = []
        with open(argv[2], "rb") as f:
            while f.peek(1):
                frames.append(np.load(f))
        assert len(frames) == int(argv[3]), len(frames)
        assert all(fr.shape[0] == int(argv[4]) for fr in frames)
    elif mode == "finite":
        assert np.all(np.isfinite(np.load(argv[2])))


if __name__ == "__main__":
    main(sys.argv)
