//! The quasi-crystalline approximation (Hubbard–Beeby): plane waves as unperturbed modes, their
//! Rayleigh quotient averaged over the structure, which is linear in g_ab.
//!
//! For the acoustic plane wave u_i = √m_i ê e^{ik·r_i} (normalised; in the mass-weighted
//! coordinates of D = M^{-1/2} H M^{-1/2} it is a rigid translation at k = 0, so ω → 0 there),
//! with Φ = φ″ n nᵀ + (φ′/r)(I − n nᵀ) and the mean mass m̄ = Σ_a x_a m_a:
//!
//! ω²(k, ê) = (ρ/m̄) Σ_ab x_a x_b ∫ s_d g_ab êᵀΦ_abê [1 − cos(k·r)] dr
//!
//! (physics.md's formula; for unequal masses its k → ∞ limit is the M2 of the mean mass, not
//! the exact Tr D/(dN), which needs a species-resolved n_s × n_s matrix per polarisation: not
//! built). Angular averages with c0 = ⟨cos xμ⟩, cl = ⟨μ² cos xμ⟩ ([`super::angular`]), x = k r:
//! - on-site part, both branches: P = φ″/d + (φ′/r)(d−1)/d;
//! - longitudinal: Q_L = φ″ cl + (φ′/r)(c0 − cl);
//! - transverse (each of d − 1): Q_T = φ″ (c0−cl)/(d−1) + (φ′/r)(c0 − (c0−cl)/(d−1)),
//!
//! so ω_β² = ρ Σ_c Σ_k g_c(r_k) wq (P − Q_β(k r_k)) (weights in [`PairTable`]): term by term
//! physics.md's 2D and 3D formulas.
//!
//! The VDOS: a Debye sphere k ≤ k_D (k_D² = 4πρ in 2D, k_D³ = 6π²ρ in 3D) sampled at n_k
//! midpoints u_j = k_j/k_D with weights d u^{d−1} Δu (renormalised to sum to 1), one
//! longitudinal branch of weight 1/d and d − 1 transverse ones of weight (d−1)/d together; each
//! ω_β(k_j) spreads as a Gaussian of width σ, averaged over each ω bin (so the output is a
//! histogram density in ω, like a dataset's target) and reflected at ω = 0 (no weight is lost to
//! ω < 0; the reflected Gaussian is the usual density estimate of a positive quantity). Where
//! ω_β²(k) < 0 (an unstable plane wave: the structure is far from the reference, or g is noisy)
//! ω is clamped to 0 and the point counted in `n_clamped`.

use super::angular::averages;
use super::table::{PairTable, check_density};
use super::three_body::ThreeBodyTable;
use crate::error::{Result, TheoryError};

/// Wave numbers per branch sampled in the Debye sphere by default: the dispersion is smooth, and
/// 256 points put the k spacing far below any useful σ (checked by the normalisation test).
pub const DEFAULT_N_K: usize = 256;

/// The Debye wave number: the sphere k ≤ k_D holds N wave vectors per branch.
pub fn debye_wavenumber(d: usize, rho: f64) -> f64 {
    use std::f64::consts::PI;
    if d == 2 {
        (4.0 * PI * rho).sqrt()
    } else {
        (6.0 * PI * PI * rho).cbrt()
    }
}

/// Rows A_β such that ω_β²(k) = ρ A_β · g, and their k-derivatives.
#[derive(Debug, Clone)]
pub(crate) struct BranchRows {
    pub l: Vec<f64>,
    pub t: Vec<f64>,
    pub dl: Vec<f64>,
    pub dt: Vec<f64>,
}

pub(crate) fn branch_rows(table: &PairTable, k: f64) -> BranchRows {
    let d = table.dim;
    let df = d as f64;
    let n_r = table.n_r();
    let n = table.n_features();
    let mut rows = BranchRows {
        l: vec![0.0; n],
        t: vec![0.0; n],
        dl: vec![0.0; n],
        dt: vec![0.0; n],
    };
    let ang: Vec<_> = table.r.iter().map(|&r| averages(d, k * r)).collect();
    let inv = 1.0 / (df - 1.0);
    for c in 0..table.n_channels() {
        for (i, a) in ang.iter().enumerate() {
            let (f2, f1) = (table.d2[[c, i]], table.d1r[[c, i]]);
            let wq = table.wq[[c, i]];
            let r = table.r[i];
            let p = f2 / df + f1 * (df - 1.0) / df;
            let ql = f2 * a.cl + f1 * (a.c0 - a.cl);
            let qt = f2 * (a.c0 - a.cl) * inv + f1 * (a.c0 - (a.c0 - a.cl) * inv);
            let dql = r * (f2 * a.dcl + f1 * (a.dc0 - a.dcl));
            let dqt = r * (f2 * (a.dc0 - a.dcl) * inv + f1 * (a.dc0 - (a.dc0 - a.dcl) * inv));
            let j = c * n_r + i;
            rows.l[j] = wq * (p - ql);
            rows.t[j] = wq * (p - qt);
            rows.dl[j] = -wq * dql;
            rows.dt[j] = -wq * dqt;
        }
    }
    rows
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// ω_L²(k) and ω_T²(k) (not clamped: negative where a plane wave is unstable).
#[derive(Debug, Clone, PartialEq)]
pub struct Dispersion {
    pub k: Vec<f64>,
    pub omega2_l: Vec<f64>,
    pub omega2_t: Vec<f64>,
}

/// The QCA dispersion of one partial-g row at density `rho`, at the wave numbers `k`.
pub fn dispersion(table: &PairTable, g: &[f64], rho: f64, k: &[f64]) -> Result<Dispersion> {
    dispersion_impl(table, None, g, rho, k)
}

/// The dispersion, with the three-body part of Stillinger–Weber added when `three` is given.
pub(crate) fn dispersion_impl(
    table: &PairTable,
    three: Option<&ThreeBodyTable>,
    g: &[f64],
    rho: f64,
    k: &[f64],
) -> Result<Dispersion> {
    table.check_row(g, "the partial g")?;
    check_density(rho, "QCA dispersion")?;
    if let Some(bad) = k.iter().find(|k| !(k.is_finite() && **k >= 0.0)) {
        return Err(TheoryError::Invalid(format!(
            "wave numbers must be finite and ≥ 0 (got {bad})"
        )));
    }
    let mut out = Dispersion {
        k: k.to_vec(),
        omega2_l: Vec::with_capacity(k.len()),
        omega2_t: Vec::with_capacity(k.len()),
    };
    for &kk in k {
        let rows = branch_rows(table, kk);
        let (l3, t3) = three.map_or((0.0, 0.0), |t| {
            let p = t.at(g, rho, kk, false);
            (p.l, p.t)
        });
        out.omega2_l.push(rho * dot(&rows.l, g) + l3);
        out.omega2_t.push(rho * dot(&rows.t, g) + t3);
    }
    Ok(out)
}

/// The ω grid of a QCA spectrum and its broadening.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrumGrid {
    /// Bin edges in ω (strictly increasing); the output is a density per bin.
    pub omega_edges: Vec<f64>,
    /// Gaussian width, in the units of ω.
    pub sigma: f64,
    /// Wave numbers per branch in the Debye sphere.
    pub n_k: usize,
}

impl SpectrumGrid {
    /// `bins` equal bins on [0, omega_max] (numpy.linspace(0, omega_max, bins + 1) edges).
    pub fn uniform(omega_max: f64, bins: usize, sigma: f64) -> Result<SpectrumGrid> {
        let edges = (0..=bins)
            .map(|i| omega_max * i as f64 / bins.max(1) as f64)
            .collect();
        SpectrumGrid::new(edges, sigma)
    }

    pub fn new(omega_edges: Vec<f64>, sigma: f64) -> Result<SpectrumGrid> {
        let grid = SpectrumGrid {
            omega_edges,
            sigma,
            n_k: DEFAULT_N_K,
        };
        grid.check()?;
        Ok(grid)
    }

    pub(crate) fn check(&self) -> Result<()> {
        let e = &self.omega_edges;
        if e.len() < 2
            || !e.windows(2).all(|w| w[1] > w[0])
            || !e.iter().all(|x| x.is_finite())
            || e[0] < 0.0
        {
            return Err(TheoryError::Invalid(format!(
                "the ω grid needs ≥ 2 finite, strictly increasing edges starting at ω ≥ 0 (got {} \
                 edges)",
                e.len()
            )));
        }
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(TheoryError::Invalid(format!(
                "the broadening σ is {}; it must be finite and > 0 (in the units of ω)",
                self.sigma
            )));
        }
        if self.n_k < 2 {
            return Err(TheoryError::Invalid(format!(
                "n_k = {}: at least 2 wave numbers per branch are needed",
                self.n_k
            )));
        }
        Ok(())
    }

    pub fn n_bins(&self) -> usize {
        self.omega_edges.len() - 1
    }

    /// Bin midpoints.
    pub fn centers(&self) -> Vec<f64> {
        self.omega_edges
            .windows(2)
            .map(|w| 0.5 * (w[0] + w[1]))
            .collect()
    }

    /// Points u_j = k_j/k_D and weights (summing to 1) of one branch's Debye sphere.
    pub(crate) fn debye_points(&self, d: usize) -> Vec<(f64, f64)> {
        let n = self.n_k;
        let raw: Vec<(f64, f64)> = (0..n)
            .map(|j| {
                let u = (j as f64 + 0.5) / n as f64;
                (u, u.powi(d as i32 - 1))
            })
            .collect();
        let total: f64 = raw.iter().map(|p| p.1).sum();
        raw.into_iter().map(|(u, w)| (u, w / total)).collect()
    }

    /// The density per bin of a unit weight at ω (reflected Gaussian, bin-averaged), and its
    /// derivative with respect to ω, into `f` and `df`.
    pub(crate) fn spread(&self, omega: f64, f: &mut [f64], df: &mut [f64]) {
        let s = self.sigma;
        let cdf = |x: f64| 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
        let pdf = |x: f64| (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        for (i, w) in self.omega_edges.windows(2).enumerate() {
            let (lo, hi) = (w[0], w[1]);
            let width = hi - lo;
            let mass = cdf((hi - omega) / s) - cdf((lo - omega) / s) + cdf((hi + omega) / s)
                - cdf((lo + omega) / s);
            let dmass = (pdf((lo - omega) / s) - pdf((hi - omega) / s) - pdf((lo + omega) / s)
                + pdf((hi + omega) / s))
                / s;
            f[i] = mass / width;
            df[i] = dmass / width;
        }
    }
}

/// A QCA spectrum on an ω grid.
#[derive(Debug, Clone, PartialEq)]
pub struct QcaVdos {
    /// Density per ω bin; Σ density·width = 1 when the grid covers the spectrum plus a few σ.
    pub density: Vec<f64>,
    /// (k, branch) points where ω² < 0 was clamped to 0.
    pub n_clamped: usize,
    /// (k, branch) points in all: 2 n_k (the d − 1 transverse branches are one point).
    pub n_points: usize,
}

/// The QCA VDOS of one partial-g row at density `rho`.
pub fn vdos(table: &PairTable, g: &[f64], rho: f64, grid: &SpectrumGrid) -> Result<QcaVdos> {
    vdos_impl(table, None, g, rho, grid)
}

/// The VDOS, with the three-body part of Stillinger–Weber added when `three` is given.
pub(crate) fn vdos_impl(
    table: &PairTable,
    three: Option<&ThreeBodyTable>,
    g: &[f64],
    rho: f64,
    grid: &SpectrumGrid,
) -> Result<QcaVdos> {
    table.check_row(g, "the partial g")?;
    check_density(rho, "QCA VDOS")?;
    grid.check()?;
    let d = table.dim;
    let kd = debye_wavenumber(d, rho);
    let nb = grid.n_bins();
    let mut out = QcaVdos {
        density: vec![0.0; nb],
        n_clamped: 0,
        n_points: 2 * grid.n_k,
    };
    let (mut f, mut df) = (vec![0.0; nb], vec![0.0; nb]);
    let branch_weight = [1.0 / d as f64, (d as f64 - 1.0) / d as f64];
    for (u, w) in grid.debye_points(d) {
        let rows = branch_rows(table, u * kd);
        let extra = three.map_or([0.0, 0.0], |t| {
            let p = t.at(g, rho, u * kd, false);
            [p.l, p.t]
        });
        for ((row, bw), w3) in [&rows.l, &rows.t].into_iter().zip(branch_weight).zip(extra) {
            let w2 = rho * dot(row, g) + w3;
            if w2 < 0.0 {
                out.n_clamped += 1;
            }
            grid.spread(w2.max(0.0).sqrt(), &mut f, &mut df);
            for (o, v) in out.density.iter_mut().zip(&f) {
                *o += bw * w * v;
            }
        }
    }
    Ok(out)
}
