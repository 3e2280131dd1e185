//! Interactions, Hessians and vibrational spectra of glasses, in 2D and 3D.
//!
//! The chain: a potential file or preset ([`registry::load`]) gives a [`Model`]; binding a
//! configuration to it ([`Model::bind`]) gives a [`System`]; its [`Interaction`] gives energy,
//! forces and the sparse block Hessian; mass weighting gives the dynamical matrix, whose
//! eigenvalues ([`eigen::eigvalsh`], LAPACK `dsyevd`) or Chebyshev moments ([`kpm`]) give the
//! vibrational density of states ([`spectrum`]). [`modes`] strings these together.
//!
//! Conventions: `../shared/physics.md`. H_ij = −[φ″ n nᵀ + (φ′/r)(I − n nᵀ)] for a pair at
//! r = r_j − r_i, H_ii = −Σ_j H_ij, D = M^{-1/2} H M^{-1/2}, ω = √λ (lj) or ν = √λ·15.633302 THz
//! (metal).

extern crate openblas_src as _;

pub mod eigen;
pub mod error;
pub mod fd;
pub mod hessian;
pub mod interactions;
pub mod kpm;
pub mod modes;
pub mod perturbation;
pub mod sampling_noise;
pub mod sound;
pub mod spec;
pub mod spectral_properties;
pub mod spectrum;
pub mod system;
pub mod units;

pub use error::{Result, TheoryError};
pub use hessian::{BlockHessian, BlockRows};
pub use interactions::registry;
pub use interactions::{Interaction, PairInteraction, PairPotential};
pub use kpm::KpmParams;
pub use spec::{ModelSpec, Truncation};
pub use spectrum::{FrequencyGrid, ModeSpectrum, Vdos, participation_ratios, vdos};
pub use system::{Model, System};
pub use units::Units;
