//! Static structure factor S(q), from g(r) by the d-dimensional Fourier transform, or directly
//! from positions as (1/N)|Σ_j exp(i q·r_j)|² over the wave vectors the periodic cell allows.
//!
//! From g(r):  3D  S(q) = 1 + 4πρ ∫ r² (g(r) − 1) sin(qr)/(qr) W(r) dr
//!             2D  S(q) = 1 + 2πρ ∫ r  (g(r) − 1) J₀(qr)      W(r) dr
//! with the midpoint rule on the g(r) bins and an optional Lorch window W(r) = sin(πr/R)/(πr/R)
//! that damps the ripples from truncating at R = r_max. The transform drops the forward-scattering
//! δ(q) term, so it is meaningful only for q > 0; the direct route has no truncation at all and is
//! the check of the transform.

use crate::error::{DescriptorError, Result, positive};
use crate::rdf::RdfResult;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use vitrum_io::{Configuration, Dim};

/// Window applied to g(r) − 1 before the transform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Window {
    #[default]
    None,
    Lorch,
}

/// A q grid of bin midpoints on (0, q_max].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QGrid {
    q_max: f64,
    bins: usize,
}

impl QGrid {
    pub fn new(q_max: f64, bins: usize) -> Result<Self> {
        positive("q_max", q_max)?;
        if bins == 0 {
            return Err(DescriptorError::ZeroBins);
        }
        Ok(QGrid { q_max, bins })
    }

    pub fn dq(&self) -> f64 {
        self.q_max / self.bins as f64
    }

    pub fn q_max(&self) -> f64 {
        self.q_max
    }

    pub fn bins(&self) -> usize {
        self.bins
    }

    pub fn centers(&self) -> Vec<f64> {
        (0..self.bins)
            .map(|k| (k as f64 + 0.5) * self.dq())
            .collect()
    }
}

/// S(q) on a q grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureFactor {
    pub q: Vec<f64>,
    pub s: Vec<f64>,
    /// Direct route only: wave vectors averaged in each bin (0 where none fell in the bin, and s
    /// is NaN there).
    pub counts: Option<Vec<usize>>,
}

/// S(q) from a total g(r) (any number of frames averaged).
pub fn structure_factor_from_rdf(rdf: &RdfResult, grid: &QGrid, window: Window) -> StructureFactor {
    let rho: f64 = rdf.densities.iter().sum();
    let s = structure_factor_from_g(
        &rdf.r,
        &rdf.g,
        rdf.params.dr(),
        rdf.params.r_max(),
        rho,
        rdf.dim,
        grid,
        window,
    );
    StructureFactor {
        q: grid.centers(),
        s,
        counts: None,
    }
}

/// S(q) at `grid`'s points from g on uniform bins of width `dr` up to `r_max` (midpoints `r`),
/// number density `rho`: the transform of [`structure_factor_from_rdf`] for a g(r) stored in a
/// dataset without its structures.
pub fn structure_factor_from_g(
    r: &[f64],
    g: &[f64],
    dr: f64,
    r_max: f64,
    rho: f64,
    dim: Dim,
    grid: &QGrid,
    window: Window,
) -> Vec<f64> {
    let weights: Vec<f64> = r
        .iter()
        .zip(g)
        .map(|(&r, &g)| {
            let w = match window {
                Window::None => 1.0,
                Window::Lorch => {
                    let x = PI * r / r_max;
                    x.sin() / x
                }
            };
            let measure = match dim {
                Dim::Two => 2.0 * PI * r,
                Dim::Three => 4.0 * PI * r * r,
            };
            rho * measure * (g - 1.0) * w * dr
        })
        .collect();
    grid.centers()
        .iter()
        .map(|&q| {
            1.0 + r
                .iter()
                .zip(&weights)
                .map(|(&r, &w)| {
                    let x = q * r;
                    let kernel = match dim {
                        Dim::Two => libm::j0(x),
                        Dim::Three => x.sin() / x,
                    };
                    w * kernel
                })
                .sum::<f64>()
        })
        .collect()
}

/// S(q) = (1/N)|Σ_j exp(i q·r_j)|², averaged over every allowed q = 2π H⁻ᵀ n (n integer,
/// in-plane in 2D) in each |q| bin. Cost: (number of q vectors) × N.
pub fn structure_factor_direct(config: &Configuration, grid: &QGrid) -> Result<StructureFactor> {
    if config.len() < 2 {
        return Err(DescriptorError::TooFewParticles(config.len()));
    }
    let d = config.dim.get();
    let inv = config.cell.inverse(config.dim);
    // reciprocal vectors b_k = 2π × row k of H⁻¹
    let recip: Vec<[f64; 3]> = (0..d)
        .map(|k| {
            [
                2.0 * PI * inv[k][0],
                2.0 * PI * inv[k][1],
                2.0 * PI * inv[k][2],
            ]
        })
        .collect();
    let widths = config.cell.perpendicular_widths(config.dim);
    let q_max = grid.q_max;
    // |n_k| ≤ q_max · width_k / 2π bounds every q vector shorter than q_max
    let n_max: Vec<i64> = widths
        .iter()
        .map(|w| (q_max * w / (2.0 * PI)).ceil() as i64)
        .collect();
    let mut vectors = Vec::new();
    let nz = if d == 3 { n_max[2] } else { 0 };
    for a in -n_max[0]..=n_max[0] {
        for b in -n_max[1]..=n_max[1] {
            for c in -nz..=nz {
                let n = [a, b, c];
                // q and −q give the same S: keep one of each pair, and drop q = 0
                if n <= [0, 0, 0] {
                    continue;
                }
                let mut q = [0.0; 3];
                for k in 0..d {
                    for (x, r) in q.iter_mut().zip(recip[k]) {
                        *x += n[k] as f64 * r;
                    }
                }
                let qn = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2]).sqrt();
                if qn < q_max {
                    vectors.push((q, qn));
                }
            }
        }
    }
    let positions = &config.positions;
    let n = config.len() as f64;
    let values: Vec<f64> = vectors
        .par_iter()
        .map(|(q, _)| {
            let (mut re, mut im) = (0.0, 0.0);
            for p in positions {
                let phase = q[0] * p[0] + q[1] * p[1] + q[2] * p[2];
                let (s, c) = phase.sin_cos();
                re += c;
                im += s;
            }
            (re * re + im * im) / n
        })
        .collect();
    let mut sums = vec![0.0; grid.bins];
    let mut counts = vec![0usize; grid.bins];
    let dq = grid.dq();
    for ((_, qn), v) in vectors.iter().zip(values) {
        let k = ((qn / dq) as usize).min(grid.bins - 1);
        sums[k] += v;
        counts[k] += 1;
    }
    let s = sums
        .iter()
        .zip(&counts)
        .map(|(&s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
        .collect();
    Ok(StructureFactor {
        q: grid.centers(),
        s,
        counts: Some(counts),
    })
}
