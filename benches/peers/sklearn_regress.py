#!/usr/bin/env python3
"""scikit-learn peer of vitrum-regress: timings for docs/performance.md and the OLS reference.

Usage (from the workspace root):
  OPENBLAS_NUM_THREADS=1 python3 benches/peers/sklearn_regress.py bench            # timings
  OPENBLAS_NUM_THREADS=1 python3 benches/peers/sklearn_regress.py bench ridgecv5   # only those
  OPENBLAS_NUM_THREADS=1 python3 benches/peers/sklearn_regress.py reference-ols    # writes
      fixtures/dataset-ka2d/sklearn/ols/ (LinearRegression on the same split as the other models)

The synthetic data (200 features -> 200 targets, collinear like g(r)) are generated from a
counter-based splitmix64 stream that crates/vitrum-regress/benches/regress.rs reproduces bit for bit.
Timed like the Criterion benches: the same problems, the same tolerances, single-threaded BLAS.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import ElasticNet, LinearRegression, RidgeCV  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "fixtures", "dataset-ka2d")
ALPHAS = np.logspace(-6, 2, 17)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def uniform(stream, count):
    """splitmix64 of counters k = stream * 2^40 + i + 1 (i < count), mapped to [0, 1)."""
    with np.errstate(over="ignore"):
        k = np.arange(count, dtype=np.uint64) + np.uint64(stream << 40) + np.uint64(1)
        z = k * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def synthetic(n, p=200, t=200, rank=10):
    """X = L M + noise (smooth basis M: collinear columns), Y = X B / sqrt(p) + noise."""
    lat = uniform(1, n * rank).reshape(n, rank) - 0.5
    j = np.arange(p)
    basis = np.array([np.sin((a + 1) * np.pi * (j + 0.5) / p) for a in range(rank)])
    x = lat @ basis + 0.01 * (uniform(2, n * p).reshape(n, p) - 0.5)
    b = uniform(3, p * t).reshape(p, t) - 0.5
    y = x @ b / np.sqrt(p) + 0.01 * (uniform(4, n * t).reshape(n, t) - 0.5)
    return x, y


def dataset():
    x = np.load(os.path.join(DATA, "features.npy"))
    y = np.load(os.path.join(DATA, "targets.npy"))
    return x[:120], y[:120], x[120:], y[120:]


def best_of(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench(only=None):
    """Times every problem, or only those whose name starts with `only` (e.g. "ridgecv5")."""
    wanted = lambda key: only is None or key.startswith(only)  # noqa: E731
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__,
           "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS")}
    xt, yt, _, _ = dataset()
    cases = [("ka2d", xt, yt)] + [(f"synthetic-{n}", *synthetic(n)) for n in (1000, 10000)]
    for name, x, y in cases:
        ridge = lambda: RidgeCV(alphas=ALPHAS, cv=KFold(5)).fit(x, y)  # noqa: E731
        if wanted("ridgecv5"):
            out[f"ridgecv5/{name}"] = best_of(ridge, 3 if x.shape[0] <= 1000 else 1)
        if not wanted("enet"):
            pass
        elif name == "ka2d":
            enet = lambda: ElasticNet(alpha=1e-5, l1_ratio=0.5, tol=1e-10, max_iter=200000).fit(x, y)  # noqa: E731
            out[f"enet/{name}"] = best_of(enet, 1)
        else:
            enet = lambda: ElasticNet(alpha=3e-2, l1_ratio=0.5, tol=1e-4, max_iter=10000).fit(x, y)  # noqa: E731
            out[f"enet/{name}"] = best_of(enet, 3 if x.shape[0] <= 1000 else 1)
        print(json.dumps({k: out[k] for k in out if k.endswith(name)}), flush=True)
    print(json.dumps(out, indent=1))


def reference_ols():
    xt, yt, xv, yv = dataset()
    m = LinearRegression().fit(xt, yt)
    d = os.path.join(DATA, "sklearn", "ols")
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "coef.npy"), m.coef_)
    np.save(os.path.join(d, "intercept.npy"), m.intercept_)
    pred = m.predict(xv)
    np.save(os.path.join(d, "pred_test.npy"), pred)
    from sklearn.metrics import r2_score
    meta = {
        "estimator": "LinearRegression", "params": m.get_params(),
        "split": "train = samples 0..119, test = samples 120..149 (raw features, no scaling)",
        "rank_": int(m.rank_),
        "test": {"r2_uniform_average": r2_score(yv, pred),
                 "r2_variance_weighted": r2_score(yv, pred, multioutput="variance_weighted")},
        "env": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "made_by": "benches/peers/sklearn_regress.py reference-ols",
    }
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "bench"
    if command == "bench":
        bench(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        {"reference-ols": reference_ols}[command]()
