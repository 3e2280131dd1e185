//! Interaction styles and presets by name. Adding a style is one file in `interactions/` and one
//! line in [`STYLES`]; adding a preset is one TOML file in `presets/` and one line in [`PRESETS`].

use super::{Interaction, harmonic, ipl, lj, sw, wca, yukawa};
use crate::error::{Result, TheoryError};
use crate::spec::ModelSpec;
use crate::system::Model;
use std::path::Path;

/// A style: its name, what it is, and the function that builds it from a potential file.
pub struct Style {
    pub name: &'static str,
    pub about: &'static str,
    pub build: fn(&ModelSpec) -> Result<Box<dyn Interaction>>,
}

pub const STYLES: &[Style] = &[
    Style {
        name: "lj",
        about: "Lennard-Jones 4ε[(σ/r)¹² − (σ/r)⁶] per species pair",
        build: lj::build,
    },
    Style {
        name: "yukawa",
        about: "Yukawa A e^{−κr}/r per species pair",
        build: yukawa::build,
    },
    Style {
        name: "ipl",
        about: "inverse power law ε(σ/r)ⁿ (soft spheres)",
        build: ipl::build,
    },
    Style {
        name: "wca",
        about: "Weeks–Chandler–Andersen (LJ cut at 2^{1/6}σ, shifted)",
        build: wca::build,
    },
    Style {
        name: "harmonic",
        about: "harmonic/Hertzian spheres (ε/α)(1 − r/σ)^α",
        build: harmonic::build,
    },
    Style {
        name: "sw",
        about: "Stillinger–Weber three-body (LAMMPS form)",
        build: sw::build,
    },
];

/// Presets: name and potential-file text (the files are in `crates/vitrum-theory/presets/`).
pub const PRESETS: &[(&str, &str)] = &[
    (
        "kob-andersen",
        include_str!("../../presets/kob-andersen.toml"),
    ),
    (
        "yukawa-binary",
        include_str!("../../presets/yukawa-binary.toml"),
    ),
    ("si-sw", include_str!("../../presets/si-sw.toml")),
    ("sw-2d", include_str!("../../presets/sw-2d.toml")),
    ("wca", include_str!("../../presets/wca.toml")),
    (
        "harmonic-spheres",
        include_str!("../../presets/harmonic-spheres.toml"),
    ),
    (
        "soft-spheres",
        include_str!("../../presets/soft-spheres.toml"),
    ),
];

/// Names of all presets, comma-separated, for messages.
pub fn preset_names() -> String {
    PRESETS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
}

/// Builds a model from a parsed potential file.
pub fn build(spec: ModelSpec) -> Result<Model> {
    let style = STYLES
        .iter()
        .find(|s| s.name == spec.style)
        .ok_or_else(|| {
            TheoryError::UnknownStyle(
                spec.style.clone(),
                STYLES.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
            )
        })?;
    let interaction = (style.build)(&spec)?;
    Ok(Model {
        name: spec.name,
        units: spec.units,
        labels: spec.labels,
        masses: spec.masses,
        interaction,
    })
}

/// A model from potential-file text.
pub fn from_toml(text: &str, name: &str) -> Result<Model> {
    build(ModelSpec::parse(text, name)?)
}

/// A preset by name.
pub fn preset(name: &str) -> Result<Model> {
    let (_, text) = PRESETS
        .iter()
        .find(|p| p.0 == name)
        .ok_or_else(|| TheoryError::UnknownPotential(name.into(), preset_names()))?;
    from_toml(text, name)
}

/// A preset name or the path of a potential file (`*.toml`).
pub fn load(name_or_path: &str) -> Result<Model> {
    if PRESETS.iter().any(|p| p.0 == name_or_path) {
        return preset(name_or_path);
    }
    let path = Path::new(name_or_path);
    if path.is_file() {
        let text = std::fs::read_to_string(path)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name_or_path);
        return from_toml(&text, stem).map_err(|e| match e {
            TheoryError::Parse(m) => TheoryError::Parse(format!("{}: {m}", path.display())),
            other => other,
        });
    }
    Err(TheoryError::UnknownPotential(
        name_or_path.into(),
        preset_names(),
    ))
}
