//! smartcore backends: ridge, lasso and elastic net, one target at a time (smartcore fits single
//! targets only), in parallel.
//!
//! Conventions (smartcore 0.7.0's source; conversions tested in `tests/conventions.rs`):
//! - `RidgeRegression` solves `(XᵀX + αI) w = Xᵀy`: the same α as scikit-learn. It refuses
//!   `n ≤ p`; then we give it the equivalent augmented system `[X; √α I] w ≈ [y; 0]` with α = 0,
//!   whose normal equations are identical.
//! - Lasso and elastic net run an interior-point solver on `‖y − Xw‖² + λ₁‖w‖₁ + λ₂‖w‖²` with
//!   `λ₁ = n α_sc ρ_sc`, `λ₂ = n α_sc (1 − ρ_sc)` (no ½, no 1/n). Matching scikit-learn's
//!   `(1/2n)‖r‖² + αρ‖w‖₁ + α(1−ρ)/2 ‖w‖²` (×2n) needs `α_sc = α(1 + ρ)`, `ρ_sc = 2ρ/(1 + ρ)`;
//!   lasso: `α_sc = 2α`. See [`to_smartcore_enet`].
//! - smartcore's `Lasso` refuses `n < p`; there we use its `ElasticNet` with `ρ_sc = 1`, the same
//!   objective (its augmented rows are then zero).
//! - smartcore's `tol` is the interior point's relative duality gap, not scikit-learn's
//!   coordinate-descent criterion; we pass the user's `tol` as that relative gap.
//! - Its intercept handling (centring y inside the augmented system, `normalize = true` by
//!   default) is bypassed: we pass centred data, `normalize = false`.

use super::{Backend, SolverOutput, TargetFit, per_target};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use ndarray::{Array1, ArrayView1, ArrayView2};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::elastic_net::{ElasticNet, ElasticNetParameters};
use smartcore::linear::lasso::{Lasso, LassoParameters};
use smartcore::linear::ridge_regression::{
    RidgeRegression, RidgeRegressionParameters, RidgeRegressionSolverName,
};

/// Backends of this file.
pub static BACKENDS: &[&dyn Backend] = &[
    &SmartcoreRidge,
    &SmartcoreEnet {
        name: "smartcore-lasso",
        kind: ModelKind::Lasso,
    },
    &SmartcoreEnet {
        name: "smartcore-elasticnet",
        kind: ModelKind::ElasticNet,
    },
];

/// scikit-learn (α, ρ) → smartcore elastic net (α_sc, ρ_sc); see the module doc.
pub fn to_smartcore_enet(alpha: f64, l1_ratio: f64) -> (f64, f64) {
    let a = alpha * (1.0 + l1_ratio);
    let r = if l1_ratio == 0.0 {
        0.0
    } else {
        2.0 * l1_ratio / (1.0 + l1_ratio)
    };
    (a, r)
}

/// scikit-learn lasso α → smartcore `Lasso` α.
pub fn to_smartcore_lasso(alpha: f64) -> f64 {
    2.0 * alpha
}

fn fail(backend: &'static str, e: impl std::fmt::Display) -> RegressError {
    RegressError::Backend {
        backend,
        message: e.to_string(),
    }
}

/// Column-major storage: smartcore's products (`XᵀX`, `Xᵀv`, `Xv`) walk the columns of X, which
/// are then contiguous (the same values, only the layout differs).
fn dense(x: ArrayView2<f64>, backend: &'static str) -> Result<DenseMatrix<f64>> {
    let values: Vec<f64> = x.t().iter().copied().collect(); // column-major order
    DenseMatrix::new(x.nrows(), x.ncols(), values, true).map_err(|e| fail(backend, e))
}

fn column(m: &DenseMatrix<f64>) -> Array1<f64> {
    Array1::from_iter((0..m.shape().0).map(|j| *m.get((j, 0))))
}

/// smartcore `RidgeRegression` (Cholesky on the normal equations).
pub struct SmartcoreRidge;

impl Backend for SmartcoreRidge {
    fn name(&self) -> &'static str {
        "smartcore-ridge"
    }
    fn kind(&self) -> ModelKind {
        ModelKind::Ridge
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        let (n, nf) = x.dim();
        let augment = n <= nf;
        let (xm, alpha) = if augment {
            let mut xa = ndarray::Array2::zeros((n + nf, nf));
            xa.slice_mut(ndarray::s![..n, ..]).assign(&x);
            for j in 0..nf {
                xa[[n + j, j]] = p.alpha.sqrt();
            }
            (dense(xa.view(), self.name())?, 0.0)
        } else {
            (dense(x, self.name())?, p.alpha)
        };
        let params = RidgeRegressionParameters::default()
            .with_alpha(alpha)
            .with_normalize(false)
            .with_solver(RidgeRegressionSolverName::Cholesky);
        let mut out = per_target(x, y, |_, yt: ArrayView1<f64>| {
            let mut yv: Vec<f64> = yt.to_vec();
            if augment {
                yv.resize(n + nf, 0.0);
            }
            let fit = RidgeRegression::fit(&xm, &yv, params.clone())
                .map_err(|e| fail("smartcore-ridge", e))?;
            Ok(TargetFit {
                coef: column(fit.coefficients()),
                n_iter: None,
                gap: None,
                converged: true,
            })
        })?;
        if augment {
            out.info
                .notes
                .push("n ≤ p: fitted the augmented system [X; √α I], [y; 0] with α = 0".into());
        }
        Ok(out)
    }
}

/// smartcore `Lasso` / `ElasticNet` (interior point).
pub struct SmartcoreEnet {
    name: &'static str,
    kind: ModelKind,
}

impl Backend for SmartcoreEnet {
    fn name(&self) -> &'static str {
        self.name
    }
    fn kind(&self) -> ModelKind {
        self.kind
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        let (n, nf) = x.dim();
        let xm = dense(x, self.name)?;
        let rho = self.kind.effective_l1_ratio(p.l1_ratio);
        let use_lasso = self.kind == ModelKind::Lasso && n >= nf;
        let name = self.name;
        let mut out = per_target(x, y, |_, yt| {
            let yv = yt.to_vec();
            let coef = if use_lasso {
                let params = LassoParameters::default()
                    .with_alpha(to_smartcore_lasso(p.alpha))
                    .with_normalize(false)
                    .with_fit_intercept(false)
                    .with_tol(p.tol)
                    .with_max_iter(p.max_iter);
                column(
                    Lasso::fit(&xm, &yv, params)
                        .map_err(|e| fail(name, e))?
                        .coefficients(),
                )
            } else {
                let (a, r) = to_smartcore_enet(p.alpha, rho);
                let params = ElasticNetParameters::default()
                    .with_alpha(a)
                    .with_l1_ratio(r)
                    .with_normalize(false)
                    .with_tol(p.tol)
                    .with_max_iter(p.max_iter);
                column(
                    ElasticNet::fit(&xm, &yv, params)
                        .map_err(|e| fail(name, e))?
                        .coefficients(),
                )
            };
            Ok(TargetFit {
                coef,
                n_iter: None,
                gap: None,
                converged: true,
            })
        })?;
        out.info.notes.push(format!(
            "smartcore interior point, relative duality gap tol {}; {}",
            p.tol,
            if use_lasso || self.kind != ModelKind::Lasso {
                "direct"
            } else {
                "n < p: smartcore Lasso refuses it, used smartcore ElasticNet with l1_ratio 1"
            }
        ));
        Ok(out)
    }
}
