//! Datasets of glass samples: per-sample protocols (a base protocol with parameters drawn from
//! ranges) and resumable parallel generation of the samples (`samples/NNNN.{dump,eig.npy,json}`,
//! `vitrum_io::dataset` layout). Featurizing the structures into feature blocks and the
//! eigenvalues into target blocks is not done here: the facade (`vitrum::dataset`) does it
//! through the descriptor registry and vitrum-theory's one VDOS histogram.
//!
//! A sample is finished when its record `samples/NNNN.json` exists; it is written last, after
//! `samples/NNNN.dump` and `samples/NNNN.eig.npy`, and every file is written atomically. A rerun
//! skips finished samples (checking that they were made with the same protocol and seed) and
//! never rewrites them. Each sample depends only on the settings and its index, so an interrupted
//! and resumed run gives the same files, bit for bit, as an uninterrupted one.

use crate::error::{Result, SimError};
use crate::protocol::Protocol;
use crate::rng::{Rng, mix};
use crate::sampler::{Sampler, protocol_model};
use ndarray::Array1;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use vitrum_io::dataset::{SAMPLES, read_json, sample_path, write_json};
use vitrum_io::write_npy;
use vitrum_theory::Model;

/// One protocol parameter drawn per sample, uniformly on [lo, hi] or log-uniformly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vary {
    /// density, quench (steps), melt (steps), t_melt, t_final.
    pub param: String,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

const VARY_PARAMS: &[&str] = &["density", "quench", "melt", "t_melt", "t_final"];

impl Vary {
    /// Parses `density=1.1..1.35,quench=300..30000:log`.
    pub fn parse_list(spec: &str) -> Result<Vec<Vary>> {
        let bad = |m: String| {
            SimError::Protocol(format!("vary (study [data].vary / --vary) '{spec}': {m}"))
        };
        let mut out: Vec<Vary> = Vec::new();
        for item in spec.split(',').filter(|s| !s.trim().is_empty()) {
            let (param, range) = item
                .split_once('=')
                .ok_or_else(|| bad(format!("'{item}' is not PARAM=LO..HI[:log]")))?;
            let param = param.trim().to_string();
            if !VARY_PARAMS.contains(&param.as_str()) {
                return Err(bad(format!(
                    "unknown parameter '{param}'; known: {}",
                    VARY_PARAMS.join(", ")
                )));
            }
            let (range, log) = match range.trim().strip_suffix(":log") {
                Some(r) => (r, true),
                None => (range.trim(), false),
            };
            let (lo, hi) = range
                .split_once("..")
                .ok_or_else(|| bad(format!("'{range}' is not LO..HI")))?;
            let num = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| bad(format!("'{s}' is not a number")))
            };
            let (lo, hi) = (num(lo)?, num(hi)?);
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) || (log && lo <= 0.0) {
                return Err(bad(format!(
                    "need finite LO ≤ HI (and LO > 0 for :log), got {lo}..{hi}"
                )));
            }
            if out.iter().any(|v| v.param == param) {
                return Err(bad(format!("'{param}' given twice")));
            }
            out.push(Vary { param, lo, hi, log });
        }
        Ok(out)
    }

    /// The value for a uniform deviate u ∈ [0, 1); step counts are rounded to integers.
    fn value(&self, u: f64) -> f64 {
        let x = if self.log {
            (self.lo.ln() + u * (self.hi.ln() - self.lo.ln())).exp()
        } else {
            self.lo + u * (self.hi - self.lo)
        };
        match self.param.as_str() {
            "quench" | "melt" => x.round(),
            _ => x,
        }
    }

    fn apply(&self, p: &mut Protocol, x: f64) {
        match self.param.as_str() {
            "density" => p.density = x,
            "quench" => p.quench_steps = x as u64,
            "melt" => p.melt_steps = x as u64,
            "t_melt" => p.t_melt = x,
            "t_final" => p.t_final = x,
            _ => unreachable!("checked by parse_list"),
        }
    }
}

/// What `vitrum generate` was asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateSettings {
    pub protocol: Protocol,
    pub samples: usize,
    /// Sample i uses seed + i (the reference datasets: 1000 + i).
    pub seed: u64,
    pub vary: Vec<Vary>,
}

/// The record of one finished sample (`samples/NNNN.json`, and an entry of meta.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRecord {
    pub index: usize,
    /// The seed asked for (settings.seed + index) and the one that converged.
    pub seed: u64,
    pub seed_used: u64,
    pub attempts: u32,
    /// The drawn parameters, by name.
    pub varied: Vec<(String, f64)>,
    pub protocol: Protocol,
    pub energy_per_atom: f64,
    pub force_norm: f64,
    pub force_max: f64,
    pub min_iterations: u64,
    pub species_counts: Vec<usize>,
    pub density_actual: f64,
    pub n_eigenvalues: usize,
    pub backend: String,
    pub software: Vec<(String, String)>,
    /// The sample's sound speeds, recorded for LAMMPS-only potentials (see
    /// [`crate::Sample::sound_speeds`]); absent otherwise and in records of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound_speeds: Option<vitrum_theory::sound::SoundSpeeds>,
}

impl GenerateSettings {
    /// The protocol and seed of sample `i`: the draws depend on (seed, i) only, never on the
    /// number of samples, so a dataset can be extended.
    pub fn sample_protocol(&self, i: usize) -> (Protocol, u64, Vec<(String, f64)>) {
        let mut p = self.protocol.clone();
        let mut rng = Rng::new(mix(&[self.seed, i as u64, 0xDA7A]));
        let mut varied = Vec::new();
        for v in &self.vary {
            let x = v.value(rng.uniform());
            v.apply(&mut p, x);
            varied.push((v.param.clone(), x));
        }
        (p, self.seed.wrapping_add(i as u64), varied)
    }

    pub fn validate(&self) -> Result<()> {
        if self.samples == 0 {
            return Err(SimError::Protocol(
                "samples (study [data].samples / --samples) must be at least 1".into(),
            ));
        }
        for i in 0..self.samples.min(64) {
            self.sample_protocol(i).0.validate()?;
        }
        Ok(())
    }
}

/// The part of a dataset one process makes: the samples i ≡ `index` (mod `count`). Every
/// sample depends on the settings and its index alone, so shards made on different machines
/// and merged hold the same files, bit for bit, as one run of the whole dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole dataset as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` (0 ≤ I < N), as `--shard` takes it; Slurm's array variables give
    /// `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = |m: &str| SimError::Shard(format!("--shard '{text}': {m}"));
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| bad("expected I/N, e.g. 0/4 for the first of 4 shards"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| bad(&format!("'{s}' is not a whole number")))
        };
        let (index, count) = (num(i)?, num(n)?);
        if count == 0 || index >= count {
            return Err(bad(&format!(
                "need 0 ≤ I < N (shards are numbered from 0), got I = {index}, N = {count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether sample `i` belongs to this shard.
    pub fn contains(&self, i: usize) -> bool {
        i % self.count == self.index
    }

    /// This shard's sample indices among `samples`.
    pub fn indices(&self, samples: usize) -> impl Iterator<Item = usize> + '_ {
        (self.index..samples).step_by(self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct GenerateReport {
    pub generated: Vec<usize>,
    pub skipped: Vec<usize>,
    pub retried: Vec<(usize, u32)>,
}

fn dataset_err(dir: &Path, message: String) -> SimError {
    SimError::Dataset {
        dir: dir.display().to_string(),
        message,
    }
}

/// Generates (or completes) the samples of the dataset in `dir`; the caller featurizes them.
/// `progress` is called once per sample, finished or skipped.
pub fn generate(
    dir: &Path,
    settings: &GenerateSettings,
    sampler: &dyn Sampler,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<GenerateReport> {
    generate_shard(dir, settings, sampler, Shard::WHOLE, progress)
}

/// [`generate`] for the samples of one shard only (`samples/NNNN.*` of its indices in `dir`).
pub fn generate_shard(
    dir: &Path,
    settings: &GenerateSettings,
    sampler: &dyn Sampler,
    shard: Shard,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<GenerateReport> {
    settings.validate()?;
    if shard.count == 0 || shard.index >= shard.count {
        return Err(SimError::Shard(format!("shard {shard}: need 0 ≤ I < N")));
    }
    // every sample's protocol is checked against the potential before anything is written, not
    // when its turn comes (a varied density can leave the cell too small for the cutoff)
    let model = protocol_model(&settings.protocol)?;
    for i in shard.indices(settings.samples) {
        sampler
            .check(&settings.sample_protocol(i).0, model.as_ref())
            .map_err(|e| dataset_err(dir, format!("sample {i:04}: {e}")))?;
    }
    let sdir = dir.join(SAMPLES);
    std::fs::create_dir_all(&sdir).map_err(|e| SimError::os(&sdir, e))?;
    let mut report = GenerateReport::default();
    let mut todo = Vec::new();
    for i in shard.indices(settings.samples) {
        let rec_path = sample_path(dir, i, "json");
        if rec_path.exists() {
            let rec = SampleRecord::read(dir, i)?;
            let (p, seed, _) = settings.sample_protocol(i);
            if rec.protocol != p || rec.seed != seed || rec.backend != sampler.name() {
                return Err(dataset_err(
                    dir,
                    format!(
                        "sample {i:04} was made with another protocol, seed or backend \
                         ({} seed {}); finished samples are never rewritten: write to a new output directory",
                        rec.backend, rec.seed
                    ),
                ));
            }
            report.skipped.push(i);
            progress(i);
        } else {
            todo.push(i);
        }
    }
    let done: Vec<Result<(usize, u32)>> = todo
        .par_iter()
        .map(|&i| {
            let r = run_one(dir, settings, sampler, model.as_ref(), i);
            progress(i);
            r
        })
        .collect();
    for r in done {
        let (i, attempts) = r?;
        report.generated.push(i);
        if attempts > 1 {
            report.retried.push((i, attempts));
        }
    }
    Ok(report)
}

fn run_one(
    dir: &Path,
    settings: &GenerateSettings,
    sampler: &dyn Sampler,
    model: Option<&Model>,
    i: usize,
) -> Result<(usize, u32)> {
    let (protocol, seed, varied) = settings.sample_protocol(i);
    let (sample, attempts) = sampler
        .sample_with(&protocol, model, seed)
        .map_err(|e| dataset_err(dir, format!("sample {i:04} (seed {seed}): {e}")))?;
    let mut config = sample.config.clone();
    config.step = Some(0);
    vitrum_io::write_lammps_dump(&sample_path(dir, i, "dump"), &[config])?;
    write_npy(
        &sample_path(dir, i, "eig.npy"),
        &Array1::from(sample.eigenvalues.clone()),
    )?;
    let record = SampleRecord {
        index: i,
        seed,
        seed_used: sample.seed,
        attempts,
        varied,
        species_counts: sample.config.species_counts(),
        density_actual: sample.config.number_density(),
        n_eigenvalues: sample.eigenvalues.len(),
        protocol,
        energy_per_atom: sample.energy_per_atom,
        force_norm: sample.force_norm,
        force_max: sample.force_max,
        min_iterations: sample.min_iterations,
        backend: sample.backend,
        software: sample.software,
        sound_speeds: sample.sound_speeds,
    };
    write_json(
        &sample_path(dir, i, "json"),
        &serde_json::to_value(&record).expect("records serialise"),
    )?;
    Ok((i, attempts))
}

impl SampleRecord {
    /// The typed manifest record of this sample: the fields every generator knows, the rest in
    /// `extra`.
    pub fn to_manifest(&self) -> vitrum_io::SampleRecord {
        let mut extra = match serde_json::to_value(self).expect("records serialise") {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("a struct serialises to an object"),
        };
        for k in [
            "index",
            "seed",
            "varied",
            "energy_per_atom",
            "force_norm",
            "density_actual",
        ] {
            extra.remove(k);
        }
        vitrum_io::SampleRecord {
            index: self.index,
            seed: Some(self.seed),
            density: Some(self.density_actual),
            varied: self.varied.iter().cloned().collect(),
            energy_per_atom: Some(self.energy_per_atom),
            force_norm: Some(self.force_norm),
            extra,
        }
    }

    /// Reads `samples/NNNN.json`; a record that does not read is an error naming it.
    pub fn read(dir: &Path, index: usize) -> Result<SampleRecord> {
        let path = sample_path(dir, index, "json");
        let value = read_json(&path)?;
        serde_json::from_value(value).map_err(|e| {
            dataset_err(
                dir,
                format!(
                    "sample {index:04}: the record {} does not read ({e}); delete the sample's \
                     files to regenerate it",
                    path.display()
                ),
            )
        })
    }
}

/// The draw rule recorded in a manifest's protocol.
pub const DRAW_RULE: &str = "sample i: seed + i; varied parameters from xoshiro256** seeded by \
     mix(seed, i) (vitrum-sim rng), in vary order; step counts rounded";

#[cfg(test)]
mod tests {
    use super::Shard;

    /// Shards partition the indices: each sample in exactly one shard, for any N.
    #[test]
    fn shards_partition_the_samples() {
        for count in 1..7 {
            let mut seen = vec![0; 23];
            for index in 0..count {
                let shard = Shard::parse(&format!("{index}/{count}")).unwrap();
                for i in shard.indices(23) {
                    assert!(shard.contains(i));
                    seen[i] += 1;
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "N = {count}: {seen:?}");
        }
    }

    #[test]
    fn bad_shards_are_errors_that_say_the_rule() {
        for bad in ["4/4", "1/0", "x/2", "3", "-1/2", "1/2/3"] {
            let e = Shard::parse(bad).unwrap_err().to_string();
            assert!(
                e.contains(bad)
                    && (e.contains("I/N") || e.contains("0 ≤ I < N") || e.contains("whole")),
                "{bad}: {e}"
            );
        }
    }
}
