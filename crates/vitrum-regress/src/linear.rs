//! [`LinearEstimator`]: any solver [`Backend`] as an [`Estimator`]. Fitting goes through
//! [`crate::fit`] (preprocessing, intercept by centring, diagnostics); cross-validation keeps the
//! backends' path shortcuts: every α of one ρ is scored in one [`Backend::validation_r2_path`]
//! call (native ridge in its SVD / XᵀX basis, native lasso / elastic net warm-started).

use crate::axes::FittedAxes;
use crate::backend::Backend;
use crate::candidates::{ALPHA, Hyper, L1_RATIO, SearchGrid};
use crate::error::Result;
use crate::hyperparams::{FitParams, ModelKind};
use crate::predictor::{Estimator, Predictor};
use crate::preprocess::Preprocessing;
use ndarray::{Array1, ArrayView2, Axis};

/// A backend with its fixed settings (tolerance, preprocessing, default α and ρ).
#[derive(Clone, Copy)]
pub struct LinearEstimator<'a> {
    /// The solver.
    pub backend: &'a dyn Backend,
    /// Settings; α and ρ are overridden by each [`Hyper`] that sets them.
    pub params: FitParams,
}

impl<'a> LinearEstimator<'a> {
    /// `backend` with `params`.
    pub fn new(backend: &'a dyn Backend, params: FitParams) -> Self {
        Self { backend, params }
    }

    /// Whether ρ is a free hyper-parameter of the family (elastic nets).
    pub fn searches_l1_ratio(&self) -> bool {
        matches!(
            self.backend.kind(),
            ModelKind::ElasticNet | ModelKind::MultiTaskElasticNet
        )
    }

    /// The fit parameters of a setting (α and ρ from `hyper` where set, else `self.params`').
    pub fn params_for(&self, hyper: &Hyper) -> Result<FitParams> {
        self.params
            .with_alpha(hyper.get(ALPHA).unwrap_or(self.params.alpha))?
            .with_l1_ratio(hyper.get(L1_RATIO).unwrap_or(self.params.l1_ratio))
    }

    /// The setting of α and ρ that this family uses.
    pub fn hyper_of(&self, alpha: f64, l1_ratio: f64) -> Hyper {
        let mut h = Hyper::none();
        if self.backend.kind().uses_alpha() {
            h = h.with(ALPHA, alpha);
        }
        if self.searches_l1_ratio() {
            h = h.with(L1_RATIO, l1_ratio);
        }
        h
    }
}

impl Estimator for LinearEstimator<'_> {
    fn name(&self) -> &str {
        self.backend.name()
    }

    /// ρ-major (every α of the first ρ, then the next ρ), the order of [`crate::CvReport`]'s
    /// table. Axes the family ignores (α for OLS, ρ but for elastic nets) are not searched.
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        let one_alpha = [self.params.alpha];
        let one_rho = [self.params.l1_ratio];
        let alphas = match grid.values(ALPHA) {
            Some(a) if self.backend.kind().uses_alpha() => a,
            _ => &one_alpha,
        };
        let rhos = match grid.values(L1_RATIO) {
            Some(r) if self.searches_l1_ratio() => r,
            _ => &one_rho,
        };
        rhos.iter()
            .flat_map(|&r| alphas.iter().map(move |&a| (a, r)))
            .map(|(a, r)| self.hyper_of(a, r))
            .collect()
    }

    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Result<Box<dyn Predictor>> {
        let p = self.params_for(hyper)?;
        Ok(Box::new(crate::model::fit(self.backend, x, y, axes, &p)?))
    }

    /// Settings are grouped by ρ (in order of first appearance); each group's α are scored in
    /// one path call on preprocessing fitted to the training rows, as scikit-learn's pipeline.
    fn validation_scores(
        &self,
        train: (ArrayView2<f64>, ArrayView2<f64>),
        valid: (ArrayView2<f64>, ArrayView2<f64>),
        candidates: &[Hyper],
    ) -> Result<Vec<f64>> {
        let (xt, yt) = train;
        let (xv, yv) = valid;
        let params: Vec<FitParams> = candidates
            .iter()
            .map(|h| self.params_for(h))
            .collect::<Result<_>>()?;
        let mut scores = vec![f64::NAN; candidates.len()];
        let mut done = vec![false; candidates.len()];
        for i in 0..candidates.len() {
            if done[i] {
                continue;
            }
            let rho = params[i].l1_ratio;
            let group: Vec<usize> = (i..candidates.len())
                .filter(|&j| !done[j] && params[j].l1_ratio == rho)
                .collect();
            let alphas: Vec<f64> = group.iter().map(|&j| params[j].alpha).collect();
            let p = params[i];
            let (pre, z) = Preprocessing::fit(xt, &p.preprocess)?;
            let y_mean = yt
                .mean_axis(Axis(0))
                .unwrap_or_else(|| Array1::zeros(yt.ncols()));
            let s = self.backend.validation_r2_path(
                z.view(),
                (&yt - &y_mean).view(),
                pre.transform(xv).view(),
                yv,
                y_mean.view(),
                &p,
                &alphas,
            )?;
            for (k, &j) in group.iter().enumerate() {
                scores[j] = s[k];
                done[j] = true;
            }
        }
        Ok(scores)
    }
}
