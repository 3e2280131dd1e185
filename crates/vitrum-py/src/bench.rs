//! The Rust side of docs/performance.md's overhead table (python/benchmarks/overhead.py): the
//! same computation as `vitrum.rdf` / `LinearSPR.fit`, timed inside Rust on data already in
//! Rust's types, so that the Python layer's cost (duck typing, validation, conversions, the
//! GIL) is the difference of the two timings taken in one process.

use crate::errors::detached;
use crate::structure::arrays;
use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use std::time::Instant;
use vitrum_descriptors::{Rdf, RdfParams};
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, backend, kfold, logspace};

/// Seconds of each of `repeats` g(r) computations on the configuration (built once, untimed).
#[pyfunction]
#[pyo3(signature = (positions, cell, origin, types, labels, dim, r_max, bins, repeats))]
pub fn _bench_rdf(
    py: Python<'_>,
    positions: PyReadonlyArray2<'_, f64>,
    cell: PyReadonlyArray2<'_, f64>,
    origin: [f64; 3],
    types: PyReadonlyArray1<'_, i64>,
    labels: Vec<String>,
    dim: usize,
    r_max: f64,
    bins: usize,
    repeats: usize,
) -> PyResult<Vec<f64>> {
    let a = arrays(&positions, &cell, origin, &types, labels, dim);
    detached(py, || {
        let config = a.to_configuration()?;
        let params = RdfParams::new(r_max, bins)?;
        (0..repeats)
            .map(|_| {
                let start = Instant::now();
                let mut rdf = Rdf::new(params);
                rdf.accumulate(&config)?;
                std::hint::black_box(rdf.result()?);
                Ok(start.elapsed().as_secs_f64())
            })
            .collect()
    })
}

/// Seconds of each of `repeats` native-ridge fits (α fixed, or chosen by `cv`-fold CV over the
/// default 17 α) on owned copies of `x`, `y` (made once, untimed).
#[pyfunction]
#[pyo3(signature = (x, y, alpha, cv, repeats))]
pub fn _bench_fit(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    y: PyReadonlyArray2<'_, f64>,
    alpha: Option<f64>,
    cv: Option<usize>,
    repeats: usize,
) -> PyResult<Vec<f64>> {
    let (x, y) = (x.as_array().to_owned(), y.as_array().to_owned());
    detached(py, || {
        let solver = backend::by_name("native-ridge")?;
        let params = FitOptions::new().alpha(alpha.unwrap_or(1.0)).validate()?;
        let axes = FittedAxes::default();
        (0..repeats)
            .map(|_| {
                let start = Instant::now();
                let model = match (alpha, cv) {
                    (None, Some(k)) => {
                        let spec = CvSpec {
                            alphas: logspace(-6.0, 2.0, 17),
                            l1_ratios: vec![0.5],
                            folds: kfold(x.nrows(), k)?,
                        };
                        vitrum_regress::fit_cv(solver, x.view(), y.view(), &axes, &params, &spec)?
                    }
                    _ => vitrum_regress::fit(solver, x.view(), y.view(), &axes, &params)?,
                };
                std::hint::black_box(model);
                Ok(start.elapsed().as_secs_f64())
            })
            .collect()
    })
}
