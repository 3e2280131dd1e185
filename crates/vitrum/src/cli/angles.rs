//! `vitrum angles`: bond-angle distribution.

use super::input::InputArgs;
use super::output::emit;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use vitrum_descriptors::{PairCutoffs, bond_angles};
use vitrum_io::{Configuration, Table};

#[derive(Debug, Args)]
#[command(after_help = "\
Output: CSV with columns theta (bin midpoints, degrees) and p (probability density per degree,
Σ p Δθ = 1), averaged over frames. The mean coordination under the cutoffs is printed.

Examples:
  vitrum angles fixtures/asi-sw/config.dump --cutoff 2.85 --out angles.csv
  vitrum angles sic.dump --cutoff 1-1:2.8,1-2:2.2,2-2:1.8 --bins 90")]
pub struct AnglesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Neighbour cutoff: one distance for every pair, or per type pair as A-B:R,... (every pair
    /// of types present must be given; labels as in the file).
    #[arg(long)]
    pub cutoff: String,
    /// Number of bins on [0°, 180°].
    #[arg(long, default_value_t = 180)]
    pub bins: usize,
    /// Output CSV file (written atomically); standard output if omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Parses `--cutoff` against the species of `config`.
fn parse_cutoffs(spec: &str, config: &Configuration) -> Result<PairCutoffs> {
    let labels = config.labels();
    if let Ok(r) = spec.trim().parse::<f64>() {
        return Ok(PairCutoffs::uniform(labels.len(), r)?);
    }
    let mut cutoffs = PairCutoffs::uniform(labels.len(), f64::MAX)?;
    let mut seen = vec![false; labels.len() * (labels.len() + 1) / 2];
    for item in spec.split(',') {
        let (pair, r) = item
            .split_once(':')
            .with_context(|| format!("--cutoff item '{item}' is not of the form A-B:R"))?;
        let (a, b) = pair
            .split_once('-')
            .with_context(|| format!("--cutoff pair '{pair}' is not of the form A-B"))?;
        let find = |l: &str| {
            labels.iter().position(|x| *x == l.trim()).with_context(|| {
                format!(
                    "--cutoff names type '{}', but the file has types {:?}",
                    l.trim(),
                    labels
                )
            })
        };
        let (ia, ib) = (find(a)?, find(b)?);
        let r: f64 = r
            .trim()
            .parse()
            .with_context(|| format!("--cutoff distance '{r}' is not a number"))?;
        cutoffs.set(ia, ib, r)?;
        seen[vitrum_descriptors::pair_index(ia, ib, labels.len())] = true;
    }
    for (a, b, _) in cutoffs.pairs() {
        if !seen[vitrum_descriptors::pair_index(a, b, labels.len())] {
            bail!(
                "--cutoff gives no distance for type pair {}-{}",
                labels[a],
                labels[b]
            );
        }
    }
    Ok(cutoffs)
}

pub fn run(args: &AnglesArgs, quiet: bool) -> Result<()> {
    let mut sum: Option<Vec<f64>> = None;
    let mut theta = Vec::new();
    let mut coordination = 0.0;
    let frames = args.input.for_each_frame(quiet, |config| {
        let cutoffs = parse_cutoffs(&args.cutoff, config)?;
        let limit = config.max_r_max();
        if cutoffs.max() > limit {
            bail!(
                "--cutoff {} is larger than half the smallest perpendicular cell width \
                 ({limit:.6}): a neighbour would be counted through two periodic images. Use \
                 --cutoff {:.4} or less (bond cutoffs are usually the first minimum of g(r))",
                cutoffs.max(),
                limit
            );
        }
        let dist = bond_angles(config, &cutoffs, args.bins)?;
        theta = dist.theta;
        coordination += dist.mean_coordination;
        match &mut sum {
            None => sum = Some(dist.p),
            Some(s) => s.iter_mut().zip(dist.p).for_each(|(a, b)| *a += b),
        }
        Ok(())
    })?;
    let p: Vec<f64> = sum
        .unwrap_or_default()
        .iter()
        .map(|x| x / frames as f64)
        .collect();
    if !quiet {
        eprintln!(
            "mean coordination under the cutoffs: {:.4}",
            coordination / frames as f64
        );
    }
    let mut table = Table::new();
    table.push("theta", theta);
    table.push("p", p);
    emit(&table, args.out.as_deref(), quiet)
}
