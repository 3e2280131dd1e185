//! `bond-angles`: the bond-angle distribution P(θ) in degrees.

use crate::bond_angles::{PairCutoffs, bond_angles};
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::{DescriptorError, Result};
use serde::{Deserialize, Serialize};
use vitrum_io::{Binning, Configuration, FeatureKind, Grid, Quantity};

pub const REGISTRATION: Registration = Registration {
    name: "bond-angles",
    summary: "bond-angle distribution P(θ), degrees: cutoff (required, one for every pair), bins (default 180)",
    build,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    cutoff: f64,
    bins: Option<usize>,
}

#[derive(Debug)]
pub struct BondAngles {
    cutoffs: PairCutoffs,
    cutoff: f64,
    grid: Grid,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: Settings = parse_params(REGISTRATION.name, params)?;
    let bins = s.bins.unwrap_or(180);
    let grid = Grid::linspace(Quantity::Theta, "deg", 0.0, 180.0, bins, Binning::Histogram)
        .map_err(DescriptorError::Invalid)?;
    Ok(Box::new(BondAngles {
        cutoffs: PairCutoffs::uniform(context.species.len(), s.cutoff)?,
        cutoff: s.cutoff,
        grid,
    }))
}

impl Descriptor for BondAngles {
    fn kind(&self) -> FeatureKind {
        FeatureKind::BondAngles
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"cutoff": self.cutoff, "bins": self.grid.len()})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        Ok(bond_angles(config, &self.cutoffs, self.grid.len())?.p)
    }
}
