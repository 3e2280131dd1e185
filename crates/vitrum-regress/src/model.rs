//! The fitted [`LinearModel`]: plain data, serialisable, with everything prediction needs
//! (preprocessing, grids) and everything a reader of a study needs (backend, hyper-parameters,
//! diagnostics); one [`Predictor`] among others. Also [`fit`], which turns a backend and data into
//! a model, [`fit_path`], the coefficients along a whole α sequence, and [`fit_core`], the shared
//! preprocessing / centring / solve step a new linear-type estimator is built on.

use crate::axes::FittedAxes;
use crate::backend::{Backend, SolverInfo, SolverOutput};
use crate::candidates::{ALPHA, Hyper, L1_RATIO};
use crate::cv::CvReport;
use crate::data::{check_finite, check_nonempty, check_training_data, constant_columns};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind, PcaTruncation};
use crate::metrics;
use crate::predictor::Predictor;
use crate::preprocess::Preprocessing;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use crate::model_file::FORMAT_VERSION;

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
    /// Registry name of the backend that fitted it.
    pub backend: String,
    /// Model family (`"family"` in files; format-1 files called it `"kind"`).
    #[serde(rename = "family", alias = "kind")]
    pub family: ModelKind,
    /// Hyper-parameters (α as chosen, when chosen by cross-validation).
    pub params: FitParams,
    /// Grids of the training data (`"grids"` in files).
    pub grids: FittedAxes,
    /// Feature preprocessing, re-applied at prediction.
    pub preprocessing: Preprocessing,
    /// Weights on preprocessed features, `[targets × k]`.
    pub w: Array2<f64>,
    /// Intercepts, `[targets]`.
    pub b: Array1<f64>,
    /// Fit diagnostics.
    pub diagnostics: FitDiagnostics,
}

/// What [`fit_core`] returns: the fitted preprocessing, the training targets' mean (the
/// intercept on preprocessed features), the preprocessed features and centred targets the solver
/// saw, and one solver output per α.
pub struct Core {
    /// Feature preprocessing fitted on the training rows.
    pub pre: Preprocessing,
    /// Training targets' mean, `[targets]`: the intercept of `ŷ = W z + b`.
    pub y_mean: Array1<f64>,
    /// Preprocessed (centred, optionally standardised / projected) training features.
    pub z: Array2<f64>,
    /// Centred training targets.
    pub yc: Array2<f64>,
    /// One output per α of the call, in order.
    pub outputs: Vec<SolverOutput>,
}

/// The core every linear-type estimator shares: checks the data, fits the preprocessing
/// (centring always: that is the unpenalised intercept, as in scikit-learn), centres the targets
/// and solves with `backend` for every α in `alphas` (one factorisation or warm-started path for
/// the backends that share work). A new linear-type estimator (e.g. ridge towards a prior
/// kernel) is a [`Backend`] solving on centred data; `fit_core` and [`fit`] do the rest.
pub fn fit_core(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    params: &FitParams,
    alphas: &[f64],
) -> Result<Core> {
    check_training_data(x, y)?;
    let (pre, z) = Preprocessing::fit(x, &params.preprocess)?;
    check_solver_scale(z.view())?;
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

/// Refuses features whose squares overflow or underflow f64 (|z| beyond ~1e150 or below
/// ~1e-150 throughout): every solver forms sums of squares (Gram matrices, squared singular
/// values), which would turn into ∞ or 0 and silently give zero weights.
fn check_solver_scale(z: ArrayView2<f64>) -> Result<()> {
    let max_abs = z.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let sum_squares: f64 = z.iter().map(|v| v * v).sum();
    let what = if !sum_squares.is_finite() {
        "overflow"
    } else if max_abs > 0.0 && sum_squares < f64::MIN_POSITIVE / f64::EPSILON {
        "underflow"
    } else {
        return Ok(());
    };
    Err(RegressError::FeatureScale {
        max_abs,
        sum_squares,
        what,
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
    grids: &FittedAxes,
    params: &FitParams,
) -> Result<LinearModel> {
    grids.check_columns(x.ncols(), y.ncols())?;
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
    grids: FittedAxes,
    constant: Vec<usize>,
) -> LinearModel {
    let mut params = params;
    let mut pca_note = None;
    if let (Some(PcaTruncation::Components(asked)), Some(c)) =
        (params.preprocess.pca, core.pre.components.as_ref())
        && c.nrows() != asked
    {
        // the features' rank bounds the components: record what was used, say so
        params.preprocess.pca = Some(PcaTruncation::Components(c.nrows()));
        pca_note = Some(format!(
            "{asked} principal components asked for, but the training features have rank {}: \
             {} used (and recorded)",
            c.nrows(),
            c.nrows()
        ));
    }
    let kind = backend.kind();
    let objective_train = objective(kind, &params, core.z.view(), core.yc.view(), &out.w);
    let fitted = core.z.dot(&out.w.t());
    let train_r2_uniform = metrics::r2_uniform(core.yc.view(), fitted.view());
    let mut warnings: Vec<String> = pca_note.into_iter().collect();
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
        backend: backend.name().to_string(),
        family: kind,
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

/// Coefficients and intercepts along an α sequence, on raw features (preprocessing folded in,
/// as [`LinearModel::coefficients`]): the regularisation path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitPath {
    /// Registry name of the backend.
    pub backend: String,
    /// The α sequence, in the order given.
    pub alphas: Vec<f64>,
    /// The other hyper-parameters (ρ, preprocessing, tolerances) shared along the path.
    pub params: FitParams,
    /// `W(α)` `[targets × features]`, one per α.
    pub coefficients: Vec<Array2<f64>>,
    /// `b(α)` `[targets]`, one per α.
    pub intercepts: Vec<Array1<f64>>,
    /// Solver diagnostics per α.
    pub solver: Vec<SolverInfo>,
}

/// Fits `backend` for every α of `alphas` in one call (one factorisation for ridge, a
/// warm-started descending path for lasso / elastic net) and returns the whole path, which
/// [`fit`] would discard. At each α the coefficients are those [`fit`] gives at that α (exactly
/// for ridge with every α > 0; within the solver tolerance for warm-started iterative solvers).
pub fn fit_path(
    backend: &dyn Backend,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    params: &FitParams,
    alphas: &[f64],
) -> Result<FitPath> {
    let core = fit_core(backend, x, y, params, alphas)?;
    let (mut coefficients, mut intercepts, mut solver) = (Vec::new(), Vec::new(), Vec::new());
    for out in core.outputs {
        let (w, b) = core.pre.fold_weights(&out.w, &core.y_mean);
        coefficients.push(w);
        intercepts.push(b);
        solver.push(out.info);
    }
    Ok(FitPath {
        backend: backend.name().to_string(),
        alphas: alphas.to_vec(),
        params: *params,
        coefficients,
        intercepts,
        solver,
    })
}

impl LinearModel {
    /// Registry kind in model files.
    pub const KIND: &'static str = "linear";

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
        self.grids.check_feature_grid(grid, self.n_features())
    }

    /// Fails unless `grid` is the target grid the model was fitted on.
    pub fn check_target_grid(&self, grid: ArrayView1<f64>) -> Result<()> {
        self.grids.check_target_grid(grid, self.n_targets())
    }

    /// Predicts targets `[samples × targets]` from raw features `[samples × features]`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_nonempty("features", x)?;
        self.grids
            .check_feature_columns(self.n_features(), x.ncols())?;
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

    /// The hyper-parameters by name: α where the family has one, ρ for elastic nets.
    pub fn hyper(&self) -> Hyper {
        let mut h = Hyper::none();
        if self.family.uses_alpha() {
            h = h.with(ALPHA, self.params.alpha);
        }
        if matches!(
            self.family,
            ModelKind::ElasticNet | ModelKind::MultiTaskElasticNet
        ) {
            h = h.with(L1_RATIO, self.params.l1_ratio);
        }
        h
    }

    /// The model as a model file (pretty JSON, [`FORMAT_VERSION`], kind `linear`).
    pub fn to_json(&self) -> Result<String> {
        crate::model_file::to_json(Self::KIND, self)
    }

    /// Reads a linear model file of any supported version, checking the format version first (so
    /// an old file fails with a version message, not a missing-field one) and the shapes after.
    /// Files of other predictor kinds are refused; read those with [`crate::model_file::load`].
    pub fn from_json(text: &str) -> Result<Self> {
        let (_, kind, fields) = crate::model_file::header(text)?;
        if kind != Self::KIND {
            return Err(RegressError::BadModel(format!(
                "the file holds a '{kind}' predictor, not a linear model; \
                 read it with vitrum_regress::model_file::load"
            )));
        }
        Self::from_fields(fields)
    }

    /// The model from a model file's fields (without `format_version` and `kind`).
    fn from_fields(fields: serde_json::Value) -> Result<Self> {
        let model: Self = serde_json::from_value(fields)?;
        model.check_consistent()?;
        Ok(model)
    }

    /// [`crate::model_file::KINDS`]' loader for kind `linear`.
    pub(crate) fn load_fields(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        Ok(Box::new(Self::from_fields(fields)?))
    }

    fn check_consistent(&self) -> Result<()> {
        let bad = |m: String| Err(RegressError::BadModel(m));
        if crate::backend::by_name(&self.backend).is_err() {
            return bad(format!(
                "field \"backend\": '{}' is not a backend of this vitrum ({})",
                self.backend,
                crate::backend::names().join(", ")
            ));
        }
        let pre = &self.preprocessing;
        if self.params.preprocess.standardize != pre.scale.is_some() {
            return bad(format!(
                "field \"params.preprocess.standardize\" is {} but \"preprocessing.scale\" is {}",
                self.params.preprocess.standardize,
                if pre.scale.is_some() {
                    "given"
                } else {
                    "missing"
                }
            ));
        }
        if self.params.preprocess.pca.is_some() != pre.components.is_some() {
            return bad(format!(
                "field \"params.preprocess.pca\" is {} but \"preprocessing.components\" is {}",
                if self.params.preprocess.pca.is_some() {
                    "set"
                } else {
                    "null"
                },
                if pre.components.is_some() {
                    "given"
                } else {
                    "missing"
                }
            ));
        }
        if let Some(s) = &pre.scale
            && (s.len() != pre.mean.len() || s.iter().any(|v| !(v.is_finite() && *v > 0.0)))
        {
            return bad(
                "field \"preprocessing.scale\" must hold one positive finite number per feature"
                    .into(),
            );
        }
        if let Some(c) = &pre.components
            && c.ncols() != pre.mean.len()
        {
            return bad(format!(
                "field \"preprocessing.components\" has {} columns for {} features",
                c.ncols(),
                pre.mean.len()
            ));
        }
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
        crate::model_file::write(path, &self.to_json()?)
    }

    /// Reads a model file (see [`Self::from_json`]).
    pub fn load(path: &Path) -> Result<Self> {
        Self::from_json(&crate::model_file::read(path)?)
    }
}

impl Predictor for LinearModel {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        &self.backend
    }
    fn hyper(&self) -> Hyper {
        LinearModel::hyper(self)
    }
    fn axes(&self) -> &FittedAxes {
        &self.grids
    }
    fn n_features(&self) -> usize {
        LinearModel::n_features(self)
    }
    fn n_targets(&self) -> usize {
        LinearModel::n_targets(self)
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        LinearModel::predict(self, x)
    }
    fn linear_form(&self) -> Option<(Array2<f64>, Array1<f64>)> {
        Some(self.coefficients())
    }
    fn warnings(&self) -> Vec<String> {
        self.diagnostics.warnings.clone()
    }
    fn to_model_json(&self) -> Result<String> {
        self.to_json()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
