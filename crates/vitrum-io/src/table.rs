//! Numeric tables: CSV with a header row, and NPY arrays (float64), read and written with errors
//! that name the file, and written atomically.

use crate::atomic::write_atomically;
use crate::error::{IoError, Result};
use ndarray::{Array1, Array2, ArrayD};
use std::path::Path;

/// A CSV table: named columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub columns: Vec<Vec<f64>>,
}

impl Table {
    pub fn new() -> Self {
        Table {
            header: Vec::new(),
            columns: Vec::new(),
        }
    }

    pub fn push(&mut self, name: impl Into<String>, values: Vec<f64>) {
        self.header.push(name.into());
        self.columns.push(values);
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.header
            .iter()
            .position(|h| h == name)
            .map(|i| self.columns[i].as_slice())
    }

    pub fn n_rows(&self) -> usize {
        self.columns.first().map(|c| c.len()).unwrap_or(0)
    }
}

impl Default for Table {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes a table as CSV with 17 significant digits, enough to round-trip every float64.
pub fn write_csv(path: &Path, table: &Table) -> Result<()> {
    let n = table.n_rows();
    if let Some(c) = table.columns.iter().find(|c| c.len() != n) {
        return Err(IoError::Table {
            path: path.to_path_buf(),
            line: 0,
            message: format!("columns of unequal length ({} and {n})", c.len()),
        });
    }
    write_atomically(path, |w| write_csv_to(w, table))
}

/// Writes a table as CSV to any writer (standard output, say), in the format of [`write_csv`].
pub fn write_csv_to(w: &mut dyn std::io::Write, table: &Table) -> std::io::Result<()> {
    writeln!(w, "{}", table.header.join(","))?;
    for row in 0..table.n_rows() {
        let cells: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{:.16e}", c[row]))
            .collect();
        writeln!(w, "{}", cells.join(","))?;
    }
    Ok(())
}

/// Reads a CSV table of numbers with a header row.
pub fn read_csv(path: &Path) -> Result<Table> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, e))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header_line) = lines.next().ok_or_else(|| IoError::Table {
        path: path.to_path_buf(),
        line: 1,
        message: "empty file, expected a header row".into(),
    })?;
    let header: Vec<String> = header_line
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let mut columns = vec![Vec::new(); header.len()];
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(IoError::Table {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!(
                    "{} fields, but the header has {}",
                    cells.len(),
                    header.len()
                ),
            });
        }
        for (col, cell) in columns.iter_mut().zip(cells) {
            let v: f64 = cell.trim().parse().map_err(|_| IoError::Table {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("'{}' is not a number", cell.trim()),
            })?;
            col.push(v);
        }
    }
    Ok(Table { header, columns })
}

fn npy_err(path: &Path, e: impl std::fmt::Display) -> IoError {
    IoError::Npy {
        path: path.to_path_buf(),
        message: format!("{e} (expected a float64 .npy array)"),
    }
}

pub fn read_npy_1d(path: &Path) -> Result<Array1<f64>> {
    ensure_exists(path)?;
    ndarray_npy::read_npy(path).map_err(|e| npy_err(path, e))
}

pub fn read_npy_2d(path: &Path) -> Result<Array2<f64>> {
    ensure_exists(path)?;
    ndarray_npy::read_npy(path).map_err(|e| npy_err(path, e))
}

pub fn read_npy_dyn(path: &Path) -> Result<ArrayD<f64>> {
    ensure_exists(path)?;
    ndarray_npy::read_npy(path).map_err(|e| npy_err(path, e))
}

/// Writes any float64 array as NPY, atomically.
pub fn write_npy<S, D>(path: &Path, array: &ndarray::ArrayBase<S, D>) -> Result<()>
where
    S: ndarray::Data<Elem = f64>,
    D: ndarray::Dimension,
{
    let mut bytes = Vec::new();
    ndarray_npy::WriteNpyExt::write_npy(array, &mut bytes).map_err(|e| npy_err(path, e))?;
    write_atomically(path, |w| w.write_all(&bytes))
}

fn ensure_exists(path: &Path) -> Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(IoError::not_found(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_every_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut t = Table::new();
        t.push("r", vec![0.1, 1.0 / 3.0, 1e-300]);
        t.push("g", vec![f64::MAX, -2.5, 0.0]);
        write_csv(&path, &t).unwrap();
        assert_eq!(read_csv(&path).unwrap(), t);
    }

    #[test]
    fn a_bad_csv_cell_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, "r,g\n1,2\n3,x\n").unwrap();
        let err = read_csv(&path).unwrap_err().to_string();
        assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");
    }

    #[test]
    fn npy_round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        let a = ndarray::arr2(&[[1.0, 2.0], [3.0, 4.5]]);
        write_npy(&path, &a).unwrap();
        assert_eq!(read_npy_2d(&path).unwrap(), a);
        let err = read_npy_2d(&dir.path().join("none.npy"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("none.npy") && err.contains("no such file"),
            "{err}"
        );
    }
}
