//! A fitted linear model's weight map W(ω, r) against the first-order kernel K(ω, r) on the
//! same grids (issue 11, item 5): how well they correlate over (ω, r), per channel and per r
//! bin, the r range where they agree, and the second-moment sum rule each implies.
//!
//! **Sum rule.** A spectrum D(ω) on bins of width Δω_i has M2 = Σ_i ω_i² D_i Δω_i (ω_i the bin
//! midpoints). For a map linear in g, D = W g + b, so ∂M2/∂g_c(r_k) = Σ_i ω_i² W_i,ck Δω_i:
//! the M2 kernel the map implies. The exact one is K₂ ([`super::m2_kernel`], at the density of
//! the training rows' mean); a W that learnt the physics reproduces it where the data
//! determine it. The QCA's K does not satisfy it exactly: the QCA spectrum's mean ω² is the
//! Debye-sphere average of ω_β²(k), not its k → ∞ limit M2.

use crate::error::{Result, TheoryError};
use ndarray::ArrayView2;

/// W against K; every per-column vector is channel-major like a partial-g row.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelComparison {
    /// Pearson correlation of W and K over every (ω, r) of the support.
    pub correlation: f64,
    /// The same per channel.
    pub channel_correlation: Vec<f64>,
    /// Per column: the correlation over ω of W(·, r) and K(·, r); NaN off the support or where
    /// either column is constant.
    pub column_correlation: Vec<f64>,
    /// Per channel: the longest run of support bins whose column correlation is ≥ the
    /// threshold, as (first, last) bin midpoints; `None` if no bin reaches it.
    pub agreement: Vec<Option<(f64, f64)>>,
    /// Σ_i ω_i² W(ω_i, r) Δω_i per column: the M2 kernel W implies.
    pub sum_rule_w: Vec<f64>,
    /// The same for K.
    pub sum_rule_k: Vec<f64>,
    /// Correlation with K₂ over the support of `sum_rule_w` and of `sum_rule_k`.
    pub sum_rule_correlation_w: f64,
    pub sum_rule_correlation_k: f64,
    /// Σ_support (W's sum rule) · K₂ / Σ K₂²: the scale at which W's sum rule follows K₂ (1
    /// when it reproduces K₂).
    pub sum_rule_scale_w: f64,
}

/// Pearson correlation; NaN when either side is constant or empty.
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.is_empty() || a.len() != b.len() {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa == 0.0 || sbb == 0.0 {
        return f64::NAN;
    }
    sab / (saa * sbb).sqrt()
}

/// Compares `w` and `k` ([ω bins × channels·n_r]) on the columns where `support` holds (e.g.
/// `LinearResponse::support()`: where the reference g is non-zero), with `r` the n_r bin
/// midpoints, `omega_edges` the ω bin edges (in the units of `k2`'s √eigenvalues) and `k2` the
/// sum-rule kernel (channel-major). A bin agrees when its column correlation is ≥ `threshold`.
pub fn compare_kernels(
    w: ArrayView2<f64>,
    k: ArrayView2<f64>,
    support: &[bool],
    r: &[f64],
    omega_edges: &[f64],
    k2: &[f64],
    threshold: f64,
) -> Result<KernelComparison> {
    let (nw, nf) = k.dim();
    let n_r = r.len();
    let ok = w.dim() == (nw, nf)
        && support.len() == nf
        && k2.len() == nf
        && n_r > 0
        && nf % n_r == 0
        && omega_edges.len() == nw + 1;
    if !ok {
        return Err(TheoryError::Invalid(format!(
            "compare_kernels: W {:?} and K {:?} must have the same shape [ω bins × channels·r \
             bins], with {} support flags, {} K₂ values, {} ω edges (bins + 1) and {n_r} r \
             midpoints dividing the columns",
            w.dim(),
            k.dim(),
            support.len(),
            k2.len(),
            omega_edges.len()
        )));
    }
    let n_ch = nf / n_r;
    let cols: Vec<usize> = (0..nf).filter(|&j| support[j]).collect();
    let flat = |m: ArrayView2<f64>, js: &[usize]| -> Vec<f64> {
        js.iter()
            .flat_map(|&j| m.column(j).to_vec())
            .collect::<Vec<_>>()
    };
    let correlation = pearson(&flat(w, &cols), &flat(k, &cols));
    let channel_cols = |c: usize| -> Vec<usize> {
        cols.iter()
            .copied()
            .filter(|j| j / n_r == c)
            .collect::<Vec<_>>()
    };
    let channel_correlation = (0..n_ch)
        .map(|c| {
            let js = channel_cols(c);
            pearson(&flat(w, &js), &flat(k, &js))
        })
        .collect();
    let column_correlation: Vec<f64> = (0..nf)
        .map(|j| {
            if support[j] {
                pearson(&w.column(j).to_vec(), &k.column(j).to_vec())
            } else {
                f64::NAN
            }
        })
        .collect();
    let agreement = (0..n_ch)
        .map(|c| {
            let mut best: Option<(usize, usize)> = None;
            let mut start = None;
            for kb in 0..=n_r {
                let good = kb < n_r && column_correlation[c * n_r + kb] >= threshold;
                match (good, start) {
                    (true, None) => start = Some(kb),
                    (false, Some(s)) => {
                        if best.is_none_or(|(a, b)| kb - s > b - a + 1) {
                            best = Some((s, kb - 1));
                        }
                        start = None;
                    }
                    _ => {}
                }
            }
            best.map(|(a, b)| (r[a], r[b]))
        })
        .collect();
    let weights: Vec<f64> = omega_edges
        .windows(2)
        .map(|e| (0.5 * (e[0] + e[1])).powi(2) * (e[1] - e[0]))
        .collect();
    let sum_rule = |m: ArrayView2<f64>| -> Vec<f64> {
        (0..nf)
            .map(|j| m.column(j).iter().zip(&weights).map(|(v, q)| v * q).sum())
            .collect()
    };
    let (sum_rule_w, sum_rule_k) = (sum_rule(w), sum_rule(k));
    let on = |v: &[f64]| cols.iter().map(|&j| v[j]).collect::<Vec<_>>();
    let k2s = on(k2);
    let sw = on(&sum_rule_w);
    let sum_rule_scale_w = sw.iter().zip(&k2s).map(|(a, b)| a * b).sum::<f64>()
        / k2s.iter().map(|b| b * b).sum::<f64>();
    Ok(KernelComparison {
        correlation,
        channel_correlation,
        sum_rule_correlation_w: pearson(&sw, &k2s),
        sum_rule_correlation_k: pearson(&on(&sum_rule_k), &k2s),
        sum_rule_scale_w,
        column_correlation,
        agreement,
        sum_rule_w,
        sum_rule_k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// K against itself (and a multiple of itself) correlates 1 everywhere; a sign flip in one
    /// channel's upper half cuts that channel's agreement range there; the sum rule of a W that
    /// is ω-independent is Σ ω_i² Δω_i per unit weight.
    #[test]
    fn identical_maps_agree_and_the_sum_rule_is_the_weighted_column_sum() {
        let (nw, n_r, n_ch) = (20, 10, 2);
        let r: Vec<f64> = (0..n_r).map(|i| 1.0 + 0.1 * i as f64).collect();
        let edges: Vec<f64> = (0..=nw).map(|i| i as f64 * 0.5).collect();
        let k = Array2::from_shape_fn((nw, n_ch * n_r), |(i, j)| {
            ((i as f64 * 0.3 + j as f64 * 0.7).sin() + 0.1 * j as f64) * (1.0 + i as f64)
        });
        let support = vec![true; n_ch * n_r];
        let k2 = vec![1.0; n_ch * n_r];
        let c = compare_kernels(k.view(), k.view(), &support, &r, &edges, &k2, 0.9).unwrap();
        assert!((c.correlation - 1.0).abs() < 1e-12);
        assert!(
            c.channel_correlation
                .iter()
                .all(|v| (v - 1.0).abs() < 1e-12)
        );
        assert_eq!(c.agreement, vec![Some((r[0], r[n_r - 1])); n_ch]);
        let w = k.mapv(|v| 3.0 * v);
        let mut flipped = w.clone();
        for j in n_r + 6..2 * n_r {
            flipped.column_mut(j).mapv_inplace(|v| -v);
        }
        let c = compare_kernels(flipped.view(), k.view(), &support, &r, &edges, &k2, 0.9).unwrap();
        assert_eq!(c.agreement[0], Some((r[0], r[n_r - 1])));
        assert_eq!(c.agreement[1], Some((r[0], r[5])));
        // ω-independent W = 1: Σ ω_i² Δω_i
        let ones = Array2::ones((nw, n_ch * n_r));
        let c = compare_kernels(ones.view(), k.view(), &support, &r, &edges, &k2, 0.9).unwrap();
        let expect: f64 = edges
            .windows(2)
            .map(|e| (0.5 * (e[0] + e[1])).powi(2) * 0.5)
            .sum();
        assert!(c.sum_rule_w.iter().all(|v| (v - expect).abs() < 1e-12));
        assert!((c.sum_rule_scale_w - expect).abs() < 1e-12);
        // columns off the support are left out
        let mut off = support.clone();
        off[0] = false;
        let c = compare_kernels(w.view(), k.view(), &off, &r, &edges, &k2, 0.9).unwrap();
        assert!(c.column_correlation[0].is_nan());
        assert_eq!(c.agreement[0], Some((r[1], r[n_r - 1])));
        assert!(compare_kernels(w.view(), k.view(), &support, &r[..3], &edges, &k2, 0.9).is_err());
    }
}
