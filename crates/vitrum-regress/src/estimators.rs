//! The estimators by name: every linear backend (as a [`LinearEstimator`] with the given
//! settings) and every other estimator, one line each in [`OTHERS`]. Estimators of crates that
//! depend on this one (vitrum-neural's `cnn`, `mlp`) come as an extra table
//! ([`by_name_with`], [`names_with`]), composed once by the facade.

use crate::backend;
use crate::error::{RegressError, Result};
use crate::hyperparams::FitParams;
use crate::kernel_ridge::KernelRidgeEstimator;
use crate::linear::LinearEstimator;
use crate::mean::MeanEstimator;
use crate::predictor::Estimator;

/// Makes an estimator from the study-wide linear settings (which it may ignore).
pub type MakeEstimator = fn(&FitParams) -> Box<dyn Estimator>;

/// Estimators that are not a linear backend: name and constructor. A new one adds one line.
pub static OTHERS: &[(&str, MakeEstimator)] = &[
    (MeanEstimator::NAME, |_| Box::new(MeanEstimator)),
    (KernelRidgeEstimator::NAME, |_| {
        Box::new(KernelRidgeEstimator)
    }),
];

/// Every estimator name: the backends' registry names, then [`OTHERS`].
pub fn names() -> Vec<&'static str> {
    names_with(&[])
}

/// Every estimator name: the backends', [`OTHERS`], then `extra`'s.
pub fn names_with(extra: &[(&'static str, MakeEstimator)]) -> Vec<&'static str> {
    let mut n = backend::names();
    n.extend(OTHERS.iter().chain(extra).map(|(name, _)| *name));
    n
}

/// The estimator called `name`; linear ones take `params` (tolerances, preprocessing, default α
/// and ρ). Unknown names are an error listing the known ones.
pub fn by_name(name: &str, params: &FitParams) -> Result<Box<dyn Estimator>> {
    by_name_with(name, params, &[])
}

/// [`by_name`] knowing also the estimators of `extra` (defined in crates that depend on this
/// one); this crate's names win on a name in both.
pub fn by_name_with(
    name: &str,
    params: &FitParams,
    extra: &[(&'static str, MakeEstimator)],
) -> Result<Box<dyn Estimator>> {
    if let Some((_, make)) = OTHERS.iter().chain(extra).find(|(n, _)| *n == name) {
        return Ok(make(params));
    }
    match backend::by_name(name) {
        Ok(b) => Ok(Box::new(LinearEstimator::new(b, *params))),
        Err(_) => Err(RegressError::UnknownBackend {
            name: name.to_string(),
            known: names_with(extra).join(", "),
        }),
    }
}
