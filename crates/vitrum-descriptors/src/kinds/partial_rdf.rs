//! `partial-rdf`: every partial g_ab(r), a ≤ b, as one block with channels a-b.

use super::total_rdf::{RdfSettings, normalization_name};
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::Result;
use crate::rdf::{RdfParams, rdf};
use vitrum_io::{Configuration, FeatureKind, Grid};

pub const REGISTRATION: Registration = Registration {
    name: "partial-rdf",
    summary: "partial g_ab(r), channels a-b (a ≤ b): r_max, bins, normalization as total-rdf",
    build,
};

#[derive(Debug)]
pub struct PartialRdf {
    params: RdfParams,
    grid: Grid,
    channels: Vec<String>,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: RdfSettings = parse_params(REGISTRATION.name, params)?;
    let (params, grid) = s.resolve(REGISTRATION.name, context)?;
    Ok(Box::new(PartialRdf {
        params,
        grid,
        channels: context.pair_channels(),
    }))
}

impl Descriptor for PartialRdf {
    fn kind(&self) -> FeatureKind {
        FeatureKind::PartialRdf
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn channels(&self) -> Vec<String> {
        self.channels.clone()
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"r_max": self.params.r_max(), "bins": self.params.bins(),
            "normalization": normalization_name(self.params.normalization())})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        let r = rdf(config, &self.params)?;
        if r.partials.len() != self.channels.len() {
            return Err(crate::DescriptorError::Invalid(format!(
                "descriptor 'partial-rdf': a configuration has {} species pairs, the dataset {} ({})",
                r.partials.len(),
                self.channels.len(),
                self.channels.join(", ")
            )));
        }
        Ok(r.partials.into_iter().flat_map(|p| p.g).collect())
    }
}
