//! `vitrum sq`: static structure factor S(q).

use super::input::InputArgs;
use super::output::emit;
use super::resources::{Estimate, ForceArg, ball_volume, check};
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vitrum_descriptors::{
    QGrid, Rdf, RdfParams, Window, structure_factor_direct, structure_factor_from_rdf,
};
use vitrum_io::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqMethod {
    /// Fourier transform of g(r) (needs --r-max and --r-bins).
    Rdf,
    /// (1/N)|Σ exp(iq·r)|² over the wave vectors the cell allows: exact, cost N × (number of q).
    Direct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WindowArg {
    None,
    Lorch,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Output: CSV with columns q (bin midpoints, inverse length units of the file) and S; the direct
method adds n_q, the number of wave vectors averaged in each bin (S is NaN where it is 0).

Examples:
  vitrum sq fixtures/ka2d/config.dump --q-max 20 --bins 100 --method direct --out sq.csv
  vitrum sq fixtures/ka2d/config.dump --q-max 20 --bins 100 --r-max 10 --r-bins 400 --window lorch")]
pub struct SqArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Largest wave number.
    #[arg(long)]
    pub q_max: f64,
    /// Number of q bins on (0, q_max).
    #[arg(long)]
    pub bins: usize,
    #[arg(long, value_enum, default_value = "rdf")]
    pub method: SqMethod,
    /// r_max of the g(r) that is transformed (method rdf).
    #[arg(long)]
    pub r_max: Option<f64>,
    /// Bins of that g(r) (method rdf).
    #[arg(long, default_value_t = 500)]
    pub r_bins: usize,
    /// Window against truncation ripples (method rdf).
    #[arg(long, value_enum, default_value = "none")]
    pub window: WindowArg,
    /// Output CSV file (written atomically); standard output if omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub resources: ForceArg,
}

/// Memory of the grids before any is allocated (q bins; r bins of the transformed g(r)).
fn grid_estimate(args: &SqArgs) -> Estimate {
    let (bins, r_bins) = (args.bins as f64, args.r_bins as f64);
    let rdf = args.method == SqMethod::Rdf;
    Estimate {
        what: format!(
            "vitrum sq --bins {}{}",
            args.bins,
            if rdf {
                format!(" --r-bins {}", args.r_bins)
            } else {
                String::new()
            }
        ),
        bytes: 8.0 * (6.0 * bins + if rdf { 12.0 * r_bins } else { 0.0 }),
        work: 200.0 * bins + if rdf { 10.0 * bins * r_bins } else { 0.0 },
        fix: "lower --bins (and --r-bins)".into(),
    }
}

/// The direct sum for one frame (checked on the first): the wave vectors of the cell shorter than q_max (half of the
/// reciprocal lattice points in the q_max ball, ± pairs counted once), each summed over N atoms;
/// the candidates of the enclosing box are enumerated first.
fn direct_estimate(args: &SqArgs, config: &vitrum_io::Configuration) -> Estimate {
    let d = config.dim.get();
    let widths = config.cell.perpendicular_widths(config.dim);
    let cell: f64 = widths.iter().take(d).product();
    let spacing = (2.0 * std::f64::consts::PI).powi(d as i32) / cell;
    let n_q = 0.5 * ball_volume(d, args.q_max) / spacing;
    let candidates: f64 = widths
        .iter()
        .take(d)
        .map(|w| 2.0 * (args.q_max * w / (2.0 * std::f64::consts::PI)).ceil() + 1.0)
        .product();
    Estimate {
        what: format!(
            "vitrum sq --method direct --q-max {} (≈ {n_q:.2e} wave vectors × {} atoms per frame)",
            args.q_max,
            config.len()
        ),
        bytes: 32.0 * n_q + 8.0 * n_q,
        work: 10.0 * candidates + 20.0 * n_q * config.len() as f64,
        fix: "lower --q-max, or use --method rdf (cost independent of q_max)".into(),
    }
}

pub fn run(args: &SqArgs, quiet: bool) -> Result<()> {
    if args.method == SqMethod::Direct && args.window != WindowArg::None {
        bail!(
            "--window applies to --method rdf only (it damps the truncation of g(r)); the direct \
             sum has no truncation: drop --window, or use --method rdf"
        );
    }
    check(&grid_estimate(args), args.resources.force)?;
    let grid = QGrid::new(args.q_max, args.bins)?;
    let mut table = Table::new();
    match args.method {
        SqMethod::Rdf => {
            let Some(r_max) = args.r_max else {
                bail!("--method rdf needs --r-max (at most half the smallest cell width)");
            };
            let mut rdf = Rdf::new(RdfParams::new(r_max, args.r_bins)?);
            args.input
                .for_each_frame(quiet, |c| Ok(rdf.accumulate(c)?))?;
            let window = match args.window {
                WindowArg::None => Window::None,
                WindowArg::Lorch => Window::Lorch,
            };
            let sq = structure_factor_from_rdf(&rdf.result()?, &grid, window);
            table.push("q", sq.q);
            table.push("S", sq.s);
        }
        SqMethod::Direct => {
            let mut sum = vec![0.0; args.bins];
            let mut counts = vec![0usize; args.bins];
            let mut frames = 0usize;
            args.input.for_each_frame(quiet, |c| {
                if frames == 0 {
                    check(&direct_estimate(args, c), args.resources.force)?;
                }
                let sq = structure_factor_direct(c, &grid)?;
                if sq
                    .counts
                    .as_ref()
                    .is_some_and(|n| n.iter().all(|&n| n == 0))
                {
                    let widths = c.cell.perpendicular_widths(c.dim);
                    let widest = widths
                        .iter()
                        .take(c.dim.get())
                        .fold(0.0f64, |a, &b| a.max(b));
                    bail!(
                        "no wave vector of this cell is shorter than --q-max {}: the shortest is \
                         2π/L = {:.6} (L = {widest:.6}, the widest cell edge); raise --q-max",
                        args.q_max,
                        2.0 * std::f64::consts::PI / widest
                    );
                }
                for (k, (s, n)) in
                    sq.s.iter()
                        .zip(sq.counts.expect("direct has counts"))
                        .enumerate()
                {
                    if n > 0 {
                        sum[k] += s;
                        counts[k] = n;
                    }
                }
                frames += 1;
                Ok(())
            })?;
            let s: Vec<f64> = sum
                .iter()
                .zip(&counts)
                .map(|(&s, &n)| if n > 0 { s / frames as f64 } else { f64::NAN })
                .collect();
            table.push("q", grid.centers());
            table.push("S", s);
            table.push("n_q", counts.iter().map(|&c| c as f64).collect());
        }
    }
    emit(&table, args.out.as_deref(), quiet)
}
