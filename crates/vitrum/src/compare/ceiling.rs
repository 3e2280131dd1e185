//! The noise ceiling of a comparison: how much of the held-out targets' variance is finite-size
//! sampling noise of the binned VDOS, and so the highest R² any model could reach on them
//! (`vitrum_theory::sampling_noise`, where the estimate and its calibration are described).
//!
//! Computed when the targets are the dataset's VDOS histograms and the dataset keeps the
//! eigenvalues they were binned from: the targets are checked to be exactly those histograms,
//! so a ceiling is never stated for data it was not measured on.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use vitrum_io::Dataset;
use vitrum_io::manifest::TargetKind;
use vitrum_regress::ndarray::{ArrayView2, Axis};
use vitrum_theory::sampling_noise::{WINDOW_PER_COUNT, histogram_noise, r2_ceiling};
use vitrum_theory::spectrum::{dataset_frequencies, histogram_density};

/// The ceiling on the held-out samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseCeiling {
    /// How the noise was estimated, in words.
    pub method: String,
    /// 1 − Σ noise / Σ variance over the ω bins (comparable with variance-weighted R²).
    pub r2_variance_weighted: f64,
    /// Mean over bins of 1 − noise/variance (comparable with uniform R²).
    pub r2_uniform: f64,
    /// Per ω bin: the sampling-noise variance of the held-out targets, their variance (ddof 0)
    /// and their mean mode count.
    pub noise_variance: Vec<f64>,
    pub target_variance: Vec<f64>,
    pub mean_count: Vec<f64>,
    /// Predictors whose mean held-out R² (variance-weighted, at some training size) is above
    /// the ceiling, with that R²: then the estimate does not hold for these spectra and the
    /// report says so instead of stating a ceiling a model has already passed.
    #[serde(default)]
    pub exceeded_by: Vec<(String, f64)>,
}

impl NoiseCeiling {
    /// The predictors above the estimate with their R², "kernel-ridge (0.8155), …", for the
    /// messages that refuse to state it as a ceiling.
    pub fn exceeded_by_text(&self) -> String {
        self.exceeded_by
            .iter()
            .map(|(p, r)| format!("{p} ({r:.4})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The method, as results.json and the report state it.
pub fn method() -> String {
    format!(
        "finite-size sampling noise of each held-out sample's VDOS histogram: the mode count of \
         each bin minus that of the sample's own smoothed staircase (the sorted frequencies fitted \
         by a local quadratic in the mode index over ≈ {WINDOW_PER_COUNT} × the bin's mean \
         count of modes), variance over the held-out samples; calibrated to recover 97 % of the \
         number variance of random-matrix spectra and 72 % of that of independent draws, so the \
         ceiling errs high (docs/theory.md)"
    )
}

/// The ceiling of the held-out `test` rows of `y` (the targets of the comparison), or the reason
/// there is none.
pub fn of_dataset(
    ds: &Dataset,
    y: ArrayView2<f64>,
    test: &Range<usize>,
) -> std::result::Result<NoiseCeiling, String> {
    let Some(eig) = ds.arrays.eigenvalues.as_ref() else {
        return Err("the dataset keeps no eigenvalues (eigenvalues.npy)".into());
    };
    let Some(block) = ds.target(&TargetKind::VdosHistogram) else {
        return Err("the dataset has no VDOS-histogram targets".into());
    };
    let dim = ds
        .dim()
        .map_err(|e| format!("the dataset's dimension: {e}"))?;
    let edges = &block.entry.grid.edges;
    let (omega_max, bins) = (*edges.last().unwrap_or(&0.0), edges.len().saturating_sub(1));
    if eig.nrows() < test.end || y.nrows() < test.end || y.ncols() != bins {
        return Err(format!(
            "the targets ({} × {}) are not the dataset's VDOS histograms ({} samples × {bins} \
             bins)",
            y.nrows(),
            y.ncols(),
            eig.nrows()
        ));
    }
    let frequencies: Vec<Vec<f64>> = test
        .clone()
        .map(|i| dataset_frequencies(&eig.row(i).to_vec(), dim.get()))
        .collect();
    // the targets must be these histograms, or the ceiling would be of other data
    let scale = y
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    for (k, (i, f)) in test.clone().zip(&frequencies).enumerate() {
        let h = histogram_density(f, omega_max, bins);
        let diff = h
            .iter()
            .zip(y.row(i))
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        if diff > 1e-9 * scale {
            return Err(format!(
                "the targets of sample {i} are not the histogram of its eigenvalues (differ by \
                 {diff:.3e}; held-out row {k})"
            ));
        }
    }
    // a grid many times wider than the spectrum (an omega_max in the wrong unit) puts every
    // mode in the first bins: the estimator would call the spectra noise-free (ceiling 1)
    let highest = frequencies.iter().flatten().fold(0.0f64, |m, &w| m.max(w));
    let too_wide = crate::pipeline::sanity::GRID_TOO_WIDE;
    if omega_max > too_wide * highest {
        return Err(format!(
            "the ω grid reaches {omega_max:.4}, {:.1}× the held-out samples' highest mode \
             ({highest:.4}; more than {too_wide}×): the spectra fill only the first bins and the \
             estimate would be meaningless — is omega_max in the dataset's ω unit ((eV/Å²/amu)^½ \
             for metal units, 15.633 THz each)?",
            omega_max / highest.max(f64::MIN_POSITIVE)
        ));
    }
    let noise = histogram_noise(&frequencies, edges).map_err(|e| e.to_string())?;
    let yt = y.slice(vitrum_regress::ndarray::s![test.clone(), ..]);
    let target_variance: Vec<f64> = yt.var_axis(Axis(0), 0.0).to_vec();
    let (w, u) = r2_ceiling(&noise.variance, &target_variance);
    Ok(NoiseCeiling {
        method: method(),
        r2_variance_weighted: w,
        r2_uniform: u,
        noise_variance: noise.variance,
        target_variance,
        mean_count: noise.mean_count,
        exceeded_by: Vec::new(),
    })
}
