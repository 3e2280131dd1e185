//! The three-body part of Stillinger–Weber at first order (quasi-crystalline approximation),
//! through the bond-angle distribution of the reference.
//!
//! SW: E = Σ_pairs φ₂(r) + Σ_i Σ_{j<k} φ₃(r_ij, r_ik, θ_jik). The pair part goes through the
//! ordinary [`PairTable`] (built from [`StillingerWeber::two_body`]). The three-body part of the
//! mass-weighted dynamical matrix, projected on plane waves u_a = ê e^{ik·x_a}, is per atom
//!
//! D₃(k) = (1/(N m)) Σ_triplets Σ_{a,b ∈ {i,j,k}} e^{ik·(x_a − x_b)} H₃,ab
//!
//! (H₃: the triplet's 3d × 3d Hessian). Averaged over the orientations of k (isotropic glass),
//! with ⟨k̂k̂ᵀ cos(x k̂·n)⟩ = A(x) I + B(x) n nᵀ, A = (c0 − cl)/(d − 1), B = cl − A (c0, cl of
//! [`super::angular`]), a triplet contributes exactly, with no numerical orientation average:
//!
//! - longitudinal: Σ_a Tr H_aa/d + 2 Σ_{a<b} [A(k r_ab) Tr H_ab + B(k r_ab) n_abᵀ H_ab n_ab],
//! - trace over polarisations: Σ_a Tr H_aa + 2 Σ_{a<b} c0(k r_ab) Tr H_ab,
//!
//! and ω²_T,3 = (trace − L)/(d − 1). The configurational average needs the triplet density; it
//! is factorised as n₃(r₁, r₂, θ) = ½ n(r₁) n(r₂) P(θ) c per atom, with n(r) = ρ g(r) s_d(r) the
//! neighbour density (a histogram: n_p = ρ g_p V_p in bin p) restricted to bins whose midpoint is
//! below the bond cutoff (aσ unless [`Factorisation::bond_cutoff`] says otherwise), P(θ) the
//! reference's bond-angle distribution among neighbour pairs within the same cutoff, held fixed,
//! and c = 1 ([`TripletCount::Product`]: ½ Z² pairs per atom) or c = 1 − 1/Z, Z = Σ_p n_p
//! ([`TripletCount::DistinctPairs`]: ½ Z(Z − 1), exact for a uniform coordination). So
//!
//! ω²_β,3(k) = (c/m) ½ Σ_{p,q} n_p n_q F_β(k; r_p, r_q),  F_β = Σ_θ P(θ) (triplet term above),
//!
//! a quadratic form in g, whose first-order response is
//! ∂ω²/∂g_p = (ρ V_p/m) (c Σ_q n_q F(p, q) + ½ nᵀF n dc/dZ).
//!
//! The factorisation neglects every correlation of bond lengths and angles. It is exact for the
//! diamond crystal (DistinctPairs) but fails on the glasses tested (a-Si, sw-2d: the three-body
//! M2 share comes out with the wrong sign), because the angles far from θ₀, whose φ₃ curvature
//! is strongly negative, belong to long bonds with a weak cutoff factor, while the product
//! gives them first-shell weights. [`ThreeBodyTable::with_correlation`] replaces P(θ) by the
//! reference's measured G(r₁, r₂, θ) (n₃ = ½ n n G, G held at the reference): the diagnostic
//! that separates the factorisation from the rest of the QCA (docs: the numbers).
//!
//! Numerics. H₃ of one triplet: central differences of the analytic three-body gradient on a
//! 3-atom cluster, step h = the potential's `step` (5e-5 σ): O(h²) ≈ 1e-8 relative; symmetrised.
//! Grids: r₁, r₂ over the table's bins below the cutoff (p ≤ q only: F is symmetric by
//! construction), θ over the angle histogram's bins with P > 0. The arms i–j, i–k need c0, cl at
//! k r_p (exact); the j–k side s = |x_k − x_j| varies with θ, so its A(ks), B(ks) are linearly
//! interpolated on a uniform s grid of [`S_POINTS`] intervals over [0, 2aσ]: error ≤ (k Δs)²/8
//! of the functions' amplitude, 1.2e-5 at the Debye wave number of sw-2d (k_D = 2.8/σ) and
//! 1.4e-5 for a-Si (k_D = 1.44 Å⁻¹).

use super::angular::averages;
use super::kernel::{LinearResponse, linear_response_impl};
use super::predict::{SigmaChoice, TheoryModel, TrainingSet, choose_sigma_impl};
use super::qca::{Dispersion, QcaVdos, SpectrumGrid, dispersion_impl, vdos_impl};
use super::table::{PairTable, check_density};
use crate::error::{Result, TheoryError};
use crate::interactions::sw::StillingerWeber;
use crate::system::{Model, System};
use rayon::prelude::*;
use std::ops::Range;
use vitrum_io::Dim;

/// Intervals of the s grid on which A(ks), B(ks) of the j–k side are interpolated.
pub const S_POINTS: usize = 1024;

/// A bond-angle distribution P(θ) on histogram bins over [0, π].
#[derive(Debug, Clone, PartialEq)]
pub struct AngleDistribution {
    /// Bin midpoints, in radians.
    pub theta: Vec<f64>,
    /// Probability of each bin (they sum to 1).
    pub weight: Vec<f64>,
}

impl AngleDistribution {
    /// From equal bins over [0°, 180°]: their midpoints in degrees and a density per degree (or
    /// any non-negative weights: they are renormalised), e.g. vitrum-descriptors'
    /// `BondAngleDistribution { theta, p }` or a row of a dataset's `bond-angles` block. In 3D
    /// the sin θ measure is inside P, as in any histogram of angles.
    pub fn from_degrees(theta_deg: &[f64], density: &[f64]) -> Result<AngleDistribution> {
        let ok_theta = !theta_deg.is_empty()
            && theta_deg
                .iter()
                .all(|t| t.is_finite() && (0.0..=180.0).contains(t))
            && theta_deg.windows(2).all(|w| w[1] > w[0]);
        if !ok_theta || theta_deg.len() != density.len() {
            return Err(TheoryError::Invalid(format!(
                "a bond-angle distribution needs increasing bin midpoints in [0°, 180°] and one \
                 density per bin (got {} midpoints, {} densities)",
                theta_deg.len(),
                density.len()
            )));
        }
        if let Some(bad) = density.iter().find(|p| !(p.is_finite() && **p >= 0.0)) {
            return Err(TheoryError::Invalid(format!(
                "a bond-angle density must be finite and ≥ 0 (got {bad})"
            )));
        }
        let total: f64 = density.iter().sum();
        if total <= 0.0 {
            return Err(TheoryError::Invalid(
                "the bond-angle distribution is empty (no neighbour pairs within aσ): check the \
                 cutoff it was measured with"
                    .into(),
            ));
        }
        Ok(AngleDistribution {
            theta: theta_deg.iter().map(|t| t.to_radians()).collect(),
            weight: density.iter().map(|p| p / total).collect(),
        })
    }
}

/// How many neighbour pairs per atom the factorised triplet density holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TripletCount {
    /// ½ n(r₁) n(r₂) P(θ): the product of neighbour densities; ½ Z² pairs per atom.
    #[default]
    Product,
    /// ½ n(r₁) n(r₂) P(θ) (1 − 1/Z): ½ Z(Z − 1) pairs per atom, exact for a uniform
    /// coordination Z (the product counts each neighbour with itself too).
    DistinctPairs,
}

/// The factorised triplet density: how triplets are counted and which neighbours enter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Factorisation {
    pub count: TripletCount,
    /// Neighbours are counted up to this distance (capped at aσ; None: aσ). P(θ) must be
    /// measured with the same cutoff. A first-shell cutoff (the first minimum of g) keeps the
    /// angles that carry the three-body stiffness from being mixed with those of farther
    /// neighbours, whose φ₃ is exponentially weaker (see the tests: within aσ a-Si has Z ≈ 8.9).
    pub bond_cutoff: Option<f64>,
}

/// The 3 × 3 blocks of a triplet's Hessian, [a][b][α][β] = ∂²φ₃/∂x_aα ∂x_bβ, atoms (i, j, k)
/// with the angle at i.
pub type TripletHessian = [[[[f64; 3]; 3]; 3]; 3];

/// H₃ of one triplet with arms u = x_j − x_i, v = x_k − x_i, by central differences of the
/// analytic gradient (step `sw.step`), symmetrised; in 2D only the x, y components are filled.
pub fn triplet_hessian(sw: &StillingerWeber, d: usize, u: [f64; 3], v: [f64; 3]) -> TripletHessian {
    let h = sw.step;
    let x0 = [[0.0; 3], u, v];
    let mut raw: TripletHessian = [[[[0.0; 3]; 3]; 3]; 3];
    for a in 0..3 {
        for alpha in 0..d {
            for sign in [1.0, -1.0] {
                let mut x = x0;
                x[a][alpha] += sign * h;
                let arm = |b: usize| [x[b][0] - x[0][0], x[b][1] - x[0][1], x[b][2] - x[0][2]];
                let (_, gu, gv) = sw.triplet(arm(1), arm(2));
                let grads = [
                    [-(gu[0] + gv[0]), -(gu[1] + gv[1]), -(gu[2] + gv[2])],
                    gu,
                    gv,
                ];
                for (b, gb) in grads.iter().enumerate() {
                    for beta in 0..d {
                        raw[b][a][beta][alpha] += sign * gb[beta] / (2.0 * h);
                    }
                }
            }
        }
    }
    let mut out = raw;
    for a in 0..3 {
        for b in 0..3 {
            for alpha in 0..d {
                for beta in 0..d {
                    out[a][b][alpha][beta] =
                        0.5 * (raw[a][b][alpha][beta] + raw[b][a][beta][alpha]);
                }
            }
        }
    }
    out
}

/// Σ_a Tr H_aa of one triplet: its share of Tr H (the M2 sum rule).
fn onsite_trace(hess: &TripletHessian, d: usize) -> f64 {
    (0..3)
        .map(|a| (0..d).map(|al| hess[a][a][al][al]).sum::<f64>())
        .sum()
}

/// (Tr H_ab, n̂ᵀ H_ab n̂) of the side a–b, n̂ along x_b − x_a.
fn side(hess: &TripletHessian, d: usize, a: usize, b: usize, n: [f64; 3]) -> (f64, f64) {
    let block = &hess[a][b];
    let tr = (0..d).map(|al| block[al][al]).sum();
    let mut nn = 0.0;
    for al in 0..d {
        for be in 0..d {
            nn += n[al] * block[al][be] * n[be];
        }
    }
    (tr, nn)
}

fn unit(v: [f64; 3]) -> [f64; 3] {
    let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    [v[0] / r, v[1] / r, v[2] / r]
}

/// A(x), B(x) (⟨k̂k̂ᵀ cos(x k̂·n)⟩ = A I + B n nᵀ), c0(x) and their x-derivatives.
#[derive(Debug, Clone, Copy, Default)]
struct SideAverages {
    a: f64,
    b: f64,
    c0: f64,
    da: f64,
    db: f64,
    dc0: f64,
}

fn side_averages(d: usize, x: f64) -> SideAverages {
    let ang = averages(d, x);
    let inv = 1.0 / (d as f64 - 1.0);
    let a = (ang.c0 - ang.cl) * inv;
    let da = (ang.dc0 - ang.dcl) * inv;
    SideAverages {
        a,
        b: ang.cl - a,
        c0: ang.c0,
        da,
        db: ang.dcl - da,
        dc0: ang.dc0,
    }
}

/// One (r_p, r_q) cell of the table, p ≤ q, with every triplet term already summed over θ with
/// the weights P(θ) except the j–k side, whose length depends on θ.
#[derive(Debug, Clone)]
struct BinPair {
    p: usize,
    q: usize,
    /// Σ_θ P Σ_a Tr H_aa.
    onsite: f64,
    /// Σ_θ P (Tr H, n̂ᵀHn̂) of the arm i–j (length r_p) and of the arm i–k (length r_q).
    arm_p: (f64, f64),
    arm_q: (f64, f64),
    /// Entries of `ThreeBodyTable::sides` for the j–k side.
    sides: Range<usize>,
}

/// The j–k side of one (r_p, r_q, θ) triplet: P-weighted (Tr H, n̂ᵀHn̂) at its s-grid position.
#[derive(Debug, Clone, Copy)]
struct SideTerm {
    index: usize,
    frac: f64,
    tr: f64,
    nn: f64,
}

/// The triplet correlation of a configuration on an r grid and equal angle bins over [0, π]:
/// G(p, q, θ) = n₃(p, q, θ)/(½ n_p n_q), with n₃ the triplets per atom whose arms fall in bins
/// p and q (within aσ) and n_p the neighbours per atom in bin p. Σ over θ of ½ n_p n_q G is the
/// number of triplets; G = P(θ) (1 − 1/Z)-like when lengths and angles are uncorrelated.
#[derive(Debug, Clone)]
pub struct TripletCorrelation {
    n_r: usize,
    /// Angle-bin midpoints (radians).
    theta: Vec<f64>,
    /// G per cell (p ≤ q, table bins), one value per angle bin.
    cells: std::collections::HashMap<(usize, usize), Vec<f64>>,
}

impl TripletCorrelation {
    /// Measures G of `sys` on `table`'s bins (pairs beyond the last edge are ignored) with
    /// `angle_bins` angle bins.
    pub fn measure(
        sw: &StillingerWeber,
        sys: &System,
        table: &PairTable,
        angle_bins: usize,
    ) -> Result<TripletCorrelation> {
        if angle_bins == 0 {
            return Err(TheoryError::Invalid(
                "at least one angle bin is needed".into(),
            ));
        }
        let lists = sw.neighbour_lists(sys)?;
        let edges = &table.edges;
        let bin = |r: f64| -> Option<usize> {
            if r < edges[0] || r >= edges[edges.len() - 1] {
                return None;
            }
            Some(edges.partition_point(|e| *e <= r) - 1)
        };
        let n_atoms = sys.len() as f64;
        let mut neighbours = vec![0.0; table.n_r()];
        let mut counts: std::collections::HashMap<(usize, usize), Vec<f64>> = Default::default();
        let width = std::f64::consts::PI / angle_bins as f64;
        for l in &lists {
            let arms: Vec<(usize, [f64; 3], f64)> = l
                .iter()
                .filter_map(|&(_, v)| {
                    let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                    bin(r).map(|b| (b, v, r))
                })
                .collect();
            for &(b, _, _) in &arms {
                neighbours[b] += 1.0 / n_atoms;
            }
            for (x, &(p, u, ru)) in arms.iter().enumerate() {
                for &(q, v, rv) in &arms[x + 1..] {
                    let c = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (ru * rv);
                    let t = ((c.clamp(-1.0, 1.0).acos() / width) as usize).min(angle_bins - 1);
                    let key = (p.min(q), p.max(q));
                    counts.entry(key).or_insert_with(|| vec![0.0; angle_bins])[t] += 1.0;
                }
            }
        }
        let cells = counts
            .into_iter()
            .map(|((p, q), c)| {
                // ½ n_p n_q G summed over ordered (p, q) = triplets: the cell p < q stands for
                // both orders (weight 1), p = q for one (weight ½)
                let w = if p == q { 0.5 } else { 1.0 };
                let norm = n_atoms * w * neighbours[p] * neighbours[q];
                ((p, q), c.into_iter().map(|x| x / norm).collect())
            })
            .collect();
        Ok(TripletCorrelation {
            n_r: table.n_r(),
            theta: (0..angle_bins).map(|t| (t as f64 + 0.5) * width).collect(),
            cells,
        })
    }

    /// The non-zero (θ, G) of cell (p, q) of table bins.
    fn weights(&self, p: usize, q: usize) -> Vec<(f64, f64)> {
        self.cells
            .get(&(p.min(q), p.max(q)))
            .map(|g| {
                self.theta
                    .iter()
                    .zip(g)
                    .filter(|(_, g)| **g > 0.0)
                    .map(|(t, g)| (*t, *g))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The three-body part of SW on a [`PairTable`]'s r grid, with a fixed bond-angle distribution.
#[derive(Debug, Clone)]
pub struct ThreeBodyTable {
    pub dim: usize,
    /// The (one) particle mass.
    pub mass: f64,
    pub count: TripletCount,
    /// The pair table's number of bins (the g row length: one species, one channel).
    n_r: usize,
    /// Pair-table bins with midpoint inside aσ, their midpoints and shell volumes.
    bins: Vec<usize>,
    r: Vec<f64>,
    shells: Vec<f64>,
    pairs: Vec<BinPair>,
    sides: Vec<SideTerm>,
    s_step: f64,
}

/// The three-body ω²_L, ω²_T at one k, their derivatives in k and ρ (at fixed k) and, when
/// asked for, their gradients with respect to the g row.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThreeBodyPoint {
    pub l: f64,
    pub t: f64,
    pub dl_dk: f64,
    pub dt_dk: f64,
    pub dl_drho: f64,
    pub dt_drho: f64,
    pub grad_l: Vec<f64>,
    pub grad_t: Vec<f64>,
}

impl ThreeBodyTable {
    /// The table of `sw`'s three-body term on `table`'s r grid (a one-species table, e.g.
    /// `PairTable::new(&sw.two_body(), ...)`), particle mass `mass`, angles `angles`.
    pub fn new(
        sw: &StillingerWeber,
        table: &PairTable,
        mass: f64,
        angles: &AngleDistribution,
        factorisation: Factorisation,
    ) -> Result<ThreeBodyTable> {
        if angles.theta.len() != angles.weight.len() || angles.theta.is_empty() {
            return Err(TheoryError::Invalid(
                "the bond-angle distribution needs one weight per angle bin (build it with \
                 AngleDistribution::from_degrees)"
                    .into(),
            ));
        }
        let rc = sw.range();
        let cutoff = match factorisation.bond_cutoff {
            Some(b) if b.is_finite() && b > 0.0 => b.min(rc),
            Some(b) => {
                return Err(TheoryError::Invalid(format!(
                    "the bond cutoff of the triplet density is {b}; it must be finite and > 0"
                )));
            }
            None => rc,
        };
        let used: Vec<(f64, f64)> = angles
            .theta
            .iter()
            .zip(&angles.weight)
            .filter(|(_, w)| **w > 0.0)
            .map(|(t, w)| (*t, *w))
            .collect();
        Self::build(sw, table, mass, factorisation.count, cutoff, |_, _| {
            used.clone()
        })
    }

    /// The table with the reference's measured triplet correlation G(r₁, r₂, θ) in place of
    /// the factorised P(θ): n₃ = ½ n(r₁) n(r₂) G, G held at the reference, so that at the
    /// reference the triplet density is the configuration's own (up to binning) and the first
    /// order response to Δg still goes through n(r₁) n(r₂). A diagnostic of what the
    /// factorisation costs (it needs a configuration, which a dataset of g rows does not have).
    pub fn with_correlation(
        sw: &StillingerWeber,
        table: &PairTable,
        mass: f64,
        correlation: &TripletCorrelation,
    ) -> Result<ThreeBodyTable> {
        if correlation.n_r != table.n_r() {
            return Err(TheoryError::Invalid(format!(
                "the triplet correlation was measured on {} r bins, the pair table has {}:                  measure it on the table's grid",
                correlation.n_r,
                table.n_r()
            )));
        }
        Self::build(
            sw,
            table,
            mass,
            TripletCount::Product,
            sw.range(),
            |p, q| correlation.weights(p, q),
        )
    }

    /// The table over the bins with midpoint below `cutoff`, with the (θ, weight) list of each
    /// cell (table bins p ≤ q) from `weights`.
    fn build<W>(
        sw: &StillingerWeber,
        table: &PairTable,
        mass: f64,
        count: TripletCount,
        cutoff: f64,
        weights: W,
    ) -> Result<ThreeBodyTable>
    where
        W: Fn(usize, usize) -> Vec<(f64, f64)> + Sync,
    {
        if table.n_species != 1 {
            return Err(TheoryError::Invalid(format!(
                "the Stillinger–Weber three-body table is built for one species; the pair table \
                 has {}",
                table.n_species
            )));
        }
        if !(mass.is_finite() && mass > 0.0) {
            return Err(TheoryError::Invalid(format!(
                "the particle mass is {mass}; it must be finite and > 0"
            )));
        }
        let d = table.dim;
        let rc = sw.range();
        let bins: Vec<usize> = (0..table.n_r()).filter(|&k| table.r[k] < cutoff).collect();
        let r: Vec<f64> = bins.iter().map(|&k| table.r[k]).collect();
        let shells: Vec<f64> = bins.iter().map(|&k| table.shells[k]).collect();
        let s_step = 2.0 * rc / S_POINTS as f64;
        let cells: Vec<(usize, usize)> = (0..bins.len())
            .flat_map(|p| (p..bins.len()).map(move |q| (p, q)))
            .collect();
        let built: Vec<(BinPair, Vec<SideTerm>)> = cells
            .par_iter()
            .map(|&(p, q)| {
                let (r1, r2) = (r[p], r[q]);
                let mut cell = BinPair {
                    p,
                    q,
                    onsite: 0.0,
                    arm_p: (0.0, 0.0),
                    arm_q: (0.0, 0.0),
                    sides: 0..0,
                };
                let used = weights(bins[p], bins[q]);
                let mut terms = Vec::with_capacity(used.len());
                for &(theta, w) in &used {
                    let u = [r1, 0.0, 0.0];
                    let v = [r2 * theta.cos(), r2 * theta.sin(), 0.0];
                    let hess = triplet_hessian(sw, d, u, v);
                    let jk = [v[0] - u[0], v[1] - u[1], v[2] - u[2]];
                    let s = (jk[0] * jk[0] + jk[1] * jk[1]).sqrt();
                    cell.onsite += w * onsite_trace(&hess, d);
                    let (t1, n1) = side(&hess, d, 0, 1, unit(u));
                    let (t2, n2) = side(&hess, d, 0, 2, unit(v));
                    cell.arm_p.0 += w * t1;
                    cell.arm_p.1 += w * n1;
                    cell.arm_q.0 += w * t2;
                    cell.arm_q.1 += w * n2;
                    // s = 0 (r₁ = r₂, θ = 0) has no direction, and needs none: at x = 0,
                    // A I + B n nᵀ = I/d
                    let n = if s > 0.0 { unit(jk) } else { [1.0, 0.0, 0.0] };
                    let (t3, n3) = side(&hess, d, 1, 2, n);
                    let pos = s / s_step;
                    let index = (pos.floor() as usize).min(S_POINTS - 1);
                    terms.push(SideTerm {
                        index,
                        frac: pos - index as f64,
                        tr: w * t3,
                        nn: w * n3,
                    });
                }
                (cell, terms)
            })
            .collect();
        let mut pairs = Vec::with_capacity(built.len());
        let mut sides = Vec::new();
        for (mut cell, terms) in built {
            let start = sides.len();
            sides.extend(terms);
            cell.sides = start..sides.len();
            pairs.push(cell);
        }
        let out = ThreeBodyTable {
            dim: d,
            mass,
            count,
            n_r: table.n_r(),
            bins,
            r,
            shells,
            pairs,
            sides,
            s_step,
        };
        if let Some(c) = out.pairs.iter().find(|c| {
            !(c.onsite.is_finite()
                && c.arm_p.0.is_finite()
                && c.arm_p.1.is_finite()
                && c.arm_q.0.is_finite()
                && c.arm_q.1.is_finite())
        }) {
            return Err(TheoryError::Invalid(format!(
                "the three-body Hessian is not finite at r = {} and {}; start the r grid further \
                 from 0",
                out.r[c.p], out.r[c.q]
            )));
        }
        Ok(out)
    }

    /// Checks that this table belongs to `table` and that `g` is one of its rows.
    fn check(&self, table: &PairTable, g: &[f64]) -> Result<()> {
        self.check_table(table)?;
        table.check_row(g, "the g row")
    }

    /// Checks that this table was built on `table`'s grid.
    fn check_table(&self, table: &PairTable) -> Result<()> {
        if table.n_r() != self.n_r || table.dim != self.dim || table.n_species != 1 {
            return Err(TheoryError::Invalid(format!(
                "the three-body table was built on a {}D grid of {} bins, the pair table is {}D \
                 with {} bins: build both on the same grid",
                self.dim,
                self.n_r,
                table.dim,
                table.n_r()
            )));
        }
        Ok(())
    }

    /// Neighbours per bin inside aσ, n_p = ρ g_p V_p, and their sum Z.
    fn neighbours(&self, g: &[f64], rho: f64) -> (Vec<f64>, f64) {
        let n: Vec<f64> = self
            .bins
            .iter()
            .zip(&self.shells)
            .map(|(&k, v)| rho * g[k] * v)
            .collect();
        let z = n.iter().sum();
        (n, z)
    }

    /// The count factor c(Z) and dc/dZ.
    fn count_factor(&self, z: f64) -> (f64, f64) {
        match self.count {
            TripletCount::Product => (1.0, 0.0),
            TripletCount::DistinctPairs if z > 0.0 => (1.0 - 1.0 / z, 1.0 / (z * z)),
            TripletCount::DistinctPairs => (0.0, 0.0),
        }
    }

    /// The three-body k → ∞ limit of the branch average (ω²_L + (d−1)ω²_T)/d: its share of
    /// M2 = Tr D/(dN) under the factorisation, (c/(d m)) ½ Σ_pq n_p n_q Σ_θ P Σ_a Tr H_aa.
    pub fn m2(&self, g: &[f64], rho: f64) -> f64 {
        let (n, z) = self.neighbours(g, rho);
        let (c, _) = self.count_factor(z);
        let q: f64 = self
            .pairs
            .iter()
            .map(|cell| {
                let w = if cell.p == cell.q { 0.5 } else { 1.0 };
                w * n[cell.p] * n[cell.q] * cell.onsite
            })
            .sum();
        c * q / (self.dim as f64 * self.mass)
    }

    /// ω²_L,3 and ω²_T,3 at wave number k (with k- and ρ-derivatives; gradients with respect to
    /// the g row when `gradient`).
    pub(crate) fn at(&self, g: &[f64], rho: f64, k: f64, gradient: bool) -> ThreeBodyPoint {
        let d = self.dim;
        let df = d as f64;
        let (n, z) = self.neighbours(g, rho);
        let (c, dc_dz) = self.count_factor(z);
        let arms: Vec<SideAverages> = self.r.iter().map(|&r| side_averages(d, k * r)).collect();
        // A(ks), B(ks) on the s grid and their k-derivatives s A′(ks), s B′(ks)
        let grid: Vec<SideAverages> = (0..=S_POINTS)
            .map(|i| {
                let s = i as f64 * self.s_step;
                let mut a = side_averages(d, k * s);
                a.da *= s;
                a.db *= s;
                a.dc0 *= s;
                a
            })
            .collect();
        let nb = self.bins.len();
        let (mut vl, mut vc) = (vec![0.0; nb], vec![0.0; nb]);
        let (mut ql, mut qc, mut dql, mut dqc) = (0.0, 0.0, 0.0, 0.0);
        for cell in &self.pairs {
            let (p, q) = (cell.p, cell.q);
            let (ap, aq) = (&arms[p], &arms[q]);
            let (rp, rq) = (self.r[p], self.r[q]);
            let (mut fl, mut fc, mut dfl, mut dfc) = (0.0, 0.0, 0.0, 0.0);
            for t in &self.sides[cell.sides.clone()] {
                let (lo, hi) = (&grid[t.index], &grid[t.index + 1]);
                let lerp = |x: f64, y: f64| x + t.frac * (y - x);
                let (a, b) = (lerp(lo.a, hi.a), lerp(lo.b, hi.b));
                let (da, db) = (lerp(lo.da, hi.da), lerp(lo.db, hi.db));
                fl += a * t.tr + b * t.nn;
                dfl += da * t.tr + db * t.nn;
                // c0 = Tr(A I + B n nᵀ) = d A + B
                fc += (df * a + b) * t.tr;
                dfc += (df * da + db) * t.tr;
            }
            fl += ap.a * cell.arm_p.0
                + ap.b * cell.arm_p.1
                + aq.a * cell.arm_q.0
                + aq.b * cell.arm_q.1;
            dfl += rp * (ap.da * cell.arm_p.0 + ap.db * cell.arm_p.1)
                + rq * (aq.da * cell.arm_q.0 + aq.db * cell.arm_q.1);
            fc += ap.c0 * cell.arm_p.0 + aq.c0 * cell.arm_q.0;
            dfc += rp * ap.dc0 * cell.arm_p.0 + rq * aq.dc0 * cell.arm_q.0;
            let fl = cell.onsite / df + 2.0 * fl;
            let fc = cell.onsite + 2.0 * fc;
            let (dfl, dfc) = (2.0 * dfl, 2.0 * dfc);
            let w = if p == q { 0.5 } else { 1.0 };
            ql += w * n[p] * n[q] * fl;
            qc += w * n[p] * n[q] * fc;
            dql += w * n[p] * n[q] * dfl;
            dqc += w * n[p] * n[q] * dfc;
            if gradient {
                vl[p] += n[q] * fl;
                vc[p] += n[q] * fc;
                if p != q {
                    vl[q] += n[p] * fl;
                    vc[q] += n[p] * fc;
                }
            }
        }
        let m = self.mass;
        let to_t = |l: f64, trace: f64| (trace - l) / (df - 1.0);
        let (l, trace) = (c * ql / m, c * qc / m);
        // ∂/∂ρ at fixed k: Q ∝ ρ², Z ∝ ρ
        let (dl_drho, dc_drho) = (
            (2.0 * c + dc_dz * z) * ql / (m * rho),
            (2.0 * c + dc_dz * z) * qc / (m * rho),
        );
        let mut out = ThreeBodyPoint {
            l,
            t: to_t(l, trace),
            dl_dk: c * dql / m,
            dt_dk: to_t(c * dql / m, c * dqc / m),
            dl_drho,
            dt_drho: to_t(dl_drho, dc_drho),
            grad_l: Vec::new(),
            grad_t: Vec::new(),
        };
        if gradient {
            out.grad_l = vec![0.0; self.n_r];
            out.grad_t = vec![0.0; self.n_r];
            for (p, &bin) in self.bins.iter().enumerate() {
                let dn = rho * self.shells[p] / m;
                let gl = dn * (c * vl[p] + dc_dz * ql);
                let gc = dn * (c * vc[p] + dc_dz * qc);
                out.grad_l[bin] = gl;
                out.grad_t[bin] = to_t(gl, gc);
            }
        }
        out
    }

    /// The three-body part of the dispersion alone (not clamped).
    pub fn dispersion(
        &self,
        table: &PairTable,
        g: &[f64],
        rho: f64,
        k: &[f64],
    ) -> Result<Dispersion> {
        self.check(table, g)?;
        check_density(rho, "three-body dispersion")?;
        check_wavenumbers(k)?;
        let points: Vec<ThreeBodyPoint> = k.iter().map(|&kk| self.at(g, rho, kk, false)).collect();
        Ok(Dispersion {
            k: k.to_vec(),
            omega2_l: points.iter().map(|p| p.l).collect(),
            omega2_t: points.iter().map(|p| p.t).collect(),
        })
    }
}

fn check_wavenumbers(k: &[f64]) -> Result<()> {
    match k.iter().find(|k| !(k.is_finite() && **k >= 0.0)) {
        Some(bad) => Err(TheoryError::Invalid(format!(
            "wave numbers must be finite and ≥ 0 (got {bad})"
        ))),
        None => Ok(()),
    }
}

/// The pair table of SW's two-body part (one channel: the total g) and the three-body table of
/// an `sw` model on the r grid `edges`: what the functions below need.
pub fn sw_tables(
    model: &Model,
    edges: &[f64],
    dim: Dim,
    angles: &AngleDistribution,
    factorisation: Factorisation,
) -> Result<(PairTable, ThreeBodyTable)> {
    let sw = StillingerWeber::from_model(model)?;
    // SW has one parameter set for every species; the labels of a preset ("1", "Si") are
    // aliases, so the structure is the total g and one mass is needed
    let mass = model.masses.first().copied().unwrap_or(f64::NAN);
    if model.masses.iter().any(|m| *m != mass) {
        return Err(TheoryError::Invalid(format!(
            "first-order theory of Stillinger–Weber needs one mass for every species ('{}'              declares {:?}): it works on the total g(r)",
            model.name, model.masses
        )));
    }
    let mix = super::Mixture::new(vec![1.0], vec![mass])?;
    let pairs = PairTable::new(&sw.two_body(), &mix, edges, dim)?;
    let three = ThreeBodyTable::new(&sw, &pairs, mass, angles, factorisation)?;
    Ok((pairs, three))
}

/// The QCA dispersion of SW: pair part + three-body part.
pub fn dispersion(
    table: &PairTable,
    three: &ThreeBodyTable,
    g: &[f64],
    rho: f64,
    k: &[f64],
) -> Result<Dispersion> {
    three.check(table, g)?;
    dispersion_impl(table, Some(three), g, rho, k)
}

/// The QCA VDOS of SW: pair part + three-body part.
pub fn vdos(
    table: &PairTable,
    three: &ThreeBodyTable,
    g: &[f64],
    rho: f64,
    grid: &SpectrumGrid,
) -> Result<QcaVdos> {
    three.check(table, g)?;
    vdos_impl(table, Some(three), g, rho, grid)
}

/// The linear response K = ∂D/∂g, K_ρ of SW's QCA spectrum (three-body part included, P(θ)
/// held at the reference).
pub fn linear_response(
    table: &PairTable,
    three: &ThreeBodyTable,
    g0: &[f64],
    rho0: f64,
    grid: &SpectrumGrid,
) -> Result<LinearResponse> {
    three.check(table, g0)?;
    linear_response_impl(table, Some(three), g0, rho0, grid)
}

/// The theory-only model D₀ + K (g − g₀) + K_ρ (ρ − ρ₀) of SW ([`TheoryModel::fit`] with the
/// three-body part; its P(θ) is the table's, held fixed: build the table from the training
/// rows' mean bond-angle distribution).
pub fn fit(
    table: &PairTable,
    three: &ThreeBodyTable,
    train: TrainingSet,
    grid: &SpectrumGrid,
) -> Result<TheoryModel> {
    three.check_table(table)?;
    TheoryModel::fit_impl(table, Some(three), train, grid)
}

/// σ by cross-validation for SW ([`super::choose_sigma`] with the three-body part; the table's
/// P(θ) is the same for every fold).
pub fn choose_sigma(
    table: &PairTable,
    three: &ThreeBodyTable,
    train: TrainingSet,
    omega_edges: &[f64],
    sigmas: &[f64],
    folds: usize,
) -> Result<SigmaChoice> {
    three.check_table(table)?;
    choose_sigma_impl(table, Some(three), train, omega_edges, sigmas, folds)
}

/// The exact three-body share of M2 of a configuration: Σ_triplets Σ_a Tr H₃,aa/(d N m), from
/// the same triplet Hessians (every triplet of every atom within aσ), for checking the
/// factorised [`ThreeBodyTable::m2`].
pub fn exact_three_body_m2(sw: &StillingerWeber, sys: &System) -> Result<f64> {
    let d = sys.dim().get();
    let lists = sw.neighbour_lists(sys)?;
    let per_atom: Vec<f64> = lists
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            let mut sum = 0.0;
            for (s, &(_, u)) in l.iter().enumerate() {
                for &(_, v) in &l[s + 1..] {
                    sum += onsite_trace(&triplet_hessian(sw, d, u, v), d) / sys.masses[i];
                }
            }
            sum
        })
        .collect();
    crate::error::finite(
        "three-body M2",
        per_atom.iter().sum::<f64>() / sys.dof() as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sw2d() -> StillingerWeber {
        StillingerWeber {
            costheta0: -0.5,
            epsilon: 1.0,
            sigma: 1.0,
            step: 5e-5,
            ..StillingerWeber::silicon()
        }
    }

    /// φ₂″ of the pair view against central differences of its φ₂′ (h = 1e-5: error h²φ⁗/6
    /// ~ 1e-9 relative where φ₂ is not near its essential singularity at aσ); φ₂′ against sw.rs's
    /// own `two` through the pair interaction's term.
    #[test]
    fn the_two_body_pair_view_has_consistent_derivatives() {
        let sw = StillingerWeber::silicon();
        let pairs = sw.two_body();
        let term = pairs.term(0, 0);
        for &r in &[2.0, 2.35, 2.8, 3.3, 3.7] {
            let [_, d1, d2] = term.eval(r);
            let h = 1e-5;
            let [ep, _, _] = term.eval(r + h);
            let [em, _, _] = term.eval(r - h);
            let [_, dp, _] = term.eval(r + h);
            let [_, dm, _] = term.eval(r - h);
            let fd1 = (ep - em) / (2.0 * h);
            let fd2 = (dp - dm) / (2.0 * h);
            assert!(
                (fd1 - d1).abs() < 1e-6 * (1.0 + d1.abs()),
                "r {r}: {fd1} {d1}"
            );
            assert!(
                (fd2 - d2).abs() < 1e-6 * (1.0 + d2.abs()),
                "r {r}: {fd2} {d2}"
            );
            let (_, two_d1) = sw.two(r);
            assert!((two_d1 - d1).abs() < 1e-12 * (1.0 + d1.abs()));
        }
        assert_eq!(term.eval(sw.range()), [0.0; 3]);
    }

    /// The orientation average in closed form (A I + B n nᵀ) against a direct average of the
    /// plane-wave projection of one triplet over k̂: 2D, 64 equally spaced angles (the trapezoid
    /// rule is exact to ~1e-15 for these band-limited periodic integrands at k r ≤ 10); 3D, a
    /// Fibonacci set of 2000 directions (error ~1/n ≈ 1e-3 of the terms: tolerance 5e-3).
    #[test]
    fn closed_form_orientation_average_matches_a_direct_one() {
        for d in [2usize, 3] {
            let sw = sw2d();
            let u = [1.1, 0.0, 0.0];
            let v = [1.2 * 2.0f64.cos(), 1.2 * 2.0f64.sin(), 0.0];
            let hess = triplet_hessian(&sw, d, u, v);
            let x = [[0.0; 3], u, v];
            let dirs: Vec<[f64; 3]> = if d == 2 {
                (0..64)
                    .map(|i| {
                        let a = 2.0 * std::f64::consts::PI * i as f64 / 64.0;
                        [a.cos(), a.sin(), 0.0]
                    })
                    .collect()
            } else {
                let n = 2000;
                let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
                (0..n)
                    .map(|i| {
                        let z = 1.0 - (2.0 * i as f64 + 1.0) / n as f64;
                        let rho = (1.0 - z * z).sqrt();
                        let phi = golden * i as f64;
                        [rho * phi.cos(), rho * phi.sin(), z]
                    })
                    .collect()
            };
            let tol = if d == 2 { 1e-10 } else { 5e-3 };
            for &k in &[0.3, 2.0, 5.0] {
                let (mut l, mut tr) = (0.0, 0.0);
                for e in &dirs {
                    for a in 0..3 {
                        for b in 0..3 {
                            let phase: f64 =
                                (0..3).map(|c| k * e[c] * (x[a][c] - x[b][c])).sum::<f64>();
                            let mut eh = 0.0;
                            let mut t = 0.0;
                            for al in 0..d {
                                t += hess[a][b][al][al];
                                for be in 0..d {
                                    eh += e[al] * hess[a][b][al][be] * e[be];
                                }
                            }
                            l += phase.cos() * eh;
                            tr += phase.cos() * t;
                        }
                    }
                }
                l /= dirs.len() as f64;
                tr /= dirs.len() as f64;
                let on = onsite_trace(&hess, d);
                let (mut cl, mut cc) = (on / d as f64, on);
                for (a, b) in [(0, 1), (0, 2), (1, 2)] {
                    let ab = [x[b][0] - x[a][0], x[b][1] - x[a][1], x[b][2] - x[a][2]];
                    let r = (ab[0] * ab[0] + ab[1] * ab[1]).sqrt();
                    let (t, nn) = side(&hess, d, a, b, unit(ab));
                    let s = side_averages(d, k * r);
                    cl += 2.0 * (s.a * t + s.b * nn);
                    cc += 2.0 * s.c0 * t;
                }
                let scale = on.abs();
                eprintln!("{d}D k {k}: L direct {l:.6e} closed {cl:.6e}; trace {tr:.6e} {cc:.6e}");
                assert!((l - cl).abs() < tol * scale, "{d}D k {k}: L {l} vs {cl}");
                assert!(
                    (tr - cc).abs() < tol * scale,
                    "{d}D k {k}: trace {tr} vs {cc}"
                );
            }
        }
    }

    /// Translation invariance of one triplet: Σ_b H_ab = 0 (to rounding/h ~ 1e-11 of |H|).
    #[test]
    fn triplet_hessian_rows_sum_to_zero() {
        let sw = sw2d();
        let hess = triplet_hessian(&sw, 3, [1.1, 0.1, 0.2], [-0.5, 0.9, -0.3]);
        let scale = onsite_trace(&hess, 3).abs();
        for a in 0..3 {
            for al in 0..3 {
                for be in 0..3 {
                    let s: f64 = (0..3).map(|b| hess[a][b][al][be]).sum();
                    assert!(s.abs() < 1e-8 * scale, "{a} {al} {be}: {s}");
                }
            }
        }
    }
}
