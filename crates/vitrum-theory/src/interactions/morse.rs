//! Morse: φ(r) = D₀[e^{−2a(r−r₀)} − 2e^{−a(r−r₀)}], per species pair, the well depth D₀ at the
//! bond length r₀ and the width 1/a; LAMMPS `pair_style morse` (coefficients D0 alpha r0).
//! Parameters: `D0`, `alpha`, `r0`, `cutoff`. This file is the worked example of
//! `docs/extending.md`: a [`PairPotential`] (φ, φ′, φ″ and the LAMMPS form), a builder from the
//! `[pair."A-B"]` table, and one line in the registry give energy, forces, Hessian, spectra,
//! native MD and LAMMPS runs.

use super::Interaction;
use super::lammps::PairStyleForm;
use super::pair::{PairInteraction, PairPotential};
use crate::error::Result;
use crate::spec::{ModelSpec, Params, Truncation};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Morse {
    pub d0: f64,
    pub alpha: f64,
    pub r0: f64,
}

impl PairPotential for Morse {
    /// With x = e^{−a(r−r₀)}: φ = D₀(x² − 2x), φ′ = 2aD₀ x(1 − x), φ″ = 2a²D₀ x(2x − 1).
    #[inline(always)]
    fn eval(&self, r: f64) -> [f64; 3] {
        let x = (-self.alpha * (r - self.r0)).exp();
        let a = self.alpha;
        [
            self.d0 * x * (x - 2.0),
            2.0 * a * self.d0 * x * (1.0 - x),
            2.0 * a * a * self.d0 * x * (2.0 * x - 1.0),
        ]
    }

    /// (φ, φ′/r) from r²: one root and one exponential, finite at every r > 0.
    #[inline(always)]
    fn energy_force_r2(&self, r2: f64) -> (f64, f64) {
        let r = r2.sqrt();
        let x = (-self.alpha * (r - self.r0)).exp();
        (
            self.d0 * x * (x - 2.0),
            2.0 * self.alpha * self.d0 * x * (1.0 - x) / r,
        )
    }

    fn branch_free(&self) -> bool {
        true
    }

    /// `morse` (with `pair_modify shift yes` for `shift`), `morse/smooth/linear` for
    /// `force-shift`.
    fn lammps_style(&self, _cutoff: f64, truncation: Truncation) -> Option<PairStyleForm> {
        let coeffs = format!("{} {} {}", self.d0, self.alpha, self.r0);
        Some(match truncation {
            Truncation::None => PairStyleForm::new("morse", coeffs, false),
            Truncation::Shift => PairStyleForm::new("morse", coeffs, true),
            Truncation::ForceShift => PairStyleForm::new("morse/smooth/linear", coeffs, false),
        })
    }

    fn lepton(&self) -> Option<String> {
        Some(format!(
            "({d})*(exp(-2*({a})*(r-({r0})))-2*exp(-({a})*(r-({r0}))))",
            d = self.d0,
            a = self.alpha,
            r0 = self.r0
        ))
    }
}

fn pair(p: &Params) -> Result<(Morse, f64)> {
    p.only(&["D0", "alpha", "r0", "cutoff"])?;
    let m = Morse {
        d0: p.positive("D0")?,
        alpha: p.positive("alpha")?,
        r0: p.positive("r0")?,
    };
    Ok((m, p.positive("cutoff")?))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "morse", pair)?))
}
