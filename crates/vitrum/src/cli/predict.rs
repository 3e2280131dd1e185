//! `vitrum predict`: apply a fitted model to features.

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use vitrum_regress::model_file;

#[derive(Debug, Args)]
#[command(after_help = "\
The features must be on the model's feature grid: same number of columns and, with --grid-r,
the same r values (checked to 1e-9 relative); the model's preprocessing is applied.

Examples:
  vitrum predict ridge.json --features fixtures/dataset-ka2d/features.npy --out vdos.npy
  vitrum predict ridge.json --features g.npy --grid-r grid_r.npy --out vdos.npy")]
pub struct PredictArgs {
    /// Model file written by `vitrum fit`.
    pub model: PathBuf,
    /// Features [samples × features] (.npy).
    #[arg(long)]
    pub features: PathBuf,
    /// The features' grid (.npy), checked against the model's.
    #[arg(long)]
    pub grid_r: Option<PathBuf>,
    /// Predicted targets [samples × targets] (.npy), written atomically.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: &PredictArgs, quiet: bool) -> Result<()> {
    let model = model_file::load(&args.model)?;
    let x = vitrum_io::read_npy_2d(&args.features)?;
    let y = match &args.grid_r {
        Some(g) => model.predict_on_grid(x.view(), vitrum_io::read_npy_1d(g)?.view())?,
        None => model.predict(x.view())?,
    };
    vitrum_io::write_npy(&args.out, &y)?;
    if !quiet {
        eprintln!(
            "{} spectra of {} points → {}",
            y.nrows(),
            y.ncols(),
            args.out.display()
        );
    }
    Ok(())
}
