//! The Verlet list: pairs within r_l = cutoff + skin of a moving configuration in a fixed
//! orthorhombic periodic cell, rebuilt when a particle has moved more than half the skin since
//! the last build (then no pair can have crossed from beyond r_l to within the cutoff).
//!
//! Layout (why MD is fast with it): a half list in compressed rows, `js[start[i]..start[i + 1]]`
//! the neighbours of i (each pair under one of its two particles), with `shift_of` the index of
//! the periodic image (one byte, into a table of the 3^d cell translations) — 5 bytes per pair
//! instead of 40 for (i, j, type, image vector). Positions are taken relative to a per-particle
//! lattice offset fixed at the build, so the minimum image of every listed pair stays the image
//! chosen at the build. The pair loop ([`VerletList::accumulate`]) is serial over the rows in a
//! fixed order: forces summed with it are the same bit for bit whatever the number of threads.

use super::{Neighbors, Pair};
use crate::error::{DescriptorError, Result, positive};
use vitrum_io::Configuration;

/// A Verlet neighbour list with a skin (see the module documentation).
#[derive(Debug, Clone)]
pub struct VerletList {
    lengths: [f64; 3],
    d: usize,
    cutoff: f64,
    list_cutoff: f64,
    skin: f64,
    start: Vec<u32>,
    js: Vec<u32>,
    shift_of: Vec<u8>,
    /// The 3^d translations Σ_k s_k L_k e_k, s_k ∈ {−1, 0, 1}: index Σ_k (s_k + 1) 3^k.
    shifts: Vec<[f64; 3]>,
    /// L_k ⌊x_ik / L_k⌋ at the build: w_i = x_i − offset_i lies in (or near) the cell.
    offset: Vec<[f64; 3]>,
    w: Vec<[f64; 3]>,
    x_at_build: Vec<[f64; 3]>,
    rebuilds: u64,
}

/// The bin stencil reach of the list build for cell lengths `l` and list cutoff `rl`: 2 with
/// bins of at least r_l/2, 0 (all pairs) when fewer than 5 fit along a side.
fn list_reach(l: [f64; 3], rl: f64, d: usize) -> usize {
    if (0..d).all(|k| l[k] / (0.5 * rl) >= 5.0) {
        2
    } else {
        0
    }
}

impl VerletList {
    /// An empty list for the cell and dimension of `template` (its positions are not used; the
    /// first [`VerletList::update`] builds the list). The cell must be orthorhombic and the list
    /// cutoff `cutoff + skin` at most half the cell width.
    pub fn new(template: &Configuration, cutoff: f64, skin: f64) -> Result<VerletList> {
        positive("the cutoff", cutoff)?;
        if !(skin.is_finite() && skin >= 0.0) {
            return Err(DescriptorError::Invalid(format!(
                "the Verlet-list skin must be finite and ≥ 0, got {skin}"
            )));
        }
        if !template.cell.is_orthorhombic() {
            return Err(DescriptorError::Invalid(
                "a Verlet list needs an orthorhombic cell (use a CellList for tilted cells)".into(),
            ));
        }
        let list_cutoff = cutoff + skin;
        let limit = template.max_r_max();
        if list_cutoff > limit {
            return Err(DescriptorError::RMaxTooLarge {
                r_max: list_cutoff,
                limit,
            });
        }
        let d = template.dim.get();
        let m = template.cell.matrix;
        let lengths = [m[0][0], m[1][1], m[2][2]];
        let shifts = (0..3usize.pow(d as u32))
            .map(|code| {
                let mut v = [0.0; 3];
                let mut c = code;
                for k in 0..d {
                    v[k] = ((c % 3) as f64 - 1.0) * lengths[k];
                    c /= 3;
                }
                v
            })
            .collect();
        Ok(VerletList {
            lengths,
            d,
            cutoff,
            list_cutoff,
            skin,
            start: Vec::new(),
            js: Vec::new(),
            shift_of: Vec::new(),
            shifts,
            offset: Vec::new(),
            w: Vec::new(),
            x_at_build: Vec::new(),
            rebuilds: 0,
        })
    }

    /// The list cutoff r_l = cutoff + skin.
    pub fn list_cutoff(&self) -> f64 {
        self.list_cutoff
    }

    /// List builds so far.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds
    }

    /// The stencil reach of the build: 0 (all pairs, small cells) or 2 (bins of r_l/2).
    pub fn reach(&self) -> usize {
        list_reach(self.lengths, self.list_cutoff, self.d)
    }

    /// Brings the list to the positions `x` (unwrapped positions are fine): rebuilds it when a
    /// particle has moved more than half the skin since the last build (or N changed), else
    /// only refreshes the shifted positions. Returns whether it rebuilt.
    pub fn update(&mut self, x: &[[f64; 3]]) -> Result<bool> {
        if self.needs_rebuild(x) {
            self.rebuild(x)?;
            return Ok(true);
        }
        let d = self.d;
        for ((w, p), o) in self.w.iter_mut().zip(x).zip(&self.offset) {
            for k in 0..d {
                w[k] = p[k] - o[k];
            }
        }
        Ok(false)
    }

    fn needs_rebuild(&self, x: &[[f64; 3]]) -> bool {
        if self.x_at_build.len() != x.len() {
            return true;
        }
        let lim = 0.25 * self.skin * self.skin;
        x.iter().zip(&self.x_at_build).any(|(a, b)| {
            let mut s = 0.0;
            for k in 0..self.d {
                s += (a[k] - b[k]) * (a[k] - b[k]);
            }
            s > lim
        })
    }

    /// Rebuilds the list from the positions `x`.
    ///
    /// Bins of at least r_l/2 (r_l = r_c + skin) visited with a stencil of ±2 bins (LAMMPS's
    /// default binning), so that about 40 % fewer candidates are tested than with bins of r_l
    /// and ±1; all pairs when the cell holds fewer than 5 such bins per side (a stencil would
    /// then meet a bin twice through the periodic boundary; bins of r_l and ±1 need 3 per side,
    /// L ≥ 3 r_l, which already gives 6 half bins, so they would never be used). Particles are
    /// sorted by bin (x fastest) into flat coordinate arrays, so a stencil row along x is one
    /// contiguous run with one periodic translation: no minimum-image test per candidate. Each
    /// pair is listed once, under i or under j, in a fixed order.
    #[inline(never)]
    fn rebuild(&mut self, x: &[[f64; 3]]) -> Result<()> {
        let d = self.d;
        let n = x.len();
        if n >= u32::MAX as usize {
            return Err(DescriptorError::Invalid(format!(
                "{n} particles: the Verlet list indexes them with 32 bits"
            )));
        }
        let rl = self.list_cutoff;
        let rl2 = rl * rl;
        let l = self.lengths;
        // lattice offsets and the wrapped positions w = x − offset ∈ [0, L)
        self.offset.clear();
        self.w.clear();
        for p in x {
            let mut o = [0.0; 3];
            let mut q = [0.0; 3];
            for k in 0..d {
                o[k] = l[k] * (p[k] / l[k]).floor();
                q[k] = p[k] - o[k];
                if q[k] >= l[k] {
                    // round-off of x − L⌊x/L⌋ for x just below a multiple of L
                    o[k] += l[k];
                    q[k] = p[k] - o[k];
                }
            }
            self.offset.push(o);
            self.w.push(q);
        }
        let w = &self.w;
        self.start.clear();
        self.js.clear();
        self.shift_of.clear();
        self.start.push(0);
        let reach = list_reach(l, rl, d);
        if reach == 0 {
            // small cell: all pairs (the cutoff is below half the cell width)
            for i in 0..n {
                for j in i + 1..n {
                    let mut r2 = 0.0;
                    let mut code = 0usize;
                    let mut pow = 1usize;
                    for k in 0..d {
                        let v = w[j][k] - w[i][k];
                        // minimum image (wrapped coordinates differ by less than L)
                        let s = (v > 0.5 * l[k]) as i32 - (v < -0.5 * l[k]) as i32;
                        let v = v - l[k] * s as f64;
                        r2 += v * v;
                        code += (s + 1) as usize * pow;
                        pow *= 3;
                    }
                    if r2 < rl2 {
                        self.js.push(j as u32);
                        self.shift_of.push(code as u8);
                    }
                }
                self.start.push(self.js.len() as u32);
            }
        } else {
            let mut nb = [1usize; 3];
            for k in 0..d {
                nb[k] = (l[k] / (rl / reach as f64)).floor() as usize;
            }
            let bin_of = |q: &[f64; 3]| -> [usize; 3] {
                let mut b = [0usize; 3];
                for k in 0..d {
                    b[k] = ((q[k] / l[k] * nb[k] as f64) as usize).min(nb[k] - 1);
                }
                b
            };
            let flat = |b: [usize; 3]| (b[2] * nb[1] + b[1]) * nb[0] + b[0];
            let n_bins = nb[0] * nb[1] * nb[2];
            // counting sort of particles by bin (stable: ascending index within a bin)
            let bins: Vec<[usize; 3]> = w.iter().map(bin_of).collect();
            let mut start = vec![0usize; n_bins + 1];
            for b in &bins {
                start[flat(*b) + 1] += 1;
            }
            for b in 0..n_bins {
                start[b + 1] += start[b];
            }
            let mut fill = start.clone();
            let mut idx = vec![0u32; n];
            let mut sx = vec![[0.0f64; 3]; n];
            for (i, b) in bins.iter().enumerate() {
                let f = flat(*b);
                idx[fill[f]] = i as u32;
                sx[fill[f]] = w[i];
                fill[f] += 1;
            }
            let r = reach as i64;
            let mut pos = vec![0usize; n];
            for (q, &i) in idx.iter().enumerate() {
                pos[i as usize] = q;
            }
            // half stencil: bin offsets (oz, oy, ox) lexicographically after (0, 0, 0), and the
            // same bin from the next sorted position on, so every pair is met exactly once
            // (with ≥ 5 bins per side, offsets ±1, ±2 are distinct bins)
            let rows: Vec<(i64, i64)> = if d == 3 {
                (0..=r)
                    .flat_map(|oz| (-r..=r).map(move |oy| (oz, oy)))
                    .filter(|&(oz, oy)| oz > 0 || oy >= 0)
                    .collect()
            } else {
                (0..=r).map(|oy| (0, oy)).collect()
            };
            // an offset o of bin coordinate b in a dimension of nb bins: the bin and the
            // periodic image s (the neighbour's image lies at w_j − s L, code s + 1)
            let wrap = |b: usize, o: i64, nb: usize| -> (usize, i64) {
                let c = b as i64 + o;
                if c < 0 {
                    ((c + nb as i64) as usize, 1)
                } else if c >= nb as i64 {
                    ((c - nb as i64) as usize, -1)
                } else {
                    (c as usize, 0)
                }
            };
            for i in 0..n {
                let b = bins[i];
                let wi = w[i];
                for &(oz, oy) in &rows {
                    let (cz, sz) = if d == 3 {
                        wrap(b[2], oz, nb[2])
                    } else {
                        (0, 0)
                    };
                    let (cy, sy) = wrap(b[1], oy, nb[1]);
                    let own_row = oz == 0 && oy == 0;
                    // the x run [b − r, b + r] ([b, b + r] in i's own row) in up to three
                    // pieces of one image each
                    let lo = if own_row {
                        b[0] as i64
                    } else {
                        b[0] as i64 - r
                    };
                    let hi = b[0] as i64 + r;
                    let pieces = [
                        (lo, hi.min(-1), 1i64),
                        (lo.max(0), hi.min(nb[0] as i64 - 1), 0),
                        (lo.max(nb[0] as i64), hi, -1),
                    ];
                    for (p0, p1, sxi) in pieces {
                        if p0 > p1 {
                            continue;
                        }
                        let off = sxi * nb[0] as i64;
                        let c0 = flat([(p0 + off) as usize, cy, cz]);
                        let c1 = flat([(p1 + off) as usize, cy, cz]);
                        // i's own bin: only the particles sorted after i
                        let q0 = if own_row && sxi == 0 {
                            pos[i] + 1
                        } else {
                            start[c0]
                        };
                        let shift = [
                            -(sxi as f64) * l[0],
                            -(sy as f64) * l[1],
                            -(sz as f64) * l[2],
                        ];
                        let code = ((sxi + 1) + 3 * (sy + 1) + 9 * (sz + 1)) as u8;
                        let code = if d == 3 { code } else { code % 9 };
                        for q in q0..start[c1 + 1] {
                            let p = &sx[q];
                            let dx = p[0] + shift[0] - wi[0];
                            let dy = p[1] + shift[1] - wi[1];
                            let dz = p[2] + shift[2] - wi[2];
                            if dx * dx + dy * dy + dz * dz < rl2 {
                                self.js.push(idx[q]);
                                self.shift_of.push(code);
                            }
                        }
                    }
                }
                self.start.push(self.js.len() as u32);
            }
        }
        self.x_at_build = x.to_vec();
        self.rebuilds += 1;
        Ok(())
    }

    /// The pair loop in `D` dimensions with Newton's third law: for every listed pair (i, j),
    /// `kernel(i, j, r²)` gives (φ, s = φ′/r) — zero beyond the pair's cutoff, which the kernel
    /// decides (listed pairs lie within the cutoff plus the skin) — and the loop adds
    /// F_i += s dr, F_j −= s dr (dr = x_j − x_i) into `forces` and returns Σ φ. The summation
    /// order is fixed by the list. `D` must be the list's dimension.
    #[inline(always)]
    pub fn accumulate<const D: usize>(
        &self,
        forces: &mut [[f64; 3]],
        kernel: impl Fn(usize, usize, f64) -> (f64, f64),
    ) -> f64 {
        debug_assert_eq!(D, self.d);
        let w = &self.w[..];
        let n = w.len();
        let forces = &mut forces[..n];
        let mut energy = 0.0;
        for i in 0..n {
            let (a, b) = (self.start[i] as usize, self.start[i + 1] as usize);
            let js = &self.js[a..b];
            let sh = &self.shift_of[a..b];
            let xi = w[i];
            let mut fi = [0.0; D];
            for (&j, &c) in js.iter().zip(sh) {
                let j = j as usize;
                let xj = w[j];
                let s = self.shifts[c as usize];
                let mut dr = [0.0; D];
                let mut r2 = 0.0;
                for k in 0..D {
                    dr[k] = xj[k] - xi[k] - s[k];
                    r2 += dr[k] * dr[k];
                }
                // s = φ′/r: F_i = s dr, F_j = −s dr (E depends on r = |x_j − x_i|)
                let (phi, sr) = kernel(i, j, r2);
                energy += phi;
                let fj = &mut forces[j];
                for k in 0..D {
                    fi[k] += sr * dr[k];
                    fj[k] -= sr * dr[k];
                }
            }
            for k in 0..D {
                forces[i][k] += fi[k];
            }
        }
        energy
    }

    /// The dimension of the list.
    pub fn dim(&self) -> usize {
        self.d
    }
}

impl Neighbors for VerletList {
    fn cutoff(&self) -> f64 {
        self.cutoff
    }

    /// The listed pairs closer than the cutoff at the positions of the last
    /// [`VerletList::update`], row by row.
    fn for_each_pair<F: FnMut(Pair)>(&self, mut f: F) {
        let c2 = self.cutoff * self.cutoff;
        for i in 0..self.w.len() {
            let (a, b) = (self.start[i] as usize, self.start[i + 1] as usize);
            for q in a..b {
                let j = self.js[q] as usize;
                let s = self.shifts[self.shift_of[q] as usize];
                let mut dr = [0.0; 3];
                for k in 0..self.d {
                    dr[k] = self.w[j][k] - self.w[i][k] - s[k];
                }
                let r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
                if r2 < c2 {
                    f(Pair { i, j, dr, r2 });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neighbors::CellList;
    use vitrum_io::{Cell, Dim, Species};

    fn config(n: usize, l: f64, dim: Dim, seed: u64) -> Configuration {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let three = dim == Dim::Three;
        Configuration {
            positions: (0..n)
                .map(|_| [l * next(), l * next(), if three { l * next() } else { 0.0 }])
                .collect(),
            types: vec![0; n],
            species: vec![Species {
                label: "1".into(),
                mass: Some(1.0),
            }],
            cell: Cell::orthorhombic([l, l, if three { l } else { 1.0 }]),
            dim,
            frame: 0,
            step: None,
        }
    }

    fn sorted(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        for p in v.iter_mut() {
            if p.0 > p.1 {
                *p = (p.1, p.0);
            }
        }
        v.sort();
        v
    }

    /// The Verlet list and the cell list find the same pairs within the cutoff, in both list
    /// paths (all pairs; bins of r_l/2), with unwrapped positions, before and after moves below
    /// and beyond half the skin (an exact comparison of index sets).
    #[test]
    fn the_verlet_list_finds_the_cell_list_pairs() {
        let mut reaches = Vec::new();
        for (n, l, dim) in [
            (60usize, 5.5, Dim::Three),
            (400, 9.0, Dim::Three),
            (80, 6.0, Dim::Two),
            (500, 16.0, Dim::Two),
        ] {
            let mut c = config(n, l, dim, n as u64);
            let mut list = VerletList::new(&c, 2.0, 0.4).unwrap();
            reaches.push(list.reach());
            let mut state = 99u64;
            for (step, amp) in [(0, 0.0), (1, 0.05), (2, 0.5)] {
                for (i, p) in c.positions.iter_mut().enumerate() {
                    for k in 0..dim.get() {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                        // a whole-cell jump for some particles on the first step: unwrapped input
                        let jump = if step == 0 && i % 3 == 0 { l } else { 0.0 };
                        p[k] += amp * (2.0 * u - 1.0) + jump;
                    }
                }
                list.update(&c.positions).unwrap();
                let mut got = Vec::new();
                list.for_each_pair(|p| got.push((p.i, p.j)));
                let want: Vec<(usize, usize)> = CellList::new(&c, 2.0)
                    .unwrap()
                    .pairs()
                    .iter()
                    .map(|p| (p.i, p.j))
                    .collect();
                assert_eq!(sorted(got), sorted(want), "N = {n} step {step}");
            }
            assert!(list.rebuilds() >= 2, "a move of 0.5 > skin/2 rebuilds");
        }
        assert!(reaches.contains(&0) && reaches.contains(&2), "{reaches:?}");
    }

    #[test]
    fn bad_settings_are_refused() {
        let c = config(10, 5.0, Dim::Three, 1);
        assert!(matches!(
            VerletList::new(&c, 2.4, 0.3),
            Err(DescriptorError::RMaxTooLarge { .. })
        ));
        assert!(VerletList::new(&c, 2.0, -1.0).is_err());
        let mut tilted = c.clone();
        tilted.cell = Cell::lammps([5.0, 5.0, 5.0], [1.0, 0.0, 0.0], [0.0; 3]);
        assert!(VerletList::new(&tilted, 1.0, 0.3).is_err());
    }
}
