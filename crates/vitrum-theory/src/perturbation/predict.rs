//! Theory-only prediction: D(ω) ≈ D₀(ω) + K (g − g₀) + K_ρ (ρ − ρ₀), with D₀, g₀, ρ₀ the
//! training means and K, K_ρ the QCA linear response at (g₀, ρ₀). No weight is fitted; the only
//! free parameter, the broadening σ of K, is chosen by k-fold cross-validation on the training
//! samples (σ trades the resolution of K against the noise of a first-order map: too small a σ
//! makes K a sum of sharp derivative peaks at the reference's ω_β(k), which fails badly).

use super::kernel::{LinearResponse, linear_response_impl};
use super::table::PairTable;
use super::three_body::ThreeBodyTable;
use crate::error::{Result, TheoryError};
use ndarray::{Array2, ArrayView2, Axis, s};

/// Training samples: partial-g rows, number densities and target spectra on the grid's bins.
#[derive(Debug, Clone, Copy)]
pub struct TrainingSet<'a> {
    /// [samples, channels·n_r].
    pub g: ArrayView2<'a, f64>,
    pub rho: &'a [f64],
    /// [samples, n_ω]: histogram densities on the grid the model is built for.
    pub targets: ArrayView2<'a, f64>,
}

impl TrainingSet<'_> {
    fn check(&self, table: &PairTable, n_omega: usize) -> Result<()> {
        let n = self.g.nrows();
        if n == 0 || self.rho.len() != n || self.targets.nrows() != n {
            return Err(TheoryError::Invalid(format!(
                "training set: {} g rows, {} densities and {} target rows; they must be equal \
                 and ≥ 1",
                n,
                self.rho.len(),
                self.targets.nrows()
            )));
        }
        if self.g.ncols() != table.n_features() || self.targets.ncols() != n_omega {
            return Err(TheoryError::Invalid(format!(
                "training set: {} g columns and {} target columns, but the table has {} and the \
                 ω grid {}",
                self.g.ncols(),
                self.targets.ncols(),
                table.n_features(),
                n_omega
            )));
        }
        Ok(())
    }

    fn rows(&self, idx: &[usize]) -> (Array2<f64>, Vec<f64>, Array2<f64>) {
        (
            self.g.select(Axis(0), idx),
            idx.iter().map(|&i| self.rho[i]).collect(),
            self.targets.select(Axis(0), idx),
        )
    }
}

/// A fitted theory-only model.
#[derive(Debug, Clone)]
pub struct TheoryModel {
    /// Mean training target, per ω bin.
    pub d0: Vec<f64>,
    /// K and K_ρ at the mean training g and density.
    pub response: LinearResponse,
}

impl TheoryModel {
    /// D₀, g₀, ρ₀ from `train`, K at (g₀, ρ₀) on the ω bins of `grid` (whose σ is used).
    pub fn fit(
        table: &PairTable,
        train: TrainingSet,
        grid: &super::SpectrumGrid,
    ) -> Result<TheoryModel> {
        Self::fit_impl(table, None, train, grid)
    }

    /// [`TheoryModel::fit`], with the three-body part of Stillinger–Weber when `three` is given.
    pub(crate) fn fit_impl(
        table: &PairTable,
        three: Option<&ThreeBodyTable>,
        train: TrainingSet,
        grid: &super::SpectrumGrid,
    ) -> Result<TheoryModel> {
        train.check(table, grid.n_bins())?;
        let mean = |a: ArrayView2<f64>| -> Vec<f64> {
            a.mean_axis(Axis(0)).map(|m| m.to_vec()).unwrap_or_default()
        };
        let g0 = mean(train.g);
        let rho0 = train.rho.iter().sum::<f64>() / train.rho.len() as f64;
        let response = linear_response_impl(table, three, &g0, rho0, grid)?;
        Ok(TheoryModel {
            d0: mean(train.targets),
            response,
        })
    }

    /// One row per sample of g (and its density).
    pub fn predict(&self, g: ArrayView2<f64>, rho: &[f64]) -> Result<Array2<f64>> {
        if g.nrows() != rho.len() || g.ncols() != self.response.g0.len() {
            return Err(TheoryError::Invalid(format!(
                "predict: {} g rows of {} columns and {} densities; the model needs {} columns \
                 and one density per row",
                g.nrows(),
                g.ncols(),
                rho.len(),
                self.response.g0.len()
            )));
        }
        let mut out = Array2::zeros((g.nrows(), self.d0.len()));
        for (i, row) in g.rows().into_iter().enumerate() {
            let change = self.response.change(&row.to_vec(), rho[i]);
            for (j, v) in change.iter().enumerate() {
                out[[i, j]] = self.d0[j] + v;
            }
        }
        Ok(out)
    }
}

/// The σ values tried by default: fractions 0.03 … 0.28 of the top of the ω grid (2.2 … 20 for
/// dataset-ka2d's ω_max = 72).
pub fn default_sigmas(omega_max: f64) -> Vec<f64> {
    [0.03, 0.05, 0.07, 0.1, 0.14, 0.2, 0.28]
        .iter()
        .map(|f| f * omega_max)
        .collect()
}

/// The outcome of the σ search: the chosen σ and the mean cross-validated R² of every σ tried.
#[derive(Debug, Clone, PartialEq)]
pub struct SigmaChoice {
    pub sigma: f64,
    /// (σ, mean over folds of the variance-weighted R²).
    pub scores: Vec<(f64, f64)>,
}

/// σ by `folds`-fold cross-validation (contiguous folds, in sample order) on `train`: for each σ
/// and fold, a [`TheoryModel`] from the other folds predicts the fold; the score is the fold
/// mean of the variance-weighted R² (sklearn's `r2_score(multioutput="variance_weighted")`).
pub fn choose_sigma(
    table: &PairTable,
    train: TrainingSet,
    omega_edges: &[f64],
    sigmas: &[f64],
    folds: usize,
) -> Result<SigmaChoice> {
    choose_sigma_impl(table, None, train, omega_edges, sigmas, folds)
}

/// [`choose_sigma`], with the three-body part of Stillinger–Weber when `three` is given (its
/// P(θ) fixed for every fold).
pub(crate) fn choose_sigma_impl(
    table: &PairTable,
    three: Option<&ThreeBodyTable>,
    train: TrainingSet,
    omega_edges: &[f64],
    sigmas: &[f64],
    folds: usize,
) -> Result<SigmaChoice> {
    let n = train.g.nrows();
    if folds < 2 || folds > n || sigmas.is_empty() {
        return Err(TheoryError::Invalid(format!(
            "σ by cross-validation needs 2 ≤ folds ≤ samples ({n}) and ≥ 1 σ (got {folds} folds, \
             {} σ)",
            sigmas.len()
        )));
    }
    train.check(table, omega_edges.len().saturating_sub(1))?;
    let bounds: Vec<usize> = (0..=folds).map(|f| f * n / folds).collect();
    let mut scores = Vec::with_capacity(sigmas.len());
    for &sigma in sigmas {
        let grid = super::SpectrumGrid::new(omega_edges.to_vec(), sigma)?;
        let mut total = 0.0;
        for f in 0..folds {
            let (lo, hi) = (bounds[f], bounds[f + 1]);
            let fit_idx: Vec<usize> = (0..n).filter(|i| *i < lo || *i >= hi).collect();
            let (g, rho, y) = train.rows(&fit_idx);
            let model = TheoryModel::fit_impl(
                table,
                three,
                TrainingSet {
                    g: g.view(),
                    rho: &rho,
                    targets: y.view(),
                },
                &grid,
            )?;
            let pred = model.predict(train.g.slice(s![lo..hi, ..]), &train.rho[lo..hi])?;
            total += r2_variance_weighted(train.targets.slice(s![lo..hi, ..]), pred.view());
        }
        scores.push((sigma, total / folds as f64));
    }
    let best =
        scores.iter().copied().fold(
            (f64::NAN, f64::NEG_INFINITY),
            |b, s| if s.1 > b.1 { s } else { b },
        );
    if !best.1.is_finite() {
        return Err(TheoryError::Invalid(
            "no σ gave a finite cross-validated R² (constant targets?)".into(),
        ));
    }
    Ok(SigmaChoice {
        sigma: best.0,
        scores,
    })
}

/// 1 − Σ_j SS_res,j / Σ_j SS_tot,j: R² of every output weighted by its variance. The scoring of
/// the σ search only (the metrics users see are vitrum-regress's).
pub fn r2_variance_weighted(y: ArrayView2<f64>, pred: ArrayView2<f64>) -> f64 {
    let Some(mean) = y.mean_axis(Axis(0)) else {
        return f64::NAN;
    };
    let mut res = 0.0;
    let mut tot = 0.0;
    for (row, prow) in y.rows().into_iter().zip(pred.rows()) {
        for j in 0..row.len() {
            res += (row[j] - prow[j]).powi(2);
            tot += (row[j] - mean[j]).powi(2);
        }
    }
    1.0 - res / tot
}
