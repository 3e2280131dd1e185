//! One error type for the crate. Every message says what was wrong and, where there is one, the fix.

/// Errors of `vitrum-regress`.
#[derive(Debug, thiserror::Error)]
pub enum RegressError {
    #[error(
        "{what} contain a non-finite value {value} at sample {row}, column {col}; \
         remove or repair that sample before fitting"
    )]
    NonFinite {
        what: &'static str,
        row: usize,
        col: usize,
        value: f64,
    },

    #[error(
        "features have {features} samples (rows) but targets have {targets}; \
         both arrays must hold one row per sample, in the same order"
    )]
    SampleMismatch { features: usize, targets: usize },

    #[error("{what}: need at least {need} samples, got {got}")]
    TooFewSamples {
        what: &'static str,
        need: usize,
        got: usize,
    },

    #[error("{what} is empty (shape {rows} × {cols})")]
    EmptyArray {
        what: &'static str,
        rows: usize,
        cols: usize,
    },

    #[error("invalid hyper-parameter {name} = {value}: {reason}")]
    InvalidParameter {
        name: &'static str,
        value: f64,
        reason: &'static str,
    },

    #[error(
        "sample range '{range}' selects no sample (the data hold {n_samples} samples, 0..{n_samples})"
    )]
    EmptyRange { range: String, n_samples: usize },

    #[error(
        "sample range '{range}' is not of the form START..END, START.., ..END or START:END ({reason})"
    )]
    BadRange { range: String, reason: String },

    #[error("sample range '{range}' ends at {end}, beyond the {n_samples} samples in the data")]
    RangeOutOfBounds {
        range: String,
        end: usize,
        n_samples: usize,
    },

    #[error(
        "target column(s) {columns:?} are constant over the training samples; their fit is the \
         constant itself (zero weights). Allow this (the default) or drop those columns"
    )]
    ConstantTarget { columns: Vec<usize> },

    #[error(
        "the model was fitted on {what} with {expected} points{expected_range}, but the data have \
         {found} points{found_range}; refit the model on this grid or resample the data onto the \
         model's grid"
    )]
    GridMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
        expected_range: String,
        found_range: String,
    },

    #[error("unknown backend '{name}'; available: {known}")]
    UnknownBackend { name: String, known: String },

    #[error("backend '{backend}' does not support {what}")]
    Unsupported { backend: &'static str, what: String },

    #[error("backend '{backend}' failed: {message}")]
    Backend {
        backend: &'static str,
        message: String,
    },

    #[error("linear algebra failed in {context}: {message}")]
    Linalg {
        context: &'static str,
        message: String,
    },

    #[error(
        "cross-validation with {n_splits} folds: folds must be at least 2 and at most the number \
         of samples (or groups), which is {got}"
    )]
    BadFolds { n_splits: usize, got: usize },

    #[error(
        "model file has format version {found}; this vitrum reads versions {supported:?} \
         (refit the model with this version)"
    )]
    FormatVersion { found: u32, supported: Vec<u32> },

    #[error(
        "model file holds a predictor of kind '{found}', which this vitrum does not know; \
         known kinds: {known} (refit the model, or use the vitrum that wrote it)"
    )]
    UnknownModelKind { found: String, known: String },

    #[error(
        "features of magnitude up to {max_abs:e} {what} in double precision inside the solver (its \
         sums of squares reach {sum_squares:e}), so the fit would lose its scale invariance \
         (zero or non-finite weights); rescale the features, or standardise them (--standardize, \
         a study's standardize = true)"
    )]
    FeatureScale {
        max_abs: f64,
        sum_squares: f64,
        what: &'static str,
    },

    #[error("model file is inconsistent: {0}")]
    BadModel(String),

    #[error("model JSON: {0}")]
    Json(#[from] serde_json::Error),

    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An input that contradicts the estimator's own settings (e.g. a prior of the wrong shape).
    #[error("{0}")]
    Invalid(String),
}

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, RegressError>;
