//! `neutron-rdf` and `xray-rdf`: the total g(r) a diffraction experiment sees, the partials
//! weighted by scattering power (Faber–Ziman, [`crate::scattering`]) instead of by number. A
//! model trained on it can be applied to a measured PDF (`vitrum predict --measured`).
//! Parameters: those of total-rdf, plus `lengths` (scattering power per species label: fm for
//! neutrons, Z for X-rays) for labels that are not element symbols or to override the table.

use super::total_rdf::{RdfSettings, normalization_name};
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::{DescriptorError, Result};
use crate::rdf::{RdfParams, rdf};
use crate::scattering::{Radiation, faber_ziman, species_powers};
use serde::Deserialize;
use std::collections::BTreeMap;
use vitrum_io::{Configuration, FeatureKind, Grid};

pub const NEUTRON: Registration = Registration {
    name: "neutron-rdf",
    summary: "neutron-weighted total g(r) (Faber–Ziman, coherent lengths of Sears 1992): total-rdf's parameters + lengths",
    build: build_neutron,
};

pub const XRAY: Registration = Registration {
    name: "xray-rdf",
    summary: "X-ray-weighted total g(r) (Faber–Ziman, f ≈ Z): total-rdf's parameters + lengths",
    build: build_xray,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    r_max: Option<f64>,
    bins: Option<usize>,
    normalization: Option<String>,
    #[serde(default)]
    lengths: BTreeMap<String, f64>,
}

#[derive(Debug)]
pub struct WeightedRdf {
    radiation: Radiation,
    params: RdfParams,
    grid: Grid,
    labels: Vec<String>,
    powers: Vec<f64>,
}

fn build_neutron(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    build(Radiation::Neutron, NEUTRON.name, params, context)
}

fn build_xray(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    build(Radiation::Xray, XRAY.name, params, context)
}

/// `lengths.A = x` pairs (the command line's flat keys) folded into the `lengths` table.
fn nest_lengths(params: &Params) -> Params {
    let mut out = Params::new();
    let mut lengths = serde_json::Map::new();
    for (k, v) in params {
        match k.strip_prefix("lengths.") {
            Some(label) => {
                lengths.insert(label.to_string(), v.clone());
            }
            None => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if !lengths.is_empty() {
        let table = out
            .entry("lengths")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(t) = table.as_object_mut() {
            t.extend(lengths);
        }
    }
    out
}

fn build(
    radiation: Radiation,
    name: &str,
    params: &Params,
    context: &Context,
) -> Result<Box<dyn Descriptor>> {
    let s: Settings = parse_params(name, &nest_lengths(params))?;
    let rdf_settings = RdfSettings {
        r_max: s.r_max,
        bins: s.bins,
        normalization: s.normalization,
    };
    let (params, grid) = rdf_settings.resolve(name, context)?;
    let powers = species_powers(radiation, &context.species, &s.lengths)
        .map_err(|e| DescriptorError::Invalid(format!("descriptor '{name}': {e}")))?;
    Ok(Box::new(WeightedRdf {
        radiation,
        params,
        grid,
        labels: context.species.clone(),
        powers,
    }))
}

impl WeightedRdf {
    fn name(&self) -> &'static str {
        match self.radiation {
            Radiation::Neutron => NEUTRON.name,
            Radiation::Xray => XRAY.name,
        }
    }
}

impl Descriptor for WeightedRdf {
    fn kind(&self) -> FeatureKind {
        FeatureKind::Descriptor(self.name().to_string())
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        let lengths: serde_json::Map<String, serde_json::Value> = self
            .labels
            .iter()
            .zip(&self.powers)
            .map(|(l, f)| (l.clone(), serde_json::json!(f)))
            .collect();
        serde_json::json!({"r_max": self.params.r_max(), "bins": self.params.bins(),
            "normalization": normalization_name(self.params.normalization()),
            "lengths": lengths})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        let r = rdf(config, &self.params)?;
        if r.fractions.len() != self.powers.len() {
            return Err(DescriptorError::Invalid(format!(
                "descriptor '{}': a configuration has {} species, the dataset {} ({})",
                self.name(),
                r.fractions.len(),
                self.powers.len(),
                self.labels.join(", ")
            )));
        }
        let w = faber_ziman(&r.fractions, &self.powers)?;
        let mut g = vec![0.0; r.g.len()];
        for (p, wk) in r.partials.iter().zip(&w) {
            for (gk, pk) in g.iter_mut().zip(&p.g) {
                *gk += wk * pk;
            }
        }
        Ok(g)
    }
}
