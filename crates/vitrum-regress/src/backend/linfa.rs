//! linfa backends: linfa-linear (OLS) and linfa-elasticnet (lasso, elastic net, multi-task).
//!
//! Conventions (checked against linfa 0.8.1's source and tested below):
//! - linfa-elasticnet's `penalty` is scikit-learn's α and its `l1_ratio` is ρ, with the same
//!   `1/(2n)` scaling and the same coordinate descent and duality-gap stopping rule
//!   (`gap < tol · ‖y‖²`): no conversion.
//! - Its intercept centres y but not X, which biases the intercept (the workspace's gotcha 9:
//!   2.945 against a true 3.0). We pass centred data and `with_intercept(false)`, like every
//!   backend here, so the intercept is scikit-learn's `ȳ − x̄·w`.
//! - linfa-linear with its `blas` feature solves least squares with LAPACK `gelsd` (SVD,
//!   minimum norm), the driver scikit-learn's `LinearRegression` uses through scipy.

use super::{Backend, SolverOutput, TargetFit, per_target};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use linfa::Dataset;
use linfa::traits::Fit;
use linfa_elasticnet::{ElasticNet, MultiTaskElasticNet};
use linfa_linear::LinearRegression;
use ndarray::{ArrayView2, Axis};

/// Backends of this file.
pub static BACKENDS: &[&dyn Backend] = &[
    &LinfaOls,
    &LinfaEnet {
        name: "linfa-lasso",
        kind: ModelKind::Lasso,
    },
    &LinfaEnet {
        name: "linfa-elasticnet",
        kind: ModelKind::ElasticNet,
    },
    &LinfaMultiTask,
];

/// linfa's coordinate descent walks the columns of X: give it column-major storage so each
/// column is contiguous (several times faster than strided row-major columns).
fn column_major(x: ArrayView2<f64>) -> ndarray::Array2<f64> {
    x.t().as_standard_layout().into_owned().reversed_axes()
}

fn fail(backend: &'static str, e: impl std::fmt::Display) -> RegressError {
    RegressError::Backend {
        backend,
        message: e.to_string(),
    }
}

/// linfa-linear `LinearRegression` (minimum-norm least squares via LAPACK gelsd).
pub struct LinfaOls;

impl Backend for LinfaOls {
    fn name(&self) -> &'static str {
        "linfa-ols"
    }
    fn kind(&self) -> ModelKind {
        ModelKind::Ols
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, _: &FitParams) -> Result<SolverOutput> {
        let xo = column_major(x);
        per_target(x, y, |_, yt| {
            let ds = Dataset::new(xo.clone(), yt.to_owned());
            let fit = LinearRegression::new()
                .with_intercept(false)
                .fit(&ds)
                .map_err(|e| fail("linfa-ols", e))?;
            Ok(TargetFit {
                coef: fit.params().clone(),
                n_iter: None,
                gap: None,
                converged: true,
            })
        })
    }
}

/// linfa-elasticnet `ElasticNet`, one target at a time (in parallel).
pub struct LinfaEnet {
    name: &'static str,
    kind: ModelKind,
}

impl Backend for LinfaEnet {
    fn name(&self) -> &'static str {
        self.name
    }
    fn kind(&self) -> ModelKind {
        self.kind
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        let rho = self.kind.effective_l1_ratio(p.l1_ratio);
        let max_iter = u32::try_from(p.max_iter).unwrap_or(u32::MAX);
        let xo = column_major(x);
        let name = self.name;
        let mut out = per_target(x, y, |_, yt| {
            let yy = yt.dot(&yt);
            let ds = Dataset::new(xo.clone(), yt.to_owned());
            let fit = ElasticNet::params()
                .penalty(p.alpha)
                .l1_ratio(rho)
                .with_intercept(false)
                .tolerance(p.tol)
                .max_iterations(max_iter)
                .fit(&ds)
                .map_err(|e| fail(name, e))?;
            Ok(TargetFit {
                coef: fit.hyperplane().clone(),
                n_iter: Some(fit.n_steps() as usize),
                gap: Some(fit.duality_gap()),
                converged: fit.duality_gap() < p.tol * yy,
            })
        })?;
        out.info
            .notes
            .push("dual_gap in scikit-learn's n-scaled units (linfa's own)".into());
        Ok(out)
    }
}

/// linfa-elasticnet `MultiTaskElasticNet`: all targets at once with the ‖W‖₂₁ penalty
/// (scikit-learn `MultiTaskElasticNet`, same α and ρ).
pub struct LinfaMultiTask;

impl Backend for LinfaMultiTask {
    fn name(&self) -> &'static str {
        "linfa-multitask-elasticnet"
    }
    fn kind(&self) -> ModelKind {
        ModelKind::MultiTaskElasticNet
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        let ds = Dataset::new(x.to_owned(), y.to_owned());
        let fit = MultiTaskElasticNet::params()
            .penalty(p.alpha)
            .l1_ratio(p.l1_ratio)
            .with_intercept(false)
            .tolerance(p.tol)
            .max_iterations(u32::try_from(p.max_iter).unwrap_or(u32::MAX))
            .fit(&ds)
            .map_err(|e| fail("linfa-multitask-elasticnet", e))?;
        let yy: f64 = y.iter().map(|v| v * v).sum();
        // linfa's hyperplane is [features × targets]; ours is [targets × features].
        let w = fit.hyperplane().view().reversed_axes().to_owned();
        debug_assert_eq!(w.len_of(Axis(0)), y.ncols());
        Ok(SolverOutput {
            w,
            info: super::SolverInfo {
                n_iter: Some(vec![fit.n_steps() as usize]),
                dual_gap: Some(vec![fit.duality_gap()]),
                converged: Some(fit.duality_gap() < p.tol * yy),
                ..Default::default()
            },
        })
    }
}
