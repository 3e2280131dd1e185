#![doc = include_str!("../README.md")]

// Links the system OpenBLAS that ndarray-linalg's LAPACK calls need.
extern crate openblas_src as _;

/// Re-exported so users (the CLI) name the same ndarray version.
pub use ndarray;

pub mod axes;
pub mod backend;
pub mod candidates;
pub mod cv;
pub mod data;
pub mod error;
pub mod estimators;
pub mod hyperparams;
pub mod kernel_ridge;
pub mod linear;
pub mod mean;
pub mod metrics;
pub mod model;
pub mod model_file;
pub mod predictor;
pub mod preprocess;
pub mod prior_ridge;

pub use axes::FittedAxes;
#[allow(deprecated)]
pub use axes::Grids;
pub use backend::{Backend, SolverInfo, SolverOutput};
pub use candidates::{Hyper, SearchGrid};
pub use cv::{
    CvReport, CvScores, CvSpec, LearningPoint, cross_validate, cross_validate_estimator, fit_cv,
    fit_cv_estimator, fit_cv_path, group_kfold, kfold, learning_curve, learning_curve_estimator,
    logspace,
};
pub use error::{RegressError, Result};
pub use hyperparams::{FitOptions, FitParams, ModelKind, PcaTruncation, PreprocessOptions};
pub use kernel_ridge::{KernelRidgeEstimator, KernelRidgeModel};
pub use linear::LinearEstimator;
pub use mean::{MeanEstimator, MeanPredictor};
pub use metrics::{Metrics, evaluate};
pub use model::{Core, FitDiagnostics, FitPath, LinearModel, fit, fit_core, fit_path};
pub use model_file::FORMAT_VERSION;
pub use predictor::{Estimator, Predictor, evaluate_predictor};
pub use preprocess::Preprocessing;
pub use prior_ridge::{PriorRidgeEstimator, PriorRidgeModel};
