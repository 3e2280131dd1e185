//! Featurizing datasets: structures → feature blocks through the descriptor registry
//! (`vitrum_descriptors::descriptor`), eigenvalues → target blocks through vitrum-theory's one
//! VDOS histogram (`vitrum_theory::spectrum::histogram_density`), written with the typed manifest
//! (`vitrum_io::Manifest`). vitrum-sim only makes the samples; `vitrum generate`, `vitrum
//! featurize` and studies call [`assemble`] on its directory, and studies choose blocks by kind
//! with [`select`], computing a block a dataset lacks from what it stores.

use anyhow::{Context as _, Result, bail};
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use vitrum_descriptors::descriptor::{self, Context, Params};
use vitrum_io::dataset::{
    self as layout, EIGENVALUES, feature_file, list_samples, sample_path, target_file,
};
use vitrum_io::{
    Binning, BlockEntry, Configuration, Dataset, Dim, FeatureBlock, FeatureKind, Grid, Manifest,
    PotentialFormat, PotentialSpec, Quantity, ReadOptions, TargetBlock, TargetKind, UnitSystem,
    read_configuration, read_npy_1d, read_npy_2d,
};
use vitrum_sim::{GenerateSettings, SampleRecord};
use vitrum_theory::spectrum::{
    broadened_density, dataset_frequencies, histogram_density, reduced_density,
};

/// Grids of the default blocks; `None` picks the dataset rule: r_max = min(5, half the cell
/// rounded down to 0.1), Δr = 0.025 (the reference grids); ω_max = ⌈max ω⌉ over the dataset,
/// 100 bins.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct GridRequest {
    pub r_max: Option<f64>,
    pub r_bins: Option<usize>,
    pub omega_max: Option<f64>,
    pub omega_bins: Option<usize>,
}

/// A feature block asked for: a registered descriptor and its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRequest {
    pub kind: String,
    #[serde(flatten)]
    pub params: Params,
}

impl FeatureRequest {
    pub fn new(kind: &str) -> FeatureRequest {
        FeatureRequest {
            kind: kind.into(),
            params: Params::new(),
        }
    }
}

/// What to compute: feature blocks and target kinds on the frequency grid of `grids`.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub features: Vec<FeatureRequest>,
    pub targets: Vec<TargetKind>,
    pub omega_max: Option<f64>,
    pub omega_bins: Option<usize>,
}

impl Plan {
    /// The blocks every generated dataset has: total and partial g(r) and the VDOS histogram.
    pub fn default_blocks(grids: &GridRequest) -> Plan {
        let mut params = Params::new();
        if let Some(r) = grids.r_max {
            params.insert("r_max".into(), r.into());
        }
        if let Some(b) = grids.r_bins {
            params.insert("bins".into(), b.into());
        }
        Plan {
            features: ["total-rdf", "partial-rdf"]
                .map(|k| FeatureRequest {
                    kind: k.into(),
                    params: params.clone(),
                })
                .to_vec(),
            targets: vec![TargetKind::VdosHistogram],
            omega_max: grids.omega_max,
            omega_bins: grids.omega_bins,
        }
    }
}

/// Structures `samples/0000..n` of `dir`, each file named when missing or unreadable.
pub fn read_structures(dir: &Path, n: usize, dim: Dim) -> Result<Vec<Configuration>> {
    let files = list_samples(dir)?;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let path = files
                .iter()
                .find(|f| f.0 == i)
                .map(|f| f.1.clone())
                .with_context(|| {
                    format!(
                        "sample {i:04}: no structure file {}/samples/{i:04}.*",
                        dir.display()
                    )
                })?;
            let opts = ReadOptions {
                dim: Some(dim),
                ..Default::default()
            };
            read_configuration(&path, &opts).with_context(|| format!("sample {i:04}"))
        })
        .collect()
}

/// Eigenvalues [n, dN]: per-sample `samples/NNNN.eig.npy` when all exist, else `eigenvalues.npy`.
pub fn read_eigenvalues(dir: &Path, n: usize) -> Result<Array2<f64>> {
    let per: Vec<_> = (0..n).map(|i| sample_path(dir, i, "eig.npy")).collect();
    if n > 0 && per.iter().all(|p| p.exists()) {
        let rows = per
            .iter()
            .map(|p| read_npy_1d(p))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        // the length most samples have is the right one: the odd file is named
        let mut lengths: Vec<usize> = rows.iter().map(|r| r.len()).collect();
        lengths.sort_unstable();
        let m = lengths[lengths.len() / 2];
        if let Some(i) = rows.iter().position(|r| r.len() != m) {
            bail!(
                "{}: {} eigenvalues, where the other samples have {m} (d·N): a truncated or \
                 foreign file; regenerate sample {i:04} (delete its files and rerun generate)",
                per[i].display(),
                rows[i].len()
            );
        }
        for (i, r) in rows.iter().enumerate() {
            if let Some(k) = r.iter().position(|v| !v.is_finite()) {
                bail!(
                    "{}: eigenvalue {k} is {}; regenerate sample {i:04} (delete its files and \
                     rerun generate)",
                    per[i].display(),
                    r[k]
                );
            }
        }
        return Ok(Array2::from_shape_fn((n, m), |(i, k)| rows[i][k]));
    }
    let path = dir.join(EIGENVALUES);
    if !path.exists() {
        bail!(
            "{}: no eigenvalues (neither samples/NNNN.eig.npy nor {EIGENVALUES}); the VDOS targets \
             need them",
            dir.display()
        );
    }
    let e = read_npy_2d(&path)?;
    if e.nrows() < n {
        bail!("{} holds {} rows, {n} needed", path.display(), e.nrows());
    }
    Ok(e.slice(ndarray::s![..n, ..]).to_owned())
}

/// Feature blocks of `configs` for every request.
pub fn feature_blocks(
    configs: &[Configuration],
    requests: &[FeatureRequest],
    units: UnitSystem,
) -> Result<Vec<FeatureBlock>> {
    let context = Context::of(configs, units)?;
    requests
        .iter()
        .map(|r| {
            let d = descriptor::build(&r.kind, &r.params, &context)?;
            let data = descriptor::compute_rows(d.as_ref(), configs)
                .with_context(|| format!("computing '{}'", r.kind))?;
            let kind = d.kind();
            Ok(FeatureBlock {
                entry: BlockEntry {
                    file: feature_file(&kind),
                    kind,
                    grid: d.grid().clone(),
                    channels: d.channels(),
                    params: d.params(),
                },
                data,
            })
        })
        .collect()
}

/// The frequency grid of the targets: [0, ω_max] (default ⌈max ω⌉), bins (default 100).
pub fn omega_grid(
    omegas: &[Vec<f64>],
    omega_max: Option<f64>,
    bins: Option<usize>,
    units: UnitSystem,
) -> Result<Grid> {
    let max_omega = omegas.iter().flatten().fold(0.0f64, |m, &w| m.max(w));
    let max = omega_max.unwrap_or_else(|| max_omega.ceil().max(1.0));
    let bins = bins.unwrap_or(100);
    Grid::linspace(
        Quantity::Omega,
        units.frequency_unit(),
        0.0,
        max,
        bins,
        Binning::Histogram,
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "the frequency grid (omega_max / --omega-max, omega_bins / --omega-bins): {e}"
        )
    })
}

/// Each sample's frequencies ω = √max(λ, 0) from its eigenvalue row, the d lowest dropped: what
/// every VDOS target is binned from.
pub fn frequencies(eigenvalues: &Array2<f64>, dim: Dim) -> Vec<Vec<f64>> {
    eigenvalues
        .rows()
        .into_iter()
        .map(|r| dataset_frequencies(&r.to_vec(), dim.get()))
        .collect()
}

/// One target block from the frequencies of every sample.
pub fn target_block(
    kind: TargetKind,
    omegas: &[Vec<f64>],
    grid: &Grid,
    dim: Dim,
) -> Result<TargetBlock> {
    let n_w = grid.len();
    let rows: Vec<Vec<f64>> = match kind {
        TargetKind::VdosHistogram | TargetKind::ReducedVdos => omegas
            .iter()
            .map(|w| {
                let h = histogram_density(w, grid.max(), n_w);
                if kind == TargetKind::ReducedVdos {
                    reduced_density(&h, &grid.points, dim.get())
                } else {
                    h
                }
            })
            .collect(),
        TargetKind::VdosBroadened { sigma } => omegas
            .iter()
            .map(|w| broadened_density(w, &grid.points, sigma))
            .collect::<std::result::Result<_, _>>()?,
        TargetKind::DebyeExcess => bail!(
            "the debye-excess target needs the structures and the potential, not only the \
             frequencies (crate::debye_excess::block)"
        ),
    };
    let mut grid = grid.clone();
    if let TargetKind::VdosBroadened { .. } = kind {
        grid.binning = Binning::Sampled;
    }
    Ok(TargetBlock {
        entry: BlockEntry {
            kind,
            file: target_file(&kind),
            grid,
            channels: Vec::new(),
            params: match kind {
                TargetKind::VdosBroadened { sigma } => serde_json::json!({ "sigma": sigma }),
                _ => serde_json::Value::Null,
            },
        },
        data: Array2::from_shape_fn((omegas.len(), n_w), |(i, k)| rows[i][k]),
    })
}

/// The potential of a protocol as data: the potential file's (or preset's) TOML text.
fn potential_spec(settings: &GenerateSettings) -> Option<PotentialSpec> {
    let p = &settings.protocol;
    if p.lammps_only() {
        return Some(PotentialSpec {
            name: p.potential.clone(),
            format: PotentialFormat::Lammps,
            text: None,
            table: p.lammps.as_ref().and_then(|l| serde_json::to_value(l).ok()),
        });
    }
    let text = if p.potential.ends_with(".toml") {
        std::fs::read_to_string(&p.potential).ok()
    } else {
        vitrum_theory::registry::PRESETS
            .iter()
            .find(|(name, _)| *name == p.potential)
            .map(|(_, text)| text.to_string())
    };
    Some(PotentialSpec {
        name: p.potential.clone(),
        format: PotentialFormat::VitrumToml,
        text,
        table: None,
    })
}

/// The manifest of a generated dataset (records from `samples/NNNN.json`).
fn generated_manifest(
    settings: &GenerateSettings,
    records: &[SampleRecord],
    configs: &[Configuration],
) -> Result<Manifest> {
    let p = &settings.protocol;
    let model = vitrum_sim::sampler::load_model(p).ok();
    let lammps = p.lammps.as_ref();
    let units_name = model
        .as_ref()
        .map(|m| m.units.to_string())
        .or_else(|| lammps.map(|l| l.units.clone()))
        .unwrap_or_else(|| "lj".into());
    let units = UnitSystem::parse(&units_name).with_context(|| {
        format!("the potential's units '{units_name}' are not a LAMMPS unit system")
    })?;
    let mut m = Manifest::new(p.name.clone(), settings.samples, p.dim, units);
    let first = configs.first().context("no samples")?;
    m.species = first.labels().iter().map(|s| s.to_string()).collect();
    m.composition = first.species_counts();
    // by label: the structures list species in their own order (a LAMMPS dump's, by first
    // appearance), which need not be the potential's
    let by_label = |labels: &[String], masses: &[f64]| -> Vec<f64> {
        m.species
            .iter()
            .map(|l| {
                labels
                    .iter()
                    .position(|x| x == l)
                    .map_or(f64::NAN, |i| masses[i])
            })
            .collect()
    };
    m.masses = match (&model, lammps) {
        (Some(model), _) => by_label(&model.labels, &model.masses),
        (None, Some(l)) if l.labels.len() == l.masses.len() => by_label(&l.labels, &l.masses),
        _ => Vec::new(),
    };
    m.potential = potential_spec(settings);
    m.protocol = serde_json::json!({
        "protocol": p,
        "seed": settings.seed,
        "vary": settings.vary,
        "draws": vitrum_sim::dataset::DRAW_RULE,
    });
    m.samples = records.iter().map(SampleRecord::to_manifest).collect();
    m.software = records
        .first()
        .map(|r| r.software.clone())
        .unwrap_or_default();
    if let Some(r) = records.first() {
        m.extra.insert("backend".into(), r.backend.clone().into());
    }
    Ok(m)
}

/// Checks `plan` against the cells a generation with `settings` will make, before the first
/// sample: every feature request builds (its r_max within half the smallest box the drawn
/// densities give, bins ≥ 1, ...) and the frequency grid is valid, so a bad grid costs no
/// simulation.
pub fn check_plan(settings: &GenerateSettings, plan: &Plan) -> Result<()> {
    let p = &settings.protocol;
    let model = vitrum_sim::sampler::load_model(p).ok();
    let units_name = model
        .as_ref()
        .map(|m| m.units.to_string())
        .or_else(|| p.lammps.as_ref().map(|l| l.units.clone()))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "lj".into());
    let units = UnitSystem::parse(&units_name).with_context(|| {
        format!("the potential's units '{units_name}' are not a LAMMPS unit system")
    })?;
    let k = p.composition.len();
    let species: Vec<String> = match (&model, p.lammps.as_ref()) {
        (Some(m), _) => m.labels.iter().take(k).cloned().collect(),
        (None, Some(l)) if l.labels.len() >= k => l.labels.iter().take(k).cloned().collect(),
        _ => (1..=k).map(|t| t.to_string()).collect(),
    };
    // the smallest box among the drawn protocols (as GenerateSettings::validate, the first 64)
    let max_r_max = (0..settings.samples.clamp(1, 64))
        .map(|i| {
            let q = settings.sample_protocol(i).0;
            let l = q.box_length();
            0.5 * q.vacuum.map_or(l, |h| l.min(h))
        })
        .fold(f64::INFINITY, f64::min);
    let context = Context {
        dim: Dim::from_usize(p.dim).with_context(|| format!("dim {} is not 2 or 3", p.dim))?,
        species,
        max_r_max,
        units,
    };
    for r in &plan.features {
        let r_max = r.params.get("r_max").and_then(|v| v.as_f64());
        if let Some(r_max) = r_max.filter(|&r| r > max_r_max) {
            bail!(
                "the feature block '{}': r_max = {r_max} (--r-max, or r_max in a study's \
                 [features] or [data.grids]) is larger than half the smallest box the protocol \
                 makes ({max_r_max:.4}); pairs would be counted through two periodic images. Use \
                 r_max {max_r_max:.4} or less, or more particles",
                r.kind
            );
        }
        descriptor::build(&r.kind, &r.params, &context).with_context(|| {
            format!(
                "the feature block '{}' (--r-max / --r-bins, or a study's [features]), checked \
                 before the first sample against the smallest box (half width {max_r_max:.4})",
                r.kind
            )
        })?;
    }
    omega_grid(&[], plan.omega_max, plan.omega_bins, units)?;
    Ok(())
}

/// Computes the blocks of samples 0..n of `dir` from its structures and eigenvalues and writes
/// them with the manifest. With `settings` (after generation) the manifest is made from them and
/// the sample records; without (`vitrum featurize`) the dataset's manifest is kept (an older
/// layout is converted).
pub fn assemble(
    dir: &Path,
    n: usize,
    plan: &Plan,
    settings: Option<&GenerateSettings>,
) -> Result<Dataset> {
    let existing = if settings.is_none() && dir.join(layout::META).exists() {
        Some(Dataset::read(dir)?)
    } else {
        None
    };
    let (dim, units) = match (settings, &existing) {
        (Some(s), _) => (s.protocol.dim, None),
        (None, Some(d)) => (d.dim()?.get(), Some(d.manifest.units)),
        (None, None) => bail!(
            "{}: no meta.json to take the dimension from; featurize a dataset vitrum generated",
            dir.display()
        ),
    };
    let dim = Dim::from_usize(dim).with_context(|| format!("dim {dim} is not 2 or 3"))?;
    let configs = read_structures(dir, n, dim)?;
    let records: Vec<SampleRecord> = if settings.is_some() {
        (0..n)
            .map(|i| SampleRecord::read(dir, i))
            .collect::<std::result::Result<_, _>>()?
    } else {
        Vec::new()
    };
    let mut manifest = match (settings, existing) {
        (Some(s), _) => generated_manifest(s, &records, &configs)?,
        (None, Some(d)) => d.manifest,
        (None, None) => unreachable!("handled above"),
    };
    let units = units.unwrap_or(manifest.units);
    manifest.n_samples = n;
    let eig = read_eigenvalues(dir, n)?;
    let omegas = frequencies(&eig, dim);
    let features = feature_blocks(&configs, &plan.features, units)?;
    let grid = omega_grid(&omegas, plan.omega_max, plan.omega_bins, units)?;
    let targets = plan
        .targets
        .iter()
        .map(|&k| match k {
            TargetKind::DebyeExcess => {
                crate::debye_excess::block(dir, &manifest, &configs, &omegas, &grid)
            }
            k => target_block(k, &omegas, &grid, dim),
        })
        .collect::<Result<Vec<_>>>()?;
    // a converted older layout: its 3-D partials file is superseded by features/partial-rdf.npy
    let legacy_partials = dir.join(layout::PARTIALS_LEGACY);
    if legacy_partials.exists() {
        std::fs::remove_file(&legacy_partials)
            .with_context(|| format!("removing {}", legacy_partials.display()))?;
    }
    Dataset::write(dir, manifest, &features, &targets, Some(&eig))?;
    Ok(Dataset::read(dir)?)
}

/// `vitrum featurize`: recompute the blocks of the dataset in `dir` from its structures and
/// eigenvalues (sample count from its manifest, else the structure files).
pub fn featurize(dir: &Path, plan: &Plan) -> Result<Dataset> {
    if !dir.is_dir() {
        bail!(
            "{}: {}",
            dir.display(),
            if dir.exists() {
                "not a directory (featurize takes a dataset directory)"
            } else {
                "no such directory"
            }
        );
    }
    let n = if dir.join(layout::META).exists() {
        Dataset::read(dir)?.n_samples()
    } else {
        list_samples(dir)?.len()
    };
    if n == 0 {
        bail!("{}: no samples (samples/NNNN.dump)", dir.display());
    }
    assemble(dir, n, plan, None)
}

/// Features and targets chosen by kind, as the regression takes them.
#[derive(Debug, Clone)]
pub struct Selected {
    pub features: Array2<f64>,
    pub targets: Array2<f64>,
    pub feature_grid: Grid,
    pub target_grid: Grid,
    pub feature_kind: String,
    /// The feature descriptor's parameters, as the dataset records them.
    pub feature_params: serde_json::Value,
    pub target_kind: String,
    pub channels: Vec<String>,
    /// Whether the feature block was computed now (the dataset lacked it).
    pub computed: bool,
    /// The reference whose mean spectrum the targets are relative to (subtracted), if any.
    pub reference: Option<crate::relative::Reference>,
}

impl Selected {
    /// One abscissa per feature column: the grid points, channels side by side (channel c
    /// shifted by c · grid max) so that an axis stays increasing.
    pub fn feature_points(&self) -> Vec<f64> {
        let g = &self.feature_grid;
        (0..self.channels.len().max(1))
            .flat_map(|c| g.points.iter().map(move |p| p + c as f64 * g.max()))
            .collect()
    }

    pub fn feature_label(&self) -> String {
        if self.channels.is_empty() {
            self.feature_grid.label()
        } else {
            format!(
                "{}, channels {} side by side",
                self.feature_grid.label(),
                self.channels.join(", ")
            )
        }
    }
}

/// The feature block `request` and the target block `target` of `ds`: stored ones as they are,
/// missing ones computed from what the dataset stores (structures for any descriptor; S(q) from
/// the total g(r) and the sample densities; the reduced VDOS from the histogram; a broadened
/// VDOS from the eigenvalues), or an error naming what is missing.
pub fn select(ds: &Dataset, request: &FeatureRequest, target: TargetKind) -> Result<Selected> {
    let kind = FeatureKind::from_name(&request.kind);
    let stored = ds
        .feature(&kind)
        .filter(|b| request.params.is_empty() || params_match(&b.entry.params, &request.params));
    let (block, computed) = match stored {
        Some(b) => (b.clone(), false),
        None => (compute_feature(ds, request)?, true),
    };
    let t = match ds.target(&target) {
        Some(t) => t.clone(),
        None => compute_target(ds, target)?,
    };
    Ok(Selected {
        features: block.data,
        targets: t.data,
        feature_grid: block.entry.grid,
        target_grid: t.entry.grid,
        feature_kind: request.kind.clone(),
        feature_params: block.entry.params,
        target_kind: target.label(),
        channels: block.entry.channels,
        computed,
        reference: None,
    })
}

/// Whether every requested parameter equals the stored one.
fn params_match(stored: &serde_json::Value, wanted: &Params) -> bool {
    wanted.iter().all(|(k, v)| {
        stored
            .get(k)
            .is_some_and(|s| s == v || (v.is_number() && s.as_f64() == v.as_f64()))
    })
}

fn compute_feature(ds: &Dataset, request: &FeatureRequest) -> Result<FeatureBlock> {
    let have = ds
        .features
        .iter()
        .map(|b| b.entry.kind.name().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let n_files = ds.sample_files()?.len();
    if n_files >= ds.n_samples() && ds.n_samples() > 0 {
        let configs = read_structures(&ds.dir, ds.n_samples(), ds.dim()?)?;
        let mut blocks =
            feature_blocks(&configs, std::slice::from_ref(request), ds.manifest.units)?;
        return Ok(blocks.remove(0));
    }
    if request.kind == "sq"
        && let (Some(g), Some(rho)) = (ds.feature(&FeatureKind::TotalRdf), ds.manifest.densities())
        && rho.len() == ds.n_samples()
    {
        return sq_from_stored_g(ds, g, &rho, &request.params);
    }
    bail!(
        "the dataset {} has no '{}' feature block (it has: {have}) and no structures \
         (samples/NNNN.dump) to compute it from{}; choose a stored kind in the study's [features] \
         kind, or use a dataset with its samples",
        ds.dir.display(),
        request.kind,
        if request.kind == "sq" {
            " (S(q) from g(r) also needs every sample's density in meta.json)"
        } else {
            ""
        }
    )
}

/// S(q) by transforming each stored g(r) row at the sample's density.
fn sq_from_stored_g(
    ds: &Dataset,
    g: &FeatureBlock,
    rho: &[f64],
    params: &Params,
) -> Result<FeatureBlock> {
    use vitrum_descriptors::kinds::sq::SqSettings;
    let s: SqSettings = descriptor::parse_params("sq", params)?;
    if s.r_max.is_some() || s.r_bins.is_some() {
        bail!("S(q) from the stored g(r) uses its grid; r_max and r_bins cannot be chosen");
    }
    let dim = ds.dim()?;
    let context = Context {
        dim,
        species: ds.manifest.species.clone(),
        max_r_max: g.entry.grid.max(),
        units: ds.manifest.units,
    };
    let (q, grid) = s.q_grid("sq", &context)?;
    let window = s.window("sq")?;
    let gr = &g.entry.grid;
    let dr = gr.widths()[0];
    let rows: Vec<Vec<f64>> = (0..ds.n_samples())
        .into_par_iter()
        .map(|i| {
            vitrum_descriptors::structure_factor_from_g(
                &gr.points,
                &g.data.row(i).to_vec(),
                dr,
                gr.max(),
                rho[i],
                dim,
                &q,
                window,
            )
        })
        .collect();
    Ok(FeatureBlock {
        entry: BlockEntry {
            kind: FeatureKind::Sq,
            file: feature_file(&FeatureKind::Sq),
            grid,
            channels: Vec::new(),
            params: serde_json::json!({"q_max": q.q_max(), "bins": q.bins(),
                "window": format!("{window:?}").to_lowercase(), "from": "stored total-rdf"}),
        },
        data: Array2::from_shape_fn((rows.len(), q.bins()), |(i, k)| rows[i][k]),
    })
}

fn compute_target(ds: &Dataset, kind: TargetKind) -> Result<TargetBlock> {
    let dim = ds.dim()?;
    match kind {
        TargetKind::ReducedVdos => {
            let h = ds.target(&TargetKind::VdosHistogram).with_context(|| {
                format!(
                    "the dataset {} has no vdos-histogram block to reduce",
                    ds.dir.display()
                )
            })?;
            let mut b = h.clone();
            let points = h.entry.grid.points.clone();
            for mut row in b.data.rows_mut() {
                let r = reduced_density(
                    row.as_slice().expect("rows are contiguous"),
                    &points,
                    dim.get(),
                );
                row.assign(&ndarray::Array1::from(r));
            }
            b.entry.kind = kind;
            b.entry.file = target_file(&kind);
            Ok(b)
        }
        _ => {
            let eig = read_eigenvalues(&ds.dir, ds.n_samples()).with_context(|| {
                format!("computing the '{}' targets the dataset lacks", kind.label())
            })?;
            let omegas = frequencies(&eig, dim);
            let grid = match ds.target(&TargetKind::VdosHistogram) {
                Some(h) => h.entry.grid.clone(),
                None => omega_grid(&omegas, None, None, ds.manifest.units)?,
            };
            if kind == TargetKind::DebyeExcess {
                let configs = read_structures(&ds.dir, ds.n_samples(), dim).with_context(|| {
                    format!(
                        "{}: the debye-excess target needs each sample's structure \
                         (samples/NNNN.*)",
                        ds.dir.display()
                    )
                })?;
                return crate::debye_excess::block(&ds.dir, &ds.manifest, &configs, &omegas, &grid);
            }
            target_block(kind, &omegas, &grid, dim)
        }
    }
}
