//! Models applied to measurements: what a model's feature columns are (kind, parameters,
//! species, training density) travels in its file as a [`FeatureDescription`], and a measured
//! PDF (`.gr`, G(r)) becomes a feature row only when it measures the same thing — a
//! neutron-weighted G(r) for a model fitted on `neutron-rdf`, X-ray for `xray-rdf`, either for
//! a one-species glass fitted on `total-rdf` (all weightings coincide there) — on an r range
//! that covers the model's grid. A measured structure factor (two columns q S(q)) becomes the
//! feature row of a model fitted on a one-species glass's `sq` or `sq-direct` block, on a q
//! range that covers the model's grid.
//!
//! The three curves, for number density ρ in 3D: G(r) = 4πρr[g(r) − 1];
//! S(q) = 1 + (4πρ/q) ∫ r[g(r) − 1] sin(qr) dr; G(r) = (2/π) ∫ q[S(q) − 1] sin(qr) dq. vitrum
//! takes each measurement on the model's own grid (interpolated linearly, never Fourier
//! transformed: a transform of a finite q range adds termination ripples the model never saw).

use crate::dataset::Selected;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use vitrum_io::{Dataset, MeasuredCurve};
use vitrum_regress::ndarray::Array2;

/// What a model's feature columns measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDescription {
    /// Descriptor kind (`total-rdf`, `neutron-rdf`, ...).
    pub kind: String,
    /// The descriptor's parameters as the dataset recorded them.
    #[serde(default)]
    pub params: serde_json::Value,
    /// Channels (species pairs) side by side; empty for one channel.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Species labels of the training dataset.
    #[serde(default)]
    pub species: Vec<String>,
    pub dim: usize,
    /// Mean number density of the training samples, when the dataset records it.
    pub density: Option<f64>,
    /// Whether each row ends with the sample's number density after the block's columns (the
    /// theory backends' layout, `crate::theory_models`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub density_column: bool,
}

impl FeatureDescription {
    /// The description of the feature block `selected` of `ds`.
    pub fn of(ds: &Dataset, selected: &Selected) -> FeatureDescription {
        FeatureDescription::new(
            ds,
            &selected.feature_kind,
            &selected.feature_params,
            &selected.channels,
        )
    }

    /// A block of `ds` of kind `kind` with `params` and `channels`.
    pub fn new(
        ds: &Dataset,
        kind: &str,
        params: &serde_json::Value,
        channels: &[String],
    ) -> FeatureDescription {
        FeatureDescription {
            kind: kind.to_string(),
            params: params.clone(),
            channels: channels.to_vec(),
            species: ds.manifest.species.clone(),
            dim: ds.manifest.dim,
            density: ds
                .manifest
                .densities()
                .filter(|d| !d.is_empty())
                .map(|d| d.iter().sum::<f64>() / d.len() as f64),
            density_column: false,
        }
    }

    /// As stored in a model file.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a description serialises")
    }

    /// From a model file's `features` entry, None when the model has none (older files, or
    /// fitted on plain arrays).
    pub fn from_model(value: Option<&serde_json::Value>) -> Result<Option<FeatureDescription>> {
        value
            .map(|v| {
                serde_json::from_value(v.clone())
                    .map_err(|e| anyhow::anyhow!("the model's feature description: {e}"))
            })
            .transpose()
    }
}

/// Which radiation a measured PDF was taken with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Probe {
    Neutron,
    Xray,
}

impl Probe {
    fn kind(self) -> &'static str {
        match self {
            Probe::Neutron => "neutron-rdf",
            Probe::Xray => "xray-rdf",
        }
    }
}

/// The model's feature row from a measured G(r): checks that the model was fitted on what the
/// measurement measures, converts g = 1 + G/(4πρr) at the density `density` (or the model's
/// training density) and interpolates linearly onto the model's r points.
pub fn features_from_pdf(
    description: &FeatureDescription,
    points: &[f64],
    curve: &MeasuredCurve,
    probe: Probe,
    density: Option<f64>,
) -> Result<Array2<f64>> {
    let d = description;
    if d.dim != 3 {
        bail!(
            "the model was fitted on {}D glasses; a measured PDF is 3D (G(r) = 4πρr[g(r) − 1])",
            d.dim
        );
    }
    let one_species = d.species.len() == 1;
    let matches = d.kind == probe.kind() || (one_species && d.kind == "total-rdf");
    if !matches {
        bail!(
            "the model was fitted on '{}' features{}; a {} PDF weights the partials by {} \
             scattering power, so it needs a model fitted on '{}' (vitrum featurize DATASET \
             --feature {} then vitrum fit DATASET --feature {} ...)",
            d.kind,
            if d.species.len() > 1 {
                format!(" of {} species ({})", d.species.len(), d.species.join(", "))
            } else {
                String::new()
            },
            probe.kind().trim_end_matches("-rdf"),
            probe.kind().trim_end_matches("-rdf"),
            probe.kind(),
            probe.kind(),
            probe.kind()
        );
    }
    if !d.channels.is_empty() {
        bail!(
            "the model's features have channels ({}); a measured PDF is one curve",
            d.channels.join(", ")
        );
    }
    let rho = match density.or(d.density) {
        Some(r) if r.is_finite() && r > 0.0 => r,
        Some(r) => bail!("--density {r} is not a positive number density"),
        None => bail!(
            "converting G(r) to g(r) needs the sample's number density: give --density (atoms \
             per cubic length unit, e.g. Å⁻³); the model does not record its training density"
        ),
    };
    check_coverage(curve, points, "r", "G(r)")?;
    let mut row = Vec::with_capacity(points.len());
    for &r in points {
        if r <= 0.0 {
            bail!("the model's grid has r = {r}; g = 1 + G/(4πρr) needs r > 0");
        }
        let pdf = interpolate(&curve.x, &curve.y, r);
        row.push(1.0 + pdf / (4.0 * std::f64::consts::PI * rho * r));
    }
    Ok(Array2::from_shape_vec((1, row.len()), row)?)
}

/// The model's feature row from a measured curve: an S(q) for a model fitted on `sq` /
/// `sq-direct` features, else a G(r) ([`features_from_pdf`]).
pub fn measured_features(
    description: &FeatureDescription,
    points: &[f64],
    curve: &MeasuredCurve,
    probe: Probe,
    density: Option<f64>,
) -> Result<Array2<f64>> {
    if is_structure_factor(&description.kind) {
        features_from_sq(description, points, curve)
    } else {
        features_from_pdf(description, points, curve, probe, density)
    }
}

fn is_structure_factor(kind: &str) -> bool {
    matches!(kind, "sq" | "sq-direct")
}

/// The model's feature row from a measured S(q): the model must be fitted on the S(q) of a
/// one-species 3D glass (vitrum's S(q) of a mixture is number-weighted, which no probe
/// measures), and the measurement must cover its q grid; the values are interpolated linearly.
pub fn features_from_sq(
    description: &FeatureDescription,
    points: &[f64],
    curve: &MeasuredCurve,
) -> Result<Array2<f64>> {
    let d = description;
    if !is_structure_factor(&d.kind) {
        bail!(
            "the model was fitted on '{}' features; a measured S(q) needs a model fitted on \
             'sq' (vitrum featurize DATASET --feature sq, then vitrum fit DATASET --feature sq)",
            d.kind
        );
    }
    if d.dim != 3 {
        bail!(
            "the model was fitted on {}D glasses; a measured S(q) is of a 3D sample",
            d.dim
        );
    }
    if d.species.len() != 1 {
        bail!(
            "the model was fitted on the S(q) of {} species ({}): vitrum's S(q) of a mixture is \
             number-weighted, while a measured one is weighted by the probe's scattering \
             lengths or form factors; give the measurement as G(r) (.gr) to a model fitted on \
             'neutron-rdf' or 'xray-rdf'",
            d.species.len(),
            d.species.join(", ")
        );
    }
    if !d.channels.is_empty() {
        bail!(
            "the model's features have channels ({}); a measured S(q) is one curve",
            d.channels.join(", ")
        );
    }
    check_coverage(curve, points, "q", "S(q)")?;
    let row: Vec<f64> = points
        .iter()
        .map(|&q| interpolate(&curve.x, &curve.y, q))
        .collect();
    Ok(Array2::from_shape_vec((1, row.len()), row)?)
}

/// Fails unless the measured `curve` covers the model's grid `points` (to 1e-9 of its end),
/// naming both ranges in the variable `axis` and the measured `quantity`.
fn check_coverage(curve: &MeasuredCurve, points: &[f64], axis: &str, quantity: &str) -> Result<()> {
    let (lo, hi) = (curve.x[0], curve.x[curve.x.len() - 1]);
    let (p_lo, p_hi) = (points[0], points[points.len() - 1]);
    let slack = 1e-9 * p_hi.abs().max(1.0);
    if p_lo < lo - slack || p_hi > hi + slack {
        bail!(
            "the measurement covers {axis} = {lo}..{hi}, the model's grid {axis} = \
             {p_lo}..{p_hi}: measure (or export) {quantity} over the whole grid"
        );
    }
    Ok(())
}

/// y at x by linear interpolation on increasing xs (x within [xs₀, xs_last] up to rounding;
/// exact at a tabulated point).
fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let k = xs.partition_point(|&v| v < x);
    if k < xs.len() && xs[k] == x {
        return ys[k];
    }
    let k = k.clamp(1, xs.len() - 1);
    let t = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
    ys[k - 1] + t * (ys[k] - ys[k - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(kind: &str, species: &[&str]) -> FeatureDescription {
        FeatureDescription {
            kind: kind.into(),
            params: serde_json::Value::Null,
            channels: vec![],
            species: species.iter().map(|s| s.to_string()).collect(),
            dim: 3,
            density: Some(0.09),
            density_column: false,
        }
    }

    /// G written at the grid points comes back as the g it was made from; between points the
    /// interpolation is linear in G.
    #[test]
    fn pdf_becomes_g_on_the_model_grid() {
        let points = [1.0, 2.0, 3.0];
        let g = [0.5, 1.5, 1.0];
        let pdf = vitrum_descriptors::scattering::pdf_from_g(&points, &g, 0.09);
        let curve = MeasuredCurve {
            x: vec![0.5, 1.0, 2.0, 3.0, 3.5],
            y: vec![0.0, pdf[0], pdf[1], pdf[2], 0.0],
        };
        let d = description("neutron-rdf", &["Si", "C"]);
        let x = features_from_pdf(&d, &points, &curve, Probe::Neutron, None).unwrap();
        for k in 0..3 {
            assert!((x[[0, k]] - g[k]).abs() < 1e-14);
        }
        let mid = features_from_pdf(&d, &[1.5], &curve, Probe::Neutron, Some(0.09)).unwrap();
        let expect = 1.0 + 0.5 * (pdf[0] + pdf[1]) / (4.0 * std::f64::consts::PI * 0.09 * 1.5);
        assert!((mid[[0, 0]] - expect).abs() < 1e-14);
    }

    #[test]
    fn mismatches_are_refused_with_the_reason() {
        let curve = MeasuredCurve {
            x: vec![0.5, 4.0],
            y: vec![0.0, 0.0],
        };
        let pts = [1.0, 2.0];
        let e = |d: &FeatureDescription, p: Probe, pts: &[f64]| {
            features_from_pdf(d, pts, &curve, p, None)
                .unwrap_err()
                .to_string()
        };
        let total = description("total-rdf", &["Si", "C"]);
        assert!(e(&total, Probe::Neutron, &pts).contains("needs a model fitted on 'neutron-rdf'"));
        let neutron = description("neutron-rdf", &["Si", "C"]);
        assert!(e(&neutron, Probe::Xray, &pts).contains("'xray-rdf'"));
        assert!(e(&neutron, Probe::Neutron, &[1.0, 5.0]).contains("covers r = 0.5..4"));
        let mut no_rho = neutron.clone();
        no_rho.density = None;
        assert!(e(&no_rho, Probe::Neutron, &pts).contains("--density"));
        let mut flat = neutron.clone();
        flat.dim = 2;
        assert!(e(&flat, Probe::Neutron, &pts).contains("2D"));
        // one species: every weighting is the number weighting
        let si = description("total-rdf", &["Si"]);
        assert!(features_from_pdf(&si, &pts, &curve, Probe::Xray, None).is_ok());
    }
}
