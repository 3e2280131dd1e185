//! Datasets and studies: `vitrum.load_dataset` reads a dataset directory with vitrum-io (the
//! same checks as every command), `vitrum.run_study` runs a study file as `vitrum run` does.

use crate::errors::detached;
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use vitrum::pipeline::{self, Study};

/// `{"features", "targets", "grid_r", "grid_omega", "eigenvalues" (or None), "manifest" (the
/// typed manifest as JSON text), "feature_blocks" / "target_blocks" ({file: array})}`. The
/// arrays are handed to numpy without a copy.
#[pyfunction]
pub fn load_dataset<'py>(py: Python<'py>, dir: PathBuf) -> PyResult<Bound<'py, PyDict>> {
    let (ds, manifest) = detached(py, || {
        let ds = vitrum_io::Dataset::read(&dir)?;
        let manifest = serde_json::to_string(&ds.manifest)?;
        Ok((ds, manifest))
    })?;
    let out = PyDict::new(py);
    let a = ds.arrays;
    out.set_item("features", a.features.into_pyarray(py))?;
    out.set_item("targets", a.targets.into_pyarray(py))?;
    out.set_item("grid_r", a.grid_r.into_pyarray(py))?;
    out.set_item("grid_omega", a.grid_omega.into_pyarray(py))?;
    out.set_item("eigenvalues", a.eigenvalues.map(|e| e.into_pyarray(py)))?;
    out.set_item("manifest", manifest)?;
    let features = PyDict::new(py);
    for b in ds.features {
        features.set_item(b.entry.file, b.data.into_pyarray(py))?;
    }
    let targets = PyDict::new(py);
    for b in ds.targets {
        targets.set_item(b.entry.file, b.data.into_pyarray(py))?;
    }
    out.set_item("feature_blocks", features)?;
    out.set_item("target_blocks", targets)?;
    Ok(out)
}

/// Runs the study file `path` into `out` (report, models, predictions, results.json) as
/// `vitrum run` does, with the GIL released; returns results.json's text.
#[pyfunction]
#[pyo3(signature = (path, out, quiet=true))]
pub fn run_study(py: Python<'_>, path: PathBuf, out: PathBuf, quiet: bool) -> PyResult<String> {
    detached(py, || {
        let study = Study::load(&path)?;
        let (mut outcome, artifacts) = pipeline::run(&study, &out, quiet)?;
        vitrum::report::write(&out, &mut outcome, &artifacts)?;
        Ok(serde_json::to_string(&outcome)?)
    })
}
