//! Diffraction weights: what a neutron or X-ray experiment measures is not the number-weighted
//! total g(r) but the Faber–Ziman sum of the partials weighted by each species' scattering
//! power, g_w(r) = Σ_ab c_a c_b f_a f_b g_ab(r) / (Σ_a c_a f_a)² (c: mole fractions, f: coherent
//! neutron scattering lengths, or atomic numbers Z for X-rays in the Z approximation, the q → 0
//! limit of the form factors). The weights sum to 1, so g_w → 1 at large r like g_ab. A model
//! trained on weighted features can take a measured PDF; one trained on the number-weighted
//! g(r) cannot (the weights differ unless every species scatters alike).

use crate::error::{DescriptorError, Result};
use crate::rdf::species_pairs;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which radiation weights the partials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Radiation {
    /// Coherent neutron scattering lengths b (fm).
    Neutron,
    /// X-rays with f(q) ≈ Z (the Z approximation).
    Xray,
}

impl Radiation {
    pub fn name(self) -> &'static str {
        match self {
            Radiation::Neutron => "neutron",
            Radiation::Xray => "xray",
        }
    }

    /// The scattering power of an element, or None when the table has no entry.
    pub fn power(self, element: &str) -> Option<f64> {
        let row = ELEMENTS.iter().find(|e| e.0 == element)?;
        Some(match self {
            Radiation::Neutron => row.2,
            Radiation::Xray => row.1 as f64,
        })
    }
}

/// (symbol, Z, coherent neutron scattering length in fm of the natural element) from V. F.
/// Sears, Neutron News 3, 26 (1992), as tabulated by NIST (www.ncnr.nist.gov/resources/n-lengths).
const ELEMENTS: &[(&str, u32, f64)] = &[
    ("H", 1, -3.739),
    ("Li", 3, -1.90),
    ("Be", 4, 7.79),
    ("B", 5, 5.30),
    ("C", 6, 6.646),
    ("N", 7, 9.36),
    ("O", 8, 5.803),
    ("F", 9, 5.654),
    ("Na", 11, 3.63),
    ("Mg", 12, 5.375),
    ("Al", 13, 3.449),
    ("Si", 14, 4.1491),
    ("P", 15, 5.13),
    ("S", 16, 2.847),
    ("Cl", 17, 9.577),
    ("Ar", 18, 1.909),
    ("K", 19, 3.67),
    ("Ca", 20, 4.70),
    ("Ti", 22, -3.438),
    ("V", 23, -0.3824),
    ("Cr", 24, 3.635),
    ("Mn", 25, -3.73),
    ("Fe", 26, 9.45),
    ("Co", 27, 2.49),
    ("Ni", 28, 10.3),
    ("Cu", 29, 7.718),
    ("Zn", 30, 5.68),
    ("Ga", 31, 7.288),
    ("Ge", 32, 8.185),
    ("As", 33, 6.58),
    ("Se", 34, 7.97),
    ("Y", 39, 7.75),
    ("Zr", 40, 7.16),
    ("Nb", 41, 7.054),
    ("Mo", 42, 6.715),
    ("Pd", 46, 5.91),
    ("Ag", 47, 5.922),
    ("Sn", 50, 6.225),
    ("Sb", 51, 5.57),
    ("Te", 52, 5.80),
    ("Ba", 56, 5.07),
    ("La", 57, 8.24),
    ("Hf", 72, 7.7),
    ("Ta", 73, 6.91),
    ("W", 74, 4.86),
    ("Pt", 78, 9.60),
    ("Au", 79, 7.63),
    ("Pb", 82, 9.405),
];

/// The scattering power of each species (in label order): the user's value when given
/// (`powers`, by label), else the table's for a label that is an element symbol.
pub fn species_powers(
    radiation: Radiation,
    labels: &[String],
    powers: &BTreeMap<String, f64>,
) -> Result<Vec<f64>> {
    if let Some(unknown) = powers.keys().find(|k| !labels.contains(k)) {
        return Err(DescriptorError::Invalid(format!(
            "scattering power given for '{unknown}', which is not a species here ({})",
            labels.join(", ")
        )));
    }
    labels
        .iter()
        .map(|l| {
            let f = powers
                .get(l)
                .copied()
                .or_else(|| radiation.power(l))
                .ok_or_else(|| {
                    DescriptorError::Invalid(format!(
                        "species '{l}' is not an element this table knows, so its {} scattering \
                         power is unknown: give it, e.g. lengths = {{ \"{l}\" = 4.1491 }} in the \
                         study (fm for neutrons, Z for X-rays) or --param lengths.{l}=4.1491",
                        radiation.name()
                    ))
                })?;
            if !f.is_finite() {
                return Err(DescriptorError::Invalid(format!(
                    "scattering power of '{l}' is {f}, not a finite number"
                )));
            }
            Ok(f)
        })
        .collect()
}

/// Faber–Ziman weights of the partials a ≤ b (in `species_pairs` order): (2 − δ_ab) c_a c_b f_a
/// f_b / (Σ c f)². They sum to 1. Fails when Σ c f = 0 (a null-scattering mixture, e.g. Ti–Zr
/// for neutrons), where the weighted g is undefined.
pub fn faber_ziman(fractions: &[f64], powers: &[f64]) -> Result<Vec<f64>> {
    let mean: f64 = fractions.iter().zip(powers).map(|(c, f)| c * f).sum();
    let scale = powers.iter().map(|f| f.abs()).fold(0.0, f64::max);
    if mean.abs() <= 1e-12 * scale || !mean.is_finite() {
        return Err(DescriptorError::Invalid(format!(
            "the mean scattering power Σ c_a f_a is {mean:e}: this composition does not scatter \
             coherently, so its weighted g(r) is undefined"
        )));
    }
    Ok(species_pairs(fractions.len())
        .into_iter()
        .map(|(a, b)| {
            let both = if a == b { 1.0 } else { 2.0 };
            both * fractions[a] * fractions[b] * powers[a] * powers[b] / (mean * mean)
        })
        .collect())
}

/// The pair distribution function G(r) = 4πρ r [g(r) − 1] (Å⁻² for ρ in Å⁻³) that PDF programs
/// (PDFgetX3, PDFgui) write, from g on points r at number density ρ; 3D only.
pub fn pdf_from_g(r: &[f64], g: &[f64], density: f64) -> Vec<f64> {
    r.iter()
        .zip(g)
        .map(|(r, g)| 4.0 * std::f64::consts::PI * density * r * (g - 1.0))
        .collect()
}

/// g(r) = 1 + G(r)/(4πρr), the inverse of [`pdf_from_g`]; r must be > 0.
pub fn g_from_pdf(r: &[f64], pdf: &[f64], density: f64) -> Vec<f64> {
    r.iter()
        .zip(pdf)
        .map(|(r, p)| 1.0 + p / (4.0 * std::f64::consts::PI * density * r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weights sum to 1 (so g_w → 1), and a species mix that scatters alike gives the
    /// number weights c_a c_b (2 − δ_ab), i.e. the total g of the reference convention.
    #[test]
    fn weights_sum_to_one_and_reduce_to_number_weights() {
        let c = [0.5, 0.3, 0.2];
        let w = faber_ziman(&c, &[4.1491, 6.646, 7.718]).unwrap();
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        let same = faber_ziman(&c, &[2.0, 2.0, 2.0]).unwrap();
        let pairs = species_pairs(3);
        for (k, (a, b)) in pairs.into_iter().enumerate() {
            let n = if a == b { 1.0 } else { 2.0 } * c[a] * c[b];
            assert!((same[k] - n).abs() < 1e-15);
        }
    }

    /// SiC by neutrons: b_Si = 4.1491, b_C = 6.646 fm (Sears 1992): w_SiSi = 0.1082…,
    /// w_SiC = 0.4656…, w_CC = 0.2776… by hand (⟨b⟩ = 5.39755 fm).
    #[test]
    fn sic_neutron_weights_by_hand() {
        let labels = vec!["Si".to_string(), "C".to_string()];
        let f = species_powers(Radiation::Neutron, &labels, &BTreeMap::new()).unwrap();
        let w = faber_ziman(&[0.5, 0.5], &f).unwrap();
        let mean: f64 = 0.5 * 4.1491 + 0.5 * 6.646;
        let expect = [
            0.25 * 4.1491f64.powi(2) / mean.powi(2),
            0.5 * 4.1491 * 6.646 / mean.powi(2),
            0.25 * 6.646f64.powi(2) / mean.powi(2),
        ];
        for k in 0..3 {
            assert!((w[k] - expect[k]).abs() < 1e-15, "{k}");
        }
        let x = species_powers(Radiation::Xray, &labels, &BTreeMap::new()).unwrap();
        assert_eq!(x, vec![14.0, 6.0]);
    }

    #[test]
    fn unknown_species_and_null_scatterers_are_explained() {
        let labels = vec!["1".to_string(), "2".to_string()];
        let e = species_powers(Radiation::Neutron, &labels, &BTreeMap::new()).unwrap_err();
        assert!(e.to_string().contains("lengths"), "{e}");
        let given = BTreeMap::from([("1".to_string(), 1.0), ("2".to_string(), 2.0)]);
        assert_eq!(
            species_powers(Radiation::Neutron, &labels, &given).unwrap(),
            vec![1.0, 2.0]
        );
        let e = faber_ziman(&[0.5, 0.5], &[1.0, -1.0]).unwrap_err();
        assert!(e.to_string().contains("does not scatter"), "{e}");
    }

    /// G → g → G is the identity (to rounding).
    #[test]
    fn pdf_round_trip() {
        let r = [0.5, 1.0, 2.5];
        let g = [0.0, 2.7, 0.95];
        let back = g_from_pdf(&r, &pdf_from_g(&r, &g, 0.09), 0.09);
        for k in 0..3 {
            assert!((back[k] - g[k]).abs() < 1e-14);
        }
    }
}
