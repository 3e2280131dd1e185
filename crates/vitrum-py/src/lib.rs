//! The extension module `vitrum._vitrum` behind the Python package `vitrum` (python/vitrum).
//!
//! Each function takes plain arrays and calls the workspace's crates exactly as the command line
//! does, so a result from Python has the bits of the same command's; the Python layer does the
//! duck typing (`ase.Atoms`), the scikit-learn protocol and the dataclasses. Every function
//! releases the GIL while it computes, and every error — and every panic — arrives as a Python
//! exception ([`errors`]).

mod bench;
mod data;
mod errors;
mod modes;
mod regress;
mod structure;

use pyo3::prelude::*;

#[pymodule]
fn _vitrum(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(structure::read_frame, m)?)?;
    m.add_function(wrap_pyfunction!(structure::rdf, m)?)?;
    m.add_function(wrap_pyfunction!(structure::partial_rdf, m)?)?;
    m.add_function(wrap_pyfunction!(structure::structure_factor, m)?)?;
    m.add_function(wrap_pyfunction!(modes::modes, m)?)?;
    m.add_class::<regress::Model>()?;
    m.add_function(wrap_pyfunction!(regress::fit, m)?)?;
    m.add_function(wrap_pyfunction!(regress::model_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(regress::load_model, m)?)?;
    m.add_function(wrap_pyfunction!(regress::estimator_names, m)?)?;
    m.add_function(wrap_pyfunction!(data::load_dataset, m)?)?;
    m.add_function(wrap_pyfunction!(data::run_study, m)?)?;
    m.add_function(wrap_pyfunction!(bench::_bench_rdf, m)?)?;
    m.add_function(wrap_pyfunction!(bench::_bench_fit, m)?)?;
    Ok(())
}
