//! Stability selection: how often the lasso keeps each r-bin for each ω bin across bootstrap
//! resamples of the training samples, and which coordination shells carry the selections of
//! which ω band.
//!
//! A weight the lasso keeps on every resample is a property of the data; one it keeps on a few is
//! one choice among correlated neighbours (g(r) bins are strongly correlated), so the frequency
//! map says more than one fit's sparsity pattern.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use vitrum_regress::candidates::ALPHA;
use vitrum_regress::data::take_rows;
use vitrum_regress::ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use vitrum_regress::{FitParams, FittedAxes, Hyper, SearchGrid, fit_cv_estimator, kfold};

/// The estimator whose selections are counted.
pub const LASSO: &str = "native-lasso";

/// Frequency at or above which an r-bin counts as stably selected (Meinshausen & Bühlmann's
/// usual threshold range is 0.6–0.9).
pub const STABLE: f64 = 0.8;

/// One row of the band × shell table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRow {
    /// ω bins of the band (half-open).
    pub bins: Range<usize>,
    /// Its ω range (first and last bin centre).
    pub omega: (f64, f64),
    /// Share of the band's summed selection frequency in each shell (sums to 1; all 0 when the
    /// lasso selects nothing in the band).
    pub shell_share: Vec<f64>,
    /// r-bins selected with frequency ≥ [`STABLE`] for at least one ω bin of the band.
    pub stable_bins: usize,
}

/// Stability selection's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityResults {
    pub estimator: String,
    /// The lasso α (chosen by CV on the whole training range unless given).
    pub alpha: f64,
    pub alpha_from_cv: bool,
    pub resamples: usize,
    pub seed: u64,
    /// frequency[k][j]: fraction of resamples in which ω bin k kept r-bin j.
    pub frequency: Vec<Vec<f64>>,
    /// The shells: names and r ranges (boundaries at the minima of the training-mean g(r)).
    pub shells: Vec<(String, f64, f64)>,
    pub bands: Vec<BandRow>,
}

/// Coordination shells of a mean g(r) on grid `r` (uniform): after the highest peak, each
/// interval where g stays below 1 and then rises above 1 again is a gap between shells if it is
/// at least a tenth of the highest peak's distance wide (a narrower dip splits one peak, as the
/// A–B and A–A sub-peaks of a Kob–Andersen first shell); the shell boundary is g's minimum in
/// the gap. At most three boundaries; the shells are the ranges between them (the first from
/// r[0], "beyond" to the end).
pub fn shells(r: ArrayView1<f64>, g: ArrayView1<f64>) -> Vec<(String, f64, f64)> {
    let n = g.len().min(r.len());
    if n == 0 {
        return Vec::new();
    }
    let dr = if n > 1 { r[1] - r[0] } else { 1.0 };
    let peak = (0..n).fold(0, |best, k| if g[k] > g[best] { k } else { best });
    let min_gap = 0.1 * r[peak].abs();
    let mut cuts = Vec::new();
    let mut k = peak;
    while k < n && cuts.len() < 3 {
        if g[k] >= 1.0 {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && g[k] < 1.0 {
            k += 1;
        }
        // a gap that runs to the end of the grid is the tail, not a boundary
        if k < n && (k - start) as f64 * dr >= min_gap {
            let low = (start..k).fold(start, |b, j| if g[j] < g[b] { j } else { b });
            cuts.push(r[low]);
        }
    }
    let names = ["first shell", "second shell", "third shell"];
    let mut out = Vec::new();
    let mut lo = r[0];
    for (i, &c) in cuts.iter().enumerate() {
        out.push((names[i].to_string(), lo, c));
        lo = c;
    }
    out.push((
        if cuts.is_empty() { "all r" } else { "beyond" }.to_string(),
        lo,
        r[n - 1],
    ));
    out
}

/// The shell of `r` (the last whose lower bound ≤ r).
fn shell_of(shells: &[(String, f64, f64)], r: f64) -> usize {
    shells.iter().rposition(|(_, lo, _)| *lo <= r).unwrap_or(0)
}

/// `n_bands` ω bands of equal width in bins (the last takes the remainder).
pub fn bands(n_targets: usize, n_bands: usize) -> Vec<Range<usize>> {
    let n_bands = n_bands.clamp(1, n_targets.max(1));
    let width = n_targets / n_bands;
    (0..n_bands)
        .map(|b| {
            let end = if b + 1 == n_bands {
                n_targets
            } else {
                (b + 1) * width
            };
            b * width..end
        })
        .collect()
}

/// Bootstrap resample `b`: `n` rows of `train` drawn with replacement, seeded by (seed, b).
pub fn bootstrap(seed: u64, train: &Range<usize>, b: usize) -> Vec<usize> {
    let mut rng = vitrum_sim::rng::Rng::new(vitrum_sim::rng::mix(&[seed, 0x57AB, b as u64]));
    (0..train.len())
        .map(|_| train.start + rng.below(train.len()))
        .collect()
}

/// Runs stability selection of [`LASSO`] on the `train` rows: α from `alpha` or by `cv`-fold
/// CV over `alphas`, `resamples` bootstrap fits (in parallel), the frequency map, the shells of
/// the training-mean features on the feature grid and the band table.
#[allow(clippy::too_many_arguments)]
pub fn run(
    (x, y): (ArrayView2<f64>, ArrayView2<f64>),
    axes: &FittedAxes,
    train: &Range<usize>,
    params: &FitParams,
    (alpha, alphas, cv): (Option<f64>, &[f64], usize),
    resamples: usize,
    n_bands: usize,
    seed: u64,
) -> Result<StabilityResults> {
    if resamples == 0 {
        bail!("stability selection needs at least one resample");
    }
    let estimator = crate::registry::estimator(LASSO, params)?;
    let rows: Vec<usize> = train.clone().collect();
    let (xt, yt) = (take_rows(x, &rows), take_rows(y, &rows));
    let (alpha, from_cv) = match alpha {
        Some(a) => (a, false),
        None => {
            let grid = SearchGrid::new().axis(ALPHA, alphas.to_vec());
            let (model, _) = fit_cv_estimator(
                estimator.as_ref(),
                xt.view(),
                yt.view(),
                &FittedAxes::default(),
                &grid,
                &kfold(rows.len(), cv)?,
            )
            .context("choosing the lasso α for stability selection")?;
            (model.hyper().get(ALPHA).unwrap_or(params.alpha), true)
        }
    };
    let hyper = Hyper::none().with(ALPHA, alpha);
    let counts: Vec<Array2<f64>> = (0..resamples)
        .into_par_iter()
        .map(|b| -> Result<Array2<f64>> {
            let pick = bootstrap(seed, train, b);
            let (xb, yb) = (take_rows(x, &pick), take_rows(y, &pick));
            let model = estimator.fit(xb.view(), yb.view(), &FittedAxes::default(), &hyper)?;
            let (w, _) = model
                .linear_form()
                .context("the lasso predictor has no linear form")?;
            Ok(w.mapv(|v| f64::from(u8::from(v != 0.0))))
        })
        .collect::<Result<_>>()?;
    let mut freq = Array2::<f64>::zeros((y.ncols(), x.ncols()));
    for c in &counts {
        freq += c;
    }
    freq /= resamples as f64;

    let r: Vec<f64> = match &axes.feature {
        Some(g) if g.len() == x.ncols() && g.windows(2).into_iter().all(|w| w[1] > w[0]) => {
            g.to_vec()
        }
        _ => (0..x.ncols()).map(|j| j as f64).collect(),
    };
    let mean_g = xt.mean_axis(Axis(0)).context("no training rows")?;
    let shells = shells(ArrayView1::from(&r), mean_g.view());
    let shell_of_bin: Vec<usize> = r.iter().map(|&v| shell_of(&shells, v)).collect();
    let omega: Vec<f64> = match &axes.target {
        Some(g) if g.len() == y.ncols() => g.to_vec(),
        _ => (0..y.ncols()).map(|k| k as f64).collect(),
    };
    let band_rows = bands(y.ncols(), n_bands)
        .into_iter()
        .map(|bins| {
            let mut mass = vec![0.0; shells.len()];
            let mut stable = vec![false; x.ncols()];
            for k in bins.clone() {
                for (j, &f) in freq.row(k).iter().enumerate() {
                    mass[shell_of_bin[j]] += f;
                    stable[j] |= f >= STABLE;
                }
            }
            let total: f64 = mass.iter().sum();
            BandRow {
                omega: (omega[bins.start], omega[bins.end - 1]),
                bins,
                shell_share: mass
                    .iter()
                    .map(|m| if total > 0.0 { m / total } else { 0.0 })
                    .collect(),
                stable_bins: stable.iter().filter(|&&s| s).count(),
            }
        })
        .collect();
    Ok(StabilityResults {
        estimator: LASSO.into(),
        alpha,
        alpha_from_cv: from_cv,
        resamples,
        seed,
        frequency: freq.outer_iter().map(|row| row.to_vec()).collect(),
        shells,
        bands: band_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_regress::ndarray::Array1;

    #[test]
    fn shells_end_in_the_wide_gaps_below_one() {
        let r = Array1::from_iter((0..50).map(|k| 0.1 * k as f64));
        // core to r = 1.7; a first peak (4 at r = 1.9, so gaps must be ≥ 0.19 wide) split by a
        // one-bin dip at r = 2.0 (not a boundary); a gap 2.2..2.6 with its minimum 0.3 at
        // r = 2.4; a second peak; a gap 3.1..3.5 with its minimum 0.7 at r = 3.2; a tail below 1
        // to the end (not a boundary)
        let mut g = vec![0.0; 18];
        g.extend([
            3.0, 4.0, 0.6, 2.0, 0.8, 0.5, 0.3, 0.4, 1.3, 1.4, 1.3, 1.2, 1.1,
        ]);
        g.extend([0.9, 0.7, 0.8, 0.9, 1.05, 1.1, 1.05, 1.02, 1.01]);
        g.resize(50, 0.99);
        let s = shells(r.view(), ArrayView1::from(&g));
        let cuts: Vec<f64> = s.iter().map(|(_, lo, _)| *lo).collect();
        let expected = [0.0, 2.4, 3.2];
        assert_eq!(cuts.len(), 3, "{s:?}");
        for (c, e) in cuts.iter().zip(expected) {
            assert!((c - e).abs() < 1e-12, "{s:?}");
        }
        assert_eq!(s[0].0, "first shell");
        assert_eq!(s.last().unwrap().0, "beyond");
        assert_eq!(shell_of(&s, 2.8), 1);
        assert_eq!(shell_of(&s, 4.0), 2);
    }

    #[test]
    fn bands_cover_every_bin_once() {
        assert_eq!(bands(10, 3), vec![0..3, 3..6, 6..10]);
        assert_eq!(bands(2, 5), vec![0..1, 1..2]);
    }

    #[test]
    fn bootstraps_are_seeded_rows_of_the_range() {
        let a = bootstrap(1, &(10..30), 0);
        assert_eq!(a.len(), 20);
        assert!(a.iter().all(|r| (10..30).contains(r)));
        assert_eq!(a, bootstrap(1, &(10..30), 0));
        assert_ne!(a, bootstrap(1, &(10..30), 1));
    }

    /// y₀ depends on features 0 and 1 only, y₁ on feature 4 only, with little noise: the lasso
    /// keeps those on every resample (frequency 1) and the irrelevant ones far less often.
    #[test]
    fn relevant_features_are_selected_on_every_resample() {
        let n = 60;
        let mut rng = vitrum_sim::rng::Rng::new(5);
        let x = Array2::from_shape_fn((n, 8), |_| rng.normal());
        let y = Array2::from_shape_fn((n, 2), |(i, k)| {
            if k == 0 {
                2.0 * x[[i, 0]] - 1.5 * x[[i, 1]]
            } else {
                3.0 * x[[i, 4]]
            }
        }) + Array2::from_shape_fn((n, 2), |_| 0.05 * rng.normal());
        let params = crate::compare::fit_params().unwrap();
        let s = run(
            (x.view(), y.view()),
            &FittedAxes::default(),
            &(0..n),
            &params,
            (Some(0.1), &[], 5),
            20,
            2,
            3,
        )
        .unwrap();
        assert_eq!(s.frequency[0][0], 1.0);
        assert_eq!(s.frequency[0][1], 1.0);
        assert_eq!(s.frequency[1][4], 1.0);
        let noise: f64 = [2, 3, 5, 6, 7]
            .iter()
            .map(|&j| s.frequency[0][j])
            .sum::<f64>()
            / 5.0;
        assert!(noise < 0.5, "irrelevant features kept {noise} of the time");
        assert_eq!(s.bands.len(), 2);
        let again = run(
            (x.view(), y.view()),
            &FittedAxes::default(),
            &(0..n),
            &params,
            (Some(0.1), &[], 5),
            20,
            2,
            3,
        )
        .unwrap();
        assert_eq!(s, again);
    }
}
