//! Inverse power law (soft spheres): φ(r) = ε (σ/r)ⁿ.
//! Parameters: `epsilon`, `sigma`, `n`, `cutoff`.

use super::Interaction;
use super::pair::{PairInteraction, PairPotential};
use crate::error::{Result, TheoryError};
use crate::spec::{ModelSpec, Params};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InversePowerLaw {
    pub epsilon: f64,
    pub sigma: f64,
    pub n: f64,
}

impl PairPotential for InversePowerLaw {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        let e = self.epsilon * (self.sigma / r).powf(self.n);
        [e, -self.n * e / r, self.n * (self.n + 1.0) * e / (r * r)]
    }

    fn lepton(&self) -> Option<String> {
        Some(format!(
            "({})*(({})/r)^({})",
            self.epsilon, self.sigma, self.n
        ))
    }
}

fn pair(p: &Params) -> Result<(InversePowerLaw, f64)> {
    p.only(&["epsilon", "sigma", "n", "cutoff"])?;
    let n = p.positive("n")?;
    if n <= 0.0 {
        return Err(TheoryError::Invalid("ipl: n must be positive".into()));
    }
    let ipl = InversePowerLaw {
        epsilon: p.get("epsilon")?,
        sigma: p.positive("sigma")?,
        n,
    };
    Ok((ipl, p.positive("cutoff")?))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(spec, "ipl", pair)?))
}
