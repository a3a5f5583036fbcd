"""An independent reader of gfd's model file (gfd-train(1), MODEL FILE) and the network's forward
pass in numpy: `gfdm.py MODEL NOISE.csv` prints the samples f(z) as CSV, to compare with
gfd-generate --noise (MLP and residual MLP). `gfdm.py damage KIND IN OUT` writes a broken copy
for the loader's error tests: magic, version, truncated, flipped (a weight byte: checksum
mismatch), absurd (a huge hidden width, checksum made right), trailing (bytes after the end)."""
import struct
import sys

import numpy as np


def fnv1a(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def damage(kind, src, dst):
    b = bytearray(open(src, "rb").read())
    if kind == "magic":
        b[0:8] = b"NOTMODEL"
    elif kind == "version":
        struct.pack_into("<I", b, 8, 7)
        struct.pack_into("<Q", b, len(b) - 8, fnv1a(b[:-8]))
    elif kind == "truncated":
        b = b[: len(b) // 2]
    elif kind == "flipped":
        b[len(b) // 2] ^= 0x10
    elif kind == "absurd":
        struct.pack_into("<I", b, 48, 4000000000)
        struct.pack_into("<Q", b, len(b) - 8, fnv1a(b[:-8]))
    elif kind == "trailing":
        b += b"junk"
    open(dst, "wb").write(bytes(b))


def read(path):
    b = open(path, "rb").read()
    assert b[:8] == b"GFDMODEL", "bad magic"
    h = struct.unpack_from("<10I", b, 8)
    version, kind, flags, zdim, dout, width, blocks, nhidden = h[:8]
    assert version == 1
    off = 48
    hidden = list(struct.unpack_from(f"<{nhidden}I", b, off))
    off += 4 * nhidden
    res_scale, P = struct.unpack_from("<dQ", b, off)
    w = np.frombuffer(b, "<f8", P, off + 16)
    (checksum,) = struct.unpack_from("<Q", b, len(b) - 8)
    assert fnv1a(b[:-8]) == checksum, "checksum"
    return dict(kind=kind, sphere=flags & 1, zdim=zdim, dout=dout, width=width, blocks=blocks,
                hidden=hidden, res_scale=res_scale, w=w)


class Params:
    def __init__(self, w):
        self.w, self.k = w, 0

    def take(self, *shape):
        n = int(np.prod(shape))
        out = self.w[self.k:self.k + n].reshape(shape)
        self.k += n
        return out


def linear(p, x, n_in, n_out):
    W, b = p.take(n_out, n_in), p.take(n_out)
    return x @ W.T + b


def norm(p, x):
    g, b = p.take(x.shape[1]), p.take(x.shape[1])
    mu, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + 1e-5) + b


def silu(x):
    return x / (1 + np.exp(-x))


def forward(m, z):
    p, x, n = Params(m["w"]), z, m["zdim"]
    if m["kind"] == 1:
        for h in m["hidden"]:
            x, n = silu(linear(p, x, n, h)), h
    else:
        h = m["width"]
        x, n = silu(norm(p, linear(p, x, n, h))), h
        for _ in range(m["blocks"]):
            t = silu(norm(p, linear(p, x, h, 2 * h)))
            x = x + m["res_scale"] * norm(p, linear(p, t, 2 * h, h))
    x = linear(p, x, n, m["dout"])
    assert p.k == len(m["w"]), "parameters left over"
    if m["sphere"]:
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return x


if __name__ == "__main__" and sys.argv[1] == "damage":
    damage(*sys.argv[2:5])
elif __name__ == "__main__":
    m = read(sys.argv[1])
    z = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
    np.savetxt(sys.stdout, forward(m, z), delimiter=",", fmt="%.17g")
