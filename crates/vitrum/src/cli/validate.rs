//! `vitrum validate`: every comparison against reference data, as a table (see
//! [`crate::validate`]).

use crate::validate::{self, Fixtures, Group};
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "\
Compares this build against the reference data shipped in fixtures/ (LAMMPS eigenvalues and
energies, numpy g(r), Hessians and histograms, scikit-learn fits) and writes OUT/report.md and
OUT/results.json: one row per quantity with the reference, the measured difference, the
tolerance and pass/fail. Exits with an error when a row fails. Run from the repository root.

Examples:
  vitrum validate --out validation
  vitrum validate --only structure --out validation-structure")]
pub struct ValidateArgs {
    /// The reference data directory.
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Output directory for report.md and results.json.
    #[arg(long, default_value = "validation")]
    pub out: PathBuf,
    /// Run only these groups (repeatable; all by default).
    #[arg(long, value_enum)]
    pub only: Vec<Group>,
}

pub fn run(args: &ValidateArgs, quiet: bool) -> Result<()> {
    if !args.fixtures.is_dir() {
        bail!(
            "{}: no such directory; run from the repository root or give --fixtures DIR",
            args.fixtures.display()
        );
    }
    let fixtures = Fixtures {
        dir: args.fixtures.clone(),
    };
    let rows = validate::run(&fixtures, &args.only)?;
    validate::write(&args.out, &rows, &fixtures)?;
    let failed: Vec<_> = rows.iter().filter(|r| !r.pass).collect();
    if !quiet {
        eprintln!(
            "{} rows, {} passed, {} failed → {}",
            rows.len(),
            rows.len() - failed.len(),
            failed.len(),
            args.out.join("report.md").display()
        );
    }
    if !failed.is_empty() {
        let list: Vec<String> = failed
            .iter()
            .map(|r| {
                format!(
                    "{}: {} = {:e} > {:e} (reference: {})",
                    r.quantity, r.metric, r.difference, r.tolerance, r.reference
                )
            })
            .collect();
        bail!(
            "{} of {} rows failed:\n  {}",
            failed.len(),
            rows.len(),
            list.join("\n  ")
        );
    }
    Ok(())
}
