//! The protocol: everything that decides a glass sample except its seed. Serialisable (TOML for
//! users, JSON in dataset manifests) and validated once, before any simulation starts.

use crate::error::{Result, SimError};
use serde::{Deserialize, Serialize};

/// How the initial configuration is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// fcc, 4 sites per cubic cell (3D); N = 4 n_c³.
    Fcc,
    /// Square lattice with a two-site basis, LAMMPS `sq2` (2D); N = 2 n_c².
    Sq2,
    /// Diamond, 8 sites per cubic cell (3D); N = 8 n_c³.
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
/// time units (lj: τ; metal: ps). Composition fractions follow the model's species order; the
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
    /// LAMMPS-only settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lammps: Option<LammpsSettings>,
}

/// The `potential` of a protocol whose potential exists only as LAMMPS commands (its
/// `[lammps]` section: Tersoff, EAM, LCBOP, …): vitrum-theory has no model for it, so the native
/// sampler refuses it and the LAMMPS backend takes energy, force norm and dynamical matrix from
/// LAMMPS alone.
pub const LAMMPS_ONLY: &str = "lammps";

/// What the LAMMPS backend needs beyond the protocol: the potential as LAMMPS commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LammpsSettings {
    /// `units` (lj, metal).
    pub units: String,
    /// Lines after `mass`: pair_style, pair_coeff, pair_modify. `POTDIR` is replaced by the
    /// potentials directory of the LAMMPS installation.
    pub pair: Vec<String>,
    /// Masses per type, LAMMPS type order (= model species order).
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

const KA_LAMMPS: &[&str] = &[
    "pair_style lj/cut 2.5",
    "pair_coeff 1 1 1.0 1.00 2.5",
    "pair_coeff 1 2 1.5 0.80 2.0",
    "pair_coeff 2 2 0.5 0.88 2.2",
    "pair_modify shift yes",
];

/// Protocol presets: the reference protocols of `fixtures/*/meta.json` (native and LAMMPS),
/// then LAMMPS-only ones (potentials vitrum-theory does not have; docs/potentials.md).
pub const PRESETS: &[&str] = &[
    "ka3d",
    "ka2d",
    "yukawa",
    "sw-si",
    "tersoff-sic",
    "eam-cuzral",
    "amorphous-carbon-2d",
];

impl Protocol {
    /// A preset by name.
    pub fn preset(name: &str) -> Result<Protocol> {
        let lj = |pair: &[&str]| LammpsSettings {
            units: "lj".into(),
            pair: pair.iter().map(|s| s.to_string()).collect(),
            masses: vec![1.0, 1.0],
            dynmat_step: 1e-6,
            labels: Vec::new(),
            min_style: default_min_style(),
        };
        let metal = |pair: &[&str], masses: &[f64], labels: &[&str], min: &str| LammpsSettings {
            units: "metal".into(),
            pair: pair.iter().map(|s| s.to_string()).collect(),
            masses: masses.to_vec(),
            dynmat_step: 1e-5,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            min_style: min.into(),
        };
        let base = Protocol {
            name: name.into(),
            potential: "kob-andersen".into(),
            dim: 3,
            n: 500,
            density: 1.2,
            composition: vec![0.8, 0.2],
            init: Init::Fcc,
            t_melt: 2.0,
            t_final: 0.1,
            melt_steps: 5000,
            quench_steps: 10000,
            dt: 0.005,
            t_damp: 0.5,
            f_tol: 1e-10,
            max_min_steps: default_max_min_steps(),
            skin: 0.3,
            max_attempts: default_attempts(),
            vacuum: None,
            lammps: Some(lj(KA_LAMMPS)),
        };
        let p = match name {
            // fixtures/ka3d/meta.json
            "ka3d" => base,
            // reference dataset-ka2d: sq2 16², 65:35, 2.0 → 0.05, 2000 melt steps
            "ka2d" => Protocol {
                dim: 2,
                n: 512,
                composition: vec![0.65, 0.35],
                init: Init::Sq2,
                t_final: 0.05,
                melt_steps: 2000,
                ..base
            },
            // fixtures/yukawa3d/meta.json: 50:50, T 1.0 → 0.01
            "yukawa" => Protocol {
                potential: "yukawa-binary".into(),
                composition: vec![0.5, 0.5],
                t_melt: 1.0,
                t_final: 0.01,
                lammps: Some(lj(&[
                    "variable yk equal 1.0",
                    "variable yrc equal 3.5",
                    "pair_style lepton 3.5",
                    "pair_coeff 1 1 \"A*(exp(-k*r)/r - exp(-k*c)/c + (r-c)*exp(-k*c)*(k*c+1)/c^2);A=1.0;k=v_yk;c=v_yrc\"",
                    "pair_coeff 1 2 \"A*(exp(-k*r)/r - exp(-k*c)/c + (r-c)*exp(-k*c)*(k*c+1)/c^2);A=1.4;k=v_yk;c=v_yrc\"",
                    "pair_coeff 2 2 \"A*(exp(-k*r)/r - exp(-k*c)/c + (r-c)*exp(-k*c)*(k*c+1)/c^2);A=1.96;k=v_yk;c=v_yrc\"",
                ])),
                ..base
            },
            // fixtures/asi-sw/meta.json: diamond 4³ at a = 5.431 Å, 3000 K → 300 K, dt 1 fs
            "sw-si" => Protocol {
                potential: "si-sw".into(),
                n: 512,
                density: 8.0 / 5.431f64.powi(3),
                composition: vec![1.0],
                init: Init::Diamond,
                t_melt: 3000.0,
                t_final: 300.0,
                melt_steps: 10000,
                quench_steps: 20000,
                dt: 0.001,
                t_damp: 0.1,
                f_tol: 1e-8,
                skin: 1.0,
                lammps: Some(LammpsSettings {
                    units: "metal".into(),
                    pair: vec![
                        "pair_style sw".into(),
                        "pair_coeff * * POTDIR/Si.sw Si".into(),
                    ],
                    masses: vec![28.0855],
                    dynmat_step: 1e-5,
                    labels: Vec::new(),
                    min_style: default_min_style(),
                }),
                ..base
            },
            // amorphous SiC, 50:50, Tersoff with the Erhart–Albe parameters (smoother than
            // SiC.tersoff, see ../shared/lammps.md); ρ = 0.090 Å⁻³ (≈ 3.0 g/cm³, a-SiC is 5–10 %
            // less dense than 3C-SiC's 0.0966), melt at 4000 K (5000 K at fixed volume ran at
            // 40–57 GPa), diamond start with random species
            "tersoff-sic" => Protocol {
                potential: LAMMPS_ONLY.into(),
                n: 512,
                density: 0.090,
                composition: vec![0.5, 0.5],
                init: Init::Diamond,
                t_melt: 4000.0,
                t_final: 300.0,
                melt_steps: 10000,
                quench_steps: 20000,
                dt: 0.001,
                t_damp: 0.1,
                f_tol: 1e-6,
                // a failing minimisation is retried with a new seed; 50 000 bounds its cost
                max_min_steps: 50_000,
                skin: 1.0,
                lammps: Some(metal(
                    &[
                        "pair_style tersoff",
                        "pair_coeff * * POTDIR/SiC_Erhart-Albe.tersoff Si C",
                    ],
                    &[28.0855, 12.011],
                    &["Si", "C"],
                    "fire",
                )),
                ..base
            },
            // Cu64Zr36 metallic glass, Finnis–Sinclair EAM of Mendelev et al. (CuZr_mm.eam.fs,
            // shipped with LAMMPS); no Cu–Zr–Al file ships, a ternary needs a user file (see
            // docs/potentials.md). ρ = 0.0650 Å⁻³ (≈ 7.9 g/cm³), melt 2000 K, quench to 300 K in
            // 40 ps (4e13 K/s), dt 2 fs
            "eam-cuzral" => Protocol {
                potential: LAMMPS_ONLY.into(),
                n: 500,
                density: 0.0650,
                composition: vec![0.64, 0.36],
                init: Init::Fcc,
                t_melt: 2000.0,
                t_final: 300.0,
                melt_steps: 5000,
                quench_steps: 20000,
                dt: 0.002,
                t_damp: 0.2,
                f_tol: 1e-6,
                // a failing minimisation is retried with a new seed; 50 000 bounds its cost
                max_min_steps: 50_000,
                skin: 1.0,
                lammps: Some(metal(
                    &[
                        "pair_style eam/fs",
                        "pair_coeff * * POTDIR/CuZr_mm.eam.fs Cu Zr",
                    ],
                    &[63.546, 91.224],
                    &["Cu", "Zr"],
                    "cg",
                )),
                ..base
            },
            // monolayer amorphous carbon: LCBOP (C.lcbop), a sheet of N = 200 at the areal
            // density of graphene (0.3818 Å⁻²) in a cell 20 Å high; random start in the plane,
            // melt at 5000 K, quench to 300 K over 10 ps, dt 0.5 fs
            "amorphous-carbon-2d" => Protocol {
                potential: LAMMPS_ONLY.into(),
                n: 200,
                density: 0.3818,
                composition: vec![1.0],
                init: Init::Random,
                t_melt: 5000.0,
                t_final: 300.0,
                melt_steps: 4000,
                quench_steps: 20000,
                dt: 0.0005,
                t_damp: 0.05,
                f_tol: 1e-6,
                // a failing minimisation is retried with a new seed; 50 000 bounds its cost
                max_min_steps: 50_000,
                skin: 1.0,
                vacuum: Some(20.0),
                lammps: Some(metal(
                    &["pair_style lcbop", "pair_coeff * * POTDIR/C.lcbop C"],
                    &[12.011],
                    &["C"],
                    "fire",
                )),
                ..base
            },
            _ => {
                return Err(SimError::Protocol(format!(
                    "unknown system preset '{name}'; presets: {}, or a protocol file (*.toml)",
                    PRESETS.join(", ")
                )));
            }
        };
        Ok(p)
    }

    /// A preset name or a protocol TOML file.
    pub fn load(name_or_path: &str) -> Result<Protocol> {
        if PRESETS.contains(&name_or_path) {
            return Self::preset(name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|e| SimError::os(path, e))?;
            return Self::from_toml(&text)
                .map_err(|e| SimError::Protocol(format!("{}: {e}", path.display())));
        }
        Self::preset(name_or_path)
    }

    pub fn from_toml(text: &str) -> Result<Protocol> {
        let p: Protocol = toml::from_str(text).map_err(|e| SimError::Protocol(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a protocol serialises")
    }

    /// Checks everything that can be checked without the model.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(SimError::Protocol(m));
        if self.dim != 2 && self.dim != 3 {
            return bad(format!("dim must be 2 or 3, got {}", self.dim));
        }
        if self.n < 2 {
            return bad(format!("n must be at least 2, got {}", self.n));
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
                return bad(format!("{what} must be positive and finite, got {v}"));
            }
        }
        if !(self.skin.is_finite() && self.skin >= 0.0) {
            return bad(format!("skin must be ≥ 0, got {}", self.skin));
        }
        if self.max_attempts == 0 {
            return bad("max_attempts must be at least 1".into());
        }
        match (self.init, self.dim) {
            (Init::Sq2, 3) | (Init::Fcc | Init::Diamond, 2) => {
                return bad(format!(
                    "init {:?} does not exist in {}D",
                    self.init, self.dim
                ));
            }
            _ => {}
        }
        if let Some(h) = self.vacuum {
            if !(h.is_finite() && h > 0.0) {
                return bad(format!("vacuum must be positive and finite, got {h}"));
            }
            if self.dim != 3 || self.init != Init::Random {
                return bad(format!(
                    "a slab (vacuum = {h}) needs dim = 3 and init = \"random\" (atoms start in \
                     the plane z = H/2 and move in 3D), got dim = {} and init {:?}",
                    self.dim, self.init
                ));
            }
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

    /// Lattice cells per side n_c, None for random initialisation.
    pub fn lattice_cells(&self) -> Result<Option<usize>> {
        if self.init == Init::Random {
            return Ok(None);
        }
        let b = self.init.basis();
        let nc = ((self.n / b) as f64).powf(1.0 / self.dim as f64).round() as usize;
        if nc == 0 || b * nc.pow(self.dim as u32) != self.n {
            return Err(SimError::Protocol(format!(
                "init {:?} needs N = {b}·n_c^{} particles (e.g. {}, {}), got {}; use init = \"random\"",
                self.init,
                self.dim,
                b * (nc.max(1)).pow(self.dim as u32),
                b * (nc + 1).pow(self.dim as u32),
                self.n
            )));
        }
        Ok(Some(nc))
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
        for name in PRESETS {
            let p = Protocol::preset(name).unwrap();
            p.validate().unwrap();
            let back = Protocol::from_toml(&p.to_toml()).unwrap();
            assert_eq!(back, p);
        }
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
        p.n = 501;
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("init = \"random\""), "{e}");
        assert!(Protocol::from_toml("name = 1").is_err());
    }
}
