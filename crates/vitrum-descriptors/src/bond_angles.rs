//! Bond-angle distribution P(θ): for every particle i and every two of its neighbours j, k
//! (r_ij < r_c(type_i, type_j), per species pair, as network glasses need), the angle j–i–k.

use crate::error::{DescriptorError, Result, positive};
use crate::rdf::{pair_index, species_pairs};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use vitrum_io::Configuration;

/// Neighbour cutoffs per unordered species pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairCutoffs {
    n_species: usize,
    cutoffs: Vec<f64>,
}

impl PairCutoffs {
    /// One cutoff for every pair.
    pub fn uniform(n_species: usize, cutoff: f64) -> Result<Self> {
        positive("the neighbour cutoff", cutoff)?;
        Ok(PairCutoffs {
            n_species,
            cutoffs: vec![cutoff; n_species * (n_species + 1) / 2],
        })
    }

    /// Sets the cutoff of species pair (a, b).
    pub fn set(&mut self, a: usize, b: usize, cutoff: f64) -> Result<()> {
        positive("the neighbour cutoff", cutoff)?;
        if a >= self.n_species || b >= self.n_species {
            return Err(DescriptorError::Invalid(format!(
                "species index {} out of range (there are {} species)",
                a.max(b),
                self.n_species
            )));
        }
        self.cutoffs[pair_index(a, b, self.n_species)] = cutoff;
        Ok(())
    }

    pub fn get(&self, a: usize, b: usize) -> f64 {
        self.cutoffs[pair_index(a, b, self.n_species)]
    }

    pub fn max(&self) -> f64 {
        self.cutoffs.iter().cloned().fold(0.0, f64::max)
    }

    pub fn n_species(&self) -> usize {
        self.n_species
    }

    pub fn pairs(&self) -> Vec<(usize, usize, f64)> {
        species_pairs(self.n_species)
            .into_iter()
            .map(|(a, b)| (a, b, self.get(a, b)))
            .collect()
    }
}

/// The distribution of bond angles in degrees on `bins` bins over [0°, 180°].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BondAngleDistribution {
    /// Bin midpoints in degrees.
    pub theta: Vec<f64>,
    /// Probability density per degree: Σ p Δθ = 1.
    pub p: Vec<f64>,
    /// Angles counted in each bin.
    pub counts: Vec<u64>,
    /// Mean number of neighbours per particle under the cutoffs.
    pub mean_coordination: f64,
}

/// Computes P(θ) of one configuration.
pub fn bond_angles(
    config: &Configuration,
    cutoffs: &PairCutoffs,
    bins: usize,
) -> Result<BondAngleDistribution> {
    if bins == 0 {
        return Err(DescriptorError::ZeroBins);
    }
    let net = crate::local_order::BondNetwork::new(config, cutoffs)?;
    let bonded: Vec<Vec<[f64; 3]>> = (0..net.len())
        .map(|i| net.bonds(i).iter().map(|&(_, dr)| dr).collect())
        .collect();
    let width = 180.0 / bins as f64;
    let counts = bonded
        .par_iter()
        .fold(
            || vec![0u64; bins],
            |mut acc, nb| {
                for a in 0..nb.len() {
                    for b in a + 1..nb.len() {
                        let (u, v) = (nb[a], nb[b]);
                        let dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
                        let nu = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).sqrt();
                        let nv = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                        let theta = (dot / (nu * nv)).clamp(-1.0, 1.0).acos().to_degrees();
                        acc[((theta / width) as usize).min(bins - 1)] += 1;
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![0u64; bins],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let total: u64 = counts.iter().sum();
    let p = counts
        .iter()
        .map(|&c| {
            if total > 0 {
                c as f64 / (total as f64 * width)
            } else {
                0.0
            }
        })
        .collect();
    let n_bonds: usize = bonded.iter().map(|b| b.len()).sum();
    Ok(BondAngleDistribution {
        theta: (0..bins).map(|k| (k as f64 + 0.5) * width).collect(),
        p,
        counts,
        mean_coordination: n_bonds as f64 / config.len() as f64,
    })
}
