//! Two atoms at one point: physically impossible (every pair potential is singular there, and
//! `vitrum modes` refuses it through the interactions' own check), and for structure
//! descriptors a silent spike in g(r) at r = 0 or a P(θ) with undefined bond directions. Found in
//! O(N log N) by sorting the wrapped positions along x.

use crate::error::{DescriptorError, Result};
use vitrum_io::Configuration;

/// Below this distance two atoms are at one point (the interactions' overlap distance).
pub const OVERLAP: f64 = 1e-10;

/// The first pair of atoms (by index) closer than [`OVERLAP`], as an error naming them.
pub fn check_overlaps(config: &Configuration) -> Result<()> {
    let d = config.dim.get();
    let widths = config.cell.perpendicular_widths(config.dim);
    let frac = config.wrapped_fractional();
    // distances along each periodic direction as fraction × width: exact for orthorhombic
    // cells, a bound of the right size for tilted ones (enough to find coincident atoms)
    let scaled: Vec<[f64; 3]> = frac
        .iter()
        .map(|f| {
            let mut s = [0.0; 3];
            for k in 0..d {
                s[k] = f[k] * widths[k];
            }
            s
        })
        .collect();
    let mut order: Vec<usize> = (0..scaled.len()).collect();
    order.sort_by(|&a, &b| scaled[a][0].total_cmp(&scaled[b][0]).then(a.cmp(&b)));
    let mut first: Option<(usize, usize, f64)> = None;
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if scaled[j][0] - scaled[i][0] >= OVERLAP {
                break;
            }
            let r2: f64 = (0..d).map(|c| (scaled[j][c] - scaled[i][c]).powi(2)).sum();
            if r2 < OVERLAP * OVERLAP {
                let pair = (i.min(j), i.max(j), r2.sqrt());
                if first.is_none_or(|f| (pair.0, pair.1) < (f.0, f.1)) {
                    first = Some(pair);
                }
            }
        }
    }
    match first {
        None => Ok(()),
        Some((i, j, r)) => Err(DescriptorError::Overlap { i, j, r }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_io::{Cell, Dim, Species};

    fn config(positions: Vec<[f64; 3]>) -> Configuration {
        let n = positions.len();
        Configuration {
            positions,
            types: vec![0; n],
            species: vec![Species {
                label: "1".into(),
                mass: None,
            }],
            cell: Cell::orthorhombic([4.0, 4.0, 4.0]),
            dim: Dim::Three,
            frame: 0,
            step: None,
        }
    }

    #[test]
    fn coincident_atoms_are_named_and_near_ones_pass() {
        let ok = config(vec![[0.0; 3], [1e-6, 0.0, 0.0], [2.0, 2.0, 2.0]]);
        assert!(check_overlaps(&ok).is_ok());
        let two = config(vec![[0.0; 3], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]);
        assert_eq!(
            check_overlaps(&two),
            Err(DescriptorError::Overlap { i: 1, j: 2, r: 0.0 })
        );
        // a periodic image counts: x = 4 wraps onto x = 0
        let image = config(vec![[0.0, 1.0, 1.0], [4.0, 1.0, 1.0]]);
        assert!(check_overlaps(&image).is_err());
        let all = config(vec![[3.0; 3]; 5]);
        let e = check_overlaps(&all).unwrap_err().to_string();
        assert!(e.contains("atoms 0 and 1"), "{e}");
    }
}
