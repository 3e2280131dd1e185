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

/// The VDOS of the positive modes on `grid`: a histogram (`sigma = None`, [`histogram_density`]'s
/// bins: edges[k] ≤ ω < edges[k+1], the last closed) or a sum of Gaussians of width σ evaluated at the midpoints.
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
    let n = omegas.len();
    let centers = grid.centers();
    let mut warnings = spectrum.warnings.clone();
    let density = match sigma {
        None => {
            // the dataset histogram (numpy's bins), renormalised from the modes inside the
            // grid to all positive modes, so that modes above the grid lower the integral
            let inside = omegas
                .iter()
                .filter(|&&om| (0.0..=grid.max).contains(&om))
                .count();
            let outside = n - inside;
            let scale = inside as f64 / n as f64;
            let h = histogram_density(&omegas, grid.max, grid.bins);
            if outside > 0 {
                warnings.push(format!(
                    "{outside} mode(s) above the grid maximum {} are not in the VDOS",
                    grid.max
                ));
            }
            h.into_iter().map(|v| v * scale).collect()
        }
        Some(s) => broadened_density(&omegas, &centers, s)?,
    };
    Ok(Vdos {
        grid,
        frequency: centers,
        density,
        sigma,
        units,
        n_modes: n,
        warnings,
    })
}

/// The frequencies of a dataset's VDOS targets (the reference convention): ω = √max(λ, 0) over
/// `eigenvalues` sorted ascending with the `d` lowest (the translations) dropped.
pub fn dataset_frequencies(eigenvalues: &[f64], d: usize) -> Vec<f64> {
    let mut e = eigenvalues.to_vec();
    e.sort_by(f64::total_cmp);
    e.iter().skip(d).map(|&l| l.max(0.0).sqrt()).collect()
}

/// The one VDOS histogram of vitrum's datasets, `numpy.histogram(x, bins, range=(0, max),
/// density=True)`: uniform bins on numpy.linspace edges, edges[k] ≤ x < edges[k+1], the last bin
/// closed, values outside ignored, normalised by the count inside the range times the bin width
/// (it integrates to 1 over the range). All zeros (numpy gives NaN) when nothing falls inside.
pub fn histogram_density(x: &[f64], max: f64, bins: usize) -> Vec<f64> {
    let edges = vitrum_io::grid::linspace_edges(0.0, max, bins);
    let mut counts = vec![0u64; bins];
    let norm = bins as f64 / max;
    for &v in x {
        if !(0.0..=max).contains(&v) {
            continue;
        }
        // numpy's _search_sorted_inclusive fast path: index, then fix-ups against the edges
        let mut k = ((v - 0.0) * norm) as usize;
        if k == bins {
            k -= 1;
        }
        if v < edges[k] {
            k -= 1;
        } else if v >= edges[k + 1] && k + 1 != bins {
            k += 1;
        }
        counts[k] += 1;
    }
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0.0; bins];
    }
    counts
        .iter()
        .zip(edges.windows(2))
        .map(|(&c, w)| c as f64 / (total as f64 * (w[1] - w[0])))
        .collect()
}

/// (1/n) Σ_n G_σ(x − x_n) at each point: the broadened density of `x` (the Gaussian VDOS).
pub fn broadened_density(x: &[f64], points: &[f64], sigma: f64) -> Result<Vec<f64>> {
    if !(sigma.is_finite() && sigma > 0.0) {
        return Err(TheoryError::Invalid(format!(
            "sigma must be positive, got {sigma}"
        )));
    }
    if x.is_empty() {
        return Err(TheoryError::Invalid(
            "no mode: nothing to broaden into a VDOS".into(),
        ));
    }
    let n = x.len() as f64;
    Ok(points
        .iter()
        .map(|c| x.iter().map(|&om| gaussian(c - om, sigma)).sum::<f64>() / n)
        .collect())
}

/// The reduced VDOS D(ω)/ω^(d−1) at `points` (flat at the Debye level).
pub fn reduced_density(density: &[f64], points: &[f64], d: usize) -> Vec<f64> {
    density
        .iter()
        .zip(points)
        .map(|(&v, &w)| v / w.powi(d as i32 - 1))
        .collect()
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
    fn histogram_matches_numpy_rules() {
        // numpy.histogram([0, 0.5, 1, 1, 2, 3.9, 4, 5], bins=4, range=(0, 4), density=True)
        // counts [2, 2, 1, 2] over 7 values inside, width 1 → [2/7, 2/7, 1/7, 2/7]
        let h = histogram_density(&[0.0, 0.5, 1.0, 1.0, 2.0, 3.9, 4.0, 5.0], 4.0, 4);
        let want = [2.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0, 2.0 / 7.0];
        for (a, b) in h.iter().zip(want) {
            assert!((a - b).abs() < 1e-15);
        }
        assert_eq!(histogram_density(&[9.0], 4.0, 4), vec![0.0; 4]);
        assert_eq!(
            dataset_frequencies(&[4.0, -1e-9, 9.0, 1e-10], 2),
            vec![2.0, 3.0]
        );
        // reduced: D/ω in 2D
        assert_eq!(reduced_density(&[2.0, 6.0], &[0.5, 1.5], 2), vec![4.0, 4.0]);
        assert!(broadened_density(&[1.0], &[1.0], 0.0).is_err());
    }

    #[test]
    fn targets_of_the_reference_dataset_are_reproduced_from_its_eigenvalues() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
        let eig = vitrum_io::read_npy_2d(&dir.join("eigenvalues.npy")).unwrap();
        let targets = vitrum_io::read_npy_2d(&dir.join("targets.npy")).unwrap();
        assert_eq!(eig.dim(), (150, 1024));
        for (row, want) in eig.rows().into_iter().zip(targets.rows()) {
            let h = histogram_density(&dataset_frequencies(row.as_slice().unwrap(), 2), 72.0, 100);
            // numpy's float64 histogram: same counts, same division; 1e-12 allows the last bit
            for (a, b) in h.iter().zip(want) {
                assert!((a - b).abs() < 1e-12, "{a} {b}");
            }
        }
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
