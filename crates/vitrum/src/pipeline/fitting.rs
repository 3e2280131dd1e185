//! The fitting stage: every backend on the same split, α (and ρ) chosen by k-fold CV on the
//! training samples only, then scored once on the held-out samples.

use super::study::{FitSpec, parse_alphas};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::time::Instant;
use vitrum_regress::candidates::{ALPHA, L1_RATIO};
use vitrum_regress::ndarray::{Array2, ArrayView2};
use vitrum_regress::{
    Backend, CvSpec, Estimator, FitOptions, FittedAxes, LinearModel, Metrics, ModelKind,
    PcaTruncation, Predictor, PreprocessOptions, SearchGrid, evaluate, fit_cv_estimator, kfold,
};

/// Training and test rows of the dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    pub train: Range<usize>,
    pub test: Range<usize>,
}

impl Split {
    pub fn describe(range: &Range<usize>) -> String {
        format!("{}..{}", range.start, range.end)
    }
}

/// One backend's outcome; `error` is set (and the numbers absent) when its fit failed, so one
/// solver's failure is reported next to the others rather than ending a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendResult {
    pub backend: String,
    /// The α used (chosen by CV where the model has one).
    pub alpha: Option<f64>,
    /// The elastic-net ρ used (elastic-net models only).
    pub l1_ratio: Option<f64>,
    /// Mean CV R² (uniform) of the chosen hyper-parameters.
    pub cv_r2: Option<f64>,
    /// The backend whose cross-validation chose α (and ρ), when not this one (`alpha_from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha_from: Option<String>,
    /// Wall time of CV and refit, seconds.
    pub fit_seconds: f64,
    /// Held-out metrics.
    pub metrics: Option<Metrics>,
    /// Model file and test predictions, relative to the report directory.
    pub model_file: Option<String>,
    pub predictions_file: Option<String>,
    /// Warnings of the fit (constant target columns, non-convergence).
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

/// A fitted backend: its result row and, when it succeeded, the model and its test predictions.
pub struct Fitted {
    pub result: BackendResult,
    pub model: Option<Box<dyn Predictor>>,
    pub predictions: Option<Array2<f64>>,
}

/// Writes a model file atomically (`Predictor::save` cannot: vitrum-regress stands on ndarray
/// alone), so an interrupted run never leaves a half-written model beside a report.
pub fn save_model(model: &dyn Predictor, path: &std::path::Path) -> Result<()> {
    let json = model.to_model_json()?;
    vitrum_io::write_atomically(path, |w| w.write_all(json.as_bytes()))?;
    Ok(())
}

/// Whether ρ is a free hyper-parameter of the model (elastic nets), not fixed by its family.
fn has_l1_ratio(kind: ModelKind) -> bool {
    matches!(kind, ModelKind::ElasticNet | ModelKind::MultiTaskElasticNet)
}

/// The fit options a spec implies (α is set per backend by CV).
pub fn fit_options(spec: &FitSpec) -> Result<vitrum_regress::FitParams> {
    Ok(FitOptions::new()
        .l1_ratio(spec.l1_ratios[0])
        .tol(spec.tol)
        .max_iter(spec.max_iter)
        .preprocess(PreprocessOptions {
            standardize: spec.standardize,
            pca: spec.pca.map(PcaTruncation::Components),
        })
        .validate()?)
}

/// α and ρ decided by another backend's cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Borrowed {
    pub from: String,
    pub alpha: f64,
    pub l1_ratio: f64,
}

/// Fits `backend` on the training rows, with CV over the spec's grid (or once, at `borrowed`
/// hyper-parameters), and evaluates it on the test rows.
pub fn fit_one(
    backend: &dyn Backend,
    spec: &FitSpec,
    train: (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    grids: &FittedAxes,
    borrowed: Option<&Borrowed>,
) -> Fitted {
    let start = Instant::now();
    let outcome = (|| -> Result<(LinearModel, Array2<f64>, Metrics)> {
        let params = fit_options(spec)?;
        let kind = backend.kind();
        let model = if let Some(b) = borrowed {
            let p = params.with_alpha(b.alpha)?.with_l1_ratio(b.l1_ratio)?;
            vitrum_regress::fit(backend, train.0, train.1, grids, &p)?
        } else if kind.uses_alpha() {
            let alphas = match (&spec.iterative_alphas, kind.is_iterative()) {
                (Some(a), true) => parse_alphas(a)?,
                _ => parse_alphas(&spec.alphas)?,
            };
            let l1_ratios = if has_l1_ratio(kind) {
                spec.l1_ratios.clone()
            } else {
                // ridge and lasso fix ρ; searching it would only repeat the same fits
                vec![spec.l1_ratios[0]]
            };
            let cv = CvSpec {
                alphas,
                l1_ratios,
                folds: kfold(train.0.nrows(), spec.cv)?,
            };
            vitrum_regress::fit_cv(backend, train.0, train.1, grids, &params, &cv)?
        } else {
            vitrum_regress::fit(backend, train.0, train.1, grids, &params)?
        };
        let pred = model.predict(test.0)?;
        let metrics = evaluate(test.1, pred.view(), grids.target.as_ref().map(|g| g.view()))?;
        Ok((model, pred, metrics))
    })();
    let fit_seconds = start.elapsed().as_secs_f64();
    let name = backend.name().to_string();
    match outcome {
        Ok((model, pred, metrics)) => {
            let cv = model.diagnostics.cv.as_ref();
            let hyper = model.hyper();
            let result = BackendResult {
                backend: name,
                alpha: hyper.get(ALPHA),
                l1_ratio: hyper.get(L1_RATIO),
                cv_r2: cv.map(|c| c.best_score),
                alpha_from: borrowed.map(|b| b.from.clone()),
                fit_seconds,
                metrics: Some(metrics),
                model_file: None,
                predictions_file: None,
                warnings: model.diagnostics.warnings.clone(),
                error: None,
            };
            Fitted {
                result,
                model: Some(Box::new(model)),
                predictions: Some(pred),
            }
        }
        Err(e) => {
            let mut f = failed(backend, e);
            f.result.fit_seconds = fit_seconds;
            f.result.alpha_from = borrowed.map(|b| b.from.clone());
            f
        }
    }
}

/// Fits an estimator that is not a linear backend (registry name `name`) on the training rows,
/// its hyper-parameters chosen by k-fold CV over the spec's α and ρ grid (the axes it uses; the
/// theory's σ from its own defaults), and evaluates it on the test rows.
pub fn fit_estimator_one(
    name: &str,
    estimator: Result<Box<dyn Estimator>>,
    spec: &FitSpec,
    train: (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    grids: &FittedAxes,
) -> Fitted {
    // the model, its mean CV R², its test predictions and metrics
    type Outcome = (Box<dyn Predictor>, f64, Array2<f64>, Metrics);
    let start = Instant::now();
    let outcome = (|| -> Result<Outcome> {
        let estimator = estimator?;
        let grid = SearchGrid::new()
            .axis(ALPHA, parse_alphas(&spec.alphas)?)
            .axis(L1_RATIO, spec.l1_ratios.clone());
        let folds = kfold(train.0.nrows(), spec.cv)?;
        let (model, scores) =
            fit_cv_estimator(estimator.as_ref(), train.0, train.1, grids, &grid, &folds)?;
        let pred = model.predict(test.0)?;
        let metrics = evaluate(test.1, pred.view(), grids.target.as_ref().map(|g| g.view()))?;
        Ok((model, scores.mean_r2[scores.best], pred, metrics))
    })();
    let fit_seconds = start.elapsed().as_secs_f64();
    match outcome {
        Ok((model, cv_r2, pred, metrics)) => {
            let hyper = model.hyper();
            Fitted {
                result: BackendResult {
                    backend: name.to_string(),
                    alpha: hyper.get(ALPHA),
                    l1_ratio: hyper.get(L1_RATIO),
                    cv_r2: Some(cv_r2),
                    alpha_from: None,
                    fit_seconds,
                    metrics: Some(metrics),
                    model_file: None,
                    predictions_file: None,
                    warnings: model.warnings(),
                    error: None,
                },
                model: Some(model),
                predictions: Some(pred),
            }
        }
        Err(e) => {
            let mut f = failed_named(name, e);
            f.result.fit_seconds = fit_seconds;
            f
        }
    }
}

/// The row of a backend that could not be fitted, with the reason.
pub fn failed(backend: &dyn Backend, error: anyhow::Error) -> Fitted {
    failed_named(backend.name(), error)
}

/// The row of an estimator that could not be fitted, with the reason.
pub fn failed_named(name: &str, error: anyhow::Error) -> Fitted {
    Fitted {
        result: BackendResult {
            backend: name.to_string(),
            alpha: None,
            l1_ratio: None,
            cv_r2: None,
            alpha_from: None,
            fit_seconds: 0.0,
            metrics: None,
            model_file: None,
            predictions_file: None,
            warnings: Vec::new(),
            error: Some(format!("{error:#}")),
        },
        model: None,
        predictions: None,
    }
}

/// Index of the best successful result by held-out variance-weighted R² (first on ties).
pub fn best(results: &[BackendResult]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, r) in results.iter().enumerate() {
        if let Some(m) = &r.metrics
            && m.r2_variance_weighted.is_finite()
            && best.is_none_or(|(_, b)| m.r2_variance_weighted > b)
        {
            best = Some((i, m.r2_variance_weighted));
        }
    }
    best.map(|(i, _)| i)
}
