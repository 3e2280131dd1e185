//! The linear response of the QCA spectrum to the structure, at a reference (g₀, ρ₀):
//! K(ω, r) = ∂D(ω)/∂g_ab(r) and K_ρ(ω) = ∂D(ω)/∂ρ, analytic by the chain rule.
//!
//! D_i = Σ_β Σ_j W_βj F_i(ω_β(k_j)) with ω_β² = ρ A_β(k)·g ([`super::qca`]), so
//! - ∂D_i/∂g = Σ_βj W_βj F_i′(ω) ρ A_β(k_j) / (2ω)   (∂ω/∂g = (1/2ω) ∂ω²/∂g);
//! - ∂D_i/∂ρ = Σ_βj W_βj F_i′(ω) [ω²/ρ + (k_j/d) ∂_k(A_β·g)] / (2ω): ρ multiplies every
//!   integral, and k_j = u_j k_D(ρ) moves with ρ as dk_D/dρ = k_D/(dρ).
//!
//! A point with ω² ≤ 0 is clamped ([`super::qca`]): its ω does not move, so it adds nothing.

use super::qca::{SpectrumGrid, branch_rows, debye_wavenumber, dot};
use super::table::{PairTable, check_density};
use super::three_body::ThreeBodyTable;
use crate::error::Result;
use ndarray::{Array1, Array2};

/// K and K_ρ at a reference, with the QCA spectrum there.
#[derive(Debug, Clone)]
pub struct LinearResponse {
    pub grid: SpectrumGrid,
    /// The reference partial-g row and density.
    pub g0: Vec<f64>,
    pub rho0: f64,
    /// The QCA VDOS at the reference (per ω bin).
    pub d_qca: Vec<f64>,
    /// ∂D(ω_i)/∂g_c(r_k), shape [n_ω, channels·n_r] (columns channel-major, like g rows).
    pub kernel: Array2<f64>,
    /// ∂D(ω_i)/∂ρ.
    pub k_rho: Vec<f64>,
    /// (k, branch) points clamped at the reference.
    pub n_clamped: usize,
}

impl LinearResponse {
    /// Whether bin k of channel c (column c·n_r + k) has pairs at the reference (g₀ ≠ 0).
    /// Outside the support K is the formal derivative, astronomically large inside the core
    /// (φ″ ~ r⁻¹⁴) and never exercised by a physical change of g.
    pub fn support(&self) -> Vec<bool> {
        self.g0.iter().map(|g| *g != 0.0).collect()
    }

    /// K with the columns outside [`LinearResponse::support`] set to zero: what to plot, write
    /// or compare with a fitted W.
    pub fn kernel_on_support(&self) -> Array2<f64> {
        let mut k = self.kernel.clone();
        for (j, inside) in self.support().into_iter().enumerate() {
            if !inside {
                k.column_mut(j).fill(0.0);
            }
        }
        k
    }

    /// K (g − g₀) + K_ρ (ρ − ρ₀): the first-order change of the spectrum. Changes of g where
    /// g₀ = 0 are ignored (a pair closer than any reference pair: the formal derivative there
    /// would swamp the prediction; first order cannot describe it anyway).
    pub fn change(&self, g: &[f64], rho: f64) -> Vec<f64> {
        let dg: Array1<f64> = g
            .iter()
            .zip(&self.g0)
            .map(|(a, b)| if *b != 0.0 { a - b } else { 0.0 })
            .collect();
        let dd = self.kernel.dot(&dg);
        dd.iter()
            .zip(&self.k_rho)
            .map(|(x, kr)| x + kr * (rho - self.rho0))
            .collect()
    }
}

/// The linear response at (g0, rho0) on `grid`.
pub fn linear_response(
    table: &PairTable,
    g0: &[f64],
    rho0: f64,
    grid: &SpectrumGrid,
) -> Result<LinearResponse> {
    linear_response_impl(table, None, g0, rho0, grid)
}

/// The linear response, with the three-body part of Stillinger–Weber added when `three` is given
/// (its ω² and gradient add to the pair rows' at every k point).
pub(crate) fn linear_response_impl(
    table: &PairTable,
    three: Option<&ThreeBodyTable>,
    g0: &[f64],
    rho0: f64,
    grid: &SpectrumGrid,
) -> Result<LinearResponse> {
    table.check_row(g0, "the reference partial g")?;
    check_density(rho0, "linear response")?;
    grid.check()?;
    let d = table.dim;
    let kd = debye_wavenumber(d, rho0);
    let nb = grid.n_bins();
    let nf = table.n_features();
    let points = grid.debye_points(d);
    let branch_weight = [1.0 / d as f64, (d as f64 - 1.0) / d as f64];
    // S[i, p] = W_p F_i′(ω_p)/(2ω_p), A[p, :] = ρ A_p: K = S A.
    let np = 2 * points.len();
    let mut s = Array2::<f64>::zeros((nb, np));
    let mut a = Array2::<f64>::zeros((np, nf));
    let mut d_qca = vec![0.0; nb];
    let mut k_rho = vec![0.0; nb];
    let mut n_clamped = 0;
    let (mut f, mut df) = (vec![0.0; nb], vec![0.0; nb]);
    for (j, &(u, w)) in points.iter().enumerate() {
        let k = u * kd;
        let rows = branch_rows(table, k);
        let tb = three.map(|t| t.at(g0, rho0, k, true));
        // three-body (ω², ∂ω²/∂ρ at fixed k, ∂ω²/∂k, ∂ω²/∂g) per branch
        let extra: [(f64, f64, f64, Option<&Vec<f64>>); 2] = match &tb {
            Some(p) => [
                (p.l, p.dl_drho, p.dl_dk, Some(&p.grad_l)),
                (p.t, p.dt_drho, p.dt_dk, Some(&p.grad_t)),
            ],
            None => [(0.0, 0.0, 0.0, None), (0.0, 0.0, 0.0, None)],
        };
        let branches = [(&rows.l, &rows.dl), (&rows.t, &rows.dt)];
        for (b, ((row, drow), bw)) in branches.into_iter().zip(branch_weight).enumerate() {
            let p = 2 * j + b;
            let weight = bw * w;
            let (w3, dw3_drho, dw3_dk, grad3) = extra[b];
            let w2_pair = rho0 * dot(row, g0);
            let w2 = w2_pair + w3;
            if w2 <= 0.0 {
                n_clamped += 1;
                grid.spread(0.0, &mut f, &mut df);
                for (o, v) in d_qca.iter_mut().zip(&f) {
                    *o += weight * v;
                }
                continue;
            }
            let omega = w2.sqrt();
            grid.spread(omega, &mut f, &mut df);
            // k = u k_D(ρ) moves as dk/dρ = k/(dρ); the pair rows' ∂_k is per unit ρ
            let dim = d as f64;
            let dw2_drho =
                w2_pair / rho0 + k / dim * dot(drow, g0) + k / (dim * rho0) * dw3_dk + dw3_drho;
            for i in 0..nb {
                d_qca[i] += weight * f[i];
                let c = weight * df[i] / (2.0 * omega);
                s[[i, p]] = c;
                k_rho[i] += c * dw2_drho;
            }
            for (dst, src) in a.row_mut(p).iter_mut().zip(row.iter()) {
                *dst = rho0 * src;
            }
            if let Some(grad) = grad3 {
                for (dst, src) in a.row_mut(p).iter_mut().zip(grad) {
                    *dst += src;
                }
            }
        }
    }
    Ok(LinearResponse {
        grid: grid.clone(),
        g0: g0.to_vec(),
        rho0,
        d_qca,
        kernel: s.dot(&a),
        k_rho,
        n_clamped,
    })
}
