//! `vitrum dataset`: operations on whole datasets (today: joining shards made on many machines).

use crate::shards;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DatasetArgs {
    #[command(subcommand)]
    pub command: DatasetCommand,
}

#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Join the shards of `vitrum generate --shard I/N` into one dataset.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Checks before copying anything that the directories are the N shards of one dataset (made by the
same `vitrum generate` command except --shard: a different protocol, seed, vary, grid or
backend is refused, naming the field), that each shard index comes once, and that every sample
is finished; then copies the samples into OUT and featurizes them as `vitrum generate` does.
The result equals, byte for byte, the dataset one run without --shard makes. OUT must not exist
(or be empty); it appears only when the merge is complete.

Examples:
  vitrum generate --system ka2d --samples 8 --n 64 --shard 0/2 --out shard-0
  vitrum generate --system ka2d --samples 8 --n 64 --shard 1/2 --out shard-1
  vitrum dataset merge shard-1 shard-0 --out merged
  vitrum dataset merge shards/shard-* --out dataset   # the shards of examples/slurm")]
pub struct MergeArgs {
    /// The shard directories (any order).
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// The merged dataset's directory.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: &DatasetArgs, quiet: bool) -> Result<()> {
    match &args.command {
        DatasetCommand::Merge(m) => {
            let report = shards::merge(&m.shards, &m.out)?;
            if !quiet {
                eprintln!(
                    "{}: {} samples from {} shards",
                    m.out.display(),
                    report.samples,
                    report.shards
                );
            }
            Ok(())
        }
    }
}
