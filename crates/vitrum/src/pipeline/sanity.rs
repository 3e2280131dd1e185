//! Is the glass physically sound? What a physicist checks before trusting any fit: the number
//! density, the first-shell coordination numbers and the chemical order (from the mean partial
//! g_ab(r)), and the modes (no negative eigenvalue beyond the d zero modes of translation, the
//! frequency range in the dataset's unit — THz for LAMMPS metal). Each part is left out when
//! the dataset lacks what it needs (partials, eigenvalues, densities).

use serde::{Deserialize, Serialize};
use vitrum_io::{Dataset, FeatureKind, UnitSystem};
use vitrum_regress::ndarray::{Array2, Axis};

/// Mean, smallest and largest of a per-sample quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        Some(Spread {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            min: values.iter().cloned().fold(f64::INFINITY, f64::min),
            max: values.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// n_ab: neighbours of species b around an a particle within the first minimum of g_ab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coordination {
    pub pair: String,
    /// The first local minimum of the mean g_ab(r) after its first local maximum above 1.
    pub r_min: f64,
    pub n_ab: f64,
    pub n_ba: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Modes {
    pub samples: usize,
    /// Samples with an eigenvalue below −1e-6 λ_max beyond their d smallest |λ| (not at a
    /// minimum, or a saddle).
    pub samples_with_negative_modes: usize,
    /// Frequency of the lowest and highest non-zero mode over all samples, and the mean.
    pub frequency_min: f64,
    pub frequency_max: f64,
    pub frequency_mean: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sanity {
    pub dim: usize,
    pub density: Option<Spread>,
    pub length_unit: String,
    pub coordination: Vec<Coordination>,
    /// Σ_a x_a n_aa / Σ_ab x_a n_ab: the fraction of first-shell bonds joining like species.
    pub homonuclear_bond_fraction: Option<f64>,
    pub modes: Option<Modes>,
}

/// Everything that can be said about `ds`; `eigenvalues` [samples × dN] when available.
pub fn assess(ds: &Dataset, eigenvalues: Option<&Array2<f64>>) -> Sanity {
    let m = &ds.manifest;
    let density = m.densities().and_then(|d| Spread::of(&d));
    let coordination = density
        .as_ref()
        .map(|rho| coordination(ds, rho.mean))
        .unwrap_or_default();
    let homonuclear_bond_fraction = homonuclear(ds, &coordination);
    Sanity {
        dim: m.dim,
        density,
        length_unit: m.units.length_unit().to_string(),
        coordination,
        homonuclear_bond_fraction,
        modes: eigenvalues.and_then(|e| modes(e, m.dim, m.units)),
    }
}

fn coordination(ds: &Dataset, rho: f64) -> Vec<Coordination> {
    let (Some(block), Some(x)) = (
        ds.feature(&FeatureKind::PartialRdf),
        ds.manifest.fractions(),
    ) else {
        return Vec::new();
    };
    let grid = &block.entry.grid;
    let n_r = grid.len();
    let Some(dim) = vitrum_io::Dim::from_usize(ds.manifest.dim) else {
        return Vec::new();
    };
    let shells = vitrum_descriptors::shell_volumes(&grid.edges, dim);
    let Some(mean) = block.data.mean_axis(Axis(0)) else {
        return Vec::new();
    };
    let pairs = vitrum_descriptors::species_pairs(x.len());
    let mut out = Vec::new();
    for (c, (a, b)) in pairs.into_iter().enumerate() {
        if (c + 1) * n_r > mean.len() {
            break;
        }
        let g = mean.slice(vitrum_regress::ndarray::s![c * n_r..(c + 1) * n_r]);
        // the first shell: up to the first local minimum after the first local maximum above 1
        // (a pair that avoids contact, like KA's B–B, then gets no spurious second shell)
        let is_peak = |k: usize| g[k] > 1.0 && g[k] >= g[k - 1] && g[k] >= g[k + 1];
        let Some(peak) = (1..n_r - 1).find(|&k| is_peak(k)) else {
            continue;
        };
        let Some(min) = (peak + 1..n_r - 1).find(|&k| g[k] <= g[k - 1] && g[k] < g[k + 1]) else {
            continue;
        };
        let integral: f64 = (0..=min).map(|k| g[k] * shells[k]).sum::<f64>() * rho;
        out.push(Coordination {
            pair: block
                .entry
                .channels
                .get(c)
                .cloned()
                .unwrap_or_else(|| format!("{a}-{b}")),
            r_min: grid.edges[min + 1],
            n_ab: x[b] * integral,
            n_ba: x[a] * integral,
        });
    }
    out
}

fn homonuclear(ds: &Dataset, coordination: &[Coordination]) -> Option<f64> {
    let x = ds.manifest.fractions()?;
    if x.len() < 2 || coordination.len() != x.len() * (x.len() + 1) / 2 {
        return None;
    }
    let pairs = vitrum_descriptors::species_pairs(x.len());
    let (mut like, mut all) = (0.0, 0.0);
    for ((a, b), c) in pairs.into_iter().zip(coordination) {
        if a == b {
            like += x[a] * c.n_ab;
            all += x[a] * c.n_ab;
        } else {
            all += x[a] * c.n_ab + x[b] * c.n_ba;
        }
    }
    (all > 0.0).then(|| like / all)
}

fn modes(e: &Array2<f64>, d: usize, units: UnitSystem) -> Option<Modes> {
    if e.nrows() == 0 || e.ncols() <= d {
        return None;
    }
    let scale = if units == UnitSystem::Metal {
        vitrum_theory::units::METAL_THZ_PER_SQRT_EIGENVALUE
    } else {
        1.0
    };
    let (mut negative, mut lo, mut hi, mut sum, mut count) =
        (0, f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
    for row in e.rows() {
        let mut by_size: Vec<f64> = row.to_vec();
        by_size.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
        let top = by_size.last().copied().unwrap_or(0.0).abs();
        let rest = &by_size[d..];
        if rest.iter().any(|&l| l < -1e-6 * top) {
            negative += 1;
        }
        for &l in rest {
            let f = l.max(0.0).sqrt() * scale;
            lo = lo.min(f);
            hi = hi.max(f);
            sum += f;
            count += 1;
        }
    }
    Some(Modes {
        samples: e.nrows(),
        samples_with_negative_modes: negative,
        frequency_min: lo,
        frequency_max: hi,
        frequency_mean: sum / count as f64,
        unit: if units == UnitSystem::Metal {
            "THz".to_string()
        } else {
            units.frequency_unit().to_string()
        },
    })
}

/// The report's lines.
pub fn lines(s: &Sanity) -> Vec<String> {
    let mut out = Vec::new();
    let u = &s.length_unit;
    if let Some(rho) = &s.density {
        out.push(format!(
            "number density {:.4} {u}{} (samples {:.4} to {:.4})",
            rho.mean,
            if s.dim == 2 { "⁻²" } else { "⁻³" },
            rho.min,
            rho.max
        ));
    }
    for c in &s.coordination {
        let (a, b) = c.pair.split_once('-').unwrap_or((&c.pair, &c.pair));
        out.push(if a == b {
            format!(
                "first shell {}: r < {:.3} {u}; n({a}←{b}) = {:.2}",
                c.pair, c.r_min, c.n_ab
            )
        } else {
            format!(
                "first shell {}: r < {:.3} {u}; n({a}←{b}) = {:.2}, n({b}←{a}) = {:.2}",
                c.pair, c.r_min, c.n_ab, c.n_ba
            )
        });
    }
    if let Some(h) = s.homonuclear_bond_fraction {
        out.push(format!(
            "homonuclear bond fraction {:.3} (chemically random: Σ x_a²; ordered: 0)",
            h
        ));
    }
    if let Some(m) = &s.modes {
        out.push(format!(
            "modes: {} of {} samples with negative eigenvalues beyond the zero modes; \
             non-zero frequencies {:.3}–{:.3} {} (mean {:.3})",
            m.samples_with_negative_modes,
            m.samples,
            m.frequency_min,
            m.frequency_max,
            m.unit,
            m.frequency_mean
        ));
    }
    out
}
