//! The in-memory configuration every other crate works on.

use crate::cell::{Cell, Dim, matvec};
use serde::{Deserialize, Serialize};

/// One species (atom type) as the file names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Species {
    /// The label as it appears in the file: a LAMMPS type id ("1", "2") or an element ("Si").
    pub label: String,
    /// Mass in the file's units, where the file (or the element) says it.
    pub mass: Option<f64>,
}

/// A periodic configuration of point particles.
///
/// Species are indexed 0..n_species in a fixed order: numeric labels ascending, then other labels in
/// order of first appearance, so that "type 1" is index 0 in every frame of every file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    /// Cartesian positions; in 2D the z component is carried along but never used.
    pub positions: Vec<[f64; 3]>,
    /// Species index of each particle (into `species`).
    pub types: Vec<usize>,
    pub species: Vec<Species>,
    pub cell: Cell,
    pub dim: Dim,
    /// Index of this frame in its file (0-based).
    pub frame: usize,
    /// The simulation step, where the file records one.
    pub step: Option<u64>,
}

impl Configuration {
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Volume (3D) or area (2D) of the cell.
    pub fn volume(&self) -> f64 {
        self.cell.measure(self.dim).abs()
    }

    /// Number density N/V (per area in 2D).
    pub fn number_density(&self) -> f64 {
        self.len() as f64 / self.volume()
    }

    /// Particles of each species, in species order.
    pub fn species_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.species.len()];
        for &t in &self.types {
            counts[t] += 1;
        }
        counts
    }

    /// Mass of each particle, or None if any species has no known mass.
    pub fn masses(&self) -> Option<Vec<f64>> {
        let per_species: Option<Vec<f64>> = self.species.iter().map(|s| s.mass).collect();
        let per_species = per_species?;
        Some(self.types.iter().map(|&t| per_species[t]).collect())
    }

    /// Half the smallest perpendicular cell width: the largest r_max for which a pair has at most
    /// one periodic image within r_max.
    pub fn max_r_max(&self) -> f64 {
        self.cell
            .perpendicular_widths(self.dim)
            .into_iter()
            .fold(f64::INFINITY, f64::min)
            / 2.0
    }

    /// Fractional coordinates wrapped into [0, 1) along the periodic directions (x, y in 2D).
    pub fn wrapped_fractional(&self) -> Vec<[f64; 3]> {
        let inv = self.cell.inverse(self.dim);
        let d = self.dim.get();
        self.positions
            .iter()
            .map(|p| {
                let rel = [
                    p[0] - self.cell.origin[0],
                    p[1] - self.cell.origin[1],
                    p[2] - self.cell.origin[2],
                ];
                let mut s = matvec(&inv, rel);
                for x in s.iter_mut().take(d) {
                    *x -= x.floor();
                    // floor of a tiny negative number can leave exactly 1.0
                    if *x >= 1.0 {
                        *x = 0.0;
                    }
                }
                if d == 2 {
                    s[2] = 0.0;
                }
                s
            })
            .collect()
    }

    /// Species labels in species order.
    pub fn labels(&self) -> Vec<&str> {
        self.species.iter().map(|s| s.label.as_str()).collect()
    }
}

/// Orders species labels: numeric labels ascending, then the rest in order of first appearance.
pub(crate) fn species_order(labels_in_file_order: &[String]) -> Vec<String> {
    let mut numeric: Vec<(i64, String)> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for l in labels_in_file_order {
        match l.trim().parse::<i64>() {
            Ok(v) => {
                if !numeric.iter().any(|(_, s)| s == l) {
                    numeric.push((v, l.clone()));
                }
            }
            Err(_) => {
                if !other.contains(l) {
                    other.push(l.clone());
                }
            }
        }
    }
    numeric.sort();
    numeric.into_iter().map(|(_, s)| s).chain(other).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_labels_sort_numerically_and_names_keep_file_order() {
        let labels: Vec<String> = ["10", "2", "Si", "C", "2", "Si"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(species_order(&labels), vec!["2", "10", "Si", "C"]);
    }
}
