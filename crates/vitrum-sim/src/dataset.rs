//! Datasets of glass samples: per-sample protocols (a base protocol with parameters drawn from
//! ranges), resumable parallel generation, and the features/targets of the reference layout
//! (`vitrum_io::dataset`).
//!
//! A sample is finished when its record `samples/NNNN.json` exists; it is written last, after
//! `samples/NNNN.dump` and `samples/NNNN.eig.npy`, and every file is written atomically. A rerun
//! skips finished samples (checking that they were made with the same protocol and seed) and
//! never rewrites them. Each sample depends only on the settings and its index, and the arrays
//! and `meta.json` are assembled from the files in index order, so an interrupted and resumed run
//! gives the same directory, bit for bit, as an uninterrupted one.

use crate::error::{Result, SimError};
use crate::protocol::Protocol;
use crate::rng::{Rng, mix};
use crate::sampler::Sampler;
use crate::spectra::{frequencies, histogram_density, linspace_edges, midpoints};
use ndarray::{Array1, Array2, Array3};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use vitrum_descriptors::{RdfParams, rdf};
use vitrum_io::dataset::{
    self as layout, DatasetArrays, SAMPLES, list_samples, read_json, sample_path, write_json,
};
use vitrum_io::{Configuration, Dim, ReadOptions, read_configuration, read_npy_1d, write_npy};

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
        let bad = |m: String| SimError::Protocol(format!("--vary '{spec}': {m}"));
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

/// Feature and target grids; `None` picks a default from the data (see [`Grids::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Grids {
    pub r_max: Option<f64>,
    pub r_bins: Option<usize>,
    pub omega_max: Option<f64>,
    pub omega_bins: Option<usize>,
}

/// Grids with every value decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ResolvedGrids {
    pub r_max: f64,
    pub r_bins: usize,
    pub omega_max: f64,
    pub omega_bins: usize,
}

impl Grids {
    /// Defaults: r_max = min(5, largest r_max every sample allows, to 0.1 below), bins of 0.025
    /// (the reference grids: 5/200 in 2D, 3.5/140 in 3D); ω_max = ⌈max ω⌉ over the dataset
    /// (the reference rule), 100 bins.
    pub fn resolve(&self, configs: &[Configuration], max_omega: f64) -> Result<ResolvedGrids> {
        let limit = configs
            .iter()
            .map(|c| c.max_r_max())
            .fold(f64::INFINITY, f64::min);
        let r_max = self
            .r_max
            .unwrap_or_else(|| (5.0f64).min((limit * 10.0).floor() / 10.0));
        let r_bins = self
            .r_bins
            .unwrap_or_else(|| ((r_max / 0.025).round() as usize).max(1));
        let omega_max = self.omega_max.unwrap_or_else(|| max_omega.ceil().max(1.0));
        let omega_bins = self.omega_bins.unwrap_or(100);
        if !(omega_max.is_finite() && omega_max > 0.0) || omega_bins == 0 {
            return Err(SimError::Protocol(format!(
                "the frequency grid needs ω_max > 0 and bins ≥ 1 (got {omega_max}, {omega_bins})"
            )));
        }
        Ok(ResolvedGrids {
            r_max,
            r_bins,
            omega_max,
            omega_bins,
        })
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
    pub grids: Grids,
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
            return Err(SimError::Protocol("--samples must be at least 1".into()));
        }
        for i in 0..self.samples.min(64) {
            self.sample_protocol(i).0.validate()?;
        }
        Ok(())
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

/// Generates (or completes) the dataset in `dir`, then assembles its arrays and manifest.
/// `progress` is called once per sample, finished or skipped.
pub fn generate(
    dir: &Path,
    settings: &GenerateSettings,
    sampler: &dyn Sampler,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<GenerateReport> {
    settings.validate()?;
    let sdir = dir.join(SAMPLES);
    std::fs::create_dir_all(&sdir).map_err(|e| SimError::os(&sdir, e))?;
    let mut report = GenerateReport::default();
    let mut todo = Vec::new();
    for i in 0..settings.samples {
        let rec_path = sample_path(dir, i, "json");
        if rec_path.exists() {
            let rec: SampleRecord = serde_json::from_value(read_json(&rec_path)?)
                .map_err(|e| dataset_err(dir, format!("{}: {e}", rec_path.display())))?;
            let (p, seed, _) = settings.sample_protocol(i);
            if rec.protocol != p || rec.seed != seed || rec.backend != sampler.name() {
                return Err(dataset_err(
                    dir,
                    format!(
                        "sample {i:04} was made with another protocol, seed or backend \
                         ({} seed {}); finished samples are never rewritten: use a new --out",
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
            let r = run_one(dir, settings, sampler, i);
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
    assemble(dir, settings.samples, &settings.grids, Some(settings))?;
    Ok(report)
}

fn run_one(
    dir: &Path,
    settings: &GenerateSettings,
    sampler: &dyn Sampler,
    i: usize,
) -> Result<(usize, u32)> {
    let (protocol, seed, varied) = settings.sample_protocol(i);
    let (sample, attempts) = sampler
        .sample(&protocol, seed)
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
    };
    write_json(
        &sample_path(dir, i, "json"),
        &serde_json::to_value(&record).expect("records serialise"),
    )?;
    Ok((i, attempts))
}

/// (Re)computes features, targets, grids and eigenvalues of samples 0..n from the files in `dir`,
/// and writes them with `meta.json`. Without `settings` (`vitrum featurize`), the existing
/// manifest is kept and only its grids and file conventions are updated.
pub fn assemble(
    dir: &Path,
    n: usize,
    grids: &Grids,
    settings: Option<&GenerateSettings>,
) -> Result<()> {
    let meta_path = dir.join(layout::META);
    let old_meta = if meta_path.exists() {
        Some(read_json(&meta_path)?)
    } else {
        None
    };
    let records: Option<Vec<SampleRecord>> = (0..n)
        .map(|i| {
            let p = sample_path(dir, i, "json");
            p.exists()
                .then(|| {
                    read_json(&p)
                        .ok()
                        .and_then(|v| serde_json::from_value(v).ok())
                })
                .flatten()
        })
        .collect();
    let dim = match (&records, &old_meta) {
        (Some(r), _) if !r.is_empty() => r[0].protocol.dim,
        (_, Some(m)) => m["dim"].as_u64().unwrap_or(3) as usize,
        _ => {
            return Err(dataset_err(
                dir,
                "no sample records and no meta.json".into(),
            ));
        }
    };
    let dim_enum = Dim::from_usize(dim).ok_or_else(|| dataset_err(dir, format!("dim {dim}")))?;
    // structures
    let files = list_samples(dir)?;
    let configs: Vec<Configuration> = (0..n)
        .into_par_iter()
        .map(|i| {
            let path = files
                .iter()
                .find(|f| f.0 == i)
                .map(|f| f.1.clone())
                .ok_or_else(|| dataset_err(dir, format!("samples/{i:04}.* is missing")))?;
            let opts = ReadOptions {
                dim: Some(dim_enum),
                ..Default::default()
            };
            Ok(read_configuration(&path, &opts)?)
        })
        .collect::<Result<_>>()?;
    // eigenvalues: per-sample files, else the dataset's eigenvalues.npy
    let eig: Array2<f64> = {
        let per: Option<Vec<Array1<f64>>> = (0..n)
            .map(|i| read_npy_1d(&sample_path(dir, i, "eig.npy")).ok())
            .collect();
        match per {
            Some(rows) if !rows.is_empty() => {
                let m = rows[0].len();
                if rows.iter().any(|r| r.len() != m) {
                    return Err(dataset_err(dir, "samples differ in size".into()));
                }
                Array2::from_shape_fn((n, m), |(i, k)| rows[i][k])
            }
            _ => {
                let e = vitrum_io::read_npy_2d(&dir.join(layout::EIGENVALUES))?;
                if e.nrows() < n {
                    return Err(dataset_err(
                        dir,
                        format!(
                            "{} holds {} rows, {n} needed",
                            layout::EIGENVALUES,
                            e.nrows()
                        ),
                    ));
                }
                e.slice(ndarray::s![..n, ..]).to_owned()
            }
        }
    };
    let omegas: Vec<Vec<f64>> = eig
        .rows()
        .into_iter()
        .map(|r| frequencies(&r.to_vec(), dim))
        .collect();
    let max_omega = omegas.iter().flatten().fold(0.0f64, |m, &w| m.max(w));
    let g = grids.resolve(&configs, max_omega)?;
    let params = RdfParams::new(g.r_max, g.r_bins)?;
    let rdfs: Vec<vitrum_descriptors::RdfResult> = configs
        .par_iter()
        .map(|c| rdf(c, &params))
        .collect::<std::result::Result<_, _>>()?;
    let features = Array2::from_shape_fn((n, g.r_bins), |(i, k)| rdfs[i].g[k]);
    let n_partials = rdfs.first().map_or(0, |r| r.partials.len());
    let partials = Array3::from_shape_fn((n, n_partials, g.r_bins), |(i, p, k)| {
        rdfs[i].partials[p].g[k]
    });
    let targets_rows: Vec<Vec<f64>> = omegas
        .iter()
        .map(|w| histogram_density(w, g.omega_max, g.omega_bins))
        .collect();
    let targets = Array2::from_shape_fn((n, g.omega_bins), |(i, k)| targets_rows[i][k]);
    let arrays = DatasetArrays {
        features,
        targets,
        grid_r: Array1::from(params.centers()),
        grid_omega: Array1::from(midpoints(&linspace_edges(0.0, g.omega_max, g.omega_bins))),
        eigenvalues: Some(eig),
    };
    arrays.write(dir)?;
    write_npy(&dir.join("features_partials.npy"), &partials)?;
    let mut meta = match (settings, old_meta) {
        (Some(s), _) => manifest(s, records.as_deref().unwrap_or(&[]), &configs),
        (None, Some(m)) => m,
        (None, None) => serde_json::json!({}),
    };
    meta["n_samples"] = n.into();
    meta["dim"] = dim.into();
    meta["grid_r"] = serde_json::json!({
        "r_max": g.r_max, "n_bins": g.r_bins,
        "edges": "numpy.linspace(0, r_max, n_bins+1)", "bin_rule": "edges[k] <= r < edges[k+1]"
    });
    meta["grid_omega"] = serde_json::json!({
        "omega_max": g.omega_max, "n_bins": g.omega_bins,
        "edges": "numpy.linspace(0, omega_max, n_w+1)",
        "omega_max_rule": if grids.omega_max.is_some() { "given" } else { "ceil(max omega over the dataset)" }
    });
    meta["files"] = files_doc();
    write_json(&meta_path, &meta)?;
    Ok(())
}

fn files_doc() -> serde_json::Value {
    serde_json::json!({
        "samples": "samples/NNNN.dump (LAMMPS custom dump id type x y z, sorted by id, full float64 precision; 2D: z = 0); samples/NNNN.json per-sample record; samples/NNNN.eig.npy its eigenvalues",
        "eigenvalues": "eigenvalues.npy float64 [S, dN], ascending, of the mass-weighted dynamical matrix (native: analytic Hessian, vitrum-theory; lammps: dynamical_matrix, symmetrised; 2D: x,y block)",
        "features": "features.npy float64 [S, n_r]: total g(r), g = n_all/(N rho shellvol), rho=N/V, ordered pairs i!=j, minimum image, exact shell volume",
        "features_partials": "features_partials.npy float64 [S, P, n_r]: g_ab for a <= b in species order (binary: g_11, g_12, g_22)",
        "targets": "targets.npy float64 [S, n_w]: numpy.histogram(omega, bins=n_w, range=(0, omega_max), density=True), omega = sqrt(max(lambda,0)) over eigenvalues sorted ascending with the d lowest dropped",
        "grid_r": "grid_r.npy bin midpoints",
        "grid_omega": "grid_omega.npy bin midpoints"
    })
}

fn manifest(
    s: &GenerateSettings,
    records: &[SampleRecord],
    configs: &[Configuration],
) -> serde_json::Value {
    let e: Vec<f64> = records.iter().map(|r| r.energy_per_atom).collect();
    let fmax = records.iter().map(|r| r.force_norm).fold(0.0f64, f64::max);
    let model = crate::sampler::load_model(&s.protocol).ok();
    let lammps = s.protocol.lammps.as_ref();
    serde_json::json!({
        "name": s.protocol.name,
        "n_samples": s.samples,
        "dim": s.protocol.dim,
        "n_atoms": configs.first().map_or(0, |c| c.len()),
        "units": model.as_ref().map(|m| m.units.to_string()).or_else(|| lammps.map(|l| l.units.clone())),
        "masses": model.as_ref().map(|m| m.labels.iter().cloned().zip(m.masses.iter().cloned()).collect::<std::collections::BTreeMap<_, _>>())
            // LAMMPS-only potentials: the [lammps] section's labels and masses
            .or_else(|| lammps.filter(|l| l.labels.len() == l.masses.len()).map(|l| l.labels.iter().cloned().zip(l.masses.iter().cloned()).collect())),
        "potential": s.protocol.potential,
        "composition": s.protocol.composition,
        "settings": s,
        "draws": {
            "rule": "sample i: seed + i; varied parameters from xoshiro256** seeded by mix(seed, i) (vitrum-sim rng), in --vary order; step counts rounded",
            "vary": s.vary,
        },
        "summary": {
            "energy_per_atom_range": [e.iter().cloned().fold(f64::INFINITY, f64::min), e.iter().cloned().fold(f64::NEG_INFINITY, f64::max)],
            "max_force_norm": fmax,
            "retried_samples": records.iter().filter(|r| r.attempts > 1).map(|r| r.index).collect::<Vec<_>>(),
        },
        "software": records.first().map(|r| r.software.clone()),
        "backend": records.first().map(|r| r.backend.clone()),
        "samples": records,
    })
}

/// `vitrum featurize`: recompute features and targets of the dataset in `dir` on new grids,
/// from its structures and eigenvalues (per-sample files or eigenvalues.npy).
pub fn featurize(dir: &Path, grids: &Grids) -> Result<usize> {
    let n = match read_json(&dir.join(layout::META)) {
        Ok(m) => m["n_samples"].as_u64().map(|v| v as usize),
        Err(_) => None,
    };
    let n = match n {
        Some(n) => n,
        None => list_samples(dir)?.len(),
    };
    if n == 0 {
        return Err(dataset_err(dir, "no samples".into()));
    }
    assemble(dir, n, grids, None)?;
    Ok(n)
}
