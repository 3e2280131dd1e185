//! Lennard-Jones: φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶], per species pair, cut at `cutoff` (absolute).
//! Parameters: `epsilon`, `sigma`, `cutoff`. Kob–Andersen is the preset `kob-andersen`.

use super::Interaction;
use super::lammps::PairStyleForm;
use super::pair::{PairInteraction, PairPotential};
use crate::error::Result;
use crate::spec::{ModelSpec, Params, Truncation};

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

    /// (φ, φ′/r) from r² alone: one division, no square root (the MD hot loop).
    #[inline(always)]
    fn energy_force_r2(&self, r2: f64) -> (f64, f64) {
        let (e4, e24, s2) = (
            4.0 * self.epsilon,
            24.0 * self.epsilon,
            self.sigma * self.sigma,
        );
        let inv = 1.0 / r2;
        let q2 = s2 * inv;
        let q6 = q2 * q2 * q2;
        (e4 * (q6 * q6 - q6), -e24 * (2.0 * q6 * q6 - q6) * inv)
    }

    fn branch_free(&self) -> bool {
        true
    }

    /// `lj/cut` (with `pair_modify shift yes` for `shift`), `lj/smooth/linear` for
    /// `force-shift`.
    fn lammps_style(&self, _cutoff: f64, truncation: Truncation) -> Option<PairStyleForm> {
        let coeffs = format!("{} {}", self.epsilon, self.sigma);
        Some(match truncation {
            Truncation::None => PairStyleForm::new("lj/cut", coeffs, false),
            Truncation::Shift => PairStyleForm::new("lj/cut", coeffs, true),
            Truncation::ForceShift => PairStyleForm::new("lj/smooth/linear", coeffs, false),
        })
    }

    fn lepton(&self) -> Option<String> {
        Some(format!(
            "4*({})*(({})/r)^12-4*({})*(({})/r)^6",
            self.epsilon, self.sigma, self.epsilon, self.sigma
        ))
    }
}

fn pair(p: &Params) -> Result<(LennardJones, f64)> {
    p.only(&["epsilon", "sigma", "cutoff"])?;
    let lj = LennardJones {
        epsilon: p.get("epsilon")?,
        sigma: p.positive("sigma")?,
    };
    Ok((lj, p.positive("cutoff")?))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "lj", pair)?))
}
