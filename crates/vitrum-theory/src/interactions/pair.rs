//! Everything a pair potential needs beyond φ, φ′, φ″: per-species-pair tables, truncation,
//! energy and forces over a cell list, the analytic block Hessian and the exact M2 pair sum.

use crate::error::{Result, TheoryError, all_finite, finite};
use crate::hessian::{Block, BlockHessian};
use crate::interactions::Interaction;
use crate::spec::{ModelSpec, Params, Truncation};
use crate::system::System;
use rayon::prelude::*;
use vitrum_descriptors::{RdfResult, pair_index};

/// A pair found within its cutoff: (i, j, r_j − r_i, |r_j − r_i|).
type FoundPair = (usize, usize, [f64; 3], f64);

/// Per-chunk energy and force contributions (particle, force).
type Partial = (f64, Vec<(usize, [f64; 3])>);

/// A pair potential φ(r) of one species pair, untruncated.
pub trait PairPotential: Send + Sync + std::fmt::Debug {
    /// [φ(r), φ′(r), φ″(r)].
    fn eval(&self, r: f64) -> [f64; 3];
}

/// Builds one species pair's potential and cutoff from its parameter table.
pub type PairBuilder = fn(&Params) -> Result<(Box<dyn PairPotential>, f64)>;

/// One species pair: the potential, its cutoff and the truncation constants.
#[derive(Debug)]
pub struct PairTerm {
    pub potential: Box<dyn PairPotential>,
    pub cutoff: f64,
    truncation: Truncation,
    /// φ(r_c) and φ′(r_c).
    at_cutoff: [f64; 2],
}

impl PairTerm {
    pub fn new(potential: Box<dyn PairPotential>, cutoff: f64, truncation: Truncation) -> Self {
        let [e, d1, _] = potential.eval(cutoff);
        PairTerm {
            potential,
            cutoff,
            truncation,
            at_cutoff: [e, d1],
        }
    }

    /// [φ, φ′, φ″] of the truncated potential; zero at and beyond the cutoff.
    #[inline]
    pub fn eval(&self, r: f64) -> [f64; 3] {
        if r >= self.cutoff {
            return [0.0; 3];
        }
        let [e, d1, d2] = self.potential.eval(r);
        let [ec, fc] = self.at_cutoff;
        match self.truncation {
            Truncation::None => [e, d1, d2],
            Truncation::Shift => [e - ec, d1, d2],
            Truncation::ForceShift => [e - ec - (r - self.cutoff) * fc, d1 - fc, d2],
        }
    }

    /// The M2 kernel φ″ + (d − 1) φ′/r.
    #[inline]
    pub fn m2_kernel(&self, r: f64, d: usize) -> f64 {
        let [_, d1, d2] = self.eval(r);
        d2 + (d as f64 - 1.0) * d1 / r
    }
}

/// A pair interaction: one [`PairTerm`] per unordered species pair.
#[derive(Debug)]
pub struct PairInteraction {
    style: &'static str,
    n_species: usize,
    terms: Vec<PairTerm>,
    cutoff: f64,
}

/// Below this distance two particles count as overlapping (every pair potential is singular or
/// meaningless at r = 0, and a direction n = r/|r| does not exist).
const OVERLAP: f64 = 1e-10;

impl PairInteraction {
    /// Builds the table from a potential file: every species pair needs a `[pair."A-B"]` table.
    pub fn from_spec(spec: &ModelSpec, style: &'static str, build: PairBuilder) -> Result<Self> {
        let n = spec.n_species();
        let mut terms: Vec<Option<PairTerm>> = (0..n * (n + 1) / 2).map(|_| None).collect();
        for (a, b, table) in &spec.pairs {
            let ctx = format!(
                "[pair.\"{}-{}\"] ({style})",
                spec.labels[*a], spec.labels[*b]
            );
            let (pot, cutoff) = build(&Params::new(table, ctx))?;
            terms[pair_index(*a, *b, n)] = Some(PairTerm::new(pot, cutoff, spec.truncation));
        }
        let mut out = Vec::with_capacity(terms.len());
        for (k, t) in terms.into_iter().enumerate() {
            let (a, b) = vitrum_descriptors::species_pairs(n)[k];
            out.push(t.ok_or_else(|| {
                TheoryError::MissingPair(spec.labels[a].clone(), spec.labels[b].clone())
            })?);
        }
        Ok(Self::new(style, n, out))
    }

    /// A table in `species_pairs(n_species)` order.
    pub fn new(style: &'static str, n_species: usize, terms: Vec<PairTerm>) -> Self {
        let cutoff = terms.iter().map(|t| t.cutoff).fold(0.0, f64::max);
        PairInteraction {
            style,
            n_species,
            terms,
            cutoff,
        }
    }

    #[inline]
    pub fn term(&self, a: usize, b: usize) -> &PairTerm {
        &self.terms[pair_index(a, b, self.n_species)]
    }

    /// Calls `f(i, j, dr, r, term)` for every pair within its species pair's cutoff, in
    /// (i, j) order, after checking for overlaps.
    fn pairs(&self, sys: &System) -> Result<Vec<FoundPair>> {
        let list = sys.cell_list(self.cutoff)?;
        let d = sys.dim().get();
        let mut out = Vec::new();
        for mut p in list.pairs() {
            if d == 2 {
                p.dr[2] = 0.0;
            }
            let r = (p.dr[0] * p.dr[0] + p.dr[1] * p.dr[1] + p.dr[2] * p.dr[2]).sqrt();
            if r < OVERLAP {
                return Err(TheoryError::Overlap { i: p.i, j: p.j, r });
            }
            if r < self.term(sys.types[p.i], sys.types[p.j]).cutoff {
                out.push((p.i, p.j, p.dr, r));
            }
        }
        Ok(out)
    }

    /// The exact M2 sum rule as a pair sum: M2 = Tr D/(dN) =
    /// (1/(dN)) Σ_{i<j} (1/m_i + 1/m_j) [φ″ + (d − 1) φ′/r].
    pub fn m2_pair_sum(&self, sys: &System) -> Result<f64> {
        let d = sys.dim().get();
        let sum: f64 = self
            .pairs(sys)?
            .iter()
            .map(|&(i, j, _, r)| {
                let k = self.term(sys.types[i], sys.types[j]).m2_kernel(r, d);
                (1.0 / sys.masses[i] + 1.0 / sys.masses[j]) * k
            })
            .sum();
        finite("M2", sum / sys.dof() as f64)
    }

    /// The M2 sum rule as a quadrature over partial g_ab(r) at the bin midpoints:
    /// M2 ≈ (1/d) Σ_a (x_a/m_a) Σ_b ρ_b Σ_k V_k g_ab(r_k) [φ″ + (d−1)φ′/r](r_k), with V_k the
    /// exact shell volume (so V_k g_ab(r_k) is exactly the pair count of the bin). The error is
    /// O(Δr²) when every cutoff is a bin edge (else O(Δr) from the bin straddling r_c).
    pub fn m2_from_rdf(&self, sys: &System, rdf: &RdfResult) -> Result<f64> {
        let d = sys.dim().get();
        let shells = rdf.params.shell_volumes(rdf.dim);
        let n_cfg = rdf.labels.len();
        let mut sum = 0.0;
        for a in 0..n_cfg {
            for b in 0..n_cfg {
                let (ma, mb) = (sys.species_map[a], sys.species_map[b]);
                let mass_a = sys
                    .types
                    .iter()
                    .zip(&sys.masses)
                    .find(|(t, _)| **t == ma)
                    .map(|(_, m)| *m);
                let Some(mass_a) = mass_a else { continue };
                let g = &rdf
                    .partials
                    .iter()
                    .find(|p| (p.a, p.b) == (a.min(b), a.max(b)))
                    .ok_or_else(|| TheoryError::Invalid("partial g(r) missing".into()))?
                    .g;
                let term = self.term(ma, mb);
                let integral: f64 = rdf
                    .r
                    .iter()
                    .zip(g)
                    .zip(&shells)
                    .map(|((&r, &g), &v)| v * g * term.m2_kernel(r, d))
                    .sum();
                sum += rdf.fractions[a] / mass_a * rdf.densities[b] * integral;
            }
        }
        Ok(sum / d as f64)
    }
}

impl Interaction for PairInteraction {
    fn style(&self) -> &'static str {
        self.style
    }

    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn energy_forces(&self, sys: &System) -> Result<(f64, Vec<[f64; 3]>)> {
        let pairs = self.pairs(sys)?;
        let n = sys.len();
        // Forces accumulate per chunk of pairs and are summed in chunk order: the result is
        // the same for any number of threads.
        let partial: Vec<Partial> = pairs
            .par_chunks(4096)
            .map(|chunk| {
                let mut e = 0.0;
                let mut f = Vec::with_capacity(2 * chunk.len());
                for &(i, j, dr, r) in chunk {
                    let [phi, d1, _] = self.term(sys.types[i], sys.types[j]).eval(r);
                    e += phi;
                    // E depends on r = |r_j − r_i|: F_i = φ′ n, F_j = −φ′ n
                    let s = d1 / r;
                    let v = [s * dr[0], s * dr[1], s * dr[2]];
                    f.push((i, v));
                    f.push((j, [-v[0], -v[1], -v[2]]));
                }
                (e, f)
            })
            .collect();
        let mut energy = 0.0;
        let mut forces = vec![[0.0; 3]; n];
        for (e, f) in partial {
            energy += e;
            for (i, v) in f {
                for k in 0..3 {
                    forces[i][k] += v[k];
                }
            }
        }
        finite("energy", energy)?;
        all_finite("force", &forces)?;
        Ok((energy, forces))
    }

    fn hessian(&self, sys: &System) -> Result<BlockHessian> {
        let pairs = self.pairs(sys)?;
        let d = sys.dim().get();
        let off: Vec<(usize, usize, Block)> = pairs
            .par_iter()
            .map(|&(i, j, dr, r)| {
                let [_, d1, d2] = self.term(sys.types[i], sys.types[j]).eval(r);
                let n = [dr[0] / r, dr[1] / r, dr[2] / r];
                let t = d1 / r;
                let mut b = [[0.0; 3]; 3];
                // H_ij = −[φ″ n nᵀ + (φ′/r)(I − n nᵀ)]
                for a in 0..d {
                    for c in 0..d {
                        let nn = n[a] * n[c];
                        let id = if a == c { 1.0 } else { 0.0 };
                        b[a][c] = -(d2 * nn + t * (id - nn));
                    }
                }
                (i, j, b)
            })
            .collect();
        let h = BlockHessian::from_pair_blocks(sys.len(), sys.dim(), off);
        h.check_finite()?;
        Ok(h)
    }

    fn as_pair(&self) -> Option<&PairInteraction> {
        Some(self)
    }
}
