//! The protocol: everything that decides a glass sample except its seed. Serialisable (TOML for
//! users, JSON in dataset manifests) and validated once, before any simulation starts.

use crate::error::{Result, SimError};
use serde::{Deserialize, Serialize};

/// How the initial configuration is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// fcc, 4 sites per cubic cell (3D); N = 4 n_c³ (any other N: the next lattice with
    /// vacancies, [`Protocol::lattice_vacancies`]).
    Fcc,
    /// Square lattice with a two-site basis, LAMMPS `sq2` (2D); N = 2 n_c² (or vacancies).
    Sq2,
    /// Diamond, 8 sites per cubic cell (3D); N = 8 n_c³ (or vacancies).
    Diamond,
    /// Random sequential placement with a minimum distance, then a capped relaxation.
    Random,
}

impl Init {
    /// Sites per cubic (square) cell.
    pub fn basis(self) -> usize {
        match self {
            Init::Fcc => 4,
            Init::Sq2 => 2,
            Init::Diamond => 8,
            Init::Random => 1,
        }
    }

    /// The LAMMPS `lattice` style.
    pub fn lammps_name(self) -> Option<&'static str> {
        match self {
            Init::Fcc => Some("fcc"),
            Init::Sq2 => Some("sq2"),
            Init::Diamond => Some("diamond"),
            Init::Random => None,
        }
    }
}

/// A melt–quench–minimise protocol.
///
/// Temperatures are in the model's energy units over k_B (lj: ε/k_B; metal: K), times in its
/// time units (lj: τ; metal: ps). Composition fractions follow the model's species order (a
/// model may declare more species, e.g. label aliases: the first k are used); the
/// count of species k ≥ 1 is ⌊x_k N⌋ (LAMMPS `set type/ratio`) and species 0 takes the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// A short name for reports (`ka3d`).
    pub name: String,
    /// A vitrum-theory preset (`kob-andersen`) or a potential file (`*.toml`).
    pub potential: String,
    pub dim: usize,
    /// Number of particles.
    pub n: usize,
    /// Number density N/V (N/A in 2D).
    pub density: f64,
    /// Mole fraction of each model species.
    pub composition: Vec<f64>,
    pub init: Init,
    pub t_melt: f64,
    pub t_final: f64,
    pub melt_steps: u64,
    /// Steps of the linear ramp t_melt → t_final.
    pub quench_steps: u64,
    pub dt: f64,
    /// Nosé–Hoover damping time τ (LAMMPS `Tdamp`).
    pub t_damp: f64,
    /// Force-norm tolerance ‖F‖₂ (over all d·N components, LAMMPS `fnorm`) of the minimiser.
    pub f_tol: f64,
    #[serde(default = "default_max_min_steps")]
    pub max_min_steps: u64,
    /// Verlet-list skin.
    #[serde(default = "default_skin")]
    pub skin: f64,
    /// Attempts (new seed each) before a non-converging sample is an error.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Monolayer (slab) geometry, LAMMPS backend only: with `vacuum = H` the cell is L × L × H,
    /// periodic in all three directions, with L = √(N/density) (`density` is then the areal
    /// density N/A) and H the z period (thickness plus vacuum; the sheet starts in the plane
    /// z = H/2 and its periodic image is H away). `dim` must be 3: the atoms move in 3D (the
    /// sheet may buckle) and the spectrum has 3N modes, flexural ones included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vacuum: Option<f64>,
    /// Slabs only: hold the sheet in its plane during the melt and the quench (LAMMPS `fix
    /// setforce NULL NULL 0.0`, zero z velocities, the thermostat acting on the in-plane degrees
    /// of freedom through `compute temp/partial 1 1 0`). A free sheet at a carbon melt
    /// temperature crumples into a 3D network (6 Å thick in a 20 Å cell); held flat it melts and
    /// quenches as the 2D glass the study is about. The final minimisation and the dynamical
    /// matrix are 3D, so the flexural modes are in the spectrum and a sheet that would rather
    /// buckle is free to (from a start only ±0.05 Å out of plane).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub planar_md: bool,
    /// LAMMPS-only settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lammps: Option<LammpsSettings>,
}

/// The `potential` of a protocol whose potential exists only as LAMMPS commands (its
/// `[lammps]` section: Tersoff, EAM, LCBOP, …): vitrum-theory has no model for it, so the native
/// sampler refuses it and the LAMMPS backend takes energy, force norm and dynamical matrix from
/// LAMMPS alone.
pub const LAMMPS_ONLY: &str = "lammps";

/// LAMMPS settings of a protocol. For a vitrum-theory potential every field may be left out:
/// the interaction writes its own commands ([`vitrum_theory::Interaction::lammps`]) and the
/// model gives units and masses. A LAMMPS-only potential gives `units`, `pair` and `masses`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LammpsSettings {
    /// `units` (lj, metal); empty: the model's.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub units: String,
    /// Lines after `mass`: pair_style, pair_coeff, pair_modify. `POTDIR` is replaced by the
    /// potentials directory of the LAMMPS installation. Empty: the interaction's own commands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pair: Vec<String>,
    /// Masses per type, LAMMPS type order (= model species order); empty: the model's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masses: Vec<f64>,
    /// Finite-difference step of `dynamical_matrix`.
    #[serde(default = "default_dynmat_step")]
    pub dynmat_step: f64,
    /// Species labels per type (LAMMPS type order), e.g. `["Si", "C"]`: what the samples' species
    /// are called when the potential is LAMMPS-only (else the model's labels are used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// LAMMPS `min_style` of the final minimisation: `cg` (default, as the reference inputs),
    /// or `fire` where CG stalls (Tersoff SiC: no progress at ‖F‖ ≈ 0.6 eV/Å in a test where
    /// FIRE converged; used for LCBOP too).
    #[serde(default = "default_min_style")]
    pub min_style: String,
    /// Elements of a Zhou–Johnson–Wadley 2004 `eam.alloy` file that vitrum writes into each run
    /// directory ([`crate::eam_zjw`]), e.g. `["Cu", "Zr", "Al"]`; the `pair` lines name it
    /// [`crate::lammps::EAM_ZJW_PLACEHOLDER`] (`pair_coeff * * EAM_ZJW Cu Zr Al`). Empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write_eam_zjw: Vec<String>,
}

impl Default for LammpsSettings {
    fn default() -> Self {
        LammpsSettings {
            units: String::new(),
            pair: Vec::new(),
            masses: Vec::new(),
            dynmat_step: default_dynmat_step(),
            labels: Vec::new(),
            min_style: default_min_style(),
            write_eam_zjw: Vec::new(),
        }
    }
}

fn default_min_style() -> String {
    "cg".into()
}

fn default_max_min_steps() -> u64 {
    200_000
}
fn default_skin() -> f64 {
    0.3
}
fn default_attempts() -> u32 {
    3
}
fn default_dynmat_step() -> f64 {
    1e-6
}

/// Protocol presets, one line each: name and file (`crates/vitrum-sim/presets/`). First the
/// reference protocols of `fixtures/*/meta.json` (native and LAMMPS), then LAMMPS-only ones
/// (potentials vitrum-theory does not have; docs/potentials.md).
pub const PRESETS: &[(&str, &str)] = &[
    ("ka3d", include_str!("../presets/ka3d.toml")),
    ("ka2d", include_str!("../presets/ka2d.toml")),
    ("yukawa", include_str!("../presets/yukawa.toml")),
    ("sw-si", include_str!("../presets/sw-si.toml")),
    ("sw-2d", include_str!("../presets/sw-2d.toml")),
    ("tersoff-sic", include_str!("../presets/tersoff-sic.toml")),
    (
        "vashishta-sic",
        include_str!("../presets/vashishta-sic.toml"),
    ),
    ("eam-cuzral", include_str!("../presets/eam-cuzral.toml")),
    ("cu-zr-al", include_str!("../presets/cu-zr-al.toml")),
    (
        "amorphous-carbon-2d",
        include_str!("../presets/amorphous-carbon-2d.toml"),
    ),
];

/// The preset names, comma-separated, for messages.
pub fn preset_names() -> String {
    PRESETS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
}

impl Protocol {
    /// A preset by name.
    pub fn preset(name: &str) -> Result<Protocol> {
        let (_, text) =
            PRESETS
                .iter()
                .find(|p| p.0 == name)
                .ok_or_else(|| SimError::UnknownPreset {
                    name: name.into(),
                    known: preset_names(),
                })?;
        Self::from_toml(text).map_err(|e| SimError::BadPreset {
            name: name.into(),
            message: e.to_string(),
        })
    }

    /// A preset name or a protocol TOML file.
    pub fn load(name_or_path: &str) -> Result<Protocol> {
        if PRESETS.iter().any(|p| p.0 == name_or_path) {
            return Self::preset(name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|e| SimError::os(path, e))?;
            return Self::from_toml(&text).map_err(|e| SimError::ProtocolFile {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
        let looks_like_a_path = name_or_path.contains(std::path::MAIN_SEPARATOR)
            || name_or_path.contains('/')
            || path.extension().is_some();
        if looks_like_a_path {
            return Err(SimError::ProtocolFile {
                path: path.display().to_string(),
                message: if path.exists() {
                    "not a regular file".into()
                } else {
                    format!(
                        "file not found (a protocol is a preset name, one of {}, or an existing \
                         TOML file)",
                        preset_names()
                    )
                },
            });
        }
        Self::preset(name_or_path)
    }

    /// A protocol from TOML text (a preset, a protocol file, a study's overrides), validated.
    pub fn from_toml(text: &str) -> Result<Protocol> {
        let p: Protocol =
            toml::from_str(text).map_err(|e| SimError::ProtocolToml(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a protocol serialises")
    }

    /// Checks everything that can be checked without the model.
    pub fn validate(&self) -> Result<()> {
        let bad =
            |field: &'static str, problem: String| Err(SimError::InvalidField { field, problem });
        if self.dim != 2 && self.dim != 3 {
            return bad("dim", format!("must be 2 or 3, got {}", self.dim));
        }
        if self.n < 2 {
            return bad("n", format!("must be at least 2, got {}", self.n));
        }
        if !(self.density.is_finite() && self.density > 0.0) {
            return Err(SimError::ImpossibleDensity {
                density: self.density,
                reason: "a number density must be positive and finite".into(),
            });
        }
        self.species_counts()?;
        for (what, v) in [
            ("t_melt", self.t_melt),
            ("t_final", self.t_final),
            ("dt", self.dt),
            ("t_damp", self.t_damp),
            ("f_tol", self.f_tol),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return bad(what, format!("must be positive and finite, got {v}"));
            }
        }
        if !(self.skin.is_finite() && self.skin >= 0.0) {
            return bad("skin", format!("must be ≥ 0, got {}", self.skin));
        }
        if self.max_attempts == 0 {
            return bad("max_attempts", "must be at least 1".into());
        }
        match (self.init, self.dim) {
            (Init::Sq2, 3) | (Init::Fcc | Init::Diamond, 2) => {
                return bad(
                    "init",
                    format!("{:?} does not exist in {}D", self.init, self.dim),
                );
            }
            _ => {}
        }
        if let Some(h) = self.vacuum {
            if !(h.is_finite() && h > 0.0) {
                return bad("vacuum", format!("must be positive and finite, got {h}"));
            }
            if self.dim != 3 || self.init != Init::Random {
                return bad(
                    "vacuum",
                    format!(
                        "a slab (vacuum = {h}) needs dim = 3 and init = \"random\" (atoms start in \
                     the plane z = H/2 and move in 3D), got dim = {} and init {:?}",
                        self.dim, self.init
                    ),
                );
            }
        }
        if self.planar_md && self.vacuum.is_none() {
            return bad(
                "planar_md",
                "holds a slab's sheet in its plane, so it needs `vacuum` (a sheet in a 3D cell); \
                 a 2D protocol (dim = 2) is planar already"
                    .to_string(),
            );
        }
        self.lattice_cells()?;
        Ok(())
    }

    /// True when the potential exists only as LAMMPS commands ([`LAMMPS_ONLY`]).
    pub fn lammps_only(&self) -> bool {
        self.potential == LAMMPS_ONLY
    }

    /// Particles of each species: ⌊x_k N⌋ for k ≥ 1 (as LAMMPS), the rest for species 0.
    pub fn species_counts(&self) -> Result<Vec<usize>> {
        let x = &self.composition;
        let err = |reason: String| {
            Err(SimError::ImpossibleComposition {
                composition: x.clone(),
                reason,
            })
        };
        if x.is_empty() {
            return err("no species".into());
        }
        if x.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
            return err("fractions must be finite and ≥ 0".into());
        }
        let sum: f64 = x.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return err(format!("fractions sum to {sum}, not 1"));
        }
        let mut counts = vec![0usize; x.len()];
        let mut rest = self.n as i64;
        for k in 1..x.len() {
            // LAMMPS `set type/ratio` converts (int)(fraction · N) atoms: truncation, not
            // rounding (Cu64Zr36 at N = 108: 38.88 → 38 Zr), and the native sampler must agree
            counts[k] = (x[k] * self.n as f64) as usize;
            rest -= counts[k] as i64;
        }
        if rest < 0 {
            return err(format!("the rounded counts exceed N = {}", self.n));
        }
        counts[0] = rest as usize;
        Ok(counts)
    }

    /// Lattice cells per side n_c, None for random initialisation: the smallest lattice that
    /// holds at least N sites (b·n_c^d ≥ N), so that any N has a lattice start. When N is not
    /// b·n_c^d, [`Protocol::lattice_vacancies`] sites are left empty (chosen by the seed).
    pub fn lattice_cells(&self) -> Result<Option<usize>> {
        if self.init == Init::Random {
            return Ok(None);
        }
        let b = self.init.basis();
        if self.n < 2 {
            return Err(SimError::InvalidField {
                field: "n",
                problem: format!("must be at least 2, got {}", self.n),
            });
        }
        let sites = |nc: usize| {
            nc.checked_pow(self.dim as u32)
                .and_then(|v| v.checked_mul(b))
        };
        // the real root first, then up or down by one against round-off
        let mut nc = ((self.n as f64 / b as f64)
            .powf(1.0 / self.dim as f64)
            .floor() as usize)
            .max(1);
        while nc > 1 && sites(nc - 1).is_some_and(|s| s >= self.n) {
            nc -= 1;
        }
        while sites(nc).is_some_and(|s| s < self.n) {
            nc += 1;
        }
        if sites(nc).is_none() {
            return Err(SimError::InvalidField {
                field: "n",
                problem: format!("{} particles do not fit a lattice of usize sites", self.n),
            });
        }
        Ok(Some(nc))
    }

    /// Lattice sites left empty: b·n_c^d − N (0 when N fills the lattice, and for random
    /// initialisation).
    pub fn lattice_vacancies(&self) -> Result<usize> {
        Ok(match self.lattice_cells()? {
            Some(nc) => self.init.basis() * nc.pow(self.dim as u32) - self.n,
            None => 0,
        })
    }

    /// Cell edge length L = (N/ρ)^{1/d}; for a slab, the in-plane edge √(N/ρ).
    pub fn box_length(&self) -> f64 {
        let d = if self.vacuum.is_some() { 2 } else { self.dim };
        (self.n as f64 / self.density).powf(1.0 / d as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_round_trip_through_toml() {
        for (name, _) in PRESETS {
            let p = Protocol::preset(name).unwrap();
            assert_eq!(&p.name, name);
            p.validate().unwrap();
            let back = Protocol::from_toml(&p.to_toml()).unwrap();
            assert_eq!(back, p);
        }
    }

    /// Every preset equals its value from before the presets moved into TOML files
    /// (`tests/data/presets-previous.json`, serialised by the code that held them), except the
    /// `[lammps]` pair lines, units and masses of presets whose potential vitrum-theory has:
    /// the interaction now writes those, with the model's units and masses (the same values),
    /// and for Kob–Andersen the same lines up to number formatting; and `amorphous-carbon-2d`'s
    /// `planar_md`, a deliberate change.
    #[test]
    fn presets_keep_their_previous_values() {
        let previous: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../tests/data/presets-previous.json")).unwrap();
        // presets added since (vashishta-sic) have no previous value
        assert_eq!(previous.len(), 7);
        let numbers = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .flat_map(|l| l.split_whitespace())
                .map(|w| match w.parse::<f64>() {
                    Ok(x) => format!("{x:e}"),
                    Err(_) => w.to_string(),
                })
                .collect()
        };
        for name in previous.keys() {
            let p = Protocol::preset(name).unwrap();
            let mut old: Protocol = serde_json::from_value(previous[name].clone()).unwrap();
            if !p.lammps_only() {
                let model = vitrum_theory::registry::load(&p.potential).unwrap();
                let written = crate::lammps::lammps_potential(&p, Some(&model)).unwrap();
                let was = old.lammps.take().unwrap();
                assert_eq!(written.units, was.units, "{name}");
                assert_eq!(written.masses, was.masses, "{name}");
                if p.potential == "kob-andersen" {
                    assert_eq!(numbers(&written.commands), numbers(&was.pair), "{name}");
                }
                let now = p.lammps.clone().unwrap_or_default();
                assert!(now.pair.is_empty() && now.units.is_empty() && now.masses.is_empty());
                assert_eq!(
                    (now.dynmat_step, &now.labels, &now.min_style),
                    (was.dynmat_step, &was.labels, &was.min_style),
                    "{name}"
                );
                old.lammps = p.lammps.clone();
            }
            if name == "amorphous-carbon-2d" {
                // held flat during melt and quench since 1 Dec 2026 (it crumpled before)
                assert!(p.planar_md && !old.planar_md);
                old.planar_md = true;
            }
            assert_eq!(p, old, "{name}");
        }
    }

    #[test]
    fn a_missing_protocol_file_is_not_an_unknown_preset() {
        let e = Protocol::load("nothere.toml").unwrap_err().to_string();
        assert!(
            e.contains("nothere.toml") && e.contains("file not found"),
            "{e}"
        );
        let e = Protocol::load("dir/ka2d").unwrap_err().to_string();
        assert!(e.contains("file not found"), "{e}");
        let e = Protocol::load("nothere").unwrap_err().to_string();
        assert!(e.contains("unknown") || e.contains("preset"), "{e}");
    }

    #[test]
    fn counts_follow_lammps_type_ratio() {
        let p = Protocol::preset("ka2d").unwrap();
        // round(0.35 · 512) = 179 type 2, as in the reference dataset's species_counts
        assert_eq!(p.species_counts().unwrap(), vec![333, 179]);
        assert_eq!(
            Protocol::preset("ka3d").unwrap().species_counts().unwrap(),
            vec![400, 100]
        );
    }

    /// Any N has a lattice: the smallest b·n_c^d ≥ N, exact where N fills it.
    #[test]
    fn every_n_has_the_smallest_lattice_that_holds_it() {
        for (name, b, d) in [("ka2d", 2usize, 2u32), ("ka3d", 4, 3)] {
            let mut p = Protocol::preset(name).unwrap();
            for n in (2..=5000)
                .step_by(7)
                .chain([512, 500, 242, 288, 256, 4, 32, 5000])
            {
                p.n = n;
                p.validate().unwrap();
                let nc = p.lattice_cells().unwrap().unwrap();
                assert!(b * nc.pow(d) >= n, "{name} N = {n}: n_c = {nc}");
                assert!(
                    nc == 1 || b * (nc - 1).pow(d) < n,
                    "{name} N = {n}: n_c = {nc}"
                );
                assert_eq!(p.lattice_vacancies().unwrap(), b * nc.pow(d) - n);
            }
        }
        let p = Protocol::preset("ka2d").unwrap();
        assert_eq!(
            (p.lattice_cells().unwrap(), p.lattice_vacancies().unwrap()),
            (Some(16), 0)
        );
    }

    #[test]
    fn impossible_composition_and_density_are_typed_errors() {
        let mut p = Protocol::preset("ka3d").unwrap();
        p.composition = vec![0.8, 0.3];
        assert!(matches!(
            p.validate(),
            Err(SimError::ImpossibleComposition { .. })
        ));
        p.composition = vec![1.2, -0.2];
        assert!(matches!(
            p.validate(),
            Err(SimError::ImpossibleComposition { .. })
        ));
        p.composition = vec![0.8, 0.2];
        p.density = -1.0;
        assert!(matches!(
            p.validate(),
            Err(SimError::ImpossibleDensity { .. })
        ));
        p.density = 1.2;
        p.n = 1;
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("at least 2"), "{e}");
        assert!(Protocol::from_toml("name = 1").is_err());
    }
}
