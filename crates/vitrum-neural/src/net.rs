//! The two networks, written as plain tensor algebra over named parameters (so the model file
//! is the list of parameters and nothing else):
//!
//! * **CNN** on the features as `[channels × length]` (one channel for g(r), one per species
//!   pair for the partials g_ab, see [`crate::layout`]): two blocks of conv1d (kernel `k`, same
//!   padding) → ReLU → average pooling by 2, then flatten → dense (`hidden`) → ReLU → dense to
//!   the targets. Convolutions see neighbouring r bins together (a peak's position and width),
//!   the dense head maps them to ω.
//! * **MLP**: features → dense (`hidden`) → ReLU → dense (`hidden`) → ReLU → dense to the
//!   targets.
//!
//! Weights start as PyTorch's defaults: uniform in ±1/√fan_in for weights and biases.

use crate::rng::SplitMix64;
use crate::stored::candle;
use candle_core::{D, DType, Device, Tensor, Var};
use serde::{Deserialize, Serialize};
use vitrum_regress::{RegressError, Result};

/// The shape of a network (everything but its weights).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Architecture {
    Cnn {
        /// Input channels (1 for g(r), one per species pair for partials).
        channels_in: usize,
        /// Points per channel.
        length: usize,
        /// Channels of both convolutions.
        width: usize,
        /// Kernel width (odd).
        kernel: usize,
        /// Units of the dense hidden layer.
        hidden: usize,
        targets: usize,
    },
    Mlp {
        features: usize,
        /// Units of each of the two hidden layers.
        hidden: usize,
        targets: usize,
    },
}

impl Architecture {
    /// Checks sizes, so that a bad setting or file is an error before any tensor is made.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(RegressError::Invalid(m));
        match *self {
            Architecture::Cnn {
                channels_in,
                length,
                width,
                kernel,
                hidden,
                targets,
            } => {
                if channels_in == 0 || width == 0 || hidden == 0 || targets == 0 {
                    return bad(format!(
                        "cnn: channels_in {channels_in}, width {width}, hidden {hidden} and \
                         targets {targets} must all be ≥ 1"
                    ));
                }
                if kernel % 2 == 0 || kernel > length {
                    return bad(format!(
                        "cnn: kernel width {kernel} must be odd and at most the {length} points \
                         per channel"
                    ));
                }
                if length < 4 {
                    return bad(format!(
                        "cnn: {length} points per channel; two poolings by 2 need at least 4"
                    ));
                }
                Ok(())
            }
            Architecture::Mlp {
                features,
                hidden,
                targets,
            } => {
                if features == 0 || hidden == 0 || targets == 0 {
                    return bad(format!(
                        "mlp: features {features}, hidden {hidden}, targets {targets} must all be ≥ 1"
                    ));
                }
                Ok(())
            }
        }
    }

    /// Raw features the network takes.
    pub fn n_features(&self) -> usize {
        match *self {
            Architecture::Cnn {
                channels_in,
                length,
                ..
            } => channels_in * length,
            Architecture::Mlp { features, .. } => features,
        }
    }

    pub fn n_targets(&self) -> usize {
        match *self {
            Architecture::Cnn { targets, .. } | Architecture::Mlp { targets, .. } => targets,
        }
    }

    /// Names and shapes of the parameters, in a fixed order (with their fan-in for the
    /// initialisation).
    pub fn parameters(&self) -> Vec<(String, Vec<usize>, usize)> {
        let mut p = Vec::new();
        let mut dense = |name: &str, inp: usize, out: usize| {
            p.push((format!("{name}.weight"), vec![out, inp], inp));
            p.push((format!("{name}.bias"), vec![out], inp));
        };
        match *self {
            Architecture::Cnn {
                channels_in,
                length,
                width,
                kernel,
                hidden,
                targets,
            } => {
                let mut conv = vec![
                    (
                        "conv1.weight".to_string(),
                        vec![width, channels_in, kernel],
                        channels_in * kernel,
                    ),
                    ("conv1.bias".into(), vec![width], channels_in * kernel),
                    (
                        "conv2.weight".into(),
                        vec![width, width, kernel],
                        width * kernel,
                    ),
                    ("conv2.bias".into(), vec![width], width * kernel),
                ];
                dense("dense1", width * (length / 2 / 2), hidden);
                dense("dense2", hidden, targets);
                conv.append(&mut p);
                conv
            }
            Architecture::Mlp {
                features,
                hidden,
                targets,
            } => {
                dense("dense1", features, hidden);
                dense("dense2", hidden, hidden);
                dense("dense3", hidden, targets);
                p
            }
        }
    }

    /// Fresh parameters drawn from `rng`.
    pub fn initialise(&self, rng: &mut SplitMix64) -> Result<Vec<(String, Var)>> {
        self.parameters()
            .into_iter()
            .map(|(name, shape, fan_in)| {
                let bound = 1.0 / (fan_in as f64).sqrt();
                let n: usize = shape.iter().product();
                let values: Vec<f32> = (0..n)
                    .map(|_| ((2.0 * rng.uniform() - 1.0) * bound) as f32)
                    .collect();
                let t = Tensor::from_vec(values, shape.as_slice(), &Device::Cpu).map_err(candle)?;
                Ok((name, Var::from_tensor(&t).map_err(candle)?))
            })
            .collect()
    }

    /// The network's output `[batch × targets]` for standardised inputs `x` `[batch ×
    /// features]`; `params` in the order of [`Self::parameters`].
    pub fn forward(&self, params: &[Tensor], x: &Tensor) -> candle_core::Result<Tensor> {
        let dense = |x: &Tensor, w: &Tensor, b: &Tensor| x.matmul(&w.t()?)?.broadcast_add(b);
        match *self {
            Architecture::Cnn {
                channels_in,
                length,
                kernel,
                ..
            } => {
                let batch = x.dim(0)?;
                let pad = kernel / 2;
                // conv1d of an input that comes padded → bias → ReLU → pooling
                let block = |x: &Tensor, w: &Tensor, b: &Tensor| -> candle_core::Result<Tensor> {
                    let y = x
                        .conv1d(w, 0, 1, 1, 1)?
                        .broadcast_add(&b.reshape((1, b.dim(0)?, 1))?)?
                        .relu()?;
                    avg_pool2(&y)
                };
                // Both convolutions get their zeros written into their inputs (the same
                // forward sums, bit for bit): candle's backward computes the gradient of every
                // convolution's input, and for an unpadded convolution it takes its fast col2im
                // path instead of the direct kernel it uses with padding (that kernel was 36 %
                // of an epoch). The second convolution's input gradient flows into the first's
                // weights, so col2im's summation order changes the trained weights in the last
                // bits against vitrum before Dec 2026; a seed still gives the same bits.
                let h = x
                    .reshape((batch, channels_in, length))?
                    .pad_with_zeros(2, pad, pad)?;
                let h = block(&h, &params[0], &params[1])?;
                let h = block(&h.pad_with_zeros(2, pad, pad)?, &params[2], &params[3])?;
                let h = h.flatten_from(1)?;
                let h = dense(&h, &params[4], &params[5])?.relu()?;
                dense(&h, &params[6], &params[7])
            }
            Architecture::Mlp { .. } => {
                let h = dense(x, &params[0], &params[1])?.relu()?;
                let h = dense(&h, &params[2], &params[3])?.relu()?;
                dense(&h, &params[4], &params[5])
            }
        }
    }
}

/// Average pooling by 2 along the last axis of `[batch × channels × length]` (an odd last point
/// is dropped, as PyTorch's `AvgPool1d(2)` does).
fn avg_pool2(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, c, l) = x.dims3()?;
    let half = l / 2;
    x.narrow(2, 0, 2 * half)?
        .contiguous()?
        .reshape((b, c, half, 2))?
        .mean(D::Minus1)
}

/// A `[rows × cols]` f32 tensor from f64 values.
pub fn tensor_f32(values: &[f64], rows: usize, cols: usize) -> Result<Tensor> {
    let v: Vec<f32> = values.iter().map(|&x| x as f32).collect();
    Tensor::from_vec(v, (rows, cols), &Device::Cpu)
        .and_then(|t| t.to_dtype(DType::F32))
        .map_err(candle)
}
