//! Hyper-parameters: a builder ([`FitOptions`]) and the validated type ([`FitParams`]) that is the
//! only thing a backend accepts, so an invalid α never reaches a solver (the linfa pattern).
//!
//! α always means scikit-learn's α for the estimator of the same name, whatever the library behind
//! the backend uses (each backend converts, and the conversion is tested):
//! - ridge: `‖y − Xw − b‖² + α‖w‖²`;
//! - lasso / elastic net: `(1/2n)‖y − Xw − b‖² + α(ρ‖w‖₁ + (1−ρ)/2 ‖w‖²)`, ρ the l1 ratio.

use crate::error::{RegressError, Result};
use serde::{Deserialize, Serialize};

/// The model family, which fixes the objective (and so the meaning of α and ρ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Least squares; the minimum-norm solution when it is not unique.
    Ols,
    /// Ridge, scikit-learn `Ridge`.
    Ridge,
    /// Lasso, scikit-learn `Lasso` (ρ = 1).
    Lasso,
    /// Elastic net, scikit-learn `ElasticNet`.
    ElasticNet,
    /// Multi-task elastic net, scikit-learn `MultiTaskElasticNet` (‖W‖₂₁ couples the targets).
    MultiTaskElasticNet,
}

impl ModelKind {
    /// Whether α enters the objective at all.
    pub fn uses_alpha(self) -> bool {
        !matches!(self, ModelKind::Ols)
    }

    /// Whether the model is fitted iteratively (tolerance and iteration limit apply).
    pub fn is_iterative(self) -> bool {
        matches!(
            self,
            ModelKind::Lasso | ModelKind::ElasticNet | ModelKind::MultiTaskElasticNet
        )
    }

    /// The l1 ratio this model uses for a requested ρ (lasso is ρ = 1 whatever is asked).
    pub fn effective_l1_ratio(self, requested: f64) -> f64 {
        match self {
            ModelKind::Lasso => 1.0,
            ModelKind::ElasticNet | ModelKind::MultiTaskElasticNet => requested,
            ModelKind::Ols | ModelKind::Ridge => 0.0,
        }
    }
}

/// How many principal components to keep after centring (and standardising).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PcaTruncation {
    /// Keep this many leading components (at most the rank).
    Components(usize),
    /// Keep the fewest leading components that explain this fraction of the variance, in (0, 1].
    VarianceFraction(f64),
}

/// Preprocessing applied before the solver, stored in the model and re-applied at prediction.
/// Centring (the unpenalised intercept) is always on: it is how scikit-learn fits an intercept.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PreprocessOptions {
    /// Divide centred features by their standard deviation (ddof 0, as `StandardScaler`).
    pub standardize: bool,
    /// Project onto leading principal components (for the collinear g(r) features).
    pub pca: Option<PcaTruncation>,
}

/// Builder of fit hyper-parameters; [`FitOptions::validate`] turns it into [`FitParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    alpha: f64,
    l1_ratio: f64,
    tol: f64,
    max_iter: usize,
    preprocess: PreprocessOptions,
    reject_constant_targets: bool,
}

impl Default for FitOptions {
    /// scikit-learn's defaults: α = 1, ρ = 0.5, tol = 1e-4, max_iter = 1000.
    fn default() -> Self {
        Self {
            alpha: 1.0,
            l1_ratio: 0.5,
            tol: 1e-4,
            max_iter: 1000,
            preprocess: PreprocessOptions::default(),
            reject_constant_targets: false,
        }
    }
}

impl FitOptions {
    /// Defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }
    /// Regularisation strength, scikit-learn's α.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
    /// Elastic-net mixing ρ ∈ [0, 1] (1 = lasso); ignored by OLS, ridge and lasso.
    pub fn l1_ratio(mut self, l1_ratio: f64) -> Self {
        self.l1_ratio = l1_ratio;
        self
    }
    /// Convergence tolerance of iterative solvers, in scikit-learn's sense for coordinate descent
    /// (duality gap below `tol · ‖y − ȳ‖²`).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Iteration limit of iterative solvers (passes over the features).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }
    /// Preprocessing beyond centring.
    pub fn preprocess(mut self, preprocess: PreprocessOptions) -> Self {
        self.preprocess = preprocess;
        self
    }
    /// Fail with [`RegressError::ConstantTarget`] instead of fitting constant target columns.
    pub fn reject_constant_targets(mut self, reject: bool) -> Self {
        self.reject_constant_targets = reject;
        self
    }

    /// Checks every value; the result is what backends accept.
    pub fn validate(&self) -> Result<FitParams> {
        let bad = |name, value, reason| RegressError::InvalidParameter {
            name,
            value,
            reason,
        };
        if !self.alpha.is_finite() || self.alpha < 0.0 {
            return Err(bad("alpha", self.alpha, "must be finite and ≥ 0"));
        }
        if !(0.0..=1.0).contains(&self.l1_ratio) {
            return Err(bad("l1_ratio", self.l1_ratio, "must lie in [0, 1]"));
        }
        if !self.tol.is_finite() || self.tol <= 0.0 {
            return Err(bad("tol", self.tol, "must be finite and > 0"));
        }
        if self.max_iter == 0 {
            return Err(bad("max_iter", 0.0, "must be ≥ 1"));
        }
        match self.preprocess.pca {
            Some(PcaTruncation::Components(0)) => {
                return Err(bad("pca components", 0.0, "must be ≥ 1"));
            }
            Some(PcaTruncation::VarianceFraction(f)) if !(f > 0.0 && f <= 1.0) => {
                return Err(bad("pca variance fraction", f, "must lie in (0, 1]"));
            }
            _ => {}
        }
        Ok(FitParams {
            alpha: self.alpha,
            l1_ratio: self.l1_ratio,
            tol: self.tol,
            max_iter: self.max_iter,
            preprocess: self.preprocess,
            reject_constant_targets: self.reject_constant_targets,
        })
    }
}

/// Validated hyper-parameters (build with [`FitOptions`]). Stored in every model file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitParams {
    /// scikit-learn's α (≥ 0).
    pub alpha: f64,
    /// Elastic-net ρ ∈ [0, 1].
    pub l1_ratio: f64,
    /// Tolerance of iterative solvers.
    pub tol: f64,
    /// Iteration limit of iterative solvers.
    pub max_iter: usize,
    /// Preprocessing beyond centring.
    pub preprocess: PreprocessOptions,
    /// Whether constant target columns are an error.
    pub reject_constant_targets: bool,
}

impl FitParams {
    /// The same parameters with another α (used along a regularisation path; α ≥ 0 is checked).
    pub fn with_alpha(&self, alpha: f64) -> Result<Self> {
        FitOptions::from(*self).alpha(alpha).validate()
    }
    /// The same parameters with another ρ.
    pub fn with_l1_ratio(&self, l1_ratio: f64) -> Result<Self> {
        FitOptions::from(*self).l1_ratio(l1_ratio).validate()
    }
}

impl From<FitParams> for FitOptions {
    fn from(p: FitParams) -> Self {
        Self {
            alpha: p.alpha,
            l1_ratio: p.l1_ratio,
            tol: p.tol,
            max_iter: p.max_iter,
            preprocess: p.preprocess,
            reject_constant_targets: p.reject_constant_targets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_alpha_is_rejected_with_its_value() {
        let err = FitOptions::new().alpha(-0.5).validate().unwrap_err();
        assert!(matches!(
            err,
            RegressError::InvalidParameter { name: "alpha", .. }
        ));
        assert!(err.to_string().contains("-0.5"), "{err}");
    }

    #[test]
    fn nan_alpha_bad_ratio_tol_and_pca_are_rejected() {
        assert!(FitOptions::new().alpha(f64::NAN).validate().is_err());
        assert!(FitOptions::new().l1_ratio(1.5).validate().is_err());
        assert!(FitOptions::new().tol(0.0).validate().is_err());
        assert!(FitOptions::new().max_iter(0).validate().is_err());
        let pca = |t| PreprocessOptions {
            standardize: false,
            pca: Some(t),
        };
        assert!(
            FitOptions::new()
                .preprocess(pca(PcaTruncation::Components(0)))
                .validate()
                .is_err()
        );
        assert!(
            FitOptions::new()
                .preprocess(pca(PcaTruncation::VarianceFraction(1.2)))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn lasso_forces_unit_l1_ratio() {
        assert_eq!(ModelKind::Lasso.effective_l1_ratio(0.3), 1.0);
        assert_eq!(ModelKind::ElasticNet.effective_l1_ratio(0.3), 0.3);
    }
}
