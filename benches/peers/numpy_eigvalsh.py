#!/usr/bin/env python3
"""numpy peer of `cargo bench -p vitrum-theory --bench spectra` (dense_n500).

Times numpy.linalg.eigvalsh (LAPACK dsyevd via numpy's bundled OpenBLAS) on the same 1500x1500
dynamical matrix the Rust bench writes (raw little-endian float64, row-major), single-threaded.

    OPENBLAS_NUM_THREADS=1 python3 benches/peers/numpy_eigvalsh.py target-theory/ka3d_D.f64

Prints the median and minimum of the repeats, and checks the eigenvalues against
fixtures/ka3d/eigenvalues_analytic.txt.
"""
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "target-theory/ka3d_D.f64"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    d = np.fromfile(path, dtype="<f8")
    n = int(round(d.size ** 0.5))
    d = d.reshape(n, n)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        w = np.linalg.eigvalsh(d)
        times.append(time.perf_counter() - t0)
    ref = os.path.join(os.path.dirname(__file__), "../../fixtures/ka3d/eigenvalues_analytic.txt")
    if os.path.exists(ref) and n == 1500:
        r = np.loadtxt(ref)
        print(f"max |w - analytic| / max|w| = {np.max(np.abs(w - r)) / np.max(np.abs(r)):.2e}")
    times.sort()
    print(f"numpy {np.__version__} eigvalsh {n}x{n}: median {times[len(times) // 2] * 1e3:.1f} ms, "
          f"min {times[0] * 1e3:.1f} ms over {repeats} (OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']})")


if __name__ == "__main__":
    main()
