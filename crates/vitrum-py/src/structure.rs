//! Structure profiles on arrays: g(r) (total and partial) and S(q). The Python layer
//! (`vitrum/_atoms.py`) turns numpy arrays or an `ase.Atoms` into the plain arrays these take;
//! here they become a [`Configuration`] and go through the same code as `vitrum rdf` / `vitrum sq`.

use crate::errors::detached;
use anyhow::{Result, bail};
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use vitrum_descriptors::{
    Normalization, QGrid, Rdf, RdfParams, RdfResult, Window, structure_factor_direct,
    structure_factor_from_rdf,
};
use vitrum_io::{Cell, Configuration, Dim, Species};

/// A sampled curve for Python: abscissa and values.
type Curve<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

/// The arrays of one configuration as Python passes them, borrowed from numpy.
pub struct ConfigArrays<'a> {
    /// `[N × 3]` Cartesian positions.
    pub positions: ndarray::ArrayView2<'a, f64>,
    /// `[3 × 3]`, row k = cell vector k (ASE's convention).
    pub cell: ndarray::ArrayView2<'a, f64>,
    /// The cell's lower corner.
    pub origin: [f64; 3],
    /// `[N]` species index of each particle, into `labels`.
    pub types: ndarray::ArrayView1<'a, i64>,
    pub labels: Vec<String>,
    pub dim: usize,
}

impl ConfigArrays<'_> {
    /// The configuration, with every shape and index checked (a message, never a panic).
    pub fn to_configuration(&self) -> Result<Configuration> {
        let n = self.positions.nrows();
        if self.positions.ncols() != 3 {
            bail!(
                "positions have {} columns; give an N × 3 array (z = 0 in 2D)",
                self.positions.ncols()
            );
        }
        if self.cell.shape() != [3, 3] {
            bail!(
                "the cell is {:?}; give a 3 × 3 matrix whose rows are the cell vectors",
                self.cell.shape()
            );
        }
        if self.types.len() != n {
            bail!(
                "{} types for {n} positions; give one species per particle",
                self.types.len()
            );
        }
        let dim = Dim::from_usize(self.dim).ok_or_else(|| {
            anyhow::anyhow!("dim = {}; vitrum works in 2 or 3 dimensions", self.dim)
        })?;
        if let Some((i, _)) = self
            .positions
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite())
        {
            bail!("position of particle {} is not finite", i / 3);
        }
        if self.cell.iter().any(|x| !x.is_finite()) {
            bail!("the cell has a non-finite entry");
        }
        let mut types = Vec::with_capacity(n);
        for (i, &t) in self.types.iter().enumerate() {
            if t < 0 || t as usize >= self.labels.len() {
                bail!(
                    "particle {i} has species index {t}, but there are {} species",
                    self.labels.len()
                );
            }
            types.push(t as usize);
        }
        let row = |k: usize| [self.cell[[k, 0]], self.cell[[k, 1]], self.cell[[k, 2]]];
        let mut cell = Cell::from_vectors(row(0), row(1), row(2));
        cell.origin = self.origin;
        let measure = cell.measure(dim);
        if measure.is_nan() || measure == 0.0 {
            bail!(
                "the cell has zero {}",
                if dim == Dim::Two { "area" } else { "volume" }
            );
        }
        Ok(Configuration {
            positions: self
                .positions
                .rows()
                .into_iter()
                .map(|r| [r[0], r[1], r[2]])
                .collect(),
            types,
            species: self
                .labels
                .iter()
                .map(|l| Species {
                    label: l.clone(),
                    mass: None,
                })
                .collect(),
            cell,
            dim,
            frame: 0,
            step: None,
        })
    }
}

/// Reads the arguments every structure function shares.
pub fn arrays<'a>(
    positions: &'a PyReadonlyArray2<'_, f64>,
    cell: &'a PyReadonlyArray2<'_, f64>,
    origin: [f64; 3],
    types: &'a PyReadonlyArray1<'_, i64>,
    labels: Vec<String>,
    dim: usize,
) -> ConfigArrays<'a> {
    ConfigArrays {
        positions: positions.as_array(),
        cell: cell.as_array(),
        origin,
        types: types.as_array(),
        labels,
        dim,
    }
}

fn normalization(name: &str) -> Result<Normalization> {
    match name {
        "exact" => Ok(Normalization::Exact),
        "lammps" => Ok(Normalization::LammpsExcludeSelf),
        other => bail!(
            "normalization '{other}': use 'exact' (ρ_b = N_b/V) or 'lammps' (ρ_a = (N_a − 1)/V for like pairs)"
        ),
    }
}

/// g(r) of one configuration, as `vitrum rdf` computes it (overlap check included).
fn compute_rdf(a: &ConfigArrays, r_max: f64, bins: usize, norm: &str) -> Result<RdfResult> {
    let params = RdfParams::new(r_max, bins)?.with_normalization(normalization(norm)?);
    let config = a.to_configuration()?;
    let mut rdf = Rdf::new(params);
    rdf.accumulate(&config)?;
    Ok(rdf.result()?)
}

/// `(r, g)`: bin midpoints and the total g(r).
#[pyfunction]
#[pyo3(signature = (positions, cell, origin, types, labels, dim, r_max, bins, normalization="exact"))]
pub fn rdf<'py>(
    py: Python<'py>,
    positions: PyReadonlyArray2<'py, f64>,
    cell: PyReadonlyArray2<'py, f64>,
    origin: [f64; 3],
    types: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    dim: usize,
    r_max: f64,
    bins: usize,
    normalization: &str,
) -> PyResult<Curve<'py>> {
    let a = arrays(&positions, &cell, origin, &types, labels, dim);
    let result = detached(py, || compute_rdf(&a, r_max, bins, normalization))?;
    Ok((result.r.into_pyarray(py), result.g.into_pyarray(py)))
}

/// `(r, {(label_a, label_b): g_ab})` for every unordered species pair a ≤ b, and the total
/// under the key `"total"`.
#[pyfunction]
#[pyo3(signature = (positions, cell, origin, types, labels, dim, r_max, bins, normalization="exact"))]
pub fn partial_rdf<'py>(
    py: Python<'py>,
    positions: PyReadonlyArray2<'py, f64>,
    cell: PyReadonlyArray2<'py, f64>,
    origin: [f64; 3],
    types: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    dim: usize,
    r_max: f64,
    bins: usize,
    normalization: &str,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyDict>)> {
    let a = arrays(&positions, &cell, origin, &types, labels, dim);
    let result = detached(py, || compute_rdf(&a, r_max, bins, normalization))?;
    let partials = PyDict::new(py);
    for p in result.partials {
        partials.set_item((p.label_a, p.label_b), p.g.into_pyarray(py))?;
    }
    partials.set_item("total", result.g.into_pyarray(py))?;
    Ok((result.r.into_pyarray(py), partials))
}

/// `(q, S)`: S(q) by the direct sum over wave vectors (`method="direct"`) or from g(r)
/// (`method="rdf"`, with `r_max`, `bins_r` and `window` "none" or "lorch"), as `vitrum sq`.
#[pyfunction]
#[pyo3(signature = (positions, cell, origin, types, labels, dim, q_max, bins, method="direct", r_max=None, bins_r=None, window="none"))]
pub fn structure_factor<'py>(
    py: Python<'py>,
    positions: PyReadonlyArray2<'py, f64>,
    cell: PyReadonlyArray2<'py, f64>,
    origin: [f64; 3],
    types: PyReadonlyArray1<'py, i64>,
    labels: Vec<String>,
    dim: usize,
    q_max: f64,
    bins: usize,
    method: &str,
    r_max: Option<f64>,
    bins_r: Option<usize>,
    window: &str,
) -> PyResult<Curve<'py>> {
    let a = arrays(&positions, &cell, origin, &types, labels, dim);
    let sq = detached(py, || {
        let grid = QGrid::new(q_max, bins)?;
        match method {
            "direct" => Ok(structure_factor_direct(&a.to_configuration()?, &grid)?),
            "rdf" => {
                let window = match window {
                    "none" => Window::None,
                    "lorch" => Window::Lorch,
                    w => bail!("window '{w}': use 'none' or 'lorch'"),
                };
                let (Some(r_max), Some(bins_r)) = (r_max, bins_r) else {
                    bail!("method 'rdf' needs r_max and bins_r (the g(r) it transforms)");
                };
                let g = compute_rdf(&a, r_max, bins_r, "exact")?;
                Ok(structure_factor_from_rdf(&g, &grid, window))
            }
            m => bail!("method '{m}': use 'direct' (sum over wave vectors) or 'rdf' (from g(r))"),
        }
    })?;
    Ok((sq.q.into_pyarray(py), sq.s.into_pyarray(py)))
}

/// One frame of a configuration file as vitrum reads it (chemfiles, the species order and the
/// dimension rule of every command): `{"positions" [N × 3], "cell" [3 × 3] (rows = vectors),
/// "origin", "types" [N] (species index), "labels", "masses" (None where unknown), "dim",
/// "step"}`.
#[pyfunction]
#[pyo3(signature = (path, frame=0, format=None, dim=None))]
pub fn read_frame<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
    frame: usize,
    format: Option<String>,
    dim: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let config = detached(py, || {
        let dim =
            match dim {
                None => None,
                Some(d) => Some(Dim::from_usize(d).ok_or_else(|| {
                    anyhow::anyhow!("dim = {d}; vitrum works in 2 or 3 dimensions")
                })?),
            };
        let options = vitrum_io::ReadOptions {
            format,
            dim,
            frames: vitrum_io::FrameSelection::parse(&frame.to_string())?,
        };
        Ok(vitrum_io::read_configuration(&path, &options)?)
    })?;
    let n = config.len();
    let positions: Vec<f64> = config.positions.iter().flatten().copied().collect();
    let m = config.cell.matrix;
    // rows of the result are the cell vectors (columns of vitrum's matrix)
    let cell: Vec<f64> = (0..3).flat_map(|k| [m[0][k], m[1][k], m[2][k]]).collect();
    let out = PyDict::new(py);
    out.set_item(
        "positions",
        PyArray1::from_vec(py, positions).reshape([n, 3])?,
    )?;
    out.set_item("cell", PyArray1::from_vec(py, cell).reshape([3, 3])?)?;
    out.set_item("origin", config.cell.origin.to_vec())?;
    let types: Vec<i64> = config.types.iter().map(|&t| t as i64).collect();
    out.set_item("types", types.into_pyarray(py))?;
    out.set_item("labels", config.labels())?;
    out.set_item(
        "masses",
        config.species.iter().map(|s| s.mass).collect::<Vec<_>>(),
    )?;
    out.set_item("dim", config.dim.get())?;
    out.set_item("step", config.step)?;
    Ok(out)
}
