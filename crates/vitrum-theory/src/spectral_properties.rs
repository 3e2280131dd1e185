//! Scalar properties that are linear functionals of the VDOS, P = ∫ f(ω) D(ω) dω: on a binned
//! spectrum P = Σ_k f(ω_k) D_k Δω_k, so a model ŷ = W g + b that predicts D also predicts P as
//! (fᵀW) g + fᵀb, and the error of that prediction can be compared with a model fitted to P
//! directly. Per vibrational mode (D integrates to 1 over the modes), harmonic and quantum:
//! heat capacity c(x) = x² eˣ/(eˣ − 1)² and entropy s(x) = x/(eˣ − 1) − ln(1 − e⁻ˣ) in units of
//! k_B, x = hν/(k_B T). They need a frequency in physical units: a `metal` dataset's ω grid is
//! √λ in (eV/Å²/amu)^½, so ν = 15.633302 THz × ω ([`crate::units::METAL_THZ_PER_SQRT_EIGENVALUE`]);
//! reduced Lennard-Jones units have no ħ, and there the classical values (c = 1) say nothing
//! about the spectrum.

use crate::error::{Result, TheoryError};
use std::fmt;
use std::str::FromStr;
use vitrum_io::UnitSystem;

/// h/k_B in K per THz (CODATA 2018 exact constants: 6.62607015e-34 / 1.380649e-23 × 1e12).
pub const KELVIN_PER_THZ: f64 = 47.992_430_733_620_59;

/// A linear functional of the VDOS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpectralProperty {
    /// ⟨ω²⟩ (the sum-rule moment M2 in the grid's frequency unit squared).
    SecondMoment,
    /// ⟨ω⟩.
    MeanFrequency,
    /// Harmonic heat capacity per mode at a temperature (K), in k_B.
    HeatCapacity { kelvin: f64 },
    /// Harmonic vibrational entropy per mode at a temperature (K), in k_B.
    VibrationalEntropy { kelvin: f64 },
    /// The boson-peak height: the mean of the reduced VDOS D(ω)/ω^(d−1) over the window
    /// [lo, hi] (the grid's ω unit) that brackets the peak — a linear functional, unlike the
    /// maximum, so fᵀW predicts it. A Debye spectrum A ω^(d−1) gives A over any window.
    BosonPeak { lo: f64, hi: f64 },
}

impl fmt::Display for SpectralProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpectralProperty::SecondMoment => write!(f, "m2"),
            SpectralProperty::MeanFrequency => write!(f, "mean-frequency"),
            SpectralProperty::HeatCapacity { kelvin } => write!(f, "cv:{kelvin}"),
            SpectralProperty::VibrationalEntropy { kelvin } => write!(f, "svib:{kelvin}"),
            SpectralProperty::BosonPeak { lo, hi } => write!(f, "boson:{lo}..{hi}"),
        }
    }
}

impl FromStr for SpectralProperty {
    type Err = TheoryError;

    /// `m2`, `mean-frequency`, `cv:T`, `svib:T` (T in K), `boson:LO..HI` (ω in the grid's unit).
    fn from_str(s: &str) -> Result<Self> {
        let bad = |why: String| TheoryError::Invalid(format!("spectral property '{s}': {why}"));
        let kelvin = |t: &str| -> Result<f64> {
            let k: f64 = t
                .trim()
                .parse()
                .map_err(|_| bad(format!("'{t}' is not a temperature in K")))?;
            if !(k.is_finite() && k > 0.0) {
                return Err(bad(format!("the temperature must be positive, got {k}")));
            }
            Ok(k)
        };
        match s.trim().split_once(':') {
            None if s.trim() == "m2" => Ok(SpectralProperty::SecondMoment),
            None if s.trim() == "mean-frequency" => Ok(SpectralProperty::MeanFrequency),
            Some(("cv", t)) => Ok(SpectralProperty::HeatCapacity { kelvin: kelvin(t)? }),
            Some(("svib", t)) => Ok(SpectralProperty::VibrationalEntropy { kelvin: kelvin(t)? }),
            Some(("boson", w)) => {
                let window = w.split_once("..").and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                });
                match window {
                    Some((lo, hi)) if lo >= 0.0 && hi > lo && hi.is_finite() => {
                        Ok(SpectralProperty::BosonPeak { lo, hi })
                    }
                    _ => Err(bad(format!(
                        "'{w}' is not a window LO..HI with 0 ≤ LO < HI (ω in the grid's unit)"
                    ))),
                }
            }
            _ => Err(bad(
                "known: m2, mean-frequency, cv:T, svib:T (T in kelvin), boson:LO..HI (ω window)"
                    .to_string(),
            )),
        }
    }
}

impl SpectralProperty {
    /// What it is, with its unit for a spectrum in `units` (the moments in the grid's own
    /// frequency unit, √λ for metal).
    pub fn label(&self, units: UnitSystem) -> String {
        let f = units.frequency_unit();
        match self {
            SpectralProperty::SecondMoment => {
                // the eigenvalue unit: (·)^½ squared is the inside; τ⁻¹ squared is τ⁻²
                let squared = match f.strip_prefix('(').and_then(|g| g.strip_suffix(")^½")) {
                    Some(inside) => inside.to_string(),
                    None if f == "τ⁻¹" => "τ⁻²".to_string(),
                    None => format!("({f})²"),
                };
                format!("⟨ω²⟩ ({squared})")
            }
            SpectralProperty::MeanFrequency => format!("⟨ω⟩ ({f})"),
            SpectralProperty::HeatCapacity { kelvin } => {
                format!("C_v per mode at {kelvin} K (k_B)")
            }
            SpectralProperty::VibrationalEntropy { kelvin } => {
                format!("S_vib per mode at {kelvin} K (k_B)")
            }
            SpectralProperty::BosonPeak { lo, hi } => {
                format!("boson peak: mean D(ω)/ω^(d−1) over ω ∈ [{lo}, {hi}] {f}")
            }
        }
    }

    /// The weights f_k Δω_k with P = Σ_k weight_k D_k, for a spectrum binned at `points` with
    /// bin `widths` in `units`, of a `dim`-dimensional glass.
    pub fn weights(
        &self,
        points: &[f64],
        widths: &[f64],
        units: UnitSystem,
        dim: usize,
    ) -> Result<Vec<f64>> {
        let per_mode = |c: fn(f64) -> f64, kelvin: f64| -> Result<Vec<f64>> {
            if units != UnitSystem::Metal {
                return Err(TheoryError::Invalid(format!(
                    "{self}: a quantum heat capacity or entropy needs frequencies in physical units \
                     (LAMMPS metal: THz); this spectrum is in '{}' units, which have no ħ",
                    units.name()
                )));
            }
            // the grid is √λ in (eV/Å²/amu)^½; ν in THz is 15.633302 times it
            let thz = crate::units::METAL_THZ_PER_SQRT_EIGENVALUE;
            Ok(points
                .iter()
                .zip(widths)
                .map(|(omega, w)| c(KELVIN_PER_THZ * thz * omega / kelvin) * w)
                .collect())
        };
        match *self {
            SpectralProperty::SecondMoment => {
                Ok(points.iter().zip(widths).map(|(w, d)| w * w * d).collect())
            }
            SpectralProperty::MeanFrequency => {
                Ok(points.iter().zip(widths).map(|(w, d)| w * d).collect())
            }
            SpectralProperty::HeatCapacity { kelvin } => per_mode(heat_capacity, kelvin),
            SpectralProperty::VibrationalEntropy { kelvin } => per_mode(entropy, kelvin),
            SpectralProperty::BosonPeak { lo, hi } => {
                // each bin [ω − Δω/2, ω + Δω/2] counts by its overlap with the window
                let overlaps: Vec<f64> = points
                    .iter()
                    .zip(widths)
                    .map(|(&o, &d)| ((o + d / 2.0).min(hi) - (o - d / 2.0).max(lo)).max(0.0))
                    .collect();
                if overlaps.iter().sum::<f64>() < 0.999 * (hi - lo) {
                    return Err(TheoryError::Invalid(format!(
                        "{self}: the window [{lo}, {hi}] reaches beyond the spectrum's grid \
                         ({}–{}); choose one inside it",
                        points
                            .first()
                            .zip(widths.first())
                            .map_or(0.0, |(p, d)| p - d / 2.0),
                        points
                            .last()
                            .zip(widths.last())
                            .map_or(0.0, |(p, d)| p + d / 2.0),
                    )));
                }
                Ok(points
                    .iter()
                    .zip(overlaps)
                    .map(|(&omega, overlap)| {
                        if overlap > 0.0 && omega > 0.0 {
                            overlap / (hi - lo) / omega.powi(dim as i32 - 1)
                        } else {
                            0.0
                        }
                    })
                    .collect())
            }
        }
    }
}

/// x² eˣ/(eˣ − 1)², written with e⁻ˣ so that large x does not overflow; → 1 as x → 0.
fn heat_capacity(x: f64) -> f64 {
    if x < 1e-8 {
        return 1.0;
    }
    let e = (-x).exp();
    x * x * e / ((1.0 - e) * (1.0 - e))
}

/// x/(eˣ − 1) − ln(1 − e⁻ˣ); diverges (logarithmically) as x → 0, where a zero-frequency mode
/// has no finite harmonic entropy: the bin at ω = 0 carries no weight in a histogram.
fn entropy(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let e = (-x).exp();
    x * e / (1.0 - e) - (-e).ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Einstein solid: one mode at ν; C and S per mode against the closed forms at x = 1 and
    /// the classical limit C → 1 (hot), and ⟨ω²⟩ of a two-bin spectrum by hand.
    #[test]
    fn closed_forms_and_limits() {
        let e1 = std::f64::consts::E;
        let c1 = e1 / ((e1 - 1.0) * (e1 - 1.0));
        assert!((heat_capacity(1.0) - c1).abs() < 1e-15);
        let s1 = 1.0 / (e1 - 1.0) - (1.0 - 1.0 / e1).ln();
        assert!((entropy(1.0) - s1).abs() < 1e-15);
        assert!((heat_capacity(1e-3) - 1.0).abs() < 1e-6);
        assert!(heat_capacity(800.0) == 0.0 && heat_capacity(800.0).is_finite());
        // x = hν/(k_B T) = 1 at ν = 1 THz, T = 47.99 K: a one-bin spectrum D = 1/Δω at
        // ω = √λ = 1/15.633302 (eV/Å²/amu)^½, the grid unit of a metal dataset
        let p = SpectralProperty::HeatCapacity {
            kelvin: KELVIN_PER_THZ,
        };
        let one_thz = 1.0 / crate::units::METAL_THZ_PER_SQRT_EIGENVALUE;
        let w = p.weights(&[one_thz], &[0.5], UnitSystem::Metal, 3).unwrap();
        assert!((w[0] / 0.5 - c1).abs() < 1e-14);
        assert_eq!(
            SpectralProperty::MeanFrequency.label(UnitSystem::Metal),
            "⟨ω⟩ ((eV/Å²/amu)^½)"
        );
        assert_eq!(
            SpectralProperty::SecondMoment.label(UnitSystem::Metal),
            "⟨ω²⟩ (eV/Å²/amu)"
        );
        assert_eq!(
            SpectralProperty::SecondMoment.label(UnitSystem::Lj),
            "⟨ω²⟩ (τ⁻²)"
        );
        let m2 = SpectralProperty::SecondMoment
            .weights(&[1.0, 3.0], &[2.0, 2.0], UnitSystem::Lj, 2)
            .unwrap();
        // D = (0.25, 0.25) on bins of width 2 integrates to 1: ⟨ω²⟩ = 0.5·1 + 0.5·9 = 5
        assert!((m2[0] * 0.25 + m2[1] * 0.25 - 5.0).abs() < 1e-15);
    }

    /// The boson-peak height of a Debye spectrum D = A ω^(d−1) is A over any window: exactly
    /// in 2D (the bin mean of A ω is A ω_k), to the midpoint error Δω²/(12 ω²) in 3D; a window
    /// beyond the grid is refused.
    #[test]
    fn the_boson_peak_height_of_a_debye_spectrum_is_its_level() {
        let (a, dw) = (0.37, 0.25);
        let points: Vec<f64> = (0..40).map(|k| (k as f64 + 0.5) * dw).collect();
        let widths = vec![dw; 40];
        let p: SpectralProperty = "boson:1.1..3.3".parse().unwrap();
        for d in [2usize, 3] {
            // the bin means of A ω^(d−1)
            let binned: Vec<f64> = points
                .iter()
                .map(|w| {
                    let (lo, hi) = (w - dw / 2.0, w + dw / 2.0);
                    a * (hi.powi(d as i32) - lo.powi(d as i32)) / (d as f64 * dw)
                })
                .collect();
            let f = p.weights(&points, &widths, UnitSystem::Lj, d).unwrap();
            let height: f64 = f.iter().zip(&binned).map(|(f, b)| f * b).sum();
            let tol = if d == 2 {
                1e-14
            } else {
                dw * dw / 12.0 / 1.1_f64.powi(2)
            };
            assert!((height / a - 1.0).abs() < tol, "{d}D: {height} vs {a}");
        }
        let wide: SpectralProperty = "boson:5..12".parse().unwrap();
        let e = wide
            .weights(&points, &widths, UnitSystem::Lj, 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("beyond the spectrum's grid"), "{e}");
        assert!("boson:4..1".parse::<SpectralProperty>().is_err());
    }

    #[test]
    fn names_round_trip_and_errors_explain() {
        for s in [
            "m2",
            "mean-frequency",
            "cv:300",
            "svib:77.5",
            "boson:1..4.5",
        ] {
            let p: SpectralProperty = s.parse().unwrap();
            assert_eq!(p.to_string(), s);
        }
        assert!("cv:-3".parse::<SpectralProperty>().is_err());
        let e = "heat".parse::<SpectralProperty>().unwrap_err().to_string();
        assert!(e.contains("known: m2"), "{e}");
        let e = SpectralProperty::HeatCapacity { kelvin: 300.0 }
            .weights(&[1.0], &[1.0], UnitSystem::Lj, 3)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no ħ"), "{e}");
    }
}
