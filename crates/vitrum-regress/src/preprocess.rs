//! Feature preprocessing: centring (always: it is how the unpenalised intercept is fitted, as in
//! scikit-learn), optional standardisation, optional PCA truncation. Fitted on the training rows,
//! stored in the model, re-applied at prediction, so a model file is self-contained.

use crate::error::{RegressError, Result};
use crate::hyperparams::{PcaTruncation, PreprocessOptions};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use ndarray_linalg::{JobSvd, SVDDC};
use serde::{Deserialize, Serialize};

/// A fitted feature transform `z = ((x − mean) / scale) · componentsᵀ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessing {
    /// Per-feature training mean.
    pub mean: Array1<f64>,
    /// Per-feature training standard deviation (ddof 0), 1 for constant features; `None` when
    /// standardisation is off.
    pub scale: Option<Array1<f64>>,
    /// Principal axes kept, `[k × n_features]`; `None` when PCA is off.
    pub components: Option<Array2<f64>>,
    /// Fraction of the (scaled) feature variance the kept components explain.
    pub explained_variance_fraction: Option<f64>,
}

impl Preprocessing {
    /// Fits the transform on training features and returns it with the transformed features.
    pub fn fit(x: ArrayView2<f64>, opts: &PreprocessOptions) -> Result<(Self, Array2<f64>)> {
        let mean = x.mean_axis(Axis(0)).ok_or(RegressError::EmptyArray {
            what: "features",
            rows: 0,
            cols: x.ncols(),
        })?;
        let mut z = &x - &mean;
        let scale = if opts.standardize {
            // Population standard deviation, like StandardScaler; a constant feature keeps scale 1
            // (StandardScaler does the same) rather than dividing by zero.
            let s = z.map_axis(Axis(0), |c| {
                let sd = (c.dot(&c) / c.len() as f64).sqrt();
                let sd = if sd.is_finite() && sd > 0.0 {
                    sd
                } else {
                    scaled_sd(c)
                };
                if sd > 0.0 { sd } else { 1.0 }
            });
            z /= &s;
            Some(s)
        } else {
            None
        };
        let (components, explained) = match opts.pca {
            None => (None, None),
            Some(trunc) => {
                let (c, f) = principal_axes(z.view(), trunc)?;
                z = z.dot(&c.t());
                (Some(c), Some(f))
            }
        };
        Ok((
            Self {
                mean,
                scale,
                components,
                explained_variance_fraction: explained,
            },
            z,
        ))
    }

    /// Number of raw features the transform expects.
    pub fn n_features_in(&self) -> usize {
        self.mean.len()
    }

    /// Number of features the solver saw.
    pub fn n_features_out(&self) -> usize {
        self.components
            .as_ref()
            .map_or(self.mean.len(), |c| c.nrows())
    }

    /// Applies the stored transform to raw features (the caller checks the column count).
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut z = &x - &self.mean;
        if let Some(s) = &self.scale {
            z /= s;
        }
        match &self.components {
            Some(c) => z.dot(&c.t()),
            None => z,
        }
    }

    /// Maps weights on transformed features `[targets × k]` to weights on raw features
    /// `[targets × n_features]` and the matching intercept shift, so `W z + b = W_raw x + b_raw`.
    pub fn fold_weights(&self, w: &Array2<f64>, b: &Array1<f64>) -> (Array2<f64>, Array1<f64>) {
        let mut w_raw = match &self.components {
            Some(c) => w.dot(c),
            None => w.clone(),
        };
        if let Some(s) = &self.scale {
            w_raw /= s;
        }
        let b_raw = b - &w_raw.dot(&self.mean);
        (w_raw, b_raw)
    }
}

/// The population standard deviation of a centred column whose sum of squares overflows
/// (features ~1e300) or underflows (~1e-300): the same sum with the column divided by its
/// largest magnitude first, so standardisation keeps the fit invariant to the features' scale.
/// Only used where the plain sum fails, so ordinary data keep their bits.
fn scaled_sd(c: ndarray::ArrayView1<f64>) -> f64 {
    let m = c.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !(m.is_finite() && m > 0.0) {
        return 0.0;
    }
    let ss: f64 = c.iter().map(|v| (v / m) * (v / m)).sum();
    m * (ss / c.len() as f64).sqrt()
}

/// Leading right singular vectors of centred `z`, `[k × n_features]`, and the variance fraction.
fn principal_axes(z: ArrayView2<f64>, trunc: PcaTruncation) -> Result<(Array2<f64>, f64)> {
    let (_, s, vt) = z.svddc(JobSvd::Some).map_err(|e| RegressError::Linalg {
        context: "PCA (SVD of the centred features)",
        message: e.to_string(),
    })?;
    let vt = vt.ok_or_else(|| RegressError::Linalg {
        context: "PCA",
        message: "LAPACK returned no singular vectors".into(),
    })?;
    let var: Vec<f64> = s.iter().map(|v| v * v).collect();
    let total: f64 = var.iter().sum();
    let rank = s.iter().filter(|&&v| v > s[0] * 1e-12).count().max(1);
    let k = match trunc {
        PcaTruncation::Components(k) => k.min(rank),
        PcaTruncation::VarianceFraction(f) => {
            let mut acc = 0.0;
            let mut k = 0;
            while k < rank && (total == 0.0 || acc < f * total) {
                acc += var[k];
                k += 1;
            }
            k.max(1)
        }
    };
    let explained = if total > 0.0 {
        var[..k].iter().sum::<f64>() / total
    } else {
        1.0
    };
    Ok((vt.slice(ndarray::s![..k, ..]).to_owned(), explained))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn standardise_then_fold_back_reproduces_raw_prediction() {
        let x = array![
            [1.0, 10.0, 5.0],
            [2.0, 30.0, 5.0],
            [4.0, 20.0, 5.0],
            [3.0, 0.0, 5.0]
        ];
        let opts = PreprocessOptions {
            standardize: true,
            pca: Some(PcaTruncation::Components(2)),
        };
        let (p, z) = Preprocessing::fit(x.view(), &opts).unwrap();
        assert_eq!(z.dim(), (4, 2));
        assert_abs_diff_eq!(p.transform(x.view()), z, epsilon = 1e-12);
        // Constant third feature: scale 1, no division by zero.
        assert_eq!(p.scale.as_ref().unwrap()[2], 1.0);
        let w = array![[0.3, -1.2]];
        let b = array![0.7];
        let (w_raw, b_raw) = p.fold_weights(&w, &b);
        let direct = z.dot(&w.t()) + &b;
        let folded = x.dot(&w_raw.t()) + &b_raw;
        assert_abs_diff_eq!(direct, folded, epsilon = 1e-12);
    }

    /// Standardised features are the same whatever the raw scale, 1e-300 to 1e300: the sum of
    /// squares that overflows (or underflows) is taken on the column divided by its maximum.
    #[test]
    fn standardisation_is_invariant_to_the_feature_scale() {
        let x = array![[1.0, 10.0], [2.0, 30.0], [4.0, 20.0], [3.0, 0.0]];
        let opts = PreprocessOptions {
            standardize: true,
            pca: None,
        };
        let (_, z) = Preprocessing::fit(x.view(), &opts).unwrap();
        for scale in [1e300, 1e-300, 1e200] {
            let (p, zs) = Preprocessing::fit((&x * scale).view(), &opts).unwrap();
            assert!(p.scale.unwrap().iter().all(|s| s.is_finite() && *s > 0.0));
            // relative round-off of the rescaled sums (a few ulps)
            assert_abs_diff_eq!(zs, z, epsilon = 1e-12);
        }
    }

    #[test]
    fn variance_fraction_picks_enough_components() {
        let x = array![[1.0, 0.0], [-1.0, 0.0], [0.0, 0.1], [0.0, -0.1]];
        let opts = PreprocessOptions {
            standardize: false,
            pca: Some(PcaTruncation::VarianceFraction(0.9)),
        };
        let (p, z) = Preprocessing::fit(x.view(), &opts).unwrap();
        assert_eq!(z.ncols(), 1);
        assert!(p.explained_variance_fraction.unwrap() > 0.98);
    }
}
