//! The per-bin table every first-order quantity is a weighted sum over.

use crate::error::{Result, TheoryError};
use crate::interactions::PairInteraction;
use crate::system::Model;
use ndarray::Array2;
use vitrum_descriptors::{shell_volumes, species_pairs};
use vitrum_io::Dim;

/// Composition and masses of a mixture, species in the interaction's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixture {
    /// Number fractions x_a (they sum to 1).
    pub fractions: Vec<f64>,
    pub masses: Vec<f64>,
}

impl Mixture {
    /// From particle counts per species (the dataset's composition) and masses.
    pub fn from_counts(counts: &[usize], masses: &[f64]) -> Result<Mixture> {
        let n: usize = counts.iter().sum();
        if n == 0 || counts.len() != masses.len() {
            return Err(TheoryError::Invalid(format!(
                "a mixture needs one count and one mass per species and at least one particle \
                 (got counts {counts:?}, masses {masses:?})"
            )));
        }
        Mixture::new(
            counts.iter().map(|&c| c as f64 / n as f64).collect(),
            masses.to_vec(),
        )
    }

    pub fn new(fractions: Vec<f64>, masses: Vec<f64>) -> Result<Mixture> {
        let sum: f64 = fractions.iter().sum();
        let ok = fractions.len() == masses.len()
            && !fractions.is_empty()
            && fractions.iter().all(|x| x.is_finite() && *x >= 0.0)
            && masses.iter().all(|m| m.is_finite() && *m > 0.0)
            && (sum - 1.0).abs() < 1e-9;
        if !ok {
            return Err(TheoryError::Invalid(format!(
                "a mixture needs fractions ≥ 0 summing to 1 and masses > 0, one each per species \
                 (got fractions {fractions:?}, masses {masses:?})"
            )));
        }
        Ok(Mixture { fractions, masses })
    }

    pub fn n_species(&self) -> usize {
        self.fractions.len()
    }
}

/// φ″ and φ′/r of every species pair at the bin midpoints of an r grid, with the weights that
/// turn a histogram g_ab(r_k) into pair sums. Rows are channels in `species_pairs` order.
///
/// A histogram bin holds N_a ρ_b V_k g_ab(r_k) ordered a–b pairs, so per particle and per unit
/// density the pairs (a, b) and (b, a) of an unordered channel weigh
/// - `wp = V_k Σ_(a,b) x_a x_b / m_a`: the exact M2 sum rule (Tr D/(dN), each particle's own
///   inverse mass);
/// - `wq = V_k Σ_(a,b) x_a x_b / m̄`, m̄ = Σ_a x_a m_a: the QCA, whose trial vector is the
///   acoustic plane wave u_i ∝ √m_i ê e^{ik·r_i} of the mass-weighted dynamical matrix (its
///   Rayleigh quotient is physics.md's formula with m = m̄; ω → 0 as k → 0 for any masses).
///
/// For equal masses wp = wq = x_a x_b V_k/m (×2 off the diagonal).
#[derive(Debug, Clone)]
pub struct PairTable {
    pub dim: usize,
    pub n_species: usize,
    pub edges: Vec<f64>,
    /// Bin midpoints, where g and the potential are evaluated.
    pub r: Vec<f64>,
    pub shells: Vec<f64>,
    /// φ″(r_k) per channel.
    pub d2: Array2<f64>,
    /// φ′(r_k)/r_k per channel.
    pub d1r: Array2<f64>,
    pub wp: Array2<f64>,
    pub wq: Array2<f64>,
}

impl PairTable {
    /// The table of a pair interaction on the bins between `edges` (strictly increasing, ≥ 0).
    pub fn new(
        pairs: &PairInteraction,
        mix: &Mixture,
        edges: &[f64],
        dim: Dim,
    ) -> Result<PairTable> {
        let d = dim.get();
        let ns = pairs.n_species();
        if mix.n_species() != ns {
            return Err(TheoryError::Invalid(format!(
                "the mixture has {} species but the interaction {ns}",
                mix.n_species()
            )));
        }
        let increasing = edges.windows(2).all(|w| w[1] > w[0]);
        if edges.len() < 2 || !increasing || !edges.iter().all(|e| e.is_finite()) || edges[0] < 0.0
        {
            return Err(TheoryError::Invalid(format!(
                "the r grid needs ≥ 2 finite, strictly increasing edges starting at r ≥ 0 (got {} \
                 edges from {:?} to {:?})",
                edges.len(),
                edges.first(),
                edges.last()
            )));
        }
        let r: Vec<f64> = edges.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect();
        let shells = shell_volumes(edges, dim);
        let channels = species_pairs(ns);
        let n_r = r.len();
        let mut t = PairTable {
            dim: d,
            n_species: ns,
            edges: edges.to_vec(),
            r,
            shells,
            d2: Array2::zeros((channels.len(), n_r)),
            d1r: Array2::zeros((channels.len(), n_r)),
            wp: Array2::zeros((channels.len(), n_r)),
            wq: Array2::zeros((channels.len(), n_r)),
        };
        let mean_mass: f64 = mix
            .fractions
            .iter()
            .zip(&mix.masses)
            .map(|(x, m)| x * m)
            .sum();
        for (c, &(a, b)) in channels.iter().enumerate() {
            let term = pairs.term(a, b);
            let (x, m) = (&mix.fractions, &mix.masses);
            let ordered: &[(usize, usize)] = if a == b { &[(a, b)] } else { &[(a, b), (b, a)] };
            let wp: f64 = ordered.iter().map(|&(i, j)| x[i] * x[j] / m[i]).sum();
            let wq: f64 = ordered.iter().map(|&(i, j)| x[i] * x[j] / mean_mass).sum();
            for k in 0..n_r {
                let rk = t.r[k];
                let [_, d1, d2] = term.eval(rk);
                if !(d1.is_finite() && d2.is_finite()) {
                    return Err(TheoryError::Invalid(format!(
                        "φ′ or φ″ of species pair {}-{} is not finite at r = {rk} (bin {k}); \
                         start the r grid further from 0",
                        a + 1,
                        b + 1
                    )));
                }
                t.d2[[c, k]] = d2;
                t.d1r[[c, k]] = d1 / rk;
                t.wp[[c, k]] = wp * t.shells[k];
                t.wq[[c, k]] = wq * t.shells[k];
            }
        }
        Ok(t)
    }

    /// The table of a model's pair interaction, with the model's masses and these fractions.
    pub fn from_model(
        model: &Model,
        fractions: &[f64],
        edges: &[f64],
        dim: Dim,
    ) -> Result<PairTable> {
        let pairs = model.interaction.as_pair().ok_or_else(|| {
            TheoryError::Invalid(format!(
                "the potential '{}' ({}) is not a pair potential; the pair table is built for \
                 pair styles only (for Stillinger–Weber, perturbation::three_body::sw_tables \
                 builds the two-body table and the three-body part)",
                model.name,
                model.interaction.style()
            ))
        })?;
        let mix = Mixture::new(fractions.to_vec(), model.masses.clone())?;
        PairTable::new(pairs, &mix, edges, dim)
    }

    pub fn n_channels(&self) -> usize {
        self.d2.nrows()
    }

    pub fn n_r(&self) -> usize {
        self.r.len()
    }

    /// Length of a partial-g row: channels × bins.
    pub fn n_features(&self) -> usize {
        self.n_channels() * self.n_r()
    }

    /// Checks that `g` is one partial-g row of this table.
    pub(crate) fn check_row(&self, g: &[f64], what: &str) -> Result<()> {
        if g.len() != self.n_features() {
            return Err(TheoryError::Invalid(format!(
                "{what} has {} values, but {} channel(s) × {} r bins = {} are needed \
                 (partial g_ab, channel-major in a ≤ b order)",
                g.len(),
                self.n_channels(),
                self.n_r(),
                self.n_features()
            )));
        }
        if let Some(i) = g.iter().position(|v| !v.is_finite()) {
            return Err(TheoryError::Invalid(format!(
                "{what} has a non-finite value at column {i} (channel {}, bin {})",
                i / self.n_r(),
                i % self.n_r()
            )));
        }
        Ok(())
    }
}

pub(crate) fn check_density(rho: f64, what: &str) -> Result<()> {
    if rho.is_finite() && rho > 0.0 {
        Ok(())
    } else {
        Err(TheoryError::Invalid(format!(
            "{what}: the number density is {rho}; it must be finite and > 0"
        )))
    }
}
