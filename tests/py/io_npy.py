"""Independent side of tests/io.bats: numpy writes the inputs and reads gfd's outputs.

  io_npy.py make KIND OUT   writes OUT (gzip'd when OUT ends in .gz) as KIND says
  io_npy.py same A B        A and B (.npy, any gzip, any frames) hold the same float64
                            values, bit for bit, frame for frame (A's f4 widened exactly)
  io_npy.py csv C B         the CSV file C, parsed by Python's float(), equals B bit for bit

Good KINDs go through numpy.save / numpy.lib.format.write_array; bad KINDs build the
exact defect the reader must reject."""
import gzip
import io
import sys

import numpy as np
from numpy.lib import format as npf


def values(rows=50, cols=3, seed=1):
    """Seeded normals over several decades, starting with the values a text round trip
    is most likely to lose: a non-terminating binary fraction, -0, subnormal, extremes."""
    a = np.random.default_rng(seed).standard_normal((rows, cols)) * 10.0 ** (np.arange(cols) % 7 - 3)
    special = [0.1, -0.0, 5e-324, np.finfo(np.float64).max, -np.finfo(np.float64).tiny]
    flat = a.reshape(-1)
    k = min(len(special), flat.size)
    flat[:k] = special[:k]
    return a


def header(f, shape, descr="<f8", fortran=False):
    npf.write_array_header_1_0(f, {"descr": descr, "fortran_order": fortran, "shape": shape})


def good(kind, f):
    if kind == "f8":
        np.save(f, values())
    elif kind == "f4":
        a = values()
        a.reshape(-1)[2:4] = [1e-45, 3.4e38]  # float32's subnormal and near-max
        np.save(f, a.astype("<f4"))
    elif kind == "v2":
        npf.write_array(f, values(7, 4), version=(2, 0))
    elif kind == "frames":
        for k, n in enumerate([5, 1, 8]):
            np.save(f, values(n, 2, seed=k))
    elif kind == "wide":
        np.save(f, values(3, 1000))
    else:
        return False
    return True


def bad(kind, f):
    a = values(4, 2)
    if kind == "big-endian":
        np.save(f, a.astype(">f8"))
    elif kind == "fortran":
        np.save(f, np.asfortranarray(values(4, 3)))
    elif kind == "3d":
        np.save(f, np.zeros((2, 3, 2)))
    elif kind == "1d":
        np.save(f, np.zeros(5))
    elif kind == "i4":
        np.save(f, np.zeros((3, 2), dtype="<i4"))
    elif kind == "no-rows":
        np.save(f, np.zeros((0, 2)))
    elif kind == "nan":
        a[2, 1] = np.nan
        np.save(f, a)
    elif kind == "inf":
        a[3, 0] = -np.inf
        np.save(f, a)
    elif kind == "lie":  # claims 10^12 rows, holds 4
        header(f, (10**12, 2))
        f.write(a.tobytes())
    elif kind == "cut-data":
        header(f, (4, 2))
        f.write(a.tobytes()[:-12])
    elif kind == "cut-header":
        b = io.BytesIO()
        np.save(b, a)
        f.write(b.getvalue()[:40])
    elif kind == "frame2-nan":
        np.save(f, a)
        a[1, 1] = np.nan
        np.save(f, a)
    else:
        sys.exit("io_npy.py: unknown kind " + kind)


def make(kind, out):
    with (gzip.open(out, "wb") if out.endswith(".gz") else open(out, "wb")) as f:
        good(kind, f) or bad(kind, f)


def frames(path):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    out = []
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
        while f.peek(1):
            out.append(np.load(f))
    return out


def bits(a):
    return np.ascontiguousarray(a, dtype="<f8").view("<u8")


def same(a_path, b_path):
    a, b = frames(a_path), frames(b_path)
    assert len(a) == len(b), f"{len(a)} frames vs {len(b)}"
    for k, (x, y) in enumerate(zip(a, b)):
        assert y.dtype == np.dtype("<f8"), f"frame {k + 1}: {b_path} has dtype {y.dtype}"
        assert x.shape == y.shape, f"frame {k + 1}: shape {x.shape} vs {y.shape}"
        assert np.array_equal(bits(x), bits(y)), f"frame {k + 1}: values differ"


def csv(c_path, b_path):
    with open(c_path) as f:
        rows = [[float(v) for v in line.split(",")] for line in f if line.strip()]
    (y,) = frames(b_path)
    x = np.array(rows, dtype="<f8")
    assert x.shape == y.shape, f"shape {x.shape} vs {y.shape}"
    assert np.array_equal(bits(x), bits(y)), "values differ"


if __name__ == "__main__":
    {"make": make, "same": same, "csv": csv}[sys.argv[1]](*sys.argv[2:])
