//! `vitrum modes`: eigenvalues and the vibrational density of states of a configuration.

use super::input::InputArgs;
use super::output::emit;
use super::resources::{Estimate, ForceArg, check};
use crate::progress;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vitrum_io::{Configuration, Table};
use vitrum_theory::modes::{dense_modes, dense_spectrum, dynamical_matrix, m2_exact};
use vitrum_theory::{FrequencyGrid, KpmParams, kpm, participation_ratios, registry, vdos};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// All d·N eigenvalues by dense diagonalisation (LAPACK dsyevd); N up to a few thousand.
    Dense,
    /// Kernel polynomial method on the sparse dynamical matrix: the VDOS only, linear in N.
    Kpm,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Potentials: a preset name (kob-andersen, yukawa-binary, si-sw, sw-2d, wca, harmonic-spheres,
soft-spheres) or a TOML potential file (schema and examples: docs/potentials.md). Masses come
from the potential file. Frequencies: units lj → ω = √λ in τ⁻¹; units metal → ν = √λ × 15.633302
THz. The VDOS is normalised over the non-zero modes (the d translations are excluded); negative
eigenvalues (not an energy minimum) are reported as warnings on standard error.

Output: --eigenvalues writes all d·N eigenvalues of the dynamical matrix, ascending, one per
line; --vdos writes CSV columns omega (or nu_thz) at bin midpoints and vdos.

Examples:
  vitrum modes fixtures/ka3d/config.dump --potential kob-andersen --eigenvalues eig.txt
  vitrum modes fixtures/ka2d/config.dump --potential kob-andersen --vdos vdos.csv --omega-max 45 --bins 100
  vitrum modes fixtures/asi-sw/config.dump --potential si-sw --vdos vdos.csv --omega-max 22 --bins 110 --sigma 0.2
  vitrum modes big.dump --potential my-glass.toml --method kpm --vdos vdos.csv --omega-max 45 --bins 200 --sigma 0.3")]
pub struct ModesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Preset name or TOML potential file.
    #[arg(long)]
    pub potential: String,
    /// Write all eigenvalues (ascending, one per line) to this file (dense only).
    #[arg(long)]
    pub eigenvalues: Option<PathBuf>,
    /// Write the VDOS as CSV to this file ('-' for standard output).
    #[arg(long)]
    pub vdos: Option<PathBuf>,
    /// Upper end of the frequency grid (default: 5% above the highest mode or bound).
    #[arg(long)]
    pub omega_max: Option<f64>,
    /// Number of frequency bins.
    #[arg(long, default_value_t = 100)]
    pub bins: usize,
    /// Gaussian broadening width in frequency units; a histogram without it.
    #[arg(long)]
    pub sigma: Option<f64>,
    /// Dense diagonalisation or the kernel polynomial method.
    #[arg(long, value_enum, default_value = "dense")]
    pub method: Method,
    /// Write participation ratios (CSV: eigenvalue, frequency, pr; dense only).
    #[arg(long)]
    pub participation: Option<PathBuf>,
    /// KPM: number of Chebyshev moments (resolution ≈ π·λ_max/M in λ).
    #[arg(long, default_value_t = 1024)]
    pub moments: usize,
    /// KPM: number of random vectors.
    #[arg(long, default_value_t = 16)]
    pub vectors: usize,
    /// KPM: random seed (the result depends on it only).
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    #[command(flatten)]
    pub resources: ForceArg,
}

/// Memory and work of the modes of `config`: dense, the d·N × d·N matrix (twice with
/// eigenvectors) and ~10 (dN)³ operations; KPM, the sparse matrix (≈ 60 neighbours × d² per
/// row) and moments × vectors products with it.
fn estimate(args: &ModesArgs, config: &Configuration) -> Estimate {
    let d = config.dim.get() as f64;
    let dof = d * config.len() as f64;
    let bins = 8.0 * 4.0 * args.bins as f64;
    match args.method {
        Method::Dense => {
            let copies = if args.participation.is_some() {
                4.0
            } else {
                2.0
            };
            Estimate {
                what: format!(
                    "vitrum modes --method dense ({} atoms: a {dof:.0} × {dof:.0} matrix)",
                    config.len()
                ),
                bytes: copies * 8.0 * dof * dof + bins,
                work: 10.0 * dof.powi(3),
                fix: "use --method kpm (linear in N) for the VDOS of a large configuration".into(),
            }
        }
        Method::Kpm => {
            let nnz = dof * d * 60.0;
            Estimate {
                what: format!(
                    "vitrum modes --method kpm --moments {} --vectors {} ({} atoms)",
                    args.moments,
                    args.vectors,
                    config.len()
                ),
                bytes: 12.0 * nnz + 8.0 * 4.0 * dof * args.vectors.min(2) as f64 + bins,
                work: 2.0 * nnz * args.moments as f64 * args.vectors as f64,
                fix: "lower --moments or --vectors (or --bins)".into(),
            }
        }
    }
}

fn one_frame(args: &ModesArgs, quiet: bool) -> Result<Configuration> {
    let mut frames = Vec::new();
    args.input.for_each_frame(quiet, |c| {
        frames.push(c.clone());
        Ok(())
    })?;
    if frames.len() != 1 {
        bail!(
            "{} frames selected; modes are computed for one configuration: pick one with --frames N",
            frames.len()
        );
    }
    Ok(frames.pop().expect("one frame"))
}

pub fn run(args: &ModesArgs, quiet: bool) -> Result<()> {
    if args.eigenvalues.is_none() && args.vdos.is_none() && args.participation.is_none() {
        bail!("nothing to write: give --eigenvalues FILE, --vdos FILE and/or --participation FILE");
    }
    if args.method == Method::Kpm && (args.eigenvalues.is_some() || args.participation.is_some()) {
        bail!(
            "--method kpm gives the VDOS only; use --method dense for eigenvalues or participation ratios"
        );
    }
    if args.method == Method::Kpm && args.moments < 2 {
        bail!(
            "--moments {} is too few: KPM needs at least 2 Chebyshev moments (resolution ≈ \
             π·λ_max/M; the default is 1024)",
            args.moments
        );
    }
    if args.method == Method::Kpm && args.vectors == 0 {
        bail!("--vectors 0: KPM needs at least one random vector (the default is 16)");
    }
    let model = registry::load(&args.potential)
        .with_context(|| format!("loading the potential '{}'", args.potential))?;
    let config = one_frame(args, quiet)?;
    check(&estimate(args, &config), args.resources.force)?;
    let sys = model.bind(&config)?;
    let units = model.units;
    let bar = progress::bar(3, "modes", quiet);
    let m2 = m2_exact(&model, &sys)?;
    bar.inc(1);
    let result = match args.method {
        Method::Dense => {
            let (spectrum, vectors) = if args.participation.is_some() {
                let (s, v) = dense_modes(&model, &sys)?;
                (s, Some(v))
            } else {
                (dense_spectrum(&model, &sys)?, None)
            };
            bar.inc(1);
            for w in &spectrum.warnings {
                bar.suspend(|| eprintln!("warning: {w}"));
            }
            if !quiet {
                bar.suspend(|| {
                    eprintln!(
                        "{} ({}): {} modes, {} zero, {} negative; M2 = {:.12e} (eigenvalues), {:.12e} (exact); λ_max = {:.6e}",
                        model.name,
                        units,
                        spectrum.eigenvalues.len(),
                        spectrum.n_zero,
                        spectrum.n_negative,
                        spectrum.m2(),
                        m2,
                        spectrum.eigenvalues.last().copied().unwrap_or(0.0)
                    )
                });
            }
            if let Some(path) = &args.eigenvalues {
                vitrum_io::write_atomically(path, |w| {
                    for x in &spectrum.eigenvalues {
                        writeln!(w, "{x:.16e}")?;
                    }
                    Ok(())
                })?;
                if !quiet {
                    bar.suspend(|| eprintln!("wrote {}", path.display()));
                }
            }
            if let (Some(path), Some(v)) = (&args.participation, &vectors) {
                let mut t = Table::new();
                t.push("eigenvalue", spectrum.eigenvalues.clone());
                t.push(
                    "frequency",
                    spectrum
                        .eigenvalues
                        .iter()
                        .map(|&l| units.frequency(l.max(0.0)))
                        .collect(),
                );
                t.push("pr", participation_ratios(v, config.dim));
                emit(&t, Some(path), quiet)?;
            }
            match &args.vdos {
                None => None,
                Some(path) => {
                    let top = units
                        .frequency(spectrum.eigenvalues.last().copied().unwrap_or(0.0).max(0.0));
                    let grid = FrequencyGrid::new(args.omega_max.unwrap_or(1.05 * top), args.bins)?;
                    Some((path.clone(), vdos(&spectrum, units, grid, args.sigma)?))
                }
            }
        }
        Method::Kpm => {
            let path = args.vdos.clone().expect("checked above");
            let rows = dynamical_matrix(&model, &sys)?.to_rows();
            let params = KpmParams {
                moments: args.moments,
                vectors: args.vectors,
                seed: args.seed,
            };
            let moments = kpm::moments(&rows, &params, config.dim.get())?;
            bar.inc(1);
            let top = units.frequency(rows.gershgorin().1);
            let grid = FrequencyGrid::new(args.omega_max.unwrap_or(1.05 * top), args.bins)?;
            Some((path, moments.vdos(units, grid, args.sigma)?))
        }
    };
    bar.inc(1);
    bar.finish_and_clear();
    if let Some((path, v)) = result {
        for w in v
            .warnings
            .iter()
            .filter(|w| !w.contains("negative") && !w.contains("zero mode"))
        {
            eprintln!("warning: {w}");
        }
        let mut t = Table::new();
        let name = match units {
            vitrum_theory::Units::Lj => "omega",
            vitrum_theory::Units::Metal => "nu_thz",
        };
        t.push(name, v.frequency.clone());
        t.push("vdos", v.density.clone());
        let out = (path.as_os_str() != "-").then_some(path.as_path());
        emit(&t, out, quiet)?;
    }
    Ok(())
}
