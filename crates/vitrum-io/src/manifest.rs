//! The typed, versioned manifest of a dataset (`meta.json`, `format_version` 2): what the
//! samples are (dimension, units, species, composition, masses, the potential as data, the
//! generation protocol), one record per sample, and the feature and target blocks stored beside
//! it, each with its kind and [`Grid`]. vitrum-io sits below every other crate, so the potential
//! and protocol are kept as data (the potential file's TOML text, the protocol as a JSON table);
//! vitrum-theory and vitrum-sim parse them.

use crate::grid::Grid;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The manifest version this build writes. Version 1 is the free-form `meta.json` of the
/// reference datasets and of vitrum before 0.2, read by the legacy reader.
pub const FORMAT_VERSION: u32 = 2;

/// Unit system of the samples (LAMMPS `units`): names the length and frequency units on axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitSystem {
    #[default]
    Lj,
    Metal,
    Real,
    Si,
    Cgs,
    Electron,
    Micro,
    Nano,
}

impl UnitSystem {
    pub fn parse(name: &str) -> Option<UnitSystem> {
        serde_json::from_value(serde_json::Value::String(name.to_ascii_lowercase())).ok()
    }

    pub fn name(self) -> &'static str {
        match self {
            UnitSystem::Lj => "lj",
            UnitSystem::Metal => "metal",
            UnitSystem::Real => "real",
            UnitSystem::Si => "si",
            UnitSystem::Cgs => "cgs",
            UnitSystem::Electron => "electron",
            UnitSystem::Micro => "micro",
            UnitSystem::Nano => "nano",
        }
    }

    /// Length unit label.
    pub fn length_unit(self) -> &'static str {
        match self {
            UnitSystem::Lj => "σ",
            UnitSystem::Metal | UnitSystem::Real => "Å",
            UnitSystem::Si => "m",
            UnitSystem::Cgs => "cm",
            UnitSystem::Electron => "a₀",
            UnitSystem::Micro => "µm",
            UnitSystem::Nano => "nm",
        }
    }

    /// Unit of ω = √λ of the mass-weighted Hessian (the dataset convention): it follows from the
    /// energy, length and mass units.
    pub fn frequency_unit(self) -> &'static str {
        match self {
            UnitSystem::Lj => "τ⁻¹",
            UnitSystem::Metal => "(eV/Å²/amu)^½",
            UnitSystem::Real => "(kcal/mol/Å²/amu)^½",
            UnitSystem::Si => "s⁻¹",
            UnitSystem::Cgs => "s⁻¹",
            UnitSystem::Electron => "(Eh/a₀²/amu)^½",
            UnitSystem::Micro => "µs⁻¹",
            UnitSystem::Nano => "ns⁻¹",
        }
    }

    /// Wave-number unit label (inverse length).
    pub fn wavenumber_unit(self) -> String {
        format!("{}⁻¹", self.length_unit())
    }
}

/// How the embedded potential is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PotentialFormat {
    /// A vitrum-theory potential file (TOML text), parsed by `vitrum_theory`.
    VitrumToml,
    /// Only LAMMPS commands (the protocol's `[lammps]` section holds them).
    Lammps,
    /// A free-form description (the reference datasets' `potential` table).
    Description,
}

/// The full potential specification, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PotentialSpec {
    /// The preset name or file the samples were made with.
    pub name: String,
    pub format: PotentialFormat,
    /// The potential file's text (`vitrum-toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A table form (`description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<serde_json::Value>,
}

/// One sample: what was asked for and what came out. Fields every generator knows are typed;
/// the rest (a generator's diagnostics) is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRecord {
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Number density N/V of the minimised structure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<f64>,
    /// Protocol parameters drawn for this sample, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub varied: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_per_atom: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_norm: Option<f64>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What a feature block holds. Descriptors registered under other names are `Descriptor(name)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeatureKind {
    /// Total g(r).
    TotalRdf,
    /// Partial g_ab(r), one channel per species pair a ≤ b.
    PartialRdf,
    /// S(q) from g(r).
    Sq,
    /// S(q) from positions.
    SqDirect,
    /// Bond-angle distribution P(θ).
    BondAngles,
    /// Any other registered descriptor.
    Descriptor(String),
}

impl FeatureKind {
    pub fn name(&self) -> &str {
        match self {
            FeatureKind::TotalRdf => "total-rdf",
            FeatureKind::PartialRdf => "partial-rdf",
            FeatureKind::Sq => "sq",
            FeatureKind::SqDirect => "sq-direct",
            FeatureKind::BondAngles => "bond-angles",
            FeatureKind::Descriptor(n) => n,
        }
    }

    pub fn from_name(name: &str) -> FeatureKind {
        match name {
            "total-rdf" => FeatureKind::TotalRdf,
            "partial-rdf" => FeatureKind::PartialRdf,
            "sq" => FeatureKind::Sq,
            "sq-direct" => FeatureKind::SqDirect,
            "bond-angles" => FeatureKind::BondAngles,
            other => FeatureKind::Descriptor(other.to_string()),
        }
    }
}

/// What a target block holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetKind {
    /// `numpy.histogram(ω, bins, range=(0, ω_max), density=True)` over ω = √max(λ, 0) of the
    /// ascending eigenvalues with the d lowest dropped (the reference convention).
    VdosHistogram,
    /// The same modes as a sum of normalised Gaussians of width σ at the grid points.
    VdosBroadened { sigma: f64 },
    /// The reduced VDOS D(ω)/ω^(d−1) of the histogram (Debye level flat).
    ReducedVdos,
    /// The histogram minus the Debye model of the same sample, D(ω) − A ω^(d−1) up to ω_D, with
    /// A from the sample's own sound speeds (its modes at the cell's smallest wave vectors):
    /// the excess vibrational states of the glass (the boson peak) and their deficit above.
    DebyeExcess,
}

impl TargetKind {
    pub fn name(&self) -> &'static str {
        match self {
            TargetKind::VdosHistogram => "vdos-histogram",
            TargetKind::VdosBroadened { .. } => "vdos-broadened",
            TargetKind::ReducedVdos => "reduced-vdos",
            TargetKind::DebyeExcess => "debye-excess",
        }
    }

    /// Names the kind as a file stem and as study/CLI text: `vdos-broadened-0.5` carries σ.
    pub fn label(&self) -> String {
        match self {
            TargetKind::VdosBroadened { sigma } => format!("vdos-broadened-{sigma}"),
            k => k.name().to_string(),
        }
    }

    pub fn parse(label: &str) -> Result<TargetKind, String> {
        match label {
            "vdos-histogram" => Ok(TargetKind::VdosHistogram),
            "reduced-vdos" => Ok(TargetKind::ReducedVdos),
            "debye-excess" => Ok(TargetKind::DebyeExcess),
            other => match other.strip_prefix("vdos-broadened-").map(str::parse::<f64>) {
                Some(Ok(sigma)) if sigma.is_finite() && sigma > 0.0 => {
                    Ok(TargetKind::VdosBroadened { sigma })
                }
                _ => Err(format!(
                    "unknown target kind '{other}'; known: vdos-histogram, reduced-vdos, \
                     debye-excess, vdos-broadened-SIGMA (σ > 0, e.g. vdos-broadened-0.5)"
                )),
            },
        }
    }
}

macro_rules! string_serde {
    ($t:ty, $to:expr, $from:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&$to(self))
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $from(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(
    FeatureKind,
    |k: &FeatureKind| k.name().to_string(),
    |s: &str| Ok::<_, String>(FeatureKind::from_name(s))
);
string_serde!(TargetKind, |k: &TargetKind| k.label(), TargetKind::parse);

/// A block as listed in the manifest: kind, file (relative to the dataset directory), grid,
/// channels (columns are channel-major: channel c, point k at c·n + k) and the parameters the
/// block was computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockEntry<K> {
    pub kind: K,
    pub file: String,
    pub grid: Grid,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub params: serde_json::Value,
}

impl<K> BlockEntry<K> {
    /// Columns of the block: grid points × max(channels, 1).
    pub fn columns(&self) -> usize {
        self.grid.len() * self.channels.len().max(1)
    }
}

/// The manifest of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub name: String,
    pub n_samples: usize,
    pub dim: usize,
    pub units: UnitSystem,
    /// Species labels in type order, and their counts per sample.
    pub species: Vec<String>,
    pub composition: Vec<usize>,
    /// Masses by species, in the same order (empty when unknown).
    #[serde(default)]
    pub masses: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub potential: Option<PotentialSpec>,
    /// The generation protocol and draw rules, as data.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub protocol: serde_json::Value,
    #[serde(default)]
    pub samples: Vec<SampleRecord>,
    #[serde(default)]
    pub features: Vec<BlockEntry<FeatureKind>>,
    #[serde(default)]
    pub targets: Vec<BlockEntry<TargetKind>>,
    /// Software that made the samples (name, version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<(String, String)>,
    /// Anything else a generator recorded (the legacy manifest's other keys).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Manifest {
    /// An empty manifest of `n_samples` samples.
    pub fn new(name: impl Into<String>, n_samples: usize, dim: usize, units: UnitSystem) -> Self {
        Manifest {
            format_version: FORMAT_VERSION,
            name: name.into(),
            n_samples,
            dim,
            units,
            species: Vec::new(),
            composition: Vec::new(),
            masses: Vec::new(),
            potential: None,
            protocol: serde_json::Value::Null,
            samples: Vec::new(),
            features: Vec::new(),
            targets: Vec::new(),
            software: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    pub fn feature(&self, kind: &FeatureKind) -> Option<&BlockEntry<FeatureKind>> {
        self.features.iter().find(|b| &b.kind == kind)
    }

    pub fn target(&self, kind: &TargetKind) -> Option<&BlockEntry<TargetKind>> {
        self.targets.iter().find(|b| &b.kind == kind)
    }

    /// Mole fractions x_a = N_a/N of the species, from `composition`; None when the counts are
    /// missing, zero or do not match the species.
    pub fn fractions(&self) -> Option<Vec<f64>> {
        let n: usize = self.composition.iter().sum();
        (n > 0 && self.composition.len() == self.species.len()).then(|| {
            self.composition
                .iter()
                .map(|&k| k as f64 / n as f64)
                .collect()
        })
    }

    /// Sample densities in index order, when every record has one.
    pub fn densities(&self) -> Option<Vec<f64>> {
        self.samples.iter().map(|r| r.density).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_their_names() {
        for k in [
            FeatureKind::TotalRdf,
            FeatureKind::PartialRdf,
            FeatureKind::Sq,
            FeatureKind::SqDirect,
            FeatureKind::BondAngles,
            FeatureKind::Descriptor("mine".into()),
        ] {
            assert_eq!(FeatureKind::from_name(k.name()), k);
        }
        for k in [
            TargetKind::VdosHistogram,
            TargetKind::ReducedVdos,
            TargetKind::DebyeExcess,
            TargetKind::VdosBroadened { sigma: 0.5 },
        ] {
            assert_eq!(TargetKind::parse(&k.label()).unwrap(), k);
        }
        assert!(TargetKind::parse("vdos-broadened--1").is_err());
        assert!(TargetKind::parse("dos").unwrap_err().contains("known"));
        assert_eq!(UnitSystem::parse("METAL"), Some(UnitSystem::Metal));
        assert_eq!(UnitSystem::parse("furlongs"), None);
    }
}
