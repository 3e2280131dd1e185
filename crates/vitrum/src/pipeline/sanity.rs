//! Is the glass physically sound? What a physicist checks before trusting any fit: the number
//! density, the first-shell coordination numbers and the chemical order (from the mean partial
//! g_ab(r)), and the modes (no negative eigenvalue beyond the d zero modes of translation, the
//! frequency range in the dataset's unit — THz for LAMMPS metal). Each part is left out when
//! the dataset lacks what it needs (partials, eigenvalues, densities). Where the dataset keeps
//! its structures (`samples/`), the local order of the first few: coordination-number
//! fractions (sp/sp²/sp³ for carbon), the icosahedral fraction in 3D (metallic glasses) and
//! ring statistics in 2D (network glasses), bonds drawn at the first minima of g_ab.

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
    /// The first local minimum of the mean g_ab(r) after its first local maximum above 1; for a
    /// pair without a first shell of its own the shell end of [`Coordination::cutoff_from`]
    /// (scaled by [`Coordination::covalent_scaling`]).
    pub r_min: f64,
    pub n_ab: f64,
    pub n_ba: f64,
    /// The pair whose shell end serves as this pair's bond cutoff when g_ab has no first shell
    /// of its own (None: it has one). A pair whose contacts are avoided (KA's B–B, the
    /// homonuclear pairs of chemically ordered a-SiC) has its first peak at a second-neighbour
    /// distance; its n_ab then counts the few like neighbours inside the bond cutoff it borrows,
    /// so that the homonuclear bond fraction exists.
    #[serde(default)]
    pub cutoff_from: Option<String>,
    /// The factor (R_a + R_b)/(R_p + R_q) of covalent radii by which a borrowed cutoff was
    /// scaled from pair p–q to a–b; None when not borrowed or a label is not a listed element.
    #[serde(default)]
    pub covalent_scaling: Option<f64>,
}

/// Single-bond covalent radii in Å (Cordero et al., Dalton Trans. 2008, 2832; C sp³) of the
/// elements glass studies use; only their ratios are used.
const COVALENT_RADII: &[(&str, f64)] = &[
    ("H", 0.31),
    ("B", 0.84),
    ("C", 0.76),
    ("N", 0.71),
    ("O", 0.66),
    ("Na", 1.66),
    ("Mg", 1.41),
    ("Al", 1.21),
    ("Si", 1.11),
    ("P", 1.07),
    ("S", 1.05),
    ("Ca", 1.76),
    ("Ti", 1.60),
    ("Fe", 1.32),
    ("Ni", 1.24),
    ("Cu", 1.32),
    ("Ge", 1.20),
    ("Se", 1.20),
    ("Zr", 1.75),
    ("Pd", 1.39),
];

/// R_a + R_b of a pair label "A-B", when both are listed elements.
fn radius_sum(pair: &str) -> Option<f64> {
    let radius = |e: &str| COVALENT_RADII.iter().find(|(l, _)| *l == e).map(|p| p.1);
    let (a, b) = pair.split_once('-')?;
    Some(radius(a)? + radius(b)?)
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
    /// The top of the dataset's VDOS-histogram grid, in `unit`, and the fraction of the
    /// non-zero modes above it (left out of the targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_top: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above_grid_fraction: Option<f64>,
}

/// A grid whose top is this many times the highest mode holds the spectrum in its first bins:
/// most likely an `omega_max` in the wrong unit (THz for a metal dataset's √λ).
pub const GRID_TOO_WIDE: f64 = 4.0;

impl Modes {
    /// What is wrong with the target grid for these modes, in words, or None.
    pub fn grid_warning(&self) -> Option<String> {
        let top = self.grid_top?;
        let unit_hint = if self.unit == "THz" {
            " A metal dataset's ω grid is √λ in (eV/Å²/amu)^½, 15.633 THz per unit: a study's \
             omega_max of 70 THz is 4.48."
        } else {
            ""
        };
        if top > GRID_TOO_WIDE * self.frequency_max {
            return Some(format!(
                "WARNING: the VDOS grid reaches {top:.3} {u}, {:.1}× the highest mode ({:.3} {u}): \
                 the spectrum fills only its first bins and the fit sees mostly empty ones.{unit_hint}",
                top / self.frequency_max,
                self.frequency_max,
                u = self.unit
            ));
        }
        match self.above_grid_fraction {
            Some(f) if f > 0.0 => Some(format!(
                "NOTE: {:.3} % of the non-zero modes lie above the VDOS grid's top ({top:.3} {u}, \
                 highest mode {:.3} {u}) and are not in the targets.{unit_hint}",
                100.0 * f,
                self.frequency_max,
                u = self.unit
            )),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sanity {
    pub dim: usize,
    pub density: Option<Spread>,
    pub length_unit: String,
    pub coordination: Vec<Coordination>,
    /// Σ_a x_a n_aa / Σ_ab x_a n_ab: the fraction of first-shell bonds joining like species.
    pub homonuclear_bond_fraction: Option<f64>,
    /// Σ_a x_a²: the homonuclear bond fraction of a chemically random alloy with these mole
    /// fractions (equal bond lengths), the scale against which chemical order is read.
    #[serde(default)]
    pub random_homonuclear_fraction: Option<f64>,
    pub modes: Option<Modes>,
    /// From the structures, when the dataset keeps them.
    #[serde(default)]
    pub local_order: Option<LocalOrder>,
    /// What a physicist should know before trusting the spectra: a target grid that does not
    /// fit them, modes stiffer than any bond of these elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The stiffest bond stretch of the light elements' glasses, THz: C≡C near 66 (sp carbon
/// chains; diamond's optical mode is 40, graphene's G band 48). Hydrogen's stretches (C–H ≈ 90,
/// H–H 125) are excluded by the species check.
const STIFFEST_BOND_THZ: f64 = 70.0;

/// A note when metal-unit modes lie above [`STIFFEST_BOND_THZ`] in a glass without hydrogen:
/// no bond of these elements vibrates there, so the potential made them — Tersoff's cutoff
/// function in amorphous samples (docs/potentials.md, "a-SiC"), LCBOP's rare stiff sheet.
/// `pair` is the potential's LAMMPS pair commands, when it has only those.
fn stiff_mode_note(m: &Modes, species: &[String], pair: &[String]) -> Option<String> {
    if m.unit != "THz"
        || m.frequency_max <= STIFFEST_BOND_THZ
        || species.iter().any(|s| s.trim() == "H")
    {
        return None;
    }
    let cause = if pair.iter().any(|c| c.contains("tersoff")) {
        " Tersoff's cutoff function is a known source of such spurious stiff modes in amorphous \
         samples (docs/potentials.md, \"a-SiC\": use vashishta-sic for SiC spectra)."
    } else {
        ""
    };
    Some(format!(
        "NOTE: modes reach {:.1} THz, above any bond stretch of these elements (C≡C ≈ 66 THz): \
         the potential made them, not the glass; the spectrum above {STIFFEST_BOND_THZ} THz is \
         the potential's.{cause}",
        m.frequency_max
    ))
}

/// Structures analysed for local order: at most this many (the first samples).
const LOCAL_ORDER_SAMPLES: usize = 8;

/// The bond network of the first samples (bonds within the first-shell r_min of each pair).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalOrder {
    pub samples: usize,
    /// Fraction of particles with z bonds (entry z), over the samples.
    pub coordination_fractions: Vec<f64>,
    /// Bulk 3D packings (mean coordination above [`NETWORK_COORDINATION`]): centres of full icosahedra (12 neighbours, every bond 555 in common-neighbour
    /// analysis), over the samples.
    pub icosahedral_fraction: Option<f64>,
    /// 2D glasses and monolayers (a sheet in a 3D cell, bonds projected onto its plane): rings
    /// by size (entry n: fraction of rings with n bonds), the mean ring size and V − E + F
    /// summed over the samples (0 when no bonds cross).
    pub ring_fractions: Option<Vec<f64>>,
    pub mean_ring_size: Option<f64>,
    pub euler_characteristic: Option<i64>,
    /// Bulk 3D networks (mean coordination ≤ [`NETWORK_COORDINATION`]: a-Si, a-SiC, crumpled
    /// carbon sheets): the shortest-path ring of each bond angle (King), entry n the fraction of
    /// angles whose shortest ring has n bonds, up to [`MAX_RING`]; the rest are longer.
    #[serde(default)]
    pub angle_ring_fractions: Option<Vec<f64>>,
    /// Monolayers (every sample analysed a sheet in a 3D cell): the mean areal density N/A in
    /// the sheet's plane (the number density is per cell volume, vacuum included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areal_density: Option<f64>,
}

/// Networks, not packings: shortest-path rings are reported up to this mean coordination.
const NETWORK_COORDINATION: f64 = 4.5;
/// Largest ring searched.
const MAX_RING: usize = 12;

/// Everything that can be said about `ds`; `eigenvalues` [samples × dN] when available.
pub fn assess(ds: &Dataset, eigenvalues: Option<&Array2<f64>>) -> Sanity {
    let m = &ds.manifest;
    let density = m.densities().and_then(|d| Spread::of(&d));
    let coordination = density
        .as_ref()
        .map(|rho| coordination(ds, rho.mean))
        .unwrap_or_default();
    let homonuclear_bond_fraction = homonuclear(ds, &coordination);
    let local_order = local_order(ds, &coordination);
    let modes = eigenvalues.and_then(|e| {
        let grid_top = ds
            .target(&vitrum_io::TargetKind::VdosHistogram)
            .and_then(|b| b.entry.grid.edges.last().copied());
        modes(e, m.dim, m.units, grid_top)
    });
    Sanity {
        dim: m.dim,
        density,
        length_unit: m.units.length_unit().to_string(),
        coordination,
        homonuclear_bond_fraction,
        random_homonuclear_fraction: homonuclear_bond_fraction
            .and(m.fractions())
            .map(|x| x.iter().map(|v| v * v).sum()),
        notes: modes
            .iter()
            .flat_map(|md| {
                [
                    md.grid_warning(),
                    stiff_mode_note(md, &m.species, &lammps_pair_commands(m)),
                ]
            })
            .flatten()
            .collect(),
        modes,
        local_order,
    }
}

/// The pair commands of a potential that exists only as LAMMPS commands (the manifest embeds
/// its `[lammps]` settings as the potential's table); empty otherwise.
fn lammps_pair_commands(m: &vitrum_io::Manifest) -> Vec<String> {
    m.potential
        .as_ref()
        .filter(|p| p.format == vitrum_io::PotentialFormat::Lammps)
        .and_then(|p| p.table.clone())
        .and_then(|t| serde_json::from_value::<vitrum_sim::LammpsSettings>(t).ok())
        .map(|l| l.pair)
        .unwrap_or_default()
}

/// Local order of the first samples' structures, with bonds at each pair's first-shell r_min
/// (a pair without one — KA's B–B — at the r_min it borrows, see [`Coordination::cutoff_from`];
/// a pair missing from the list at the largest r_min). None when the dataset keeps no structures or a structure does not read.
fn local_order(ds: &Dataset, coordination: &[Coordination]) -> Option<LocalOrder> {
    let dim = vitrum_io::Dim::from_usize(ds.manifest.dim)?;
    let n = ds.n_samples().min(LOCAL_ORDER_SAMPLES);
    if coordination.is_empty() || n == 0 || !ds.dir.join(vitrum_io::dataset::SAMPLES).is_dir() {
        return None;
    }
    let configs = crate::dataset::read_structures(&ds.dir, n, dim).ok()?;
    let n_species = configs[0].species.len();
    let widest = coordination.iter().map(|c| c.r_min).fold(0.0, f64::max);
    let mut cutoffs = vitrum_descriptors::PairCutoffs::uniform(n_species, widest).ok()?;
    for (c, (a, b)) in vitrum_descriptors::species_pairs(n_species)
        .into_iter()
        .enumerate()
    {
        let label = format!(
            "{}-{}",
            configs[0].species[a].label, configs[0].species[b].label
        );
        let r = coordination
            .iter()
            .find(|k| k.pair == label)
            .or_else(|| {
                coordination
                    .get(c)
                    .filter(|_| coordination.len() == n_species * (n_species + 1) / 2)
            })
            .map_or(widest, |k| k.r_min);
        cutoffs.set(a, b, r).ok()?;
    }
    let (mut z_counts, mut particles) = (Vec::<usize>::new(), 0usize);
    let (mut icosahedral, mut rings, mut euler) = (0.0, Vec::<usize>::new(), 0i64);
    let (mut ring_sum, mut planar_samples) = ((0usize, 0usize), 0usize);
    // entry 0 counts the angles whose ring is longer than MAX_RING
    let (mut angle_rings, mut network_samples) = (vec![0usize; MAX_RING + 1], 0usize);
    let mut packing_samples = 0usize;
    let (mut areal_sum, mut monolayers) = (0.0, 0usize);
    for config in &configs {
        let net = vitrum_descriptors::BondNetwork::new(config, &cutoffs).ok()?;
        let counts = net.coordination_counts();
        if z_counts.len() < counts.len() {
            z_counts.resize(counts.len(), 0);
        }
        counts
            .iter()
            .enumerate()
            .for_each(|(z, c)| z_counts[z] += c);
        particles += net.len();
        let monolayer = vitrum_descriptors::local_order::is_monolayer(config, &net);
        if monolayer {
            // the sheet lies in the plane of the first two cell vectors
            areal_sum += config.len() as f64 / config.cell.measure(vitrum_io::Dim::Two).abs();
            monolayers += 1;
        }
        if dim == vitrum_io::Dim::Two || monolayer {
            let r = net.rings(config).ok()?;
            euler += r.euler_characteristic();
            for (&size, &count) in &r.sizes {
                if rings.len() <= size {
                    rings.resize(size + 1, 0);
                }
                rings[size] += count;
                ring_sum.0 += size * count;
                ring_sum.1 += count;
            }
            planar_samples += 1;
        } else {
            if net.mean_coordination() > NETWORK_COORDINATION {
                icosahedral += net.icosahedral_fraction() * net.len() as f64;
                packing_samples += 1;
            } else {
                let r = net.shortest_path_rings(MAX_RING);
                for (&size, &count) in &r.sizes {
                    angle_rings[size] += count;
                }
                angle_rings[0] += r.longer;
                network_samples += 1;
            }
        }
    }
    let angles: usize = angle_rings.iter().sum();
    let total_rings = ring_sum.1.max(1) as f64;
    // every sample planar (a 2D glass or monolayers): rings; none: the icosahedral fraction
    let two = planar_samples == configs.len();
    Some(LocalOrder {
        samples: configs.len(),
        coordination_fractions: z_counts
            .iter()
            .map(|&c| c as f64 / particles as f64)
            .collect(),
        icosahedral_fraction: (packing_samples == configs.len())
            .then(|| icosahedral / particles as f64),
        ring_fractions: two.then(|| rings.iter().map(|&c| c as f64 / total_rings).collect()),
        mean_ring_size: two.then(|| ring_sum.0 as f64 / total_rings),
        euler_characteristic: two.then_some(euler),
        angle_ring_fractions: (network_samples > 0 && angles > 0).then(|| {
            angle_rings
                .iter()
                .map(|&c| c as f64 / angles as f64)
                .collect()
        }),
        areal_density: (monolayers == configs.len()).then(|| areal_sum / monolayers as f64),
    })
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
    let shells_volume = vitrum_descriptors::shell_volumes(&grid.edges, dim);
    let Some(mean) = block.data.mean_axis(Axis(0)) else {
        return Vec::new();
    };
    let pairs = vitrum_descriptors::species_pairs(x.len());
    let n_pairs = pairs.len().min(mean.len() / n_r.max(1));
    let partial = |c: usize| {
        mean.slice(vitrum_regress::ndarray::s![c * n_r..(c + 1) * n_r])
            .to_vec()
    };
    let label = |c: usize, (a, b): (usize, usize)| {
        block
            .entry
            .channels
            .get(c)
            .cloned()
            .unwrap_or_else(|| format!("{a}-{b}"))
    };
    let shells: Vec<Option<(usize, usize)>> =
        (0..n_pairs).map(|c| first_shell(&partial(c))).collect();
    let cutoffs = bond_cutoffs(&pairs[..n_pairs], &shells);
    let mut out = Vec::new();
    for (c, cutoff) in cutoffs.into_iter().enumerate() {
        let (a, b) = pairs[c];
        let Some(BondCutoff { end, from }) = cutoff else {
            continue;
        };
        // a borrowed cutoff scales with the bond lengths' covalent radii where the labels are
        // elements (Si–Si bonds at 2.35 Å lie beyond Si–C's 2.175 Å cutoff, inside 2.58 Å)
        let scale = from
            .and_then(|k| Some(radius_sum(&label(c, (a, b)))? / radius_sum(&label(k, pairs[k]))?));
        let r_cut = grid.edges[end + 1] * scale.unwrap_or(1.0);
        // the bins wholly inside r_cut
        let inside = grid.edges[1..].iter().take_while(|&&e| e <= r_cut).count();
        let g = partial(c);
        let integral: f64 = (0..inside).map(|k| g[k] * shells_volume[k]).sum::<f64>() * rho;
        out.push(Coordination {
            pair: label(c, (a, b)),
            r_min: if inside > 0 {
                grid.edges[inside]
            } else {
                r_cut
            },
            n_ab: x[b] * integral,
            n_ba: x[a] * integral,
            cutoff_from: from.map(|k| label(k, pairs[k])),
            covalent_scaling: scale,
        });
    }
    out
}

/// A pair's bond cutoff: the last bin of a first shell, and the pair it comes from when not its
/// own.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BondCutoff {
    end: usize,
    from: Option<usize>,
}

/// Bond cutoffs of species pairs from their first shells (peak bin, last bin). A pair's first
/// peak farther than 1.5 × the nearest first peak among the pairs sharing a species with it is
/// a second neighbour — its contacts are avoided (KA's B–B at 1.6 σ against A–B at 0.9 σ;
/// ordered SiC's Si–Si at 3.08 Å against Si–C at 1.89 Å) — and it borrows the shell end of
/// the nearest such pair that has a shell of its own; a homonuclear bond keeps its own (Si–Si
/// at 2.35 Å beside Si–C at 1.89 Å, even when C–C bonds at 1.5 Å exist). None when no pair
/// it could borrow from has a shell.
fn bond_cutoffs(
    pairs: &[(usize, usize)],
    shells: &[Option<(usize, usize)>],
) -> Vec<Option<BondCutoff>> {
    let related = |c: usize| {
        let (a, b) = pairs[c];
        (0..pairs.len()).filter(move |&k| {
            let (p, q) = pairs[k];
            p == a || p == b || q == a || q == b
        })
    };
    let own: Vec<bool> = (0..pairs.len())
        .map(|c| {
            let nearest = related(c)
                .filter_map(|k| shells[k].map(|(peak, _)| peak))
                .min();
            match (shells[c], nearest) {
                (Some((peak, _)), Some(near)) => 2 * peak <= 3 * near,
                _ => false,
            }
        })
        .collect();
    (0..pairs.len())
        .map(|c| {
            if own[c] {
                return shells[c].map(|(_, end)| BondCutoff { end, from: None });
            }
            related(c)
                .filter(|&k| own[k])
                .filter_map(|k| shells[k].map(|(peak, end)| (peak, end, k)))
                .min()
                .map(|(_, end, k)| BondCutoff { end, from: Some(k) })
        })
        .collect()
}

/// A first-shell peak must reach this fraction of the curve's highest, so that a noise bump of
/// a minority pair (Zr–Zr in 500 Cu–Zr atoms) does not count as its first shell.
const MIN_PEAK: f64 = 0.5;

/// The first shell of a g(r) on bins: (peak, last bin of the shell). The peak is the first local
/// maximum above 1 and above [`MIN_PEAK`] of the highest, on g smoothed
/// over 5 bins; the shell ends in the dip between it and the second shell (where the smoothed g
/// comes back above 1 after falling below it), at the dip's first bin within a tenth of
/// (1 − its deepest value) of the bottom — wiggles inside the dip do not end the shell early,
/// and a flat bottom (a small, fast-quenched sample) does not stretch it into the second shell.
fn first_shell(g: &[f64]) -> Option<(usize, usize)> {
    let n = g.len();
    let gs = smoothed(g.to_vec());
    let top = gs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let is_peak = |k: usize| {
        gs[k] > 1.0 && gs[k] >= MIN_PEAK * top && gs[k] >= gs[k - 1] && gs[k] >= gs[k + 1]
    };
    let peak = (1..n.saturating_sub(1)).find(|&k| is_peak(k))?;
    let below = (peak + 1..n).find(|&k| gs[k] < 1.0)?;
    let second = (below..n).find(|&k| gs[k] > 1.0).unwrap_or(n);
    let bottom = gs[below..second]
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min);
    let end = (below..second).find(|&k| gs[k] <= bottom + 0.1 * (1.0 - bottom))?;
    Some((peak, end))
}

/// Running mean over 5 bins (fewer at the ends).
fn smoothed(g: Vec<f64>) -> Vec<f64> {
    (0..g.len())
        .map(|k| {
            let (lo, hi) = (k.saturating_sub(2), (k + 3).min(g.len()));
            g[lo..hi].iter().sum::<f64>() / (hi - lo) as f64
        })
        .collect()
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

/// The modes of the eigenvalue rows `e`; `grid_top` the VDOS grid's top in the dataset's ω unit.
fn modes(e: &Array2<f64>, d: usize, units: UnitSystem, grid_top: Option<f64>) -> Option<Modes> {
    if e.nrows() == 0 || e.ncols() <= d {
        return None;
    }
    let scale = if units == UnitSystem::Metal {
        vitrum_theory::units::METAL_THZ_PER_SQRT_EIGENVALUE
    } else {
        1.0
    };
    let (mut negative, mut lo, mut hi, mut sum, mut count, mut above) =
        (0, f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize, 0usize);
    let grid_top = grid_top.map(|t| t * scale);
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
            if grid_top.is_some_and(|t| f > t) {
                above += 1;
            }
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
        grid_top,
        above_grid_fraction: grid_top.map(|_| above as f64 / count as f64),
    })
}

/// `k: f %` for each entry k of `fractions` of at least 0.5 %.
fn percentages(fractions: &[f64]) -> String {
    let parts: Vec<String> = fractions
        .iter()
        .enumerate()
        .filter(|&(_, &f)| f >= 0.005)
        .map(|(k, f)| format!("{k}: {:.1} %", 100.0 * f))
        .collect();
    parts.join(", ")
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
        out.push(if let Some(from) = c.cutoff_from.as_deref() {
            let within = match c.covalent_scaling {
                Some(f) => format!("{from}'s bond cutoff × {f:.3} (covalent radii)"),
                None => format!("{from}'s bond cutoff"),
            };
            if a == b {
                format!(
                    "no first shell {} (contacts avoided); within {within}, r < {:.3} {u}: n({a}←{b}) = {:.3}",
                    c.pair, c.r_min, c.n_ab
                )
            } else {
                format!(
                    "no first shell {} (contacts avoided); within {within}, r < {:.3} {u}: n({a}←{b}) = {:.3}, n({b}←{a}) = {:.3}",
                    c.pair, c.r_min, c.n_ab, c.n_ba
                )
            }
        } else if a == b {
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
        out.push(match s.random_homonuclear_fraction {
            Some(r) => format!(
                "homonuclear bond fraction {h:.3} (chemically random: Σ x_a² = {r:.3}; ordered: 0)"
            ),
            None => {
                format!("homonuclear bond fraction {h:.3} (chemically random: Σ x_a²; ordered: 0)")
            }
        });
    }
    if let Some(l) = &s.local_order {
        out.push(format!(
            "bonds per particle (first {} samples, bonds within the first-shell r_min): {}",
            l.samples,
            percentages(&l.coordination_fractions)
        ));
        if let Some(f) = l.icosahedral_fraction {
            out.push(format!(
                "icosahedral fraction {:.2} % (centres of full icosahedra: 12 neighbours, all \
                 bonds 555)",
                100.0 * f
            ));
        }
        if let Some(a) = l.areal_density {
            out.push(format!(
                "monolayers: areal density {a:.4} {u}⁻² in the sheet's plane (first {} samples; \
                 the number density above counts the cell's vacuum too)",
                l.samples
            ));
        }
        if let (Some(r), Some(mean), Some(e)) =
            (&l.ring_fractions, l.mean_ring_size, l.euler_characteristic)
        {
            out.push(format!(
                "rings by size {} (mean {mean:.2}; V − E + F = {e}, 0 when no bonds cross)",
                percentages(r)
            ));
        }
    }
    if let Some(r) = s
        .local_order
        .as_ref()
        .and_then(|l| l.angle_ring_fractions.as_ref())
    {
        out.push(format!(
            "shortest-path ring of each bond angle by size {} (0: longer than {MAX_RING})",
            percentages(r)
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
    out.extend(s.notes.iter().cloned());
    out
}

#[cfg(test)]
mod shell_tests {
    /// The grid check behind the sanity line: a grid 15.6× wider than the spectrum (THz
    /// given for a metal dataset's √λ) is flagged with the unit, modes above the grid are
    /// counted, a grid that holds the spectrum says nothing.
    #[test]
    fn a_target_grid_far_wider_than_the_spectrum_or_below_it_is_flagged() {
        let modes = |top: f64, above: f64| super::Modes {
            samples: 1,
            samples_with_negative_modes: 0,
            frequency_min: 0.1,
            frequency_max: 10.9,
            frequency_mean: 4.6,
            unit: "THz".into(),
            grid_top: Some(top),
            above_grid_fraction: Some(above),
        };
        let w = modes(15.633 * 10.9, 0.0).grid_warning().unwrap();
        assert!(w.starts_with("WARNING") && w.contains("4.48"), "{w}");
        let w = modes(9.0, 0.012).grid_warning().unwrap();
        assert!(w.starts_with("NOTE: 1.200 %"), "{w}");
        assert_eq!(modes(12.0, 0.0).grid_warning(), None);
    }

    /// Tersoff a-SiC's 118 THz (issue 13) is named with its cause; the same ν with hydrogen
    /// present (a C–H stretch is ≈ 90 THz) or a glass below 70 THz says nothing.
    #[test]
    fn modes_above_any_bond_stretch_are_named_with_the_potential() {
        let m = |top: f64| super::Modes {
            samples: 2,
            samples_with_negative_modes: 0,
            frequency_min: 1.0,
            frequency_max: top,
            frequency_mean: 25.0,
            unit: "THz".into(),
            grid_top: None,
            above_grid_fraction: None,
        };
        let sic = ["Si".to_string(), "C".to_string()];
        let tersoff = [
            "pair_style tersoff".to_string(),
            "pair_coeff * * SiC_Erhart-Albe.tersoff Si C".to_string(),
        ];
        let note = super::stiff_mode_note(&m(118.0), &sic, &tersoff).unwrap();
        assert!(
            note.contains("118.0 THz") && note.contains("vashishta-sic"),
            "{note}"
        );
        let lcbop = ["pair_style lcbop".to_string()];
        let note = super::stiff_mode_note(&m(116.0), &["C".to_string()], &lcbop).unwrap();
        assert!(!note.contains("Tersoff"), "{note}");
        let ch = ["C".to_string(), "H".to_string()];
        assert_eq!(super::stiff_mode_note(&m(118.0), &ch, &tersoff), None);
        assert_eq!(super::stiff_mode_note(&m(39.6), &sic, &tersoff), None);
    }

    use super::first_shell;

    /// A g(r) on bins: zero core, a noise bump of one bin (smoothed: 1.1, above 1 but below
    /// half the smoothed main peak, 2.24), the first peak (height 3 at bin 20), a dip with a
    /// wiggle and a flat bottom at 0.3, the second shell from bin 34.
    fn g() -> Vec<f64> {
        let mut g = vec![0.0; 60];
        g[10] = 5.5; // noise
        for (k, v) in [
            (18, 1.5),
            (19, 2.6),
            (20, 3.0),
            (21, 2.6),
            (22, 1.5),
            (23, 0.9),
        ] {
            g[k] = v;
        }
        for k in 24..34 {
            g[k] = 0.3;
        }
        g[25] = 0.6; // a wiggle early in the dip
        for k in 34..60 {
            g[k] = 1.2;
        }
        g
    }

    /// Bins of 0.025 Å: C–C, C–Si, Si–Si as species pairs (0,0), (0,1), (1,1).
    #[test]
    fn avoided_contacts_borrow_the_bond_cutoff_and_homonuclear_bonds_keep_their_own() {
        use super::{BondCutoff, bond_cutoffs};
        let pairs = [(0, 0), (0, 1), (1, 1)];
        let own = |end| Some(BondCutoff { end, from: None });
        let borrowed = |end, k| Some(BondCutoff { end, from: Some(k) });
        // chemically ordered (Vashishta a-SiC): both like pairs peak at 3.08 Å, Si–C at 1.89 Å
        let ordered = [Some((123, 140)), Some((75, 86)), Some((123, 140))];
        assert_eq!(
            bond_cutoffs(&pairs, &ordered),
            [borrowed(86, 1), own(86), borrowed(86, 1)]
        );
        // C–C bonds at 1.5 Å and Si–Si bonds at 2.35 Å: every pair its own shell
        let mixed = [Some((60, 70)), Some((75, 86)), Some((94, 104))];
        assert_eq!(bond_cutoffs(&pairs, &mixed), [own(70), own(86), own(104)]);
        // no shell anywhere near: nothing to borrow
        assert_eq!(bond_cutoffs(&pairs[..1], &[None]), [None]);
        // a borrowed Si–C cutoff of 2.175 Å becomes 2.58 Å for Si–Si (c-Si's bond: 2.35 Å) and
        // 1.77 Å for C–C (diamond's: 1.54 Å); labels that are not elements are not scaled
        let f = |p| super::radius_sum(p).unwrap() / super::radius_sum("C-Si").unwrap();
        assert!((2.175 * f("Si-Si") - 2.582).abs() < 1e-3);
        assert!((2.175 * f("C-C") - 1.768).abs() < 1e-3);
        assert_eq!(super::radius_sum("1-2"), None);
    }

    #[test]
    fn the_first_shell_skips_noise_and_ends_where_the_dip_bottoms_out() {
        let (peak, end) = first_shell(&g()).unwrap();
        assert_eq!(peak, 20);
        // smoothed: the dip starts at bin 24 (0.72) and bottoms out at 0.3; bin 26 (0.36) is
        // the first within 0.1 × (1 − 0.3) of it, bin 25 (0.48) is not
        assert_eq!(end, 26);
        assert_eq!(first_shell(&[0.0, 0.5, 0.9, 0.5, 0.0]), None);
    }
}
