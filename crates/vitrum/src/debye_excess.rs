//! The `debye-excess` target: each sample's VDOS histogram minus the Debye model of the same
//! sample, D(ω) − A ω^{d−1} (up to ω_D), with A from that sample's own sound speeds
//! (`vitrum_theory::sound`: its modes at the smallest wave vectors of its cell). The excess is
//! the glass's extra low-frequency states (the boson peak, flat in D/ω^{d−1}) and their deficit
//! near ω_D; a linear model of it reads which structure carries the anomaly. The speeds need
//! each sample's eigenvectors: recomputed from its structure with the dataset's embedded
//! vitrum-theory potential, or — LAMMPS-only potentials (a-SiC, Cu–Zr–Al) — recorded by
//! vitrum-sim when LAMMPS made the sample. The per-sample c_L, c_T and ω_D are the block's
//! parameters.

use crate::theory_models::embedded_potential;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::path::Path;
use vitrum_io::dataset::TargetBlock;
use vitrum_io::manifest::{BlockEntry, Manifest, TargetKind};
use vitrum_io::{Configuration, Grid};
use vitrum_theory::modes::dense_modes;
use vitrum_theory::sound::{Debye, SoundSpeeds, sound_speeds_of_modes};
use vitrum_theory::spectrum::histogram_density;

/// Where each sample's sound speeds come from: its modes, recomputed with the dataset's
/// embedded vitrum-theory potential, or the speeds recorded when LAMMPS made it (LAMMPS-only
/// potentials: the eigenvectors existed only then).
enum SpeedSource {
    Potential(vitrum_theory::Model),
    Recorded(Vec<SoundSpeeds>),
}

impl SpeedSource {
    fn of(dir: &Path, manifest: &Manifest, n: usize) -> Result<SpeedSource> {
        let why = "the debye-excess target needs each sample's sound speeds: from its \
                   eigenvectors through a vitrum-theory potential, or recorded in \
                   samples/NNNN.json when LAMMPS made it with a LAMMPS-only potential";
        let model = match embedded_potential(manifest, dir, why) {
            Ok(m) => return Ok(SpeedSource::Potential(m)),
            Err(e) => e,
        };
        let recorded: Option<Vec<SoundSpeeds>> = (0..n)
            .map(|i| {
                vitrum_sim::SampleRecord::read(dir, i)
                    .ok()
                    .and_then(|r| r.sound_speeds)
            })
            .collect();
        recorded.map(SpeedSource::Recorded).ok_or_else(|| {
            model.context(
                "and its sample records hold no sound speeds (a slab — a monolayer has no bulk \
                 Debye model — or a dataset made before vitrum recorded them: regenerate it; \
                 reduced-vdos gives the Debye-scaled spectrum without speeds)",
            )
        })
    }

    /// Sample i's speeds.
    fn speeds(&self, c: &Configuration, i: usize) -> Result<SoundSpeeds> {
        match self {
            SpeedSource::Recorded(v) => Ok(v[i]),
            SpeedSource::Potential(model) => {
                let sys = model.bind(c)?;
                let (spec, vectors) = dense_modes(model, &sys)?;
                Ok(sound_speeds_of_modes(c, &spec.eigenvalues, vectors.view())?)
            }
        }
    }
}

/// The block for `configs` (sample order) with the frequencies `omegas` of the dataset's
/// eigenvalues (the d translations dropped) on the histogram `grid`.
pub fn block(
    dir: &Path,
    manifest: &Manifest,
    configs: &[Configuration],
    omegas: &[Vec<f64>],
    grid: &Grid,
) -> Result<TargetBlock> {
    let source = SpeedSource::of(dir, manifest, configs.len())?;
    let edges = grid.edges.clone();
    let rows: Vec<(Vec<f64>, SoundSpeeds, Debye)> = configs
        .par_iter()
        .zip(omegas)
        .enumerate()
        .map(|(i, (c, w))| -> Result<_> {
            let context = || format!("{}: sample {i:04}, debye-excess", dir.display());
            let speeds = source.speeds(c, i).with_context(context)?;
            let d = c.dim.get();
            let debye = Debye::new(d, c.volume(), d * c.len() - d, speeds).with_context(context)?;
            let hist = histogram_density(w, grid.max(), grid.len());
            let row = hist
                .iter()
                .zip(debye.binned(&edges))
                .map(|(h, b)| h - b)
                .collect();
            Ok((row, speeds, debye))
        })
        .collect::<Result<_>>()?;
    let n_w = grid.len();
    let params = serde_json::json!({
        "sound_speeds": "median frequency of each branch's weight at the cell's smallest k, / |k|",
        "speeds_from": match source {
            SpeedSource::Potential(_) => "the embedded vitrum-theory potential's modes",
            SpeedSource::Recorded(_) => "the sample records (LAMMPS's dynamical matrix)",
        },
        "c_l": rows.iter().map(|r| r.1.c_l).collect::<Vec<_>>(),
        "c_t": rows.iter().map(|r| r.1.c_t).collect::<Vec<_>>(),
        "omega_debye": rows.iter().map(|r| r.2.omega_d).collect::<Vec<_>>(),
    });
    Ok(TargetBlock {
        entry: BlockEntry {
            kind: TargetKind::DebyeExcess,
            file: vitrum_io::dataset::target_file(&TargetKind::DebyeExcess),
            grid: grid.clone(),
            channels: Vec::new(),
            params,
        },
        data: ndarray::Array2::from_shape_fn((rows.len(), n_w), |(i, k)| rows[i].0[k]),
    })
}
