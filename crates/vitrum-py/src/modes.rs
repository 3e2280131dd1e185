//! Vibrational modes of one configuration: the eigenvalues of the dynamical matrix and the VDOS,
//! as `vitrum modes --method dense` computes them.

use crate::errors::detached;
use crate::structure::arrays;
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use vitrum_theory::modes::dense_spectrum;
use vitrum_theory::{FrequencyGrid, registry, vdos};

/// `{"eigenvalues", "frequency", "vdos", "units", "frequency_unit", "n_zero", "n_negative"}`:
/// the d·N eigenvalues (ascending) and the VDOS histogram (or Gaussian-broadened with `sigma`)
/// on `bins` bins up to `omega_max` (default 1.05 × the highest frequency).
#[pyfunction]
#[pyo3(signature = (positions, cell, origin, types, labels, dim, potential, omega_max=None, bins=100, sigma=None))]
pub fn modes<'py>(
    py: Python<'py>,
    positions: PyReadonlyArray2<'py, f64>,
    cell: PyReadonlyArray2<'py, f64>,
    origin: [f64; 3],
    types: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    dim: usize,
    potential: &str,
    omega_max: Option<f64>,
    bins: usize,
    sigma: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let a = arrays(&positions, &cell, origin, &types, labels, dim);
    let (spectrum, v, units) = detached(py, || {
        let model = registry::load(potential)
            .map_err(|e| anyhow::anyhow!("loading the potential '{potential}': {e}"))?;
        let config = a.to_configuration()?;
        let sys = model.bind(&config)?;
        let spectrum = dense_spectrum(&model, &sys)?;
        let units = model.units;
        let top = units.frequency(spectrum.eigenvalues.last().copied().unwrap_or(0.0).max(0.0));
        let grid = FrequencyGrid::new(omega_max.unwrap_or(1.05 * top), bins)?;
        let v = vdos(&spectrum, units, grid, sigma)?;
        Ok((spectrum, v, units))
    })?;
    let out = PyDict::new(py);
    out.set_item("n_zero", spectrum.n_zero)?;
    out.set_item("n_negative", spectrum.n_negative)?;
    out.set_item("eigenvalues", spectrum.eigenvalues.into_pyarray(py))?;
    out.set_item("frequency", v.frequency.into_pyarray(py))?;
    out.set_item("vdos", v.density.into_pyarray(py))?;
    out.set_item("units", units.to_string())?;
    out.set_item("frequency_unit", units.frequency_unit())?;
    Ok(out)
}
