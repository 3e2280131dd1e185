//! Hyper-parameters of any estimator, by name: one setting ([`Hyper`]) and the axes a search
//! runs over ([`SearchGrid`]). Linear models read `alpha` and `l1_ratio`; a theory-only
//! predictor would read `sigma`, k-NN `k`, kernel ridge `alpha` and `gamma`. Each estimator
//! takes the axes it uses from the grid ([`crate::Estimator::candidates`]) and ignores the rest,
//! so one study-wide grid serves every estimator and none repeats identical fits.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// scikit-learn's α (regularisation strength).
pub const ALPHA: &str = "alpha";
/// The elastic-net mixing ρ (`l1_ratio`).
pub const L1_RATIO: &str = "l1_ratio";

/// One hyper-parameter setting: named values (`alpha = 0.01`, `l1_ratio = 0.5`, ...). Empty for
/// an estimator without hyper-parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hyper(pub BTreeMap<String, f64>);

impl Hyper {
    /// No hyper-parameters.
    pub fn none() -> Self {
        Self::default()
    }
    /// The same setting with `name = value`.
    pub fn with(mut self, name: &str, value: f64) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }
    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.get(name).copied()
    }
}

impl std::fmt::Display for Hyper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return write!(f, "(none)");
        }
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// Candidate values per hyper-parameter name; estimators search the product of the axes they use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchGrid(pub BTreeMap<String, Vec<f64>>);

impl SearchGrid {
    /// An empty grid (every estimator then fits its defaults).
    pub fn new() -> Self {
        Self::default()
    }
    /// The grid with candidates for `name`.
    pub fn axis(mut self, name: &str, values: Vec<f64>) -> Self {
        self.0.insert(name.to_string(), values);
        self
    }
    /// The candidates for `name` (`None` when the grid does not search it).
    pub fn values(&self, name: &str) -> Option<&[f64]> {
        self.0
            .get(name)
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }
}
