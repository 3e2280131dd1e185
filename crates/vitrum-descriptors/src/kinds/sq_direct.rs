//! `sq-direct`: S(q) = (1/N)|Σ_j exp(i q·r_j)|² over the wave vectors the cell allows.

use super::sq::SqSettings;
use crate::descriptor::{Context, Descriptor, Params, Registration, parse_params};
use crate::error::{DescriptorError, Result};
use crate::structure_factor::{QGrid, structure_factor_direct};
use vitrum_io::{Configuration, FeatureKind, Grid};

pub const REGISTRATION: Registration = Registration {
    name: "sq-direct",
    summary: "S(q) from positions: q_max (default 20), bins (default 100); empty bins are an error",
    build,
};

#[derive(Debug)]
pub struct SqDirect {
    q: QGrid,
    grid: Grid,
}

fn build(params: &Params, context: &Context) -> Result<Box<dyn Descriptor>> {
    let s: SqSettings = parse_params(REGISTRATION.name, params)?;
    if s.window.is_some() || s.r_max.is_some() || s.r_bins.is_some() {
        return Err(DescriptorError::Invalid(
            "descriptor 'sq-direct' takes q_max and bins only".into(),
        ));
    }
    let (q, grid) = s.q_grid(REGISTRATION.name, context)?;
    Ok(Box::new(SqDirect { q, grid }))
}

impl Descriptor for SqDirect {
    fn kind(&self) -> FeatureKind {
        FeatureKind::SqDirect
    }
    fn grid(&self) -> &Grid {
        &self.grid
    }
    fn params(&self) -> serde_json::Value {
        serde_json::json!({"q_max": self.q.q_max(), "bins": self.q.bins()})
    }
    fn compute(&self, config: &Configuration) -> Result<Vec<f64>> {
        let s = structure_factor_direct(config, &self.q)?;
        if let Some(k) = s.s.iter().position(|v| !v.is_finite()) {
            return Err(DescriptorError::Invalid(format!(
                "descriptor 'sq-direct': no wave vector of the cell falls in q bin {k} \
                 (q ≈ {:.4}); use fewer bins or a larger q_max",
                s.q[k]
            )));
        }
        Ok(s.s)
    }
}
