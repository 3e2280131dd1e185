//! Harmonic (and Hertzian) soft spheres, the jamming model: φ(r) = (ε/α)(1 − r/σ)^α for r < σ.
//! Parameters: `epsilon`, `sigma` (the contact distance = cutoff), optional `alpha` (default 2;
//! 2.5 is Hertz). φ and φ′ vanish at contact; for α = 2 φ″ jumps there, as in the model.

use super::Interaction;
use super::pair::{PairInteraction, PairPotential};
use crate::error::{Result, TheoryError};
use crate::spec::{ModelSpec, Params};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmonicSpheres {
    pub epsilon: f64,
    pub sigma: f64,
    pub alpha: f64,
}

impl PairPotential for HarmonicSpheres {
    #[inline]
    fn eval(&self, r: f64) -> [f64; 3] {
        let x = 1.0 - r / self.sigma;
        if x <= 0.0 {
            return [0.0; 3];
        }
        let a = self.alpha;
        let s = self.sigma;
        [
            self.epsilon / a * x.powf(a),
            -self.epsilon / s * x.powf(a - 1.0),
            self.epsilon * (a - 1.0) / (s * s) * x.powf(a - 2.0),
        ]
    }

    /// Valid inside the cutoff σ, which is where LAMMPS evaluates it.
    fn lepton(&self) -> Option<String> {
        Some(format!(
            "({})/({})*(1-r/({}))^({})",
            self.epsilon, self.alpha, self.sigma, self.alpha
        ))
    }
}

fn pair(p: &Params) -> Result<(HarmonicSpheres, f64)> {
    p.only(&["epsilon", "sigma", "alpha"])?;
    let alpha = p.get_opt("alpha")?.unwrap_or(2.0);
    if alpha < 2.0 {
        return Err(TheoryError::Invalid(format!(
            "harmonic: alpha = {alpha} < 2 makes φ″ singular at contact"
        )));
    }
    let h = HarmonicSpheres {
        epsilon: p.positive("epsilon")?,
        sigma: p.positive("sigma")?,
        alpha,
    };
    Ok((h, h.sigma))
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    Ok(Box::new(PairInteraction::from_spec(
        spec, "harmonic", pair,
    )?))
}
