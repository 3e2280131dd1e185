//! Fitting and applying models through vitrum-regress, as `vitrum fit` / `vitrum predict` do:
//! the same estimators by name (the facade's registry: every model crate's), the same α search,
//! the same model files. The scikit-learn estimators `vitrum.LinearSPR` and `vitrum.NeuralSPR`
//! (python/vitrum/_sklearn.py) are thin layers over [`fit`] and [`Model`].

use crate::errors::{detached, guarded};
use anyhow::Context;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use vitrum::pipeline::study::parse_alphas;
use vitrum_regress::candidates::{ALPHA, L1_RATIO};
use vitrum_regress::{
    CvSpec, FitOptions, FittedAxes, LinearModel, PcaTruncation, Predictor, PreprocessOptions,
    SearchGrid, backend, fit_cv_estimator, kfold,
};

/// A fitted model (any kind a model file can hold). Pickles as its model-file text.
#[pyclass(module = "vitrum._vitrum", frozen)]
pub struct Model {
    inner: Box<dyn Predictor>,
}

impl Model {
    fn from_text(text: &str) -> PyResult<Model> {
        guarded(|| {
            Ok(Model {
                inner: vitrum::registry::model_from_json(text)?,
            })
        })
    }
}

#[pymethods]
impl Model {
    /// The model-file text (`vitrum predict` reads it).
    fn to_json(&self) -> PyResult<String> {
        guarded(|| Ok(self.inner.to_model_json()?))
    }

    /// Writes the model file atomically.
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        guarded(|| {
            let json = self.inner.to_model_json()?;
            vitrum_io::write_atomically(&path, |w| w.write_all(json.as_bytes()))?;
            Ok(())
        })
    }

    /// Targets `[samples × targets]` for raw features `[samples × features]`, with the GIL
    /// released.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let x = x.as_array();
        let y = detached(py, || Ok(self.inner.predict(x)?))?;
        Ok(y.into_pyarray(py))
    }

    /// Registry kind in the model file (`linear`, `mean`).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    /// The estimator that fitted it (`native-ridge`, ...).
    #[getter]
    fn estimator(&self) -> String {
        self.inner.estimator().to_string()
    }

    #[getter]
    fn n_features(&self) -> usize {
        self.inner.n_features()
    }

    #[getter]
    fn n_targets(&self) -> usize {
        self.inner.n_targets()
    }

    /// The hyper-parameters it was fitted with (α chosen by cross-validation where searched).
    #[getter]
    fn hyper<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.hyper().0 {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// `W` `[targets × features]` of ŷ = W x + b on raw features, or None for a model that is
    /// not linear.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<f64>>> {
        self.inner.linear_form().map(|(w, _)| w.into_pyarray(py))
    }

    /// `b` `[targets]`, or None for a model that is not linear.
    #[getter]
    fn intercept<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.inner.linear_form().map(|(_, b)| b.into_pyarray(py))
    }

    #[getter]
    fn feature_grid<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.inner
            .axes()
            .feature
            .clone()
            .map(|g| g.into_pyarray(py))
    }

    #[getter]
    fn target_grid<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.inner.axes().target.clone().map(|g| g.into_pyarray(py))
    }

    /// The fit's diagnostics as JSON text (solver iterations, cross-validation scores, train
    /// R², warnings) for linear models; None for other kinds.
    #[getter]
    fn diagnostics(&self) -> PyResult<Option<String>> {
        guarded(|| {
            let Some(m) = self.inner.as_any().downcast_ref::<LinearModel>() else {
                return Ok(None);
            };
            Ok(Some(serde_json::to_string(&m.diagnostics)?))
        })
    }

    /// Iterations of an iterative solver (the most any target took); 1 for a direct solve and
    /// for models that are not linear (scikit-learn's `n_iter_`).
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner
            .as_any()
            .downcast_ref::<LinearModel>()
            .and_then(|m| m.diagnostics.solver.n_iter.as_ref())
            .and_then(|n| n.iter().copied().max())
            .unwrap_or(1)
    }

    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let module = py.import("vitrum")?;
        Ok((module.getattr("_model_from_json")?, (self.to_json()?,)))
    }

    fn __repr__(&self) -> String {
        format!(
            "Model({}, {} features → {} targets, {})",
            self.inner.estimator(),
            self.inner.n_features(),
            self.inner.n_targets(),
            self.inner.hyper()
        )
    }
}

/// A model from its model-file text.
#[pyfunction]
pub fn model_from_json(text: &str) -> PyResult<Model> {
    Model::from_text(text)
}

/// A model file written by `vitrum fit` (or [`Model::save`]).
#[pyfunction]
pub fn load_model(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Model> {
    let inner = detached(py, || Ok(vitrum::registry::load_model(&path)?))?;
    Ok(Model { inner })
}

/// Fits `backend` on `x` `[samples × features]`, `y` `[samples × targets]` as `vitrum fit` does:
/// α fixed when given, else chosen by `cv`-fold cross-validation (contiguous folds) over `alphas`
/// (default 10^-6 … 10^2, 17 values, the CLI's `-6:2:17`), then refitted on every row.
#[pyfunction]
#[pyo3(signature = (x, y, backend="native-ridge", alpha=None, cv=Some(5), alphas=None, l1_ratio=vec![0.5], standardize=false, pca=None, tol=1e-4, max_iter=1000, feature_grid=None, target_grid=None))]
#[allow(clippy::too_many_arguments)]
pub fn fit<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    y: PyReadonlyArray2<'py, f64>,
    backend: &str,
    alpha: Option<f64>,
    cv: Option<usize>,
    alphas: Option<Vec<f64>>,
    l1_ratio: Vec<f64>,
    standardize: bool,
    pca: Option<usize>,
    tol: f64,
    max_iter: usize,
    feature_grid: Option<PyReadonlyArray1<'py, f64>>,
    target_grid: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Model> {
    let (x, y) = (x.as_array(), y.as_array());
    let axes = FittedAxes {
        feature: feature_grid.map(|g| g.as_array().to_owned()),
        target: target_grid.map(|g| g.as_array().to_owned()),
        features: None,
    };
    let inner = detached(py, || -> anyhow::Result<Box<dyn Predictor>> {
        let cv = if alpha.is_some() { None } else { cv };
        if let Some(k) = cv.filter(|&k| k < 2) {
            anyhow::bail!("cv = {k}: cross-validation needs at least 2 folds (e.g. cv=5)");
        }
        let alphas = match alphas {
            Some(a) => a,
            None => parse_alphas("-6:2:17")?,
        };
        let params = FitOptions::new()
            .alpha(alpha.unwrap_or(1.0))
            .l1_ratio(l1_ratio.first().copied().unwrap_or(0.5))
            .tol(tol)
            .max_iter(max_iter)
            .preprocess(PreprocessOptions {
                standardize,
                pca: pca.map(PcaTruncation::Components),
            })
            .validate()?;
        if let Ok(solver) = backend::by_name(backend) {
            let model = match cv {
                Some(k) => {
                    let spec = CvSpec {
                        alphas,
                        l1_ratios: l1_ratio.clone(),
                        folds: kfold(x.nrows(), k)?,
                    };
                    vitrum_regress::fit_cv(solver, x, y, &axes, &params, &spec)?
                }
                None => vitrum_regress::fit(solver, x, y, &axes, &params)?,
            };
            return Ok(Box::new(model));
        }
        // not a linear backend: any other estimator of any model crate (the `mean` baseline,
        // kernel ridge, the neural baselines), through the facade's registry as `vitrum fit`
        let estimator = vitrum::registry::estimator(backend, &params)?;
        Ok(match cv {
            Some(k) => {
                let grid = SearchGrid::new()
                    .axis(ALPHA, alphas)
                    .axis(L1_RATIO, l1_ratio.clone());
                let folds = kfold(x.nrows(), k)?;
                fit_cv_estimator(estimator.as_ref(), x, y, &axes, &grid, &folds)?.0
            }
            None => {
                let hyper = estimator
                    .candidates(&SearchGrid::new())
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                estimator
                    .fit(x, y, &axes, &hyper)
                    .with_context(|| format!("fitting {backend}"))?
            }
        })
    })?;
    Ok(Model { inner })
}

/// Every estimator name `fit` accepts.
#[pyfunction]
pub fn estimator_names() -> Vec<&'static str> {
    vitrum::registry::estimator_names()
}
