//! The first-order theory (vitrum-theory's `perturbation`, docs/theory.md) as two predictors
//! behind vitrum-regress's [`Estimator`] / [`Predictor`] traits, so that `vitrum fit --backend
//! theory`, cross-validation, learning curves, `vitrum predict`, `vitrum evaluate` and model
//! files work for them as for every backend:
//!
//! - `theory`: D(ω) ≈ D₀(ω) + K (g − g₀) + K_ρ (ρ − ρ₀) with D₀, g₀, ρ₀ the training means and
//!   K, K_ρ the QCA linear response there; no fitted weight, σ (the kernel's broadening) the only
//!   hyper-parameter (axis [`SIGMA`]);
//! - `theory-prior-ridge`: ridge shrunk towards K, min ‖Y − XWᵀ − b‖² + α‖W − K‖² on the partials
//!   (vitrum-regress's [`PriorRidgeEstimator`]), K at the training means with σ fixed
//!   ([`DEFAULT_SIGMA_FRACTION`] × ω_max); α the only hyper-parameter.
//!
//! **Input layout.** The theory needs more than a feature row: the pair table (the dataset's
//! potential, species fractions, r grid, dimension) and each sample's number density. The table
//! and the ω bins are fixed per dataset, so they are carried by the estimator
//! ([`TheoryContext`], built once from the dataset by [`load`]); the density varies per sample,
//! so it travels with the rows, where cross-validation and learning curves slice them: a feature
//! row is **the dataset's partial g_ab row (channel-major, as `features/partial-rdf.npy`) with
//! the sample's number density N/V appended as one last column**. [`load`] builds those rows;
//! the model file records the layout in its feature description (`density_column`), so
//! `vitrum predict MODEL DATASET` and `vitrum evaluate` rebuild it from any dataset.
//!
//! A fitted model stores everything it needs (D₀, g₀, ρ₀, K on the support of g₀, K_ρ, σ): it
//! predicts without the potential. Units: the theory works in √eigenvalue units; the context
//! converts the ω grid and σ on the way in and the densities on the way out
//! (`Units::frequency_factor`, 1 for lj), so every stored number is in the dataset's units.

use crate::dataset::Selected;
use anyhow::{Context as _, Result, bail};
use ndarray::{Array1, Array2, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};
use vitrum_io::Dataset;
use vitrum_io::manifest::{FeatureKind, PotentialFormat, TargetKind};
use vitrum_regress::data::{check_finite, check_nonempty, check_training_data};
use vitrum_regress::model_file::KindEntry;
use vitrum_regress::{
    Estimator, FitParams, FittedAxes, Hyper, LinearEstimator, Predictor, PriorRidgeEstimator,
    RegressError, SearchGrid, backend,
};
use vitrum_theory::perturbation::{PairTable, SpectrumGrid, default_sigmas, linear_response};

/// Registry name of the theory-only predictor.
pub const THEORY: &str = "theory";
/// Registry name of ridge shrunk towards the kernel.
pub const THEORY_PRIOR_RIDGE: &str = "theory-prior-ridge";
/// The hyper-parameter axis of `theory`: the Gaussian broadening σ of K (dataset ω units).
pub const SIGMA: &str = "sigma";
/// σ / ω_max used when σ is not searched: the cross-validated choice on fixtures/dataset-ka2d
/// (σ = 10.08 of ω_max = 72), and the prior's σ in `theory-prior-ridge`.
pub const DEFAULT_SIGMA_FRACTION: f64 = 0.14;

type Res<T> = vitrum_regress::Result<T>;

fn invalid(msg: String) -> RegressError {
    RegressError::Invalid(msg)
}

/// What the theory estimators need besides the rows: the pair table on the partials' r grid and
/// the targets' ω bins, in the dataset's frequency units.
#[derive(Debug, Clone)]
pub struct TheoryContext {
    pub table: PairTable,
    /// ω bin edges of the targets (dataset frequency units).
    pub omega_edges: Vec<f64>,
    /// Dataset frequency units per √eigenvalue unit (`Units::frequency_factor`; 1 for lj).
    pub frequency_factor: f64,
}

/// K on the support of g₀ and K_ρ in dataset units, at the mean of some rows.
struct Response {
    g0: Array1<f64>,
    rho0: f64,
    kernel: Array2<f64>,
    k_rho: Array1<f64>,
    n_clamped: usize,
}

impl TheoryContext {
    /// Partial-g columns of a row (the density column excluded).
    pub fn n_g(&self) -> usize {
        self.table.n_features()
    }

    pub fn omega_max(&self) -> f64 {
        self.omega_edges.last().copied().unwrap_or(0.0)
    }

    pub fn default_sigma(&self) -> f64 {
        DEFAULT_SIGMA_FRACTION * self.omega_max()
    }

    /// Checks the layout [partials | ρ] and the targets' bins; returns the partials and densities.
    fn split<'a>(&self, x: ArrayView2<'a, f64>, n_targets: Option<usize>) -> Res<Rows<'a>> {
        check_rows(x, self.n_g())?;
        let n_omega = self.omega_edges.len().saturating_sub(1);
        if let Some(t) = n_targets.filter(|&t| t != n_omega) {
            return Err(invalid(format!(
                "the theory predicts the dataset's {n_omega} ω bins; the targets have {t} columns"
            )));
        }
        Ok(split_rows(x, self.n_g()))
    }

    /// The response at the mean of `g` and `rho` with broadening `sigma` (dataset units).
    fn response(&self, g: ArrayView2<f64>, rho: &[f64], sigma: f64) -> Res<Response> {
        let f = self.frequency_factor;
        let g0 = g
            .mean_axis(Axis(0))
            .ok_or_else(|| invalid("no training rows".into()))?;
        let rho0 = rho.iter().sum::<f64>() / rho.len() as f64;
        let grid = SpectrumGrid::new(self.omega_edges.iter().map(|e| e / f).collect(), sigma / f)
            .map_err(|e| invalid(format!("σ = {sigma}: {e}")))?;
        let r = linear_response(&self.table, g0.as_slice().expect("contiguous"), rho0, &grid)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Response {
            kernel: r.kernel_on_support().mapv(|v| v / f),
            k_rho: Array1::from(r.k_rho).mapv(|v| v / f),
            g0,
            rho0,
            n_clamped: r.n_clamped,
        })
    }
}

/// Partials and densities of rows in the [partials | ρ] layout.
struct Rows<'a> {
    g: ArrayView2<'a, f64>,
    rho: Vec<f64>,
}

fn split_rows(x: ArrayView2<'_, f64>, n_g: usize) -> Rows<'_> {
    Rows {
        g: x.slice_move(s![.., ..n_g]),
        rho: x.column(n_g).to_vec(),
    }
}

/// Rows must be n_g partial-g columns plus one positive density column.
fn check_rows(x: ArrayView2<f64>, n_g: usize) -> Res<()> {
    check_nonempty("features", x)?;
    if x.ncols() != n_g + 1 {
        return Err(invalid(format!(
            "the theory backends take the partial g_ab block with the sample density appended \
             ({n_g} + 1 columns: channels × r bins of the dataset's partial-rdf, then N/V); got \
             {} columns. Fit from a dataset directory (vitrum fit DATASET --backend theory), whose \
             partials and densities vitrum reads itself",
            x.ncols()
        )));
    }
    check_finite("features", x)?;
    if let Some(i) = x.column(n_g).iter().position(|r| *r <= 0.0) {
        return Err(invalid(format!(
            "row {i}: the density column (last) is {}; the number density must be > 0",
            x[[i, n_g]]
        )));
    }
    Ok(())
}

/// `theory`: no fitted weight; σ by cross-validation.
#[derive(Debug, Clone)]
pub struct TheoryEstimator {
    pub context: TheoryContext,
}

impl Estimator for TheoryEstimator {
    fn name(&self) -> &str {
        THEORY
    }

    /// The grid's [`SIGMA`] values, else [`DEFAULT_SIGMA_FRACTION`] × ω_max first (the setting
    /// of a fit without cross-validation, and the winner of ties), then vitrum-theory's
    /// `default_sigmas` (0.03 … 0.28 × ω_max).
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        let sigmas = match grid.values(SIGMA) {
            Some(v) => v.to_vec(),
            None => {
                let mut v = vec![self.context.default_sigma()];
                v.extend(default_sigmas(self.context.omega_max()));
                v.dedup_by(|a, b| (*a - *b).abs() <= 1e-12 * b.abs());
                v
            }
        };
        sigmas
            .into_iter()
            .map(|s| Hyper::none().with(SIGMA, s))
            .collect()
    }

    /// Scored by the **variance-weighted** R² (as vitrum-theory's `choose_sigma`), not the
    /// uniform average: the uniform average is dominated by the nearly empty top ω bins, which
    /// K moves a little and every other model leaves at the mean; on dataset-ka2d it picks
    /// σ = 5.04 (held-out variance-weighted R² 0.05) where this score picks 10.08 (0.685).
    fn validation_scores(
        &self,
        train: (ArrayView2<f64>, ArrayView2<f64>),
        valid: (ArrayView2<f64>, ArrayView2<f64>),
        candidates: &[Hyper],
    ) -> Res<Vec<f64>> {
        candidates
            .iter()
            .map(|h| {
                let p = self.fit(train.0, train.1, &FittedAxes::default(), h)?;
                let pred = p.predict(valid.0)?;
                Ok(vitrum_regress::metrics::r2_variance_weighted(
                    valid.1,
                    pred.view(),
                ))
            })
            .collect()
    }

    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Res<Box<dyn Predictor>> {
        axes.check_columns(x.ncols(), y.ncols())?;
        check_training_data(x, y)?;
        let rows = self.context.split(x, Some(y.ncols()))?;
        let sigma = hyper.get(SIGMA).unwrap_or(self.context.default_sigma());
        let r = self.context.response(rows.g, &rows.rho, sigma)?;
        Ok(Box::new(TheoryPredictor {
            estimator: THEORY.into(),
            sigma,
            d0: y.mean_axis(Axis(0)).expect("checked non-empty"),
            g0: r.g0,
            rho0: r.rho0,
            kernel: r.kernel,
            k_rho: r.k_rho,
            n_clamped: r.n_clamped,
            axes: axes.clone(),
        }))
    }
}

/// A fitted `theory` model: ŷ = D₀ + K (g − g₀) + K_ρ (ρ − ρ₀), rows [g | ρ].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheoryPredictor {
    pub estimator: String,
    /// The broadening of K (dataset ω units).
    pub sigma: f64,
    /// Mean training target, per ω bin.
    pub d0: Array1<f64>,
    /// Mean training partial-g row and density: the reference of the linear response.
    pub g0: Array1<f64>,
    pub rho0: f64,
    /// ∂D(ω_i)/∂g_c(r_k) [ω bins × channels·r bins], zero where g₀ = 0.
    pub kernel: Array2<f64>,
    /// ∂D(ω_i)/∂ρ.
    pub k_rho: Array1<f64>,
    /// (k, branch) points of the Debye sphere where ω² < 0 at the reference (clamped).
    pub n_clamped: usize,
    pub axes: FittedAxes,
}

impl TheoryPredictor {
    pub const KIND: &'static str = "theory";

    fn load_fields(fields: serde_json::Value) -> Res<Box<dyn Predictor>> {
        let p: Self = serde_json::from_value(fields)?;
        let (nw, ng) = p.kernel.dim();
        if p.d0.len() != nw || p.k_rho.len() != nw || p.g0.len() != ng {
            return Err(RegressError::BadModel(format!(
                "theory: kernel {nw} × {ng}, but D₀ has {}, K_ρ {} and g₀ {} values",
                p.d0.len(),
                p.k_rho.len(),
                p.g0.len()
            )));
        }
        p.axes.check_columns(ng + 1, nw)?;
        Ok(Box::new(p))
    }
}

impl Predictor for TheoryPredictor {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        &self.estimator
    }
    fn hyper(&self) -> Hyper {
        Hyper::none().with(SIGMA, self.sigma)
    }
    fn axes(&self) -> &FittedAxes {
        &self.axes
    }
    fn n_features(&self) -> usize {
        self.g0.len() + 1
    }
    fn n_targets(&self) -> usize {
        self.d0.len()
    }
    fn predict(&self, x: ArrayView2<f64>) -> Res<Array2<f64>> {
        check_rows(x, self.g0.len())?;
        let rows = split_rows(x, self.g0.len());
        let dg = &rows.g - &self.g0;
        let mut out = dg.dot(&self.kernel.t());
        for (mut row, rho) in out.rows_mut().into_iter().zip(&rows.rho) {
            row += &self.d0;
            row.scaled_add(rho - self.rho0, &self.k_rho);
        }
        Ok(out)
    }
    /// Linear in [g | ρ]: W = [K K_ρ], b = D₀ − K g₀ − K_ρ ρ₀.
    fn linear_form(&self) -> Option<(Array2<f64>, Array1<f64>)> {
        let (nw, ng) = self.kernel.dim();
        let mut w = Array2::zeros((nw, ng + 1));
        w.slice_mut(s![.., ..ng]).assign(&self.kernel);
        w.column_mut(ng).assign(&self.k_rho);
        let b = &self.d0 - &self.kernel.dot(&self.g0) - &(&self.k_rho * self.rho0);
        Some((w, b))
    }
    fn warnings(&self) -> Vec<String> {
        if self.n_clamped == 0 {
            return Vec::new();
        }
        vec![format!(
            "ω² < 0 at {} (k, branch) points of the Debye sphere at the reference: clamped to ω = 0",
            self.n_clamped
        )]
    }
    fn to_model_json(&self) -> Res<String> {
        vitrum_regress::model_file::to_json(Self::KIND, self)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `theory-prior-ridge`: ridge on the partials shrunk towards K (at the training means, σ =
/// [`TheoryContext::default_sigma`]); α by cross-validation. The density column sets ρ₀ of K and
/// is not a ridge feature (adding it, with K_ρ as its prior, scored worse on dataset-ka2d).
pub struct TheoryPriorRidgeEstimator {
    pub context: TheoryContext,
    pub ridge: LinearEstimator<'static>,
}

impl TheoryPriorRidgeEstimator {
    pub fn new(context: TheoryContext, params: &FitParams) -> Self {
        let ridge = backend::by_name("native-ridge").expect("native-ridge is registered");
        TheoryPriorRidgeEstimator {
            context,
            ridge: LinearEstimator::new(ridge, *params),
        }
    }

    /// The prior ridge of the rows `g`, `rho` (K at their means).
    fn prior_ridge(&self, rows: &Rows) -> Res<(PriorRidgeEstimator<'static>, f64)> {
        let sigma = self.context.default_sigma();
        let r = self.context.response(rows.g, &rows.rho, sigma)?;
        Ok((
            PriorRidgeEstimator::new(self.ridge, r.kernel, THEORY_PRIOR_RIDGE),
            sigma,
        ))
    }
}

impl Estimator for TheoryPriorRidgeEstimator {
    fn name(&self) -> &str {
        THEORY_PRIOR_RIDGE
    }

    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        self.ridge.candidates(grid)
    }

    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Res<Box<dyn Predictor>> {
        axes.check_columns(x.ncols(), y.ncols())?;
        check_training_data(x, y)?;
        let rows = self.context.split(x, Some(y.ncols()))?;
        let (est, sigma) = self.prior_ridge(&rows)?;
        let inner = est.fit(rows.g, y, &FittedAxes::default(), hyper)?;
        Ok(Box::new(TheoryPriorRidgeModel {
            estimator: THEORY_PRIOR_RIDGE.into(),
            sigma,
            inner,
            axes: axes.clone(),
        }))
    }

    /// K once per fold (it depends on the fold's mean g and ρ, not on α), then every α.
    fn validation_scores(
        &self,
        train: (ArrayView2<f64>, ArrayView2<f64>),
        valid: (ArrayView2<f64>, ArrayView2<f64>),
        candidates: &[Hyper],
    ) -> Res<Vec<f64>> {
        let rows = self.context.split(train.0, Some(train.1.ncols()))?;
        let v = self.context.split(valid.0, None)?;
        let (est, _) = self.prior_ridge(&rows)?;
        est.validation_scores((rows.g, train.1), (v.g, valid.1), candidates)
    }
}

/// A fitted `theory-prior-ridge`: a prior ridge on the partial-g columns of rows [g | ρ].
#[derive(Debug)]
pub struct TheoryPriorRidgeModel {
    estimator: String,
    sigma: f64,
    /// The prior ridge (kind `prior-ridge`) on the partial-g columns.
    inner: Box<dyn Predictor>,
    axes: FittedAxes,
}

#[derive(Serialize, Deserialize)]
struct PriorFields {
    estimator: String,
    sigma: f64,
    axes: FittedAxes,
    /// The prior ridge on the partial-g columns, as its own model file.
    inner: serde_json::Value,
}

impl TheoryPriorRidgeModel {
    pub const KIND: &'static str = "theory-prior-ridge";

    fn load_fields(fields: serde_json::Value) -> Res<Box<dyn Predictor>> {
        let f: PriorFields = serde_json::from_value(fields)?;
        let inner = vitrum_regress::model_file::from_json(&f.inner.to_string())?;
        f.axes
            .check_columns(inner.n_features() + 1, inner.n_targets())?;
        Ok(Box::new(TheoryPriorRidgeModel {
            estimator: f.estimator,
            sigma: f.sigma,
            inner,
            axes: f.axes,
        }))
    }

    /// The σ of the prior kernel.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl Predictor for TheoryPriorRidgeModel {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        &self.estimator
    }
    fn hyper(&self) -> Hyper {
        self.inner.hyper()
    }
    fn axes(&self) -> &FittedAxes {
        &self.axes
    }
    fn n_features(&self) -> usize {
        self.inner.n_features() + 1
    }
    fn n_targets(&self) -> usize {
        self.inner.n_targets()
    }
    fn predict(&self, x: ArrayView2<f64>) -> Res<Array2<f64>> {
        let n_g = self.inner.n_features();
        check_rows(x, n_g)?;
        self.inner.predict(x.slice(s![.., ..n_g]))
    }
    /// The prior ridge's (W, b) with a zero weight on the density column.
    fn linear_form(&self) -> Option<(Array2<f64>, Array1<f64>)> {
        let (w, b) = self.inner.linear_form()?;
        let mut full = Array2::zeros((w.nrows(), w.ncols() + 1));
        full.slice_mut(s![.., ..w.ncols()]).assign(&w);
        Some((full, b))
    }
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings()
    }
    fn to_model_json(&self) -> Res<String> {
        let inner: serde_json::Value = serde_json::from_str(&self.inner.to_model_json()?)?;
        vitrum_regress::model_file::to_json(
            Self::KIND,
            &PriorFields {
                estimator: self.estimator.clone(),
                sigma: self.sigma,
                axes: self.axes.clone(),
                inner,
            },
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Makes a theory estimator from the study-wide linear settings and a dataset's context.
pub type MakeTheoryEstimator = fn(&FitParams, TheoryContext) -> Box<dyn Estimator>;

/// The theory estimators, one line each (composed by [`crate::registry`]).
pub static ESTIMATORS: &[(&str, MakeTheoryEstimator)] = &[
    (THEORY, |_, context| Box::new(TheoryEstimator { context })),
    (THEORY_PRIOR_RIDGE, |params, context| {
        Box::new(TheoryPriorRidgeEstimator::new(context, params))
    }),
];

/// Their model-file kinds (composed by [`crate::registry`]).
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        kind: TheoryPredictor::KIND,
        load: TheoryPredictor::load_fields,
    },
    KindEntry {
        kind: TheoryPriorRidgeModel::KIND,
        load: TheoryPriorRidgeModel::load_fields,
    },
];

/// A dataset as the theory estimators take it.
pub struct TheoryData {
    /// [samples × (channels·r bins + 1)]: partial g rows with the density appended.
    pub x: Array2<f64>,
    /// VDOS histograms [samples × ω bins].
    pub y: Array2<f64>,
    /// The grids: feature points of the partials (channels side by side) and, for the density
    /// column, one r spacing past the last; the description says `density_column`.
    pub axes: FittedAxes,
    pub context: TheoryContext,
}

/// The potential of `ds`: `potential` (a preset or .toml) when given, else the vitrum potential
/// file the dataset embeds.
fn potential_of(ds: &Dataset, potential: Option<&str>) -> Result<vitrum_theory::Model> {
    if let Some(p) = potential {
        return vitrum_theory::registry::load(p).with_context(|| format!("--potential {p}"));
    }
    embedded_potential(
        &ds.manifest,
        &ds.dir,
        "the theory needs φ(r): pass --potential PRESET|FILE.toml",
    )
}

/// The vitrum potential file a dataset's manifest embeds (datasets generated with a
/// vitrum-theory potential, natively or through LAMMPS); `why` says what needs it and the fix.
pub fn embedded_potential(
    manifest: &vitrum_io::manifest::Manifest,
    dir: &std::path::Path,
    why: &str,
) -> Result<vitrum_theory::Model> {
    let dir = dir.display();
    match &manifest.potential {
        Some(spec) if spec.format == PotentialFormat::VitrumToml && spec.text.is_some() => {
            vitrum_theory::registry::from_toml(spec.text.as_deref().unwrap_or(""), &spec.name)
                .with_context(|| format!("{dir}: the potential embedded in meta.json"))
        }
        Some(spec) => bail!(
            "{dir}: the dataset does not embed a vitrum potential file (its potential is '{}', \
             {}); {why}",
            spec.name,
            match spec.format {
                PotentialFormat::Lammps => "LAMMPS commands only",
                _ => "a free-form description",
            }
        ),
        None => bail!("{dir}: the dataset records no potential; {why}"),
    }
}

/// Reads `ds` for the theory backends: its partial g_ab block (stored, or computed from its
/// structures), each sample's density from its records, the VDOS histograms, and the pair table
/// of its potential (or `potential`) on the partials' r grid. Errors name what is missing.
pub fn load(ds: &Dataset, potential: Option<&str>) -> Result<TheoryData> {
    let dir = ds.dir.display().to_string();
    let model = potential_of(ds, potential)?;
    if model.interaction.as_pair().is_none() {
        bail!(
            "the potential '{}' ({}) is not a pair potential; the theory backends are built for \
             pair styles only: for Stillinger–Weber the three-body part through the bond-angle \
             distribution gets the sign of its stiffness wrong in glasses (docs/theory.md, \
             \"Stillinger–Weber: the three-body part\"); use a linear backend for this dataset",
            model.name,
            model.interaction.style()
        );
    }
    if ds.manifest.species != model.labels {
        bail!(
            "{dir}: the dataset's species {:?} are not the potential's {:?} (same labels, same order)",
            ds.manifest.species,
            model.labels
        );
    }
    if ds.manifest.units.name() != model.units.to_string() {
        bail!(
            "{dir}: the dataset is in {} units, the potential '{}' in {}",
            ds.manifest.units.name(),
            model.name,
            model.units
        );
    }
    let (x, y, axes, selected) = rows(ds)?;
    let fractions = ds.manifest.fractions().with_context(|| {
        format!("{dir}: meta.json has no composition (one count per species) for the fractions")
    })?;
    let table = PairTable::from_model(&model, &fractions, &selected.feature_grid.edges, ds.dim()?)
        .with_context(|| format!("{dir}: the pair table of '{}'", model.name))?;
    if x.ncols() != table.n_features() + 1 {
        bail!(
            "{dir}: the partial-rdf block has {} columns, its grid and channels give {}",
            x.ncols() - 1,
            table.n_features()
        );
    }
    Ok(TheoryData {
        x,
        y,
        axes,
        context: TheoryContext {
            table,
            omega_edges: selected.target_grid.edges.clone(),
            frequency_factor: model.units.frequency_factor(),
        },
    })
}

/// The rows of `ds` in the theory layout (partial g_ab row, then the sample's density), its
/// VDOS histograms, the grids (the density column one r spacing past the last partial point;
/// the description says `density_column`) and the blocks chosen. No potential needed: what
/// `vitrum predict` and `vitrum evaluate` give a fitted theory model.
pub fn rows(ds: &Dataset) -> Result<(Array2<f64>, Array2<f64>, FittedAxes, Selected)> {
    let dir = ds.dir.display().to_string();
    let selected = crate::dataset::select(
        ds,
        &crate::dataset::FeatureRequest::new(FeatureKind::PartialRdf.name()),
        TargetKind::VdosHistogram,
    )
    .with_context(|| format!("{dir}: the theory reads the partial g_ab block"))?;
    let (n, n_g) = selected.features.dim();
    let rho = ds
        .manifest
        .densities()
        .filter(|d| d.len() == n)
        .with_context(|| {
            format!(
                "{dir}: the theory needs every sample's number density (\"density\" in each \
                 sample record of meta.json); some are missing"
            )
        })?;
    let mut x = Array2::zeros((n, n_g + 1));
    x.slice_mut(s![.., ..n_g]).assign(&selected.features);
    x.column_mut(n_g).assign(&Array1::from(rho));
    let mut points = selected.feature_points();
    let spacing = match points.as_slice() {
        [.., a, b] => b - a,
        _ => 1.0,
    };
    points.push(points.last().copied().unwrap_or(0.0) + spacing);
    let mut description = crate::measured::FeatureDescription::of(ds, &selected);
    description.density_column = true;
    let axes = FittedAxes {
        feature: Some(points.into()),
        target: Some(selected.target_grid.points.clone().into()),
        features: Some(description.to_value()),
    };
    Ok((x, selected.targets.clone(), axes, selected))
}
