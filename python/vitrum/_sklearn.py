"""``LinearSPR``: vitrum's structure→spectrum linear models as a scikit-learn estimator."""

from __future__ import annotations

import json

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _vitrum


def _plain_arrays(X, y):
    """X and y are float64 numpy arrays (X 2-D and C-contiguous, y 1-D or 2-D) with the same
    number (≥ 2) of rows and finite values: the common case, which needs no conversion."""
    return (
        type(X) is np.ndarray and type(y) is np.ndarray
        and X.dtype == np.float64 and y.dtype == np.float64
        and X.ndim == 2 and y.ndim in (1, 2) and X.flags.c_contiguous
        and X.shape[0] == y.shape[0] >= 2 and X.shape[1] >= 1 and y.size > 0
        and np.isfinite(X).all() and np.isfinite(y).all()
    )


class LinearSPR(RegressorMixin, BaseEstimator):
    """Linear structure–property relation ŷ = W x + b fitted by vitrum-regress, as ``vitrum fit``.

    Parameters are those of ``vitrum fit``: ``backend`` any name of ``vitrum.estimator_names()``
    (``native-ridge``, ``native-lasso``, ``linfa-elasticnet``, ``mean``, ...); ``alpha``
    scikit-learn's α for the model of the same name, or None to choose it by ``cv``-fold
    cross-validation (contiguous folds, mean R², as ``RidgeCV(cv=K)``) over ``alphas`` (default
    10⁻⁶…10², 17 log-spaced values); ``l1_ratio`` the elastic-net ρ (a list is searched with
    ``cv``); ``standardize`` divides centred features by their standard deviation; ``pca`` keeps
    that many principal components; ``tol`` and ``max_iter`` for iterative solvers.

    The intercept is always fitted (centring, as scikit-learn's ``fit_intercept=True``). After
    ``fit``: ``model_`` (a ``vitrum.Model``; ``save``/``load`` use vitrum's model files, which
    ``vitrum predict`` reads), ``coef_`` ([targets × features], or [features] for a 1-D y),
    ``intercept_``, ``alpha_`` (the α used), ``n_iter_``, ``diagnostics_`` (the fit's
    diagnostics as in the model file: CV scores, train R², solver), ``n_features_in_``.
    """

    def __init__(self, backend="native-ridge", alpha=None, cv=5, alphas=None, l1_ratio=0.5,
                 standardize=False, pca=None, tol=1e-4, max_iter=1000):
        self.backend = backend
        self.alpha = alpha
        self.cv = cv
        self.alphas = alphas
        self.l1_ratio = l1_ratio
        self.standardize = standardize
        self.pca = pca
        self.tol = tol
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def fit(self, X, y, feature_grid=None, target_grid=None):
        """Fits on X [samples × features] and y [samples] or [samples × targets]; the optional
        grids (r and ω points) are stored in the model file and checked when it is applied."""
        if _plain_arrays(X, y):
            # what validate_data would conclude, without its ≈ 0.2 ms of generic checks: the
            # inputs are already 2-D (1-D y) finite float64 ndarrays with ≥ 2 rows
            self.n_features_in_ = X.shape[1]
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        else:
            X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                                 dtype=np.float64, ensure_min_samples=2)
        self._y_1d = y.ndim == 1
        Y = np.ascontiguousarray(y.reshape(-1, 1) if self._y_1d else y, dtype=np.float64)
        self._set_model(_vitrum.fit(
            np.ascontiguousarray(X), Y, *self._fit_arguments(),
            None if feature_grid is None else np.ascontiguousarray(feature_grid, dtype=np.float64),
            None if target_grid is None else np.ascontiguousarray(target_grid, dtype=np.float64),
        ))
        return self

    def _fit_arguments(self):
        """`_vitrum.fit`'s arguments after x and y, up to the grids."""
        l1 = self.l1_ratio
        l1_ratios = [float(v) for v in (l1 if np.ndim(l1) else [l1])]
        return (
            self.backend,
            None if self.alpha is None else float(self.alpha),
            None if self.cv is None else int(self.cv),
            None if self.alphas is None else [float(a) for a in self.alphas],
            l1_ratios, bool(self.standardize), None if self.pca is None else int(self.pca),
            float(self.tol), int(self.max_iter),
        )

    def _set_model(self, model):
        self.model_ = model
        self.alpha_ = model.hyper.get("alpha")
        # iterations of an iterative solver (the most any target took); 1 for a direct solve
        self.n_iter_ = model.n_iter
        coef, intercept = model.coef, model.intercept
        if coef is not None:
            self.coef_ = coef[0] if self._y_1d else coef
            self.intercept_ = float(intercept[0]) if self._y_1d else intercept

    @property
    def diagnostics_(self):
        """The fit's diagnostics as in the model file (CV scores, train R², solver), parsed
        when first asked for."""
        check_is_fitted(self, "model_")
        text = self.model_.diagnostics
        return json.loads(text) if text else {}

    def predict(self, X):
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Y = self.model_.predict(np.ascontiguousarray(X))
        return Y[:, 0] if self._y_1d else Y

    def save(self, path):
        """Writes the model file (``vitrum predict MODEL --features X.npy`` applies it)."""
        check_is_fitted(self, "model_")
        self.model_.save(str(path))

    @classmethod
    def load(cls, path):
        """A fitted estimator from a model file written by ``vitrum fit`` or :meth:`save`
        (2-D predictions, as the file does not say whether y was 1-D)."""
        model = _vitrum.load_model(str(path))
        est = cls(backend=model.estimator, alpha=model.hyper.get("alpha"), cv=None)
        est._y_1d = False
        est.n_features_in_ = model.n_features
        est._set_model(model)
        return est


class NeuralSPR(LinearSPR):
    """A neural baseline for the same structure→spectrum task, trained on CPU by vitrum-neural
    (candle, float32) as ``vitrum fit --backend mlp|cnn``: ``architecture`` ``"mlp"`` (a
    multilayer perceptron on the features) or ``"cnn"`` (a 1-D convolutional network, partial
    g_ab as channels when the features are a dataset's partials). Adam with early stopping on a
    validation split, seeded: the same data gives the same model, bit for bit, for a given
    number of threads. ``cv`` chooses the hidden width and learning rate by cross-validation
    (None: the defaults). Model files are ``vitrum fit``'s (``vitrum predict`` reads them).
    Not linear, so there is no ``coef_``.
    """

    def __init__(self, architecture="mlp", cv=None):
        self.architecture = architecture
        self.cv = cv

    def _fit_arguments(self):
        if self.architecture not in ("mlp", "cnn"):
            raise ValueError(f"architecture {self.architecture!r}: 'mlp' or 'cnn'")
        cv = None if self.cv is None else int(self.cv)
        return (self.architecture, None, cv, None, [0.5], False, None, 1e-4, 1000)

    @classmethod
    def load(cls, path):
        """A fitted estimator from a model file of kind mlp or cnn."""
        model = _vitrum.load_model(str(path))
        if model.estimator not in ("mlp", "cnn"):
            raise ValueError(f"{path}: a {model.estimator} model, not a neural one (LinearSPR.load)")
        est = cls(architecture=model.estimator, cv=None)
        est._y_1d = False
        est.n_features_in_ = model.n_features
        est._set_model(model)
        return est
