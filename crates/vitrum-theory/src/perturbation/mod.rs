//! First-order perturbation theory of the vibrational spectrum: the linear maps from the partial
//! radial distribution functions g_ab(r) to spectral quantities (docs/theory.md).
//!
//! - [`sum_rule`]: the exact second moment M2 = Σ_ab Σ_k K₂,ab(r_k) g_ab(r_k), a kernel on any r grid;
//! - [`qca`]: the quasi-crystalline (Hubbard–Beeby) dispersion ω_L²(k), ω_T²(k) and VDOS;
//! - [`kernel`]: the linear response K(ω, r) = ∂D(ω)/∂g_ab(r) and K_ρ = ∂D(ω)/∂ρ at a reference;
//! - [`predict`]: the theory-only prediction D ≈ D₀ + K (g − g₀) + K_ρ (ρ − ρ₀), σ by cross-validation;
//! - [`compare`]: a fitted weight map W against K (correlations, agreement range, sum rule);
//! - [`three_body`]: the three-body part of Stillinger–Weber at first order, through the
//!   reference's bond-angle distribution (dispersion, VDOS and K with it included).
//!
//! Everything starts from a [`PairTable`]: φ″ and φ′/r of every species pair at the bin midpoints
//! of an r grid, with the concentration and mass weights and the exact shell volumes. Partial
//! g's are passed as one flat row, channel-major in `species_pairs` order (g_11, g_12, g_22 for
//! two species), exactly a row of a dataset's `partial-rdf` block.

pub mod angular;
pub mod compare;
pub mod kernel;
pub mod predict;
pub mod qca;
pub mod sum_rule;
mod table;
pub mod three_body;

pub use compare::{KernelComparison, compare_kernels};
pub use kernel::{LinearResponse, linear_response};
pub use predict::{SigmaChoice, TheoryModel, TrainingSet, choose_sigma, default_sigmas};
pub use qca::{Dispersion, QcaVdos, SpectrumGrid, debye_wavenumber, dispersion, vdos};
pub use sum_rule::{m2, m2_kernel};
pub use table::{Mixture, PairTable};
/// The exact shell measure of an r grid (vitrum-descriptors' one function).
pub use vitrum_descriptors::shell_volumes;
