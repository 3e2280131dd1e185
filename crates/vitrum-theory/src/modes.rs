//! The whole chain for one configuration: dynamical matrix, then dense eigenvalues or KPM, then
//! the VDOS and the moments.

use crate::eigen;
use crate::error::Result;
use crate::hessian::BlockHessian;
use crate::kpm::{self, KpmParams};
use crate::spectrum::{FrequencyGrid, ModeSpectrum, Vdos};
use crate::system::{Model, System};
use ndarray::Array2;

/// The mass-weighted dynamical matrix D = M^{-1/2} H M^{-1/2} in block form.
pub fn dynamical_matrix(model: &Model, sys: &System) -> Result<BlockHessian> {
    Ok(model.interaction.hessian(sys)?.mass_weighted(&sys.masses))
}

/// All d·N eigenvalues of D (dense, `dsyevd`), classified.
pub fn dense_spectrum(model: &Model, sys: &System) -> Result<ModeSpectrum> {
    let d = dynamical_matrix(model, sys)?;
    ModeSpectrum::new(eigen::eigvalsh(d.to_dense())?, sys.dim(), sys.len())
}

/// Eigenvalues and eigenvectors (columns, mass-weighted coordinates) of D.
pub fn dense_modes(model: &Model, sys: &System) -> Result<(ModeSpectrum, Array2<f64>)> {
    let d = dynamical_matrix(model, sys)?;
    let (w, v) = eigen::eigh(d.to_dense())?;
    Ok((ModeSpectrum::new(w, sys.dim(), sys.len())?, v))
}

/// The KPM VDOS of D, linear in N; the d translations are removed.
pub fn kpm_vdos(
    model: &Model,
    sys: &System,
    params: &KpmParams,
    grid: FrequencyGrid,
    sigma: Option<f64>,
) -> Result<Vdos> {
    let d = dynamical_matrix(model, sys)?;
    let m = kpm::moments(&d.to_rows(), params, sys.dim().get())?;
    m.vdos(model.units, grid, sigma)
}

/// M2 by the exact pair sum (pair interactions only), else from the trace of D.
pub fn m2_exact(model: &Model, sys: &System) -> Result<f64> {
    match model.interaction.as_pair() {
        Some(p) => p.m2_pair_sum(sys),
        None => Ok(dynamical_matrix(model, sys)?.trace() / sys.dof() as f64),
    }
}
