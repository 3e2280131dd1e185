"""M2 through the sum-rule kernel K2 against M2 from the eigenvalues, for a Kob–Andersen 3D
dataset made by vitrum (format 2: meta.json lists a partial-rdf block), in numpy, independent of
vitrum's code: M2 = (1/d) sum_ab x_a x_b rho sum_k g_ab(r_k) [phi''(r_k) + (d-1) phi'(r_k)/r_k] V_k
(bin midpoints r_k, exact shell volumes V_k, each sample's density; physics.md), against
sum(lambda)/(dN) from eigenvalues.npy (the exact identity, zero modes included).

    python3 tests/peers/m2_through_k2.py DATASET_DIR

Prints the maximum and mean relative difference (the histogram's midpoint-quadrature error):
on the 150 native glasses of examples/ka3d.toml (1 Dec 2026) max 1.55e-2, mean 8.2e-3.
"""
import json
import sys

import numpy as np

KA = {(0, 0): (1.0, 1.0), (0, 1): (1.5, 0.8), (1, 1): (0.5, 0.88)}  # (epsilon, sigma), rc = 2.5 sigma


def main(path):
    meta = json.load(open(f"{path}/meta.json"))
    block = next(b for b in meta["features"] if b["kind"] == "partial-rdf")
    g = np.load(f"{path}/{block['file']}")
    edges = np.array(block["grid"]["edges"])
    eig = np.load(f"{path}/eigenvalues.npy")
    rho = np.array([s["density"] for s in meta["samples"]])
    x = np.array(meta["composition"], float)
    x /= x.sum()
    d = meta["dim"]
    assert d == 3 and len(x) == 2, "a binary 3D Kob–Andersen dataset"
    nb = len(edges) - 1
    r = 0.5 * (edges[1:] + edges[:-1])
    shells = 4 * np.pi / 3 * (edges[1:] ** 3 - edges[:-1] ** 3)
    m2 = np.zeros(len(g))
    for c, (a, b) in enumerate([(0, 0), (0, 1), (1, 1)]):
        eps, sig = KA[(a, b)]
        d1 = 4 * eps * (-12 * sig**12 / r**13 + 6 * sig**6 / r**7)
        d2 = 4 * eps * (156 * sig**12 / r**14 - 42 * sig**6 / r**8)
        f = np.where(r < 2.5 * sig, d2 + (d - 1) * d1 / r, 0.0)
        weight = x[a] * x[b] * (2 if a != b else 1)  # a-b and b-a
        m2 += weight / d * rho * (g[:, c * nb : (c + 1) * nb] * f * shells).sum(1)
    exact = eig.sum(1) / eig.shape[1]
    rel = np.abs(m2 / exact - 1)
    print(f"{len(g)} samples: max {rel.max():.3e}, mean {rel.mean():.3e} (mean M2 {exact.mean():.2f})")


if __name__ == "__main__":
    main(sys.argv[1])
