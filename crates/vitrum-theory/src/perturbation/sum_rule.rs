//! The exact second-moment sum rule as a kernel on an r grid.
//!
//! M2 ≡ Tr D/(dN) = (1/d) Σ_a (x_a/m_a) Σ_b ρ_b ∫ s_d(r) g_ab(r) [φ″_ab + (d−1) φ′_ab/r] dr.
//! On a histogram with exact shell volumes V_k, V_k g_ab(r_k) is exactly the pair count of bin k,
//! so the only error is evaluating the kernel at the bin midpoint: O(Δr²) when every cutoff is a
//! bin edge. Note the normalisation: Tr D/(dN) counts the d zero modes, so it is the mean ω² over
//! the non-zero modes times (dN − d)/(dN).

use super::table::{PairTable, check_density};
use crate::error::Result;

/// K₂ such that M2 = Σ_c Σ_k K₂[c·n_r + k] g_c(r_k) at number density `rho` (channel-major,
/// like a partial-g row): K₂,c(r_k) = (ρ/d) wp_c(r_k) [φ″ + (d−1) φ′/r](r_k).
pub fn m2_kernel(table: &PairTable, rho: f64) -> Result<Vec<f64>> {
    check_density(rho, "M2 kernel")?;
    let d = table.dim as f64;
    let k = (&table.d2 + &(&table.d1r * (d - 1.0))) * &table.wp * (rho / d);
    Ok(k.iter().copied().collect())
}

/// M2 of one partial-g row at density `rho`.
pub fn m2(table: &PairTable, g: &[f64], rho: f64) -> Result<f64> {
    table.check_row(g, "the partial g")?;
    let k = m2_kernel(table, rho)?;
    Ok(k.iter().zip(g).map(|(k, g)| k * g).sum())
}
