//! Targets relative to a reference dataset: each sample's spectrum minus the mean spectrum of
//! a reference set (the crystal, a well-annealed glass, another family) on the same grid, the
//! ΔD(ω) of first-order perturbation theory, ΔD ≈ ∫ K Δg dr. A linear model with an intercept
//! fits the same weights W to D and to D − D_ref (the constant moves into the intercept, and
//! the held-out R² is unchanged: both are exact identities the tests check); what changes is
//! what the report shows and what the scalar properties mean — ΔC_v, ΔS_vib, ΔM2 against the
//! reference.

use crate::dataset::{Selected, frequencies, read_eigenvalues, target_block};
use anyhow::{Context as _, Result, bail};
use ndarray::{Array1, Axis};
use serde::{Deserialize, Serialize};
use std::path::Path;
use vitrum_io::{Dataset, TargetKind};

/// The reference a study's targets are relative to, as results.json records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The reference dataset's directory.
    pub dataset: String,
    /// Samples averaged.
    pub n_samples: usize,
    /// The mean reference spectrum on the target grid (the same kind as the targets).
    pub mean: Vec<f64>,
}

/// The mean of `reference`'s `kind` spectra on the target grid of `selected` (targets of that
/// kind), computed from the reference's eigenvalues (its stored target grid may differ). The
/// reference must share the dimension and the unit system: a spectrum in other units is on
/// another ω axis.
pub fn reference_mean(
    kind: TargetKind,
    selected: &Selected,
    ours: &Dataset,
    reference: &Path,
) -> Result<Reference> {
    if kind == TargetKind::DebyeExcess {
        bail!(
            "[targets] relative_to: the debye-excess target is already each sample's spectrum \
             relative to its own Debye model; use relative_to with vdos-histogram, \
             vdos-broadened or reduced-vdos"
        );
    }
    let r = Dataset::read(reference).with_context(|| {
        format!(
            "reading the reference dataset {} named in [targets] relative_to",
            reference.display()
        )
    })?;
    let (dim, ref_dim) = (ours.dim()?, r.dim()?);
    if dim != ref_dim {
        bail!(
            "{}: the reference dataset is {}D, the study's is {}D; a reference must be of the \
             same dimension",
            reference.display(),
            ref_dim.get(),
            dim.get()
        );
    }
    if r.manifest.units != ours.manifest.units {
        bail!(
            "{}: the reference dataset is in {} units, the study's in {}; its ω axis is another \
             one — make the reference with the same unit system",
            reference.display(),
            r.manifest.units.name(),
            ours.manifest.units.name()
        );
    }
    let n = r.n_samples();
    if n == 0 {
        bail!(
            "{}: the reference dataset has no samples",
            reference.display()
        );
    }
    let eig = read_eigenvalues(&r.dir, n).with_context(|| {
        format!(
            "{}: the reference's spectra are computed from its eigenvalues",
            reference.display()
        )
    })?;
    let block = target_block(kind, &frequencies(&eig, dim), &selected.target_grid, dim)?;
    let mean: Array1<f64> = block
        .data
        .mean_axis(Axis(0))
        .expect("at least one reference sample");
    Ok(Reference {
        dataset: reference.display().to_string(),
        n_samples: n,
        mean: mean.to_vec(),
    })
}

/// Subtracts the reference's mean spectrum from every target row.
pub fn subtract(selected: &mut Selected, reference: &Reference) {
    let mean = Array1::from(reference.mean.clone());
    for mut row in selected.targets.rows_mut() {
        row -= &mean;
    }
}
