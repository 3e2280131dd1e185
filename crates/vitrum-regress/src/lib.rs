#![doc = include_str!("../README.md")]

// Links the system OpenBLAS that ndarray-linalg's LAPACK calls need.
extern crate openblas_src as _;

/// Re-exported so users (the CLI) name the same ndarray version.
pub use ndarray;

pub mod backend;
pub mod cv;
pub mod data;
pub mod error;
pub mod hyperparams;
pub mod metrics;
pub mod model;
pub mod preprocess;

pub use backend::{Backend, SolverInfo, SolverOutput};
pub use cv::{
    CvReport, CvSpec, LearningPoint, cross_validate, fit_cv, group_kfold, kfold, learning_curve,
    logspace,
};
pub use error::{RegressError, Result};
pub use hyperparams::{FitOptions, FitParams, ModelKind, PcaTruncation, PreprocessOptions};
pub use metrics::{Metrics, evaluate};
pub use model::{FORMAT_VERSION, FitDiagnostics, Grids, LinearModel, fit};
pub use preprocess::Preprocessing;
