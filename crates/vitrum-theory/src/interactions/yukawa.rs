//! Yukawa (screened Coulomb) as LAMMPS `pair_style yukawa` writes it: φ(r) = A e^{−κr}/r.
//! Parameters: `A`, `kappa`, `cutoff`. The reference `yukawa3d` uses `truncation = "force-shift"`:
//! φ − φ(r_c) − (r − r_c)φ′(r_c), so that energy and force are continuous at r_c.

use super::Interaction;
use super::pair::{PairInteraction, PairPotential};
use crate::error::Result;
use crate::spec::{ModelSpec, Params};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Yukawa {
    pub a: f64,
    pub kappa: f64,
}

impl PairPotential for Yukawa {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        let e = self.a * (-self.kappa * r).exp() / r;
        let kr = self.kappa * r;
        [
            e,
            -e * (kr + 1.0) / r,
            e * (kr * kr + 2.0 * kr + 2.0) / (r * r),
        ]
    }

    /// LAMMPS `yukawa` has one κ for all pairs and no force shift: `lepton` is exact for all.
    fn lepton(&self) -> Option<String> {
        Some(format!("({})*exp(-({})*r)/r", self.a, self.kappa))
    }
}

fn pair(p: &Params) -> Result<(Yukawa, f64)> {
    p.only(&["A", "kappa", "cutoff"])?;
    let y = Yukawa {
        a: p.get("A")?,
        kappa: p.get("kappa")?,
    };
    Ok((y, p.positive("cutoff")?))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "yukawa", pair)?))
}
