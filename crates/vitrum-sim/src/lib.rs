//! Glass samples for vitrum: a [`Sampler`] turns a [`Protocol`] (system, N, density,
//! composition, melt–quench schedule, minimiser tolerance) and a seed into a minimised
//! configuration with its vibrational spectrum.
//!
//! Backends: [`NativeSampler`] (lattice or random start, velocity-Verlet MD with a Nosé–Hoover
//! thermostat, linear quench, FIRE then L-BFGS to a force-norm tolerance, Verlet lists; 2D and
//! 3D; deterministic for a seed and independent of the thread count) and [`LammpsSampler`] (the
//! same protocol as a LAMMPS input, run by `lmp`, read back with its dynamical matrix; also
//! potentials only LAMMPS has: the `vashishta-sic`, `tersoff-sic`, `eam-cuzral`, `cu-zr-al` and
//! `amorphous-carbon-2d` presets; [`eam_zjw`] writes the Zhou–Johnson–Wadley Cu–Zr–Al `eam.alloy`
//! file `cu-zr-al` uses). [`dataset`] generates the samples of resumable datasets (the facade featurizes them).

pub mod dataset;
pub mod eam_zjw;
pub mod error;
pub mod fire;
pub mod forces;
pub mod init;
pub mod lammps;
pub mod lbfgs;
pub mod md;
pub mod protocol;
pub mod rng;
pub mod sampler;

pub use dataset::{GenerateSettings, SampleRecord, Shard, Vary};
pub use error::{Result, SimError};
pub use lammps::{LammpsSampler, MpiLaunch};
pub use protocol::{Init, LAMMPS_ONLY, LammpsSettings, PRESETS, Protocol};
pub use sampler::{NativeSampler, Sample, Sampler};
