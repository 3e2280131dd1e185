//! Features and targets in the reference convention (`dataset-ka2d/meta.json` "files"):
//! features = total g(r) (vitrum-descriptors, the reference convention), targets =
//! `numpy.histogram(ω, bins, range=(0, ω_max), density=True)` with ω = √max(λ, 0) over the
//! ascending eigenvalues with the d lowest dropped.

/// numpy.linspace(lo, hi, n + 1): the same floating-point edges numpy uses.
pub fn linspace_edges(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let step = (hi - lo) / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|k| k as f64 * step + lo).collect();
    e[bins] = hi;
    e
}

/// Bin midpoints of `linspace_edges` (numpy: (edges[:-1] + edges[1:]) / 2).
pub fn midpoints(edges: &[f64]) -> Vec<f64> {
    edges.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
}

/// ω = √max(λ, 0) over `eigenvalues` sorted ascending with the `d` lowest dropped.
pub fn frequencies(eigenvalues: &[f64], d: usize) -> Vec<f64> {
    let mut e = eigenvalues.to_vec();
    e.sort_by(f64::total_cmp);
    e.iter().skip(d).map(|&l| l.max(0.0).sqrt()).collect()
}

/// `numpy.histogram(x, bins, range=(0, max), density=True)`: uniform bins, edges[k] ≤ x <
/// edges[k+1], the last bin closed, values outside ignored, normalised by the count inside the
/// range times the bin width (numpy's rule: the histogram integrates to 1 over the range).
/// All zeros (numpy gives NaN) when nothing falls inside.
pub fn histogram_density(x: &[f64], max: f64, bins: usize) -> Vec<f64> {
    let edges = linspace_edges(0.0, max, bins);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(frequencies(&[4.0, -1e-9, 9.0, 1e-10], 2), vec![2.0, 3.0]);
        assert_eq!(midpoints(&linspace_edges(0.0, 1.0, 2)), vec![0.25, 0.75]);
    }

    #[test]
    fn targets_of_the_reference_dataset_are_reproduced_from_its_eigenvalues() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
        let eig = dir.join("eigenvalues.npy");
        if !eig.exists() {
            eprintln!(
                "skipped: {} absent (the fixture holds no eigenvalues)",
                eig.display()
            );
            return;
        }
        let eig = vitrum_io::read_npy_2d(&eig).unwrap();
        let targets = vitrum_io::read_npy_2d(&dir.join("targets.npy")).unwrap();
        for (row, want) in eig.rows().into_iter().zip(targets.rows()) {
            let h = histogram_density(&frequencies(row.as_slice().unwrap(), 2), 72.0, 100);
            for (a, b) in h.iter().zip(want) {
                assert!((a - b).abs() < 1e-12, "{a} {b}");
            }
        }
    }
}
