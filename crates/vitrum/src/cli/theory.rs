//! `vitrum theory`: first-order (quasi-crystalline) theory from a reference structure: the
//! dispersion ω_L(k), ω_T(k), the QCA VDOS and the linear-response kernel K(ω, r) = ∂D(ω)/∂g_ab(r).

use super::output::emit;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use vitrum_io::manifest::{FeatureKind, TargetKind};
use vitrum_io::{Dataset, Dim, Table};
use vitrum_theory::perturbation::{
    PairTable, SpectrumGrid, debye_wavenumber, dispersion, linear_response, m2,
};
use vitrum_theory::{Model, Units, registry};

#[derive(Debug, Args)]
#[command(after_help = "\
The reference structure is a partial g_ab(r) on uniform bins from r = 0: an RDF CSV with columns
r (bin midpoints), g_A_B per species pair A ≤ B (as `vitrum rdf --partial` writes them; `g` alone
for one species), or a dataset directory, whose partial g (stored, or computed from its
structures) is averaged over --samples, with the mean of its sample densities. Pair styles only.

Outputs (each written atomically; give at least one):
  --dispersion CSV  k (inverse length units), omega_L, omega_T (frequency units: lj ω in τ⁻¹,
                    metal ν in THz; 0 where ω² < 0), omega2_L, omega2_T (eigenvalue units, signed)
  --vdos CSV        omega (bin midpoints), vdos (QCA, histogram density), k_rho (∂D/∂ρ)
  --kernel NPY      float64 [bins, channels × r bins]: K = ∂D(ω_i)/∂g_c(r_k), columns
                    channel-major in a ≤ b order, like a dataset's partial-rdf rows; zero where
                    the reference g is 0 (no pairs there: the formal derivative is meaningless)

Examples:
  vitrum theory --potential kob-andersen --rdf fixtures/ka2d/rdf.csv --dim 2 --density 1.2 \\
      --fractions 0.65,0.35 --dispersion disp.csv --vdos qca.csv --omega-max 72 --bins 100 --sigma 10
  vitrum theory --potential kob-andersen --rdf fixtures/dataset-ka2d --samples 0..120 \\
      --sigma 10 --kernel K.npy --dispersion disp.csv")]
pub struct TheoryArgs {
    /// Potential: a preset name or a potential file (.toml).
    #[arg(long)]
    pub potential: String,
    /// Reference structure: an RDF CSV or a dataset directory.
    #[arg(long)]
    pub rdf: PathBuf,
    /// Dimension of an RDF CSV's structure (2 or 3); a dataset knows its own.
    #[arg(long)]
    pub dim: Option<usize>,
    /// Number density N/V (needed with a CSV; overrides a dataset's mean density).
    #[arg(long)]
    pub density: Option<f64>,
    /// Number fractions of the species, in the potential's order, comma-separated (CSV with
    /// several species).
    #[arg(long, value_delimiter = ',')]
    pub fractions: Vec<f64>,
    /// Dataset samples averaged into the reference, START..END (default: all).
    #[arg(long)]
    pub samples: Option<String>,
    /// Dispersion CSV.
    #[arg(long)]
    pub dispersion: Option<PathBuf>,
    /// Largest wave number of the dispersion (default: the Debye wave number k_D).
    #[arg(long)]
    pub k_max: Option<f64>,
    /// Wave numbers in the dispersion, evenly spaced on (0, k_max].
    #[arg(long, default_value_t = 200)]
    pub k_points: usize,
    /// Kernel K(ω, r) as NPY.
    #[arg(long)]
    pub kernel: Option<PathBuf>,
    /// QCA VDOS and density response CSV.
    #[arg(long)]
    pub vdos: Option<PathBuf>,
    /// Top of the frequency grid (default: a dataset's VDOS grid, else 1.2 × the top QCA frequency).
    #[arg(long)]
    pub omega_max: Option<f64>,
    /// Frequency bins on [0, omega_max] (default: a dataset's, else 100).
    #[arg(long)]
    pub bins: Option<usize>,
    /// Gaussian broadening of the QCA spectrum and kernel, frequency units (default 0.14 ×
    /// omega_max, the cross-validated choice on dataset-ka2d).
    #[arg(long)]
    pub sigma: Option<f64>,
}

/// The reference: partial g row, its r bin edges, density, fractions, dimension, and the ω bin
/// edges a dataset brings.
struct Reference {
    g: Vec<f64>,
    r_edges: Vec<f64>,
    rho: f64,
    fractions: Vec<f64>,
    dim: Dim,
    omega_edges: Option<Vec<f64>>,
    what: String,
}

pub fn run(args: &TheoryArgs, quiet: bool) -> Result<()> {
    if args.dispersion.is_none() && args.kernel.is_none() && args.vdos.is_none() {
        bail!("nothing to write: give --dispersion, --vdos and/or --kernel");
    }
    let model = registry::load(&args.potential)?;
    let reference = if args.rdf.is_dir() {
        from_dataset(args, &model)?
    } else {
        from_csv(args, &model)?
    };
    let table = PairTable::from_model(
        &model,
        &reference.fractions,
        &reference.r_edges,
        reference.dim,
    )
    .with_context(|| format!("{}", args.rdf.display()))?;
    let rho = reference.rho;
    if !(rho.is_finite() && rho > 0.0) {
        bail!(
            "{}: the number density is {rho}; it must be finite and > 0 (--density)",
            args.rdf.display()
        );
    }
    let d = reference.dim.get();
    let units = model.units;
    let f = units.frequency_factor();
    let kd = debye_wavenumber(d, rho);
    let freq = |w2: f64| f * w2.max(0.0).sqrt();

    let k_max = args.k_max.unwrap_or(kd);
    if !(k_max.is_finite() && k_max > 0.0) || args.k_points == 0 {
        bail!(
            "--k-max must be > 0 and --k-points ≥ 1 (got {k_max}, {})",
            args.k_points
        );
    }
    let k: Vec<f64> = (1..=args.k_points)
        .map(|i| k_max * i as f64 / args.k_points as f64)
        .collect();
    let disp = dispersion(&table, &reference.g, rho, &k)?;
    let n_negative = disp
        .omega2_l
        .iter()
        .chain(&disp.omega2_t)
        .filter(|w| **w < 0.0)
        .count();

    let edges: Vec<f64> = match (&reference.omega_edges, args.omega_max, args.bins) {
        (Some(e), None, None) => e.clone(),
        (dataset, top, bins) => {
            let top = top.unwrap_or_else(|| {
                let highest = disp
                    .omega2_l
                    .iter()
                    .chain(&disp.omega2_t)
                    .fold(0.0f64, |m, w| m.max(freq(*w)));
                1.2 * highest
            });
            let bins = bins.unwrap_or(dataset.as_ref().map_or(100, |e| e.len() - 1));
            if !(top.is_finite() && top > 0.0) || bins == 0 {
                bail!("--omega-max must be > 0 and --bins ≥ 1 (got {top}, {bins})");
            }
            (0..=bins).map(|i| top * i as f64 / bins as f64).collect()
        }
    };
    let omega_max = *edges.last().expect("≥ 2 edges");
    let sigma = args.sigma.unwrap_or(0.14 * omega_max);
    // the theory works in √eigenvalue units: convert the grid and σ, then the densities back
    let grid = SpectrumGrid::new(edges.iter().map(|e| e / f).collect(), sigma / f)
        .context("--omega-max/--bins/--sigma")?;

    if !quiet {
        let m2v = m2(&table, &reference.g, rho)?;
        eprintln!(
            "{}: ρ = {rho:.6}, k_D = {kd:.6}, M2 (sum rule) = {m2v:.6e}, ω² < 0 at {n_negative} of \
             {} dispersion points; grid {} bins to {omega_max} ({}), σ = {sigma}",
            reference.what,
            2 * k.len(),
            grid.n_bins(),
            units.frequency_unit()
        );
    }

    if let Some(path) = &args.dispersion {
        let mut t = Table::new();
        let (kname, wl, wt) = match units {
            Units::Lj => ("k", "omega_L", "omega_T"),
            Units::Metal => ("k_per_angstrom", "nu_L_thz", "nu_T_thz"),
        };
        t.push(kname, disp.k.clone());
        t.push(wl, disp.omega2_l.iter().map(|w| freq(*w)).collect());
        t.push(wt, disp.omega2_t.iter().map(|w| freq(*w)).collect());
        t.push("omega2_L", disp.omega2_l.clone());
        t.push("omega2_T", disp.omega2_t.clone());
        emit(&t, Some(path), quiet)?;
    }
    if args.vdos.is_some() || args.kernel.is_some() {
        let resp = linear_response(&table, &reference.g, rho, &grid)?;
        if resp.n_clamped > 0 && !quiet {
            eprintln!(
                "warning: ω² < 0 at {} of {} (k, branch) points of the Debye sphere: clamped to ω = 0",
                resp.n_clamped,
                2 * grid.n_k
            );
        }
        if let Some(path) = &args.vdos {
            let mut t = Table::new();
            t.push(
                match units {
                    Units::Lj => "omega",
                    Units::Metal => "nu_thz",
                },
                edges.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect(),
            );
            t.push("vdos", resp.d_qca.iter().map(|v| v / f).collect());
            t.push("k_rho", resp.k_rho.iter().map(|v| v / f).collect());
            emit(&t, Some(path), quiet)?;
        }
        if let Some(path) = &args.kernel {
            let kernel = resp.kernel_on_support().mapv(|v| v / f);
            vitrum_io::write_npy(path, &kernel)?;
            if !quiet {
                eprintln!(
                    "wrote {} (K [{} ω bins, {} channels × {} r bins])",
                    path.display(),
                    kernel.nrows(),
                    table.n_channels(),
                    table.n_r()
                );
            }
        }
    }
    Ok(())
}

fn check_dim(args: &TheoryArgs, found: Option<Dim>, path: &Path) -> Result<Dim> {
    match (args.dim, found) {
        (Some(d), Some(f)) if d != f.get() => bail!(
            "{}: the dataset is {}D but --dim {d} was given; drop --dim",
            path.display(),
            f.get()
        ),
        (_, Some(f)) => Ok(f),
        (Some(d), None) => {
            Dim::from_usize(d).ok_or_else(|| anyhow::anyhow!("--dim must be 2 or 3 (got {d})"))
        }
        (None, None) => Ok(Dim::from_usize(3).expect("3")),
    }
}

fn from_dataset(args: &TheoryArgs, model: &Model) -> Result<Reference> {
    let path = &args.rdf;
    let ds = Dataset::read(path)?;
    let dim = check_dim(args, Some(ds.dim()?), path)?;
    if ds.manifest.species != model.labels {
        bail!(
            "{}: the dataset's species {:?} are not the potential's {:?} (same labels, same order)",
            path.display(),
            ds.manifest.species,
            model.labels
        );
    }
    let selected = crate::dataset::select(
        &ds,
        &crate::dataset::FeatureRequest::new(FeatureKind::PartialRdf.name()),
        TargetKind::VdosHistogram,
    )
    .with_context(|| format!("{}: partial g_ab", path.display()))?;
    let n = ds.n_samples();
    let range = match &args.samples {
        Some(s) => vitrum_regress::data::parse_range(s, n).context("--samples")?,
        None => 0..n,
    };
    let rows = selected.features.slice(ndarray::s![range.clone(), ..]);
    let g = rows
        .mean_axis(ndarray::Axis(0))
        .context("no samples selected")?
        .to_vec();
    let rho = match args.density {
        Some(r) => r,
        None => {
            let all = ds.manifest.densities().ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: the sample records have no densities; pass --density",
                    path.display()
                )
            })?;
            all[range.clone()].iter().sum::<f64>() / range.len() as f64
        }
    };
    let counts = &ds.manifest.composition;
    let total: usize = counts.iter().sum();
    if counts.len() != model.labels.len() || total == 0 {
        bail!(
            "{}: the composition {:?} does not give one count per species {:?}",
            path.display(),
            counts,
            model.labels
        );
    }
    Ok(Reference {
        g,
        r_edges: selected.feature_grid.edges.clone(),
        rho,
        fractions: counts.iter().map(|&c| c as f64 / total as f64).collect(),
        dim,
        omega_edges: Some(selected.target_grid.edges.clone()),
        what: format!(
            "{} (mean of samples {}..{})",
            path.display(),
            range.start,
            range.end
        ),
    })
}

fn from_csv(args: &TheoryArgs, model: &Model) -> Result<Reference> {
    let path = &args.rdf;
    let dim = check_dim(args, None, path)?;
    let t = vitrum_io::read_csv(path)?;
    let r = t.column("r").ok_or_else(|| {
        anyhow::anyhow!(
            "{}: no column 'r' (bin midpoints); columns are {:?}",
            path.display(),
            t.header
        )
    })?;
    let n = r.len();
    let dr = if n >= 2 {
        r[1] - r[0]
    } else {
        2.0 * r.first().copied().unwrap_or(0.0)
    };
    let uniform = dr > 0.0
        && (r[0] - 0.5 * dr).abs() < 1e-9 * dr
        && r.iter()
            .enumerate()
            .all(|(k, x)| (x - (k as f64 + 0.5) * dr).abs() < 1e-6 * dr);
    if n == 0 || !uniform {
        bail!(
            "{}: column r must be the midpoints of uniform bins from r = 0 (as `vitrum rdf` writes)",
            path.display()
        );
    }
    let labels = &model.labels;
    let mut g = Vec::new();
    for (a, b) in vitrum_descriptors::species_pairs(labels.len()) {
        let name = format!("g_{}_{}", labels[a], labels[b]);
        let col = t
            .column(&name)
            .or_else(|| (labels.len() == 1).then(|| t.column("g")).flatten())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: no column {name} for the potential's species pair {}-{}; columns are {:?} \
                     (write them with `vitrum rdf --partial`)",
                    path.display(),
                    labels[a],
                    labels[b],
                    t.header
                )
            })?;
        g.extend_from_slice(col);
    }
    let rho = args.density.ok_or_else(|| {
        anyhow::anyhow!(
            "{}: an RDF CSV does not hold the density; pass --density",
            path.display()
        )
    })?;
    let fractions = if labels.len() == 1 {
        vec![1.0]
    } else if args.fractions.len() == labels.len() {
        args.fractions.clone()
    } else {
        bail!(
            "pass --fractions with one number fraction per species {:?} (got {:?})",
            labels,
            args.fractions
        );
    };
    Ok(Reference {
        g,
        r_edges: (0..=n).map(|k| k as f64 * dr).collect(),
        rho,
        fractions,
        dim,
        omega_edges: None,
        what: path.display().to_string(),
    })
}
