//! Datasets made on many machines: `vitrum generate --shard I/N` makes the samples
//! i ≡ I (mod N) of a dataset into its own directory with a `shard.json` (what the whole dataset
//! is: the generation settings, the grids, the backend, and which shard this is), and
//! `vitrum dataset merge` joins N such directories into one dataset. Every sample depends on the
//! settings and its index alone, so the merged dataset equals, byte for byte, the one a single
//! `vitrum generate` without `--shard` makes.
//!
//! Merging refuses shards of different settings (naming the first field that differs), two
//! shards of the same index, missing shards, unfinished samples and samples in the wrong shard,
//! before it copies anything; it writes into a temporary sibling of the output and renames it
//! into place at the end, so an interrupted merge leaves no half dataset.

use crate::dataset::{GridRequest, Plan, assemble};
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vitrum_io::dataset::{SAMPLES, read_json, sample_path, write_json};
use vitrum_sim::{GenerateSettings, SampleRecord, Shard};

/// The file a shard directory carries.
pub const SHARD_FILE: &str = "shard.json";
/// `format` of a shard file.
const FORMAT: &str = "vitrum-shard";
/// Files of one finished sample, copied by a merge.
const SAMPLE_FILES: [&str; 3] = ["dump", "eig.npy", "json"];

/// What `shard.json` holds: everything a merge needs to make the whole dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// Always `vitrum-shard` (a check that the file is one).
    pub format: String,
    pub shard: Shard,
    /// The whole dataset's settings (`samples` is the whole dataset's count).
    pub settings: GenerateSettings,
    /// The grids asked for (`--r-max` ...), applied when the merged dataset is featurized.
    pub grids: GridRequest,
    /// The sampler (`native`, `lammps`).
    pub backend: String,
}

impl ShardManifest {
    pub fn new(
        shard: Shard,
        settings: GenerateSettings,
        grids: GridRequest,
        backend: &str,
    ) -> ShardManifest {
        ShardManifest {
            format: FORMAT.into(),
            shard,
            settings,
            grids,
            backend: backend.into(),
        }
    }

    /// Reads `dir/shard.json`; a directory without one is not a shard (the error says how
    /// shards are made).
    pub fn read(dir: &Path) -> Result<ShardManifest> {
        let path = dir.join(SHARD_FILE);
        if !path.exists() {
            bail!(
                "{}: not a shard (no {SHARD_FILE}); shards are made by `vitrum generate ... \
                 --shard I/N --out DIR`",
                dir.display()
            );
        }
        let value = read_json(&path)?;
        let manifest: ShardManifest = serde_json::from_value(value)
            .with_context(|| format!("{}: not a vitrum shard file", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "{}: format '{}', expected '{FORMAT}'",
                path.display(),
                manifest.format
            );
        }
        if manifest.shard.count == 0 || manifest.shard.index >= manifest.shard.count {
            bail!(
                "{}: shard {} is not I/N with 0 ≤ I < N",
                path.display(),
                manifest.shard
            );
        }
        Ok(manifest)
    }

    /// Writes `dir/shard.json`, or checks that the one there is this one (a rerun of the same
    /// command continues the shard; another command into the same directory is refused).
    pub fn write_or_check(&self, dir: &Path) -> Result<()> {
        let path = dir.join(SHARD_FILE);
        if path.exists() {
            let there = ShardManifest::read(dir)?;
            if let Some(d) = first_difference(&there, self) {
                bail!(
                    "{} was made by another command ({d}, there vs now); a shard directory \
                     holds one shard of one dataset: write to a new --out",
                    dir.display()
                );
            }
            return Ok(());
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        write_json(&path, &serde_json::to_value(self)?)?;
        Ok(())
    }

    /// The manifest with the shard number left out, to compare shards of one dataset.
    fn dataset_part(&self) -> Value {
        let mut v = serde_json::to_value(self).expect("shard manifests serialise");
        if let Value::Object(m) = &mut v {
            m.remove("shard");
        }
        v
    }
}

/// `path: a vs b` for the first field where `a` and `b` differ (fields in their serialised
/// order), or `None` when they are equal.
fn first_difference<T: Serialize>(a: &T, b: &T) -> Option<String> {
    let (a, b) = (
        serde_json::to_value(a).expect("serialises"),
        serde_json::to_value(b).expect("serialises"),
    );
    difference_of_values(&a, &b, "")
}

fn difference_of_values(a: &Value, b: &Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let vb = y.get(k).unwrap_or(&Value::Null);
                if let Some(d) = difference_of_values(va, vb, &join(k)) {
                    return Some(d);
                }
            }
            y.iter()
                .find(|(k, _)| !x.contains_key(*k))
                .map(|(k, v)| format!("{}: null vs {v}", join(k)))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference_of_values(p, q, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!(
            "{}: {a} vs {b}",
            if path.is_empty() { "value" } else { path }
        )),
    }
}

/// What a merge did.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub samples: usize,
    pub shards: usize,
}

/// A checked set of shards that together hold every sample of one dataset.
struct ShardSet {
    manifest: ShardManifest,
    /// Directory of each shard, by shard index.
    dirs: Vec<PathBuf>,
}

impl ShardSet {
    /// Reads and checks `dirs` as the N shards of one dataset: same settings, grids and
    /// backend, each index 0..N once, every sample finished and in its own shard.
    fn check(dirs: &[PathBuf]) -> Result<ShardSet> {
        let Some(first_dir) = dirs.first() else {
            bail!("no shard directories given");
        };
        let manifests = dirs
            .iter()
            .map(|d| ShardManifest::read(d))
            .collect::<Result<Vec<_>>>()?;
        let first = manifests[0].clone();
        let count = first.shard.count;
        let mut by_index: BTreeMap<usize, PathBuf> = BTreeMap::new();
        for (dir, m) in dirs.iter().zip(manifests) {
            if let Some(d) = difference_of_values(&first.dataset_part(), &m.dataset_part(), "") {
                bail!(
                    "{} and {} are shards of different datasets ({d}); shards merge only when \
                     made by the same `vitrum generate` command except --shard",
                    first_dir.display(),
                    dir.display()
                );
            }
            if m.shard.count != count {
                bail!(
                    "{} is shard {} but {} is shard {}: shards of one dataset have the same N",
                    first_dir.display(),
                    first.shard,
                    dir.display(),
                    m.shard
                );
            }
            if let Some(other) = by_index.insert(m.shard.index, dir.clone()) {
                bail!(
                    "{} and {} are both shard {}: each sample index must come from one shard",
                    other.display(),
                    dir.display(),
                    m.shard
                );
            }
        }
        if by_index.len() < count {
            // count comes from a file: list a few missing shards, never allocate by it
            let missing: Vec<String> = (0..count)
                .filter(|i| !by_index.contains_key(i))
                .take(8)
                .map(|i| format!("{i}/{count}"))
                .collect();
            bail!(
                "{} of {count} shards missing ({}{}): a merged dataset needs all {count}",
                count - by_index.len(),
                missing.join(", "),
                if count - by_index.len() > missing.len() {
                    ", ..."
                } else {
                    ""
                }
            );
        }
        let set = ShardSet {
            manifest: first,
            dirs: by_index.into_values().collect(),
        };
        for (index, dir) in set.dirs.iter().enumerate() {
            set.check_samples(dir, Shard { index, count })?;
        }
        Ok(set)
    }

    /// Every sample of `shard` is finished in `dir`, made with these settings and backend, and
    /// `dir` holds no sample of another shard.
    fn check_samples(&self, dir: &Path, shard: Shard) -> Result<()> {
        let settings = &self.manifest.settings;
        for i in shard.indices(settings.samples) {
            if !sample_path(dir, i, "json").exists() {
                bail!(
                    "{}: sample {i:04} of shard {shard} is not finished (no {}); rerun the \
                     shard's `vitrum generate ... --shard {shard}` to finish it",
                    dir.display(),
                    sample_path(dir, i, "json").display()
                );
            }
            let record = SampleRecord::read(dir, i)?;
            let (protocol, seed, _) = settings.sample_protocol(i);
            if record.protocol != protocol
                || record.seed != seed
                || record.backend != self.manifest.backend
            {
                bail!(
                    "{}: sample {i:04} was made with another protocol, seed or backend than its \
                     {SHARD_FILE} says ({} seed {}); regenerate the shard into a new directory",
                    dir.display(),
                    record.backend,
                    record.seed
                );
            }
        }
        let samples = dir.join(SAMPLES);
        for entry in
            std::fs::read_dir(&samples).with_context(|| format!("reading {}", samples.display()))?
        {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            let index = name.split('.').next().and_then(|s| s.parse::<usize>().ok());
            if let Some(i) = index.filter(|&i| !shard.contains(i) || i >= settings.samples) {
                bail!(
                    "{}: holds sample {i:04} ({name}), which is not one of shard {shard}'s \
                     samples (i ≡ {} mod {}, i < {}); a merge would take it twice or from the \
                     wrong dataset: remove it",
                    dir.display(),
                    shard.index,
                    shard.count,
                    settings.samples
                );
            }
        }
        Ok(())
    }
}

/// Joins the shard directories `dirs` into the dataset `out` (which must not exist, or be an
/// empty directory) and featurizes it on the shards' grids.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<MergeReport> {
    let set = ShardSet::check(dirs)?;
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            bail!(
                "{}: exists and is not an empty directory; merge writes a new dataset",
                out.display()
            );
        }
    }
    let name = out
        .file_name()
        .with_context(|| format!("{}: not a directory name", out.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.merging-{}", std::process::id()));
    let result = write_merged(&set, &staging).and_then(|()| {
        if out.exists() {
            std::fs::remove_dir(out).with_context(|| format!("replacing {}", out.display()))?;
        }
        std::fs::rename(&staging, out)
            .with_context(|| format!("moving {} to {}", staging.display(), out.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result?;
    Ok(MergeReport {
        samples: set.manifest.settings.samples,
        shards: set.dirs.len(),
    })
}

/// Copies every sample of `set` into `dir` and assembles the dataset there.
fn write_merged(set: &ShardSet, dir: &Path) -> Result<()> {
    let settings = &set.manifest.settings;
    let samples = dir.join(SAMPLES);
    std::fs::create_dir_all(&samples).with_context(|| format!("creating {}", samples.display()))?;
    let count = set.dirs.len();
    for (index, shard_dir) in set.dirs.iter().enumerate() {
        for i in (Shard { index, count }).indices(settings.samples) {
            for ext in SAMPLE_FILES {
                let (from, to) = (sample_path(shard_dir, i, ext), sample_path(dir, i, ext));
                std::fs::copy(&from, &to)
                    .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
            }
        }
    }
    assemble(
        dir,
        settings.samples,
        &Plan::default_blocks(&set.manifest.grids),
        Some(settings),
    )
    .with_context(|| format!("featurizing the merged dataset {}", dir.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_is_named_with_its_path() {
        let a = serde_json::json!({"settings": {"seed": 1, "vary": [{"lo": 1.0}]}, "x": 2});
        let b = serde_json::json!({"settings": {"seed": 1, "vary": [{"lo": 1.5}]}, "x": 2});
        assert_eq!(
            difference_of_values(&a, &b, "").unwrap(),
            "settings.vary[0].lo: 1.0 vs 1.5"
        );
        assert_eq!(difference_of_values(&a, &a, ""), None);
        let c = serde_json::json!({"settings": {"seed": 1, "vary": []}, "x": 2});
        assert!(
            difference_of_values(&a, &c, "")
                .unwrap()
                .starts_with("settings.vary: ")
        );
        let d = serde_json::json!({"settings": {"seed": 1, "vary": [{"lo": 1.0}]}, "x": 2, "y": 0});
        assert_eq!(difference_of_values(&a, &d, "").unwrap(), "y: null vs 0");
    }
}
