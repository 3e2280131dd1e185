//! The `debye-excess` target: each sample's VDOS histogram minus the Debye model of the same
//! sample, D(ω) − A ω^{d−1} (up to ω_D), with A from that sample's own sound speeds
//! (`vitrum_theory::sound`: its modes at the smallest wave vectors of its cell). The excess is
//! the glass's extra low-frequency states (the boson peak, flat in D/ω^{d−1}) and their deficit
//! near ω_D; a linear model of it reads which structure carries the anomaly. The speeds need
//! each sample's eigenvectors, so the dataset must keep its structures and embed a vitrum-theory
//! potential; the per-sample c_L, c_T and ω_D are the block's parameters.

use crate::theory_models::embedded_potential;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::path::Path;
use vitrum_io::dataset::TargetBlock;
use vitrum_io::manifest::{BlockEntry, Manifest, TargetKind};
use vitrum_io::{Configuration, Grid};
use vitrum_theory::modes::dense_modes;
use vitrum_theory::sound::{Debye, SoundSpeeds, sound_speeds};
use vitrum_theory::spectrum::histogram_density;

/// The block for `configs` (sample order) with the frequencies `omegas` of the dataset's
/// eigenvalues (the d translations dropped) on the histogram `grid`.
pub fn block(
    dir: &Path,
    manifest: &Manifest,
    configs: &[Configuration],
    omegas: &[Vec<f64>],
    grid: &Grid,
) -> Result<TargetBlock> {
    let model = embedded_potential(
        manifest,
        dir,
        "the debye-excess target needs each sample's eigenvectors for its sound speeds, so a \
         vitrum-theory potential (datasets made with LAMMPS-only potentials have none; use \
         reduced-vdos for the Debye-scaled spectrum instead)",
    )?;
    let edges = grid.edges.clone();
    let rows: Vec<(Vec<f64>, SoundSpeeds, Debye)> = configs
        .par_iter()
        .zip(omegas)
        .enumerate()
        .map(|(i, (c, w))| -> Result<_> {
            let context = || format!("{}: sample {i:04}, debye-excess", dir.display());
            let sys = model.bind(c).with_context(context)?;
            let (spec, vectors) = dense_modes(&model, &sys).with_context(context)?;
            let d = c.dim.get();
            // the d lowest (translations) are left out, as in the histogram
            let omega: Vec<f64> = spec
                .eigenvalues
                .iter()
                .enumerate()
                .map(|(m, l)| if m < d { 0.0 } else { l.max(0.0).sqrt() })
                .collect();
            let speeds = sound_speeds(c, &omega, vectors.view()).with_context(context)?;
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
