//! Ridge shrunk towards a prior weight map instead of towards zero:
//! min_W ‖Y − X Wᵀ − b‖² + α ‖W − W₀‖², the intercept unpenalised. With few samples the fit stays
//! near W₀ (e.g. a perturbation-theory kernel K), with many it follows the data; α is chosen by
//! cross-validation like ridge's. Solved as ridge on the residual targets Y − X W₀ᵀ (W = W₀ + W′):
//! substituting W = W₀ + W′ turns the penalty into α‖W′‖² and the data term into
//! ‖(Y − X W₀ᵀ) − X W′ᵀ − b‖², so any ridge backend, its preprocessing and its intercept by
//! centring apply unchanged.

use crate::axes::FittedAxes;
use crate::candidates::{Hyper, SearchGrid};
use crate::error::{RegressError, Result};
use crate::linear::LinearEstimator;
use crate::predictor::{Estimator, Predictor};
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Ridge towards `prior` (`[targets × features]`, on raw features).
pub struct PriorRidgeEstimator<'a> {
    /// The ridge backend and its settings (α is searched as for ridge).
    pub ridge: LinearEstimator<'a>,
    pub prior: Array2<f64>,
    /// The name in reports and model files (e.g. `theory-prior-ridge`).
    pub name: String,
}

impl<'a> PriorRidgeEstimator<'a> {
    pub fn new(ridge: LinearEstimator<'a>, prior: Array2<f64>, name: impl Into<String>) -> Self {
        PriorRidgeEstimator {
            ridge,
            prior,
            name: name.into(),
        }
    }

    fn check(&self, x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<()> {
        if self.prior.dim() != (y.ncols(), x.ncols()) {
            return Err(RegressError::Invalid(format!(
                "{}: the prior weight map is {} × {} (targets × features), the data {} × {}",
                self.name,
                self.prior.nrows(),
                self.prior.ncols(),
                y.ncols(),
                x.ncols()
            )));
        }
        if self.prior.iter().any(|v| !v.is_finite()) {
            return Err(RegressError::Invalid(format!(
                "{}: the prior weight map has non-finite entries",
                self.name
            )));
        }
        Ok(())
    }
}

impl Estimator for PriorRidgeEstimator<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        self.ridge.candidates(grid)
    }

    /// Validation scores use the default (fit and predict per α): R² is of the targets, not of
    /// the residuals, so ridge's path shortcut on the residuals would rank α by another score.
    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Result<Box<dyn Predictor>> {
        self.check(x, y)?;
        let residual = &y - &x.dot(&self.prior.t());
        let model = self.ridge.fit(x, residual.view(), axes, hyper)?;
        Ok(Box::new(PriorRidgeModel {
            estimator: self.name.clone(),
            prior: self.prior.clone(),
            residual: model,
        }))
    }
}

/// A fitted prior ridge: ŷ = (W₀ + W′) x + b′.
#[derive(Debug)]
pub struct PriorRidgeModel {
    estimator: String,
    prior: Array2<f64>,
    residual: Box<dyn Predictor>,
}

#[derive(Serialize, Deserialize)]
struct Fields {
    estimator: String,
    prior: Array2<f64>,
    /// The ridge fitted to the residual targets, as its own model file.
    residual: serde_json::Value,
}

impl PriorRidgeModel {
    /// Registry kind in model files.
    pub const KIND: &'static str = "prior-ridge";

    /// [`crate::model_file::KINDS`]' loader for kind `prior-ridge`.
    pub(crate) fn load_fields(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        let f: Fields = serde_json::from_value(fields)?;
        let residual = crate::model_file::from_json(&f.residual.to_string())?;
        if f.prior.dim() != (residual.n_targets(), residual.n_features()) {
            return Err(RegressError::BadModel(format!(
                "prior-ridge: prior {} × {} for a residual model of {} targets × {} features",
                f.prior.nrows(),
                f.prior.ncols(),
                residual.n_targets(),
                residual.n_features()
            )));
        }
        Ok(Box::new(PriorRidgeModel {
            estimator: f.estimator,
            prior: f.prior,
            residual,
        }))
    }
}

impl Predictor for PriorRidgeModel {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        &self.estimator
    }
    fn hyper(&self) -> Hyper {
        self.residual.hyper()
    }
    fn axes(&self) -> &FittedAxes {
        self.residual.axes()
    }
    fn n_features(&self) -> usize {
        self.residual.n_features()
    }
    fn n_targets(&self) -> usize {
        self.residual.n_targets()
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let r = self.residual.predict(x)?;
        Ok(r + x.dot(&self.prior.t()))
    }
    fn linear_form(&self) -> Option<(Array2<f64>, Array1<f64>)> {
        let (w, b) = self.residual.linear_form()?;
        Some((w + &self.prior, b))
    }
    fn warnings(&self) -> Vec<String> {
        self.residual.warnings()
    }
    fn to_model_json(&self) -> Result<String> {
        let residual: serde_json::Value = serde_json::from_str(&self.residual.to_model_json()?)?;
        crate::model_file::to_json(
            Self::KIND,
            &Fields {
                estimator: self.estimator.clone(),
                prior: self.prior.clone(),
                residual,
            },
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend;
    use crate::candidates::ALPHA;
    use crate::hyperparams::FitOptions;
    use ndarray::Array;

    fn data() -> (Array2<f64>, Array2<f64>) {
        // 12 samples, 5 features, 3 targets, deterministic and full rank
        let x = Array::from_shape_fn((12, 5), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f64 / 11.0 + (i as f64 * 0.37 + j as f64).sin()
        });
        let w = Array::from_shape_fn((3, 5), |(t, j)| (t as f64 - j as f64) * 0.3);
        let y = x.dot(&w.t()) + Array::from_shape_fn((12, 3), |(i, t)| ((i + t) % 3) as f64 * 0.01);
        (x, y)
    }

    /// The closed form per target: w = (XcᵀXc + αI)⁻¹(Xcᵀ yc + α w₀) (Xc, yc centred); and the
    /// limits: α → ∞ gives W₀, and a zero prior gives plain ridge.
    #[test]
    fn matches_the_closed_form_and_its_limits() {
        let (x, y) = data();
        let prior = Array::from_shape_fn((3, 5), |(t, j)| 0.1 * (t + j) as f64);
        let params = FitOptions::new().validate().unwrap();
        let ridge = LinearEstimator::new(backend::by_name("native-ridge").unwrap(), params);
        let est = PriorRidgeEstimator::new(ridge, prior.clone(), "prior-ridge");
        let alpha = 0.7;
        let m = est
            .fit(
                x.view(),
                y.view(),
                &FittedAxes::default(),
                &Hyper::none().with(ALPHA, alpha),
            )
            .unwrap();
        let (w, b) = m.linear_form().unwrap();
        let xm = x.mean_axis(ndarray::Axis(0)).unwrap();
        let ym = y.mean_axis(ndarray::Axis(0)).unwrap();
        let xc = &x - &xm;
        let yc = &y - &ym;
        let mut a = xc.t().dot(&xc);
        for k in 0..5 {
            a[[k, k]] += alpha;
        }
        let rhs = xc.t().dot(&yc) + &(prior.t().to_owned() * alpha);
        use ndarray_linalg::Solve;
        for t in 0..3 {
            let wt = a.solve(&rhs.column(t).to_owned()).unwrap();
            for k in 0..5 {
                assert!((w[[t, k]] - wt[k]).abs() < 1e-10, "t {t} k {k}");
            }
            assert!((b[t] - (ym[t] - wt.dot(&xm))).abs() < 1e-10);
        }
        // predictions are the linear form's
        let p = m.predict(x.view()).unwrap();
        let q = x.dot(&w.t()) + &b;
        assert!((&p - &q).iter().all(|d| d.abs() < 1e-12));
        // α huge: the prior
        let far = est
            .fit(
                x.view(),
                y.view(),
                &FittedAxes::default(),
                &Hyper::none().with(ALPHA, 1e12),
            )
            .unwrap();
        let (wf, _) = far.linear_form().unwrap();
        assert!((&wf - &prior).iter().all(|d| d.abs() < 1e-8));
        // a file round trip predicts the same
        let back = crate::model_file::from_json(&m.to_model_json().unwrap()).unwrap();
        assert_eq!(back.kind(), "prior-ridge");
        assert_eq!(back.predict(x.view()).unwrap(), p);
    }

    #[test]
    fn a_prior_of_the_wrong_shape_is_refused() {
        let (x, y) = data();
        let params = FitOptions::new().validate().unwrap();
        let ridge = LinearEstimator::new(backend::by_name("native-ridge").unwrap(), params);
        let est = PriorRidgeEstimator::new(ridge, Array2::zeros((2, 5)), "p");
        let e = est
            .fit(x.view(), y.view(), &FittedAxes::default(), &Hyper::none())
            .unwrap_err();
        assert!(e.to_string().contains("2 × 5"), "{e}");
    }
}
