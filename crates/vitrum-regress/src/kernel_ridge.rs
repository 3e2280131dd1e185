//! Kernel ridge regression with the RBF kernel k(x, x′) = exp(−γ‖x − x′‖²): the ridge problem in
//! the feature space of the kernel, solved in its dual, (K + αI) C = Y − ȳ, ŷ(x) = k(x, X) C + ȳ.
//! A non-linear baseline with two hyper-parameters, γ and α, chosen by cross-validation like
//! ridge's α; scikit-learn's `KernelRidge(kernel="rbf", gamma=γ, alpha=α)` fitted on the centred
//! targets is the same model (scikit-learn has no intercept; centring the targets is ours, so
//! that far from the training data the prediction falls back to the training mean, not to 0).
//!
//! γ is scikit-learn's, on raw features. Its default candidates suit g(r) on ~200 r bins (squared
//! distances between glasses of O(10–100)); other features want a `gamma` axis in the search
//! grid of about 1 / (typical squared distance).

use crate::axes::FittedAxes;
use crate::candidates::{ALPHA, Hyper, SearchGrid};
use crate::data::{check_finite, check_nonempty, check_training_data};
use crate::error::{RegressError, Result};
use crate::predictor::{Estimator, Predictor};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use ndarray_linalg::{Cholesky, Diag, SolveTriangular, UPLO};
use serde::{Deserialize, Serialize};

/// The RBF kernel's width parameter γ (scikit-learn's `gamma`).
pub const GAMMA: &str = "gamma";

/// γ candidates when the search grid has no `gamma` axis (the first is the default).
pub const DEFAULT_GAMMAS: &[f64] = &[1e-2, 1e-3, 3e-3, 3e-2, 1e-1];
/// α candidates when the search grid has no `alpha` axis (the first is the default).
pub const DEFAULT_ALPHAS: &[f64] = &[1e-1, 1e-4, 1e-3, 1e-2, 1.0];

/// Fits [`KernelRidgeModel`]; hyper-parameters `gamma` and `alpha`.
#[derive(Debug, Clone, Copy, Default)]
pub struct KernelRidgeEstimator;

impl KernelRidgeEstimator {
    /// Registry name.
    pub const NAME: &'static str = "kernel-ridge";
}

fn positive(name: &'static str, value: Option<f64>, default: f64) -> Result<f64> {
    let v = value.unwrap_or(default);
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(RegressError::InvalidParameter {
            name,
            value: v,
            reason: "kernel ridge needs a finite value > 0",
        })
    }
}

impl Estimator for KernelRidgeEstimator {
    fn name(&self) -> &str {
        Self::NAME
    }

    /// γ × α: the grid's axes where it has them, else [`DEFAULT_GAMMAS`] / [`DEFAULT_ALPHAS`].
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        let gammas = grid.values(GAMMA).unwrap_or(DEFAULT_GAMMAS);
        let alphas = grid.values(ALPHA).unwrap_or(DEFAULT_ALPHAS);
        gammas
            .iter()
            .flat_map(|&g| {
                alphas
                    .iter()
                    .map(move |&a| Hyper::none().with(GAMMA, g).with(ALPHA, a))
            })
            .collect()
    }

    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Result<Box<dyn Predictor>> {
        axes.check_columns(x.ncols(), y.ncols())?;
        check_training_data(x, y)?;
        let gamma = positive("gamma", hyper.get(GAMMA), DEFAULT_GAMMAS[0])?;
        let alpha = positive("alpha", hyper.get(ALPHA), DEFAULT_ALPHAS[0])?;
        let y_mean = y.mean_axis(Axis(0)).expect("checked non-empty");
        let yc = &y - &y_mean;
        let mut k = rbf(x, x, gamma);
        for i in 0..k.nrows() {
            k[[i, i]] += alpha;
        }
        // K + αI is symmetric positive definite for α > 0 (K is positive semi-definite):
        // K + αI = L Lᵀ, then L Z = Yc and Lᵀ C = Z.
        let linalg = |e: ndarray_linalg::error::LinalgError| RegressError::Linalg {
            context: "kernel ridge (Cholesky of K + αI)",
            message: format!("{e}; raise alpha"),
        };
        let l = k.cholesky(UPLO::Lower).map_err(linalg)?;
        let z = l
            .solve_triangular(UPLO::Lower, Diag::NonUnit, &yc)
            .map_err(linalg)?;
        let dual_coef = l
            .t()
            .to_owned()
            .solve_triangular(UPLO::Upper, Diag::NonUnit, &z)
            .map_err(linalg)?;
        if dual_coef.iter().any(|v| !v.is_finite()) {
            return Err(RegressError::Linalg {
                context: "kernel ridge",
                message: format!("non-finite dual coefficients at alpha = {alpha}; raise alpha"),
            });
        }
        Ok(Box::new(KernelRidgeModel {
            grids: axes.clone(),
            gamma,
            alpha,
            train_x: x.to_owned(),
            dual_coef,
            y_mean,
        }))
    }
}

/// The RBF kernel matrix `[a rows × b rows]`, exp(−γ‖a_i − b_j‖²), the squared distances as
/// ‖a‖² + ‖b‖² − 2 a·b clipped at 0 (scikit-learn's `euclidean_distances`).
pub fn rbf(a: ArrayView2<f64>, b: ArrayView2<f64>, gamma: f64) -> Array2<f64> {
    let na: Array1<f64> = a.rows().into_iter().map(|r| r.dot(&r)).collect();
    let nb: Array1<f64> = b.rows().into_iter().map(|r| r.dot(&r)).collect();
    let mut k = a.dot(&b.t());
    for ((i, j), v) in k.indexed_iter_mut() {
        let d2 = (na[i] + nb[j] - 2.0 * *v).max(0.0);
        *v = (-gamma * d2).exp();
    }
    k
}

/// A fitted kernel ridge: the training features, the dual coefficients and the target mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KernelRidgeModel {
    /// Grids of the training data.
    pub grids: FittedAxes,
    pub gamma: f64,
    pub alpha: f64,
    /// Training features `[samples × features]` (the kernel's centres).
    pub train_x: Array2<f64>,
    /// Dual coefficients C `[samples × targets]`.
    pub dual_coef: Array2<f64>,
    /// Training mean per target.
    pub y_mean: Array1<f64>,
}

impl KernelRidgeModel {
    /// Registry kind in model files.
    pub const KIND: &'static str = "kernel-ridge";

    /// [`crate::model_file::KINDS`]' loader for kind `kernel-ridge`.
    pub(crate) fn load_fields(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        let m: Self = serde_json::from_value(fields)?;
        let (n, t) = m.dual_coef.dim();
        if m.train_x.nrows() != n || m.y_mean.len() != t || n == 0 {
            return Err(RegressError::BadModel(format!(
                "kernel-ridge: {} training rows, {} × {} dual coefficients, {} target means",
                m.train_x.nrows(),
                n,
                t,
                m.y_mean.len()
            )));
        }
        if !(m.gamma > 0.0 && m.gamma.is_finite()) {
            return Err(RegressError::BadModel(format!(
                "kernel-ridge: gamma = {} (must be > 0)",
                m.gamma
            )));
        }
        m.grids.check_columns(m.train_x.ncols(), t)?;
        Ok(Box::new(m))
    }
}

impl Predictor for KernelRidgeModel {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        KernelRidgeEstimator::NAME
    }
    fn hyper(&self) -> Hyper {
        Hyper::none()
            .with(GAMMA, self.gamma)
            .with(ALPHA, self.alpha)
    }
    fn axes(&self) -> &FittedAxes {
        &self.grids
    }
    fn n_features(&self) -> usize {
        self.train_x.ncols()
    }
    fn n_targets(&self) -> usize {
        self.y_mean.len()
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_nonempty("features", x)?;
        self.grids
            .check_feature_columns(self.n_features(), x.ncols())?;
        check_finite("features", x)?;
        let k = rbf(x, self.train_x.view(), self.gamma);
        Ok(k.dot(&self.dual_coef) + &self.y_mean)
    }
    fn to_model_json(&self) -> Result<String> {
        crate::model_file::to_json(Self::KIND, self)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array;

    fn data() -> (Array2<f64>, Array2<f64>) {
        let x = Array::from_shape_fn((10, 4), |(i, j)| {
            (i as f64 * 0.37 + j as f64 * 1.3).sin() + 0.1 * j as f64 + 0.3 * i as f64
        });
        let y = Array::from_shape_fn((10, 2), |(i, t)| (i as f64 * 0.4 + t as f64).cos());
        (x, y)
    }

    fn fit(x: &Array2<f64>, y: &Array2<f64>, gamma: f64, alpha: f64) -> Box<dyn Predictor> {
        KernelRidgeEstimator
            .fit(
                x.view(),
                y.view(),
                &FittedAxes::default(),
                &Hyper::none().with(GAMMA, gamma).with(ALPHA, alpha),
            )
            .unwrap()
    }

    /// α → 0 interpolates the training targets: (K + αI)C = Yc gives K C = Yc − αC, so the
    /// training residual is α C; with α = 1e-10 and a well-conditioned K (γ = 10 on samples whose
    /// squared distances are O(1): K is near the identity, ‖C‖ ≈ ‖Yc‖ = O(1)) it is below 1e-8.
    #[test]
    fn interpolates_the_training_data_as_alpha_vanishes() {
        let (x, y) = data();
        let m = fit(&x, &y, 10.0, 1e-10);
        let p = m.predict(x.view()).unwrap();
        let worst = (&p - &y).iter().fold(0.0f64, |a, d| a.max(d.abs()));
        assert!(worst < 1e-8, "max training residual {worst}");
    }

    /// γ → 0: every kernel entry is 1, so K = 11ᵀ and K C = 1 (1ᵀC); with the targets centred,
    /// 1ᵀ(K + αI)⁻¹Yc = 1ᵀYc / (n + α) = 0, so every prediction is the training mean exactly
    /// (up to rounding of the centred sums, 1e-12).
    #[test]
    fn a_vanishing_gamma_predicts_the_mean() {
        let (x, y) = data();
        let m = fit(&x, &y, 1e-300, 0.5);
        let ym = y.mean_axis(Axis(0)).unwrap();
        let p = m.predict(x.slice(ndarray::s![..3, ..])).unwrap();
        for row in p.rows() {
            for (a, b) in row.iter().zip(ym.iter()) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
        }
    }

    /// The dual solution against the normal equations written out: (K + αI) C = Yc.
    #[test]
    fn solves_the_dual_system_and_reloads_identically() {
        let (x, y) = data();
        let m = fit(&x, &y, 0.3, 0.01);
        let km = m.as_any().downcast_ref::<KernelRidgeModel>().unwrap();
        let mut k = rbf(x.view(), x.view(), 0.3);
        for i in 0..10 {
            k[[i, i]] += 0.01;
        }
        let yc = &y - &y.mean_axis(Axis(0)).unwrap();
        let r = k.dot(&km.dual_coef) - &yc;
        // residual of a Cholesky solve: κ(K + αI) · ε · ‖Y‖ ≲ 1e3 · 1e-16
        assert!(r.iter().all(|v| v.abs() < 1e-10), "{r}");
        let back = crate::model_file::from_json(&m.to_model_json().unwrap()).unwrap();
        assert_eq!(back.kind(), KernelRidgeModel::KIND);
        assert_eq!(
            back.predict(x.view()).unwrap(),
            m.predict(x.view()).unwrap()
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let (x, y) = data();
        let m = fit(&x, &y, 0.3, 0.01);
        assert!(m.predict(Array2::zeros((2, 3)).view()).is_err());
        let mut bad = x.clone();
        bad[[1, 2]] = f64::NAN;
        let e = m.predict(bad.view()).unwrap_err().to_string();
        assert!(e.contains("sample 1"), "{e}");
        let e = KernelRidgeEstimator
            .fit(
                x.view(),
                y.view(),
                &FittedAxes::default(),
                &Hyper::none().with(GAMMA, -1.0),
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("gamma"), "{e}");
    }
}
