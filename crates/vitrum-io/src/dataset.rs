//! The dataset directory: structures, eigenvalues and feature/target blocks of many samples,
//! described by a typed, versioned manifest ([`Manifest`], `meta.json`).
//!
//! ```text
//! DIR/meta.json                  manifest (format_version 2): dim, units, species, composition,
//!                                masses, potential (as data), protocol, per-sample records, and
//!                                the blocks below, each with its kind, Grid and channels
//! DIR/features.npy               float64 [S, n_r]   total g(r)        (feature block total-rdf)
//! DIR/targets.npy                float64 [S, n_ω]   VDOS histogram    (target block vdos-histogram)
//! DIR/features/<kind>.npy        float64 [S, C·n]   other feature blocks (partial-rdf, sq, ...),
//!                                channel-major columns (channel c, point k at c·n + k)
//! DIR/targets/<kind>.npy         float64 [S, n]     other target blocks
//! DIR/grid_r.npy, grid_omega.npy float64 [n]        midpoints of the two default grids (older
//!                                                   readers; the manifest holds every Grid)
//! DIR/eigenvalues.npy            float64 [S, dN]    ascending (optional)
//! DIR/samples/NNNN.dump          structures (optional)
//! DIR/samples/NNNN.json          per-sample record written by the generator
//! DIR/samples/NNNN.eig.npy       per-sample eigenvalues written by the generator
//! ```
//!
//! Older directories still load (the legacy reader, [`legacy`]): the reference layout
//! (`fixtures/dataset-ka2d`: features.npy = total g, targets.npy = VDOS histogram, grid_r.npy,
//! grid_omega.npy, a free-form meta.json, optional `features_partials.npy` [S, P, n_r]) and the
//! directories vitrum wrote before format 2 are mapped onto the same manifest (units "lj" when
//! the meta names none; dim from the meta, never guessed). A record that does not read is an
//! error naming the sample. Every file is written atomically (temporary file, then rename).

pub mod legacy;

use crate::Dim;
use crate::atomic::write_atomically;
use crate::error::{IoError, Result};
use crate::manifest::{BlockEntry, FORMAT_VERSION, FeatureKind, Manifest, TargetKind};
use crate::table::{read_npy_2d, write_npy};
use ndarray::{Array1, Array2};
use std::path::{Path, PathBuf};

pub const META: &str = "meta.json";
pub const FEATURES: &str = "features.npy";
pub const TARGETS: &str = "targets.npy";
pub const GRID_R: &str = "grid_r.npy";
pub const GRID_OMEGA: &str = "grid_omega.npy";
pub const EIGENVALUES: &str = "eigenvalues.npy";
pub const PARTIALS_LEGACY: &str = "features_partials.npy";
pub const SAMPLES: &str = "samples";

/// `DIR/samples/NNNN.<ext>` (four digits, more when needed).
pub fn sample_path(dir: &Path, index: usize, ext: &str) -> PathBuf {
    dir.join(SAMPLES).join(format!("{index:04}.{ext}"))
}

/// Where a feature block of this kind is stored (total g keeps the reference file name).
pub fn feature_file(kind: &FeatureKind) -> String {
    match kind {
        FeatureKind::TotalRdf => FEATURES.into(),
        k => format!("features/{}.npy", k.name()),
    }
}

/// Where a target block of this kind is stored (the histogram keeps the reference file name).
pub fn target_file(kind: &TargetKind) -> String {
    match kind {
        TargetKind::VdosHistogram => TARGETS.into(),
        k => format!("targets/{}.npy", k.label()),
    }
}

/// A block: its manifest entry and its values, one row per sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Block<K> {
    pub entry: BlockEntry<K>,
    pub data: Array2<f64>,
}

pub type FeatureBlock = Block<FeatureKind>;
pub type TargetBlock = Block<TargetKind>;

impl<K> Block<K> {
    /// Checks the block's shape against its entry and the sample count.
    pub fn check(&self, dir: &Path, n_samples: usize) -> Result<()> {
        let path = dir.join(&self.entry.file);
        if self.data.nrows() != n_samples {
            return Err(bad(
                &path,
                format!(
                    "{} rows, but the dataset has {n_samples} samples",
                    self.data.nrows()
                ),
            ));
        }
        if self.data.ncols() != self.entry.columns() {
            return Err(bad(
                &path,
                format!(
                    "{} columns, but its grid has {} points × {} channel(s)",
                    self.data.ncols(),
                    self.entry.grid.len(),
                    self.entry.channels.len().max(1)
                ),
            ));
        }
        Ok(())
    }
}

/// The two default arrays of a dataset (total g(r) and the VDOS histogram, or the first blocks
/// when a dataset lacks them), as the regression commands take them.
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
    pub manifest: Manifest,
    /// `meta.json` as written (`Null` when absent), for what a generator recorded beyond the
    /// manifest.
    pub meta: serde_json::Value,
    pub features: Vec<FeatureBlock>,
    pub targets: Vec<TargetBlock>,
    pub arrays: DatasetArrays,
}

pub(crate) fn bad(path: &Path, message: String) -> IoError {
    IoError::Dataset {
        path: path.to_path_buf(),
        message,
    }
}

/// Parses `meta.json`'s per-sample records one by one, so that a bad one is named.
pub(crate) fn parse_records(
    meta_path: &Path,
    samples: Option<&serde_json::Value>,
    map: impl Fn(
        usize,
        &serde_json::Value,
    ) -> std::result::Result<crate::manifest::SampleRecord, String>,
) -> Result<Vec<crate::manifest::SampleRecord>> {
    let Some(samples) = samples else {
        return Ok(Vec::new());
    };
    let list = samples
        .as_array()
        .ok_or_else(|| bad(meta_path, "\"samples\" is not a list of records".into()))?;
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            let rec = map(i, v).map_err(|e| {
                bad(
                    meta_path,
                    format!(
                        "samples[{i}] (sample {i:04}) does not read: {e}; fix or remove the record"
                    ),
                )
            })?;
            if rec.index != i {
                return Err(bad(
                    meta_path,
                    format!(
                        "samples[{i}] has index {}; records must be in index order 0, 1, ...",
                        rec.index
                    ),
                ));
            }
            Ok(rec)
        })
        .collect()
}

impl Dataset {
    /// Reads `dir`: a format-2 manifest and its blocks, or an older directory through the legacy
    /// reader. Shapes are checked against each other and the manifest.
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
        let version = meta.get("format_version");
        let (manifest, features, targets) = match version {
            None => legacy::read(dir, &meta)?,
            Some(v) => {
                let v = v.as_u64().ok_or_else(|| {
                    bad(&meta_path, format!("format_version is {v}, not a number"))
                })?;
                if v != FORMAT_VERSION as u64 {
                    return Err(bad(
                        &meta_path,
                        format!(
                            "format_version {v}, but this vitrum reads version {FORMAT_VERSION} \
                             (and unversioned older layouts); use the vitrum that wrote it"
                        ),
                    ));
                }
                read_current(dir, &meta)?
            }
        };
        let eig_path = dir.join(EIGENVALUES);
        let eigenvalues = if eig_path.exists() {
            let e = read_npy_2d(&eig_path)?;
            if e.nrows() != manifest.n_samples {
                return Err(bad(
                    &eig_path,
                    format!(
                        "{} rows, but the dataset has {} samples",
                        e.nrows(),
                        manifest.n_samples
                    ),
                ));
            }
            Some(e)
        } else {
            None
        };
        let arrays = default_arrays(dir, &features, &targets, eigenvalues)?;
        Ok(Dataset {
            dir: dir.to_path_buf(),
            manifest,
            meta,
            features,
            targets,
            arrays,
        })
    }

    pub fn n_samples(&self) -> usize {
        self.manifest.n_samples
    }

    /// The dimension, which only a manifest can tell.
    pub fn dim(&self) -> Result<Dim> {
        Dim::from_usize(self.manifest.dim).ok_or_else(|| {
            bad(
                &self.dir.join(META),
                format!(
                    "the dimension is unknown (dim = {}); a meta.json with \"dim\": 2 or 3 is needed",
                    self.manifest.dim
                ),
            )
        })
    }

    pub fn feature(&self, kind: &FeatureKind) -> Option<&FeatureBlock> {
        self.features.iter().find(|b| &b.entry.kind == kind)
    }

    pub fn target(&self, kind: &TargetKind) -> Option<&TargetBlock> {
        self.targets.iter().find(|b| &b.entry.kind == kind)
    }

    /// The structure files present, by index (`samples/NNNN.<ext>`, any extension but json/npy).
    pub fn sample_files(&self) -> Result<Vec<(usize, PathBuf)>> {
        list_samples(&self.dir)
    }

    /// Writes a format-2 dataset: every block in its file, the two default grids for older
    /// readers, the eigenvalues, then `meta.json` (last, so a directory with a manifest is
    /// complete). The manifest's block lists are replaced by the blocks given.
    pub fn write(
        dir: &Path,
        mut manifest: Manifest,
        features: &[FeatureBlock],
        targets: &[TargetBlock],
        eigenvalues: Option<&Array2<f64>>,
    ) -> Result<()> {
        manifest.format_version = FORMAT_VERSION;
        for b in features {
            b.check(dir, manifest.n_samples)?;
        }
        for b in targets {
            b.check(dir, manifest.n_samples)?;
        }
        for (file, data) in features
            .iter()
            .map(|b| (&b.entry.file, &b.data))
            .chain(targets.iter().map(|b| (&b.entry.file, &b.data)))
        {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| IoError::os(parent, e))?;
            }
            write_npy(&path, data)?;
        }
        // the default blocks' grids for older readers; without the block, its stale files go
        // (an older reader then finds no dataset rather than mismatched arrays)
        let defaults = [
            (
                features
                    .iter()
                    .find(|b| b.entry.kind == FeatureKind::TotalRdf)
                    .map(|b| &b.entry.grid),
                FEATURES,
                GRID_R,
            ),
            (
                targets
                    .iter()
                    .find(|b| b.entry.kind == TargetKind::VdosHistogram)
                    .map(|b| &b.entry.grid),
                TARGETS,
                GRID_OMEGA,
            ),
        ];
        for (grid, data_file, grid_file) in defaults {
            match grid {
                Some(g) => write_npy(&dir.join(grid_file), &Array1::from(g.points.clone()))?,
                None => {
                    for f in [data_file, grid_file] {
                        let path = dir.join(f);
                        if path.exists() {
                            std::fs::remove_file(&path).map_err(|e| IoError::os(&path, e))?;
                        }
                    }
                }
            }
        }
        if let Some(e) = eigenvalues {
            if e.nrows() != manifest.n_samples {
                return Err(bad(
                    &dir.join(EIGENVALUES),
                    format!("{} rows for {} samples", e.nrows(), manifest.n_samples),
                ));
            }
            write_npy(&dir.join(EIGENVALUES), e)?;
        }
        manifest.features = features.iter().map(|b| b.entry.clone()).collect();
        manifest.targets = targets.iter().map(|b| b.entry.clone()).collect();
        let value = serde_json::to_value(&manifest).expect("a manifest serialises");
        write_json(&dir.join(META), &value)
    }
}

fn read_current(
    dir: &Path,
    meta: &serde_json::Value,
) -> Result<(Manifest, Vec<FeatureBlock>, Vec<TargetBlock>)> {
    let meta_path = dir.join(META);
    let records = parse_records(&meta_path, meta.get("samples"), |_, v| {
        serde_json::from_value(v.clone()).map_err(|e| e.to_string())
    })?;
    let mut rest = meta.clone();
    if let Some(m) = rest.as_object_mut() {
        m.remove("samples");
    }
    let mut manifest: Manifest = serde_json::from_value(rest)
        .map_err(|e| bad(&meta_path, format!("not a valid manifest: {e}")))?;
    manifest.samples = records;
    if !manifest.samples.is_empty() && manifest.samples.len() != manifest.n_samples {
        return Err(bad(
            &meta_path,
            format!(
                "n_samples is {} but {} sample records are listed",
                manifest.n_samples,
                manifest.samples.len()
            ),
        ));
    }
    let features = manifest
        .features
        .iter()
        .map(|e| load_block(dir, e, manifest.n_samples))
        .collect::<Result<_>>()?;
    let targets = manifest
        .targets
        .iter()
        .map(|e| load_block(dir, e, manifest.n_samples))
        .collect::<Result<_>>()?;
    Ok((manifest, features, targets))
}

fn load_block<K: Clone>(dir: &Path, entry: &BlockEntry<K>, n: usize) -> Result<Block<K>> {
    let block = Block {
        entry: entry.clone(),
        data: read_npy_2d(&dir.join(&entry.file))?,
    };
    block.check(dir, n)?;
    Ok(block)
}

fn default_arrays(
    dir: &Path,
    features: &[FeatureBlock],
    targets: &[TargetBlock],
    eigenvalues: Option<Array2<f64>>,
) -> Result<DatasetArrays> {
    let f = features
        .iter()
        .find(|b| b.entry.kind == FeatureKind::TotalRdf)
        .or(features.first())
        .ok_or_else(|| bad(&dir.join(META), "the dataset lists no feature block".into()))?;
    let t = targets
        .iter()
        .find(|b| b.entry.kind == TargetKind::VdosHistogram)
        .or(targets.first())
        .ok_or_else(|| bad(&dir.join(META), "the dataset lists no target block".into()))?;
    Ok(DatasetArrays {
        features: f.data.clone(),
        targets: t.data.clone(),
        grid_r: repeated_points(&f.entry),
        grid_omega: repeated_points(&t.entry),
        eigenvalues,
    })
}

/// One point per column: a multi-channel block's columns are channel × point, so its grid
/// repeats per channel.
fn repeated_points<K>(b: &BlockEntry<K>) -> Array1<f64> {
    let c = b.channels.len().max(1);
    Array1::from_iter((0..c).flat_map(|_| b.grid.points.iter().copied()))
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

    /// Writes the arrays into `dir` in the reference layout (each atomically), without a
    /// manifest: what any tool can write and the legacy reader reads.
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
mod tests;
