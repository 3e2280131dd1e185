//! `vitrum featurize`: recompute a dataset's features and targets on other grids.

use super::generate::GridArgs;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "\
Reads DIR/samples/NNNN.* and the eigenvalues (per-sample NNNN.eig.npy, else eigenvalues.npy) and
rewrites features.npy, features_partials.npy, targets.npy, the grids and their entries in meta.json.

Example:
  vitrum featurize ka2d-data --r-max 4 --r-bins 160 --omega-max 80 --omega-bins 50")]
pub struct FeaturizeArgs {
    /// Dataset directory.
    pub dir: PathBuf,
    #[command(flatten)]
    pub grids: GridArgs,
}

pub fn run(args: &FeaturizeArgs, quiet: bool) -> Result<()> {
    let n = vitrum_sim::dataset::featurize(&args.dir, &args.grids.grids())
        .with_context(|| format!("featurizing {}", args.dir.display()))?;
    if !quiet {
        eprintln!(
            "{}: features and targets of {n} sample(s) rewritten",
            args.dir.display()
        );
    }
    Ok(())
}
