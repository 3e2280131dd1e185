//! The two traits every model goes through: an [`Estimator`] (unfitted: a name, the
//! hyper-parameters it searches, `fit`) makes a [`Predictor`] (fitted: `predict`, the axes it was
//! fitted on, a model file). Cross-validation ([`crate::cv::cross_validate_estimator`]),
//! learning curves ([`crate::cv::learning_curve_estimator`]), metrics ([`evaluate_predictor`])
//! and model files ([`crate::model_file`]) work on these traits, so a new model — a theory-only
//! kernel with one σ, ridge shrunk towards a prior kernel, kernel ridge, a network — shares them
//! by implementing the two traits and adding one line to the model-file registry.
//!
//! Linear models are one case: [`crate::LinearEstimator`] wraps any solver [`crate::Backend`] and
//! keeps its shortcuts (ridge scores every α in one factorisation, lasso / elastic net warm-start
//! along α) by overriding [`Estimator::validation_scores`].

use crate::axes::FittedAxes;
use crate::candidates::{Hyper, SearchGrid};
use crate::error::Result;
use crate::metrics::{self, Metrics};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use std::path::Path;

/// A fitted model: raw features `[samples × features]` in, targets `[samples × targets]` out.
pub trait Predictor: std::fmt::Debug + Send + Sync {
    /// Registry kind written to model files (`linear`, `mean`); see [`crate::model_file`].
    fn kind(&self) -> &'static str;
    /// Name of the estimator that fitted it (`native-ridge`, `mean`), for reports.
    fn estimator(&self) -> &str;
    /// The hyper-parameters it was fitted with (chosen by cross-validation where searched).
    fn hyper(&self) -> Hyper;
    /// The grids of the training data's columns.
    fn axes(&self) -> &FittedAxes;
    /// Raw features expected.
    fn n_features(&self) -> usize;
    /// Targets predicted.
    fn n_targets(&self) -> usize;
    /// Predicts targets from raw features; wrong column counts and non-finite values are errors.
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>>;
    /// `(W, b)` with `ŷ = W x + b` on raw features (`W` `[targets × features]`), for models that
    /// are linear (weight maps, comparison with a perturbation-theory kernel); `None` otherwise.
    fn linear_form(&self) -> Option<(Array2<f64>, Array1<f64>)> {
        None
    }
    /// Warnings of the fit (constant targets, non-convergence), for reports.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
    /// The model file's text: `{"format_version", "kind", ...}` (write it with
    /// [`crate::model_file::to_json`]).
    fn to_model_json(&self) -> Result<String>;
    /// For callers that need the concrete type (`as_any().downcast_ref::<LinearModel>()`).
    fn as_any(&self) -> &dyn std::any::Any;

    /// Fails unless `grid` is the feature grid the model was fitted on (1e-9 relative per point).
    fn check_feature_grid(&self, grid: ArrayView1<f64>) -> Result<()> {
        self.axes().check_feature_grid(grid, self.n_features())
    }
    /// Fails unless `grid` is the target grid the model was fitted on.
    fn check_target_grid(&self, grid: ArrayView1<f64>) -> Result<()> {
        self.axes().check_target_grid(grid, self.n_targets())
    }
    /// [`Self::predict`] after checking the features' grid.
    fn predict_on_grid(&self, x: ArrayView2<f64>, grid: ArrayView1<f64>) -> Result<Array2<f64>> {
        self.check_feature_grid(grid)?;
        self.predict(x)
    }
    /// Writes the model file (in place; callers that need atomic writes write
    /// [`Self::to_model_json`] themselves).
    fn save(&self, path: &Path) -> Result<()> {
        crate::model_file::write(path, &self.to_model_json()?)
    }
}

/// An unfitted model with its fixed settings; hyper-parameters come per call.
pub trait Estimator: Send + Sync {
    /// Registry name (`native-ridge`, `mean`).
    fn name(&self) -> &str;

    /// The settings cross-validation tries, from the axes of `grid` this estimator uses (the
    /// product of them, in a fixed order); one setting (its defaults) if it uses none.
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper>;

    /// Fits on raw features `x` `[samples × features]` and targets `y` `[samples × targets]`.
    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Result<Box<dyn Predictor>>;

    /// Validation R² (uniform average over targets, [`metrics::r2_uniform`]) of the fit on
    /// `train` for every setting in `candidates`, in order, scored on `valid`. The default fits
    /// each setting and predicts; estimators that share work across settings (a regularisation
    /// path) override it, and an estimator whose settings the uniform average ranks badly may
    /// score by another R² if its documentation says so (the facade's `theory` uses the
    /// variance-weighted one).
    fn validation_scores(
        &self,
        train: (ArrayView2<f64>, ArrayView2<f64>),
        valid: (ArrayView2<f64>, ArrayView2<f64>),
        candidates: &[Hyper],
    ) -> Result<Vec<f64>> {
        candidates
            .iter()
            .map(|h| {
                let p = self.fit(train.0, train.1, &FittedAxes::default(), h)?;
                let pred = p.predict(valid.0)?;
                Ok(metrics::r2_uniform(valid.1, pred.view()))
            })
            .collect()
    }
}

/// The metrics table of `predictor` on features `x` against targets `y` (the Wasserstein spacing
/// from the model's target grid).
pub fn evaluate_predictor(
    predictor: &dyn Predictor,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
) -> Result<Metrics> {
    let pred = predictor.predict(x)?;
    metrics::evaluate(
        y,
        pred.view(),
        predictor.axes().target.as_ref().map(|g| g.view()),
    )
}
