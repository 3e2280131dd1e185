"""The Python layer's cost: `vitrum.rdf` and `LinearSPR.fit` end to end from Python against the
same computation timed inside Rust (vitrum._vitrum._bench_*), in one process, interleaved.

    target/py-venv/bin/python python/benchmarks/overhead.py [--scale 1]

Prints a markdown table for docs/performance.md: medians over pairs of adjacent runs.
"""

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

import vitrum
from vitrum import _vitrum
from vitrum._atoms import to_arrays

ROOT = Path(__file__).resolve().parents[2]


def lattice_glass(n_side, seed=0):
    g = np.arange(n_side, dtype=np.float64)
    p = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    p += np.random.default_rng(seed).uniform(-0.3, 0.3, p.shape)
    return p, [float(n_side)] * 3


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def compare(name, python_call, rust_call, repeats):
    """Pairs of adjacent runs (order alternating), so that the load of the machine hits both
    sides of a pair alike: the overhead is the median of the pairs' differences."""
    python_call()  # warm-up (page faults, thread pool)
    py, rs = [], []
    for k in range(repeats):
        if k % 2:
            py.append(timed(python_call))
            rs.append(rust_call())
        else:
            rs.append(rust_call())
            py.append(timed(python_call))
    diff = statistics.median(p - r for p, r in zip(py, rs))
    r = statistics.median(rs)
    print(f"| {name} | {repeats} | {r * 1e3:.2f} | {statistics.median(py) * 1e3:.2f} | "
          f"{diff * 1e3:+.2f} | {100 * diff / r:+.1f} % |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1, help="multiply the repeats")
    scale = ap.parse_args().scale
    print(f"python {platform.python_version()}, numpy {np.__version__}; medians over pairs of adjacent runs\n")
    print("| call | pairs | Rust (ms) | Python (ms) | overhead (ms) | overhead |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")

    positions, cell = lattice_glass(47)  # 103 823 particles, unit density
    a = to_arrays(positions, cell=cell)
    compare(
        f"`vitrum.rdf`, N = {len(positions)}, r_max = 4, 200 bins",
        lambda: vitrum.rdf(positions, r_max=4.0, bins=200, cell=cell),
        lambda: _vitrum._bench_rdf(*a.args(), 4.0, 200, 1)[0],
        9 * scale,
    )

    prep = statistics.median(timed(lambda: to_arrays(positions, cell=cell)) for _ in range(21))
    print(f"| of which the Python side's preparation of the arrays (`to_arrays`) | 21 | | "
          f"{prep * 1e3:.2f} | | {100 * prep / statistics.median(_vitrum._bench_rdf(*a.args(), 4.0, 200, 3)):.1f} % |")

    ds = vitrum.load_dataset(ROOT / "fixtures" / "dataset-ka2d")
    X, Y = np.ascontiguousarray(ds.features[:120]), np.ascontiguousarray(ds.targets[:120])
    compare(
        "`LinearSPR(alpha=1e-2).fit`, dataset-ka2d 120 × 200 → 100",
        lambda: vitrum.LinearSPR(alpha=1e-2).fit(X, Y),
        lambda: _vitrum._bench_fit(X, Y, 1e-2, None, 1)[0],
        101 * scale,
    )
    compare(
        "`LinearSPR(cv=5).fit` (17 α × 5 folds + refit), dataset-ka2d",
        lambda: vitrum.LinearSPR(alpha=None, cv=5).fit(X, Y),
        lambda: _vitrum._bench_fit(X, Y, None, 5, 1)[0],
        21 * scale,
    )


if __name__ == "__main__":
    main()
