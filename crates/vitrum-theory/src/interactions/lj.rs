//! Lennard-Jones: φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶], per species pair, cut at `cutoff` (absolute).
//! Parameters: `epsilon`, `sigma`, `cutoff`. Kob–Andersen is the preset `kob-andersen`.

use super::Interaction;
use super::pair::{PairInteraction, PairPotential};
use crate::error::Result;
use crate::spec::{ModelSpec, Params};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LennardJones {
    pub epsilon: f64,
    pub sigma: f64,
}

impl PairPotential for LennardJones {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        let s2 = (self.sigma / r).powi(2);
        let s6 = s2 * s2 * s2;
        let s12 = s6 * s6;
        let e4 = 4.0 * self.epsilon;
        [
            e4 * (s12 - s6),
            e4 * (-12.0 * s12 + 6.0 * s6) / r,
            e4 * (156.0 * s12 - 42.0 * s6) / (r * r),
        ]
    }
}

fn pair(p: &Params) -> Result<(Box<dyn PairPotential>, f64)> {
    p.only(&["epsilon", "sigma", "cutoff"])?;
    let lj = LennardJones {
        epsilon: p.get("epsilon")?,
        sigma: p.positive("sigma")?,
    };
    Ok((Box::new(lj), p.positive("cutoff")?))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "lj", pair)?))
}
