//! `vitrum sq`: static structure factor S(q).

use super::input::InputArgs;
use super::output::emit;
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
}

pub fn run(args: &SqArgs, quiet: bool) -> Result<()> {
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
                let sq = structure_factor_direct(c, &grid)?;
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
