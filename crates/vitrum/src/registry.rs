//! The one place that composes the model registries: vitrum-regress's own (linear backends,
//! `mean`, `kernel-ridge`, its model-file kinds) plus those of crates that depend on it and so
//! cannot be listed there (vitrum-neural's `cnn` and `mlp`). Everything in the facade that makes
//! an estimator by name or reads a model file goes through here, so a new model crate is one
//! line in each function below.

use std::path::Path;
use vitrum_regress::{Estimator, FitParams, Predictor, estimators, model_file};

/// The estimator called `name` (any linear backend or other estimator of any model crate).
pub fn estimator(name: &str, params: &FitParams) -> vitrum_regress::Result<Box<dyn Estimator>> {
    estimators::by_name_with(name, params, vitrum_neural::ESTIMATORS)
}

/// Every estimator name, linear backends first.
pub fn estimator_names() -> Vec<&'static str> {
    estimators::names_with(vitrum_neural::ESTIMATORS)
}

/// Reads a model file of any kind of any model crate.
pub fn load_model(path: &Path) -> vitrum_regress::Result<Box<dyn Predictor>> {
    model_file::load_with(path, vitrum_neural::KINDS)
}

/// Reads a model file's text of any kind of any model crate.
pub fn model_from_json(text: &str) -> vitrum_regress::Result<Box<dyn Predictor>> {
    model_file::from_json_with(text, vitrum_neural::KINDS)
}
