//! Neural baselines for vitrum: a 1D convolutional network on g(r) (partials g_ab as input
//! channels) and a multilayer perceptron, trained on CPU in f32 with candle, behind
//! vitrum-regress's [`Estimator`](vitrum_regress::Estimator) /
//! [`Predictor`](vitrum_regress::Predictor) traits, so cross-validation, learning curves,
//! metrics and model files treat them like any other model.
//!
//! vitrum-regress cannot name this crate (the dependency runs the other way), so its
//! estimators and model-file kinds come as two tables, [`ESTIMATORS`] and [`KINDS`], which the
//! facade hands to `vitrum_regress::estimators::by_name_with` and
//! `vitrum_regress::model_file::load_with`. See docs/neural.md for the choice of candle, the
//! architectures and measured numbers.

pub mod layout;
pub mod model;
pub mod net;
pub mod rng;
pub mod stored;
pub mod train;

pub use model::{Family, NeuralEstimator, NeuralModel};
pub use net::Architecture;
pub use train::{EpochReport, Progress, TrainSettings, TrainingLog};

use vitrum_regress::estimators::MakeEstimator;
use vitrum_regress::model_file::KindEntry;

/// The model-file kinds of this crate (`cnn`, `mlp`).
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        kind: "cnn",
        load: NeuralModel::load_cnn,
    },
    KindEntry {
        kind: "mlp",
        load: NeuralModel::load_mlp,
    },
];

/// The estimators of this crate by name, with default training settings.
pub static ESTIMATORS: &[(&str, MakeEstimator)] = &[
    ("cnn", |_| Box::new(NeuralEstimator::new(Family::Cnn))),
    ("mlp", |_| Box::new(NeuralEstimator::new(Family::Mlp))),
];
