"""scikit-learn's lasso_path on fixtures/dataset-ka2d, the reference of vitrum's lasso path.

Each target column separately (a 2-D y would make lasso_path solve the multi-task lasso).
Training samples 0..119, features centred and targets centred by their training means (lasso_path
fits no intercept; vitrum's path centres, which is the same problem), five α from 1e-3 down to
3e-6 (decreasing, warm-started as lasso_path does), coordinate descent to a duality gap of 1e-12.
Writes fixtures/dataset-ka2d/sklearn/lasso_path/{alphas.npy, coef.npy [n_alphas, targets, features],
meta.json}.

    OPENBLAS_NUM_THREADS=1 python3 tests/peers/lasso_path.py
"""

import json
import pathlib

import numpy as np
import sklearn
from sklearn.linear_model import lasso_path

root = pathlib.Path(__file__).resolve().parents[2]
data = root / "fixtures" / "dataset-ka2d"
out = data / "sklearn" / "lasso_path"
out.mkdir(parents=True, exist_ok=True)

x = np.load(data / "features.npy")[:120]
y = np.load(data / "targets.npy")[:120]
xc = x - x.mean(axis=0)
yc = y - y.mean(axis=0)
alphas = np.array([1e-3, 1e-4, 3e-5, 1e-5, 3e-6])
# one target at a time: with a 2-D y, lasso_path solves the multi-task (group) lasso instead
coef = np.zeros((len(alphas), y.shape[1], x.shape[1]))
gaps = []
for t in range(y.shape[1]):
    _, c, g = lasso_path(xc, yc[:, t], alphas=alphas, tol=1e-12, max_iter=1_000_000)
    coef[:, t, :] = c.T
    gaps.extend(g)
np.save(out / "alphas.npy", alphas)
np.save(out / "coef.npy", coef)
meta = {
    "estimator": "sklearn.linear_model.lasso_path",
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "objective": "(1/(2n)) ||yc - Xc w||^2 + alpha ||w||_1 per target, Xc and yc centred by the training means (samples 0..119)",
    "alphas": alphas.tolist(),
    "tol": 1e-12,
    "max_iter": 1_000_000,
    "dual_gaps_max": float(np.max(gaps)),
    "nonzero_per_alpha_mean": [float(np.mean(np.count_nonzero(c, axis=1))) for c in coef],
    # at most n - 1 = 119 active features: the lasso solution is then unique (features in
    # general position), so coefficients, not only objectives, can be compared
    "nonzero_per_alpha_max": [int(np.max(np.count_nonzero(c, axis=1))) for c in coef],
}
(out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
print(json.dumps(meta, indent=1))
