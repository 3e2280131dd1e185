//! Everything a pair potential needs beyond φ, φ′, φ″: per-species-pair tables, truncation,
//! energy and forces over a cell list or a Verlet list, the analytic block Hessian, the exact M2
//! pair sum and the LAMMPS commands.
//!
//! One force path: the same [`PairTerm`]s serve the Hessian and the single-configuration forces
//! here and the MD/minimisation force loop ([`PairInteraction::list_energy_forces`]), where they
//! are held with their concrete potential type so that the loop is compiled once per style
//! (static dispatch; Lennard-Jones's r²-only kernel is its [`PairPotential::energy_force_r2`]).

use crate::error::{Result, TheoryError, all_finite, finite};
use crate::hessian::{Block, BlockHessian};
use crate::interactions::Interaction;
use crate::interactions::lammps::{LammpsPair, PairStyleForm, pair_commands};
use crate::spec::{ModelSpec, Params, Truncation};
use crate::system::System;
use rayon::prelude::*;
use std::sync::Arc;
use vitrum_descriptors::neighbors::VerletList;
use vitrum_descriptors::{RdfResult, pair_index};

/// A pair found within its cutoff: (i, j, r_j − r_i, |r_j − r_i|).
type FoundPair = (usize, usize, [f64; 3], f64);

/// Per-chunk energy and force contributions (particle, force).
type Partial = (f64, Vec<(usize, [f64; 3])>);

/// A pair potential φ(r) of one species pair, untruncated.
pub trait PairPotential: Send + Sync + std::fmt::Debug {
    /// [φ(r), φ′(r), φ″(r)].
    fn eval(&self, r: f64) -> [f64; 3];

    /// (φ, φ′/r) from r², the MD force kernel. The default takes √r² and [`PairPotential::eval`];
    /// a potential that is a function of r² (Lennard-Jones) overrides it to skip the root.
    #[inline(always)]
    fn energy_force_r2(&self, r2: f64) -> (f64, f64) {
        let r = r2.sqrt();
        let [e, d1, _] = self.eval(r);
        (e, d1 / r)
    }

    /// True when [`PairPotential::energy_force_r2`] is cheap and finite at every r > 0, so the
    /// force loop may evaluate it for every listed pair and multiply by 0 beyond the cutoff
    /// instead of branching (about a third of the listed pairs lie in the skin, in no
    /// predictable order: a branch there mispredicts often).
    fn branch_free(&self) -> bool {
        false
    }

    /// The LAMMPS pair style that computes exactly this potential truncated at `cutoff` as
    /// `truncation` says, when there is one (`lj/cut`, `morse`, ...); None lets the
    /// interaction fall back to [`PairPotential::lepton`] or a written table.
    fn lammps_style(&self, cutoff: f64, truncation: Truncation) -> Option<PairStyleForm> {
        let _ = (cutoff, truncation);
        None
    }

    /// φ(r) as a LAMMPS `lepton` expression in `r` (untruncated; constants written out).
    fn lepton(&self) -> Option<String> {
        None
    }
}

impl<T: PairPotential + ?Sized> PairPotential for Arc<T> {
    #[inline(always)]
    fn eval(&self, r: f64) -> [f64; 3] {
        (**self).eval(r)
    }
    #[inline(always)]
    fn energy_force_r2(&self, r2: f64) -> (f64, f64) {
        (**self).energy_force_r2(r2)
    }
    fn branch_free(&self) -> bool {
        (**self).branch_free()
    }
    fn lammps_style(&self, cutoff: f64, truncation: Truncation) -> Option<PairStyleForm> {
        (**self).lammps_style(cutoff, truncation)
    }
    fn lepton(&self) -> Option<String> {
        (**self).lepton()
    }
}

/// Builds one species pair's potential and cutoff from its parameter table.
pub type PairBuilder<P> = fn(&Params) -> Result<(P, f64)>;

/// One species pair: the potential, its cutoff and the truncation constants. `P` is the
/// concrete potential in the MD force loop, a shared trait object elsewhere.
#[derive(Debug, Clone)]
pub struct PairTerm<P = Arc<dyn PairPotential>> {
    pub potential: P,
    pub cutoff: f64,
    truncation: Truncation,
    /// φ(r_c) and φ′(r_c).
    at_cutoff: [f64; 2],
}

impl<P: PairPotential> PairTerm<P> {
    pub fn new(potential: P, cutoff: f64, truncation: Truncation) -> Self {
        let [e, d1, _] = potential.eval(cutoff);
        PairTerm {
            potential,
            cutoff,
            truncation,
            at_cutoff: [e, d1],
        }
    }

    pub fn truncation(&self) -> Truncation {
        self.truncation
    }

    /// [φ, φ′, φ″] of the truncated potential; zero at and beyond the cutoff.
    #[inline(always)]
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

    /// (φ, φ′/r) of the truncated potential at r², zero at and beyond the cutoff.
    #[inline(always)]
    fn eval_r2(&self, r2: f64, rc2: f64) -> (f64, f64) {
        if r2 < rc2 {
            let r = r2.sqrt();
            let [phi, d1, _] = self.eval(r);
            (phi, d1 / r)
        } else {
            (0.0, 0.0)
        }
    }

    /// [`PairTerm::eval_r2`] without a branch, for [`PairPotential::branch_free`] potentials
    /// truncated by `none` or `shift`: the kernel is evaluated for every r² > 0 and multiplied
    /// by 0 or 1.
    #[inline(always)]
    fn eval_r2_masked(&self, r2: f64, rc2: f64, shift: f64) -> (f64, f64) {
        let inside = (r2 < rc2) as u8 as f64;
        let (e, s) = self.potential.energy_force_r2(r2);
        (inside * (e - shift), inside * s)
    }
}

/// The MD force loop over a Verlet list, compiled for one concrete potential type.
trait ListForces: Send + Sync + std::fmt::Debug {
    fn energy_forces(&self, list: &VerletList, types: &[u32], forces: &mut [[f64; 3]]) -> f64;
}

/// The pair terms in a full n × n table (index a·n + b) with r_c² and the energy shift.
#[derive(Debug)]
struct TermTable<P> {
    n: usize,
    terms: Vec<(PairTerm<P>, f64, f64)>,
    /// Every potential is branch-free and the truncation is `none` or `shift`.
    masked: bool,
}

impl<P: PairPotential + Clone> TermTable<P> {
    fn new(n: usize, term: impl Fn(usize, usize) -> PairTerm<P>) -> Self {
        let mut terms = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                let t = term(a, b);
                let shift = match t.truncation {
                    Truncation::Shift => t.at_cutoff[0],
                    _ => 0.0,
                };
                let rc2 = t.cutoff * t.cutoff;
                terms.push((t, rc2, shift));
            }
        }
        let masked = terms
            .iter()
            .all(|(t, _, _)| t.potential.branch_free() && t.truncation != Truncation::ForceShift);
        TermTable { n, terms, masked }
    }

    #[inline(always)]
    fn run<const D: usize>(
        &self,
        list: &VerletList,
        types: &[u32],
        forces: &mut [[f64; 3]],
    ) -> f64 {
        let n = self.n;
        let t = |i: usize, j: usize| &self.terms[types[i] as usize * n + types[j] as usize];
        if self.masked {
            list.accumulate::<D>(forces, |i, j, r2| {
                let (term, rc2, shift) = t(i, j);
                term.eval_r2_masked(r2, *rc2, *shift)
            })
        } else {
            list.accumulate::<D>(forces, |i, j, r2| {
                let (term, rc2, _) = t(i, j);
                term.eval_r2(r2, *rc2)
            })
        }
    }
}

impl<P: PairPotential + Clone> ListForces for TermTable<P> {
    fn energy_forces(&self, list: &VerletList, types: &[u32], forces: &mut [[f64; 3]]) -> f64 {
        if list.dim() == 3 {
            self.run::<3>(list, types, forces)
        } else {
            self.run::<2>(list, types, forces)
        }
    }
}

/// A pair interaction: one [`PairTerm`] per unordered species pair.
#[derive(Debug)]
pub struct PairInteraction {
    style: &'static str,
    n_species: usize,
    terms: Vec<PairTerm>,
    cutoff: f64,
    /// The same terms with their concrete potential type, for the MD force loop.
    list_forces: Box<dyn ListForces>,
}

/// Below this distance two particles count as overlapping (every pair potential is singular or
/// meaningless at r = 0, and a direction n = r/|r| does not exist).
const OVERLAP: f64 = 1e-10;

impl PairInteraction {
    /// Builds the table from a potential file: every species pair needs a `[pair."A-B"]` table,
    /// which `build` turns into the style's potential `P` and the pair's cutoff.
    pub fn from_spec<P, B>(spec: &ModelSpec, style: &'static str, build: B) -> Result<Self>
    where
        P: PairPotential + Clone + 'static,
        B: Fn(&Params) -> Result<(P, f64)>,
    {
        let n = spec.n_species();
        let mut terms: Vec<Option<PairTerm<P>>> = (0..n * (n + 1) / 2).map(|_| None).collect();
        for (a, b, table) in &spec.pairs {
            let ctx = format!(
                "[pair.\"{}-{}\"] ({style})",
                spec.labels[*a], spec.labels[*b]
            );
            let (pot, cutoff) = build(&Params::new(table, ctx))?;
            terms[pair_index(*a, *b, n)] = Some(PairTerm::new(pot, cutoff, spec.truncation));
        }
        let mut typed = Vec::with_capacity(terms.len());
        for (k, t) in terms.into_iter().enumerate() {
            let (a, b) = vitrum_descriptors::species_pairs(n)[k];
            typed.push(t.ok_or_else(|| {
                TheoryError::MissingPair(spec.labels[a].clone(), spec.labels[b].clone())
            })?);
        }
        let shared = typed
            .iter()
            .map(|t| {
                PairTerm::new(
                    Arc::new(t.potential.clone()) as Arc<dyn PairPotential>,
                    t.cutoff,
                    t.truncation,
                )
            })
            .collect();
        let table = TermTable::new(n, |a, b| typed[pair_index(a, b, n)].clone());
        Ok(Self::with_table(style, n, shared, Box::new(table)))
    }

    /// A table in `species_pairs(n_species)` order (the MD force loop then calls the
    /// potentials through the trait object; [`PairInteraction::from_spec`] compiles it per style).
    pub fn new(style: &'static str, n_species: usize, terms: Vec<PairTerm>) -> Self {
        let table = TermTable::new(n_species, |a, b| terms[pair_index(a, b, n_species)].clone());
        Self::with_table(style, n_species, terms, Box::new(table))
    }

    fn with_table(
        style: &'static str,
        n_species: usize,
        terms: Vec<PairTerm>,
        list_forces: Box<dyn ListForces>,
    ) -> Self {
        let cutoff = terms.iter().map(|t| t.cutoff).fold(0.0, f64::max);
        PairInteraction {
            style,
            n_species,
            terms,
            cutoff,
            list_forces,
        }
    }

    pub fn n_species(&self) -> usize {
        self.n_species
    }

    /// Energy of the pairs of a [`VerletList`] (brought up to date by the caller), with the
    /// forces F = −∂E/∂x added into `forces`; `types` are the model species of the particles.
    /// The summation order is the list's: the same bits whatever the thread count. Pairs
    /// closer than their cutoff must not overlap (the energy is then not finite: callers check).
    pub fn list_energy_forces(
        &self,
        list: &VerletList,
        types: &[u32],
        forces: &mut [[f64; 3]],
    ) -> f64 {
        self.list_forces.energy_forces(list, types, forces)
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

    fn lammps(&self, types: &[usize]) -> Result<LammpsPair> {
        pair_commands(self, types)
    }
}
