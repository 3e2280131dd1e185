//! Spectrum comparisons shared by the three-body tests of vitrum-theory and of the facade
//! (`#[path]`-included by both): a histogram density, its first two moments, and R² and W₁ of
//! one spectrum against another.

/// The density of a sample of frequencies on `edges` (numpy.histogram(..., density=True)).
pub fn histogram(omega: &[f64], edges: &[f64]) -> Vec<f64> {
    let nb = edges.len() - 1;
    let mut h = vec![0.0; nb];
    for &w in omega {
        if let Some(i) = edges.windows(2).position(|e| w >= e[0] && w < e[1]) {
            h[i] += 1.0;
        }
    }
    let n = omega.len() as f64;
    h.iter()
        .zip(edges.windows(2))
        .map(|(c, e)| c / (n * (e[1] - e[0])))
        .collect()
}

/// (first moment, second moment) of a density per bin, at the bin midpoints.
pub fn moments(density: &[f64], edges: &[f64]) -> (f64, f64) {
    let mut m = (0.0, 0.0);
    for (d, e) in density.iter().zip(edges.windows(2)) {
        let (w, width) = (0.5 * (e[0] + e[1]), e[1] - e[0]);
        m.0 += d * w * width;
        m.1 += d * w * w * width;
    }
    m
}

/// 1 − Σ(y − ŷ)²/Σ(y − ȳ)² of one spectrum, and the 1-Wasserstein distance of the two
/// histograms (∫|F − F̂| dω from the CDFs at the bin edges).
pub fn r2_and_w1(y: &[f64], yhat: &[f64], edges: &[f64]) -> (f64, f64) {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let ss_res: f64 = y.iter().zip(yhat).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = y.iter().map(|a| (a - mean).powi(2)).sum();
    let (mut f, mut fh, mut w1) = (0.0, 0.0, 0.0);
    for ((a, b), e) in y.iter().zip(yhat).zip(edges.windows(2)) {
        let width = e[1] - e[0];
        // trapezoid of |F − F̂| over the bin (both CDFs linear inside it)
        let (f0, fh0) = (f, fh);
        f += a * width;
        fh += b * width;
        w1 += 0.5 * ((f0 - fh0).abs() + (f - fh).abs()) * width;
    }
    (1.0 - ss_res / ss_tot, w1)
}

/// A sample's own spectrum as the QCA comparisons take it: the frequencies of its eigenvalues
/// with the `zero_modes` lowest dropped, their histogram on 60 bins to 1.15 ω_max and its
/// moments, and the QCA grid on the same bins (σ = 0.05 ω_max).
pub struct Exact {
    pub omega_max: f64,
    pub grid: vitrum_theory::perturbation::SpectrumGrid,
    pub density: Vec<f64>,
    pub moments: (f64, f64),
}

pub fn exact_spectrum(eigenvalues: &[f64], zero_modes: usize) -> Exact {
    let mut eig = eigenvalues.to_vec();
    eig.sort_by(f64::total_cmp);
    let omega: Vec<f64> = eig[zero_modes..]
        .iter()
        .map(|l| l.max(0.0).sqrt())
        .collect();
    let omega_max = omega.iter().cloned().fold(0.0, f64::max);
    let grid =
        vitrum_theory::perturbation::SpectrumGrid::uniform(1.15 * omega_max, 60, 0.05 * omega_max)
            .unwrap();
    let density = histogram(&omega, &grid.omega_edges);
    let moments = moments(&density, &grid.omega_edges);
    Exact {
        omega_max,
        grid,
        density,
        moments,
    }
}

/// Prints each QCA spectrum's moments (and their error), R², W₁ and clamped points against
/// `exact`, asserts each is a density (∫ = 1 within 2 %: the grid reaches 15 % above the top
/// mode, so a few % of a broadened tail may fall outside), and returns |⟨ω²⟩ − exact ⟨ω²⟩| per
/// spectrum.
pub fn against_exact(
    label: &str,
    exact: &Exact,
    spectra: &[(String, vitrum_theory::perturbation::QcaVdos)],
) -> Vec<f64> {
    let edges = &exact.grid.omega_edges;
    let (m1e, m2e) = exact.moments;
    let mut m2_errors = Vec::new();
    for (name, v) in spectra {
        let (m1, m2) = moments(&v.density, edges);
        let (r2, w1) = r2_and_w1(&exact.density, &v.density, edges);
        let norm: f64 = v
            .density
            .iter()
            .zip(edges.windows(2))
            .map(|(d, e)| d * (e[1] - e[0]))
            .sum();
        eprintln!(
            "{label} QCA {name}: ∫ {norm:.4}, ⟨ω⟩ {m1:.4} ({:+.1} %), ⟨ω²⟩ {m2:.4} ({:+.1} %), R² \
             {r2:.3}, W₁ {w1:.4} ({:.1} % of ω_max), clamped {} of {}",
            100.0 * (m1 - m1e) / m1e,
            100.0 * (m2 - m2e) / m2e,
            100.0 * w1 / exact.omega_max,
            v.n_clamped,
            v.n_points
        );
        assert!((norm - 1.0).abs() < 0.02, "{name}: ∫ = {norm}");
        m2_errors.push((m2 - m2e).abs());
    }
    m2_errors
}
