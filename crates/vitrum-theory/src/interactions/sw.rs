//! Stillinger–Weber, three-body, in the form of LAMMPS `pair_style sw` (one parameter set for
//! every species, as in a one-element `Si.sw` file):
//!
//! E = Σ_{i<j} φ₂(r_ij) + Σ_i Σ_{j<k} φ₃(r_ij, r_ik, θ_jik), with
//! φ₂ = Aε [B(σ/r)^p − (σ/r)^q] exp(σ/(r − aσ)),
//! φ₃ = λε (cos θ_jik − cos θ₀)² exp(γσ/(r_ij − aσ)) exp(γσ/(r_ik − aσ)), all cut at aσ.
//!
//! In 2D the same form with cos θ₀ = −1/2 favours threefold (honeycomb-like) networks.
//! Parameters (`[params]`): `epsilon`, `sigma`, `a`, `lambda`, `gamma`, `costheta0`, `A`, `B`,
//! `p`, `q`.
//!
//! The Hessian is central finite differences of the analytic forces, done locally: displacing
//! atom k changes only the terms that contain k, so each column costs O(neighbours²) and the whole
//! Hessian is linear in N. The diagonal blocks then follow from translation invariance
//! (H_kk = −Σ_{m≠k} H_km), which makes the d zero modes exact.

use super::lammps::LammpsPair;
use super::{Interaction, PairInteraction, PairPotential, PairTerm};
use crate::error::{Result, TheoryError, all_finite, finite};
use crate::hessian::{Block, BlockHessian};
use crate::spec::Truncation;
use crate::spec::{ModelSpec, Params};
use crate::system::System;
use rayon::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StillingerWeber {
    pub epsilon: f64,
    pub sigma: f64,
    pub a: f64,
    pub lambda: f64,
    pub gamma: f64,
    pub costheta0: f64,
    pub big_a: f64,
    pub big_b: f64,
    pub p: f64,
    pub q: f64,
    /// Finite-difference step of the Hessian, in length units.
    pub step: f64,
}

/// The file name of the written `.sw` file.
const SW_FILE: &str = "vitrum.sw";

type Lists = Vec<Vec<(usize, [f64; 3])>>;

/// Per-atom energy and gradient contributions (particle, dE/dr).
type Partial = (f64, Vec<(usize, [f64; 3])>);

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn add(out: &mut Vec<(usize, [f64; 3])>, i: usize, g: [f64; 3], s: f64) {
    out.push((i, [s * g[0], s * g[1], s * g[2]]));
}

impl StillingerWeber {
    /// The LAMMPS `Si.sw` parameters (eV, Å).
    pub fn silicon() -> Self {
        StillingerWeber {
            epsilon: 2.1683,
            sigma: 2.0951,
            a: 1.80,
            lambda: 21.0,
            gamma: 1.20,
            costheta0: -1.0 / 3.0,
            big_a: 7.049556277,
            big_b: 0.6022245584,
            p: 4.0,
            q: 0.0,
            step: 1e-4,
        }
    }

    pub fn from_params(p: &Params) -> Result<Self> {
        p.only(&[
            "epsilon",
            "sigma",
            "a",
            "lambda",
            "gamma",
            "costheta0",
            "A",
            "B",
            "p",
            "q",
            "fd_step",
        ])?;
        let sigma = p.positive("sigma")?;
        Ok(StillingerWeber {
            epsilon: p.positive("epsilon")?,
            sigma,
            a: p.positive("a")?,
            lambda: p.get("lambda")?,
            gamma: p.positive("gamma")?,
            costheta0: p.get("costheta0")?,
            big_a: p.get("A")?,
            big_b: p.get("B")?,
            p: p.get("p")?,
            q: p.get("q")?,
            // 5e-5 σ: O(h²) truncation ~1e-8 relative, round-off ~1e-11 (see docs/potentials.md)
            step: p.get_opt("fd_step")?.unwrap_or(5e-5 * sigma),
        })
    }

    fn rc(&self) -> f64 {
        self.a * self.sigma
    }

    /// The cutoff aσ of both the two-body and the three-body term.
    pub fn range(&self) -> f64 {
        self.rc()
    }

    /// The parameters of a model whose interaction is this style. The [`Interaction`] trait has
    /// no downcast, so they are read back from the style's own LAMMPS parameter file
    /// ([`Interaction::lammps`] writes every parameter with `{}`, which round-trips an f64
    /// exactly); the finite-difference step is the default 5e-5 σ.
    pub fn from_model(model: &crate::system::Model) -> Result<Self> {
        let style = model.interaction.style();
        if style != "sw" {
            return Err(TheoryError::Invalid(format!(
                "the potential '{}' has style '{style}', not 'sw' (Stillinger–Weber)",
                model.name
            )));
        }
        let written = model.interaction.lammps(&[0])?;
        let text = written
            .files
            .iter()
            .find(|(name, _)| name == SW_FILE)
            .map(|(_, text)| text.as_str())
            .unwrap_or("");
        let line = text
            .lines()
            .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty());
        let values: Vec<f64> = line
            .map(|l| {
                l.split_whitespace()
                    .skip(3)
                    .filter_map(|w| w.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        if values.len() != 11 {
            return Err(TheoryError::Invalid(format!(
                "could not read the Stillinger–Weber parameters of '{}' back from its parameter                  file (expected 11 numbers after the element names)",
                model.name
            )));
        }
        Ok(StillingerWeber {
            epsilon: values[0],
            sigma: values[1],
            a: values[2],
            lambda: values[3],
            gamma: values[4],
            costheta0: values[5],
            big_a: values[6],
            big_b: values[7],
            p: values[8],
            q: values[9],
            step: 5e-5 * values[1],
        })
    }

    /// The two-body part φ₂ as a pair interaction (one species, cut at aσ, no shift: φ₂ and its
    /// derivatives vanish smoothly there), for the pair machinery of first-order theory.
    pub fn two_body(&self) -> PairInteraction {
        let term = PairTerm::new(
            Arc::new(SwTwoBody(*self)) as Arc<dyn PairPotential>,
            self.rc(),
            Truncation::None,
        );
        PairInteraction::new("sw", 1, vec![term])
    }

    /// φ₃ of one triplet and its gradients with respect to the arms u = r_j − r_i and
    /// v = r_k − r_i (the angle is at i).
    pub(crate) fn triplet(&self, u: [f64; 3], v: [f64; 3]) -> (f64, [f64; 3], [f64; 3]) {
        self.three(u, v)
    }

    /// φ₂ and dφ₂/dr.
    pub(crate) fn two(&self, r: f64) -> (f64, f64) {
        let rc = self.rc();
        if r >= rc {
            return (0.0, 0.0);
        }
        let u = self.sigma / r;
        let up = u.powf(self.p);
        let uq = u.powf(self.q);
        let x = (self.sigma / (r - rc)).exp();
        let ae = self.big_a * self.epsilon;
        let poly = self.big_b * up - uq;
        let dpoly = (-self.p * self.big_b * up + self.q * uq) / r;
        let dx = -self.sigma / ((r - rc) * (r - rc));
        (ae * poly * x, ae * x * (dpoly + poly * dx))
    }

    /// φ₃ of the angle at i between arms u = r_j − r_i and v = r_k − r_i, and its gradients with
    /// respect to u and v.
    fn three(&self, u: [f64; 3], v: [f64; 3]) -> (f64, [f64; 3], [f64; 3]) {
        let rc = self.rc();
        let (ru, rv) = (norm(u), norm(v));
        if ru >= rc || rv >= rc {
            return (0.0, [0.0; 3], [0.0; 3]);
        }
        let gs = self.gamma * self.sigma;
        let eu = (gs / (ru - rc)).exp();
        let ev = (gs / (rv - rc)).exp();
        let c = dot(u, v) / (ru * rv);
        let dc = c - self.costheta0;
        let le = self.lambda * self.epsilon;
        let h = le * dc * dc * eu * ev;
        let dh_dru = h * (-gs / ((ru - rc) * (ru - rc)));
        let dh_drv = h * (-gs / ((rv - rc) * (rv - rc)));
        let dh_dc = 2.0 * le * dc * eu * ev;
        let mut gu = [0.0; 3];
        let mut gv = [0.0; 3];
        for k in 0..3 {
            let dc_du = v[k] / (ru * rv) - c * u[k] / (ru * ru);
            let dc_dv = u[k] / (ru * rv) - c * v[k] / (rv * rv);
            gu[k] = dh_dru * u[k] / ru + dh_dc * dc_du;
            gv[k] = dh_drv * v[k] / rv + dh_dc * dc_dv;
        }
        (h, gu, gv)
    }

    /// Every atom's neighbours within aσ, (j, r_j − r_i) (z = 0 in 2D).
    pub(crate) fn neighbour_lists(&self, sys: &System) -> Result<Lists> {
        self.lists(sys)
    }

    fn lists(&self, sys: &System) -> Result<Lists> {
        let list = sys.cell_list(self.rc())?;
        let mut lists = list.neighbor_lists(sys.len());
        let two_d = sys.dim().get() == 2;
        for (i, l) in lists.iter_mut().enumerate() {
            for (j, dr) in l.iter_mut() {
                if two_d {
                    dr[2] = 0.0;
                }
                let r = norm(*dr);
                if r < 1e-10 {
                    return Err(TheoryError::Overlap { i, j: *j, r });
                }
            }
        }
        Ok(lists)
    }

    /// Energy of the terms centred on (or, for pairs, owned by) atom i, and their gradients
    /// dE/dr pushed to `grad`.
    fn atom_terms(
        &self,
        i: usize,
        l: &[(usize, [f64; 3])],
        grad: &mut Vec<(usize, [f64; 3])>,
    ) -> f64 {
        let mut e = 0.0;
        for &(j, dr) in l {
            if j > i {
                let r = norm(dr);
                let (phi, d1) = self.two(r);
                e += phi;
                let g = [d1 * dr[0] / r, d1 * dr[1] / r, d1 * dr[2] / r];
                add(grad, j, g, 1.0);
                add(grad, i, g, -1.0);
            }
        }
        for (s, &(j, u)) in l.iter().enumerate() {
            for &(k, v) in &l[s + 1..] {
                let (h, gu, gv) = self.three(u, v);
                e += h;
                add(grad, j, gu, 1.0);
                add(grad, k, gv, 1.0);
                add(grad, i, [gu[0] + gv[0], gu[1] + gv[1], gu[2] + gv[2]], -1.0);
            }
        }
        e
    }

    /// Gradient of every term that contains atom k, with k displaced by `delta`.
    fn terms_with(
        &self,
        k: usize,
        delta: [f64; 3],
        lists: &Lists,
        grad: &mut Vec<(usize, [f64; 3])>,
    ) {
        let shift = |v: [f64; 3], s: f64| {
            [
                v[0] + s * delta[0],
                v[1] + s * delta[1],
                v[2] + s * delta[2],
            ]
        };
        let lk = &lists[k];
        // pairs (k, j): vector r_j − r_k loses δ
        for &(j, dr) in lk {
            let d = shift(dr, -1.0);
            let r = norm(d);
            let (_, d1) = self.two(r);
            let g = [d1 * d[0] / r, d1 * d[1] / r, d1 * d[2] / r];
            add(grad, j, g, 1.0);
            add(grad, k, g, -1.0);
        }
        // triplets centred on k
        for (s, &(j, u)) in lk.iter().enumerate() {
            for &(m, v) in &lk[s + 1..] {
                let (_, gu, gv) = self.three(shift(u, -1.0), shift(v, -1.0));
                add(grad, j, gu, 1.0);
                add(grad, m, gv, 1.0);
                add(grad, k, [gu[0] + gv[0], gu[1] + gv[1], gu[2] + gv[2]], -1.0);
            }
        }
        // triplets centred on a neighbour j with k as one arm: vector r_k − r_j gains δ
        for &(j, _) in lk {
            let lj = &lists[j];
            let Some(&(_, u0)) = lj.iter().find(|(m, _)| *m == k) else {
                continue;
            };
            let u = shift(u0, 1.0);
            for &(m, v) in lj {
                if m == k {
                    continue;
                }
                let (_, gu, gv) = self.three(u, v);
                add(grad, k, gu, 1.0);
                add(grad, m, gv, 1.0);
                add(grad, j, [gu[0] + gv[0], gu[1] + gv[1], gu[2] + gv[2]], -1.0);
            }
        }
    }
}

/// φ₂ of Stillinger–Weber as a [`PairPotential`]: [φ₂, φ₂′, φ₂″], zero at and beyond aσ.
#[derive(Debug, Clone, Copy)]
struct SwTwoBody(StillingerWeber);

impl PairPotential for SwTwoBody {
    fn eval(&self, r: f64) -> [f64; 3] {
        let sw = &self.0;
        let rc = sw.rc();
        if r >= rc {
            return [0.0; 3];
        }
        // φ₂ = Aε P(r) X(r), P = B u^p − u^q (u = σ/r), X = exp(σ/(r − aσ)), L = X′/X
        let u = sw.sigma / r;
        let (up, uq) = (u.powf(sw.p), u.powf(sw.q));
        let ae = sw.big_a * sw.epsilon;
        let poly = sw.big_b * up - uq;
        let dpoly = (-sw.p * sw.big_b * up + sw.q * uq) / r;
        let d2poly = (sw.p * (sw.p + 1.0) * sw.big_b * up - sw.q * (sw.q + 1.0) * uq) / (r * r);
        let x = (sw.sigma / (r - rc)).exp();
        let l = -sw.sigma / ((r - rc) * (r - rc));
        let dl = 2.0 * sw.sigma / ((r - rc) * (r - rc) * (r - rc));
        let d1 = ae * x * (dpoly + poly * l);
        let d2 = ae * x * ((dpoly + poly * l) * l + d2poly + dpoly * l + poly * dl);
        [ae * poly * x, d1, d2]
    }
}

pub fn build(spec: &ModelSpec) -> Result<Box<dyn Interaction>> {
    if !spec.pairs.is_empty() {
        return Err(TheoryError::Parse(
            "sw takes one [params] table for all species, not [pair] tables".into(),
        ));
    }
    let table = spec
        .params
        .as_ref()
        .ok_or_else(|| TheoryError::Parse("sw needs a [params] table".into()))?;
    Ok(Box::new(StillingerWeber::from_params(&Params::new(
        table,
        "[params] (sw)",
    ))?))
}

fn merge(n: usize, parts: Vec<Vec<(usize, [f64; 3])>>) -> Vec<[f64; 3]> {
    let mut out = vec![[0.0; 3]; n];
    for part in parts {
        for (i, g) in part {
            for k in 0..3 {
                out[i][k] += g[k];
            }
        }
    }
    out
}

impl Interaction for StillingerWeber {
    fn style(&self) -> &'static str {
        "sw"
    }

    /// `pair_style sw` with a written `.sw` file: one element `X` (the one parameter set) for
    /// every LAMMPS type, tolerance 0 (no three-body term is skipped).
    fn lammps(&self, types: &[usize]) -> Result<LammpsPair> {
        let file = format!(
            "# Stillinger–Weber parameters written by vitrum-theory (LAMMPS pair_style sw)\n\
             # e1 e2 e3 epsilon sigma a lambda gamma costheta0 A B p q tol\n\
             X X X {} {} {} {} {} {} {} {} {} {} 0.0\n",
            self.epsilon,
            self.sigma,
            self.a,
            self.lambda,
            self.gamma,
            self.costheta0,
            self.big_a,
            self.big_b,
            self.p,
            self.q
        );
        let elements = vec!["X"; types.len()].join(" ");
        Ok(LammpsPair {
            commands: vec![
                "pair_style sw".into(),
                format!("pair_coeff * * {SW_FILE} {elements}"),
            ],
            files: vec![(SW_FILE.into(), file)],
        })
    }

    fn cutoff(&self) -> f64 {
        self.rc()
    }

    fn energy_forces(&self, sys: &System) -> Result<(f64, Vec<[f64; 3]>)> {
        let lists = self.lists(sys)?;
        let parts: Vec<Partial> = lists
            .par_iter()
            .enumerate()
            .map(|(i, l)| {
                let mut g = Vec::new();
                let e = self.atom_terms(i, l, &mut g);
                (e, g)
            })
            .collect();
        let energy: f64 = parts.iter().map(|p| p.0).sum();
        finite("energy", energy)?;
        let grad = merge(sys.len(), parts.into_iter().map(|p| p.1).collect());
        let forces: Vec<[f64; 3]> = grad.iter().map(|g| [-g[0], -g[1], -g[2]]).collect();
        all_finite("force", &forces)?;
        Ok((energy, forces))
    }

    fn hessian(&self, sys: &System) -> Result<BlockHessian> {
        let lists = self.lists(sys)?;
        let d = sys.dim().get();
        let h = self.step;
        // column k: blocks H_mk for every m ≠ k touched by a term containing k
        let columns: Vec<Vec<(usize, usize, Block)>> = (0..sys.len())
            .into_par_iter()
            .map(|k| {
                let mut col: Vec<(usize, Block)> = Vec::new();
                for alpha in 0..d {
                    for sign in [1.0, -1.0] {
                        let mut delta = [0.0; 3];
                        delta[alpha] = sign * h;
                        let mut g = Vec::new();
                        self.terms_with(k, delta, &lists, &mut g);
                        for (m, v) in g {
                            let pos = match col.iter().position(|(x, _)| *x == m) {
                                Some(p) => p,
                                None => {
                                    col.push((m, [[0.0; 3]; 3]));
                                    col.len() - 1
                                }
                            };
                            for beta in 0..d {
                                col[pos].1[beta][alpha] += sign * v[beta] / (2.0 * h);
                            }
                        }
                    }
                }
                col.into_iter()
                    .filter(|(m, _)| *m != k)
                    .map(|(m, b)| (m, k, b))
                    .collect()
            })
            .collect();
        // symmetrise: H_ij (i < j) = ½(H_ij + H_jiᵀ), both computed from their own columns
        let mut all: Vec<(usize, usize, Block)> = columns
            .into_iter()
            .flatten()
            .map(|(m, k, b)| {
                if m < k {
                    (m, k, b)
                } else {
                    (k, m, crate::hessian::transpose(&b))
                }
            })
            .collect();
        all.sort_by_key(|x| (x.0, x.1));
        let mut off: Vec<(usize, usize, Block)> = Vec::with_capacity(all.len() / 2);
        for (i, j, b) in all {
            match off.last_mut() {
                Some(last) if (last.0, last.1) == (i, j) => {
                    crate::hessian::add_block(&mut last.2, &b, 1.0);
                }
                _ => off.push((i, j, b)),
            }
        }
        // a block seen from one side only would be an FD artefact; each pair is seen twice
        for (_, _, b) in off.iter_mut() {
            for row in b.iter_mut() {
                for x in row.iter_mut() {
                    *x *= 0.5;
                }
            }
        }
        let hess = BlockHessian::from_pair_blocks(sys.len(), sys.dim(), off);
        hess.check_finite()?;
        Ok(hess)
    }
}
