//! The estimators by name: every linear backend (as a [`LinearEstimator`] with the given
//! settings) and every other estimator, one line each in [`OTHERS`].

use crate::backend;
use crate::error::{RegressError, Result};
use crate::hyperparams::FitParams;
use crate::linear::LinearEstimator;
use crate::mean::MeanEstimator;
use crate::predictor::Estimator;

/// Makes an estimator from the study-wide linear settings (which it may ignore).
pub type MakeEstimator = fn(&FitParams) -> Box<dyn Estimator>;

/// Estimators that are not a linear backend: name and constructor. A new one adds one line.
pub static OTHERS: &[(&str, MakeEstimator)] = &[(MeanEstimator::NAME, |_| Box::new(MeanEstimator))];

/// Every estimator name: the backends' registry names, then [`OTHERS`].
pub fn names() -> Vec<&'static str> {
    let mut n = backend::names();
    n.extend(OTHERS.iter().map(|(name, _)| *name));
    n
}

/// The estimator called `name`; linear ones take `params` (tolerances, preprocessing, default α
/// and ρ). Unknown names are an error listing the known ones.
pub fn by_name(name: &str, params: &FitParams) -> Result<Box<dyn Estimator>> {
    if let Some((_, make)) = OTHERS.iter().find(|(n, _)| *n == name) {
        return Ok(make(params));
    }
    match backend::by_name(name) {
        Ok(b) => Ok(Box::new(LinearEstimator::new(b, *params))),
        Err(_) => Err(RegressError::UnknownBackend {
            name: name.to_string(),
            known: names().join(", "),
        }),
    }
}
