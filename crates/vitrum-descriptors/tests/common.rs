//! Builders of test configurations shared by the descriptor tests.
#![allow(dead_code)]

use vitrum_io::{Cell, Configuration, Dim, Species};

/// A configuration of one or more species at the given Cartesian positions.
pub fn config(positions: Vec<[f64; 3]>, types: Vec<usize>, cell: Cell, dim: Dim) -> Configuration {
    let n_species = types.iter().max().map(|m| m + 1).unwrap_or(1);
    Configuration {
        positions,
        types,
        species: (0..n_species)
            .map(|s| Species {
                label: (s + 1).to_string(),
                mass: Some(1.0),
            })
            .collect(),
        cell,
        dim,
        frame: 0,
        step: None,
    }
}

/// A Bravais lattice with a basis, `n` unit cells along each periodic direction.
pub fn lattice(basis: &[[f64; 3]], a: f64, n: usize, dim: Dim) -> Configuration {
    let mut positions = Vec::new();
    let nz = if dim == Dim::Three { n } else { 1 };
    for i in 0..n {
        for j in 0..n {
            for k in 0..nz {
                for b in basis {
                    positions.push([
                        a * (i as f64 + b[0]),
                        a * (j as f64 + b[1]),
                        if dim == Dim::Three {
                            a * (k as f64 + b[2])
                        } else {
                            0.0
                        },
                    ]);
                }
            }
        }
    }
    let l = a * n as f64;
    let cell = Cell::orthorhombic([l, l, if dim == Dim::Three { l } else { 1.0 }]);
    let len = positions.len();
    config(positions, vec![0; len], cell, dim)
}

/// Uniform random points (a seeded xorshift, so tests need no RNG dependency and never change).
pub fn ideal_gas(n: usize, cell: Cell, dim: Dim, seed: u64) -> Configuration {
    let mut state = seed.max(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let positions = (0..n)
        .map(|_| cell.to_cartesian([next(), next(), if dim == Dim::Three { next() } else { 0.0 }]))
        .collect();
    let types = (0..n).map(|i| usize::from(i % 3 == 0)).collect();
    config(positions, types, cell, dim)
}
