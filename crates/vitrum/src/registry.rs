//! The one place that composes the model registries: vitrum-regress's own (linear backends,
//! `mean`, `kernel-ridge`, its model-file kinds) plus those of crates that depend on it and so
//! cannot be listed there (vitrum-neural's `cnn` and `mlp`; the facade's `theory` and
//! `theory-prior-ridge`, which are built from a dataset's potential and grids:
//! [`estimator_for_dataset`]). Everything in the facade that makes
//! an estimator by name or reads a model file goes through here, so a new model crate is one
//! line in each function below.

use crate::theory_models::{self, TheoryContext};
use std::path::Path;
use vitrum_regress::model_file::KindEntry;
use vitrum_regress::{Estimator, FitParams, Predictor, RegressError, estimators, model_file};

/// The estimator called `name` (any linear backend or other estimator of any model crate).
/// The theory estimators need a dataset: [`estimator_for_dataset`].
pub fn estimator(name: &str, params: &FitParams) -> vitrum_regress::Result<Box<dyn Estimator>> {
    if needs_dataset(name) {
        return Err(RegressError::Invalid(format!(
            "'{name}' is built from a dataset's potential, grids and densities: fit it from a \
             dataset directory (vitrum fit DATASET --backend {name})"
        )));
    }
    estimators::by_name_with(name, params, vitrum_neural::ESTIMATORS)
}

/// Whether the estimator `name` is built from a dataset ([`estimator_for_dataset`]).
pub fn needs_dataset(name: &str) -> bool {
    theory_models::ESTIMATORS.iter().any(|(n, _)| *n == name)
}

/// The estimator `name`, the theory ones built with `context` (from
/// [`theory_models::load`]).
pub fn estimator_for_dataset(
    name: &str,
    params: &FitParams,
    context: &TheoryContext,
) -> vitrum_regress::Result<Box<dyn Estimator>> {
    match theory_models::ESTIMATORS.iter().find(|(n, _)| *n == name) {
        Some((_, make)) => Ok(make(params, context.clone())),
        None => estimator(name, params),
    }
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
    let mut names = estimators::names_with(vitrum_neural::ESTIMATORS);
    names.extend(theory_models::ESTIMATORS.iter().map(|(n, _)| *n));
    names
}

/// The model-file kinds of the crates above vitrum-regress.
fn kinds() -> Vec<KindEntry> {
    vitrum_neural::KINDS
        .iter()
        .chain(theory_models::KINDS)
        .map(|k| KindEntry {
            kind: k.kind,
            load: k.load,
        })
        .collect()
}

/// Reads a model file of any kind of any model crate.
pub fn load_model(path: &Path) -> vitrum_regress::Result<Box<dyn Predictor>> {
    model_file::load_with(path, &kinds())
}

/// Reads a model file's text of any kind of any model crate.
pub fn model_from_json(text: &str) -> vitrum_regress::Result<Box<dyn Predictor>> {
    model_file::from_json_with(text, &kinds())
}
