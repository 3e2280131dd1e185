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

/// [`estimator`] for the command line: the neural estimators report every training epoch on a
/// progress bar (hidden when `quiet` or stderr is not a terminal; with cross-validation the
/// folds train in parallel and the bar shows the latest epoch of any of them). Finish the bar
/// when the fit is done.
pub fn estimator_with_progress(
    name: &str,
    params: &FitParams,
    quiet: bool,
) -> vitrum_regress::Result<(Box<dyn Estimator>, indicatif::ProgressBar)> {
    let family = match name {
        "cnn" => vitrum_neural::Family::Cnn,
        "mlp" => vitrum_neural::Family::Mlp,
        _ => return Ok((estimator(name, params)?, indicatif::ProgressBar::hidden())),
    };
    let est = vitrum_neural::NeuralEstimator::new(family);
    let bar = crate::progress::bar(est.settings.max_epochs as u64, name, quiet);
    let shown = bar.clone();
    let label = family.name();
    let est = est.with_progress(std::sync::Arc::new(
        move |r: &vitrum_neural::EpochReport| {
            shown.set_position(r.epoch as u64);
            shown.set_message(format!(
                "{label} loss {:.3} / {:.3}",
                r.train_loss, r.validation_loss
            ));
        },
    ));
    Ok((Box::new(est), bar))
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
