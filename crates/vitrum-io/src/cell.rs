//! Periodic cells, orthorhombic or triclinic, in 2D or 3D.
//!
//! The cell is stored as a matrix whose columns are the cell vectors a, b, c (LAMMPS' restricted
//! triclinic form is upper triangular, but any right-handed set is accepted). Fractional
//! coordinates s relate to Cartesian ones by x = origin + H s; minimum images and cell lists work
//! in fractional coordinates so that triclinic cells need no special case.

use serde::{Deserialize, Serialize};

/// Spatial dimension of a configuration: the physics (volume, shells, Hessian blocks) depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dim {
    Two,
    Three,
}

impl Dim {
    pub fn get(self) -> usize {
        match self {
            Dim::Two => 2,
            Dim::Three => 3,
        }
    }

    pub fn from_usize(d: usize) -> Option<Dim> {
        match d {
            2 => Some(Dim::Two),
            3 => Some(Dim::Three),
            _ => None,
        }
    }
}

impl std::fmt::Display for Dim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}D", self.get())
    }
}

/// A periodic cell. `matrix[r][c]` is row r of H, so cell vector k is `(m[0][k], m[1][k], m[2][k])`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub matrix: [[f64; 3]; 3],
    /// Position of the cell's lower corner (LAMMPS xlo, ylo, zlo); irrelevant to distances.
    pub origin: [f64; 3],
}

impl Cell {
    /// An orthorhombic cell with the given edge lengths and origin at 0.
    pub fn orthorhombic(lengths: [f64; 3]) -> Cell {
        Cell {
            matrix: [
                [lengths[0], 0.0, 0.0],
                [0.0, lengths[1], 0.0],
                [0.0, 0.0, lengths[2]],
            ],
            origin: [0.0; 3],
        }
    }

    /// A cell from its three vectors a, b, c (each a Cartesian 3-vector).
    pub fn from_vectors(a: [f64; 3], b: [f64; 3], c: [f64; 3]) -> Cell {
        Cell {
            matrix: [[a[0], b[0], c[0]], [a[1], b[1], c[1]], [a[2], b[2], c[2]]],
            origin: [0.0; 3],
        }
    }

    /// LAMMPS' restricted triclinic cell: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz).
    pub fn lammps(lengths: [f64; 3], tilts_xy_xz_yz: [f64; 3], origin: [f64; 3]) -> Cell {
        let [lx, ly, lz] = lengths;
        let [xy, xz, yz] = tilts_xy_xz_yz;
        Cell {
            matrix: [[lx, xy, xz], [0.0, ly, yz], [0.0, 0.0, lz]],
            origin,
        }
    }

    /// Cell vector k (0 = a, 1 = b, 2 = c).
    pub fn vector(&self, k: usize) -> [f64; 3] {
        [self.matrix[0][k], self.matrix[1][k], self.matrix[2][k]]
    }

    /// True when H is diagonal: the fast path with no tilt.
    pub fn is_orthorhombic(&self) -> bool {
        let m = &self.matrix;
        (0..3).all(|r| (0..3).all(|c| r == c || m[r][c] == 0.0))
    }

    /// LAMMPS tilt factors (xy, xz, yz) when H is upper triangular, else None.
    pub fn lammps_tilts(&self) -> Option<[f64; 3]> {
        let m = &self.matrix;
        if m[1][0] == 0.0 && m[2][0] == 0.0 && m[2][1] == 0.0 {
            Some([m[0][1], m[0][2], m[1][2]])
        } else {
            None
        }
    }

    /// Signed volume det(H) in 3D, or the signed area of (a, b) in the xy plane in 2D.
    pub fn measure(&self, dim: Dim) -> f64 {
        let m = &self.matrix;
        match dim {
            Dim::Two => m[0][0] * m[1][1] - m[0][1] * m[1][0],
            Dim::Three => det3(m),
        }
    }

    /// Distance between opposite faces (3D) or edges (2D), one per cell direction: the largest
    /// r_max for which every pair has at most one periodic image closer than r_max is half the
    /// smallest of these.
    pub fn perpendicular_widths(&self, dim: Dim) -> Vec<f64> {
        let v = self.measure(dim).abs();
        match dim {
            Dim::Two => {
                let a = self.vector(0);
                let b = self.vector(1);
                vec![v / norm2d(b), v / norm2d(a)]
            }
            Dim::Three => {
                let a = self.vector(0);
                let b = self.vector(1);
                let c = self.vector(2);
                vec![
                    v / norm(cross(b, c)),
                    v / norm(cross(c, a)),
                    v / norm(cross(a, b)),
                ]
            }
        }
    }

    /// H⁻¹, for fractional coordinates. In 2D the z row/column is treated as decoupled.
    pub fn inverse(&self, dim: Dim) -> [[f64; 3]; 3] {
        let m = &self.matrix;
        match dim {
            Dim::Two => {
                let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
                let lz = if m[2][2] != 0.0 { m[2][2] } else { 1.0 };
                [
                    [m[1][1] / det, -m[0][1] / det, 0.0],
                    [-m[1][0] / det, m[0][0] / det, 0.0],
                    [0.0, 0.0, 1.0 / lz],
                ]
            }
            Dim::Three => {
                let det = det3(m);
                let mut inv = [[0.0; 3]; 3];
                for (r, row) in inv.iter_mut().enumerate() {
                    for (c, out) in row.iter_mut().enumerate() {
                        // cofactor transpose: inv[r][c] = C[c][r] / det
                        let (r1, r2) = others(c);
                        let (c1, c2) = others(r);
                        let minor = m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1];
                        let sign = if (r + c) % 2 == 0 { 1.0 } else { -1.0 };
                        *out = sign * minor / det;
                    }
                }
                inv
            }
        }
    }

    /// x = H s (no origin: for displacements).
    pub fn to_cartesian(&self, s: [f64; 3]) -> [f64; 3] {
        matvec(&self.matrix, s)
    }
}

fn others(i: usize) -> (usize, usize) {
    match i {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    }
}

pub fn matvec(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    ]
}

fn det3(m: &[[f64; 3]; 3]) -> f64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: [f64; 3]) -> f64 {
    (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt()
}

fn norm2d(a: [f64; 3]) -> f64 {
    (a[0] * a[0] + a[1] * a[1]).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn inverse_times_matrix_is_identity_for_a_tilted_cell() {
        let cell = Cell::lammps([3.0, 4.0, 5.0], [1.2, -0.7, 0.9], [0.0; 3]);
        let inv = cell.inverse(Dim::Three);
        for r in 0..3 {
            for c in 0..3 {
                let v: f64 = (0..3).map(|k| inv[r][k] * cell.matrix[k][c]).sum();
                assert_relative_eq!(v, if r == c { 1.0 } else { 0.0 }, epsilon = 1e-14);
            }
        }
    }

    #[test]
    fn perpendicular_widths_of_a_sheared_square_are_unchanged_along_y() {
        // Shearing a square of side L by xy keeps the area L² and the y width L, while the
        // width perpendicular to b = (xy, L) shrinks to L²/|b|.
        let cell = Cell::lammps([2.0, 2.0, 1.0], [1.0, 0.0, 0.0], [0.0; 3]);
        let w = cell.perpendicular_widths(Dim::Two);
        assert_relative_eq!(w[1], 2.0, epsilon = 1e-14);
        assert_relative_eq!(w[0], 4.0 / 5f64.sqrt(), epsilon = 1e-14);
        assert_relative_eq!(cell.measure(Dim::Two), 4.0);
        let w3 = Cell::orthorhombic([2.0, 3.0, 4.0]).perpendicular_widths(Dim::Three);
        assert_eq!(w3, vec![2.0, 3.0, 4.0]);
    }
}
