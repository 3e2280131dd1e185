//! [`NeuralEstimator`] (unfitted: the network family, training settings, the search axes) and
//! [`NeuralModel`] (fitted: architecture, standardisation, weights), behind vitrum-regress's
//! [`Estimator`] / [`Predictor`].
//!
//! Inputs and targets are standardised inside the model (per column: centred on the training
//! mean; all columns of a block divided by one scale, see [`moments`]), so the raw features and
//! targets of vitrum go in and out, and the stored means and scales travel with the weights.

use crate::layout;
use crate::net::{Architecture, tensor_f32};
use crate::stored::{StoredTensor, candle};
use crate::train::{Progress, TrainSettings, TrainingLog, train};
use candle_core::{DType, Tensor};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use vitrum_regress::data::{check_finite, check_nonempty, check_training_data};
use vitrum_regress::{Estimator, FittedAxes, Hyper, Predictor, RegressError, Result, SearchGrid};

/// Adam's step size.
pub const LEARNING_RATE: &str = "learning_rate";
/// CNN: channels of both convolutions.
pub const WIDTH: &str = "width";
/// Units of the dense hidden layer(s).
pub const HIDDEN: &str = "hidden";
/// CNN: kernel width (odd).
pub const KERNEL_WIDTH: &str = "kernel_width";

/// The network family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Cnn,
    Mlp,
}

impl Family {
    /// Registry name (estimator and model-file kind alike).
    pub fn name(self) -> &'static str {
        match self {
            Family::Cnn => "cnn",
            Family::Mlp => "mlp",
        }
    }

    /// Search axes with their built-in candidates (the first of each is the default), used
    /// where the study's grid has no axis of that name.
    pub fn default_axes(self) -> Vec<(&'static str, &'static [f64])> {
        match self {
            Family::Cnn => vec![
                (LEARNING_RATE, &[3e-3, 1e-3]),
                (WIDTH, &[8.0]),
                (KERNEL_WIDTH, &[5.0]),
                (HIDDEN, &[64.0]),
            ],
            Family::Mlp => vec![(LEARNING_RATE, &[1e-3, 3e-3]), (HIDDEN, &[128.0])],
        }
    }
}

/// Trains a [`NeuralModel`] of one family.
#[derive(Clone)]
pub struct NeuralEstimator {
    pub family: Family,
    pub settings: TrainSettings,
    /// Called after every epoch of every fit (cross-validation's included).
    pub progress: Option<Progress>,
}

impl NeuralEstimator {
    pub fn new(family: Family) -> Self {
        NeuralEstimator {
            family,
            settings: TrainSettings::default(),
            progress: None,
        }
    }

    pub fn with_settings(mut self, settings: TrainSettings) -> Self {
        self.settings = settings;
        self
    }

    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// `hyper`'s value of `name`, else the family's default; must be > 0 (and whole for sizes).
    fn setting(&self, hyper: &Hyper, name: &'static str) -> Result<f64> {
        let default = self
            .family
            .default_axes()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or(f64::NAN, |(_, v)| v[0]);
        let v = hyper.get(name).unwrap_or(default);
        let whole = name != LEARNING_RATE;
        if !(v.is_finite() && v > 0.0) || (whole && v.fract() != 0.0) {
            return Err(RegressError::InvalidParameter {
                name,
                value: v,
                reason: if whole {
                    "a network size must be a whole number ≥ 1"
                } else {
                    "the learning rate must be finite and > 0"
                },
            });
        }
        Ok(v)
    }

    fn architecture(
        &self,
        axes: &FittedAxes,
        hyper: &Hyper,
        f: usize,
        t: usize,
    ) -> Result<Architecture> {
        let arch = match self.family {
            Family::Cnn => {
                let c = layout::channels(axes, f);
                Architecture::Cnn {
                    channels_in: c,
                    length: f / c,
                    width: self.setting(hyper, WIDTH)? as usize,
                    kernel: self.setting(hyper, KERNEL_WIDTH)? as usize,
                    hidden: self.setting(hyper, HIDDEN)? as usize,
                    targets: t,
                }
            }
            Family::Mlp => Architecture::Mlp {
                features: f,
                hidden: self.setting(hyper, HIDDEN)? as usize,
                targets: t,
            },
        };
        arch.validate()?;
        Ok(arch)
    }
}

impl Estimator for NeuralEstimator {
    fn name(&self) -> &str {
        self.family.name()
    }

    /// The product of the family's axes, each from `grid` where it has it, else the built-in
    /// candidates ([`Family::default_axes`]); the first setting is the defaults.
    fn candidates(&self, grid: &SearchGrid) -> Vec<Hyper> {
        let mut out = vec![Hyper::none()];
        for (name, builtin) in self.family.default_axes() {
            let values = grid.values(name).unwrap_or(builtin);
            out = out
                .iter()
                .flat_map(|h| values.iter().map(|&v| h.clone().with(name, v)))
                .collect();
        }
        out
    }

    fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        axes: &FittedAxes,
        hyper: &Hyper,
    ) -> Result<Box<dyn Predictor>> {
        axes.check_columns(x.ncols(), y.ncols())?;
        check_training_data(x, y)?;
        let arch = self.architecture(axes, hyper, x.ncols(), y.ncols())?;
        let learning_rate = self.setting(hyper, LEARNING_RATE)?;
        let (x_mean, x_scale) = moments(x);
        let (y_mean, y_scale) = moments(y);
        let xs = standardised(x, &x_mean, &x_scale)?;
        let ys = standardised(y, &y_mean, &y_scale)?;
        let (weights, log) = train(
            &arch,
            &xs,
            &ys,
            learning_rate,
            &self.settings,
            self.progress.as_ref(),
        )?;
        let mut tensors = vec![
            StoredTensor::of("x_mean", &x_mean)?,
            StoredTensor::of("x_scale", &x_scale)?,
            StoredTensor::of("y_mean", &y_mean)?,
            StoredTensor::of("y_scale", &y_scale)?,
        ];
        for ((name, _, _), w) in arch.parameters().iter().zip(&weights) {
            tensors.push(StoredTensor::of(name, w)?);
        }
        let mut hyper_used = Hyper::none().with(LEARNING_RATE, learning_rate);
        for (name, _) in self.family.default_axes() {
            hyper_used = hyper_used.with(name, self.setting(hyper, name)?);
        }
        NeuralModel::new(Fields {
            estimator: self.family.name().to_string(),
            architecture: arch,
            grids: axes.clone(),
            hyper: hyper_used,
            settings: self.settings,
            training: log,
            tensors,
        })
        .map(|m| Box::new(m) as Box<dyn Predictor>)
    }
}

/// Per-column mean and one scale for all columns (the root of the mean column variance; 1 if
/// every column is constant), as `[1 × cols]` f32. One scale, not one per column: g(r) inside
/// the core and the VDOS at its edges have columns of tiny variance, and scaling each column to
/// unit variance would make their noise weigh as much as the first peak in the input and as
/// much as the main band in the loss; with one scale the loss weighs ω bins by their variance,
/// as the variance-weighted R² that vitrum reports does.
fn moments(a: ArrayView2<f64>) -> (Tensor, Tensor) {
    let mean = a.mean_axis(Axis(0)).expect("checked non-empty");
    let rms = a.var_axis(Axis(0), 0.0).mean().unwrap_or(0.0).sqrt();
    let scale: Array1<f64> = Array1::from_elem(mean.len(), if rms > 0.0 { rms } else { 1.0 });
    let row = |v: &Array1<f64>| {
        let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
        let n = f.len();
        Tensor::from_vec(f, (1, n), &candle_core::Device::Cpu).expect("a row vector")
    };
    (row(&mean), row(&scale))
}

/// (a − mean) / scale in f32.
fn standardised(a: ArrayView2<f64>, mean: &Tensor, scale: &Tensor) -> Result<Tensor> {
    let t = tensor_f32(&a.iter().copied().collect::<Vec<_>>(), a.nrows(), a.ncols())?;
    t.broadcast_sub(mean)
        .and_then(|t| t.broadcast_div(scale))
        .map_err(candle)
}

/// The model file's fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Fields {
    estimator: String,
    architecture: Architecture,
    grids: FittedAxes,
    hyper: Hyper,
    settings: TrainSettings,
    training: TrainingLog,
    /// `x_mean`, `x_scale`, `y_mean`, `y_scale`, then the parameters in the architecture's
    /// order.
    tensors: Vec<StoredTensor>,
}

/// A trained network with its standardisation.
#[derive(Debug)]
pub struct NeuralModel {
    fields: Fields,
    /// `x_mean`, `x_scale`, `y_mean`, `y_scale`, then the parameters, as tensors.
    loaded: Vec<Tensor>,
}

impl NeuralModel {
    fn new(fields: Fields) -> Result<Self> {
        fields.architecture.validate()?;
        let (f, t) = (
            fields.architecture.n_features(),
            fields.architecture.n_targets(),
        );
        let mut expected: Vec<(String, Vec<usize>)> = vec![
            ("x_mean".into(), vec![1, f]),
            ("x_scale".into(), vec![1, f]),
            ("y_mean".into(), vec![1, t]),
            ("y_scale".into(), vec![1, t]),
        ];
        expected.extend(
            fields
                .architecture
                .parameters()
                .into_iter()
                .map(|(n, s, _)| (n, s)),
        );
        if expected.len() != fields.tensors.len() {
            return Err(RegressError::BadModel(format!(
                "{}: {} tensors stored, the architecture needs {}",
                fields.estimator,
                fields.tensors.len(),
                expected.len()
            )));
        }
        for ((name, shape), s) in expected.iter().zip(&fields.tensors) {
            if &s.name != name || &s.shape != shape {
                return Err(RegressError::BadModel(format!(
                    "{}: tensor '{}' of shape {:?} where the architecture needs '{}' of shape \
                     {:?}",
                    fields.estimator, s.name, s.shape, name, shape
                )));
            }
        }
        fields.grids.check_columns(f, t)?;
        let loaded = fields
            .tensors
            .iter()
            .map(StoredTensor::tensor)
            .collect::<Result<Vec<_>>>()?;
        Ok(NeuralModel { fields, loaded })
    }

    /// The training record (losses per epoch, the epoch kept).
    pub fn training(&self) -> &TrainingLog {
        &self.fields.training
    }

    pub fn architecture(&self) -> &Architecture {
        &self.fields.architecture
    }

    /// Loader of model-file kind `kind` (`cnn` or `mlp`).
    fn load(kind: Family, fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        let f: Fields = serde_json::from_value(fields)?;
        let matches = matches!(
            (kind, f.architecture),
            (Family::Cnn, Architecture::Cnn { .. }) | (Family::Mlp, Architecture::Mlp { .. })
        );
        if !matches {
            return Err(RegressError::BadModel(format!(
                "a '{}' model file holds a {:?} architecture",
                kind.name(),
                f.architecture
            )));
        }
        Ok(Box::new(NeuralModel::new(f)?))
    }

    pub(crate) fn load_cnn(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        Self::load(Family::Cnn, fields)
    }

    pub(crate) fn load_mlp(fields: serde_json::Value) -> Result<Box<dyn Predictor>> {
        Self::load(Family::Mlp, fields)
    }

    fn forward(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let [x_mean, x_scale, y_mean, y_scale, params @ ..] = self.loaded.as_slice() else {
            unreachable!("checked in new")
        };
        let xs = standardised(x, x_mean, x_scale)?;
        let out = self
            .fields
            .architecture
            .forward(params, &xs)
            .and_then(|p| p.broadcast_mul(y_scale))
            .and_then(|p| p.broadcast_add(y_mean))
            .and_then(|p| p.to_dtype(DType::F64))
            .and_then(|p| p.to_vec2::<f64>())
            .map_err(candle)?;
        let (n, t) = (out.len(), self.n_targets());
        Array2::from_shape_vec((n, t), out.into_iter().flatten().collect())
            .map_err(|e| RegressError::Invalid(format!("network output: {e}")))
    }
}

impl Predictor for NeuralModel {
    fn kind(&self) -> &'static str {
        match self.fields.architecture {
            Architecture::Cnn { .. } => Family::Cnn.name(),
            Architecture::Mlp { .. } => Family::Mlp.name(),
        }
    }
    fn estimator(&self) -> &str {
        &self.fields.estimator
    }
    fn hyper(&self) -> Hyper {
        self.fields.hyper.clone()
    }
    fn axes(&self) -> &FittedAxes {
        &self.fields.grids
    }
    fn n_features(&self) -> usize {
        self.fields.architecture.n_features()
    }
    fn n_targets(&self) -> usize {
        self.fields.architecture.n_targets()
    }
    /// Runs in a pool of the training's thread count, so predictions are as reproducible as
    /// the weights.
    fn predict(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_nonempty("features", x)?;
        self.fields
            .grids
            .check_feature_columns(self.n_features(), x.ncols())?;
        check_finite("features", x)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.fields.settings.threads.max(1))
            .build()
            .map_err(|e| RegressError::Invalid(format!("prediction thread pool: {e}")))?;
        pool.install(|| self.forward(x))
    }
    fn warnings(&self) -> Vec<String> {
        let log = &self.fields.training;
        if log.n_validation > 0 && log.epochs == self.fields.settings.max_epochs {
            vec![format!(
                "{}: the validation loss still fell at the epoch cap ({}); more epochs may fit \
                 better",
                self.fields.estimator, log.epochs
            )]
        } else {
            Vec::new()
        }
    }
    fn to_model_json(&self) -> Result<String> {
        vitrum_regress::model_file::to_json(self.kind(), &self.fields)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
