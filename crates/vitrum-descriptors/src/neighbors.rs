//! Neighbour search, written and optimised once for every pair-based computation: the
//! [`Neighbors`] trait (every pair closer than a cutoff, each once, with its minimum-image
//! separation) and its two implementations:
//!
//! - [`CellList`]: one configuration, any cell (orthorhombic or triclinic), 2D and 3D: g(r), bond
//!   angles, S(q), forces and Hessians of a single configuration;
//! - [`VerletList`]: a trajectory in an orthorhombic cell (MD, minimisation): a list of pairs
//!   within the cutoff plus a skin, kept while no particle has moved more than half the skin,
//!   in a compact half-list layout that the force loop ([`VerletList::accumulate`]) streams.
//!
//! Cell list: every pair within a cutoff in time linear in N, for orthorhombic and triclinic
//! cells in 2D and 3D.
//!
//! Particles are binned in fractional coordinates; each bin is at least `cutoff` wide in the
//! perpendicular direction, so every partner of a particle lies in one of the 3^d surrounding bins.
//! Neighbouring bins are visited with an explicit periodic shift, so a pair is seen with exactly
//! the image that is closer than the cutoff (there is at most one such image because the cutoff
//! may not exceed half the smallest perpendicular width) and no minimum-image rounding is needed.
//! A "half shell" of bin offsets visits each pair once.

use crate::error::{DescriptorError, Result, positive};
use rayon::prelude::*;
use vitrum_io::{Configuration, Dim};

/// A pair found by the cell list: `dr = r_j − r_i` (the image closer than the cutoff), `r2 = |dr|²`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub i: usize,
    pub j: usize,
    pub dr: [f64; 3],
    pub r2: f64,
}

/// A neighbour search: every pair closer than [`Neighbors::cutoff`], each unordered pair once,
/// with `dr = r_j − r_i` taken at the one periodic image closer than the cutoff.
pub trait Neighbors {
    /// The pair cutoff.
    fn cutoff(&self) -> f64;

    /// Calls `f` once for every pair closer than the cutoff, in an order fixed by the positions
    /// (the same on every run, whatever the thread count).
    fn for_each_pair<F: FnMut(Pair)>(&self, f: F);
}

/// A cell list of one configuration for one cutoff.
#[derive(Debug, Clone)]
pub struct CellList {
    dim: Dim,
    cutoff: f64,
    cutoff2: f64,
    n_bins: [usize; 3],
    /// `start[b]..start[b + 1]` are the slots of bin b in `order`/`xyz`.
    start: Vec<usize>,
    /// Particle index of each slot.
    order: Vec<usize>,
    /// Cartesian position (H s with s wrapped into [0,1)) of each slot.
    xyz: Vec<[f64; 3]>,
    /// Half-shell offsets, with the per-axis offsets.
    half_shell: Vec<[i64; 3]>,
    matrix: [[f64; 3]; 3],
}

impl CellList {
    /// Bins `config` for pairs closer than `cutoff`.
    ///
    /// Fails if the cutoff exceeds half the smallest perpendicular cell width.
    pub fn new(config: &Configuration, cutoff: f64) -> Result<CellList> {
        positive("the cutoff", cutoff)?;
        let limit = config.max_r_max();
        if cutoff > limit {
            return Err(DescriptorError::RMaxTooLarge {
                r_max: cutoff,
                limit,
            });
        }
        let dim = config.dim;
        let d = dim.get();
        let widths = config.cell.perpendicular_widths(dim);
        let mut n_bins = [1usize; 3];
        for k in 0..d {
            // Cap the bin count so tiny cutoffs in huge boxes do not allocate absurd grids.
            n_bins[k] = ((widths[k] / cutoff).floor() as usize).clamp(1, 1 << 10);
        }
        let total_bins = n_bins[0] * n_bins[1] * n_bins[2];
        let fractional = config.wrapped_fractional();
        let bin_of = |s: &[f64; 3]| -> usize {
            let mut idx = [0usize; 3];
            for k in 0..d {
                idx[k] = ((s[k] * n_bins[k] as f64) as usize).min(n_bins[k] - 1);
            }
            (idx[0] * n_bins[1] + idx[1]) * n_bins[2] + idx[2]
        };
        let bins: Vec<usize> = fractional.iter().map(bin_of).collect();
        let mut start = vec![0usize; total_bins + 1];
        for &b in &bins {
            start[b + 1] += 1;
        }
        for b in 0..total_bins {
            start[b + 1] += start[b];
        }
        let mut fill = start.clone();
        let mut order = vec![0usize; bins.len()];
        for (i, &b) in bins.iter().enumerate() {
            order[fill[b]] = i;
            fill[b] += 1;
        }
        let matrix = config.cell.matrix;
        let xyz = order
            .iter()
            .map(|&i| {
                let mut s = fractional[i];
                if d == 2 {
                    s[2] = 0.0;
                }
                vitrum_io::cell::matvec(&matrix, s)
            })
            .collect();
        let range = |k: usize| if k < d { -1..=1 } else { 0..=0 };
        let mut half_shell = Vec::new();
        for a in range(0) {
            for b in range(1) {
                for c in range(2) {
                    let o = [a, b, c];
                    // keep o > 0 in lexicographic order; o = 0 is handled with j > i
                    if o > [0, 0, 0] {
                        half_shell.push(o);
                    }
                }
            }
        }
        Ok(CellList {
            dim,
            cutoff,
            cutoff2: cutoff * cutoff,
            n_bins,
            start,
            order,
            xyz,
            half_shell,
            matrix,
        })
    }

    pub fn cutoff(&self) -> f64 {
        self.cutoff
    }

    pub fn dim(&self) -> Dim {
        self.dim
    }

    /// Number of bins; pair visits are grouped by the bin of the first particle.
    pub fn n_bins(&self) -> usize {
        self.start.len() - 1
    }

    fn unflatten(&self, b: usize) -> [usize; 3] {
        let z = b % self.n_bins[2];
        let y = (b / self.n_bins[2]) % self.n_bins[1];
        let x = b / (self.n_bins[1] * self.n_bins[2]);
        [x, y, z]
    }

    /// Calls `f` for every pair closer than the cutoff whose first particle lies in bin `bin`.
    /// Over all bins each unordered pair is visited exactly once.
    #[inline]
    pub fn for_each_pair_in_bin<F: FnMut(Pair)>(&self, bin: usize, mut f: F) {
        let here = self.unflatten(bin);
        let slots = self.start[bin]..self.start[bin + 1];
        // pairs inside the bin
        for a in slots.clone() {
            let xa = self.xyz[a];
            for b in a + 1..slots.end {
                let xb = self.xyz[b];
                let dr = [xb[0] - xa[0], xb[1] - xa[1], xb[2] - xa[2]];
                let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
                if r2 < self.cutoff2 {
                    let (i, j) = (self.order[a], self.order[b]);
                    f(Pair { i, j, dr, r2 });
                }
            }
        }
        for o in &self.half_shell {
            let mut other = [0usize; 3];
            let mut shift = [0.0f64; 3];
            for k in 0..3 {
                let n = self.n_bins[k] as i64;
                let t = here[k] as i64 + o[k];
                let wrapped = t.rem_euclid(n);
                shift[k] = ((t - wrapped) / n) as f64;
                other[k] = wrapped as usize;
            }
            let shift_cart = vitrum_io::cell::matvec(&self.matrix, shift);
            let ob = (other[0] * self.n_bins[1] + other[1]) * self.n_bins[2] + other[2];
            let other_slots = self.start[ob]..self.start[ob + 1];
            for a in slots.clone() {
                let xa = self.xyz[a];
                let base = [
                    shift_cart[0] - xa[0],
                    shift_cart[1] - xa[1],
                    shift_cart[2] - xa[2],
                ];
                for b in other_slots.clone() {
                    let xb = self.xyz[b];
                    let dr = [xb[0] + base[0], xb[1] + base[1], xb[2] + base[2]];
                    let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
                    if r2 < self.cutoff2 {
                        f(Pair {
                            i: self.order[a],
                            j: self.order[b],
                            dr,
                            r2,
                        });
                    }
                }
            }
        }
    }

    /// Visits every pair once, serially.
    pub fn for_each_pair<F: FnMut(Pair)>(&self, mut f: F) {
        for bin in 0..self.n_bins() {
            self.for_each_pair_in_bin(bin, &mut f);
        }
    }

    /// Folds over all pairs in parallel: `fold` accumulates pairs into a per-thread `T` made by
    /// `init`, `reduce` merges two of them. Results are independent of the thread count only if
    /// `reduce` is associative and commutative bit for bit (integer counts are).
    pub fn par_fold_pairs<T, I, F, R>(&self, init: I, fold: F, reduce: R) -> T
    where
        T: Send,
        I: Fn() -> T + Sync + Send,
        F: Fn(&mut T, Pair) + Sync + Send,
        R: Fn(T, T) -> T + Sync + Send,
    {
        (0..self.n_bins())
            .into_par_iter()
            .fold(&init, |mut acc, bin| {
                self.for_each_pair_in_bin(bin, |p| fold(&mut acc, p));
                acc
            })
            .reduce(&init, reduce)
    }

    /// All pairs, sorted by (i, j) so the order is deterministic.
    pub fn pairs(&self) -> Vec<Pair> {
        let mut per_bin: Vec<Vec<Pair>> = (0..self.n_bins())
            .into_par_iter()
            .map(|bin| {
                let mut v = Vec::new();
                self.for_each_pair_in_bin(bin, |mut p| {
                    if p.i > p.j {
                        std::mem::swap(&mut p.i, &mut p.j);
                        p.dr = [-p.dr[0], -p.dr[1], -p.dr[2]];
                    }
                    v.push(p)
                });
                v
            })
            .collect();
        let mut all: Vec<Pair> = per_bin.iter_mut().flat_map(std::mem::take).collect();
        all.sort_unstable_by_key(|p| (p.i, p.j));
        all
    }

    /// For each particle, its neighbours closer than the cutoff as (j, r_j − r_i), sorted by j.
    pub fn neighbor_lists(&self, n_particles: usize) -> Vec<Vec<(usize, [f64; 3])>> {
        let mut lists = vec![Vec::new(); n_particles];
        for p in self.pairs() {
            lists[p.i].push((p.j, p.dr));
            lists[p.j].push((p.i, [-p.dr[0], -p.dr[1], -p.dr[2]]));
        }
        for l in lists.iter_mut() {
            l.sort_by_key(|(j, _)| *j);
        }
        lists
    }
}

impl Neighbors for CellList {
    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    fn for_each_pair<F: FnMut(Pair)>(&self, f: F) {
        CellList::for_each_pair(self, f)
    }
}

mod verlet;
pub use verlet::VerletList;

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_io::{Cell, Species};

    fn random_config(n: usize, cell: Cell, dim: Dim, seed: u64) -> Configuration {
        let mut state = seed;
        let mut next = || {
            // xorshift: enough for test coordinates, and needs no dependency
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let positions = (0..n)
            .map(|_| {
                let s = [next(), next(), if dim == Dim::Three { next() } else { 0.0 }];
                cell.to_cartesian(s)
            })
            .collect();
        Configuration {
            positions,
            types: vec![0; n],
            species: vec![Species {
                label: "1".into(),
                mass: Some(1.0),
            }],
            cell,
            dim,
            frame: 0,
            step: None,
        }
    }

    fn brute_force_pairs(c: &Configuration, cutoff: f64) -> Vec<(usize, usize)> {
        let inv = c.cell.inverse(c.dim);
        let mut out = Vec::new();
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                // search all images in a 5^d block: brute force that trusts nothing
                let d = [
                    c.positions[j][0] - c.positions[i][0],
                    c.positions[j][1] - c.positions[i][1],
                    c.positions[j][2] - c.positions[i][2],
                ];
                let s = vitrum_io::cell::matvec(&inv, d);
                let mut hits = 0;
                let zr = if c.dim == Dim::Three { -2..=2 } else { 0..=0 };
                for a in -2..=2 {
                    for b in -2..=2 {
                        for z in zr.clone() {
                            let t = [
                                s[0] - s[0].round() + a as f64,
                                s[1] - s[1].round() + b as f64,
                                if c.dim == Dim::Three {
                                    s[2] - s[2].round() + z as f64
                                } else {
                                    0.0
                                },
                            ];
                            let x = c.cell.to_cartesian(t);
                            if x[0] * x[0] + x[1] * x[1] + x[2] * x[2] < cutoff * cutoff {
                                hits += 1;
                            }
                        }
                    }
                }
                assert!(hits <= 1, "two images within the cutoff");
                if hits == 1 {
                    out.push((i, j));
                }
            }
        }
        out
    }

    #[test]
    fn cell_list_finds_exactly_the_brute_force_pairs_in_tilted_cells() {
        let cases = [
            (
                Cell::lammps([6.0, 5.0, 7.0], [2.0, -1.5, 1.0], [0.0; 3]),
                Dim::Three,
                2.4,
            ),
            (Cell::orthorhombic([5.0, 5.0, 5.0]), Dim::Three, 2.5),
            (
                Cell::lammps([9.0, 6.0, 1.0], [-3.5, 0.0, 0.0], [0.0; 3]),
                Dim::Two,
                2.9,
            ),
            (Cell::orthorhombic([4.0, 12.0, 1.0]), Dim::Two, 1.9),
        ];
        for (k, (cell, dim, cutoff)) in cases.into_iter().enumerate() {
            let c = random_config(150, cell, dim, 12345 + k as u64);
            let cutoff = f64::min(cutoff, c.max_r_max());
            let list = CellList::new(&c, cutoff).unwrap();
            let mut got: Vec<(usize, usize)> = list.pairs().iter().map(|p| (p.i, p.j)).collect();
            got.sort();
            assert_eq!(got, brute_force_pairs(&c, cutoff), "case {k}");
        }
    }

    #[test]
    fn a_cutoff_above_half_the_width_is_refused() {
        let c = random_config(10, Cell::orthorhombic([4.0, 4.0, 4.0]), Dim::Three, 1);
        assert!(matches!(
            CellList::new(&c, 2.01),
            Err(DescriptorError::RMaxTooLarge { .. })
        ));
        assert!(CellList::new(&c, 2.0).is_ok());
        assert!(CellList::new(&c, 0.0).is_err());
        assert!(CellList::new(&c, f64::NAN).is_err());
    }
}
