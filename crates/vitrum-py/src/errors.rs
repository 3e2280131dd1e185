//! Rust errors and panics as Python exceptions: an error whose cause is the operating system
//! (a missing file, a permission) is `OSError`, every other error (bad input, bad parameters) is
//! `ValueError`, each with the whole Rust message chain; a panic — a bug — is `RuntimeError`
//! instead of a dead interpreter.

use pyo3::PyErr;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Whether any error in the chain comes from the operating system.
fn is_os_error(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some()
            || matches!(
                cause.downcast_ref::<vitrum_io::IoError>(),
                Some(vitrum_io::IoError::NotFound { .. } | vitrum_io::IoError::Os { .. })
            )
            || matches!(
                cause.downcast_ref::<vitrum_regress::RegressError>(),
                Some(vitrum_regress::RegressError::Io { .. })
            )
    })
}

/// The Python exception for a Rust error.
pub fn to_py(e: anyhow::Error) -> PyErr {
    let message = format!("{e:#}");
    if is_os_error(&e) {
        PyOSError::new_err(message)
    } else {
        PyValueError::new_err(message)
    }
}

/// Runs `f`, turning its error into a Python exception and a panic into `RuntimeError`.
pub fn guarded<T>(f: impl FnOnce() -> anyhow::Result<T>) -> Result<T, PyErr> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(to_py),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "internal error in vitrum (a bug; please report it with the input): {what}"
            )))
        }
    }
}

/// [`guarded`] with the GIL released: for every computation that may take long, so that other
/// Python threads run meanwhile. `f` sees no Python object (the `Send` bound enforces it).
pub fn detached<T: Send>(
    py: pyo3::Python<'_>,
    f: impl FnOnce() -> anyhow::Result<T> + Send,
) -> Result<T, PyErr> {
    py.detach(|| guarded(f))
}
