//! `sq`: S(q) by the Fourier transform of the total g(r) (optionally Lorch-windowed).

use super::total_rdf::RdfSettings;
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::{DescriptorError, Result};
use crate::rdf::{RdfParams, rdf};
use crate::structure_factor::{QGrid, Window, structure_factor_from_rdf};
use serde::{Deserialize, Serialize};
use vitrum_io::{Binning, Configuration, FeatureKind, Grid, Quantity};

pub const REGISTRATION: Registration = Registration {
    name: "sq",
    summary: "S(q) from g(r): q_max (default 20), bins (default 100), window (none | lorch), r_max, r_bins of the g(r)",
    build,
};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqSettings {
    pub q_max: Option<f64>,
    pub bins: Option<usize>,
    pub window: Option<String>,
    pub r_max: Option<f64>,
    pub r_bins: Option<usize>,
}

impl SqSettings {
    pub fn q_grid(&self, name: &str, context: &Context) -> Result<(QGrid, Grid)> {
        let q = QGrid::new(self.q_max.unwrap_or(20.0), self.bins.unwrap_or(100))?;
        let grid = Grid::linspace(
            Quantity::Q,
            context.units.wavenumber_unit(),
            0.0,
            q.q_max(),
            q.bins(),
            Binning::Sampled,
        )
        .and_then(|g| g.with_points(q.centers()))
        .map_err(|e| DescriptorError::Invalid(format!("descriptor '{name}': {e}")))?;
        Ok((q, grid))
    }

    pub fn window(&self, name: &str) -> Result<Window> {
        match self.window.as_deref() {
            None | Some("none") => Ok(Window::None),
            Some("lorch") => Ok(Window::Lorch),
            Some(o) => Err(DescriptorError::Invalid(format!(
                "descriptor '{name}': window '{o}' is not none or lorch"
            ))),
        }
    }
}

#[derive(Debug)]
pub struct Sq {
    rdf: RdfParams,
    q: QGrid,
    window: Window,
    grid: Grid,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: SqSettings = parse_params(REGISTRATION.name, params)?;
    let (q, grid) = s.q_grid(REGISTRATION.name, context)?;
    let (rdf, _) = RdfSettings {
        r_max: s.r_max,
        bins: s.r_bins,
        normalization: None,
    }
    .resolve(REGISTRATION.name, context)?;
    Ok(Box::new(Sq {
        rdf,
        q,
        window: s.window(REGISTRATION.name)?,
        grid,
    }))
}

impl Descriptor for Sq {
    fn kind(&self) -> FeatureKind {
        FeatureKind::Sq
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"q_max": self.q.q_max(), "bins": self.q.bins(),
            "window": format!("{:?}", self.window).to_lowercase(),
            "r_max": self.rdf.r_max(), "r_bins": self.rdf.bins()})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        let g = rdf(config, &self.rdf)?;
        Ok(structure_factor_from_rdf(&g, &self.q, self.window).s)
    }
}
