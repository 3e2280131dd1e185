//! Weeks–Chandler–Andersen: Lennard-Jones cut at its minimum 2^{1/6}σ and lifted by ε, so φ and
//! φ′ vanish at the cutoff (every truncation mode gives the same potential).
//! Parameters: `epsilon`, `sigma` (the cutoff follows from σ).

use super::Interaction;
use super::lammps::PairStyleForm;
use super::lj::LennardJones;
use super::pair::{PairInteraction, PairPotential};
use crate::error::Result;
use crate::spec::{ModelSpec, Params, Truncation};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wca(pub LennardJones);

impl PairPotential for Wca {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        let [e, d1, d2] = self.0.eval(r);
        [e + self.0.epsilon, d1, d2]
    }

    /// `lj/cut` at 2^{1/6}σ with `pair_modify shift yes`: the shift is φ_LJ(r_c) = −ε, the lift,
    /// and φ, φ′ vanish at r_c, so every truncation gives the same potential.
    fn lammps_style(&self, _cutoff: f64, _truncation: Truncation) -> Option<PairStyleForm> {
        let coeffs = format!("{} {}", self.0.epsilon, self.0.sigma);
        Some(PairStyleForm::new("lj/cut", coeffs, true))
    }
}

fn pair(p: &Params) -> Result<(Wca, f64)> {
    p.only(&["epsilon", "sigma"])?;
    let lj = LennardJones {
        epsilon: p.positive("epsilon")?,
        sigma: p.positive("sigma")?,
    };
    Ok((Wca(lj), 2f64.powf(1.0 / 6.0) * lj.sigma))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "wca", pair)?))
}
