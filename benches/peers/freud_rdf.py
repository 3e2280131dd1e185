#!/usr/bin/env python3
"""Times freud's RDF on exactly the points `cargo bench --bench rdf` uses (SplitMix64, seed 42).

    python3 -m pip install freud-analysis numpy
    python3 benches/peers/freud_rdf.py [--threads 2] [--repeats 5]

Prints one line per case: dim, N, best and median wall time of freud.density.RDF.compute.
"""
import argparse
import time

import numpy as np

MASK = (1 << 64) - 1


def splitmix64(seed, count):
    """The same generator as benches/points.rs, vectorised with numpy uint64 arithmetic."""
    with np.errstate(over="ignore"):
        k = np.arange(1, count + 1, dtype=np.uint64)
        z = (np.uint64(seed) + k * np.uint64(0x9E3779B97F4A7C15)).astype(np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def random_points(n, rho, dim, seed=42):
    length = (n / rho) ** (1.0 / dim)
    u = splitmix64(seed, n * dim).reshape(n, dim) * length
    points = np.zeros((n, 3))
    points[:, :dim] = u
    return length, points


def main():
    import freud

    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    freud.parallel.set_num_threads(args.threads)
    print(f"freud {freud.__version__}, {args.threads} thread(s)")
    for dim in (2, 3):
        for n in (10_000, 100_000):
            length, points = random_points(n, 1.2, dim)
            box = freud.box.Box.square(length) if dim == 2 else freud.box.Box.cube(length)
            if dim == 2:
                points[:, 2] = 0.0
            # freud wants points inside [-L/2, L/2)
            points[:, :dim] -= length / 2
            rdf = freud.density.RDF(bins=200, r_max=5.0, normalization_mode="exact")
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                rdf.compute((box, points.astype(np.float32)), reset=True)
                times.append(time.perf_counter() - start)
            times.sort()
            print(f"{dim}D N={n}: best {times[0]:.4f} s, median {times[len(times) // 2]:.4f} s")


if __name__ == "__main__":
    main()
