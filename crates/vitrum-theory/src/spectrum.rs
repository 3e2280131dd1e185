//! From eigenvalues to spectra: zero and negative modes, the VDOS on a frequency grid
//! (histogram or Gaussian), spectral moments, participation ratios.

use crate::error::{Result, TheoryError};
use crate::units::Units;
use ndarray::Array2;
use serde::Serialize;
use vitrum_io::Dim;

/// |λ| below this fraction of the largest |λ| counts as a zero mode. Translations come out at
/// round-off (~1e-13 relative); the softest physical modes of the fixtures are ≥ 1e-3 relative.
pub const ZERO_MODE_RELATIVE_TOLERANCE: f64 = 1e-8;

/// The eigenvalues of a dynamical matrix, classified.
#[derive(Debug, Clone, Serialize)]
pub struct ModeSpectrum {
    /// All d·N eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    pub dim: usize,
    pub n_particles: usize,
    /// Absolute zero-mode tolerance used.
    pub zero_tolerance: f64,
    pub n_zero: usize,
    pub n_negative: usize,
    /// Everything a user should know about this spectrum (not at a minimum, rattlers, …).
    pub warnings: Vec<String>,
}

impl ModeSpectrum {
    pub fn new(mut eigenvalues: Vec<f64>, dim: Dim, n_particles: usize) -> Result<Self> {
        if eigenvalues.iter().any(|x| !x.is_finite()) {
            return Err(TheoryError::NonFinite {
                what: "eigenvalue",
                value: f64::NAN,
            });
        }
        eigenvalues.sort_by(f64::total_cmp);
        let d = dim.get();
        let scale = eigenvalues.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let tol = ZERO_MODE_RELATIVE_TOLERANCE * scale;
        let n_zero = eigenvalues.iter().filter(|x| x.abs() <= tol).count();
        let negatives: Vec<f64> = eigenvalues.iter().copied().filter(|&x| x < -tol).collect();
        let mut warnings = Vec::new();
        if !negatives.is_empty() {
            warnings.push(format!(
                "{} negative eigenvalue(s) (lowest {:.6e}): the configuration is not at an energy \
                 minimum; these modes are left out of the VDOS",
                negatives.len(),
                negatives[0]
            ));
        }
        if n_zero != d {
            warnings.push(format!(
                "{n_zero} zero mode(s) (|λ| ≤ {tol:.3e}) where {d} translations are expected: \
                 rattlers, a broken Hessian, or an unconverged minimum"
            ));
        }
        Ok(ModeSpectrum {
            eigenvalues,
            dim: d,
            n_particles,
            zero_tolerance: tol,
            n_zero,
            n_negative: negatives.len(),
            warnings,
        })
    }

    /// The positive (non-zero) eigenvalues: the modes the VDOS counts.
    pub fn positive(&self) -> impl Iterator<Item = f64> + '_ {
        let tol = self.zero_tolerance;
        self.eigenvalues.iter().copied().filter(move |&x| x > tol)
    }

    /// M2 = (1/(dN)) Σ λ_n = Tr D/(dN) (all modes).
    pub fn m2(&self) -> f64 {
        self.eigenvalues.iter().sum::<f64>() / self.eigenvalues.len() as f64
    }

    /// M4 = (1/(dN)) Σ λ_n² (all modes).
    pub fn m4(&self) -> f64 {
        self.eigenvalues.iter().map(|x| x * x).sum::<f64>() / self.eigenvalues.len() as f64
    }
}

/// A uniform frequency grid on [0, max] with `bins` bins, reported at bin midpoints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrequencyGrid {
    pub max: f64,
    pub bins: usize,
}

impl FrequencyGrid {
    pub fn new(max: f64, bins: usize) -> Result<Self> {
        if !(max.is_finite() && max > 0.0) || bins == 0 {
            return Err(TheoryError::Invalid(format!(
                "a frequency grid needs max > 0 and bins ≥ 1 (got {max}, {bins})"
            )));
        }
        Ok(FrequencyGrid { max, bins })
    }

    pub fn width(&self) -> f64 {
        self.max / self.bins as f64
    }

    pub fn centers(&self) -> Vec<f64> {
        (0..self.bins)
            .map(|k| (k as f64 + 0.5) * self.width())
            .collect()
    }
}

/// A vibrational density of states D(ω) = (1/n) Σ_n δ(ω − ω_n) over the n positive modes.
#[derive(Debug, Clone, Serialize)]
pub struct Vdos {
    pub grid: FrequencyGrid,
    /// Bin midpoints, in `units.frequency_unit()`.
    pub frequency: Vec<f64>,
    pub density: Vec<f64>,
    /// Gaussian width, None for a histogram.
    pub sigma: Option<f64>,
    pub units: Units,
    /// Number of modes the density is normalised by.
    pub n_modes: usize,
    pub warnings: Vec<String>,
}

impl Vdos {
    /// ∫ |D − D'| dω on the common grid.
    pub fn l1_distance(&self, other: &Vdos) -> f64 {
        self.density
            .iter()
            .zip(&other.density)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            * self.grid.width()
    }
}

/// The normalised Gaussian of width σ.
pub fn gaussian(x: f64, sigma: f64) -> f64 {
    (-0.5 * (x / sigma).powi(2)).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
}

/// The VDOS of the positive modes on `grid`: a histogram (`sigma = None`, bin k holds
/// edges[k] ≤ ω < edges[k+1]) or a sum of Gaussians of width σ evaluated at the midpoints.
/// Normalised by the number of positive modes, so it integrates to 1 when every mode lies on
/// the grid (then equal to numpy's `histogram(..., density=True)`).
pub fn vdos(
    spectrum: &ModeSpectrum,
    units: Units,
    grid: FrequencyGrid,
    sigma: Option<f64>,
) -> Result<Vdos> {
    let omegas: Vec<f64> = spectrum.positive().map(|l| units.frequency(l)).collect();
    if omegas.is_empty() {
        return Err(TheoryError::Invalid(
            "no positive mode: nothing to put in a VDOS".into(),
        ));
    }
    let n = omegas.len() as f64;
    let w = grid.width();
    let centers = grid.centers();
    let mut density = vec![0.0; grid.bins];
    let mut warnings = spectrum.warnings.clone();
    match sigma {
        None => {
            let mut outside = 0usize;
            for &om in &omegas {
                let k = (om / w).floor();
                if k >= 0.0 && (k as usize) < grid.bins {
                    density[k as usize] += 1.0 / (n * w);
                } else {
                    outside += 1;
                }
            }
            if outside > 0 {
                warnings.push(format!(
                    "{outside} mode(s) above the grid maximum {} are not in the VDOS",
                    grid.max
                ));
            }
        }
        Some(s) => {
            if !(s.is_finite() && s > 0.0) {
                return Err(TheoryError::Invalid(format!(
                    "sigma must be positive, got {s}"
                )));
            }
            for (k, c) in centers.iter().enumerate() {
                density[k] = omegas.iter().map(|&om| gaussian(c - om, s)).sum::<f64>() / n;
            }
        }
    }
    Ok(Vdos {
        grid,
        frequency: centers,
        density,
        sigma,
        units,
        n_modes: omegas.len(),
        warnings,
    })
}

/// Participation ratio of each mode (columns of `vectors`, d·N rows in particle order):
/// PR = (Σ_i |e_i|²)² / (N Σ_i |e_i|⁴); 1 for a plane wave-like mode, ~1/N for one atom.
pub fn participation_ratios(vectors: &Array2<f64>, dim: Dim) -> Vec<f64> {
    let d = dim.get();
    let n = vectors.nrows() / d;
    vectors
        .columns()
        .into_iter()
        .map(|col| {
            let mut s2 = 0.0;
            let mut s4 = 0.0;
            for i in 0..n {
                let p: f64 = (0..d).map(|a| col[i * d + a].powi(2)).sum();
                s2 += p;
                s4 += p * p;
            }
            s2 * s2 / (n as f64 * s4)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_negative_modes_are_counted_and_reported() {
        let s = ModeSpectrum::new(vec![1e-14, -1e-13, 0.0, 2.0, 4.0, 9.0], Dim::Three, 2).unwrap();
        assert_eq!(s.n_zero, 3);
        assert!(s.warnings.is_empty());
        let bad = ModeSpectrum::new(vec![-0.5, 0.0, 0.0, 1.0, 4.0, 9.0], Dim::Three, 2).unwrap();
        assert_eq!(bad.n_negative, 1);
        assert!(
            bad.warnings
                .iter()
                .any(|w| w.contains("not at an energy minimum"))
        );
        assert!(bad.warnings.iter().any(|w| w.contains("2 zero mode")));
        assert_eq!(bad.positive().count(), 3);
    }

    #[test]
    fn histogram_and_gaussian_are_normalised() {
        let s = ModeSpectrum::new(vec![0.0, 0.0, 1.0, 4.0, 9.0, 16.0], Dim::Two, 3).unwrap();
        let grid = FrequencyGrid::new(10.0, 100).unwrap();
        for sigma in [None, Some(0.2)] {
            let v = vdos(&s, Units::Lj, grid, sigma).unwrap();
            let total: f64 = v.density.iter().sum::<f64>() * grid.width();
            assert!((total - 1.0).abs() < 1e-6, "{sigma:?}: {total}");
        }
        // metal: frequencies in THz
        let v = vdos(
            &s,
            Units::Metal,
            FrequencyGrid::new(80.0, 80).unwrap(),
            None,
        )
        .unwrap();
        assert!(v.density[15] > 0.0); // ν = 15.633 THz for λ = 1
    }

    #[test]
    fn participation_ratio_limits() {
        let n = 4;
        let mut v = Array2::zeros((2 * n, 2));
        for i in 0..n {
            v[[2 * i, 0]] = 0.5; // extended: every particle moves equally
        }
        v[[3, 1]] = 1.0; // localised on one particle
        let pr = participation_ratios(&v, Dim::Two);
        assert!((pr[0] - 1.0).abs() < 1e-12);
        assert!((pr[1] - 0.25).abs() < 1e-12);
    }
}
