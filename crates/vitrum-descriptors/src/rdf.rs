//! Radial distribution functions, total and partial, in 2D and 3D.
//!
//! Convention (the reference data's, freud's `exact` mode, ASE's): bin k of width Δr holds
//! edges[k] ≤ r < edges[k+1] and is reported at its midpoint; g_ab(r_k) = n_ab(k) / (N_a ρ_b V_k)
//! with n_ab the ordered pairs i∈a, j∈b, i≠j, ρ_b = N_b/V and V_k the exact shell volume
//! (π(r₂²−r₁²) in 2D, 4π(r₂³−r₁³)/3 in 3D); g = n_all/(N ρ V_k), so g = Σ_ab x_a x_b g_ab.
//! `Normalization::LammpsExcludeSelf` uses ρ_a = (N_a − 1)/V for a = b (LAMMPS `compute rdf`),
//! and (N − 1)/V for the total, which makes g → 1 exactly for an ideal gas of any size.
//!
//! Pairs are counted as integers in per-thread histograms, so the result has the same bits for
//! any number of threads.

use crate::error::{DescriptorError, Result, positive};
use crate::neighbors::CellList;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use vitrum_io::{Configuration, Dim};

/// Density used for like pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Normalization {
    /// ρ_b = N_b / V for every pair (freud, ASE, the reference data).
    #[default]
    Exact,
    /// ρ_a = (N_a − 1) / V for like pairs (LAMMPS `compute rdf`).
    LammpsExcludeSelf,
}

/// Validated parameters of a g(r) computation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RdfParams {
    r_max: f64,
    bins: usize,
    normalization: Normalization,
}

impl RdfParams {
    pub fn new(r_max: f64, bins: usize) -> Result<Self> {
        positive("r_max", r_max)?;
        if bins == 0 {
            return Err(DescriptorError::ZeroBins);
        }
        Ok(RdfParams {
            r_max,
            bins,
            normalization: Normalization::Exact,
        })
    }

    pub fn with_normalization(mut self, normalization: Normalization) -> Self {
        self.normalization = normalization;
        self
    }

    pub fn r_max(&self) -> f64 {
        self.r_max
    }

    pub fn bins(&self) -> usize {
        self.bins
    }

    pub fn normalization(&self) -> Normalization {
        self.normalization
    }

    pub fn dr(&self) -> f64 {
        self.r_max / self.bins as f64
    }

    /// Bin edges, `linspace(0, r_max, bins + 1)`.
    pub fn edges(&self) -> Vec<f64> {
        (0..=self.bins)
            .map(|k| self.r_max * k as f64 / self.bins as f64)
            .collect()
    }

    /// Bin midpoints.
    pub fn centers(&self) -> Vec<f64> {
        let e = self.edges();
        e.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
    }

    /// Exact volume (3D) or area (2D) of each shell.
    pub fn shell_volumes(&self, dim: Dim) -> Vec<f64> {
        shell_volumes(&self.edges(), dim)
    }
}

/// Exact volume (3D) or area (2D) of the shell between consecutive `edges`: π(r₂² − r₁²) in 2D,
/// 4π(r₂³ − r₁³)/3 in 3D — the measure every g(r) histogram, its integrals and the theory's
/// quadratures use.
pub fn shell_volumes(edges: &[f64], dim: Dim) -> Vec<f64> {
    edges
        .windows(2)
        .map(|w| match dim {
            Dim::Two => PI * (w[1] * w[1] - w[0] * w[0]),
            Dim::Three => 4.0 * PI / 3.0 * (w[1].powi(3) - w[0].powi(3)),
        })
        .collect()
}

/// Integer pair counts of one configuration: `counts[pair][bin]` for unordered species pairs
/// (a ≤ b, index `pair_index(a, b)`), each unordered particle pair counted once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairHistogram {
    pub n_species: usize,
    pub bins: usize,
    pub counts: Vec<Vec<u64>>,
}

/// Index of the unordered species pair (a, b), a ≤ b, in row-major upper-triangle order.
pub fn pair_index(a: usize, b: usize, n_species: usize) -> usize {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    a * n_species - a * (a + 1) / 2 + b
}

/// Unordered species pairs (a, b) with a ≤ b in `pair_index` order.
pub fn species_pairs(n_species: usize) -> Vec<(usize, usize)> {
    (0..n_species)
        .flat_map(|a| (a..n_species).map(move |b| (a, b)))
        .collect()
}

/// Counts pairs of `config` into r bins (in parallel; the counts are exact integers).
pub fn pair_histogram(config: &Configuration, params: &RdfParams) -> Result<PairHistogram> {
    if config.len() < 2 {
        return Err(DescriptorError::TooFewParticles(config.len()));
    }
    let list = CellList::new(config, params.r_max)?;
    let n_species = config.species.len();
    let n_pairs = n_species * (n_species + 1) / 2;
    let bins = params.bins;
    let inv_dr = 1.0 / params.dr();
    let types = &config.types;
    let flat = list.par_fold_pairs(
        || vec![0u64; n_pairs * bins],
        |acc, p| {
            let r = p.r2.sqrt();
            let k = ((r * inv_dr) as usize).min(bins - 1);
            let pi = pair_index(types[p.i], types[p.j], n_species);
            acc[pi * bins + k] += 1;
        },
        |mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
            a
        },
    );
    let counts = flat.chunks(bins).map(|c| c.to_vec()).collect();
    Ok(PairHistogram {
        n_species,
        bins,
        counts,
    })
}

/// One partial g_ab(r) with its species labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialRdf {
    pub a: usize,
    pub b: usize,
    pub label_a: String,
    pub label_b: String,
    pub g: Vec<f64>,
}

/// g(r) averaged over the frames accumulated so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RdfResult {
    pub params: RdfParams,
    pub dim: Dim,
    /// Bin midpoints.
    pub r: Vec<f64>,
    pub g: Vec<f64>,
    /// Partials for every unordered species pair a ≤ b.
    pub partials: Vec<PartialRdf>,
    pub labels: Vec<String>,
    /// Mole fractions x_a and densities ρ_a (mean over frames).
    pub fractions: Vec<f64>,
    pub densities: Vec<f64>,
    pub frames: usize,
}

impl RdfResult {
    /// Running coordination number n(r) = ρ ∫₀^r s_d(r') g(r') dr' at each bin's upper edge
    /// (average number of neighbours closer than that edge).
    pub fn coordination(&self) -> Vec<f64> {
        let rho: f64 = self.densities.iter().sum();
        running_integral(&self.g, rho, &self.params.shell_volumes(self.dim))
    }

    /// Running partial coordination n_ab(r): neighbours of species b around a particle of species a.
    pub fn partial_coordination(&self, a: usize, b: usize) -> Vec<f64> {
        let g = &self
            .partials
            .iter()
            .find(|p| (p.a, p.b) == (a.min(b), a.max(b)))
            .expect("species pair exists")
            .g;
        running_integral(g, self.densities[b], &self.params.shell_volumes(self.dim))
    }

    /// Bin upper edges, where `coordination` is evaluated.
    pub fn upper_edges(&self) -> Vec<f64> {
        self.params.edges()[1..].to_vec()
    }
}

fn running_integral(g: &[f64], rho: f64, shells: &[f64]) -> Vec<f64> {
    let mut total = 0.0;
    g.iter()
        .zip(shells)
        .map(|(g, v)| {
            total += rho * g * v;
            total
        })
        .collect()
}

/// A g(r) computation: parameters fixed at construction, frames accumulated with `accumulate`,
/// the average read with `result`.
#[derive(Debug, Clone)]
pub struct Rdf {
    params: RdfParams,
    dim: Option<Dim>,
    labels: Vec<String>,
    sum_g: Vec<f64>,
    sum_partials: Vec<Vec<f64>>,
    sum_fractions: Vec<f64>,
    sum_densities: Vec<f64>,
    frames: usize,
}

impl Rdf {
    pub fn new(params: RdfParams) -> Self {
        Rdf {
            params,
            dim: None,
            labels: Vec::new(),
            sum_g: vec![0.0; params.bins],
            sum_partials: Vec::new(),
            sum_fractions: Vec::new(),
            sum_densities: Vec::new(),
            frames: 0,
        }
    }

    pub fn params(&self) -> &RdfParams {
        &self.params
    }

    /// Adds one frame. Frames must share species labels and dimension.
    pub fn accumulate(&mut self, config: &Configuration) -> Result<()> {
        let labels: Vec<String> = config.labels().iter().map(|s| s.to_string()).collect();
        if self.frames == 0 {
            self.dim = Some(config.dim);
            self.labels = labels.clone();
            let n_pairs = labels.len() * (labels.len() + 1) / 2;
            self.sum_partials = vec![vec![0.0; self.params.bins]; n_pairs];
            self.sum_fractions = vec![0.0; labels.len()];
            self.sum_densities = vec![0.0; labels.len()];
        } else if labels != self.labels {
            return Err(DescriptorError::SpeciesMismatch {
                frame: config.frame,
                expected: self.labels.clone(),
                found: labels,
            });
        } else if Some(config.dim) != self.dim {
            return Err(DescriptorError::DimensionMismatch {
                frame: config.frame,
                expected: self.dim.map(|d| d.to_string()).unwrap_or_default(),
                found: config.dim.to_string(),
            });
        }
        crate::overlaps::check_overlaps(config)?;
        let hist = pair_histogram(config, &self.params)?;
        let frame = normalize(&hist, config, &self.params);
        for (s, g) in self.sum_g.iter_mut().zip(&frame.g) {
            *s += g;
        }
        for (sp, p) in self.sum_partials.iter_mut().zip(&frame.partials) {
            for (s, g) in sp.iter_mut().zip(&p.g) {
                *s += g;
            }
        }
        for (s, x) in self.sum_fractions.iter_mut().zip(&frame.fractions) {
            *s += x;
        }
        for (s, x) in self.sum_densities.iter_mut().zip(&frame.densities) {
            *s += x;
        }
        self.frames += 1;
        Ok(())
    }

    /// The frame average of g(r) and the partials.
    pub fn result(&self) -> Result<RdfResult> {
        if self.frames == 0 {
            return Err(DescriptorError::NoFrames);
        }
        let f = self.frames as f64;
        let avg = |v: &Vec<f64>| v.iter().map(|x| x / f).collect::<Vec<f64>>();
        let pairs = species_pairs(self.labels.len());
        Ok(RdfResult {
            params: self.params,
            dim: self.dim.expect("set with the first frame"),
            r: self.params.centers(),
            g: avg(&self.sum_g),
            partials: pairs
                .iter()
                .zip(&self.sum_partials)
                .map(|(&(a, b), g)| PartialRdf {
                    a,
                    b,
                    label_a: self.labels[a].clone(),
                    label_b: self.labels[b].clone(),
                    g: avg(g),
                })
                .collect(),
            labels: self.labels.clone(),
            fractions: avg(&self.sum_fractions),
            densities: avg(&self.sum_densities),
            frames: self.frames,
        })
    }
}

/// g(r) of one configuration from its pair histogram.
pub fn normalize(hist: &PairHistogram, config: &Configuration, params: &RdfParams) -> RdfResult {
    let shells = params.shell_volumes(config.dim);
    let v = config.volume();
    let counts = config.species_counts();
    let n = config.len() as f64;
    let exclude_self = params.normalization == Normalization::LammpsExcludeSelf;
    let pairs = species_pairs(hist.n_species);
    let labels: Vec<String> = config.labels().iter().map(|s| s.to_string()).collect();
    let mut partials = Vec::with_capacity(pairs.len());
    let mut total_counts = vec![0u64; params.bins];
    for (&(a, b), c) in pairs.iter().zip(&hist.counts) {
        let (na, nb) = (counts[a] as f64, counts[b] as f64);
        // ordered pairs: like pairs were counted once per unordered pair, so twice in n_aa
        let ordered = if a == b { 2.0 } else { 1.0 };
        let rho_b = if a == b && exclude_self {
            (nb - 1.0) / v
        } else {
            nb / v
        };
        let g = c
            .iter()
            .zip(&shells)
            .map(|(&k, &vk)| {
                let denom = na * rho_b * vk;
                if denom > 0.0 {
                    ordered * k as f64 / denom
                } else {
                    0.0
                }
            })
            .collect();
        for (t, &k) in total_counts.iter_mut().zip(c) {
            *t += k;
        }
        partials.push(PartialRdf {
            a,
            b,
            label_a: labels[a].clone(),
            label_b: labels[b].clone(),
            g,
        });
    }
    let rho = if exclude_self { (n - 1.0) / v } else { n / v };
    let g = total_counts
        .iter()
        .zip(&shells)
        .map(|(&k, &vk)| 2.0 * k as f64 / (n * rho * vk))
        .collect();
    RdfResult {
        params: *params,
        dim: config.dim,
        r: params.centers(),
        g,
        partials,
        labels,
        fractions: counts.iter().map(|&c| c as f64 / n).collect(),
        densities: counts.iter().map(|&c| c as f64 / v).collect(),
        frames: 1,
    }
}

/// g(r) of a single configuration.
pub fn rdf(config: &Configuration, params: &RdfParams) -> Result<RdfResult> {
    let mut acc = Rdf::new(*params);
    acc.accumulate(config)?;
    acc.result()
}
