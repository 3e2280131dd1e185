//! `total-rdf`: the total g(r) (the reference datasets' features).

use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::Result;
use crate::rdf::{Normalization, RdfParams, rdf};
use serde::{Deserialize, Serialize};
use vitrum_io::{Binning, Configuration, FeatureKind, Grid, Quantity};

pub const REGISTRATION: Registration = Registration {
    name: "total-rdf",
    summary: "total g(r): r_max (default min(5, half the cell)), bins (default r_max/0.025), normalization (exact | lammps)",
    build,
};

/// Parameters of the pair-distance descriptors (total and partial g).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdfSettings {
    pub r_max: Option<f64>,
    pub bins: Option<usize>,
    /// `exact` (ρ_b = N_b/V, the reference) or `lammps` (N_a − 1 for like pairs).
    pub normalization: Option<String>,
}

impl RdfSettings {
    /// Validated g(r) parameters and their grid.
    pub fn resolve(&self, name: &str, context: &Context) -> Result<(RdfParams, Grid)> {
        let r_max = self.r_max.unwrap_or_else(|| context.default_r_max());
        let bins = self
            .bins
            .unwrap_or_else(|| ((r_max / 0.025).round() as usize).max(1));
        let normalization = match self.normalization.as_deref() {
            None | Some("exact") => Normalization::Exact,
            Some("lammps") => Normalization::LammpsExcludeSelf,
            Some(o) => {
                return Err(crate::DescriptorError::Invalid(format!(
                    "descriptor '{name}': normalization '{o}' is not exact or lammps"
                )));
            }
        };
        let params = RdfParams::new(r_max, bins)?.with_normalization(normalization);
        let grid = Grid::from_edges(
            Quantity::R,
            context.units.length_unit(),
            params.edges(),
            Binning::Histogram,
        )
        .map_err(crate::DescriptorError::Invalid)?;
        Ok((params, grid))
    }
}

/// The parameter value naming a normalization (`exact`, `lammps`), as `normalization` takes it.
pub fn normalization_name(n: Normalization) -> &'static str {
    match n {
        Normalization::Exact => "exact",
        Normalization::LammpsExcludeSelf => "lammps",
    }
}

#[derive(Debug)]
pub struct TotalRdf {
    params: RdfParams,
    grid: Grid,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: RdfSettings = parse_params(REGISTRATION.name, params)?;
    let (params, grid) = s.resolve(REGISTRATION.name, context)?;
    Ok(Box::new(TotalRdf { params, grid }))
}

impl Descriptor for TotalRdf {
    fn kind(&self) -> FeatureKind {
        FeatureKind::TotalRdf
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"r_max": self.params.r_max(), "bins": self.params.bins(),
            "normalization": normalization_name(self.params.normalization())})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        Ok(rdf(config, &self.params)?.g)
    }
}
