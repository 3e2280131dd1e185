"""scikit-learn's KernelRidge on fixtures/dataset-ka2d, the reference of vitrum's kernel ridge.

RBF kernel at fixed γ = 1e-2 and α = 0.1 (near the best of a 5 × 5 grid on this split).
Training samples 0..119; the targets are centred by their training means before fitting and the
means added back to the predictions (KernelRidge fits no intercept; vitrum's kernel ridge
centres, which is this). Writes fixtures/dataset-ka2d/sklearn/kernel_ridge/{pred.npy [30 × 100],
meta.json}: predictions for samples 120..149.

    OPENBLAS_NUM_THREADS=1 python3 tests/peers/kernel_ridge.py
"""

import json
import pathlib

import numpy as np
import sklearn
from sklearn.kernel_ridge import KernelRidge
from sklearn.metrics import r2_score

root = pathlib.Path(__file__).resolve().parents[2]
data = root / "fixtures" / "dataset-ka2d"
out = data / "sklearn" / "kernel_ridge"
out.mkdir(parents=True, exist_ok=True)

x = np.load(data / "features.npy")
y = np.load(data / "targets.npy")
gamma, alpha = 1e-2, 0.1
mean = y[:120].mean(axis=0)
model = KernelRidge(kernel="rbf", gamma=gamma, alpha=alpha).fit(x[:120], y[:120] - mean)
pred = model.predict(x[120:]) + mean
np.save(out / "pred.npy", pred)
meta = {
    "estimator": "sklearn.kernel_ridge.KernelRidge(kernel='rbf')",
    "sklearn_version": sklearn.__version__,
    "numpy_version": np.__version__,
    "gamma": gamma,
    "alpha": alpha,
    "train": "0..120",
    "test": "120..150",
    "targets": "centred by the training mean before fitting, mean added to predictions",
    "r2_variance_weighted": r2_score(y[120:], pred, multioutput="variance_weighted"),
    "script": "tests/peers/kernel_ridge.py",
}
(out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
print(json.dumps(meta, indent=2))
