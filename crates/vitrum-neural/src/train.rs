//! Training: mean squared error on standardised targets, Adam, shuffled mini-batches, and early
//! stopping on a validation split drawn from the training samples (the weights of the best
//! validation epoch are kept). Every random choice comes from one seeded [`SplitMix64`], and
//! candle's CPU kernels run inside a rayon pool of a fixed thread count, so a seed and a thread
//! count give the same weights bit for bit.

use crate::net::Architecture;
use crate::rng::SplitMix64;
use crate::stored::candle;
use candle_core::{Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use vitrum_regress::{RegressError, Result};

/// Settings of the training loop (not searched by cross-validation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainSettings {
    /// Most passes over the training samples.
    pub max_epochs: usize,
    /// Stop after this many epochs without a lower validation loss.
    pub patience: usize,
    /// Samples per Adam step.
    pub batch_size: usize,
    /// Share of the training samples held out for early stopping (at least one sample; none
    /// when fewer than 4 samples, and then all `max_epochs` run).
    pub validation_fraction: f64,
    /// Seed of the initial weights, the validation split and the batch order.
    pub seed: u64,
    /// Threads of candle's CPU kernels (results are bit-identical for a seed and this count).
    pub threads: usize,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            max_epochs: 300,
            patience: 25,
            batch_size: 16,
            validation_fraction: 0.2,
            seed: 0,
            threads: 1,
        }
    }
}

impl TrainSettings {
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(RegressError::Invalid(format!("neural training: {m}")));
        if self.max_epochs == 0 {
            return bad("max_epochs must be ≥ 1");
        }
        if self.batch_size == 0 {
            return bad("batch_size must be ≥ 1");
        }
        if self.threads == 0 {
            return bad("threads must be ≥ 1");
        }
        if !(0.0..1.0).contains(&self.validation_fraction) {
            return bad("validation_fraction must be in [0, 1)");
        }
        Ok(())
    }
}

/// One epoch's numbers, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochReport {
    pub epoch: usize,
    pub max_epochs: usize,
    /// Mean squared error of the standardised targets over the epoch's batches.
    pub train_loss: f64,
    /// The same on the validation split (NaN without one).
    pub validation_loss: f64,
}

/// Called after every epoch (e.g. to advance a progress bar).
pub type Progress = Arc<dyn Fn(&EpochReport) + Send + Sync>;

/// What happened during training; stored in the model file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingLog {
    pub n_train: usize,
    pub n_validation: usize,
    /// Epochs run (≤ max_epochs).
    pub epochs: usize,
    /// The epoch (1-based) whose weights were kept.
    pub best_epoch: usize,
    /// Per epoch: mean training loss (standardised MSE) over its batches.
    pub train_loss: Vec<f64>,
    /// Per epoch: validation loss (empty without a validation split).
    pub validation_loss: Vec<f64>,
}

/// Trains `arch` on standardised `x` `[n × features]`, `y` `[n × targets]` (f32, row-major).
pub fn train(
    arch: &Architecture,
    x: &Tensor,
    y: &Tensor,
    learning_rate: f64,
    settings: &TrainSettings,
    progress: Option<&Progress>,
) -> Result<(Vec<Tensor>, TrainingLog)> {
    settings.validate()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .map_err(|e| RegressError::Invalid(format!("neural training thread pool: {e}")))?;
    pool.install(|| train_in_pool(arch, x, y, learning_rate, settings, progress))
}

fn ids(rows: &[usize]) -> Result<Tensor> {
    let v: Vec<u32> = rows.iter().map(|&r| r as u32).collect();
    Tensor::from_vec(v, rows.len(), &Device::Cpu).map_err(candle)
}

fn mse(pred: &Tensor, target: &Tensor) -> candle_core::Result<Tensor> {
    (pred - target)?.sqr()?.mean_all()
}

fn train_in_pool(
    arch: &Architecture,
    x: &Tensor,
    y: &Tensor,
    learning_rate: f64,
    settings: &TrainSettings,
    progress: Option<&Progress>,
) -> Result<(Vec<Tensor>, TrainingLog)> {
    let n = x.dim(0).map_err(candle)?;
    let mut rng = SplitMix64::new(settings.seed);
    let vars: Vec<Var> = arch
        .initialise(&mut rng)?
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let n_val = if n >= 4 {
        ((settings.validation_fraction * n as f64).round() as usize)
            .clamp(usize::from(settings.validation_fraction > 0.0), n - 2)
    } else {
        0
    };
    let (val_rows, train_rows) = order.split_at(n_val);
    let mut train_rows = train_rows.to_vec();
    let (xv, yv) = if n_val > 0 {
        let v = ids(val_rows)?;
        (
            Some(x.index_select(&v, 0).map_err(candle)?),
            Some(y.index_select(&v, 0).map_err(candle)?),
        )
    } else {
        (None, None)
    };

    let mut opt = AdamW::new(
        vars.clone(),
        ParamsAdamW {
            lr: learning_rate,
            weight_decay: 0.0,
            ..ParamsAdamW::default()
        },
    )
    .map_err(candle)?;
    let snapshot = |vars: &[Var]| -> Result<Vec<Tensor>> {
        vars.iter()
            .map(|v| v.as_tensor().copy().map_err(candle))
            .collect()
    };
    let mut best = snapshot(&vars)?;
    let mut best_loss = f64::INFINITY;
    let mut log = TrainingLog {
        n_train: train_rows.len(),
        n_validation: n_val,
        ..Default::default()
    };
    let mut since_best = 0;
    for epoch in 1..=settings.max_epochs {
        rng.shuffle(&mut train_rows);
        let mut sum = 0.0;
        let mut batches = 0;
        for batch in train_rows.chunks(settings.batch_size) {
            let b = ids(batch)?;
            let xb = x.index_select(&b, 0).map_err(candle)?;
            let yb = y.index_select(&b, 0).map_err(candle)?;
            let params: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
            let loss = arch
                .forward(&params, &xb)
                .and_then(|p| mse(&p, &yb))
                .map_err(candle)?;
            opt.backward_step(&loss).map_err(candle)?;
            sum += loss.to_scalar::<f32>().map_err(candle)? as f64;
            batches += 1;
        }
        let train_loss = sum / batches.max(1) as f64;
        if !train_loss.is_finite() {
            return Err(RegressError::Backend {
                backend: "candle",
                message: format!(
                    "training diverged (loss {train_loss} at epoch {epoch}); lower the learning \
                     rate"
                ),
            });
        }
        log.train_loss.push(train_loss);
        log.epochs = epoch;
        let val_loss = match (&xv, &yv) {
            (Some(xv), Some(yv)) => {
                let params: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
                let l = arch
                    .forward(&params, xv)
                    .and_then(|p| mse(&p, yv))
                    .and_then(|l| l.to_scalar::<f32>())
                    .map_err(candle)? as f64;
                log.validation_loss.push(l);
                l
            }
            _ => f64::NAN,
        };
        if let Some(p) = progress {
            p(&EpochReport {
                epoch,
                max_epochs: settings.max_epochs,
                train_loss,
                validation_loss: val_loss,
            });
        }
        // without a validation split the last epoch is kept
        let score = if val_loss.is_nan() { -1.0 } else { val_loss };
        if score < best_loss || val_loss.is_nan() {
            best_loss = score;
            best = snapshot(&vars)?;
            log.best_epoch = epoch;
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= settings.patience {
                break;
            }
        }
    }
    Ok((best, log))
}
