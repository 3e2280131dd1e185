//! `vitrum rdf`: g(r) of a configuration file.

use super::input::InputArgs;
use super::output::emit;
use super::resources::{Estimate, ForceArg, check};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vitrum_descriptors::{Normalization, Rdf, RdfParams};
use vitrum_io::Table;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NormalizationArg {
    /// ρ_b = N_b/V for every pair (freud, ASE).
    Exact,
    /// ρ_a = (N_a − 1)/V for like pairs (LAMMPS compute rdf).
    Lammps,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Output: CSV with columns r (bin midpoints, length units of the file), g, and with --partial one
column g_A_B per unordered type pair A ≤ B (type labels as in the file). With --coordination,
columns n (and n_A_B: neighbours of type B around an A) hold the running coordination number
up to each bin's upper edge.

Examples:
  vitrum rdf fixtures/ka3d/config.dump --r-max 3.5 --bins 140 --partial --out rdf.csv
  vitrum rdf traj.lammpstrj --frames 10: --r-max 5 --bins 200          # average frames 10..end
  vitrum rdf glass2d.dump --dim 2 --r-max 5 --bins 200 --normalization lammps")]
pub struct RdfArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Largest distance (at most half the smallest perpendicular cell width).
    #[arg(long)]
    pub r_max: f64,
    /// Number of bins on [0, r_max).
    #[arg(long)]
    pub bins: usize,
    /// Also write the partial g_ab(r).
    #[arg(long)]
    pub partial: bool,
    /// Also write running coordination numbers.
    #[arg(long)]
    pub coordination: bool,
    /// Density convention for like pairs.
    #[arg(long, value_enum, default_value = "exact")]
    pub normalization: NormalizationArg,
    /// Output CSV file (written atomically); standard output if omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub resources: ForceArg,
}

/// Memory of the histograms before any is allocated: per bin the total and, for a binary
/// system, three partial sums, r, g, the partials' g and coordination columns (≈ 12 numbers).
fn estimate(args: &RdfArgs) -> Estimate {
    let bins = args.bins as f64;
    Estimate {
        what: format!("vitrum rdf --bins {}", args.bins),
        bytes: bins * 8.0 * 12.0,
        work: bins * 200.0,
        fix: "lower --bins (a few hundred resolve g(r) to the noise of one frame)".into(),
    }
}

pub fn run(args: &RdfArgs, quiet: bool) -> Result<()> {
    check(&estimate(args), args.resources.force)?;
    let normalization = match args.normalization {
        NormalizationArg::Exact => Normalization::Exact,
        NormalizationArg::Lammps => Normalization::LammpsExcludeSelf,
    };
    let params = RdfParams::new(args.r_max, args.bins)?.with_normalization(normalization);
    let mut rdf = Rdf::new(params);
    args.input
        .for_each_frame(quiet, |config| Ok(rdf.accumulate(config)?))?;
    let result = rdf.result()?;
    let mut table = Table::new();
    table.push("r", result.r.clone());
    table.push("g", result.g.clone());
    if args.partial {
        for p in &result.partials {
            table.push(format!("g_{}_{}", p.label_a, p.label_b), p.g.clone());
        }
    }
    if args.coordination {
        table.push("n", result.coordination());
        if args.partial {
            let n = result.labels.len();
            for a in 0..n {
                for b in 0..n {
                    let name = format!("n_{}_{}", result.labels[a], result.labels[b]);
                    table.push(name, result.partial_coordination(a, b));
                }
            }
        }
    }
    emit(&table, args.out.as_deref(), quiet)
}
