//! The [`Backend`] trait and the registry of backends by name.
//!
//! Every backend solves the same problem on data the caller has already centred (and, if asked,
//! standardised and PCA-projected): no intercept, weights only. The intercept is then `ȳ`, exactly
//! as scikit-learn fits it. Doing the centring once, here, is what makes switching the backend
//! change nothing but the solver (linfa's and smartcore's own intercept handling is bypassed; see
//! the notes in their files).
//!
//! Adding a backend (a solver for a linear model on centred data, which [`crate::LinearEstimator`]
//! turns into an estimator): one file in this directory implementing [`Backend`], one feature in
//! `Cargo.toml`, one entry in that file's `BACKENDS` list (or one line in `families()` for a new file).

use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

#[cfg(feature = "linfa")]
pub mod linfa;
#[cfg(feature = "native")]
pub mod native;
#[cfg(feature = "native")]
pub mod native_cd;
#[cfg(feature = "smartcore")]
pub mod smartcore;

/// What a solver returns: weights on the (preprocessed, centred) features and how it got there.
#[derive(Debug, Clone, Default)]
pub struct SolverOutput {
    /// Weights, `[targets × features]` (scikit-learn's `coef_` layout).
    pub w: Array2<f64>,
    /// Solver-specific diagnostics.
    pub info: SolverInfo,
}

/// Solver diagnostics, stored in the model file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    /// Iterations (passes over the features) per target, for iterative solvers.
    pub n_iter: Option<Vec<usize>>,
    /// Final duality gap per target, in the solver's own units (documented by the backend).
    pub dual_gap: Option<Vec<f64>>,
    /// Whether every target met the tolerance before the iteration limit.
    pub converged: Option<bool>,
    /// Numerical rank of the (centred) design, for SVD solvers.
    pub rank: Option<usize>,
    /// Anything else worth knowing (conversions applied, workarounds used).
    pub notes: Vec<String>,
}

/// A regression solver: one model family, one library.
pub trait Backend: Send + Sync {
    /// Registry name, e.g. `native-ridge`.
    fn name(&self) -> &'static str;

    /// The model family: fixes the objective and so the meaning of α.
    fn kind(&self) -> ModelKind;

    /// Solves on centred `x` `[samples × features]`, `y` `[samples × targets]` without intercept.
    fn solve(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        params: &FitParams,
    ) -> Result<SolverOutput>;

    /// Solves for every α in `alphas` (in order). Backends that share work along the path (one
    /// SVD for all of ridge's α) override this; the default solves each α afresh.
    fn solve_path(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        params: &FitParams,
        alphas: &[f64],
    ) -> Result<Vec<SolverOutput>> {
        alphas
            .iter()
            .map(|&a| self.solve(x, y, &params.with_alpha(a)?))
            .collect()
    }

    /// Cross-validation's inner step: validation R² (uniform average over targets, scikit-learn's
    /// rule for constant columns) for every α in `alphas` (in order), of the fit on centred `x`,
    /// `y`, scored on validation rows `xv` (preprocessed like `x`) against raw validation targets
    /// `yv`, predictions being `xv Wᵀ + y_mean` (`y_mean` the training targets' mean). The default
    /// fits the path with [`Backend::solve_path`] and predicts; native ridge overrides it to score
    /// every α in its SVD basis.
    #[allow(clippy::too_many_arguments)]
    fn validation_r2_path(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        xv: ArrayView2<f64>,
        yv: ArrayView2<f64>,
        y_mean: ArrayView1<f64>,
        params: &FitParams,
        alphas: &[f64],
    ) -> Result<Vec<f64>> {
        Ok(self
            .solve_path(x, y, params, alphas)?
            .iter()
            .map(|o| crate::metrics::r2_uniform(yv, (xv.dot(&o.w.t()) + y_mean).view()))
            .collect())
    }
}

/// The backend families compiled in; one line per backend file.
fn families() -> Vec<&'static [&'static dyn Backend]> {
    vec![
        #[cfg(feature = "native")]
        native::BACKENDS,
        #[cfg(feature = "native")]
        native_cd::BACKENDS,
        #[cfg(feature = "linfa")]
        linfa::BACKENDS,
        #[cfg(feature = "smartcore")]
        smartcore::BACKENDS,
    ]
}

/// Every backend compiled in, in registry order.
pub fn all() -> Vec<&'static dyn Backend> {
    families().into_iter().flatten().copied().collect()
}

/// Registry names of every backend compiled in.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|b| b.name()).collect()
}

/// The backend called `name`, or an error listing the available ones.
pub fn by_name(name: &str) -> Result<&'static dyn Backend> {
    all()
        .into_iter()
        .find(|b| b.name() == name)
        .ok_or_else(|| RegressError::UnknownBackend {
            name: name.to_string(),
            known: names().join(", "),
        })
}

/// One target's fit by a single-target solver.
#[derive(Debug, Clone)]
pub(crate) struct TargetFit {
    pub coef: Array1<f64>,
    pub n_iter: Option<usize>,
    pub gap: Option<f64>,
    pub converged: bool,
}

/// Single-target solvers are run over the targets in parallel (rayon); results keep target order,
/// so the outcome does not depend on the thread count.
///
/// A centred target that is identically zero (a spectral bin empty in every training sample) has
/// the exact solution w = 0 for every model here; it is not handed to the solver, whose
/// relative stopping rules (`gap < tol · ‖y‖²` = 0) could otherwise never be met.
#[cfg(any(feature = "linfa", feature = "smartcore"))]
pub(crate) fn per_target<F>(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    solve_one: F,
) -> Result<SolverOutput>
where
    F: Fn(usize, ArrayView1<f64>) -> Result<TargetFit> + Sync,
{
    let mut out = per_target_path(x, y, 1, |t, yt| Ok(vec![solve_one(t, yt)?]))?;
    Ok(out.remove(0))
}

/// [`per_target`] for a path: `solve_one` returns `n_path` fits of one target (e.g. one per α,
/// solved in sequence with warm starts); the result has one output per path point.
pub(crate) fn per_target_path<F>(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    n_path: usize,
    solve_one: F,
) -> Result<Vec<SolverOutput>>
where
    F: Fn(usize, ArrayView1<f64>) -> Result<Vec<TargetFit>> + Sync,
{
    use rayon::prelude::*;
    let n_features = x.ncols();
    let fits: Vec<Vec<TargetFit>> = (0..y.ncols())
        .into_par_iter()
        .map(|t| {
            let yt = y.column(t);
            if yt.iter().all(|&v| v == 0.0) {
                let zero = TargetFit {
                    coef: Array1::zeros(n_features),
                    n_iter: Some(0),
                    gap: Some(0.0),
                    converged: true,
                };
                return Ok(vec![zero; n_path]);
            }
            let f = solve_one(t, yt)?;
            debug_assert_eq!(f.len(), n_path);
            Ok(f)
        })
        .collect::<Result<_>>()?;
    Ok((0..n_path)
        .map(|k| {
            let mut w = Array2::zeros((fits.len(), n_features));
            for (t, f) in fits.iter().enumerate() {
                w.row_mut(t).assign(&f[k].coef);
            }
            // Solvers without iteration counts or gaps report none, skipped targets included.
            let iterative = fits.iter().any(|f| f[k].n_iter.is_some_and(|n| n > 0));
            let n_iter: Option<Vec<usize>> = fits.iter().map(|f| f[k].n_iter).collect();
            let dual_gap: Option<Vec<f64>> = fits.iter().map(|f| f[k].gap).collect();
            let (n_iter, dual_gap) = if iterative {
                (n_iter, dual_gap)
            } else {
                (None, None)
            };
            SolverOutput {
                w,
                info: SolverInfo {
                    n_iter,
                    dual_gap,
                    converged: Some(fits.iter().all(|f| f[k].converged)),
                    ..Default::default()
                },
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_has_the_issue_names_and_unknown_names_fail() {
        let names = names();
        for n in [
            "native-ols",
            "native-ridge",
            "linfa-ols",
            "linfa-lasso",
            "linfa-elasticnet",
            "smartcore-ridge",
            "smartcore-lasso",
            "smartcore-elasticnet",
        ] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
        let err = by_name("sklearn-ridge").map(|b| b.name()).unwrap_err();
        assert!(err.to_string().contains("native-ridge"), "{err}");
    }
}
