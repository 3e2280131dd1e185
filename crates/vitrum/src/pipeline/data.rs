//! The data stage: an existing dataset as it is, or a dataset generated into the output directory.

use super::study::{SamplerKind, Study};
use crate::dataset::{Plan, Selected, assemble};
use crate::progress;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;
use vitrum_io::Dataset;
use vitrum_sim::{GenerateSettings, LammpsSampler, NativeSampler, Sampler, Vary};

/// The dataset a study runs on.
#[derive(Debug)]
pub struct Obtained {
    pub dataset: Dataset,
    /// Whether this run generated (part of) it.
    pub generated: bool,
    /// Samples generated now, and found finished from an earlier run.
    pub new_samples: usize,
    pub reused_samples: usize,
    pub seconds: f64,
}

/// Where a study's generated dataset lives inside the output directory.
pub fn generated_dir(out: &Path) -> PathBuf {
    out.join("dataset")
}

/// Reads the study's dataset, or generates it into `OUT/dataset` (resumable: a rerun after an
/// interruption keeps the finished samples).
pub fn obtain(study: &Study, out: &Path, quiet: bool) -> Result<Obtained> {
    let start = Instant::now();
    if let Some(dir) = &study.data.dataset {
        let dataset = Dataset::read(dir).with_context(|| {
            format!(
                "reading the dataset {} named in [data] (a directory with meta.json and its blocks, or features.npy, targets.npy, grid_r.npy, grid_omega.npy)",
                dir.display()
            )
        })?;
        return Ok(Obtained {
            dataset,
            generated: false,
            new_samples: 0,
            reused_samples: 0,
            seconds: start.elapsed().as_secs_f64(),
        });
    }
    let settings = GenerateSettings {
        protocol: study.protocol()?,
        samples: study.data.samples.unwrap_or(0),
        seed: study.data.seed,
        vary: match &study.data.vary {
            Some(v) => Vary::parse_list(v)?,
            None => Vec::new(),
        },
    };
    let sampler: Box<dyn Sampler> = match study.data.backend {
        SamplerKind::Native => Box::new(NativeSampler),
        SamplerKind::Lammps => Box::new(LammpsSampler {
            lmp: study.data.lmp.clone().unwrap_or_else(|| "lmp".into()),
            ..Default::default()
        }),
    };
    let dir = generated_dir(out);
    let bar = progress::bar(settings.samples as u64, "glasses", quiet);
    let report = vitrum_sim::dataset::generate(&dir, &settings, sampler.as_ref(), &|_| bar.inc(1))
        .with_context(|| format!("generating the dataset {}", dir.display()))?;
    bar.finish_and_clear();
    let dataset = assemble(
        &dir,
        settings.samples,
        &Plan::default_blocks(&study.data.grids),
        Some(&settings),
    )
    .with_context(|| format!("featurizing the dataset {}", dir.display()))?;
    Ok(Obtained {
        dataset,
        generated: true,
        new_samples: report.generated.len(),
        reused_samples: report.skipped.len(),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Axis labels of the features and targets, from the dataset's unit system and the grids of the
/// blocks chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisLabels {
    pub r: String,
    pub omega: String,
    pub units: String,
}

impl AxisLabels {
    /// Frequencies in a dataset are ω = √λ of the mass-weighted Hessian (the reference
    /// convention), so their unit follows from the energy, length and mass units.
    pub fn of(dataset: &Dataset, selected: &Selected) -> AxisLabels {
        let units = dataset.manifest.units;
        let omega = match selected.target_kind.as_str() {
            "reduced-vdos" => format!("{} (D(ω)/ω^(d−1))", selected.target_grid.label()),
            _ => selected.target_grid.label(),
        };
        AxisLabels {
            r: selected.feature_label(),
            omega,
            units: units.name().to_string(),
        }
    }
}

/// The study's feature and target blocks of the dataset, computed when the dataset lacks them.
/// With `[targets] relative_to`, the targets are relative to the reference's mean spectrum.
pub fn select(study: &Study, dataset: &Dataset) -> Result<Selected> {
    let kind = study.target_kind()?;
    let mut selected = crate::dataset::select(dataset, &study.feature_request(), kind)
        .with_context(|| {
            format!(
                "choosing the study's [features] and [targets] in {}",
                dataset.dir.display()
            )
        })?;
    if let Some(path) = study.targets.as_ref().and_then(|t| t.relative_to.as_ref()) {
        let reference = crate::relative::reference_mean(kind, &selected, dataset, path)?;
        crate::relative::subtract(&mut selected, &reference);
        selected.reference = Some(reference);
    }
    Ok(selected)
}
