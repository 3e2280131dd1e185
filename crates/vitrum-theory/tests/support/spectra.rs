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
