//! `vitrum write-eam`: the Zhou–Johnson–Wadley EAM as a LAMMPS `eam.alloy` file.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use vitrum_sim::eam_zjw::ZjwAlloy;

#[derive(Debug, Args)]
#[command(after_help = "\
Grids as the authors' generator (LAMMPS tools/eam_database): Nr = Nrho = 2000, cutoff
sqrt(10)/2 max(sqrt(2) r_e) (7.155 A for Cu-Zr-Al); docs/potentials.md lists the checks.

Example:
  vitrum write-eam --elements Cu,Zr,Al --out CuZrAl.eam.alloy
  # in LAMMPS: pair_style eam/alloy; pair_coeff * * CuZrAl.eam.alloy Cu Zr Al")]
pub struct WriteEamArgs {
    /// Elements in the file's order, comma-separated (Cu, Zr, Al are tabulated).
    #[arg(long, value_delimiter = ',', required = true)]
    pub elements: Vec<String>,
    /// Output file (written atomically).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: &WriteEamArgs, quiet: bool) -> Result<()> {
    let alloy = ZjwAlloy::new(&args.elements).context("--elements")?;
    let text = alloy.setfl().to_text();
    vitrum_io::write_atomically(&args.out, |w| w.write_all(text.as_bytes()))?;
    if !quiet {
        eprintln!(
            "wrote {} (Zhou–Johnson–Wadley eam.alloy: {}; cutoff {:.4} Å)",
            args.out.display(),
            args.elements.join(" "),
            alloy.cutoff()
        );
    }
    Ok(())
}
