//! Interactions: the [`Interaction`] trait every model implements, the [`PairPotential`] trait a
//! pair potential implements (then [`pair::PairInteraction`] does the rest: forces, Hessian, the
//! MD force loop, LAMMPS commands), and one file per style, registered by one line in
//! [`registry`] (the LAMMPS `PairStyle(...)` pattern; `docs/extending.md` walks through
//! [`morse`]). Styles from other crates are added at run time with [`registry::register`].

pub mod harmonic;
pub mod ipl;
pub mod lammps;
pub mod lj;
pub mod morse;
pub mod pair;
pub mod registry;
pub mod sw;
pub mod table;
pub mod wca;
pub mod yukawa;

use crate::error::Result;
use crate::hessian::BlockHessian;
use crate::system::System;

pub use lammps::{LammpsPair, PairStyleForm};
pub use pair::{PairInteraction, PairPotential, PairTerm};

/// An interaction model: energy, forces and Hessian of a configuration.
///
/// Implementations work on model species indices (`System::types`) and must handle 2D and 3D
/// (`System::dim`): in 2D the z components of forces and Hessian blocks are zero.
pub trait Interaction: Send + Sync + std::fmt::Debug {
    /// The registry name of the style.
    fn style(&self) -> &'static str;

    /// The longest interaction range; the cell list uses it.
    fn cutoff(&self) -> f64;

    /// Potential energy and forces F_i = −∂E/∂r_i.
    fn energy_forces(&self, sys: &System) -> Result<(f64, Vec<[f64; 3]>)>;

    /// Potential energy only.
    fn energy(&self, sys: &System) -> Result<f64> {
        Ok(self.energy_forces(sys)?.0)
    }

    /// The Hessian ∂²E/∂r_i∂r_j in sparse block form.
    fn hessian(&self, sys: &System) -> Result<BlockHessian>;

    /// The pair interaction, for pair-only quantities (the exact M2 sum rule) and the MD force
    /// loop over a Verlet list.
    fn as_pair(&self) -> Option<&PairInteraction> {
        None
    }

    /// The interaction as LAMMPS commands for LAMMPS types whose model species are `types`
    /// (type k + 1 is model species `types[k]`), for the LAMMPS backend.
    fn lammps(&self, types: &[usize]) -> Result<LammpsPair> {
        let _ = types;
        Err(crate::TheoryError::NoLammps(self.style().into()))
    }
}
