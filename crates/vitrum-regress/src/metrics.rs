//! Metrics of predicted against true spectra, with scikit-learn's semantics where it has the
//! metric (so numbers are comparable with a scikit-learn study).
//!
//! R² of a target column whose true values are constant (e.g. a high-ω bin empty in every test
//! spectrum) has a zero denominator. scikit-learn's `r2_score` (`force_finite=True`) scores such a
//! column 1.0 if it is predicted exactly and 0.0 otherwise; we do the same. This is why the
//! uniform average can sit far below the variance-weighted one (which gives those columns zero
//! weight): report both.

use crate::data::check_pair;
use crate::error::{RegressError, Result};
use ndarray::{ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Per-column R² with scikit-learn's handling of constant columns.
pub fn r2_per_target(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> Vec<f64> {
    parts(y, pred)
        .into_iter()
        .map(|(num, den)| {
            if den != 0.0 {
                1.0 - num / den
            } else if num == 0.0 {
                1.0
            } else {
                0.0
            }
        })
        .collect()
}

/// (Σ residual², Σ (y − ȳ)²) per column.
fn parts(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> Vec<(f64, f64)> {
    y.axis_iter(Axis(1))
        .zip(pred.axis_iter(Axis(1)))
        .map(|(c, p)| {
            let mean = c.mean().unwrap_or(0.0);
            let num = c.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
            let den = c.iter().map(|a| (a - mean).powi(2)).sum::<f64>();
            (num, den)
        })
        .collect()
}

/// R², uniform average over targets (`r2_score(..., multioutput="uniform_average")`).
pub fn r2_uniform(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> f64 {
    let r = r2_per_target(y, pred);
    r.iter().sum::<f64>() / r.len().max(1) as f64
}

/// R² weighted by each target's variance (`multioutput="variance_weighted"`); constant columns
/// weigh nothing. With every column constant, the uniform average (as scikit-learn).
pub fn r2_variance_weighted(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> f64 {
    let p = parts(y, pred);
    let total: f64 = p.iter().map(|(_, d)| d).sum();
    if total == 0.0 {
        return r2_uniform(y, pred);
    }
    let r = r2_per_target(y, pred);
    r.iter().zip(&p).map(|(r, (_, d))| r * d).sum::<f64>() / total
}

/// Mean absolute error over all entries (scikit-learn's uniform average of per-target MAE).
pub fn mae(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> f64 {
    (&y - &pred).mapv(f64::abs).mean().unwrap_or(0.0)
}

/// Root mean squared error, uniform average of per-target RMSE
/// (`root_mean_squared_error(..., multioutput="uniform_average")`).
pub fn rmse(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> f64 {
    let d = &y - &pred;
    let per: Vec<f64> = d
        .axis_iter(Axis(1))
        .map(|c| (c.dot(&c) / c.len().max(1) as f64).sqrt())
        .collect();
    per.iter().sum::<f64>() / per.len().max(1) as f64
}

/// Pearson correlation between a predicted and a true spectrum; `None` if either is constant.
pub fn pearson(a: ArrayView1<f64>, b: ArrayView1<f64>) -> Option<f64> {
    let (ma, mb) = (a.mean()?, b.mean()?);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Earth-mover (Wasserstein-1) distance between two spectra on the same uniform grid with
/// spacing `dx`: `Σ |CDF_a − CDF_b| dx` after normalising each to unit area. A predicted
/// spectrum can dip below zero; negative values are clipped to zero first (a density cannot be
/// negative). `None` if either has no positive mass.
pub fn wasserstein1(a: ArrayView1<f64>, b: ArrayView1<f64>, dx: f64) -> Option<f64> {
    let ma: f64 = a.iter().map(|v| v.max(0.0)).sum();
    let mb: f64 = b.iter().map(|v| v.max(0.0)).sum();
    if ma <= 0.0 || mb <= 0.0 {
        return None;
    }
    let (mut ca, mut cb, mut w) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        ca += x.max(0.0) / ma;
        cb += y.max(0.0) / mb;
        w += (ca - cb).abs();
    }
    Some(w * dx)
}

/// The metrics table of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Samples evaluated.
    pub n_samples: usize,
    /// R², uniform average over targets (scikit-learn semantics for constant columns).
    pub r2_uniform: f64,
    /// R², variance-weighted.
    pub r2_variance_weighted: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error (mean of per-target RMSE).
    pub rmse: f64,
    /// Mean over samples of the Pearson correlation between predicted and true spectrum.
    #[serde(deserialize_with = "nan_if_null")]
    pub pearson_mean: f64,
    /// Mean over samples of the Wasserstein-1 distance between the spectra (grid units); NaN
    /// (null in JSON) when no true target is a density (signed targets such as ΔD).
    #[serde(deserialize_with = "nan_if_null")]
    pub wasserstein1_mean: f64,
    /// Target columns constant in the evaluated samples.
    pub n_constant_targets: usize,
}

/// serde_json writes a NaN as null; read it back as NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Evaluates predictions; `grid` (the target grid) sets the Wasserstein spacing (1 if absent).
pub fn evaluate(
    y: ArrayView2<f64>,
    pred: ArrayView2<f64>,
    grid: Option<ArrayView1<f64>>,
) -> Result<Metrics> {
    check_pair(pred, y)?;
    if y.ncols() != pred.ncols() {
        return Err(RegressError::GridMismatch {
            what: "the target grid",
            expected: pred.ncols(),
            found: y.ncols(),
            expected_range: " (model targets)".into(),
            found_range: " (target columns)".into(),
        });
    }
    let dx = match grid {
        Some(g) if g.len() >= 2 => (g[g.len() - 1] - g[0]) / (g.len() - 1) as f64,
        _ => 1.0,
    };
    let mean_of = |v: Vec<f64>| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let rows = || y.axis_iter(Axis(0)).zip(pred.axis_iter(Axis(0)));
    Ok(Metrics {
        n_samples: y.nrows(),
        r2_uniform: r2_uniform(y, pred),
        r2_variance_weighted: r2_variance_weighted(y, pred),
        mae: mae(y, pred),
        rmse: rmse(y, pred),
        pearson_mean: mean_of(rows().filter_map(|(t, p)| pearson(t, p)).collect()),
        // a distance between densities: samples whose true target is signed (a spectrum
        // relative to a reference or to a Debye model) have none
        wasserstein1_mean: mean_of(
            rows()
                .filter(|(t, _)| t.iter().all(|v| *v >= 0.0))
                .filter_map(|(t, p)| wasserstein1(t, p, dx))
                .collect(),
        ),
        n_constant_targets: crate::data::constant_columns(y).len(),
    })
}

impl std::fmt::Display for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "metric                  value")?;
        writeln!(f, "samples                 {}", self.n_samples)?;
        writeln!(f, "r2_uniform              {:.6}", self.r2_uniform)?;
        writeln!(
            f,
            "r2_variance_weighted    {:.6}",
            self.r2_variance_weighted
        )?;
        writeln!(f, "mae                     {:.6e}", self.mae)?;
        writeln!(f, "rmse                    {:.6e}", self.rmse)?;
        writeln!(f, "pearson_mean            {:.6}", self.pearson_mean)?;
        writeln!(f, "wasserstein1_mean       {:.6e}", self.wasserstein1_mean)?;
        write!(
            f,
            "constant_target_columns {}  (R² of a constant column: 1 if predicted exactly, else 0, as scikit-learn)",
            self.n_constant_targets
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn r2_scores_constant_columns_like_scikit_learn() {
        let y = array![[1.0, 0.0, 2.0], [2.0, 0.0, 4.0], [3.0, 0.0, 6.0]];
        // Column 1 constant and predicted exactly → 1; column 2 perfect.
        let p = array![[1.5, 0.0, 2.0], [2.0, 0.0, 4.0], [2.5, 0.0, 6.0]];
        assert_abs_diff_eq!(r2_per_target(y.view(), p.view())[0], 1.0 - 0.5 / 2.0);
        assert_eq!(r2_per_target(y.view(), p.view())[1], 1.0);
        // Constant column predicted inexactly → 0.
        let mut q = p.clone();
        q[[0, 1]] = 1e-12;
        assert_eq!(r2_per_target(y.view(), q.view())[1], 0.0);
        // Variance weighting ignores the constant column: (0.75·2 + 1·8)/10.
        assert_abs_diff_eq!(
            r2_variance_weighted(y.view(), q.view()),
            (0.75 * 2.0 + 8.0) / 10.0
        );
        assert_abs_diff_eq!(r2_uniform(y.view(), q.view()), (0.75 + 0.0 + 1.0) / 3.0);
    }

    /// ΔD relative to a reference (or a Debye excess) is no density: no W₁, reported as NaN,
    /// which JSON carries as null and reads back as NaN; the R² are unaffected.
    #[test]
    fn signed_targets_have_no_wasserstein_distance() {
        let y = array![[0.1, -0.2, 0.1], [0.0, 0.1, -0.1], [0.2, 0.0, -0.2]];
        let pred = y.clone() * 0.9;
        let m = evaluate(y.view(), pred.view(), None).unwrap();
        assert!(m.wasserstein1_mean.is_nan());
        assert!(m.pearson_mean > 0.999);
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains("\"wasserstein1_mean\":null"), "{text}");
        let back: Metrics = serde_json::from_str(&text).unwrap();
        assert!(back.wasserstein1_mean.is_nan());
        assert_eq!(back.r2_variance_weighted, m.r2_variance_weighted);
        // a density (the same rows made non-negative) keeps its distance
        let dens = y.mapv(|v| v + 0.2);
        let m = evaluate(dens.view(), (dens.clone() * 0.9).view(), None).unwrap();
        assert!(m.wasserstein1_mean.is_finite());
    }

    #[test]
    fn wasserstein_of_a_shifted_spike_is_the_shift() {
        let a = array![0.0, 1.0, 0.0, 0.0];
        let b = array![0.0, 0.0, 0.0, 1.0];
        assert_abs_diff_eq!(wasserstein1(a.view(), b.view(), 0.5).unwrap(), 1.0);
        assert!(wasserstein1(a.view(), array![0.0, -1.0, 0.0, 0.0].view(), 1.0).is_none());
    }

    #[test]
    fn pearson_mae_rmse() {
        let a = array![1.0, 2.0, 3.0];
        assert_abs_diff_eq!(
            pearson(a.view(), (a.clone() * 2.0 + 1.0).view()).unwrap(),
            1.0
        );
        assert!(pearson(a.view(), array![1.0, 1.0, 1.0].view()).is_none());
        let y = array![[0.0, 0.0], [0.0, 0.0]];
        let p = array![[1.0, 3.0], [1.0, -3.0]];
        assert_abs_diff_eq!(mae(y.view(), p.view()), 2.0);
        assert_abs_diff_eq!(rmse(y.view(), p.view()), 2.0);
    }
}
