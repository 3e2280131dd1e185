//! `vitrum run`: a whole study (data → fits → report) from a TOML file.

use crate::pipeline::{self, Study};
use crate::report;
use anyhow::Result;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(after_help = "\
A study file names the data (an existing dataset directory, or a system to generate), the split,
the backends and how α is chosen, and the report's learning curves. Every field but `name` and the
data source has a default; see examples/*.toml and docs/pipeline.md.

Writes OUT/report.html (self-contained), OUT/report.md, OUT/results.json (every number of the
report), OUT/models/*.json, OUT/predictions/*.npy, OUT/figures/*.png|svg, OUT/study.toml (the
resolved study) and, for generated data, OUT/dataset/ (resumable: rerun to continue).

Examples:
  vitrum run examples/ka2d-reference.toml --out ka2d-report
  vitrum run examples/ka3d.toml --out ka3d-report --json > ka3d.json
  vitrum run ka2d-report/study.toml --out again      # rerun a study exactly")]
pub struct RunArgs {
    /// The study file (TOML).
    pub study: PathBuf,
    /// Output directory [default: <study file stem>-report].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print results.json to standard output instead of the summary table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub resources: super::resources::ForceArg,
}

pub fn run(args: &RunArgs, quiet: bool) -> Result<()> {
    let study = Study::load(&args.study)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .study
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "study".into());
        PathBuf::from(format!("{stem}-report"))
    });
    execute(&study, &out, quiet, args.json, args.resources.force)
}

/// Runs a study and reports: the summary table (or JSON) on stdout, where the report is on
/// stderr.
pub fn execute(study: &Study, out: &Path, quiet: bool, json: bool, force: bool) -> Result<()> {
    if let (Some(samples), Some(_)) = (study.data.samples, &study.data.system) {
        // the glasses to generate, sized before the first ([data] samples, the study's protocol)
        let mut e = super::generate::generation_estimate(samples, &study.protocol()?, 200, 100);
        e.fix = "fewer [data] samples (--samples), a smaller n (--n)".into();
        super::resources::check(&e, force)?;
    }
    if !quiet {
        eprintln!("vitrum: {} → {}", study.name, out.display());
    }
    let (mut outcome, artifacts) = pipeline::run(study, out, quiet)?;
    let files = report::write(out, &mut outcome, &artifacts)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else if !quiet {
        println!("{}", pipeline::summary::terminal_table(&outcome.results));
    }
    if !quiet {
        let t = &outcome.timings;
        eprintln!(
            "{} glasses ({}), {} backends in {:.1} s (data {:.1} s, fits {:.1} s, report {:.1} s)",
            outcome.n_samples,
            if outcome.generated {
                "generated"
            } else {
                "read"
            },
            outcome.results.len(),
            t.total,
            t.data,
            t.fit,
            t.report
        );
        eprintln!(
            "report: {}  (also {}, numbers in {})",
            files.html.display(),
            files.markdown.display(),
            files.results.display()
        );
    }
    Ok(())
}
