//! Central finite differences: forces from energies and Hessians from forces. The generic
//! fallback for any interaction and the check of every analytic derivative (error O(h²)).
//! Dense and O(N²): for tests and small systems.

use crate::error::Result;
use crate::interactions::Interaction;
use crate::system::System;
use ndarray::Array2;

fn displaced<'a>(sys: &System<'a>, config: &'a vitrum_io::Configuration) -> System<'a> {
    System {
        config,
        ..sys.clone()
    }
}

/// F = −∇E by central differences of the energy with step h.
pub fn forces(inter: &dyn Interaction, sys: &System, h: f64) -> Result<Vec<[f64; 3]>> {
    let d = sys.dim().get();
    let mut out = vec![[0.0; 3]; sys.len()];
    let mut work = sys.config.clone();
    for i in 0..sys.len() {
        for a in 0..d {
            let x0 = work.positions[i][a];
            work.positions[i][a] = x0 + h;
            let ep = inter.energy(&displaced(sys, &work))?;
            work.positions[i][a] = x0 - h;
            let em = inter.energy(&displaced(sys, &work))?;
            work.positions[i][a] = x0;
            out[i][a] = -(ep - em) / (2.0 * h);
        }
    }
    Ok(out)
}

/// The d·N × d·N Hessian by central differences of the forces with step h (symmetrised).
pub fn hessian(inter: &dyn Interaction, sys: &System, h: f64) -> Result<Array2<f64>> {
    let d = sys.dim().get();
    let n = sys.dof();
    let mut m = Array2::zeros((n, n));
    let mut work = sys.config.clone();
    for i in 0..sys.len() {
        for a in 0..d {
            let x0 = work.positions[i][a];
            work.positions[i][a] = x0 + h;
            let (_, fp) = inter.energy_forces(&displaced(sys, &work))?;
            work.positions[i][a] = x0 - h;
            let (_, fm) = inter.energy_forces(&displaced(sys, &work))?;
            work.positions[i][a] = x0;
            for j in 0..sys.len() {
                for b in 0..d {
                    m[[j * d + b, i * d + a]] = -(fp[j][b] - fm[j][b]) / (2.0 * h);
                }
            }
        }
    }
    let t = m.t().to_owned();
    Ok((m + t) * 0.5)
}
