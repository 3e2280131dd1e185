//! [`FittedAxes`]: the points the feature and target columns live on (r bins in, ω bins out), as
//! plain arrays. Stored in every model file and checked whenever a model is applied, so features
//! on another grid are refused rather than silently mispredicted. (Named apart from vitrum-sim's
//! `Grids`, which describe how a dataset is *computed*; this crate sees only the resulting points.)

use crate::error::{RegressError, Result};
use ndarray::{Array1, ArrayView1};
use serde::{Deserialize, Serialize};

/// The grids the columns of the features (r) and targets (ω) live on. Optional: plain arrays
/// without grids fit too, and then only the column counts are checked. JSON field names
/// (`feature`, `target`) are those of the format-1 `grids` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FittedAxes {
    /// Feature grid (e.g. r bin midpoints), one value per feature column.
    pub feature: Option<Array1<f64>>,
    /// Target grid (e.g. ω bin midpoints), one value per target column.
    pub target: Option<Array1<f64>>,
    /// What the feature columns measure (descriptor kind, its parameters, the training
    /// density), as the caller that knows structures describes it; this crate only stores it,
    /// so that the model file carries it to whoever applies the model to new data (e.g. the
    /// facade's `predict --measured`, which checks a measurement's weighting against it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<serde_json::Value>,
}

/// The former name of [`FittedAxes`].
#[deprecated(note = "renamed `FittedAxes` (vitrum-sim has its own, unrelated `Grids`)")]
pub type Grids = FittedAxes;

impl FittedAxes {
    /// Fails unless the stored grids have `n_features` and `n_targets` points (when present).
    pub fn check_columns(&self, n_features: usize, n_targets: usize) -> Result<()> {
        check_grid_len("the feature grid", self.feature.as_ref(), n_features)?;
        check_grid_len("the target grid", self.target.as_ref(), n_targets)
    }

    /// Fails unless `grid` is the stored feature grid (1e-9 relative per point), or, without a
    /// stored grid, has `n` points.
    pub fn check_feature_grid(&self, grid: ArrayView1<f64>, n: usize) -> Result<()> {
        check_grid("the feature grid", self.feature.as_ref(), grid, n)
    }

    /// [`Self::check_feature_grid`] for the target grid.
    pub fn check_target_grid(&self, grid: ArrayView1<f64>, n: usize) -> Result<()> {
        check_grid("the target grid", self.target.as_ref(), grid, n)
    }

    /// Fails unless features with `found` columns fit a model of `expected` features.
    pub fn check_feature_columns(&self, expected: usize, found: usize) -> Result<()> {
        if expected == found {
            return Ok(());
        }
        Err(RegressError::GridMismatch {
            what: "the feature grid",
            expected,
            found,
            expected_range: self
                .feature
                .as_ref()
                .map_or_else(String::new, |g| range_text(g.view())),
            found_range: " (feature columns)".into(),
        })
    }
}

/// Checks that a grid has one value per column.
fn check_grid_len(what: &'static str, grid: Option<&Array1<f64>>, n: usize) -> Result<()> {
    match grid {
        Some(g) if g.len() != n => Err(RegressError::GridMismatch {
            what,
            expected: g.len(),
            found: n,
            expected_range: range_text(g.view()),
            found_range: " (data columns)".into(),
        }),
        _ => Ok(()),
    }
}

fn check_grid(
    what: &'static str,
    own: Option<&Array1<f64>>,
    grid: ArrayView1<f64>,
    n: usize,
) -> Result<()> {
    let ok = match own {
        Some(g) => grids_match(g.view(), grid),
        None => grid.len() == n,
    };
    if ok {
        return Ok(());
    }
    Err(RegressError::GridMismatch {
        what,
        expected: own.map_or(n, |g| g.len()),
        found: grid.len(),
        expected_range: own.map_or_else(String::new, |g| range_text(g.view())),
        found_range: range_text(grid),
    })
}

fn range_text(g: ArrayView1<f64>) -> String {
    match (g.first(), g.last()) {
        (Some(a), Some(b)) => format!(" on [{a}, {b}]"),
        _ => String::new(),
    }
}

fn grids_match(a: ArrayView1<f64>, b: ArrayView1<f64>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|(u, v)| (u - v).abs() <= 1e-9 * u.abs().max(v.abs()).max(1.0))
}
