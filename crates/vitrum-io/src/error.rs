//! One error type for everything that reads or writes files, so every message can name the file.

use std::path::PathBuf;

/// Errors of `vitrum-io`. Every variant names the file it is about, and the fix where there is one.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("{path}: no such file (check the path; relative paths are taken from {cwd})")]
    NotFound { path: PathBuf, cwd: String },

    #[error("{path}: cannot read or write: {source}")]
    Os {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{path}: unknown configuration format '{found}'; pass --format with one of: {known} \
         (or any format name chemfiles knows, e.g. \"LAMMPS\", \"LAMMPS Data\", \"XYZ\", \"PDB\", \"GRO\", \"CIF\")"
    )]
    UnknownFormat {
        path: PathBuf,
        found: String,
        known: String,
    },

    #[error("{path}: frame {frame}: malformed file: {message}")]
    Malformed {
        path: PathBuf,
        frame: usize,
        message: String,
    },

    #[error(
        "{path}: frame {frame}: atom {atom} (id {id}) has a non-finite coordinate {value}; \
         fix or remove it in the file"
    )]
    NonFinite {
        path: PathBuf,
        frame: usize,
        atom: usize,
        id: usize,
        value: f64,
    },

    #[error(
        "{path}: frame {frame}: atom {atom} (id {id}) has a coordinate {value:e}, {cells:.1e} cell \
         widths outside the cell: wrapped into the cell it would keep no digit of its position \
         (a corrupt file?); fix or remove it in the file"
    )]
    FarOutside {
        path: PathBuf,
        frame: usize,
        atom: usize,
        id: usize,
        value: f64,
        cells: f64,
    },

    #[error(
        "{path}: frame {frame}: the periodic cell has {what} {value:.6e}; vitrum needs a periodic cell \
         with positive volume (LAMMPS dump/data, extended XYZ with Lattice=\"...\")"
    )]
    BadCell {
        path: PathBuf,
        frame: usize,
        what: &'static str,
        value: f64,
    },

    #[error("{path}: {message}")]
    BadDimension { path: PathBuf, message: String },

    #[error(
        "{path}: frames {requested} requested, but the file holds {available} frame(s) (0..{available})"
    )]
    FrameOutOfRange {
        path: PathBuf,
        requested: String,
        available: usize,
    },

    #[error(
        "invalid frame selection '{spec}': {reason}; use N, START:STOP, START:STOP:STEP or ':' (all), negative counts from the end"
    )]
    BadFrameSpec { spec: String, reason: String },

    #[error("{path}: line {line}: {message}")]
    Table {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{path}: {message}")]
    Npy { path: PathBuf, message: String },

    /// A dataset directory whose files disagree with each other (shapes, sample counts) or whose
    /// manifest is not valid JSON.
    #[error("dataset {path}: {message}")]
    Dataset { path: PathBuf, message: String },
}

impl IoError {
    pub(crate) fn os(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            return IoError::not_found(path);
        }
        IoError::Os { path, source }
    }

    pub(crate) fn not_found(path: impl Into<PathBuf>) -> Self {
        let cwd = std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "the current directory".into());
        IoError::NotFound {
            path: path.into(),
            cwd,
        }
    }
}

pub type Result<T, E = IoError> = std::result::Result<T, E>;
