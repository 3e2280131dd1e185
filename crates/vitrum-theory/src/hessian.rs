//! The Hessian in sparse block form and the mass-weighted dynamical matrix built from it.
//!
//! Blocks are 3×3 in both dimensions; in 2D only the upper-left 2×2 is ever non-zero or read, so
//! one code path serves d = 2 and d = 3 and the dense matrix has d·N rows.

use crate::error::{Result, TheoryError};
use ndarray::Array2;
use rayon::prelude::*;
use vitrum_io::Dim;

/// A 3×3 block.
pub type Block = [[f64; 3]; 3];

pub const ZERO_BLOCK: Block = [[0.0; 3]; 3];

/// A symmetric matrix of N×N blocks: the diagonal blocks and the off-diagonal blocks (i < j) that
/// are not zero. `(i, j, B)` stands for B at (i, j) and Bᵀ at (j, i).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockHessian {
    pub n: usize,
    pub dim: Dim,
    pub diag: Vec<Block>,
    pub off: Vec<(usize, usize, Block)>,
}

pub(crate) fn add_block(a: &mut Block, b: &Block, scale: f64) {
    for r in 0..3 {
        for c in 0..3 {
            a[r][c] += scale * b[r][c];
        }
    }
}

impl BlockHessian {
    /// The pair Hessian from per-pair off-diagonal blocks H_ij (i ≠ j), with H_ii = −Σ_j H_ij
    /// (translation invariance, exact by construction).
    pub fn from_pair_blocks(n: usize, dim: Dim, mut off: Vec<(usize, usize, Block)>) -> Self {
        let mut diag = vec![ZERO_BLOCK; n];
        for (i, j, b) in off.iter_mut() {
            if *i > *j {
                std::mem::swap(i, j);
                *b = transpose(b);
            }
            add_block(&mut diag[*i], b, -1.0);
            // H_jj gets −H_ji = −H_ijᵀ; pair blocks are symmetric but many-body ones need not be
            add_block(&mut diag[*j], &transpose(b), -1.0);
        }
        BlockHessian { n, dim, diag, off }
    }

    /// d·N.
    pub fn dof(&self) -> usize {
        self.n * self.dim.get()
    }

    /// D = M^{-1/2} H M^{-1/2}.
    pub fn mass_weighted(&self, masses: &[f64]) -> BlockHessian {
        let inv: Vec<f64> = masses.iter().map(|m| 1.0 / m.sqrt()).collect();
        let scale = |b: &Block, s: f64| {
            let mut o = *b;
            for row in o.iter_mut() {
                for x in row.iter_mut() {
                    *x *= s;
                }
            }
            o
        };
        BlockHessian {
            n: self.n,
            dim: self.dim,
            diag: self
                .diag
                .iter()
                .zip(&inv)
                .map(|(b, s)| scale(b, s * s))
                .collect(),
            off: self
                .off
                .iter()
                .map(|(i, j, b)| (*i, *j, scale(b, inv[*i] * inv[*j])))
                .collect(),
        }
    }

    /// Trace (of the d×d parts).
    pub fn trace(&self) -> f64 {
        let d = self.dim.get();
        self.diag
            .iter()
            .map(|b| (0..d).map(|k| b[k][k]).sum::<f64>())
            .sum()
    }

    /// Fails if any entry is NaN or infinite.
    pub fn check_finite(&self) -> Result<()> {
        let bad = self
            .diag
            .iter()
            .chain(self.off.iter().map(|(_, _, b)| b))
            .flat_map(|b| b.iter().flatten())
            .find(|x| !x.is_finite());
        match bad {
            Some(&value) => Err(TheoryError::NonFinite {
                what: "Hessian",
                value,
            }),
            None => Ok(()),
        }
    }

    /// The dense d·N × d·N symmetric matrix (row-major; rows in particle order, x,y(,z) each).
    pub fn to_dense(&self) -> Array2<f64> {
        let d = self.dim.get();
        let n = self.dof();
        let mut m = Array2::<f64>::zeros((n, n));
        let put = |m: &mut Array2<f64>, i: usize, j: usize, b: &Block, t: bool| {
            for r in 0..d {
                for c in 0..d {
                    m[[i * d + r, j * d + c]] = if t { b[c][r] } else { b[r][c] };
                }
            }
        };
        for (i, b) in self.diag.iter().enumerate() {
            put(&mut m, i, i, b, false);
        }
        for (i, j, b) in &self.off {
            put(&mut m, *i, *j, b, false);
            put(&mut m, *j, *i, b, true);
        }
        m
    }

    /// Row-wise sparse form for fast parallel products (both triangles stored).
    pub fn to_rows(&self) -> BlockRows {
        let mut counts = vec![1usize; self.n];
        for (i, j, _) in &self.off {
            counts[*i] += 1;
            counts[*j] += 1;
        }
        let mut start = vec![0usize; self.n + 1];
        for i in 0..self.n {
            start[i + 1] = start[i] + counts[i];
        }
        let mut fill = start.clone();
        let total = start[self.n];
        let mut cols = vec![0usize; total];
        let mut blocks = vec![ZERO_BLOCK; total];
        for (i, b) in self.diag.iter().enumerate() {
            cols[fill[i]] = i;
            blocks[fill[i]] = *b;
            fill[i] += 1;
        }
        for (i, j, b) in &self.off {
            cols[fill[*i]] = *j;
            blocks[fill[*i]] = *b;
            fill[*i] += 1;
            cols[fill[*j]] = *i;
            blocks[fill[*j]] = transpose(b);
            fill[*j] += 1;
        }
        BlockRows {
            n: self.n,
            dim: self.dim,
            start,
            cols,
            blocks,
        }
    }
}

pub fn transpose(b: &Block) -> Block {
    let mut t = ZERO_BLOCK;
    for r in 0..3 {
        for c in 0..3 {
            t[r][c] = b[c][r];
        }
    }
    t
}

/// Block compressed rows of a symmetric block matrix: the operator KPM multiplies by.
#[derive(Debug, Clone)]
pub struct BlockRows {
    pub n: usize,
    pub dim: Dim,
    start: Vec<usize>,
    cols: Vec<usize>,
    blocks: Vec<Block>,
}

impl BlockRows {
    pub fn dof(&self) -> usize {
        self.n * self.dim.get()
    }

    /// y = A x (x, y of length d·N). Rows are independent, so the result does not depend on the
    /// number of threads.
    pub fn apply(&self, x: &[f64], y: &mut [f64]) {
        let d = self.dim.get();
        y.par_chunks_mut(d * 256)
            .enumerate()
            .for_each(|(chunk, ys)| {
                let first = chunk * 256;
                for (k, yi) in ys.chunks_mut(d).enumerate() {
                    let i = first + k;
                    let mut acc = [0.0f64; 3];
                    for s in self.start[i]..self.start[i + 1] {
                        let j = self.cols[s];
                        let b = &self.blocks[s];
                        let xj = &x[j * d..j * d + d];
                        for r in 0..d {
                            for c in 0..d {
                                acc[r] += b[r][c] * xj[c];
                            }
                        }
                    }
                    yi.copy_from_slice(&acc[..d]);
                }
            });
    }

    /// Gershgorin bounds [lo, hi] on the spectrum.
    pub fn gershgorin(&self) -> (f64, f64) {
        let d = self.dim.get();
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for i in 0..self.n {
            for r in 0..d {
                let mut radius = 0.0;
                let mut centre = 0.0;
                for s in self.start[i]..self.start[i + 1] {
                    for c in 0..d {
                        let v = self.blocks[s][r][c];
                        if self.cols[s] == i && c == r {
                            centre = v;
                        } else {
                            radius += v.abs();
                        }
                    }
                }
                lo = lo.min(centre - radius);
                hi = hi.max(centre + radius);
            }
        }
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_product_equals_dense_product() {
        let b = [[1.0, 2.0, 0.5], [2.0, -1.0, 0.2], [0.5, 0.2, 4.0]];
        let h =
            BlockHessian::from_pair_blocks(3, Dim::Three, vec![(2, 0, b), (1, 2, transpose(&b))]);
        let dense = h.to_dense();
        let x: Vec<f64> = (0..9).map(|k| (k as f64).sin()).collect();
        let mut y = vec![0.0; 9];
        h.to_rows().apply(&x, &mut y);
        for r in 0..9 {
            let want: f64 = (0..9).map(|c| dense[[r, c]] * x[c]).sum();
            assert!((want - y[r]).abs() < 1e-12);
        }
        // symmetric, and every row sums to zero block-wise (translation invariance)
        for r in 0..9 {
            for c in 0..9 {
                assert_eq!(dense[[r, c]], dense[[c, r]]);
            }
        }
        let t: Vec<f64> = (0..9).map(|k| if k % 3 == 1 { 1.0 } else { 0.0 }).collect();
        h.to_rows().apply(&t, &mut y);
        assert!(y.iter().all(|v| v.abs() < 1e-12));
    }
}
