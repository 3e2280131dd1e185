//! `coordination`: the running coordination number n(r) = ρ ∫₀^r s_d(r') g(r') dr' at each bin's
//! upper edge. It is the worked example of adding a descriptor: this file and one line in
//! `DESCRIPTORS` make it a dataset block, a `vitrum featurize --feature` and a study `[features]`
//! kind.

use super::total_rdf::RdfSettings;
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::{DescriptorError, Result};
use crate::rdf::{RdfParams, rdf};
use vitrum_io::{Binning, Configuration, FeatureKind, Grid};

pub const REGISTRATION: Registration = Registration {
    name: "coordination",
    summary: "running coordination number n(r) at the bins' upper edges: r_max, bins as total-rdf",
    build,
};

#[derive(Debug)]
pub struct Coordination {
    params: RdfParams,
    grid: Grid,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: RdfSettings = parse_params(REGISTRATION.name, params)?;
    let (params, mut grid) = s.resolve(REGISTRATION.name, context)?;
    grid = grid
        .with_points(params.edges()[1..].to_vec())
        .map_err(DescriptorError::Invalid)?;
    grid.binning = Binning::Sampled;
    Ok(Box::new(Coordination { params, grid }))
}

impl Descriptor for Coordination {
    fn kind(&self) -> FeatureKind {
        FeatureKind::Descriptor(REGISTRATION.name.into())
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"r_max": self.params.r_max(), "bins": self.params.bins()})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        Ok(rdf(config, &self.params)?.coordination())
    }
}
