//! `vitrum demo`: the built-in study, KA 2D glasses generated natively and fitted with every
//! backend, end to end in under a minute on two cores (docs/performance.md).

use crate::pipeline::Study;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

/// The demo's study, shipped in the binary.
pub const DEMO_STUDY: &str = include_str!("../pipeline/demo.toml");

#[derive(Debug, Args)]
#[command(after_help = "\
Generates 150 Kob–Andersen 2D glasses (N = 512, density 1.1–1.35, quench 300–3000 steps, native
MD + minimisation), computes g(r) and the VDOS of each, fits ŷ = W g + b with every backend (α by
5-fold cross-validation), evaluates on the 30 held-out glasses and writes a report. The study it
runs is written to OUT/study.toml; edit it and use `vitrum run` for your own.

Examples:
  vitrum demo                          # → vitrum-demo/report.html
  vitrum demo --out /tmp/demo --json   # results as JSON on stdout
  vitrum demo --samples 40 --n 128     # a smaller, quicker variant
  vitrum demo --backends native-ridge,linfa-elasticnet")]
pub struct DemoArgs {
    /// Output directory.
    #[arg(long, default_value = "vitrum-demo")]
    pub out: PathBuf,
    /// Number of glasses (default 150).
    #[arg(long)]
    pub samples: Option<usize>,
    /// Particles per glass (default 512).
    #[arg(long)]
    pub n: Option<usize>,
    /// Backends to fit (comma-separated registry names; default: every one).
    #[arg(long, value_delimiter = ',')]
    pub backends: Vec<String>,
    /// Print results.json to standard output instead of the summary table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub resources: super::resources::ForceArg,
}

/// The demo study with the command line's overrides.
pub fn study(args: &DemoArgs) -> Result<Study> {
    let mut study = Study::from_toml(DEMO_STUDY)?;
    if let Some(s) = args.samples {
        study.data.samples = Some(s);
    }
    if args.n.is_some() {
        study.data.n = args.n;
    }
    if !args.backends.is_empty() {
        study.fit.backends = args.backends.clone();
        // learning curves of the demo's backends that are still fitted
        study
            .report
            .learning_curves
            .retain(|b| args.backends.contains(b));
    }
    study.validate()?;
    Ok(study)
}

pub fn run(args: &DemoArgs, quiet: bool) -> Result<()> {
    super::run::execute(
        &study(args)?,
        &args.out,
        quiet,
        args.json,
        args.resources.force,
    )
}
