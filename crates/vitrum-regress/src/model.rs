//! The fitted [`LinearModel`]: plain data, serialisable, with everything prediction needs
//! (preprocessing, grids) and everything a reader of a study needs (backend, hyper-parameters,
//! diagnostics). Also [`fit`], the one entry point that turns a backend and data into a model.

use crate::backend::{Backend, SolverInfo, SolverOutput};
use crate::cv::CvReport;
use crate::data::{check_finite, check_nonempty, check_training_data, constant_columns};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use crate::metrics;
use crate::preprocess::Preprocessing;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the model-file layout; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The grids the columns of the features (r) and targets (ω) live on. Optional: plain arrays
/// without grids fit too, and then only the column counts are checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grids {
    /// Feature grid (e.g. r bin midpoints), one value per feature column.
    pub feature: Option<Array1<f64>>,
    /// Target grid (e.g. ω bin midpoints), one value per target column.
    pub target: Option<Array1<f64>>,
}

/// What the fit saw and how it went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FitDiagnostics {
    /// Training samples.
    pub n_samples: usize,
    /// Raw feature columns.
    pub n_features: usize,
    /// Target columns.
    pub n_targets: usize,
    /// Objective per target at the fitted weights, in scikit-learn's formula for the model
    /// (ridge/OLS: `‖y − Xw − b‖² + α‖w‖²`; lasso/elastic net: `(1/2n)‖y − Xw − b‖² +
    /// α(ρ‖w‖₁ + (1−ρ)/2‖w‖²)`; multi-task: one value for all targets), on preprocessed features.
    pub objective_train: Vec<f64>,
    /// Training R², uniform average (scikit-learn `r2_score`).
    pub train_r2_uniform: f64,
    /// Target columns constant over the training samples (fitted exactly: zero weights, intercept
    /// equal to the constant).
    pub constant_target_columns: Vec<usize>,
    /// Solver diagnostics.
    pub solver: SolverInfo,
    /// Cross-validation report, when α (and ρ) were chosen by cross-validation.
    pub cv: Option<CvReport>,
    /// Human-readable warnings (non-convergence, constant targets).
    pub warnings: Vec<String>,
}

/// A fitted linear model `ŷ = W z(x) + b`, `z` the stored preprocessing of the raw features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// [`FORMAT_VERSION`] at writing.
    pub format_version: u32,
    /// Registry name of the backend that fitted it.
    pub backend: String,
    /// Model family.
    pub kind: ModelKind,
    /// Hyper-parameters (α as chosen, when chosen by cross-validation).
    pub params: FitParams,
    /// Grids of the training data.
    pub grids: Grids,
    /// Feature preprocessing, re-applied at prediction.
    pub preprocessing: Preprocessing,
    /// Weights on preprocessed features, `[targets × k]`.
    pub w: Array2<f64>,
    /// Intercepts, `[targets]`.
    pub b: Array1<f64>,
    /// Fit diagnostics.
    pub diagnostics: FitDiagnostics,
}

/// Checks that a grid has one value per column.
fn check_grid_len(what: &'static str, grid: Option<&Array1<f64>>, n: usize) -> Result<()> {
    match grid {
        Some(g) if g.len() != n => Err(RegressError::GridMismatch {
            what,
            expected: g.len(),
            found: n,
            expected_range: range_text(g.view()),
            found_range: " (data columns)".into(),
        }),
        _ => Ok(()),
    }
}

fn range_text(g: ArrayView1<f64>) -> String {
    match (g.first(), g.last()) {
        (Some(a), Some(b)) => format!(" on [{a}, {b}]"),
        _ => String::new(),
    }
}

/// Preprocesses, centres and solves; `alphas` gives a path (one output per α) in one call.
pub(crate) struct Core {
    pub pre: Preprocessing,
    pub y_mean: Array1<f64>,
    pub z: Array2<f64>,
    pub yc: Array2<f64>,
    pub outputs: Vec<SolverOutput>,
}

pub(crate) fn fit_core(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    params: &FitParams,
    alphas: &[f64],
) -> Result<Core> {
    check_training_data(x, y)?;
    let (pre, z) = Preprocessing::fit(x, &params.preprocess)?;
    let y_mean = y
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(y.ncols()));
    let yc = &y - &y_mean;
    let outputs = backend.solve_path(z.view(), yc.view(), params, alphas)?;
    Ok(Core {
        pre,
        y_mean,
        z,
        yc,
        outputs,
    })
}

/// Fits `backend` on raw features `x` `[samples × features]` and targets `y`
/// `[samples × targets]`, with the unpenalised intercept fitted by centring (as scikit-learn).
///
/// Constant target columns (spectral bins empty in every training sample) are fitted exactly
/// (weights 0, intercept the constant) and listed in the diagnostics with a warning, unless
/// [`crate::FitOptions::reject_constant_targets`] asks for an error.
pub fn fit(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    grids: &Grids,
    params: &FitParams,
) -> Result<LinearModel> {
    check_grid_len("the feature grid", grids.feature.as_ref(), x.ncols())?;
    check_grid_len("the target grid", grids.target.as_ref(), y.ncols())?;
    check_training_data(x, y)?;
    let constant = constant_columns(y);
    if params.reject_constant_targets && !constant.is_empty() {
        return Err(RegressError::ConstantTarget { columns: constant });
    }
    let mut core = fit_core(backend, x, y, params, &[params.alpha])?;
    let out = core.outputs.remove(0);
    Ok(assemble(
        backend,
        core,
        out,
        *params,
        grids.clone(),
        constant,
    ))
}

pub(crate) fn assemble(
    backend: &dyn Backend,
    core: Core,
    out: SolverOutput,
    params: FitParams,
    grids: Grids,
    constant: Vec<usize>,
) -> LinearModel {
    let kind = backend.kind();
    let objective_train = objective(kind, &params, core.z.view(), core.yc.view(), &out.w);
    let fitted = core.z.dot(&out.w.t());
    let train_r2_uniform = metrics::r2_uniform(core.yc.view(), fitted.view());
    let mut warnings = Vec::new();
    if !constant.is_empty() {
        warnings.push(format!(
            "{} target column(s) constant over the training samples ({:?}); fitted as that constant",
            constant.len(),
            constant
        ));
    }
    if out.info.converged == Some(false) {
        warnings.push(format!(
            "{} did not reach tol {} within {} iterations for every target; raise max_iter",
            backend.name(),
            params.tol,
            params.max_iter
        ));
    }
    LinearModel {
        format_version: FORMAT_VERSION,
        backend: backend.name().to_string(),
        kind,
        params,
        grids,
        diagnostics: FitDiagnostics {
            n_samples: core.z.nrows(),
            n_features: core.pre.n_features_in(),
            n_targets: core.yc.ncols(),
            objective_train,
            train_r2_uniform,
            constant_target_columns: constant,
            solver: out.info,
            cv: None,
            warnings,
        },
        preprocessing: core.pre,
        w: out.w,
        b: core.y_mean,
    }
}

/// scikit-learn's objective per target (see [`FitDiagnostics::objective_train`]).
pub fn objective(
    kind: ModelKind,
    p: &FitParams,
    z: ArrayView2<f64>,
    yc: ArrayView2<f64>,
    w: &Array2<f64>,
) -> Vec<f64> {
    let resid = &yc - &z.dot(&w.t());
    let n = z.nrows() as f64;
    let rss = resid.map_axis(Axis(0), |c| c.dot(&c));
    let l1 = w.map_axis(Axis(1), |r| r.mapv(f64::abs).sum());
    let l2 = w.map_axis(Axis(1), |r| r.dot(&r));
    let rho = kind.effective_l1_ratio(p.l1_ratio);
    match kind {
        ModelKind::Ols => rss.to_vec(),
        ModelKind::Ridge => (&rss + &(l2 * p.alpha)).to_vec(),
        ModelKind::Lasso | ModelKind::ElasticNet => {
            (&rss / (2.0 * n) + &(l1 * (p.alpha * rho)) + &(l2 * (0.5 * p.alpha * (1.0 - rho))))
                .to_vec()
        }
        ModelKind::MultiTaskElasticNet => {
            let l21: f64 = w.axis_iter(Axis(1)).map(|c| c.dot(&c).sqrt()).sum();
            vec![
                rss.sum() / (2.0 * n)
                    + p.alpha * rho * l21
                    + 0.5 * p.alpha * (1.0 - rho) * l2.sum(),
            ]
        }
    }
}

fn grids_match(a: ArrayView1<f64>, b: ArrayView1<f64>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|(u, v)| (u - v).abs() <= 1e-9 * u.abs().max(v.abs()).max(1.0))
}

impl LinearModel {
    /// Number of raw features the model expects.
    pub fn n_features(&self) -> usize {
        self.preprocessing.n_features_in()
    }

    /// Number of targets it predicts.
    pub fn n_targets(&self) -> usize {
        self.w.nrows()
    }

    /// Fails unless `grid` is the feature grid the model was fitted on (1e-9 relative per point).
    pub fn check_feature_grid(&self, grid: ArrayView1<f64>) -> Result<()> {
        self.check_grid(
            "the feature grid",
            self.grids.feature.as_ref(),
            grid,
            self.n_features(),
        )
    }

    /// Fails unless `grid` is the target grid the model was fitted on.
    pub fn check_target_grid(&self, grid: ArrayView1<f64>) -> Result<()> {
        self.check_grid(
            "the target grid",
            self.grids.target.as_ref(),
            grid,
            self.n_targets(),
        )
    }

    fn check_grid(
        &self,
        what: &'static str,
        own: Option<&Array1<f64>>,
        grid: ArrayView1<f64>,
        n: usize,
    ) -> Result<()> {
        let ok = match own {
            Some(g) => grids_match(g.view(), grid),
            None => grid.len() == n,
        };
        if ok {
            return Ok(());
        }
        Err(RegressError::GridMismatch {
            what,
            expected: own.map_or(n, |g| g.len()),
            found: grid.len(),
            expected_range: own.map_or_else(String::new, |g| range_text(g.view())),
            found_range: range_text(grid),
        })
    }

    /// Predicts targets `[samples × targets]` from raw features `[samples × features]`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_nonempty("features", x)?;
        if x.ncols() != self.n_features() {
            return Err(RegressError::GridMismatch {
                what: "the feature grid",
                expected: self.n_features(),
                found: x.ncols(),
                expected_range: self
                    .grids
                    .feature
                    .as_ref()
                    .map_or_else(String::new, |g| range_text(g.view())),
                found_range: " (feature columns)".into(),
            });
        }
        check_finite("features", x)?;
        let z = self.preprocessing.transform(x);
        Ok(z.dot(&self.w.t()) + &self.b)
    }

    /// [`Self::predict`] after checking the features' grid.
    pub fn predict_on_grid(
        &self,
        x: ArrayView2<f64>,
        grid: ArrayView1<f64>,
    ) -> Result<Array2<f64>> {
        self.check_feature_grid(grid)?;
        self.predict(x)
    }

    /// Weights and intercepts on the raw features (preprocessing folded in), in scikit-learn's
    /// `coef_` `[targets × features]` and `intercept_` layout.
    pub fn coefficients(&self) -> (Array2<f64>, Array1<f64>) {
        self.preprocessing.fold_weights(&self.w, &self.b)
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Reads a model from JSON, checking the format version first (so an old file fails with a
    /// version message, not a missing-field one) and the shapes after.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)?;
        let found = value
            .get("format_version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| {
                RegressError::BadModel("no format_version: not a vitrum model file".into())
            })?;
        if found != u64::from(FORMAT_VERSION) {
            return Err(RegressError::FormatVersion {
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: FORMAT_VERSION,
            });
        }
        let model: Self = serde_json::from_value(value)?;
        model.check_consistent()?;
        Ok(model)
    }

    fn check_consistent(&self) -> Result<()> {
        let bad = |m: String| Err(RegressError::BadModel(m));
        if self.b.len() != self.w.nrows() {
            return bad(format!(
                "{} intercepts for {} targets",
                self.b.len(),
                self.w.nrows()
            ));
        }
        if self.w.ncols() != self.preprocessing.n_features_out() {
            return bad(format!(
                "weights have {} columns, preprocessing gives {}",
                self.w.ncols(),
                self.preprocessing.n_features_out()
            ));
        }
        let len = |g: &Option<Array1<f64>>| g.as_ref().map(|g| g.len());
        if let Some(k) = len(&self.grids.feature).filter(|&k| k != self.n_features()) {
            return bad(format!(
                "feature grid has {k} points for {} features",
                self.n_features()
            ));
        }
        if let Some(k) = len(&self.grids.target).filter(|&k| k != self.n_targets()) {
            return bad(format!(
                "target grid has {k} points for {} targets",
                self.n_targets()
            ));
        }
        Ok(())
    }

    /// Writes the model as JSON.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()?).map_err(|source| RegressError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a model file (see [`Self::from_json`]).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| RegressError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }
}
