//! The baseline every comparison wants: predict the training mean of each target, whatever the
//! features. R² on held-out data is ≈ 0 by construction, so a model's R² reads as its gain over
//! knowing nothing about the structure. Also the smallest complete [`Estimator`] /
//! [`Predictor`] pair: copy this file to add a model.

use crate::axes::FittedAxes;
use crate::candidates::{Hyper, SearchGrid};
use crate::data::{check_finite, check_nonempty, check_training_data};
use crate::error::{RegressError, Result};
use crate::predictor::{Estimator, Predictor};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Fits [`MeanPredictor`]; no hyper-parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeanEstimator;

impl MeanEstimator {
    /// Registry name.
    pub const NAME: &'static str = "mean";
}

impl Estimator for MeanEstimator {
    fn name(&self) -> &str {
        Self::NAME
    }
    fn candidates(&self, _: &SearchGrid) -> Vec<Hyper> {
        vec![Hyper::none()]
    }
    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        _: &Hyper,
    ) -> Result<Box<dyn Predictor>> {
        axes.check_columns(x.ncols(), y.ncols())?;
        check_training_data(x, y)?;
        Ok(Box::new(MeanPredictor {
            grids: axes.clone(),
            n_features: x.ncols(),
            mean: y
                .mean_axis(Axis(0))
                .unwrap_or_else(|| Array1::zeros(y.ncols())),
            n_samples: x.nrows(),
        }))
    }
}

/// Predicts the training targets' mean for every sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanPredictor {
    /// Grids of the training data.
    pub grids: FittedAxes,
    /// Raw features expected (checked, then ignored).
    pub n_features: usize,
    /// Training mean per target, `[targets]`.
    pub mean: Array1<f64>,
    /// Training samples.
    pub n_samples: usize,
}

impl MeanPredictor {
    /// Registry kind in model files.
    pub const KIND: &'static str = "mean";

    /// [`crate::model_file::KINDS`]' loader for kind `mean`.
    pub(crate) fn load_fields(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        let p: Self = serde_json::from_value(fields)?;
        if let Some(g) = p.grids.target.as_ref().filter(|g| g.len() != p.mean.len()) {
            return Err(RegressError::BadModel(format!(
                "target grid has {} points for {} targets",
                g.len(),
                p.mean.len()
            )));
        }
        Ok(Box::new(p))
    }
}

impl Predictor for MeanPredictor {
    fn kind(&self) -> &'static str {
        Self::KIND
    }
    fn estimator(&self) -> &str {
        MeanEstimator::NAME
    }
    fn hyper(&self) -> Hyper {
        Hyper::none()
    }
    fn axes(&self) -> &FittedAxes {
        &self.grids
    }
    fn n_features(&self) -> usize {
        self.n_features
    }
    fn n_targets(&self) -> usize {
        self.mean.len()
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_nonempty("features", x)?;
        self.grids
            .check_feature_columns(self.n_features, x.ncols())?;
        check_finite("features", x)?;
        Ok(Array2::from_shape_fn(
            (x.nrows(), self.mean.len()),
            |(_, t)| self.mean[t],
        ))
    }
    fn to_model_json(&self) -> Result<String> {
        crate::model_file::to_json(Self::KIND, self)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
