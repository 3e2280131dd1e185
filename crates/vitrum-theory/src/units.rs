//! Unit systems of the inputs and the frequency unit of the spectra.
//!
//! LAMMPS `units lj`: a dynamical-matrix eigenvalue λ is in ε/(mσ²), and the frequency reported is
//! the angular ω = √λ in τ⁻¹ = (ε/(mσ²))^{1/2}. LAMMPS `units metal`: λ is in eV/(Å²·amu) and the
//! frequency reported is the ordinary ν = √λ/(2π) in THz, the unit every phonon code quotes.

use serde::{Deserialize, Serialize};

/// √(eV/(Å²·amu)) in rad/s (CODATA 2018: e = 1.602176634e-19 C, u = 1.66053906660e-27 kg).
pub const METAL_RAD_PER_S_PER_SQRT_EIGENVALUE: f64 = 9.822_694_750_253_277e13;

/// ν [THz] = √λ × this, for λ in eV/(Å²·amu): the LAMMPS value (`../shared/physics.md`).
pub const METAL_THZ_PER_SQRT_EIGENVALUE: f64 = 15.633302;

/// ω [τ⁻¹] = √λ × this, for λ in ε/(mσ²).
pub const LJ_OMEGA_PER_SQRT_EIGENVALUE: f64 = 1.0;

/// Unit system of a potential and of the configurations it is used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    /// Reduced Lennard-Jones units; frequencies are angular, in τ⁻¹.
    #[default]
    Lj,
    /// eV, Å, amu; frequencies are ordinary, in THz.
    Metal,
}

impl Units {
    pub fn parse(s: &str) -> Option<Units> {
        match s.to_ascii_lowercase().as_str() {
            "lj" => Some(Units::Lj),
            "metal" => Some(Units::Metal),
            _ => None,
        }
    }

    /// Frequency per √eigenvalue in this unit system.
    pub fn frequency_factor(self) -> f64 {
        match self {
            Units::Lj => LJ_OMEGA_PER_SQRT_EIGENVALUE,
            Units::Metal => METAL_THZ_PER_SQRT_EIGENVALUE,
        }
    }

    /// The frequency of an eigenvalue λ ≥ 0.
    pub fn frequency(self, eigenvalue: f64) -> f64 {
        eigenvalue.sqrt() * self.frequency_factor()
    }

    /// The eigenvalue of a frequency (inverse of `frequency`).
    pub fn eigenvalue(self, frequency: f64) -> f64 {
        (frequency / self.frequency_factor()).powi(2)
    }

    /// Name of the frequency unit, for headers and messages.
    pub fn frequency_unit(self) -> &'static str {
        match self {
            Units::Lj => "omega [tau^-1]",
            Units::Metal => "nu [THz]",
        }
    }
}

impl std::fmt::Display for Units {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Units::Lj => "lj",
            Units::Metal => "metal",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metal_conversion_follows_from_codata() {
        let ev: f64 = 1.602176634e-19; // J
        let amu = 1.66053906660e-27; // kg
        let angstrom = 1e-10; // m
        let rad_per_s = (ev / (angstrom * angstrom * amu)).sqrt();
        assert!((rad_per_s / METAL_RAD_PER_S_PER_SQRT_EIGENVALUE - 1.0).abs() < 1e-12);
        let thz = rad_per_s / (2.0 * std::f64::consts::PI) / 1e12;
        // LAMMPS quotes 7 significant digits (15.633302) from older constants: 1.4e-7 below CODATA 2018
        assert!(
            (thz / METAL_THZ_PER_SQRT_EIGENVALUE - 1.0).abs() < 2e-7,
            "{thz}"
        );
        // physics.md: √(eV/(Å²·amu)) = 9.8227e13 rad/s
        assert!((rad_per_s / 9.8227e13 - 1.0).abs() < 1e-4);
    }

    #[test]
    fn frequencies_round_trip() {
        for u in [Units::Lj, Units::Metal] {
            assert!((u.eigenvalue(u.frequency(2.5)) - 2.5).abs() < 1e-14);
        }
        assert_eq!(Units::Lj.frequency(4.0), 2.0);
        assert!((Units::Metal.frequency(1.0) - 15.633302).abs() < 1e-12);
        assert_eq!(Units::parse("METAL"), Some(Units::Metal));
        assert_eq!(Units::parse("real"), None);
    }
}
