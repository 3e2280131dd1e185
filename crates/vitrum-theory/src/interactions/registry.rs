//! Interaction styles and presets by name. Adding a built-in style is one file in
//! `interactions/` and one line in [`BUILT_IN`]; a crate that uses vitrum-theory adds its own at
//! run time with [`register`]. Adding a preset is one TOML file in `presets/` and one line in
//! [`PRESETS`].

use super::{Interaction, harmonic, ipl, lj, morse, sw, table, wca, yukawa};
use crate::error::{Result, TheoryError};
use crate::spec::ModelSpec;
use crate::system::Model;
use std::path::Path;
use std::sync::{LazyLock, RwLock};

/// A style: its name, what it is, and the function that builds it from a potential file.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub name: &'static str,
    pub about: &'static str,
    pub build: fn(&ModelSpec) -> Result<Box<dyn Interaction>>,
}

/// The styles vitrum ships, one line each.
pub const BUILT_IN: &[Style] = &[
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
    Style {
        name: "morse",
        about: "Morse D₀[e^{−2a(r−r₀)} − 2e^{−a(r−r₀)}] per species pair",
        build: morse::build,
    },
    Style {
        name: "table",
        about: "tabulated φ(r), −φ′(r) per species pair (LAMMPS pair_style table files), cubic splines",
        build: table::build,
    },
];

/// The registry: the built-in styles, then those registered at run time.
static STYLES: LazyLock<RwLock<Vec<Style>>> = LazyLock::new(|| RwLock::new(BUILT_IN.to_vec()));

/// Registers a style for every later [`build`], [`load`] and [`preset`] in this process
/// (a name already taken is refused: styles are never silently replaced).
pub fn register(style: Style) -> Result<()> {
    let mut styles = STYLES.write().unwrap_or_else(|e| e.into_inner());
    if styles.iter().any(|s| s.name == style.name) {
        return Err(TheoryError::Invalid(format!(
            "an interaction style named '{}' is already registered",
            style.name
        )));
    }
    styles.push(style);
    Ok(())
}

/// Every registered style, built-in first.
pub fn styles() -> Vec<Style> {
    STYLES.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// A registered style by name.
pub fn style(name: &str) -> Option<Style> {
    styles().into_iter().find(|s| s.name == name)
}

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
    ("morse-ka", include_str!("../../presets/morse-ka.toml")),
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
    let style = style(&spec.style).ok_or_else(|| {
        TheoryError::UnknownStyle(
            spec.style.clone(),
            styles()
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
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
        let spec = ModelSpec::parse(&text, stem)
            .map(|s| s.relative_to(path.parent()))
            .and_then(build);
        return spec.map_err(|e| match e {
            TheoryError::Parse(m) => TheoryError::Parse(format!("{}: {m}", path.display())),
            other => other,
        });
    }
    Err(TheoryError::UnknownPotential(
        name_or_path.into(),
        preset_names(),
    ))
}
