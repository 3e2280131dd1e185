//! The dataset directory: structures and spectra of many samples, in the layout of the reference
//! datasets (`reference/dataset-ka2d`), read as they are.
//!
//! ```text
//! DIR/meta.json            manifest: protocol, grids, per-sample records ("samples": [...])
//! DIR/features.npy         float64 [S, n_r]   total g(r)
//! DIR/targets.npy          float64 [S, n_ω]   VDOS histogram
//! DIR/grid_r.npy           float64 [n_r]      bin midpoints
//! DIR/grid_omega.npy       float64 [n_ω]      bin midpoints
//! DIR/eigenvalues.npy      float64 [S, dN]    ascending (optional)
//! DIR/samples/NNNN.dump    structures (optional)
//! DIR/samples/NNNN.json    per-sample record written by vitrum when the sample is finished
//! DIR/samples/NNNN.eig.npy per-sample eigenvalues written by vitrum
//! ```
//! Every file is written atomically (temporary file, then rename).

use crate::atomic::write_atomically;
use crate::error::{IoError, Result};
use crate::table::{read_npy_1d, read_npy_2d, write_npy};
use ndarray::{Array1, Array2};
use std::path::{Path, PathBuf};

pub const META: &str = "meta.json";
pub const FEATURES: &str = "features.npy";
pub const TARGETS: &str = "targets.npy";
pub const GRID_R: &str = "grid_r.npy";
pub const GRID_OMEGA: &str = "grid_omega.npy";
pub const EIGENVALUES: &str = "eigenvalues.npy";
pub const SAMPLES: &str = "samples";

/// `DIR/samples/NNNN.<ext>` (four digits, more when needed).
pub fn sample_path(dir: &Path, index: usize, ext: &str) -> PathBuf {
    dir.join(SAMPLES).join(format!("{index:04}.{ext}"))
}

/// The arrays of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetArrays {
    pub features: Array2<f64>,
    pub targets: Array2<f64>,
    pub grid_r: Array1<f64>,
    pub grid_omega: Array1<f64>,
    pub eigenvalues: Option<Array2<f64>>,
}

/// A dataset read from its directory.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
    pub meta: serde_json::Value,
    pub arrays: DatasetArrays,
}

fn bad(path: &Path, message: String) -> IoError {
    IoError::Dataset {
        path: path.to_path_buf(),
        message,
    }
}

impl Dataset {
    /// Reads `dir` and checks that the shapes agree with each other and with `meta.json`.
    /// The manifest is optional (`Null` when absent), so that four arrays written by any tool
    /// make a dataset; it is checked when present.
    pub fn read(dir: &Path) -> Result<Dataset> {
        if !dir.is_dir() {
            return Err(IoError::not_found(dir));
        }
        let meta_path = dir.join(META);
        let meta = if meta_path.exists() {
            read_json(&meta_path)?
        } else {
            serde_json::Value::Null
        };
        let features = read_npy_2d(&dir.join(FEATURES))?;
        let targets = read_npy_2d(&dir.join(TARGETS))?;
        let grid_r = read_npy_1d(&dir.join(GRID_R))?;
        let grid_omega = read_npy_1d(&dir.join(GRID_OMEGA))?;
        let eig_path = dir.join(EIGENVALUES);
        let eigenvalues = if eig_path.exists() {
            Some(read_npy_2d(&eig_path)?)
        } else {
            None
        };
        let arrays = DatasetArrays {
            features,
            targets,
            grid_r,
            grid_omega,
            eigenvalues,
        };
        arrays.check(dir)?;
        if let Some(n) = meta.get("n_samples").and_then(|v| v.as_u64())
            && n as usize != arrays.n_samples()
        {
            return Err(bad(
                &dir.join(META),
                format!(
                    "n_samples is {n} but {} holds {} rows",
                    FEATURES,
                    arrays.n_samples()
                ),
            ));
        }
        Ok(Dataset {
            dir: dir.to_path_buf(),
            meta,
            arrays,
        })
    }

    pub fn n_samples(&self) -> usize {
        self.arrays.n_samples()
    }

    /// The structure files present, by index (`samples/NNNN.<ext>`, any extension but json/npy).
    pub fn sample_files(&self) -> Result<Vec<(usize, PathBuf)>> {
        list_samples(&self.dir)
    }
}

impl DatasetArrays {
    pub fn n_samples(&self) -> usize {
        self.features.nrows()
    }

    /// Shapes: S rows everywhere, grids as long as the columns.
    pub fn check(&self, dir: &Path) -> Result<()> {
        let s = self.features.nrows();
        if self.targets.nrows() != s {
            return Err(bad(
                &dir.join(TARGETS),
                format!("{} rows, but {FEATURES} has {s}", self.targets.nrows()),
            ));
        }
        if self.grid_r.len() != self.features.ncols() {
            return Err(bad(
                &dir.join(GRID_R),
                format!(
                    "{} points, but {FEATURES} has {} columns",
                    self.grid_r.len(),
                    self.features.ncols()
                ),
            ));
        }
        if self.grid_omega.len() != self.targets.ncols() {
            return Err(bad(
                &dir.join(GRID_OMEGA),
                format!(
                    "{} points, but {TARGETS} has {} columns",
                    self.grid_omega.len(),
                    self.targets.ncols()
                ),
            ));
        }
        if let Some(e) = &self.eigenvalues
            && e.nrows() != s
        {
            return Err(bad(
                &dir.join(EIGENVALUES),
                format!("{} rows, but {FEATURES} has {s}", e.nrows()),
            ));
        }
        Ok(())
    }

    /// Writes the arrays into `dir` (each atomically).
    pub fn write(&self, dir: &Path) -> Result<()> {
        self.check(dir)?;
        write_npy(&dir.join(FEATURES), &self.features)?;
        write_npy(&dir.join(TARGETS), &self.targets)?;
        write_npy(&dir.join(GRID_R), &self.grid_r)?;
        write_npy(&dir.join(GRID_OMEGA), &self.grid_omega)?;
        if let Some(e) = &self.eigenvalues {
            write_npy(&dir.join(EIGENVALUES), e)?;
        }
        Ok(())
    }
}

/// Structure files `samples/NNNN.<ext>` in `dir`, sorted by index (records and eigenvalue files
/// excluded; temporary files of interrupted writes, which start with '.', are ignored).
pub fn list_samples(dir: &Path) -> Result<Vec<(usize, PathBuf)>> {
    let sdir = dir.join(SAMPLES);
    if !sdir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&sdir).map_err(|e| IoError::os(&sdir, e))? {
        let path = entry.map_err(|e| IoError::os(&sdir, e))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || name.ends_with(".json") || name.ends_with(".npy") {
            continue;
        }
        let Some((stem, _)) = name.split_once('.') else {
            continue;
        };
        if let Ok(i) = stem.parse::<usize>() {
            out.push((i, path));
        }
    }
    out.sort();
    Ok(out)
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::os(path, e))?;
    serde_json::from_str(&text).map_err(|e| bad(path, format!("invalid JSON: {e}")))
}

/// Writes pretty JSON atomically (with a final newline).
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    write_atomically(path, |w| {
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn tiny() -> DatasetArrays {
        DatasetArrays {
            features: array![[0.0, 1.0, 2.0], [0.5, 1.5, 2.5]],
            targets: array![[0.25, 0.75], [0.5, 0.5]],
            grid_r: array![0.5, 1.5, 2.5],
            grid_omega: array![1.0, 3.0],
            eigenvalues: Some(array![[0.0, 1.0], [0.0, 4.0]]),
        }
    }

    #[test]
    fn a_written_dataset_reads_back_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let a = tiny();
        a.write(dir.path()).unwrap();
        write_json(
            &dir.path().join(META),
            &serde_json::json!({"n_samples": 2, "samples": [{"index": 0}, {"index": 1}]}),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join(SAMPLES)).unwrap();
        for i in [1usize, 0] {
            std::fs::write(sample_path(dir.path(), i, "dump"), "x").unwrap();
            std::fs::write(sample_path(dir.path(), i, "json"), "{}").unwrap();
        }
        std::fs::write(dir.path().join(SAMPLES).join(".vitrum-partial-x"), "").unwrap();
        let d = Dataset::read(dir.path()).unwrap();
        assert_eq!(d.arrays, a);
        assert_eq!(d.n_samples(), 2);
        let files = d.sample_files().unwrap();
        assert_eq!(
            files.iter().map(|f| f.0).collect::<Vec<_>>(),
            vec![0, 1],
            "{files:?}"
        );
        assert!(files[0].1.ends_with("samples/0000.dump"));
    }

    #[test]
    fn inconsistent_shapes_and_counts_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = tiny();
        a.grid_omega = array![1.0];
        assert!(
            a.write(dir.path())
                .unwrap_err()
                .to_string()
                .contains(GRID_OMEGA)
        );
        let a = tiny();
        a.write(dir.path()).unwrap();
        write_json(&dir.path().join(META), &serde_json::json!({"n_samples": 3})).unwrap();
        let e = Dataset::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("n_samples is 3"), "{e}");
        assert!(Dataset::read(&dir.path().join("nope")).is_err());
        assert!(matches!(e_kind(&a, dir.path()), IoError::Dataset { .. }));
    }

    fn e_kind(a: &DatasetArrays, dir: &Path) -> IoError {
        let mut b = a.clone();
        b.targets = array![[0.25, 0.75]];
        b.check(dir).unwrap_err()
    }

    #[test]
    fn a_dataset_without_manifest_reads_with_null_meta() {
        let dir = tempfile::tempdir().unwrap();
        tiny().write(dir.path()).unwrap();
        let d = Dataset::read(dir.path()).unwrap();
        assert!(d.meta.is_null());
        assert_eq!(d.n_samples(), 2);
    }

    #[test]
    fn the_reference_dataset_fixture_reads_as_it_is() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
        if !dir.join(META).exists() {
            eprintln!("skipped: {} absent", dir.display());
            return;
        }
        let d = Dataset::read(&dir).unwrap();
        assert_eq!(d.n_samples(), 150);
        assert_eq!(d.arrays.features.ncols(), 200);
        assert_eq!(d.arrays.targets.ncols(), 100);
        // grids are bin midpoints of linspace(0, 5, 201) and linspace(0, 72, 101)
        assert!((d.arrays.grid_r[0] - 0.0125).abs() < 1e-15);
        assert!((d.arrays.grid_omega[99] - 71.64).abs() < 1e-12);
        assert_eq!(d.meta["samples"].as_array().unwrap().len(), 150);
        // each target row is a density on a grid of width 0.72: it integrates to 1
        for row in d.arrays.targets.rows() {
            assert!((row.sum() * 0.72 - 1.0).abs() < 1e-12);
        }
    }
}
